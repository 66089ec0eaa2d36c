"""Held-out relevance of query understanding: heldout.yaml and heldout2.yaml, parsed and scored.

The parser was tuned on queries.yaml, so its score there is optimistic. The held-out sets are
written without looking at the parser, its matching tables or the other sets' items, under the
same labelling rules. Their score is the honest measure, as long as nobody tunes on them.

- heldout.yaml: 200 queries, the first held-out set. The matcher was later improved after
  looking at its misses, so it is no longer strictly held out; it is kept as a regression set.
- heldout2.yaml: 150 queries written blind in session 2, to replace it as the honest measure.
  Measured once when written (session 2): what top-1 91.3% (137/150), top-3 93.3% (140/150);
  where top-1 96.7% (145/150), top-3 98.7% (148/150). Both top-1 figures were at least 3
  points above the first set's floors, so heldout2.yaml keeps them: what top-1 >= 85%, where
  top-1 >= 90%.

Two groups of tests, each run for both files, like test_query_eval.py (whose helpers this
module reuses):

- checks of the file itself: fields, known catalog slugs and NUCC codes, real places, no
  duplicates within it or with queries.yaml (and, for heldout2.yaml, with heldout.yaml), and
  the spread it was written to have;
- the evaluation: every query through ``docfinder.search.query.parse`` with the default matcher
  and place index, top-1 and top-3 accuracy for the what and the where, a report in
  test-artifacts/heldout_eval.json (heldout2_eval.json for heldout2.yaml, and .txt) listing
  every miss.

The assertion is a floor, not a target. It catches a collapse; the figures themselves are read
from the report. Do not fix a miss by adding its phrasing to the catalog or the parser's tables:
the set would stop being held out.
"""

from __future__ import annotations

import csv
import functools
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import test_query_eval as query_eval  # tests/relevance is on sys.path: rootdir-relative import
import yaml
from test_query_eval import (
    NUCC_CODE,
    NUCC_CSV,
    SPECIALTY_PREFIX,
    STATE_CODES,
    Outcome,
    evaluate,
    normalized,
    what_kind,
    where_kind,
)

from docfinder.catalog.loader import load_catalog

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ARTIFACTS = REPO / "test-artifacts"

FIELDS = {"q", "what", "where"}
OPTIONAL_FIELDS = {"tags"}
TAGS = {"typo", "lay", "abbrev", "place-typo", "chatty"}
TERRITORIES = {"pr", "gu", "vi", "as", "mp"}


@dataclass(frozen=True)
class HeldoutSet:
    """One held-out file: where it is, where its report goes, its floors and its spread."""

    name: str
    file: Path
    report_stem: str
    what_top1_floor: float
    where_top1_floor: float
    earlier: tuple[str, ...]  # held-out files it must share no query with
    check_spread: Callable[[tuple[dict[str, Any], ...]], None]

    @property
    def report_json(self) -> Path:
        return ARTIFACTS / f"{self.report_stem}.json"

    @property
    def report_text(self) -> Path:
        return ARTIFACTS / f"{self.report_stem}.txt"


def _state_of(slug: str | None) -> str | None:
    """The state a where names: its code, a city's or county's suffix; None for others."""
    kind = where_kind(slug)
    if slug is None or kind in ("none", "near-me", "zip"):
        return None
    return slug if kind == "state" else slug.rsplit("-", 1)[-1]


# --- heldout.yaml: the first set --------------------------------------------------------------

SIZE = 200
CORE_SLUGS = ("metastasectomy", "psoriasis", "mohs-surgery")
PER_CORE_SLUG = 8
MIN_NO_MATCH = 12


