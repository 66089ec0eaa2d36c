"""Ingest throughput: each file loaded alone into a fresh store, in a child process.

    python -m bench.bench_ingest FILE... [--repeat N] [--out bench/results/ingest-NAME.json]

For every file: wall seconds (median of --repeat runs), rows/s, MB/s, peak resident memory of
the `docfinder ingest` process, and the store size. The machine (cores, memory, versions, git
commit) is recorded with the figures. `ingest()` is the same measurement for any set of files
into any store; the suite (`python -m bench`) uses it for the full build and the weekly update.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.common import docfinder_command, file_mb, machine, run_child


def ingest(db: str, files: list[Path]) -> dict[str, Any]:
    """One `docfinder ingest --json` run of `files` into `db`, in a child process: wall time,
    peak resident memory, CPU time, and the per-file report (rows, seconds, status)."""
    command = [docfinder_command(), "ingest", "--json", "--db", db, *map(str, files)]
    run = run_child(command)
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        run.check("docfinder ingest")
        raise
    failed = [f for f in report["files"] if f["status"] not in ("loaded", "unchanged")]
    if failed or run.returncode != 0:
        errors = "; ".join(f"{f['path']}: {f['error']}" for f in failed)
        raise RuntimeError(f"docfinder ingest failed (exit {run.returncode}): {errors}")
    size = file_mb(Path(db)) if "://" not in db else None
    return {
        "seconds": run.seconds,
        "peak_rss_mb": run.peak_rss_mb,
        "cpu_seconds": run.cpu_seconds,
        "store_mb": size,
        "files": report["files"],
    }


def run_once(path: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as work:
        db = Path(work) / "bench.duckdb"
        result = ingest(str(db), [path])
        report = result["files"][0]
        return {
            "seconds": result["seconds"],
            "rows": report["rows_read"],
            "rejected": report["rows_rejected"],
            "peak_rss_mb": result["peak_rss_mb"],
            "store_mb": result["store_mb"],
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
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
