"""The providers of a result page, read in full from a store, with the evidence behind each.

Which providers are candidates, and their scores, come from `features` and `scoring`;
this module loads only the page shown: each provider's record, its current locations within the
radius (nearest first), the taxonomies, claims and prescriptions that link it to the target, and
its billed specialty and best-rated hospital. Every lookup is by NPI *and* by the radius box or
the target's codes, so DuckDB reads only a few row groups of each national table.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from docfinder.search.features import HAVERSINE, TargetLists, box, literals, values


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
    # The taxonomies that match the target, and the primary one (primary first).
    taxonomies: list[dict[str, Any]] = field(default_factory=list)
    procedures: list[dict[str, Any]] = field(default_factory=list)
    drugs: list[dict[str, Any]] = field(default_factory=list)
    hospitals: list[dict[str, Any]] = field(default_factory=list)  # the best-rated affiliation
    claims_specialty: str | None = None  # the specialty billed under, as CMS names it
    claims_specialty_source: tuple[str, int | None] | None = None  # (dataset, data year)

    @property
    def nearest(self) -> dict[str, Any]:
        return self.locations[0]


_SOURCE = """g.file_name AS source_file, g.dataset AS source_dataset,
    g.as_of_date AS source_as_of, g.data_year AS source_year"""


def load_candidates(
    con: Any,
    npis: list[int],
    lists: TargetLists,
    lat: float,
    lon: float,
    radius_miles: float,
) -> list[Candidate]:
    """The given providers, in the order given, with their evidence for the target."""
    if not npis:
        return []
    wanted = ", ".join(str(int(n)) for n in npis)
    dlat, dlon = box(lat, radius_miles)
    inside = f"""l.lat BETWEEN {lat - dlat!r} AND {lat + dlat!r}
        AND l.lon BETWEEN {lon - dlon!r} AND {lon + dlon!r}"""
    distance = HAVERSINE.format(lat=repr(float(lat)), lon=repr(float(lon)))
    records = _rows(
        con,
        f"""SELECT p.npi, p.entity_type, p.org_name, p.last_name, p.first_name, p.middle_name,
                   p.credential, p.sex, p.last_update_date, p.record_source, {_SOURCE}
            FROM providers p LEFT JOIN ingest_log g ON g.file_id = p.file_id
            WHERE p.npi IN ({wanted})""",
    )
    found = {int(r["npi"]): Candidate(int(r["npi"]), r) for r in records}
    # Current locations within the radius box, with the provider's own facts on every row.
    facts: dict[int, dict[str, Any]] = {}
    for row in _rows(
        con,
        f"""SELECT l.*, {distance} AS miles FROM search_locations l
            WHERE l.npi IN ({wanted}) AND {inside}
            ORDER BY l.npi, miles, CASE l.source_dataset WHEN 'nppes' THEN 0
                     WHEN 'nppes_pl' THEN 1 WHEN 'dac' THEN 2 ELSE 3 END, l.address_1, l.zip5""",
    ):
        found[int(row["npi"])].locations.append(row)
        facts.setdefault(int(row["npi"]), row)
    primaries = {str(f["primary_taxonomy"]) for f in facts.values() if f["primary_taxonomy"]}
    for npi, f in facts.items():
        c = found[npi]
        if f["best_hospital"]:
            c.hospitals = [
                {
                    "name": f["best_hospital"],
                    "overall_rating": f["best_rating"],
                    "source_year": f["hospital_year"],
                }
            ]
        if f["billed_type"]:
            c.claims_specialty = f["billed_type"]
            c.claims_specialty_source = (f["billed_dataset"], f["billed_year"])
    codes = {**dict.fromkeys(primaries, 0.0), **lists.taxonomies}
    weights = values(lists.taxonomies)
    evidence = {
        "taxonomies": f"""SELECT t.npi, t.taxonomy_code, t.is_primary, w.weight,
                x.classification, x.specialization, {_SOURCE}
            FROM provider_taxonomies t LEFT JOIN ({weights}) w(code, weight)
                ON w.code = t.taxonomy_code
            LEFT JOIN taxonomy x ON x.code = t.taxonomy_code
            LEFT JOIN ingest_log g ON g.file_id = t.file_id
            WHERE t.taxonomy_code IN ({literals(codes)}) AND t.npi IN ({wanted})
              AND (w.weight IS NOT NULL OR t.is_primary)
            ORDER BY t.npi, t.is_primary DESC, t.slot""",
        "procedures": f"""SELECT v.npi, v.hcpcs_code, v.data_year, v.place_of_service,
                v.services, v.beneficiaries, c.weight, {_SOURCE}
            FROM procedure_volumes v JOIN ({values(lists.procedures)}) c(code, weight)
                ON c.code = v.hcpcs_code
            LEFT JOIN ingest_log g ON g.file_id = v.file_id
            WHERE v.hcpcs_code IN ({literals(lists.procedures)}) AND v.npi IN ({wanted})
            ORDER BY v.npi, v.data_year DESC, v.hcpcs_code""",
        "drugs": f"""SELECT v.npi, v.generic_name, v.brand_name, v.data_year, v.claims,
                v.beneficiaries, d.weight, {_SOURCE}
            FROM drug_volumes v JOIN ({values(lists.drug_names)}) d(name, weight)
                ON d.name = v.generic_name
            LEFT JOIN ingest_log g ON g.file_id = v.file_id
            WHERE v.generic_name IN ({literals(lists.drug_names)}) AND v.npi IN ({wanted})
            ORDER BY v.npi, v.data_year DESC, v.claims DESC""",
    }
    listed = {"taxonomies": codes, "procedures": lists.procedures, "drugs": lists.drug_names}
    for name, sql in evidence.items():
        if not listed[name]:
            continue
        grouped: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for row in _rows(con, sql):
            grouped[int(row["npi"])].append(row)
        for npi, rows in grouped.items():
            setattr(found[npi], name, rows)
    return [found[n] for n in npis if n in found and found[n].locations]


def _rows(con: Any, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
