"""Scores and the reasons for them: experience, specialty fit, data quality, distance.

Every number comes from `RankingWeights`; every factor is returned in the breakdown.
"""

from __future__ import annotations

import functools
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from docfinder.catalog.match_specialties import curated_specialties
from docfinder.search.candidates import Candidate, Target
from docfinder.search.features import Features, FloatArray, IntArray
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
    breakdown: dict[str, Any]
    evidence: list[Evidence] = field(default_factory=list)


KINDS = ("none", "procedures", "drugs")


@dataclass(frozen=True)
class Reference:
    """What a kind of evidence looks like among the results: the shrinkage prior (median),
    the saturation volume (percentile, floored) and the newest data year."""

    prior: float
    saturation: float
    newest_year: int


@dataclass(frozen=True)
class ScoreTable:
    """Every candidate's score and the factors behind it, as columns (see `score_features`)."""

    features: Features
    kind: IntArray  # index into KINDS: the kind of evidence experience rests on
    yearly: FloatArray
    years: IntArray
    shrunk: FloatArray
    freshness: FloatArray
    ceiling: FloatArray
    experience: FloatArray
    quality: FloatArray
    distance: FloatArray
    base: FloatArray
    score: FloatArray

    def order(self, sort: str) -> npt.NDArray[np.intp]:
        """Row indices in the order of a sort; the NPI breaks ties, so pages are stable."""
        npi, miles = self.features.npi, np.round(self.features.miles, 1)
        if sort == "distance":
            keys: tuple[Any, ...] = (npi, -self.score, miles)
        elif sort == "experience":
            # Experience after shrinkage and freshness: a doctor who stopped years ago is not
            # first.
            keys = (npi, -self.score, -np.round(self.experience, 4))
        else:
            keys = (npi, miles, -self.score)
        return np.lexsort(keys)

    def breakdown(self, i: int) -> dict[str, Any]:
        """Row i's factors, as `--explain` shows them."""
        return {
            "experience": round(float(self.experience[i]), 4),
            "evidence_kind": KINDS[int(self.kind[i])],
            "yearly_volume": round(float(self.yearly[i]), 2),
            "years_of_data": int(self.years[i]),
            "shrunk_volume": round(float(self.shrunk[i]), 2),
            "freshness": round(float(self.freshness[i]), 4),
            "saturation_volume": round(float(self.ceiling[i]), 1),
            "specialty_fit": round(float(self.features.fit[i]), 4),
            "data_quality": round(float(self.quality[i]), 4),
            "distance_miles": round(float(self.features.miles[i]), 1),
            "distance_factor": round(float(self.distance[i]), 4),
            "base": round(float(self.base[i]), 4),
        }


def score_features(
    f: Features, travel: bool, w: RankingWeights, today_days: float | None = None
) -> ScoreTable:
    """Score every candidate against references taken from the candidates themselves.

    Experience rests on the stronger of the two kinds of evidence (Medicare services or Part D
    claims, never mixed: their units differ), shrunk toward the kind's median and saturating
    at its percentile. `today_days` (days since 1970) dates registry freshness; by default the
    newest update among the candidates, so the order does not drift with the wall clock.
    """
    proc_level = np.log1p(f.proc_yearly) / math.log1p(w.procedure_saturation)
    drug_level = np.log1p(f.drug_yearly) / math.log1p(w.drug_saturation)
    is_proc = (f.proc_years > 0) & ((proc_level >= drug_level) | (f.drug_years == 0))
    is_drug = ~is_proc & (f.drug_years > 0)
    kind = np.where(is_proc, 1, np.where(is_drug, 2, 0)).astype(np.int64)
    yearly = np.where(is_proc, f.proc_yearly, np.where(is_drug, f.drug_yearly, 0.0))
    years = np.where(is_proc, f.proc_years, np.where(is_drug, f.drug_years, 0))
    latest = np.where(is_proc, f.proc_latest, np.where(is_drug, f.drug_latest, 0))
    prior, ceiling, newest = np.zeros(len(f)), np.ones(len(f)), latest.astype(np.float64)
    for code, floor in ((1, w.procedure_saturation), (2, w.drug_saturation)):
        mask = kind == code
        if mask.any():
            ref = _reference(yearly[mask], latest[mask], floor, w)
            prior[mask], ceiling[mask], newest[mask] = ref.prior, ref.saturation, ref.newest_year
    has = years > 0
    shrunk = np.where(has, (yearly * years + prior * w.prior_years) / (years + w.prior_years), 0.0)
    freshness = np.where(has, 0.5 ** ((newest - latest) / w.stale_half_life_years), 1.0)
    level = np.minimum(1.0, np.log1p(shrunk) / np.log1p(np.where(has, ceiling, 1.0)))
    experience = np.where(has, level * freshness, 0.0)
    quality = _quality(f, w, today_days)
    decay = w.travel if travel else w.routine
    distance = 0.5 ** (f.miles / decay.half_miles)
    base = w.experience * experience + w.specialty_fit * f.fit + w.data_quality * quality
    return ScoreTable(
        features=f,
        kind=kind,
        yearly=yearly,
        years=years,
        shrunk=shrunk,
        freshness=freshness,
        ceiling=np.where(has, ceiling, 0.0),
        experience=experience,
        quality=quality,
        distance=distance,
        base=base,
        score=np.round(base * distance, 6),
    )


def _reference(yearly: FloatArray, latest: IntArray, floor: float, w: RankingWeights) -> Reference:
    values = np.sort(yearly)
    at = min(len(values) - 1, round(w.saturation_percentile * (len(values) - 1)))
    return Reference(float(np.median(values)), max(float(values[at]), floor), int(latest.max()))


def _quality(f: Features, w: RankingWeights, today_days: float | None) -> FloatArray:
    """Points for a fresh registry record, an address two sources agree on, and an
    affiliation with a rated hospital; summed, capped at 1."""
    known = ~np.isnan(f.updated_days)
    if today_days is None:
        newest = f.updated_days[known]
        today_days = float(newest.max()) if known.any() else _epoch_days(date.today())
    age = np.where(known, today_days - np.nan_to_num(f.updated_days), np.inf)
    points = np.where(age <= 365.25 * w.recent_update_years, w.recent_update_points, 0.0)
    points = points + np.where(f.confirmed, w.confirmed_address_points, 0.0)
    rating = np.nan_to_num(f.best_rating, nan=0.0)
    points = points + w.rated_hospital_points * rating / 5
    return np.minimum(1.0, points)


def _epoch_days(day: date) -> float:
    return float((day - date(1970, 1, 1)).days)


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
