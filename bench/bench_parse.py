"""Query-understanding latency: p50/p95 of Matcher.match and parse over a seeded query mix.

    python -m bench.bench_parse [--queries 3000] [--seed 11] [--nucc CSV] [--out FILE.json]

Everything is loaded as in production: the full catalog, the curated specialties and the
ICD-10-CM conditions in the matcher (and with --nucc, every NUCC classification, as a store
holding the taxonomy adds them); the national place list in the place index. The mix
draws what people type from the catalog itself (names, synonyms, one-typo variants, lay
specialty names, codes) and places from the national list (cities with and without a
state, with one typo, ZIPs, "near me"), in templates such as "X in CITY", "best X doctors
near ZIP", "i need a doctor for my X in CITY". Build times come first (this fresh process);
the timed texts are then unseen (warm-up uses another seed), so no cache holds their answers:
each text is timed once, and duplicates are dropped.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import machine, percentile
from docfinder.catalog.loader import load_catalog
from docfinder.catalog.match_specialties import curated_specialties, nucc_specialties
from docfinder.catalog.matcher import Matcher
from docfinder.geo import PlaceIndex, sources
from docfinder.search.query import parse

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def typo(text: str, rng: random.Random) -> str:
    """One random edit (drop, swap, replace or insert a letter) in the longest word."""
    word = max(text.split(), key=len)
    if len(word) < 5:
        return text
    i = rng.randrange(1, len(word) - 1)
    edit = rng.choice(("drop", "swap", "replace", "insert"))
    if edit == "drop":
        changed = word[:i] + word[i + 1 :]
    elif edit == "swap":
        changed = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    elif edit == "replace":
        changed = word[:i] + rng.choice(_LETTERS) + word[i + 1 :]
    else:
        changed = word[:i] + rng.choice(_LETTERS) + word[i:]
    return text.replace(word, changed, 1)


class Mix:
    """The parts queries are made of, drawn reproducibly."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        catalog = load_catalog()
        self.names = sorted(e.name for e in catalog)
        self.synonyms = sorted(s for e in catalog for s in e.synonyms)
        self.codes = sorted({c.code for e in catalog for c in e.procedures})
        self.icd10 = sorted({c for e in catalog for c in e.icd10})
        self.lay = sorted(p for s in curated_specialties() for p in s.phrases[1:])
        places = [p for p in sources.package_places() if p.population and p.population > 2000]
        self.cities = sorted(f"{p.name}, {p.state}" for p in places)
        self.zips = sorted({z.zip5 for z in sources.package_zips()})

    def what(self) -> str:
        rng = self.rng
        makers: list[Callable[[], str]] = [
            lambda: rng.choice(self.names).lower(),
            lambda: rng.choice(self.synonyms),
            lambda: typo(rng.choice(self.synonyms + self.names).lower(), rng),
            lambda: rng.choice(self.lay),
            lambda: typo(rng.choice(self.lay), rng),
            lambda: rng.choice(self.codes),
            lambda: rng.choice(self.icd10),
        ]
        return rng.choices(makers, [20, 30, 25, 12, 5, 4, 4])[0]()

    def where(self) -> str:
        rng = self.rng
        makers: list[Callable[[], str]] = [
            lambda: rng.choice(self.cities),
            lambda: rng.choice(self.cities).rsplit(",", 1)[0].lower(),
            lambda: typo(rng.choice(self.cities).rsplit(",", 1)[0], rng),
            lambda: rng.choice(self.zips),
        ]
        return rng.choices(makers, [35, 30, 15, 20])[0]()

    def query(self) -> str:
        rng = self.rng
        what, where = self.what(), self.where()
        templates = [
            (f"{what} in {where}", 25),
            (f"{what} {where}", 25),
            (f"best {what} doctors near me", 10),
            (f"{what} near {where}", 10),
            (f"i need a doctor for my {what} in {where}", 5),
            (what, 15),
            (f"pizza in {where}", 2),
            (where, 3),
            (f"top rated {what} specialist {where}", 5),
        ]
        texts = [text for text, _ in templates]
        weights = [weight for _, weight in templates]
        return rng.choices(texts, weights)[0]


def timed(func: Callable[[str], object], texts: list[str]) -> dict[str, float]:
    timings_ms = []
    for text in texts:
        t0 = time.perf_counter()
        func(text)
        timings_ms.append((time.perf_counter() - t0) * 1000)
    return {
        "count": len(texts),
        "p50_ms": round(percentile(timings_ms, 0.50), 3),
        "p95_ms": round(percentile(timings_ms, 0.95), 3),
        "p99_ms": round(percentile(timings_ms, 0.99), 3),
        "max_ms": round(max(timings_ms), 3),
        "mean_ms": round(statistics.fmean(timings_ms), 3),
    }


def unique(make: Callable[[], str], count: int, exclude: set[str] | None = None) -> list[str]:
    seen: dict[str, None] = {}
    for _ in range(count * 3):
        text = make()
        if text not in (exclude or ()):
            seen.setdefault(text, None)
        if len(seen) >= count:
            break
    return list(seen)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--nucc", type=Path, help="the NUCC taxonomy CSV, as from_store adds it")
    parser.add_argument("--out", type=Path, help="write the figures as JSON here")
    args = parser.parse_args()

    t0 = time.perf_counter()
    load_catalog()
    catalog_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    matcher = Matcher.default() if args.nucc is None else _with_nucc(args.nucc)
    matcher_seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    places = PlaceIndex.default()
    places_seconds = time.perf_counter() - t0

    warm = Mix(args.seed + 1)
    warm_texts = unique(warm.query, 300)
    t0 = time.perf_counter()
    parse(warm_texts[0], matcher, places)
    first_parse_ms = (time.perf_counter() - t0) * 1000
    for text in warm_texts[1:]:
        parse(text, matcher, places)

    mix = Mix(args.seed)
    whats = unique(mix.what, args.queries, set(warm_texts))
    queries = unique(mix.query, args.queries, set(warm_texts) | set(whats))
    figures = {
        "build_seconds": {
            "catalog_load": round(catalog_seconds, 3),
            "matcher_index": round(matcher_seconds, 3),
            "place_index": round(places_seconds, 3),
        },
        "first_parse_ms": round(first_parse_ms, 2),
        "matcher": dict(zip(("phrases", "targets"), matcher.index_size(), strict=True)),
        "match": timed(lambda t: matcher.match(t), whats),
        "parse": timed(lambda t: parse(t, matcher, places), queries),
        "seed": args.seed,
        "nucc": str(args.nucc) if args.nucc else None,
        "machine": machine("rapidfuzz", "jellyfish"),
    }
    text = json.dumps(figures, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n")


def _with_nucc(path: Path) -> Matcher:
    """The matcher Matcher.from_store builds for a store holding this NUCC file."""
    with path.open(encoding="cp1252", newline="") as handle:
        rows = [
            (r["Code"], r["Classification"], r["Specialization"], r["Display Name"], r["Section"])
            for r in csv.DictReader(handle)
        ]
    return Matcher(load_catalog(), nucc_specialties(rows))


if __name__ == "__main__":
    main()
