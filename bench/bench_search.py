"""Search latency on a store: a fixed, seeded mix of treatments x places, in process.

    python bench/bench_search.py --db STORE [--rounds N] [--seed S] [--out FILE.json]

Measures, per query, the engine alone (target and point given; one warm connection) and the
whole call (`core.search`: text in, results out: parse, connection, search). The first round
is reported separately as "cold"; the figures are p50/p95/p99 of the warm rounds.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import statistics
import subprocess
import time
from importlib.metadata import version
from pathlib import Path
from typing import Any

from docfinder import core
from docfinder.catalog.loader import load_catalog
from docfinder.geo import PlaceIndex
from docfinder.search.engine import Filters, SearchRequest, run_search, target_for
from docfinder.store import open_store

WHATS = [
    "metastasectomy",
    "psoriasis",
    "mohs-surgery",
    "knee-replacement",
    "cataract-surgery",
    "atrial-fibrillation",
    "type-2-diabetes",
    "specialty:207N00000X",
    "specialty:207Q00000X",
]
PLACES = {
    "dense": ["New York, NY", "Chicago, IL", "Los Angeles, CA", "Houston, TX"],
    "suburb": ["Naperville, IL", "Plano, TX", "Santa Rosa, CA", "Bethesda, MD"],
    "rural": ["Ukiah, CA", "Elko, NV", "Lander, WY", "Houlton, ME"],
}
FILTERS = [Filters(), Filters(gender="F"), Filters(accepts_medicare_assignment=True)]


def percentiles(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "p50": round(at(0.50), 2),
        "p95": round(at(0.95), 2),
        "p99": round(at(0.99), 2),
        "mean": round(statistics.mean(ordered), 2),
        "n": len(ordered),
    }


def mix(seed: int) -> list[tuple[str, str, str, Filters]]:
    rng = random.Random(seed)
    queries = []
    for what in WHATS:
        for density, names in PLACES.items():
            for name in names:
                queries.append((what, density, name, rng.choice(FILTERS)))
    rng.shuffle(queries)
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    catalog, places = load_catalog(), PlaceIndex.default()
    queries = mix(args.seed)
    engine: dict[str, list[float]] = {"cold": [], "warm": []}
    full: dict[str, list[float]] = {"cold": [], "warm": []}
    by_density: dict[str, list[float]] = {k: [] for k in PLACES}
    by_what: dict[str, list[float]] = {k: [] for k in WHATS}
    by_filter: dict[str, list[float]] = {"none": [], "filtered": []}
    with open_store(args.db).connect() as con:
        for round_ in range(args.rounds + 1):
            phase = "cold" if round_ == 0 else "warm"
            for what, density, name, filters in queries:
                place = places.resolve(name, limit=1)[0].place
                target = target_for(what, what, "", catalog)
                assert target is not None, what
                request = SearchRequest(target, place.lat, place.lon, place.name, filters=filters)
                started = time.perf_counter()
                run_search(con, request)
                ms = (time.perf_counter() - started) * 1000
                engine[phase].append(ms)
                if phase == "warm":
                    by_density[density].append(ms)
                    by_what[what].append(ms)
                    by_filter["none" if filters == Filters() else "filtered"].append(ms)
    for round_ in range(args.rounds + 1):
        phase = "cold" if round_ == 0 else "warm"
        for what, _density, name, _filters in queries:
            text = f"{what.replace('-', ' ')} in {name}" if ":" not in what else f"doctor in {name}"
            started = time.perf_counter()
            with contextlib.suppress(core.QueryError):
                core.search(args.db, text)
            full[phase].append((time.perf_counter() - started) * 1000)
    report: dict[str, Any] = {
        "store": args.db,
        "store_mb": round(Path(args.db).stat().st_size / 1e6),
        "queries": len(queries),
        "engine_ms": {k: percentiles(v) for k, v in engine.items()},
        "engine_warm_ms_by_density": {k: percentiles(v) for k, v in by_density.items()},
        "engine_warm_ms_by_what": {k: percentiles(v) for k, v in by_what.items()},
        "engine_warm_ms_by_filters": {k: percentiles(v) for k, v in by_filter.items()},
        "full_call_ms": {k: percentiles(v) for k, v in full.items()},
        "machine": machine(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2))


def machine() -> dict[str, Any]:
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "python": platform.python_version(),
        "duckdb": version("duckdb"),
        "commit": commit,
    }


if __name__ == "__main__":
    main()
