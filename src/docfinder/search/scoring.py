"""Scores and the reasons for them: experience, specialty fit, data quality, distance.

Every number comes from `RankingWeights`; every factor is returned in the breakdown.
"""

from __future__ import annotations

import functools
import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from docfinder.catalog.match_specialties import curated_specialties
from docfinder.search.candidates import Candidate, Target
from docfinder.search.weights import RankingWeights


@dataclass(frozen=True)
class Evidence:
    text: str
    source: str
    year: int | None


@dataclass
class Scored:
    candidate: Candidate
    score: float
    breakdown: dict[str, float]
    evidence: list[Evidence] = field(default_factory=list)
    yearly_volume: float = 0.0


def yearly_volume(rows: list[dict[str, Any]], value: str, w: RankingWeights) -> tuple[float, int]:
    """Recency-weighted mean yearly volume of the weighted rows, and the years it rests on."""
    by_year: dict[int, float] = defaultdict(float)
    for row in rows:
        amount = float(row[value] or 0.0)
        if value == "services" and row.get("beneficiaries"):
            share = w.beneficiary_share
            amount = (1 - share) * amount + share * float(row["beneficiaries"])
        by_year[int(row["data_year"])] += float(row["weight"] or 0.0) * amount
    if not by_year:
        return 0.0, 0
    latest = max(by_year)
    weights = {y: 0.5 ** ((latest - y) / w.recency_half_life_years) for y in by_year}
    mean = sum(weights[y] * v for y, v in by_year.items()) / sum(weights.values())
    return mean, len(by_year)


@dataclass(frozen=True)
class Volume:
    """A candidate's experience volume, of one kind of evidence: Medicare services or Part D
    claims (never mixed: their units differ)."""

    kind: str  # "procedures" | "drugs" | "none"
    yearly: float
    years: int
    latest_year: int


@dataclass(frozen=True)
class Reference:
    """What a kind of evidence looks like among the results: the shrinkage prior (median),
    the saturation volume (percentile, floored) and the newest data year."""

    prior: float
    saturation: float
    newest_year: int


def score_all(
    candidates: list[Candidate], target: Target, place_name: str, w: RankingWeights
) -> list[Scored]:
    """Score every candidate against references taken from the results themselves."""
    volumes = {c.npi: _volume(c, w) for c in candidates}
    references = _references(list(volumes.values()), w)
    today = max(
        (c.record["last_update_date"] for c in candidates if c.record.get("last_update_date")),
        default=date.today(),
    )
    decay = w.travel if target.travel else w.routine
    results = []
    for c in candidates:
        v = volumes[c.npi]
        experience, shrunk, freshness, ceiling = 0.0, 0.0, 1.0, 0.0
        if v.years:
            ref = references[v.kind]
            shrunk = (v.yearly * v.years + ref.prior * w.prior_years) / (v.years + w.prior_years)
            ceiling = ref.saturation
            freshness = 0.5 ** ((ref.newest_year - v.latest_year) / w.stale_half_life_years)
            experience = min(1.0, math.log1p(shrunk) / math.log1p(ceiling)) * freshness
        fit = _fit(c, w)
        quality = _quality(c, w, today)
        miles = float(c.nearest["miles"])
        distance = 0.5 ** (miles / decay.half_miles)
        base = w.experience * experience + w.specialty_fit * fit + w.data_quality * quality
        breakdown = {
            "experience": round(experience, 4),
            "evidence_kind": v.kind,
            "yearly_volume": round(v.yearly, 2),
            "years_of_data": v.years,
            "shrunk_volume": round(shrunk, 2),
            "freshness": round(freshness, 4),
            "saturation_volume": round(ceiling, 1),
            "specialty_fit": round(fit, 4),
            "data_quality": round(quality, 4),
            "distance_miles": round(miles, 1),
            "distance_factor": round(distance, 4),
            "base": round(base, 4),
        }
        scored = Scored(c, round(base * distance, 6), breakdown, yearly_volume=v.yearly)
        scored.evidence = explain(c, target, place_name)
        results.append(scored)
    return results