def _check_heldout_spread(items: tuple[dict[str, Any], ...]) -> None:
    assert len(items) == SIZE, f"{len(items)} queries, expected {SIZE}"
    whats = Counter(item["what"] for item in items)
    for slug in CORE_SLUGS:
        assert whats[slug] == PER_CORE_SLUG, f"{whats[slug]} queries for {slug}"
    assert whats[None] >= MIN_NO_MATCH, f"only {whats[None]} queries with no match"
    kinds = Counter(what_kind(item["what"]) for item in items)
    for kind in ("procedure", "condition", "symptom", "specialty", "no match"):
        assert kinds[kind] >= 10, f"only {kinds[kind]} {kind} queries"
    systems = query_eval.catalog_body_systems()
    missing_systems = set(systems.values()) - {systems[w] for w in whats if w in systems}
    assert not missing_systems, f"body systems with no query: {sorted(missing_systems)}"
    wheres = Counter(where_kind(item["where"]) for item in items)
    for kind in ("city", "zip", "county", "state", "near-me", "none"):
        assert wheres[kind] >= 5, f"only {wheres[kind]} queries with where {kind}"
    states = {_state_of(item["where"]) for item in items} - {None}
    unvisited = STATE_CODES - states - TERRITORIES
    assert not unvisited, f"states and DC with no place in the set: {sorted(unvisited)}"
    tags = Counter(tag for item in items for tag in item.get("tags", []))
    for tag in sorted(TAGS):
        assert tags[tag] >= 5, f"only {tags[tag]} queries tagged {tag}"


# --- heldout2.yaml: the second set, written blind in session 2 --------------------------------

SIZE_2 = 150
PER_CORE_SLUG_2 = 4
MIN_DISTINCT_WHATS_2 = 60
MIN_NO_MATCH_2 = 10
MIN_NO_WHERE_2 = 10
MIN_STATES_2 = 40


def _check_heldout2_spread(items: tuple[dict[str, Any], ...]) -> None:
    assert len(items) == SIZE_2, f"{len(items)} queries, expected {SIZE_2}"
    whats = Counter(item["what"] for item in items)
    for slug in CORE_SLUGS:
        assert whats[slug] == PER_CORE_SLUG_2, f"{whats[slug]} queries for {slug}"
    distinct = len(set(whats) - {None})
    assert distinct >= MIN_DISTINCT_WHATS_2, f"only {distinct} distinct whats"
    assert whats[None] >= MIN_NO_MATCH_2, f"only {whats[None]} queries with no match"
    kinds = Counter(what_kind(item["what"]) for item in items)
    for kind in ("procedure", "condition", "symptom", "specialty", "no match"):
        assert kinds[kind] >= 5, f"only {kinds[kind]} {kind} queries"
    systems = query_eval.catalog_body_systems()
    missing_systems = set(systems.values()) - {systems[w] for w in whats if w in systems}
    assert not missing_systems, f"body systems with no query: {sorted(missing_systems)}"
    wheres = Counter(where_kind(item["where"]) for item in items)
    for kind in ("city", "zip", "county", "state", "near-me"):
        assert wheres[kind] >= 5, f"only {wheres[kind]} queries with where {kind}"
    assert wheres["none"] >= MIN_NO_WHERE_2, f"only {wheres['none']} queries with no where"
    states = {_state_of(item["where"]) for item in items} - {None}
    assert len(states) >= MIN_STATES_2, f"places in only {len(states)} states"
    tags = Counter(tag for item in items for tag in item.get("tags", []))
    for tag in sorted(TAGS):
        assert tags[tag] >= 5, f"only {tags[tag]} queries tagged {tag}"


HELDOUT = HeldoutSet(
    name="heldout",
    file=HERE / "heldout.yaml",
    report_stem="heldout_eval",
    # Floors for an honest measurement, well under the tuned set's targets (95% and 97%).
    what_top1_floor=0.85,
    where_top1_floor=0.90,
    earlier=(),
    check_spread=_check_heldout_spread,
)
HELDOUT2 = HeldoutSet(
    name="heldout2",
    file=HERE / "heldout2.yaml",
    report_stem="heldout2_eval",
    # Same floors as heldout.yaml: measured 91.3% and 96.7% when written, 3+ points above them.
    what_top1_floor=0.85,
    where_top1_floor=0.90,
    earlier=("heldout",),
    check_spread=_check_heldout2_spread,
)
SETS = {s.name: s for s in (HELDOUT, HELDOUT2)}
HELDOUT_FILE = HELDOUT.file
REPORT_JSON = HELDOUT.report_json
REPORT_TEXT = HELDOUT.report_text
WHAT_TOP1_FLOOR = HELDOUT.what_top1_floor
WHERE_TOP1_FLOOR = HELDOUT.where_top1_floor

