"""Static export throughput: `docfinder export` of a bounded set of pages, in a child process.

    python -m bench.bench_export --db STORE [--treatments a,b] [--places top:N] [--out FILE]

The export has no page limit, so it is bounded by what it is asked for: a few treatments x the
N cities with the most doctors, which also brings in those pages' doctor profiles, the
treatment, place and near-me pages and the fixed pages. The figure is the command's own pages
per second (rendering and writing, after its start-up), beside the command's wall time.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from bench.common import docfinder_command, run_child

TREATMENTS = "psoriasis,mohs-surgery,knee-replacement"
PLACES = "top:2"
_SUMMARY = re.compile(r"(\d+) pages in ([\d.]+) s \(([\d.]+) pages/s\): (\d+) written")


def export(
    db: str, workdir: Path, treatments: str = TREATMENTS, places: str = PLACES
) -> dict[str, Any]:
    outdir = workdir / "export"
    shutil.rmtree(outdir, ignore_errors=True)
    command = [docfinder_command(), "export", str(outdir), "--db", db]
    command += ["--treatments", treatments, "--places", places, "--base-url", "https://bench.test"]
    run = run_child(command).check("docfinder export")
    found = _SUMMARY.search(run.stdout)
    if found is None:
        raise RuntimeError(f"docfinder export said: {run.stdout[-500:]}")
    pages, seconds = int(found.group(1)), float(found.group(2))
    skipped = [line for line in run.stderr.splitlines() if line.strip().startswith("skipped")]
    shutil.rmtree(outdir, ignore_errors=True)
    return {
        "treatments": treatments,
        "places": places,
        "pages": pages,
        "seconds": seconds,
        "pages_per_s": round(pages / seconds, 1) if seconds else None,
        "wall_seconds": round(run.seconds, 2),
        "peak_rss_mb": round(run.peak_rss_mb),
        "failed_pages": len(skipped),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--treatments", default=TREATMENTS)
    parser.add_argument("--places", default=PLACES)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        report = export(args.db, Path(work), args.treatments, args.places)
    text = json.dumps(report, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
