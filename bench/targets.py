"""The national-scale targets of the scale issue, and marking a run's figures against them.

Targets are set for the full national data on the 2-core, 24 GB machine; at smaller scales
they are marked all the same, for reference (`applies` says whether the run was national).
Sizes: MB = 10^6 bytes (files, stores); memory in MiB (2^20 bytes, as the kernel counts it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Report = dict[str, Any]


def dig(report: Report, *keys: str) -> Any:
    """report[k1][k2]..., or None where a part is missing (a stage that did not run)."""
    value: Any = report
    for key in keys:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _http(scenario: str, figure: str) -> Callable[[Report], Any]:
    def get(report: Report) -> Any:
        runs = dig(report, "http", "runs") or []
        found = [r for r in runs if r["scenario"] == scenario and r["workers"] == 2]
        return found[0][figure] if found else None

    return get


def _serving_memory(report: Report) -> Any:
    runs = dig(report, "http", "runs") or []
    return max((r["server_rss_mb_peak"] for r in runs), default=None)


@dataclass(frozen=True)
class Target:
    key: str
    label: str
    figure: Callable[[Report], Any]
    at_most: float | None = None
    at_least: float | None = None
    unit: str = ""

    def limit_text(self) -> str:
        if self.at_most is not None:
            return f"≤ {self.at_most:g} {self.unit}".strip()
        return f"≥ {self.at_least:g} {self.unit}".strip()

    def mark(self, report: Report) -> dict[str, Any]:
        value = self.figure(report)
        met = None
        if value is not None:
            if self.at_most is not None:
                met = bool(value <= self.at_most)
            else:
                met = bool(self.at_least is not None and value >= self.at_least)
        return {
            "key": self.key,
            "label": self.label,
            "target": self.limit_text(),
            "value": None if value is None else round(float(value), 3),
            "unit": self.unit,
            "met": met,
        }


TARGETS: tuple[Target, ...] = (
    Target(
        "nppes_ingest_vs_bare_read",
        "NPPES ingest / bare DuckDB read_csv",
        lambda r: dig(r, "ratios", "nppes_ingest_vs_duckdb_read"),
        at_most=3,
        unit="x",
    ),
    Target(
        "full_build_seconds",
        "full build, wall",
        lambda r: dig(r, "ingest", "full_build", "seconds"),
        at_most=20 * 60,
        unit="s",
    ),
    Target(
        "full_build_peak_memory",
        "full build, peak memory",
        lambda r: dig(r, "ingest", "full_build", "peak_rss_mb"),
        at_most=6 * 1024,
        unit="MiB",
    ),
    Target(
        "weekly_update_seconds",
        "weekly NPPES update, wall",
        lambda r: dig(r, "ingest", "weekly_update", "seconds"),
        at_most=60,
        unit="s",
    ),
    Target(
        "store_size",
        "store size",
        lambda r: dig(r, "store", "size_mb"),
        at_most=4000,
        unit="MB",
    ),
    Target(
        "search_p50",
        "search p50 (whole call, warm)",
        lambda r: dig(r, "search", "full_call_ms", "warm", "p50"),
        at_most=20,
        unit="ms",
    ),
    Target(
        "search_p99",
        "search p99 (whole call, warm)",
        lambda r: dig(r, "search", "full_call_ms", "warm", "p99"),
        at_most=100,
        unit="ms",
    ),
    Target(
        "http_api_throughput",
        "HTTP API search, 2 workers",
        _http("api", "requests_per_s"),
        at_least=200,
        unit="req/s",
    ),
    Target(
        "http_api_p99",
        "HTTP API search, 2 workers, p99",
        _http("api", "p99_ms"),
        at_most=250,
        unit="ms",
    ),
    Target(
        "http_page_throughput",
        "HTTP results page, 2 workers",
        _http("page", "requests_per_s"),
        at_least=200,
        unit="req/s",
    ),
    Target(
        "http_page_p99",
        "HTTP results page, 2 workers, p99",
        _http("page", "p99_ms"),
        at_most=250,
        unit="ms",
    ),
    Target(
        "startup_seconds",
        "start-up to first search (median)",
        lambda r: dig(r, "startup", "median_seconds"),
        at_most=3,
        unit="s",
    ),
    Target(
        "serving_memory",
        "serving memory under load (RSS, all processes)",
        _serving_memory,
        at_most=2 * 1024,
        unit="MiB",
    ),
    Target(
        "export_pages_per_s",
        "static export",
        lambda r: dig(r, "export", "pages_per_s"),
        at_least=300,
        unit="pages/s",
    ),
)


def mark_all(report: Report) -> list[dict[str, Any]]:
    return [target.mark(report) for target in TARGETS]
