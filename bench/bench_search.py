"""Search latency on a store: a fixed, seeded mix of treatments x places, in process.

    python -m bench.bench_search --db STORE [--rounds N] [--seed S] [--no-baseline] [--out FILE]

Measures, per query, the engine alone (target and point given; one warm connection), the whole
call (`core.search`: text in, results out: parse, connection, search, with the same filters),
and the baseline: the same question as one plain SQL query over the raw tables, with no search
tables (`bench.baselines.plain_search`), on its own DuckDB instance over the same file, at the
radius the engine settled on for that query. The first round of each is reported separately
as "cold" (a fresh DuckDB instance in this process; the operating system's file cache is as the
machine left it); the figures are p50/p95/p99 of the warm rounds.
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

import duckdb

from bench.baselines import plain_search
from bench.common import file_mb, machine, percentile
from docfinder import core
from docfinder.catalog.loader import load_catalog
from docfinder.geo import PlaceIndex
from docfinder.search.engine import Filters, SearchRequest, run_search, target_for
from docfinder.search.features import target_lists
from docfinder.store import open_store
from docfinder.store.duckdb_store import READ_MEMORY

# Procedures people travel for, conditions, and two specialties.
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
# What people type for each, and the slug of its results page on the web site.
TEXTS = {
    "specialty:207N00000X": "dermatologist",
    "specialty:207Q00000X": "family medicine doctor",
}
PAGE_SLUGS = {
    "specialty:207N00000X": "dermatologist",
    "specialty:207Q00000X": "family-medicine-doctor",
}
PLACES = {
    "dense": ["New York, NY", "Chicago, IL", "Los Angeles, CA", "Houston, TX"],
    "suburb": ["Naperville, IL", "Plano, TX", "Santa Rosa, CA", "Bethesda, MD"],
    "rural": ["Ukiah, CA", "Elko, NV", "Lander, WY", "Houlton, ME"],
}
FILTERS = [Filters(), Filters(gender="F"), Filters(accepts_medicare_assignment=True)]

Query = tuple[str, str, str, Filters]


def text_of(what: str) -> str:
    return TEXTS.get(what, what.replace("-", " "))


def page_slug(what: str) -> str:
    return PAGE_SLUGS.get(what, what)


def percentiles(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 0.50), 2),
        "p95": round(percentile(values, 0.95), 2),
        "p99": round(percentile(values, 0.99), 2),
        "mean": round(statistics.mean(values), 2),
        "n": len(values),
    }


def mix(seed: int) -> list[Query]:
    """(what, density, place, filters) for every what x place, a seeded filter each, shuffled."""
    rng = random.Random(seed)
    queries = []
    for what in WHATS:
        for density, names in PLACES.items():
            for name in names:
                queries.append((what, density, name, rng.choice(FILTERS)))
    rng.shuffle(queries)
    return queries


def measure(db: str, rounds: int = 3, seed: int = 7, baseline: bool = True) -> dict[str, Any]:
    """The figures of this module for one store, as a JSON-able dict."""
    catalog, places = load_catalog(), PlaceIndex.default()
    queries = mix(seed)
    points = {name: places.resolve(name, limit=1)[0].place for _, _, name, _ in queries}
    engine: dict[str, list[float]] = {"cold": [], "warm": []}
    full: dict[str, list[float]] = {"cold": [], "warm": []}
    plain: dict[str, list[float]] = {"cold": [], "warm": []}
    # CPU time of this process (every thread, DuckDB's too) per warm query: what a query costs
    # the machine, less swayed than wall time by other work on it.
    cpu: dict[str, list[float]] = {"engine": [], "full_call": [], "plain_sql": []}
    by_density: dict[str, list[float]] = {k: [] for k in PLACES}
    by_what: dict[str, list[float]] = {k: [] for k in WHATS}
    by_filter: dict[str, list[float]] = {"none": [], "filtered": []}
    radii: dict[tuple[str, str], float] = {}
    totals: dict[tuple[str, str], int] = {}
    with open_store(db).connect() as con:
        for round_ in range(rounds + 1):
            phase = "cold" if round_ == 0 else "warm"
            for what, density, name, filters in queries:
                place = points[name]
                target = target_for(what, what, "", catalog)
                assert target is not None, what
                request = SearchRequest(target, place.lat, place.lon, place.name, filters=filters)
                started, cpu_started = time.perf_counter(), time.process_time()
                outcome = run_search(con, request)
                ms = (time.perf_counter() - started) * 1000
                engine[phase].append(ms)
                if phase == "warm":
                    cpu["engine"].append((time.process_time() - cpu_started) * 1000)
                radii[(what, name)] = outcome.radius_miles
                totals[(what, name)] = outcome.total
                if phase == "warm":
                    by_density[density].append(ms)
                    by_what[what].append(ms)
                    by_filter["none" if filters == Filters() else "filtered"].append(ms)
    for round_ in range(rounds + 1):
        phase = "cold" if round_ == 0 else "warm"
        for what, _density, name, filters in queries:
            text = f"{text_of(what)} in {name}"
            started, cpu_started = time.perf_counter(), time.process_time()
            with contextlib.suppress(core.QueryError):
                core.search(db, text, filters=filters)
            full[phase].append((time.perf_counter() - started) * 1000)
            if phase == "warm":
                cpu["full_call"].append((time.process_time() - cpu_started) * 1000)
    baseline_note = None
    if baseline and "://" not in db:
        _plain_rounds(db, rounds, queries, points, radii, catalog, plain, cpu["plain_sql"])
    elif baseline:
        baseline_note = "the plain-SQL baseline runs on DuckDB files only"
    report: dict[str, Any] = {
        "store": Path(db).name if "://" not in db else db.split("://", 1)[0] + "://…",
        "store_mb": round(file_mb(Path(db))) if "://" not in db else None,
        "queries": len(queries),
        "rounds": rounds,
        "seed": seed,
        "engine_ms": {k: percentiles(v) for k, v in engine.items()},
        "engine_warm_ms_by_density": {k: percentiles(v) for k, v in by_density.items()},
        "engine_warm_ms_by_what": {k: percentiles(v) for k, v in by_what.items()},
        "engine_warm_ms_by_filters": {k: percentiles(v) for k, v in by_filter.items()},
        "full_call_ms": {k: percentiles(v) for k, v in full.items()},
        "cpu_ms_warm": {k: percentiles(v) for k, v in cpu.items() if v},
        "radius_miles": percentiles(list(radii.values())),
        "results_total": percentiles([float(t) for t in totals.values()]),
        "machine": machine("duckdb", "pyarrow", "numpy"),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }
    if plain["warm"]:
        report["baseline_plain_sql_ms"] = {k: percentiles(v) for k, v in plain.items()}
    if baseline_note:
        report["baseline_plain_sql_ms"] = {"skipped": baseline_note}
    return report


def _plain_rounds(
    db: str,
    rounds: int,
    queries: list[Query],
    points: dict[str, Any],
    radii: dict[tuple[str, str], float],
    catalog: Any,
    plain: dict[str, list[float]],
    cpu: list[float],
) -> None:
    """The baseline on a DuckDB instance of its own (its own, cold block cache)."""
    base = duckdb.connect(":memory:")
    base.execute(f"SET memory_limit = '{READ_MEMORY}'; SET enable_progress_bar = false")
    base.execute("ATTACH ? AS store (READ_ONLY)", [db])
    con = base.cursor()
    con.execute("USE store")
    try:
        for round_ in range(rounds + 1):
            phase = "cold" if round_ == 0 else "warm"
            for what, _density, name, filters in queries:
                place = points[name]
                target = target_for(what, what, "", catalog)
                started, cpu_started = time.perf_counter(), time.process_time()
                lists = target_lists(con, target)
                plain_search(con, lists, place.lat, place.lon, radii[(what, name)], filters)
                plain[phase].append((time.perf_counter() - started) * 1000)
                if phase == "warm":
                    cpu.append((time.process_time() - cpu_started) * 1000)
    finally:
        con.close()
        base.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-baseline", action="store_true", help="skip the plain-SQL baseline")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    report = measure(args.db, args.rounds, args.seed, baseline=not args.no_baseline)
    print(json.dumps(report, indent=2))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
