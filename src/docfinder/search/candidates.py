"""Candidates near a point, and the evidence behind each, read from a store.

A candidate is an active provider with a practice location within the radius who has a
taxonomy the target lists, or billed one of its procedure codes, or prescribed one of its
drugs. All of a candidate's locations come back; the engine keeps the nearest.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from docfinder.search.features import CLAIMS_SPECIALTY_SQL, box

_HAVERSINE = """2 * 3958.8 * asin(sqrt(pow(sin(radians(l.lat - $lat) / 2), 2)
    + cos(radians($lat)) * cos(radians(l.lat)) * pow(sin(radians(l.lon - $lon) / 2), 2)))"""

_DRUG_MATCH = """(v.generic_name = d.name OR starts_with(v.generic_name, d.name || ' ')
    OR starts_with(v.generic_name, d.name || '-') OR starts_with(v.generic_name, d.name || '/')
    OR starts_with(v.generic_name, d.name || ','))"""


@dataclass(frozen=True)
class Target:
    """What the results must evidence: specialties, procedure codes and drugs, with weights."""

    slug: str
    name: str
    kind: str
    specialties: dict[str, float]
    procedures: dict[str, float]
    drugs: dict[str, float]
    travel: bool  # a procedure people travel for: distance decays slowly


@dataclass
class Candidate:
    npi: int
    record: dict[str, Any]
    locations: list[dict[str, Any]] = field(default_factory=list)
    taxonomies: list[dict[str, Any]] = field(default_factory=list)
    procedures: list[dict[str, Any]] = field(default_factory=list)
    drugs: list[dict[str, Any]] = field(default_factory=list)
    clinician: dict[str, Any] | None = None
    hospitals: list[dict[str, Any]] = field(default_factory=list)
    claims_specialty: str | None = None  # the specialty billed under, as CMS names it
    claims_specialty_source: tuple[str, int | None] | None = None  # (dataset, data year)

    @property
    def nearest(self) -> dict[str, Any]:
        return self.locations[0]


@dataclass(frozen=True)
class Nearby:
    """A provider linked to the target: its nearest current location and whether it is good."""

    npi: int
    miles: float
    good: bool


def link_target(con: Any, target: Target, good_fit: float) -> None:
    """Every active provider linked to the target, into the temp table `linked(npi, good)`.

    The links come from tables sorted by code (a few milliseconds even nationally). Good: has
    claims or prescriptions for the target; for routine care also a taxonomy weighing at least
    `good_fit`.
    """
    register_target(con, target)
    fit_is_good = "false" if target.travel else f"max(fit) >= {float(good_fit)!r}"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE linked AS
        WITH links AS (
            SELECT t.npi, max(w.weight) AS fit, false AS evidence FROM provider_taxonomies t
                JOIN target_taxa w ON t.taxonomy_code = w.code GROUP BY t.npi
            UNION ALL SELECT DISTINCT v.npi, 0.0, true FROM procedure_volumes v
                WHERE v.hcpcs_code IN (SELECT code FROM target_codes)
            UNION ALL SELECT DISTINCT v.npi, 0.0, true FROM drug_volumes v
                WHERE v.generic_name IN (SELECT name FROM target_drug_names))
        SELECT npi, bool_or(evidence) OR {fit_is_good} AS good
        FROM links GROUP BY npi""")


def nearby_providers(
    con: Any, lat: float, lon: float, radius_miles: float, limit: int
) -> list[Nearby]:
    """The linked providers (`link_target`) whose nearest current location lies within the
    radius, nearest first: only locations inside the radius box are read."""
    dlat, dlon = box(lat, radius_miles)
    sql = f"""
        WITH near AS (
            SELECT l.npi, min({_HAVERSINE}) AS miles FROM locations l
            SEMI JOIN linked k ON k.npi = l.npi
            WHERE l.lat BETWEEN $lat - $dlat AND $lat + $dlat
              AND l.lon BETWEEN $lon - $dlon AND $lon + $dlon
              AND l.kind <> 'mailing' AND l.is_current
            GROUP BY l.npi HAVING min({_HAVERSINE}) <= $radius)
        SELECT n.npi, n.miles, k.good
        FROM near n JOIN linked k USING (npi)
        JOIN providers p ON p.npi = n.npi AND p.status = 'active'
        ORDER BY n.miles, n.npi LIMIT $limit"""
    params = {
        "lat": lat,
        "lon": lon,
        "dlat": dlat,
        "dlon": dlon,
        "radius": radius_miles,
        "limit": limit,
    }
    return [
        Nearby(int(r["npi"]), float(r["miles"]), bool(r["good"])) for r in _rows(con, sql, params)
    ]


