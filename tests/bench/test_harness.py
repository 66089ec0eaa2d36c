"""The benchmark suite's own machinery: targets, ratios, the table, the weekly file, wrk's
script, and one short run of the suite itself (no build: the weekly update and the ingest
baselines on a tiny generated region)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from bench import http_load, suite, table, targets, weekly
from docfinder.generate import generate

TARGETS, mark_all = targets.TARGETS, targets.mark_all
derive_weekly, week_after, weekly_rows = weekly.derive_weekly, weekly.week_after, weekly.weekly_rows

REPO = Path(__file__).resolve().parents[2]


def figures() -> dict[str, Any]:
    """A report as the suite writes it, with made-up figures."""
    return {
        "label": "national-0.01",
        "machine": {"cores": 2, "memory_gb": 23.5, "python": "3.11", "duckdb": "2", "commit": "x"},
        "data": {"region": "national", "scale": 0.01, "seed": 11, "files": [], "total_mb": 1.0},
        "store": {"location": "built by the suite", "size_mb": 65.0, "tables": {}},
        "ingest": {
            "full_build": {
                "seconds": 30.0,
                "peak_rss_mb": 700,
                "finalize_seconds": 5.0,
                "runs": [{"seconds": 30.0}],
                "datasets": [
                    {
                        "dataset": "nppes",
                        "rows": 90_000,
                        "size_mb": 109.0,
                        "seconds": 9.0,
                        "rows_per_s": 10_000,
                        "mb_per_s": 12.1,
                    }
                ],
            },
            "weekly_update": {
                "rows": 1000,
                "size_mb": 1.2,
                "seconds": 75.0,
                "file_seconds": 0.4,
                "peak_rss_mb": 300,
                "runs": [75.0],
            },
        },
        "baselines": {
            "duckdb_read": {
                "seconds": 2.0,
                "columns": 113,
                "rows_per_s": 45_000,
                "peak_rss_mb": 200,
            },
            "pandas_sqlite": {"skipped": "pandas is not installed"},
            "plain_sql_search_ms": {"warm": {"p50": 40.0, "p95": 60.0, "p99": 80.0}},
        },
        "search": {
            "queries": 108,
            "rounds": 3,
            "engine_ms": {"warm": {"p50": 30.0, "p95": 50.0, "p99": 90.0}},
            "full_call_ms": {"warm": {"p50": 19.0, "p95": 70.0, "p99": 120.0}},
        },
        "http": {"skipped": "wrk is not installed"},
        "startup": {"median_seconds": 2.5, "runs": [2.5]},
        "notes": [],
    }


def test_targets_are_marked_met_not_met_or_not_measured() -> None:
    report = figures()
    report["ratios"] = suite.ratios(report)
    marks = {m["key"]: m for m in mark_all(report)}
    assert len(marks) == len(TARGETS)
    assert marks["nppes_ingest_vs_bare_read"]["value"] == 4.5
    assert marks["nppes_ingest_vs_bare_read"]["met"] is False
    assert marks["full_build_seconds"]["met"] is True
    assert marks["weekly_update_seconds"]["met"] is False
    assert marks["search_p50"]["met"] is True
    assert marks["search_p99"]["met"] is False
    assert marks["startup_seconds"]["met"] is True
    for key in ("http_api_throughput", "serving_memory", "export_pages_per_s"):
        assert marks[key]["met"] is None and marks[key]["value"] is None


def test_ratios_are_docfinder_over_baseline() -> None:
    found = suite.ratios(figures())
    assert found["nppes_ingest_vs_duckdb_read"] == 4.5
    assert "nppes_ingest_vs_pandas_sqlite" not in found  # that baseline was skipped
    assert found["search_engine_p50_vs_plain_sql"] == 0.75
    assert found["search_whole_call_p99_vs_plain_sql"] == 1.5


def test_table_shows_every_part_and_every_target() -> None:
    report = figures()
    report["ratios"] = suite.ratios(report)
    report["targets"] = mark_all(report)
    text = table.render(report)
    assert "full build: 30.0 s" in text
    assert "weekly NPPES update (1,000 rows" in text
    assert "baseline pandas→SQLite: skipped" in text
    assert "HTTP: skipped — wrk is not installed" in text
    assert "set for national scale" in text
    for target in TARGETS:
        assert target.label in text
    assert "NOT met" in text and "not measured" in text


def test_stages_can_be_chosen_and_unknown_ones_are_refused() -> None:
    args = suite.parse_args(["--only", "search,http", "--skip", "http"])
    assert suite.chosen_stages(args) == ["search"]
    with pytest.raises(SystemExit):
        suite.chosen_stages(suite.parse_args(["--only", "nonsense"]))


def write_registry(path: Path, npis: int) -> list[str]:
    header = ["NPI", "Entity Type Code", "Last Update Date", http_load_phone(), "Other"]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, quoting=csv.QUOTE_ALL)
        writer.writerow(header)
        for i in range(npis):
            writer.writerow([str(1000000000 + i), "1", "01/02/2020", "7075550100", f"x,{i}"])
    return header


def http_load_phone() -> str:
    return "Provider Business Practice Location Address Telephone Number"


def test_weekly_file_has_distinct_npis_a_newer_date_and_the_weekly_name(tmp_path: Path) -> None:
    monthly = tmp_path / "npidata_pfile_20050523-20251109.csv"
    header = write_registry(monthly, 500)
    made = derive_weekly(monthly, tmp_path / "out", rows=100, seed=3)
    assert made.path.name == "npidata_pfile_20251110-20251116.csv"
    with made.path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == header
    body = rows[1:]
    assert len(body) == made.rows == 100
    assert len({r[0] for r in body}) == 100
    assert {r[2] for r in body} == {"11/16/2025"}
    assert all(r[3].startswith("70755501") and len(r[3]) == 10 for r in body)
    assert all(r[4].startswith("x,") for r in body)  # quoted commas survive
    again = derive_weekly(monthly, tmp_path / "again", rows=100, seed=3)
    assert again.path.read_bytes() == made.path.read_bytes()  # seeded: the same file


def test_weekly_size_and_dates() -> None:
    assert weekly_rows(9_000_000) == 45_000
    assert weekly_rows(90_000) == 1_000
    assert weekly_rows(100_000_000) == 50_000
    assert str(week_after("npidata_pfile_20050523-20251109.csv")[1]) == "2025-11-16"


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"not here" if self.path.startswith("/missing") else b"hello"
        self.send_response(404 if self.path.startswith("/missing") else 200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_wrk_run_is_timed_and_parsed(tmp_path: Path) -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    log = tmp_path / "serve.log"
    log.write_text("")
    target = http_load.Server(
        process=SimpleNamespace(pid=os.getpid()),  # type: ignore[arg-type]
        base=f"http://127.0.0.1:{server.server_address[1]}",
        workers=1,
        startup_seconds=0.0,
        ready_seconds=0.0,
        log=log,
    )
    try:
        found = http_load.load(target, ["/a", "/b?x=1", "/missing"], 1, 2, tmp_path)
    finally:
        server.shutdown()
    assert found["requests"] > 0
    assert 0.9 < found["seconds"] < 1.5
    assert found["requests_per_s"] == pytest.approx(found["requests"] / found["seconds"], 0.01)
    assert found["non_2xx"] > 0  # a third of the paths answer 404
    assert found["p50_ms"] is not None and found["p50_ms"] <= found["p99_ms"]
    assert found["client_cpu_seconds"] >= 0 and found["server_rss_mb_peak"] > 0


def test_suite_runs_weekly_update_and_baselines_on_a_tiny_region(
    tmp_path: Path, template_store: Path
) -> None:
    data = tmp_path / "data"
    generate(data, region="ukiah", scale=0.05, seed=7)
    db = tmp_path / "given.duckdb"
    shutil.copyfile(template_store, db)
    before = db.read_bytes()
    out = tmp_path / "result.json"
    command = [sys.executable, "-m", "bench", "--data", str(data), "--db", str(db)]
    command += ["--work", str(tmp_path / "work"), "--out", str(out), "--repeat", "1"]
    command += ["--only", "weekly,baselines", "--weekly-rows", "50"]
    shown = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    report = json.loads(out.read_text())
    assert report["label"] == "ukiah-0.05"
    assert report["stages_run"] == ["weekly", "baselines"]
    assert report["ingest"]["weekly_update"]["rows"] == 50
    assert report["baselines"]["duckdb_read"]["rows"] == report["data"]["counts"]["npis_in_nppes"]
    assert "pandas_sqlite" in report["baselines"]
    assert report["store"]["location"] == "given.duckdb"  # a name, never a machine's path
    assert len(report["targets"]) == len(TARGETS)
    assert db.read_bytes() == before  # a given store is never changed
    assert "targets (set for national scale" in shown.stdout


def test_compare_puts_results_side_by_side_with_growth_and_the_national_mark() -> None:
    from bench import compare

    small, national = figures(), figures()
    national["data"] = {**national["data"], "scale": 1.0}
    national["store"] = {**national["store"], "size_mb": 4200.0}
    text = compare.table([small, national], growth=True)
    lines = {line.split(" | ")[0]: line for line in text.splitlines()}
    store = lines["| store (MB)"]
    assert "65.0 | 4,200 | 64.6×" in store
    assert store.endswith("| ≤ 4000 MB | **not met** |")
    assert "| full build, wall (s) | 30.0 | 30.0 | 1.0× |" in text
    assert not any(line.startswith("| HTTP API") for line in lines)  # not measured: no row
