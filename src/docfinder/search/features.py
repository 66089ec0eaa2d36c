"""What the score needs of each candidate, computed in SQL for all of them at once.

One row per candidate: its distance, the recency-weighted yearly volume of the target's
procedure codes and of its drugs, its specialty fit and the inputs of data quality. The engine
scores these columns (`scoring.score_features`) and loads the full record, with every row of
evidence, only for the page it shows. Filters are answered here too, from the same tables.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from docfinder.search.weights import RankingWeights

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Datasets that are one source for address confirmation: NPPES main and secondary files are
# both what the provider reported to NPPES.
SOURCE_FAMILY_SQL = """CASE g.dataset WHEN 'nppes' THEN 'nppes' WHEN 'nppes_pl' THEN 'nppes'
    WHEN 'dac' THEN 'dac' WHEN 'provider_service' THEN 'claims' ELSE 'other' END"""


@dataclass(frozen=True)
class Features:
    """Columns of equal length, one entry per candidate, in the order given."""

    npi: IntArray
    miles: FloatArray
    proc_yearly: FloatArray  # recency-weighted yearly volume (0 without rows)
    proc_years: IntArray  # years with rows for the target's codes
    proc_latest: IntArray  # newest such year (0 without rows)
    drug_yearly: FloatArray
    drug_years: IntArray
    drug_latest: IntArray
    fit: FloatArray  # specialty fit, 0..1
    updated_days: FloatArray  # NPPES last update as days since 1970 (NaN: unknown)
    confirmed: BoolArray  # a ZIP two source families agree on
    best_rating: FloatArray  # best CMS star rating of an affiliated hospital (NaN: none)

    def __len__(self) -> int:
        return len(self.npi)

    def take(self, index: npt.NDArray[np.intp]) -> Features:
        return Features(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


def register_candidates(con: Any, npis: list[int], miles: list[float]) -> None:
    """The candidates the next feature or filter query reads, in the order given."""
    con.register(
        "cand",
        pa.table(
            {
                "npi": pa.array(npis, pa.int64()),
                "miles": pa.array(miles, pa.float64()),
                "pos": pa.array(range(len(npis)), pa.int64()),
            }
        ),
    )


def candidate_features(
    con: Any, lat: float, lon: float, radius_miles: float, w: RankingWeights
) -> Features:
    """Features of the registered candidates (`cand`), in `cand`'s order.

    Needs the target tables (`target_taxa`, `target_codes`, `target_drug_names`) registered.
    Address confirmation looks at the current locations inside the radius box.
    """
    dlat, dlon = box(lat, radius_miles)
    sql = f"""
        WITH proc_year AS (
            SELECT v.npi, v.data_year AS y,
                   sum(c.weight * CASE WHEN v.beneficiaries > 0
                       THEN (1 - {w.beneficiary_share!r}) * COALESCE(v.services, 0)
                            + {w.beneficiary_share!r} * v.beneficiaries
                       ELSE COALESCE(v.services, 0) END) AS amount
            FROM procedure_volumes v JOIN target_codes c ON c.code = v.hcpcs_code
            WHERE v.npi IN (SELECT npi FROM cand) GROUP BY 1, 2),
        drug_year AS (
            SELECT v.npi, v.data_year AS y, sum(d.weight * COALESCE(v.claims, 0)) AS amount
            FROM drug_volumes v JOIN target_drug_names d ON d.name = v.generic_name
            WHERE v.npi IN (SELECT npi FROM cand) GROUP BY 1, 2),
        proc AS ({_recency("proc_year", w)}),
        drug AS ({_recency("drug_year", w)}),
        tax AS (
            SELECT t.npi, max(w.weight * CASE WHEN t.is_primary THEN 1.0
                                         ELSE {w.secondary_taxonomy_factor!r} END) AS fit
            FROM provider_taxonomies t JOIN target_taxa w ON w.code = t.taxonomy_code
            WHERE t.npi IN (SELECT npi FROM cand) GROUP BY 1),
        billed AS ({CLAIMS_SPECIALTY_SQL}),
        confirmed AS (
            SELECT DISTINCT l.npi FROM locations l LEFT JOIN ingest_log g ON g.file_id = l.file_id
            WHERE l.npi IN (SELECT npi FROM cand) AND l.kind <> 'mailing' AND l.is_current
              AND l.lat BETWEEN {lat - dlat!r} AND {lat + dlat!r}
              AND l.lon BETWEEN {lon - dlon!r} AND {lon + dlon!r}
            GROUP BY l.npi, l.zip5 HAVING count(DISTINCT {SOURCE_FAMILY_SQL}) > 1),
        rated AS (
            SELECT a.npi, max(h.overall_rating) AS rating FROM affiliations a
            JOIN hospitals h ON h.facility_id = a.facility_id
            WHERE a.npi IN (SELECT npi FROM cand) AND h.overall_rating > 0 GROUP BY 1)
        SELECT cand.npi, cand.miles,
               COALESCE(proc.yearly, 0.0) AS proc_yearly, COALESCE(proc.years, 0) AS proc_years,
               COALESCE(proc.latest, 0) AS proc_latest,
               COALESCE(drug.yearly, 0.0) AS drug_yearly, COALESCE(drug.years, 0) AS drug_years,
               COALESCE(drug.latest, 0) AS drug_latest,
               CASE WHEN COALESCE(tax.fit, 0) > 0 THEN tax.fit
                    WHEN COALESCE(billed.weight, 0) > 0
                        THEN billed.weight * {w.secondary_taxonomy_factor!r}
                    WHEN proc.npi IS NOT NULL OR drug.npi IS NOT NULL
                        THEN {w.evidence_only_fit!r}
                    ELSE 0.0 END AS fit,
               CAST(date_diff('day', DATE '1970-01-01', p.last_update_date) AS DOUBLE)
                   AS updated_days,
               confirmed.npi IS NOT NULL AS confirmed,
               CAST(rated.rating AS DOUBLE) AS best_rating
        FROM cand JOIN providers p ON p.npi = cand.npi
        LEFT JOIN proc ON proc.npi = cand.npi LEFT JOIN drug ON drug.npi = cand.npi
        LEFT JOIN tax ON tax.npi = cand.npi LEFT JOIN billed ON billed.npi = cand.npi
        LEFT JOIN (SELECT DISTINCT npi FROM confirmed) confirmed ON confirmed.npi = cand.npi
        LEFT JOIN rated ON rated.npi = cand.npi
        ORDER BY cand.pos"""
    table = con.sql(sql).to_arrow_table()
    dtype = _DTYPES.get
    columns = {f.name: _column(table, f.name, dtype(f.name, np.float64)) for f in fields(Features)}
    return Features(**columns)


_DTYPES: dict[str, Any] = {
    "npi": np.int64,
    "proc_years": np.int64,
    "proc_latest": np.int64,
    "drug_years": np.int64,
    "drug_latest": np.int64,
    "confirmed": np.bool_,
}


def _recency(years_table: str, w: RankingWeights) -> str:
    """Recency-weighted mean of the yearly amounts: a year counts 0.5 ** (age / half-life),
    its age taken from the provider's own newest year."""
    return f"""SELECT npi, sum(r * amount) / sum(r) AS yearly, count(*) AS years,
            max(y) AS latest
        FROM (SELECT npi, y, amount, pow(0.5, (max(y) OVER (PARTITION BY npi) - y)
                  / {w.recency_half_life_years!r}) AS r FROM {years_table})
        GROUP BY npi"""


