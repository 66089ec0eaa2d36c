"""Benchmark of `docfinder generate` at national scale (a script, not a test).

    python tests/generate/bench_generate.py OUTDIR [--scale 0.111] [--region national]

Prints seconds per file, rows per second and peak memory. --scale 0.111 makes ~1M NPIs;
--scale 1.0 is the full national size (~9M NPIs, ~17 GB of files).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import time
from collections import defaultdict
from pathlib import Path

from docfinder.generate import generate


class _Clock:
    """Attributes wall time between progress reports to the task reported."""

    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.seconds: dict[str, float] = defaultdict(float)

    def __call__(self, task: str, advance: int, total: int) -> None:
        now = time.perf_counter()
        self.seconds[task] += now - self.last
        self.last = now


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--region", default="national")
    parser.add_argument("--scale", type=float, default=1 / 9)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the files afterwards")
    args = parser.parse_args()
    clock = _Clock()
    start = time.perf_counter()
    manifest = generate(args.outdir, args.region, args.scale, args.seed, progress=clock)
    total = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size_gb = sum(p.stat().st_size for p in args.outdir.iterdir()) / 1e9
    print(f"region {manifest.region}, scale {manifest.scale:g}: {total:.1f} s in all, "
          f"peak RSS {peak_mb:,.0f} MB, {size_gb:.2f} GB written")  # fmt: skip
    for name, rows in manifest.files.items():
        print(f"  {name}: {rows:,} rows")
    for task, seconds in clock.seconds.items():
        print(f"  {task}: {seconds:.1f} s (includes set-up since the previous file)")
    if not args.keep:
        shutil.rmtree(args.outdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