def load_candidates(
    con: Any, npis: list[int], lat: float, lon: float, radius_miles: float
) -> list[Candidate]:
    """The chosen providers with their current locations within the radius (nearest first)
    and their evidence. The radius box lets DuckDB skip most of a national locations table."""
    if not npis:
        return []
    con.register("cand", pa.table({"npi": npis}))
    dlat, dlon = box(lat, radius_miles)
    sql = f"""
        SELECT l.npi, l.kind, l.address_1, l.address_2, l.city, l.state, l.zip5, l.phone,
               l.lat, l.lon, l.geo_source, l.file_id, {_HAVERSINE} AS miles,
               p.entity_type, p.org_name, p.last_name, p.first_name, p.middle_name,
               p.credential, p.sex, p.last_update_date, p.record_source,
               g.file_name AS source_file, g.dataset AS source_dataset,
               g.as_of_date AS source_as_of, g.data_year AS source_year
        FROM locations l SEMI JOIN cand ON cand.npi = l.npi
        JOIN providers p ON p.npi = l.npi
        LEFT JOIN ingest_log g ON g.file_id = l.file_id
        WHERE l.kind <> 'mailing' AND l.is_current
          AND l.lat BETWEEN $lat - $dlat AND $lat + $dlat
          AND l.lon BETWEEN $lon - $dlon AND $lon + $dlon
        ORDER BY l.npi, miles, CASE g.dataset WHEN 'nppes' THEN 0 WHEN 'nppes_pl' THEN 1
                 WHEN 'dac' THEN 2 ELSE 3 END, l.address_1, l.zip5"""
    candidates: dict[int, Candidate] = {}
    for row in _rows(con, sql, {"lat": lat, "lon": lon, "dlat": dlat, "dlon": dlon}):
        npi = int(row["npi"])
        if npi not in candidates:
            candidates[npi] = Candidate(npi, row)
        candidates[npi].locations.append(row)
    found = [candidates[n] for n in npis if n in candidates]
    _attach_evidence(con, found)
    return found


def register_target(con: Any, target: Target) -> None:
    con.register(
        "target_taxa",
        pa.table({"code": list(target.specialties), "weight": list(target.specialties.values())}),
    )
    con.register(
        "target_codes",
        pa.table({"code": list(target.procedures), "weight": list(target.procedures.values())}),
    )
    con.register(
        "target_drugs",
        pa.table({"name": list(target.drugs), "weight": list(target.drugs.values())}),
    )
    # The Part D names the target's drugs match (any salt, suffix or combination), found on
    # the small table of distinct names, so that volumes are then joined by equality.
    con.execute(f"""CREATE OR REPLACE TEMP TABLE target_drug_names AS
        SELECT v.generic_name AS name, max(d.weight) AS weight
        FROM drug_names v JOIN target_drugs d ON {_DRUG_MATCH} GROUP BY v.generic_name""")


def _attach_evidence(con: Any, candidates: list[Candidate]) -> None:
    if not candidates:
        return
    by_npi = {c.npi: c for c in candidates}
    for name, sql in _EVIDENCE.items():
        grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in _rows(con, sql, {}):
            grouped[int(row["npi"])].append(row)
        for npi, rows in grouped.items():
            candidate = by_npi[npi]
            if name == "clinician":
                candidate.clinician = rows[0]
            elif name == "claims_specialty":
                candidate.claims_specialty = rows[0]["provider_type"]
                candidate.claims_specialty_source = (rows[0]["dataset"], rows[0]["data_year"])
            else:
                setattr(candidate, name, rows)


_SOURCE = """g.file_name AS source_file, g.dataset AS source_dataset,
    g.as_of_date AS source_as_of, g.data_year AS source_year"""
_EVIDENCE = {
    "taxonomies": f"""SELECT t.npi, t.taxonomy_code, t.is_primary, w.weight,
            x.classification, x.specialization, {_SOURCE}
        FROM provider_taxonomies t SEMI JOIN cand ON cand.npi = t.npi
        LEFT JOIN target_taxa w ON w.code = t.taxonomy_code
        LEFT JOIN taxonomy x ON x.code = t.taxonomy_code
        LEFT JOIN ingest_log g ON g.file_id = t.file_id
        ORDER BY t.npi, t.is_primary DESC, t.slot""",
    "procedures": f"""SELECT v.npi, v.hcpcs_code, v.data_year, v.place_of_service, v.services,
            v.beneficiaries, c.weight, {_SOURCE}
        FROM procedure_volumes v SEMI JOIN cand ON cand.npi = v.npi
        JOIN target_codes c ON c.code = v.hcpcs_code
        LEFT JOIN ingest_log g ON g.file_id = v.file_id
        ORDER BY v.npi, v.data_year DESC, v.hcpcs_code""",
    "drugs": f"""SELECT v.npi, v.generic_name, v.brand_name, v.data_year, v.claims,
            v.beneficiaries, d.weight, {_SOURCE}
        FROM drug_volumes v SEMI JOIN cand ON cand.npi = v.npi
        JOIN target_drug_names d ON d.name = v.generic_name
        LEFT JOIN ingest_log g ON g.file_id = v.file_id
        ORDER BY v.npi, v.data_year DESC, v.claims DESC""",
    "clinician": f"""SELECT c.npi, c.gender, c.telehealth, c.accepts_assignment, c.grad_year,
            c.med_school, c.primary_specialty, {_SOURCE}
        FROM clinicians c SEMI JOIN cand ON cand.npi = c.npi
        LEFT JOIN ingest_log g ON g.file_id = c.file_id""",
    "hospitals": f"""SELECT a.npi, a.facility_id, COALESCE(h.name, a.hospital_name) AS name,
            h.overall_rating, {_SOURCE}
        FROM affiliations a SEMI JOIN cand ON cand.npi = a.npi
        LEFT JOIN hospitals h ON h.facility_id = a.facility_id
        LEFT JOIN ingest_log g ON g.file_id = h.file_id
        ORDER BY a.npi, h.overall_rating DESC NULLS LAST""",
    # The specialty billed under, for providers who are in the claims files but not in NPPES.
    "claims_specialty": CLAIMS_SPECIALTY_SQL,
}


def _rows(con: Any, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    for key, value in params.items():
        text = str(int(value)) if key == "limit" else repr(float(value))
        sql = sql.replace(f"${key}", text)
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
