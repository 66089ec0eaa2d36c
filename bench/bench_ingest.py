"""Ingest throughput: each file loaded alone into a fresh store, in a child process.

    python bench/bench_ingest.py FILE... [--repeat N] [--out bench/results/ingest-NAME.json]

For every file: wall seconds (median of --repeat runs), rows/s, MB/s, peak resident memory of
the `docfinder ingest` process, and the store size. The machine (cores, memory, versions, git
commit) is recorded with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine


def run_once(path: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "bench.duckdb"
        command = [str(Path(sys.executable).parent / "docfinder"), "ingest", "--json"]
        started = time.perf_counter()
        child = subprocess.Popen([*command, "--db", str(db), str(path)], stdout=subprocess.PIPE)
        assert child.stdout is not None
        output = child.stdout.read()
        # wait4 before Popen reaps the child: it gives this child's own peak memory.
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        report = json.loads(output)["files"][0]
        if report["status"] != "loaded":
            raise SystemExit(f"{path}: {report['error']}")
        peak_kb = usage.ru_maxrss
        return {
            "seconds": seconds,
            "rows": report["rows_read"],
            "rejected": report["rows_rejected"],
            "peak_rss_mb": peak_kb / 1024,
            "store_mb": db.stat().st_size / 1e6,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    results = []
    for path in args.files:
        runs = [run_once(path) for _ in range(args.repeat)]
        seconds = statistics.median(r["seconds"] for r in runs)
        size_mb = path.stat().st_size / 1e6
        row = {
            "file": path.name,
            "size_mb": round(size_mb, 1),
            "rows": runs[0]["rows"],
            "median_seconds": round(seconds, 2),
            "rows_per_s": round(runs[0]["rows"] / seconds),
            "mb_per_s": round(size_mb / seconds, 1),
            "peak_rss_mb": round(max(r["peak_rss_mb"] for r in runs)),
            "store_mb": round(runs[0]["store_mb"], 1),
            "runs": [round(r["seconds"], 2) for r in runs],
        }
        results.append(row)
        print(
            f"{row['file'][:48]:48} {row['rows']:>10,} rows {row['median_seconds']:>7.2f} s "
            f"{row['rows_per_s']:>9,} rows/s {row['mb_per_s']:>6} MB/s "
            f"peak {row['peak_rss_mb']:>5} MB"
        )
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(
            json.dumps({"machine": machine("duckdb", "pyarrow"), "files": results}, indent=2)
        )


if __name__ == "__main__":
    main()