each_set = pytest.mark.parametrize("hs", list(SETS.values()), ids=list(SETS))


@functools.cache
def load_set(name: str) -> tuple[dict[str, Any], ...]:
    """The items of a held-out file, as read."""
    path = SETS[name].file
    with path.open(encoding="utf-8") as f:
        data = yaml.safe_load(f)
    assert isinstance(data, list), f"{path.name} must be a list of items"
    return tuple(data)


def load_heldout() -> tuple[dict[str, Any], ...]:
    """The items of heldout.yaml, as read."""
    return load_set(HELDOUT.name)


# --- the held-out sets ------------------------------------------------------------------------


@each_set
def test_heldout_items_have_the_fields_and_types(hs: HeldoutSet) -> None:
    problems = query_eval.item_problems(load_set(hs.name))
    assert not problems, "\n".join(problems)


@each_set
def test_heldout_has_no_duplicate_queries(hs: HeldoutSet) -> None:
    duplicates = query_eval.duplicate_queries(load_set(hs.name))
    assert not duplicates, f"queries listed more than once: {duplicates}"


@each_set
def test_heldout_shares_no_query_with_the_tuned_set(hs: HeldoutSet) -> None:
    tuned = {normalized(item["q"]) for item in query_eval.load_queries()}
    shared = sorted(item["q"] for item in load_set(hs.name) if normalized(item["q"]) in tuned)
    assert not shared, f"queries also in queries.yaml (not held out): {shared}"


@each_set
def test_heldout_shares_no_query_with_earlier_heldout_sets(hs: HeldoutSet) -> None:
    for earlier in hs.earlier:
        seen = {normalized(item["q"]) for item in load_set(earlier)}
        shared = sorted(item["q"] for item in load_set(hs.name) if normalized(item["q"]) in seen)
        assert not shared, f"queries also in {SETS[earlier].file.name}: {shared}"


@each_set
def test_heldout_what_slugs_exist_in_the_catalog(hs: HeldoutSet) -> None:
    slugs = set(load_catalog().slugs())
    unknown = [
        (item["q"], item["what"])
        for item in load_set(hs.name)
        if item["what"] is not None
        and not item["what"].startswith(SPECIALTY_PREFIX)
        and item["what"] not in slugs
    ]
    assert not unknown, f"what slugs not in the catalog: {unknown}"


@each_set
def test_heldout_specialty_codes_are_nucc_codes(hs: HeldoutSet) -> None:
    specialties = [
        (item["q"], item["what"].removeprefix(SPECIALTY_PREFIX))
        for item in load_set(hs.name)
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


@each_set
def test_heldout_where_slugs_name_real_places(hs: HeldoutSet) -> None:
    zips, counties, cities = query_eval._known_places()
    problems = []
    for item in load_set(hs.name):
        slug, q = item["where"], item["q"]
        kind = where_kind(slug)
        if kind in ("none", "near-me"):
            continue
        if kind == "state" and slug not in STATE_CODES:
            problems.append(f"{q!r}: {slug} is not a state code")
        elif kind == "zip" and slug not in zips:
            problems.append(f"{q!r}: ZIP {slug} unknown")
        elif kind == "county" and slug not in counties:
            problems.append(f"{q!r}: county {slug} unknown")
        elif kind == "city" and slug not in cities:
            problems.append(f"{q!r}: city {slug} unknown")
    assert not problems, "\n".join(problems)


@each_set
def test_heldout_covers_what_it_was_written_to(hs: HeldoutSet) -> None:
    hs.check_spread(load_set(hs.name))


# --- the evaluation ---------------------------------------------------------------------------


def _body_system(outcome: Outcome) -> list[str]:
    expected = outcome.expected_what
    if expected is None:
        return ["no match"]
    if expected.startswith(SPECIALTY_PREFIX):
        return ["specialty"]
    return [query_eval.catalog_body_systems().get(expected, "unknown")]


def build_report(
    outcomes: list[Outcome], seconds: float, hs: HeldoutSet = HELDOUT
) -> dict[str, Any]:
    scores, by = query_eval._scores, query_eval._by
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "queries_file": str(hs.file.relative_to(REPO)),
        "seconds": round(seconds, 3),
        "floors": {"what_top1": hs.what_top1_floor, "where_top1": hs.where_top1_floor},
        "overall": scores(outcomes),
        "by_what_kind": by(outcomes, lambda o: [what_kind(o.expected_what)]),
        "by_where_kind": by(outcomes, lambda o: [where_kind(o.expected_where)]),
        "by_body_system": by(outcomes, _body_system),
        "by_tag": by(outcomes, lambda o: o.item.get("tags") or ["plain"]),
        "what_misses": [query_eval._miss(o) for o in outcomes if not o.what_top1_ok],
        "where_misses": [query_eval._miss(o) for o in outcomes if not o.where_top1_ok],
    }


