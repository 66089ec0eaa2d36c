"""Search: a target and a point in, ranked and explained providers out.

Stages: target (what the results must evidence) -> candidates that pass the filters within a
radius that grows until enough are good -> scores -> order -> page. The caller
(docfinder.core) turns text into the target and the point.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docfinder.catalog.model import Catalog, Entry
from docfinder.search.candidates import Candidate, Target, load_candidates
from docfinder.search.features import candidate_features, locate, target_lists
from docfinder.search.scoring import Scored, explain, score_features, specialty_name
from docfinder.search.weights import DEFAULT_WEIGHTS, RankingWeights

SORTS = ("best", "distance", "experience")


@dataclass(frozen=True)
class Filters:
    specialty: str | None = None  # a NUCC code or its prefix ("207N")
    entity: str | None = None  # "individual" | "organization"
    gender: str | None = None  # "F" | "M"
    telehealth: bool | None = None
    accepts_medicare_assignment: bool | None = None
    hospital: str | None = None  # CCN or part of a hospital's name


@dataclass(frozen=True)
class SearchRequest:
    target: Target
    lat: float
    lon: float
    place_name: str
    max_radius_miles: float | None = None
    filters: Filters = field(default_factory=Filters)
    sort: str = "best"
    limit: int = 10
    offset: int = 0


@dataclass
class SearchOutcome:
    results: list[Scored]
    total: int
    radius_miles: float
    notes: list[str]


def target_for(slug: str, name: str, kind: str, catalog: Catalog) -> Target | None:
    """The evidence a what-match calls for: a catalog entry, a specialty or a code."""
    if slug.startswith("specialty:"):
        return Target(slug, name, "specialty", {slug.split(":", 1)[1]: 1.0}, {}, {}, False)
    if slug.startswith("code:"):
        return Target(slug, name, "code", {}, {slug.split(":", 1)[1]: 1.0}, {}, True)
    if slug.startswith("icd10:"):
        code = slug.split(":", 1)[1]
        entry = next((e for e in catalog if code in e.icd10), None)
        return _entry_target(entry) if entry else None
    entry = catalog.get(slug)
    return _entry_target(entry) if entry else None


def _entry_target(entry: Entry) -> Target:
    return Target(
        slug=entry.slug,
        name=entry.name,
        kind=str(entry.kind),
        specialties={s.code: s.weight for s in entry.specialties},
        procedures={p.code: p.weight for p in entry.procedures},
        drugs={d.name: d.weight for d in entry.drugs},
        travel=str(entry.kind) == "procedure",
    )


def run_search(
    con: Any, request: SearchRequest, weights: RankingWeights = DEFAULT_WEIGHTS
) -> SearchOutcome:
    """Grow the radius until enough good candidates, then score, order and page.

    Each radius step is one SQL query that finds the linked candidates that pass the filters
    and computes what their scores need; every candidate inside the final radius is scored from
    those columns, and only the page shown is loaded in full, with the rows of evidence its
    explanations quote.
    """
    decay = weights.travel if request.target.travel else weights.routine
    given = request.max_radius_miles
    maximum = decay.max_radius_miles if given is None else max(0.0, given)
    lists = target_lists(con, request.target)
    start = min(decay.start_radius_miles, maximum)
    where = (con, lists, request.lat, request.lon)
    located = locate(*where, start, request.filters, weights)
    radius = start
    if start < maximum and not located.enough(start, weights):
        # Not enough good candidates close by: look out to the maximum once, then take the
        # first radius of start, start x growth, ... that holds enough.
        located = locate(*where, maximum, request.filters, weights)
        while radius < maximum and not located.enough(radius, weights):
            radius = min(maximum, radius * weights.radius_growth)
    found = candidate_features(con, lists, radius, weights)
    notes: list[str] = []
    if radius > decay.start_radius_miles:
        notes.append(f"Searched out to {radius:.0f} miles to find enough doctors.")
    table = score_features(found, request.target.travel, weights)
    page = table.order(request.sort)[request.offset : request.offset + request.limit]
    npis = [int(found.npi[i]) for i in page]
    loaded = {c.npi: c for c in load_candidates(con, npis, lists, request.lat, request.lon, radius)}
    results = []
    for i in page:
        candidate = loaded[int(found.npi[i])]
        evidence = explain(candidate, request.target, request.place_name)
        results.append(Scored(candidate, float(table.score[i]), table.breakdown(int(i)), evidence))
    return SearchOutcome(results, len(found), radius, notes)


def result_json(rank: int, s: Scored, explain: bool) -> dict[str, Any]:
    """One result in the shape of `docfinder search --json`."""
    c, record, near = s.candidate, s.candidate.record, s.candidate.nearest
    specialty = next((t for t in c.taxonomies if t["is_primary"]), None)
    label = None
    if specialty:
        label = specialty["specialization"] or specialty["classification"]
        label = label or specialty_name(specialty["taxonomy_code"])
    out: dict[str, Any] = {
        "rank": rank,
        "npi": c.npi,
        "name": display_name(record),
        "credentials": record.get("credential"),
        "specialty": label or c.claims_specialty,
        "address": " ".join(p for p in (near["address_1"], near["address_2"]) if p),
        "city": _display(near["city"]),
        "state": near["state"],
        "zip": near["zip5"],
        "phone": near["phone"],
        "lat": near["lat"],
        "lon": near["lon"],
        "entity": "organization" if record.get("entity_type") == "O" else "individual",
        "distance_miles": round(float(near["miles"]), 1),
        "score": round(s.score, 4),
        "evidence": [{"text": e.text, "source": e.source, "year": e.year} for e in s.evidence],
        "other_locations": _other_locations(c),
    }
    if explain:
        out["breakdown"] = s.breakdown
    return out


def _display(text: str | None) -> str | None:
    """All-caps registry text (UKIAH) as a person writes it (Ukiah)."""
    return text.title() if text and text.isupper() else text


def display_name(record: dict[str, Any]) -> str:
    if record.get("entity_type") == "O" or (record.get("org_name") and not record.get("last_name")):
        return str(record.get("org_name") or "")
    parts = (record.get("first_name"), record.get("middle_name"), record.get("last_name"))
    return " ".join(str(p).title() for p in parts if p)


def _other_locations(c: Candidate) -> list[dict[str, Any]]:
    seen = {(c.nearest["address_1"], c.nearest["zip5"])}
    others = []
    for loc in c.locations[1:]:
        key = (loc["address_1"], loc["zip5"])
        if key in seen:
            continue
        seen.add(key)
        others.append(
            {
                "address": loc["address_1"],
                "city": loc["city"],
                "state": loc["state"],
                "zip": loc["zip5"],
                "lat": loc["lat"],
                "lon": loc["lon"],
                "distance_miles": round(float(loc["miles"]), 1),
                "source": loc.get("source_dataset"),
            }
        )
    return others