def _references(volumes: list[Volume], w: RankingWeights) -> dict[str, Reference]:
    floors = {"procedures": w.procedure_saturation, "drugs": w.drug_saturation}
    references = {}
    for kind, floor in floors.items():
        values = sorted(v.yearly for v in volumes if v.kind == kind)
        if not values:
            continue
        at = min(len(values) - 1, round(w.saturation_percentile * (len(values) - 1)))
        newest = max(v.latest_year for v in volumes if v.kind == kind)
        references[kind] = Reference(statistics.median(values), max(values[at], floor), newest)
    return references


def _volume(c: Candidate, w: RankingWeights) -> Volume:
    """The stronger of the two kinds of evidence, relative to each kind's floor."""
    procedures, proc_years = yearly_volume(c.procedures, "services", w)
    drugs, drug_years = yearly_volume(c.drugs, "claims", w)
    proc_level = math.log1p(procedures) / math.log1p(w.procedure_saturation)
    drug_level = math.log1p(drugs) / math.log1p(w.drug_saturation)
    if proc_years and (proc_level >= drug_level or not drug_years):
        latest = max(int(r["data_year"]) for r in c.procedures)
        return Volume("procedures", procedures, proc_years, latest)
    if drug_years:
        return Volume("drugs", drugs, drug_years, max(int(r["data_year"]) for r in c.drugs))
    return Volume("none", 0.0, 0, 0)


def _fit(c: Candidate, w: RankingWeights) -> float:
    best = 0.0
    for t in c.taxonomies:
        if t["weight"] is None:
            continue
        factor = 1.0 if t["is_primary"] else w.secondary_taxonomy_factor
        best = max(best, float(t["weight"]) * factor)
    if best == 0.0 and c.claims_specialty_weight:
        # Not in NPPES, or no matching taxonomy there: the specialty billed under counts.
        best = float(c.claims_specialty_weight) * w.secondary_taxonomy_factor
    if best == 0.0 and (c.procedures or c.drugs):
        best = w.evidence_only_fit
    return best


def _quality(c: Candidate, w: RankingWeights, today: date) -> float:
    """Points for a fresh registry record (relative to the newest in the results, so the
    ranking does not drift with the wall clock), an address two sources agree on, and an
    affiliation with a rated hospital."""
    points = 0.0
    updated = c.record.get("last_update_date")
    if updated and (today - updated).days <= 365.25 * w.recent_update_years:
        points += w.recent_update_points
    zips = defaultdict(set)
    for loc in c.locations:
        zips[loc["zip5"]].add(_SOURCE_FAMILY.get(str(loc.get("source_dataset")), "other"))
    if any(len(kinds) > 1 for kinds in zips.values()):
        points += w.confirmed_address_points
    ratings = [h["overall_rating"] for h in c.hospitals if h["overall_rating"]]
    if ratings:
        points += w.rated_hospital_points * max(ratings) / 5
    return min(1.0, points)


def explain(c: Candidate, target: Target, place_name: str) -> list[Evidence]:
    """Evidence a patient can read, each with its source dataset and year."""
    items: list[Evidence] = []
    items += _procedure_evidence(c, target)
    items += _drug_evidence(c)
    items += _specialty_evidence(c)
    near = c.nearest
    items.append(
        Evidence(
            miles_text(float(near["miles"]), place_name), _source(near), near.get("source_year")
        )
    )
    if c.record.get("last_update_date"):
        updated = c.record["last_update_date"]
        items.append(Evidence(f"Registry record updated {updated:%Y-%m}", "NPPES", updated.year))
    for h in c.hospitals[:1]:
        if h["overall_rating"]:
            items.append(
                Evidence(
                    f"Affiliated with {h['name'].title()} ({h['overall_rating']} of 5 CMS stars)",
                    "Doctors and Clinicians; Hospital General Information",
                    h.get("source_year"),
                )
            )
    return items