def _column(table: pa.Table, name: str, dtype: Any) -> Any:
    """A column as a numpy array; NULL doubles become NaN (the other columns have none)."""
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=dtype)


def box(lat: float, radius_miles: float) -> tuple[float, float]:
    """Half the height and width in degrees of the box around a circle of the radius."""
    dlat = radius_miles / 69.0
    dlon = radius_miles / max(1.0, 69.0 * math.cos(math.radians(lat)))
    return dlat, dlon


# The specialty a provider billed Medicare under, mapped to NUCC codes by name and by the CMS
# crosswalk: fit for providers who are in the claims files but not in NPPES.
CLAIMS_SPECIALTY_SQL = """WITH latest AS (
        SELECT s.npi, s.provider_type, s.data_year, s.dataset FROM source_providers s
        WHERE s.npi IN (SELECT npi FROM cand) AND s.provider_type IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY s.npi ORDER BY s.data_year DESC NULLS LAST) = 1),
    names AS (
        SELECT lower(COALESCE(specialization, classification)) AS name, code FROM taxonomy
        UNION SELECT lower(regexp_replace(medicare_desc, '^Physician/|\\s*\\(.*\\)$', '', 'g')),
                     taxonomy_code FROM specialty_crosswalk WHERE taxonomy_code IS NOT NULL)
    SELECT l.npi, l.provider_type, l.data_year, l.dataset, max(w.weight) AS weight,
           list(DISTINCT n.code) FILTER (n.code IS NOT NULL) AS codes
    FROM latest l LEFT JOIN names n ON n.name = lower(l.provider_type)
    LEFT JOIN target_taxa w ON w.code = n.code GROUP BY ALL"""


def passing_filters(con: Any, filters: Any) -> set[int]:
    """The registered candidates (`cand`) that pass every filter that is set."""
    conditions: list[str] = []
    params: list[Any] = []
    if filters.specialty is not None:
        conditions.append(
            """(EXISTS (SELECT 1 FROM provider_taxonomies t WHERE t.npi = p.npi
                    AND starts_with(t.taxonomy_code, ?))
                OR EXISTS (SELECT 1 FROM billed b, unnest(b.codes) AS u(code)
                    WHERE b.npi = p.npi AND starts_with(u.code, ?)))"""
        )
        params += [filters.specialty, filters.specialty]
    if filters.entity is not None:
        conditions.append("((p.entity_type = 'O') = ?)")
        params.append(filters.entity == "organization")
    if filters.gender is not None:
        conditions.append(
            """COALESCE(NULLIF(p.sex, ''), (SELECT any_value(c.gender) FROM clinicians c
                WHERE c.npi = p.npi)) = ?"""
        )
        params.append(filters.gender)
    for column, value in (
        ("telehealth", filters.telehealth),
        ("accepts_assignment", filters.accepts_medicare_assignment),
    ):
        if value is not None:
            conditions.append(
                f"EXISTS (SELECT 1 FROM clinicians c WHERE c.npi = p.npi AND c.{column} = ?)"
            )
            params.append(value)
    if filters.hospital is not None:
        conditions.append(
            """EXISTS (SELECT 1 FROM affiliations a
                LEFT JOIN hospitals h ON h.facility_id = a.facility_id
                WHERE a.npi = p.npi AND (a.facility_id = ?
                    OR contains(lower(COALESCE(h.name, a.hospital_name, '')), lower(?))))"""
        )
        params += [filters.hospital, filters.hospital]
    where = " AND ".join(conditions) or "true"
    sql = f"""WITH billed AS ({CLAIMS_SPECIALTY_SQL})
        SELECT p.npi FROM providers p WHERE p.npi IN (SELECT npi FROM cand) AND {where}"""
    return {int(row[0]) for row in con.execute(sql, params).fetchall()}
