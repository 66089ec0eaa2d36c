"""Place resolution latency: p50/p95 of PlaceIndex.resolve over a fixed, seeded query set.

    python -m bench.bench_places [--queries 3000] [--seed 7] [--db STORE] [--out FILE.json]

The queries mix what people type: "City, ST", a city alone, a city with one typo, ZIP and
ZIP+4, counties, states, coordinates and "near me", drawn from the national place list. Build
time is measured first (default() in this fresh process, or from_store with --db); latency is
then measured per query, after an untimed warm-up on other queries (seed + 1) builds the lazy
typo index. The timed texts are unseen: no cache holds their answers.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import machine, percentile
from docfinder.geo import PlaceIndex, sources
from docfinder.geo.gazetteer import Gazetteer, build
from docfinder.geo.weights import WEIGHTS

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(name: str, rng: random.Random) -> str:
    """One random edit (drop, swap, replace or insert a letter) after the first letter."""
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    edit = rng.choice(("drop", "swap", "replace", "insert"))
    if edit == "drop":
        return name[:i] + name[i + 1 :]
    if edit == "swap":
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if edit == "replace":
        return name[:i] + rng.choice(_LETTERS) + name[i + 1 :]
    return name[:i] + rng.choice(_LETTERS) + name[i:]


def make_queries(gazetteer: Gazetteer, count: int, seed: int) -> list[str]:
    """A reproducible mix of query kinds."""
    rng = random.Random(seed)
    cities = sorted(e.place.name for e in gazetteer.cities)
    counties = sorted(e.place.name for e in gazetteer.counties)
    states = sorted(e.place.name for e in gazetteer.states)
    zips = sorted(gazetteer.zips)
    makers: list[Callable[[], str]] = [
        lambda: rng.choice(cities),  # "Ukiah, CA"
        lambda: rng.choice(cities).rsplit(",", 1)[0],  # "Ukiah"
        lambda: typo(rng.choice(cities).rsplit(",", 1)[0], rng),  # "Ukia"
        lambda: typo(rng.choice(cities), rng),  # "Ukaih, CA"
        lambda: rng.choice(zips),
        lambda: f"{rng.choice(zips)}-{rng.randrange(10000):04d}",
        lambda: rng.choice(counties),
        lambda: rng.choice(states),
        lambda: f"{rng.uniform(25, 48):.4f},{rng.uniform(-124, -70):.4f}",
        lambda: rng.choice(("near me", "nearby", "close to me")),
    ]
    weights = [20, 20, 20, 10, 10, 3, 7, 4, 3, 3]
    return [rng.choices(makers, weights)[0]() for _ in range(count)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--db", type=Path, help="a store: bench from_store instead of default")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()

    started = time.perf_counter()
    index = _index(args.db)
    build_seconds = time.perf_counter() - started
    gazetteer = build(sources.package_zips(), sources.package_places(), WEIGHTS)
    queries = make_queries(gazetteer, args.queries, args.seed)
    # Warm-up on other queries: builds the lazy typo index without caching the timed texts.
    for text in make_queries(gazetteer, 500, args.seed + 1):
        index.resolve(text)
    timings_ms = []
    for text in queries:
        t0 = time.perf_counter()
        index.resolve(text)
        timings_ms.append((time.perf_counter() - t0) * 1000)
    figures = {
        "source": str(args.db) if args.db else "default",
        "build_seconds": round(build_seconds, 3),
        "queries": len(queries),
        "seed": args.seed,
        "p50_ms": round(percentile(timings_ms, 0.50), 4),
        "p95_ms": round(percentile(timings_ms, 0.95), 4),
        "p99_ms": round(percentile(timings_ms, 0.99), 4),
        "max_ms": round(max(timings_ms), 4),
        "mean_ms": round(statistics.fmean(timings_ms), 4),
        "machine": machine("rapidfuzz", "jellyfish"),
    }
    text = json.dumps(figures, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")


def _index(db: Path | None) -> PlaceIndex:
    if db is None:
        return PlaceIndex.default()
    from docfinder.store import DuckDBStore

    con = DuckDBStore(db).connect()
    try:
        return PlaceIndex.from_store(con)
    finally:
        con.close()


if __name__ == "__main__":
    main()
