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
import random
import statistics
import time
from pathlib import Path
from typing import Any

from common import machine, percentile

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
    return {
        "p50": round(percentile(values, 0.50), 2),
        "p95": round(percentile(values, 0.95), 2),
        "p99": round(percentile(values, 0.99), 2),
        "mean": round(statistics.mean(values), 2),
        "n": len(values),
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
        "machine": machine("duckdb", "pyarrow", "numpy"),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
