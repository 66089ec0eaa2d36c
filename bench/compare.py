"""Several suite results side by side, as a Markdown table (docs/performance.md is made with it).

    python -m bench.compare bench/results/suite-national-0.01.json ... [--growth]

One column per result, one row per figure, the national target and whether the national result
(scale 1.0, when given) meets it. With --growth, the factor by which each figure grew from one
result to the next (10x the data should cost at most 10x).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

from bench.targets import TARGETS, dig

Report = dict[str, Any]


def _http(scenario: str, workers: int, figure: str) -> Callable[[Report], Any]:
    def get(report: Report) -> Any:
        for run in dig(report, "http", "runs") or []:
            if run["scenario"] == scenario and run["workers"] == workers:
                return run[figure]
        return None

    return get


def _serving_rss(workers: int) -> Callable[[Report], Any]:
    def get(report: Report) -> Any:
        runs = [r for r in dig(report, "http", "runs") or [] if r["workers"] == workers]
        return max((r["server_rss_mb_peak"] for r in runs), default=None)

    return get


def _dataset(name: str, figure: str) -> Callable[[Report], Any]:
    def get(report: Report) -> Any:
        for d in dig(report, "ingest", "full_build", "datasets") or []:
            if d["dataset"] == name:
                return d[figure]
        return None

    return get


def _path(*keys: str) -> Callable[[Report], Any]:
    return lambda report: dig(report, *keys)


def _load(moment: str) -> Callable[[Report], Any]:
    def get(report: Report) -> Any:
        found = dig(report, "machine", f"load_average_at_{moment}")
        return found[0] if found else None

    return get


# Rows about the conditions of a run, not its cost: no growth between them.
CONDITIONS = {"load average (1 min) at the start", "load average (1 min) at the end"}
CONDITIONS |= {"niceness of the run"}

# (label, unit, getter, target key or None)
ROWS: list[tuple[str, str, Callable[[Report], Any], str | None]] = [
    ("load average (1 min) at the start", "", _load("start"), None),
    ("load average (1 min) at the end", "", _load("end"), None),
    ("niceness of the run", "", _path("machine", "niceness"), None),
    ("input CSV", "MB", _path("data", "total_mb"), None),
    ("NPIs in NPPES", "", _path("data", "counts", "npis_in_nppes"), None),
    ("store", "MB", _path("store", "size_mb"), "store_size"),
    ("full build, wall", "s", _path("ingest", "full_build", "seconds"), "full_build_seconds"),
    ("full build, CPU", "s", _path("ingest", "full_build", "cpu_seconds"), None),
    (
        "full build, peak memory",
        "MiB",
        _path("ingest", "full_build", "peak_rss_mb"),
        "full_build_peak_memory",
    ),
    ("NPPES file in the build", "s", _dataset("nppes", "seconds"), None),
    ("NPPES, bare DuckDB read_csv", "s", _path("baselines", "duckdb_read", "seconds"), None),
    ("NPPES, pandas → SQLite", "s", _path("baselines", "pandas_sqlite", "seconds"), None),
    (
        "NPPES ingest / bare read",
        "x",
        _path("ratios", "nppes_ingest_vs_duckdb_read"),
        "nppes_ingest_vs_bare_read",
    ),
    ("NPPES ingest / pandas → SQLite", "x", _path("ratios", "nppes_ingest_vs_pandas_sqlite"), None),
    ("Part D file in the build", "s", _dataset("partd", "seconds"), None),
    ("provider × service file in the build", "s", _dataset("provider_service", "seconds"), None),
    ("finalize and the rest", "s", _path("ingest", "full_build", "finalize_seconds"), None),
    ("weekly NPPES rows", "", _path("ingest", "weekly_update", "rows"), None),
    (
        "weekly NPPES update, wall",
        "s",
        _path("ingest", "weekly_update", "seconds"),
        "weekly_update_seconds",
    ),
    ("search engine, warm p50", "ms", _path("search", "engine_ms", "warm", "p50"), None),
    ("search engine, warm p99", "ms", _path("search", "engine_ms", "warm", "p99"), None),
    ("search engine, cold p50", "ms", _path("search", "engine_ms", "cold", "p50"), None),
    (
        "search whole call, warm p50",
        "ms",
        _path("search", "full_call_ms", "warm", "p50"),
        "search_p50",
    ),
    (
        "search whole call, warm p99",
        "ms",
        _path("search", "full_call_ms", "warm", "p99"),
        "search_p99",
    ),
    ("search engine CPU, p50", "ms", _path("search", "cpu_ms_warm", "engine", "p50"), None),
    (
        "plain-SQL search, warm p50",
        "ms",
        _path("baselines", "plain_sql_search_ms", "warm", "p50"),
        None,
    ),
    (
        "plain-SQL search, warm p99",
        "ms",
        _path("baselines", "plain_sql_search_ms", "warm", "p99"),
        None,
    ),
    ("plain-SQL search CPU, p50", "ms", _path("search", "cpu_ms_warm", "plain_sql", "p50"), None),
    ("engine / plain SQL, p50", "x", _path("ratios", "search_engine_p50_vs_plain_sql"), None),
    (
        "whole call / plain SQL, p50",
        "x",
        _path("ratios", "search_whole_call_p50_vs_plain_sql"),
        None,
    ),
    ("HTTP API, 1 worker", "req/s", _http("api", 1, "requests_per_s"), None),
    ("HTTP API, 2 workers", "req/s", _http("api", 2, "requests_per_s"), "http_api_throughput"),
    ("HTTP API, 2 workers, p99", "ms", _http("api", 2, "p99_ms"), "http_api_p99"),
    ("HTTP API, server CPU per request", "ms", _http("api", 1, "server_cpu_ms_per_request"), None),
    ("HTTP page, 1 worker", "req/s", _http("page", 1, "requests_per_s"), None),
    ("HTTP page, 2 workers", "req/s", _http("page", 2, "requests_per_s"), "http_page_throughput"),
    ("HTTP page, 2 workers, p99", "ms", _http("page", 2, "p99_ms"), "http_page_p99"),
    (
        "HTTP page, server CPU per request",
        "ms",
        _http("page", 1, "server_cpu_ms_per_request"),
        None,
    ),
    ("server RSS under load, 1 worker", "MiB", _serving_rss(1), None),
    ("server RSS under load, 2 workers", "MiB", _serving_rss(2), "serving_memory"),
    ("wrk's own CPU per request", "ms", _http("api", 2, "client_cpu_ms_per_request"), None),
    ("start-up to first search", "s", _path("startup", "median_seconds"), "startup_seconds"),
    ("static export", "pages/s", _path("export", "pages_per_s"), "export_pages_per_s"),
]


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and abs(value) < 10:
        return f"{value:,.2f}"
    if isinstance(value, float) and abs(value) < 100:
        return f"{value:,.1f}"
    return f"{value:,.0f}"


def table(reports: list[Report], growth: bool = False) -> str:
    targets = {t.key: t for t in TARGETS}
    national = next((r for r in reports if dig(r, "data", "scale") == 1.0), None)
    heads = [f"{dig(r, 'data', 'scale'):g} ×" for r in reports]
    if growth:
        heads += [f"{a} → {b}" for a, b in pairwise(heads)]
    lines = [
        "| figure | " + " | ".join(heads) + " | national target | met |",
        "|---|" + "---|" * len(heads) + "---|---|",
    ]
    for label, unit, get, key in ROWS:
        values = [get(r) for r in reports]
        if all(v is None for v in values):
            continue
        cells = [_shown(v) for v in values]
        if growth:
            grew = [f"{b / a:.1f}×" if a and b is not None else "—" for a, b in pairwise(values)]
            cells += ["—"] * len(grew) if label in CONDITIONS else grew
        target = targets.get(key) if key else None
        met = ""
        if target is not None and national is not None:
            mark = target.mark(national)["met"]
            met = {True: "met", False: "**not met**", None: "—"}[mark]
        limit = target.limit_text() if target else ""
        name = f"{label} ({unit})" if unit else label
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {limit} | {met} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("results", nargs="+", type=Path)
    parser.add_argument("--growth", action="store_true", help="add the growth between columns")
    args = parser.parse_args()
    reports = [json.loads(p.read_text()) for p in args.results]
    print(table(reports, args.growth))


if __name__ == "__main__":
    main()
