"""Candidates near a point, and the evidence behind each, read from a store.

A candidate is an active provider with a practice location within the radius who has a
taxonomy the target lists, or billed one of its procedure codes, or prescribed one of its
drugs. All of a candidate's locations come back; the engine keeps the nearest.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

EARTH_RADIUS_MILES = 3958.8

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
    claims_specialty: str | None = None
    claims_specialty_weight: float | None = None

    @property
    def nearest(self) -> dict[str, Any]:
        return self.locations[0]


def find_candidates(
    con: Any, target: Target, lat: float, lon: float, radius_miles: float, limit: int
) -> list[Candidate]:
    """Active providers near (lat, lon) linked to the target, nearest location first."""
    _register_target(con, target)
    dlat = radius_miles / 69.0
    dlon = radius_miles / max(1.0, 69.0 * math.cos(math.radians(lat)))
    sql = f"""
        WITH within AS (
            SELECT l.npi, l.kind, l.address_1, l.address_2, l.city, l.state, l.zip5, l.phone,
                   l.lat, l.lon, l.geo_source, l.file_id, {_HAVERSINE} AS miles
            FROM locations l
            WHERE l.lat BETWEEN $lat - $dlat AND $lat + $dlat
              AND l.lon BETWEEN $lon - $dlon AND $lon + $dlon AND l.kind <> 'mailing'
              AND l.is_current),
        near AS (SELECT * FROM within WHERE miles <= $radius),
        linked AS (
            SELECT t.npi FROM provider_taxonomies t SEMI JOIN target_taxa w
                ON t.taxonomy_code = w.code WHERE t.npi IN (SELECT npi FROM near)
            UNION SELECT v.npi FROM procedure_volumes v SEMI JOIN target_codes c
                ON v.hcpcs_code = c.code WHERE v.npi IN (SELECT npi FROM near)
            UNION SELECT v.npi FROM drug_volumes v SEMI JOIN target_drugs d ON {_DRUG_MATCH}
                WHERE v.npi IN (SELECT npi FROM near)),
        ranked AS (
            SELECT n.*, min(n.miles) OVER (PARTITION BY n.npi) AS best
            FROM near n SEMI JOIN linked k ON n.npi = k.npi)
        SELECT r.*, p.entity_type, p.org_name, p.last_name, p.first_name, p.middle_name,
               p.credential, p.sex, p.last_update_date, p.record_source,
               g.file_name AS source_file, g.dataset AS source_dataset,
               g.as_of_date AS source_as_of, g.data_year AS source_year
        FROM ranked r JOIN providers p ON p.npi = r.npi AND p.status = 'active'
        LEFT JOIN ingest_log g ON g.file_id = r.file_id
        WHERE r.best <= (SELECT max(best) FROM (SELECT DISTINCT npi, best FROM ranked
                                                ORDER BY best LIMIT $limit))
        ORDER BY r.best, r.npi, r.miles"""
    params = {
        "lat": lat,
        "lon": lon,
        "dlat": dlat,
        "dlon": dlon,
        "radius": radius_miles,
        "limit": limit,
    }
    rows = _rows(con, sql, params)
    candidates: dict[int, Candidate] = {}
    for row in rows:
        npi = int(row["npi"])
        if npi not in candidates:
            candidates[npi] = Candidate(npi, row)
        candidates[npi].locations.append(row)
    _attach_evidence(con, list(candidates.values()))
    return list(candidates.values())


def _register_target(con: Any, target: Target) -> None:
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


def _attach_evidence(con: Any, candidates: list[Candidate]) -> None:
    if not candidates:
        return
    by_npi = {c.npi: c for c in candidates}
    con.register("cand", pa.table({"npi": list(by_npi)}))
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
                candidate.claims_specialty_weight = rows[0]["weight"]
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
            v.beneficiaries, max(d.weight) AS weight, {_SOURCE}
        FROM drug_volumes v SEMI JOIN cand ON cand.npi = v.npi
        JOIN target_drugs d ON {_DRUG_MATCH}
        LEFT JOIN ingest_log g ON g.file_id = v.file_id
        GROUP BY ALL ORDER BY v.npi, v.data_year DESC, v.claims DESC""",
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
    # The specialty a provider billed Medicare under, mapped to NUCC codes by name and by the
    # CMS crosswalk: fit for providers who are in the claims files but not in NPPES.
    "claims_specialty": """WITH latest AS (
            SELECT s.npi, s.provider_type FROM source_providers s
            SEMI JOIN cand ON cand.npi = s.npi WHERE s.provider_type IS NOT NULL
            QUALIFY row_number() OVER (PARTITION BY s.npi
                                       ORDER BY s.data_year DESC NULLS LAST) = 1),
        names AS (
            SELECT lower(COALESCE(specialization, classification)) AS name, code FROM taxonomy
            UNION SELECT lower(regexp_replace(medicare_desc, '^Physician/|\\s*\\(.*\\)$', '', 'g')),
                         taxonomy_code FROM specialty_crosswalk WHERE taxonomy_code IS NOT NULL)
        SELECT l.npi, l.provider_type, max(w.weight) AS weight
        FROM latest l LEFT JOIN names n ON n.name = lower(l.provider_type)
        LEFT JOIN target_taxa w ON w.code = n.code GROUP BY ALL""",
}


def _rows(con: Any, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    for key, value in params.items():
        sql = sql.replace(f"${key}", repr(float(value)) if key != "limit" else str(int(value)))
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