def _procedure_evidence(c: Candidate, target: Target) -> list[Evidence]:
    if not c.procedures:
        if target.procedures:
            return [
                Evidence(
                    f"No Medicare claims rows for {target.name} (CMS hides counts under 11, "
                    "so this means fewer than 11 or none)",
                    "Medicare Physician & Other Practitioners",
                    None,
                )
            ]
        return []
    latest = max(int(r["data_year"]) for r in c.procedures)
    rows = [r for r in c.procedures if int(r["data_year"]) == latest]
    services = sum(float(r["services"] or 0) for r in rows)
    # Beneficiaries are counted per code: the largest is a floor for distinct patients.
    patients = max(int(r["beneficiaries"] or 0) for r in rows)
    codes = ", ".join(sorted({r["hcpcs_code"] for r in rows}))
    years = sorted({int(r["data_year"]) for r in c.procedures})
    if target.kind in ("procedure", "code"):
        what = f"{target.name} services"
    else:
        what = f"services used in {target.name.lower()} care"
    # An unknown beneficiary count is not zero: then no patient count is said at all.
    who = f" for at least {patients:,} patients" if patients else ""
    text = f"Billed Medicare for {services:,.0f} {what}{who} in {latest} (codes {codes})"
    items = [Evidence(text, "Medicare Physician & Other Practitioners", latest)]
    if len(years) > 1:
        items.append(
            Evidence(
                f"Medicare claims for it in {len(years)} years ({years[0]}–{years[-1]})",
                "Medicare Physician & Other Practitioners",
                latest,
            )
        )
    return items


def _drug_evidence(c: Candidate) -> list[Evidence]:
    if not c.drugs:
        return []
    latest = max(int(r["data_year"]) for r in c.drugs)
    by_drug: dict[str, float] = defaultdict(float)
    for r in c.drugs:
        if int(r["data_year"]) == latest:
            by_drug[r["generic_name"]] += float(r["claims"] or 0)
    top = sorted(by_drug.items(), key=lambda kv: -kv[1])[:3]
    listed = ", ".join(f"{name} ({claims:,.0f})" for name, claims in top)
    return [
        Evidence(
            f"Medicare Part D prescriptions in {latest}: {listed}",
            "Medicare Part D Prescribers",
            latest,
        )
    ]


def _specialty_evidence(c: Candidate) -> list[Evidence]:
    matching = [t for t in c.taxonomies if t["weight"] is not None]
    shown = matching[:1] or c.taxonomies[:1]
    items = []
    for t in shown:
        label = t["specialization"] or t["classification"] or specialty_name(t["taxonomy_code"])
        role = "primary specialty" if t["is_primary"] else "also listed"
        items.append(
            Evidence(
                f"{label} ({role}, taxonomy {t['taxonomy_code']})",
                "NPPES",
                _year(t.get("source_as_of")),
            )
        )
    if not shown and c.claims_specialty:
        dataset, year = c.claims_specialty_source or ("provider_service", None)
        source = _DATASET_NAMES.get(dataset, dataset)
        items.append(Evidence(f"{c.claims_specialty} (as billed to Medicare)", source, year))
    return items


@functools.cache
def _curated_names() -> dict[str, str]:
    return {s.code: s.name for s in curated_specialties()}


def specialty_name(code: str) -> str:
    """A taxonomy's name when the NUCC file was not loaded: docfinder's own specialty list."""
    return _curated_names().get(code, f"taxonomy {code}")


def miles_text(miles: float, place_name: str) -> str:
    where = "your location" if place_name == "near me" else place_name
    if miles < 1:
        return f"Under a mile from {where}"
    return f"{miles:.0f} mile{'s' if round(miles) != 1 else ''} from {where}"


_DATASET_NAMES = {
    "provider_service": "Medicare Physician & Other Practitioners",
    "partd": "Medicare Part D Prescribers",
    "dac": "Doctors and Clinicians",
}

# Datasets that are one source for address confirmation: NPPES main and secondary files are
# both what the provider reported to NPPES.
_SOURCE_FAMILY = {"nppes": "nppes", "nppes_pl": "nppes", "dac": "dac", "provider_service": "claims"}


def _source(row: dict[str, Any]) -> str:
    names = {
        "nppes": "NPPES",
        "nppes_pl": "NPPES",
        "dac": "Doctors and Clinicians",
        "provider_service": "Medicare Physician & Other Practitioners",
    }
    return names.get(str(row.get("source_dataset")), str(row.get("source_dataset")))


def _year(value: Any) -> int | None:
    return value.year if hasattr(value, "year") else None