def _cell(value: Any, width: int) -> str:
    text = "-" if value is None else str(value)
    return text if len(text) <= width else text[: width - 1] + "…"


def _top3(readings: list[str], expected: str | None) -> str:
    if expected is None or expected in readings[:1]:
        return ""
    return "top-3" if expected in readings else ""


def render_text(report: dict[str, Any]) -> str:
    overall = report["overall"]
    lines = [
        f"Held-out query understanding ({report['queries_file']}): "
        f"{overall['queries']} queries in {report['seconds']} s",
        "",
        f"{'':26} {'n':>4} {'what@1':>7} {'what@3':>7} {'where@1':>8} {'where@3':>8}",
    ]

    def row(name: str, s: dict[str, Any]) -> str:
        return (
            f"{_cell(name, 26):26} {s['queries']:>4} {s['what_top1']:>7.1%} "
            f"{s['what_top3']:>7.1%} {s['where_top1']:>8.1%} {s['where_top3']:>8.1%}"
        )

    lines.append(row("all", overall))
    for title in ("by_what_kind", "by_where_kind", "by_body_system", "by_tag"):
        prefix = title.removeprefix("by_").replace("_kind", "").replace("body_system", "system")
        lines.extend(row(f"{prefix}: {name}", s) for name, s in report[title].items())
    floors = report["floors"]
    lines += [
        "",
        f"floors: what top-1 >= {floors['what_top1']:.0%}, "
        f"where top-1 >= {floors['where_top1']:.0%}",
        "",
        f"What misses ({len(report['what_misses'])}); 'top-3' when the answer is an alternative:",
        f"  {'query':52} {'expected what':30} {'got what':30}",
    ]
    for m in report["what_misses"]:
        got = m["error"] or m["got_what"]
        lines.append(
            f"  {_cell(m['q'], 52):52} {_cell(m['expected_what'], 30):30} "
            f"{_cell(got, 30):30} {_top3(m['what_top3'], m['expected_what'])}"
        )
    lines += [
        "",
        f"Where misses ({len(report['where_misses'])}):",
        f"  {'query':52} {'expected where':24} {'got where':24}",
    ]
    for m in report["where_misses"]:
        got = m["error"] or m["got_where"]
        lines.append(
            f"  {_cell(m['q'], 52):52} {_cell(m['expected_where'], 24):24} "
            f"{_cell(got, 24):24} {_top3(m['where_top3'], m['expected_where'])}"
        )
    return "\n".join(lines) + "\n"


@each_set
def test_heldout_query_understanding_meets_the_floor(hs: HeldoutSet) -> None:
    parse = query_eval._parser_or_skip()
    items = load_set(hs.name)
    started = time.perf_counter()
    outcomes = [evaluate(item, parse) for item in items]
    report = build_report(outcomes, time.perf_counter() - started, hs)
    text = render_text(report)
    report["table"] = text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    hs.report_json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    hs.report_text.write_text(text)
    print(text)

    errors = [(o.q, o.error) for o in outcomes if o.error]
    assert not errors, f"parse raised on {len(errors)} queries: {errors[:10]}"
    overall = report["overall"]
    what_floor, where_floor = hs.what_top1_floor, hs.where_top1_floor
    assert overall["what_top1"] >= what_floor and overall["where_top1"] >= where_floor, (
        f"what top-1 {overall['what_top1']:.1%} (floor {what_floor:.0%}), "
        f"where top-1 {overall['where_top1']:.1%} (floor {where_floor:.0%}); "
        f"misses in {hs.report_text}"
    )
