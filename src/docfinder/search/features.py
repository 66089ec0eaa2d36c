"""Candidates within a radius and what the score needs of each, in two SQL queries.

`locate` reads the rows of `code_locations` for the target's codes inside the radius box (the
table is sorted by code, then latitude band, so DuckDB skips the rest of a national table) and
keeps, in the temp table `near`, one row per linked provider that passes the filters: distance
to its nearest place, whether it is "good" (enough to stop the radius growing) and the facts
filters and data quality need. `candidate_features` then computes, for the providers within the
chosen radius only, the recency-weighted yearly volume of the target's codes and of its drugs
and the specialty fit, from tables sorted by code and filtered by literal lists of the target's
codes, so only their few matching row groups are read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from docfinder.search.weights import RankingWeights
from docfinder.store import dialect

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# Great-circle miles on a sphere, written the same for DuckDB and PostgreSQL so that both
# backends rank on identical distances (PostGIS only narrows the rows, see `_near_rows`).
HAVERSINE = """2 * 3958.8 * asin(least(1.0, sqrt(pow(sin(radians(l.lat - {lat}) / 2), 2)
    + cos(radians({lat})) * cos(radians(l.lat)) * pow(sin(radians(l.lon - {lon}) / 2), 2))))"""
# Meters per mile, and a margin over the PostGIS sphere (radius 6371008.8 m, ours 3958.8 mi).
_METERS_PER_MILE = 1609.344
_SPHERE_MARGIN = 1.0001

_DRUG_MATCH = """(v.generic_name = d.name OR starts_with(v.generic_name, d.name || ' ')
    OR starts_with(v.generic_name, d.name || '-') OR starts_with(v.generic_name, d.name || '/')
    OR starts_with(v.generic_name, d.name || ','))"""


@dataclass(frozen=True)
class Features:
    """Columns of equal length, one entry per candidate, nearest first."""

    npi: IntArray
    miles: FloatArray
    good: BoolArray  # has claims or prescriptions; for routine care also a core specialty
    proc_yearly: FloatArray  # recency-weighted yearly volume (0 without rows)
    proc_years: IntArray  # years with rows for the target's codes
    proc_latest: IntArray  # newest such year (0 without rows)
    drug_yearly: FloatArray
    drug_years: IntArray
    drug_latest: IntArray
    fit: FloatArray  # specialty fit, 0..1
    updated_days: FloatArray  # NPPES last update as days since 1970 (NaN: unknown)
    confirmed: BoolArray  # a ZIP two kinds of source agree on
    best_rating: FloatArray  # best CMS star rating of an affiliated hospital (NaN: none)

    def __len__(self) -> int:
        return len(self.npi)


_DTYPES: dict[str, Any] = {
    "npi": np.int64,
    "good": np.bool_,
    "proc_years": np.int64,
    "proc_latest": np.int64,
    "drug_years": np.int64,
    "drug_latest": np.int64,
    "confirmed": np.bool_,
}


@dataclass(frozen=True)
class TargetLists:
    """A target's codes, drug names as Part D spells them, and taxonomies, with weights."""

    taxonomies: dict[str, float]
    procedures: dict[str, float]
    drug_names: dict[str, float]  # Part D generic names the target's drugs match
    travel: bool


def target_lists(con: Any, target: Any) -> TargetLists:
    """The target's lists, its drugs resolved against the store's distinct Part D names (any
    salt, suffix or combination: "adalimumab" matches "adalimumab-aaty")."""
    names: dict[str, float] = {}
    if target.drugs:
        rows = con.execute(
            f"""SELECT v.generic_name, max(d.weight) FROM drug_names v
                JOIN ({values(target.drugs)}) d(name, weight) ON {_DRUG_MATCH}
                GROUP BY 1 ORDER BY 1"""
        ).fetchall()
        names = {str(name): float(weight) for name, weight in rows}
    return TargetLists(dict(target.specialties), dict(target.procedures), names, target.travel)


@dataclass(frozen=True)
class Located:
    """The linked providers that pass the filters within a radius, nearest first."""

    miles: FloatArray
    good: BoolArray  # has claims or prescriptions; for routine care also a core specialty

    def enough(self, radius: float, w: RankingWeights) -> bool:
        """Whether the nearest `max_candidates` hold enough good ones within the radius."""
        nearest = slice(0, int(w.max_candidates))
        inside = self.miles[nearest] <= radius
        return int((self.good[nearest] & inside).sum()) >= w.enough_good_candidates


def locate(
    con: Any,
    lists: TargetLists,
    lat: float,
    lon: float,
    radius_miles: float,
    filters: Any,
    w: RankingWeights,
) -> Located:
    """The linked active providers whose nearest current location lies within the radius and
    that pass the filters, into the temp table `near` with the facts scores need.

    Only the rows of `code_locations` for the target's codes inside the radius box are read.
    Good: a row for one of the target's procedure codes or drugs; for routine care also a
    taxonomy whose weight is at least `good_fit`.
    """
    distance = HAVERSINE.format(lat=repr(float(lat)), lon=repr(float(lon)))
    where, params = _filter_sql(filters)
    core = {c: v for c, v in lists.taxonomies.items() if v >= w.good_fit}
    good_taxonomy = "false" if lists.travel or not core else f"code IN ({literals(core)})"
    # The facts are the provider's own, the same on each of its rows: min/bool_or pick them.
    select = f"""SELECT * FROM (
            SELECT npi, min(d) AS miles, bool_or(kind <> 't' OR {good_taxonomy}) AS good,
                   min(entity_type) AS entity_type, min(gender) AS gender,
                   bool_or(telehealth) AS telehealth,
                   bool_or(accepts_assignment) AS accepts_assignment,
                   min(last_update_date) AS last_update_date,
                   bool_or(confirmed) AS confirmed, min(best_rating) AS best_rating,
                   min(billed_type) AS billed_type
            FROM (SELECT l.*, {distance} AS d FROM code_locations l
                  WHERE {_near_rows(con, lists, lat, lon, radius_miles)}) rows
            WHERE d <= {float(radius_miles)!r} GROUP BY npi) near
        WHERE {where}"""
    if dialect(con) == "postgres":
        # Kept in Python (a few thousand rows at most) and handed to the next query as literal
        # rows: PostgreSQL then knows how many candidates there are and plans for them.
        rows = con.execute(f"{select} ORDER BY miles, npi", params).fetchall()
        con.scratch["near"] = rows
        miles = np.fromiter((r[1] for r in rows), dtype=np.float64, count=len(rows))
        good = np.fromiter((bool(r[2]) for r in rows), dtype=np.bool_, count=len(rows))
        return Located(miles, good)
    temp_table(con, "near", select, params)
    table = _arrow(con, "SELECT miles, good FROM near ORDER BY miles, npi")
    return Located(_column(table, "miles", np.float64), _column(table, "good", np.bool_))


# The columns of `near`, with their SQL types (for PostgreSQL's literal rows).
_NEAR_COLUMNS = (
    ("npi", "BIGINT"),
    ("miles", "DOUBLE PRECISION"),
    ("good", "BOOLEAN"),
    ("entity_type", "VARCHAR"),
    ("gender", "VARCHAR"),
    ("telehealth", "BOOLEAN"),
    ("accepts_assignment", "BOOLEAN"),
    ("last_update_date", "DATE"),
    ("confirmed", "BOOLEAN"),
    ("best_rating", "SMALLINT"),
    ("billed_type", "VARCHAR"),
)


def _literal_rows(rows: list[tuple[Any, ...]]) -> str:
    """Rows of `near` as a typed VALUES list (the first row carries the types)."""
    if not rows:
        casts = ", ".join(f"CAST(NULL AS {t})" for _, t in _NEAR_COLUMNS)
        return f"SELECT {casts} WHERE false"
    out = []
    for i, row in enumerate(rows):
        cells = []
        for value, (_, kind) in zip(row, _NEAR_COLUMNS, strict=True):
            if value is None:
                cell = "NULL"
            elif isinstance(value, bool):
                cell = "true" if value else "false"
            elif isinstance(value, (int, float)):
                cell = repr(value)
            else:
                cell = _quoted(str(value))
            cells.append(f"CAST({cell} AS {kind})" if i == 0 else cell)
        out.append("(" + ", ".join(cells) + ")")
    return "VALUES " + ", ".join(out)


def _near_rows(con: Any, lists: TargetLists, lat: float, lon: float, radius_miles: float) -> str:
    """The condition on `code_locations l` that reads the target's codes around the point.

    DuckDB: a latitude/longitude box (the table is sorted by code, then latitude band, so zone
    maps skip the rest). PostgreSQL: one ST_DWithin per code, each answered by the GiST index
    on (kind, code, geog). Both keep a superset of the circle; the haversine decides.
    """
    listed = [
        (kind, code)
        for kind, codes in (
            ("t", lists.taxonomies),
            ("p", lists.procedures),
            ("d", lists.drug_names),
        )
        for code in codes
    ]
    if not listed:
        return "false"
    dlat, dlon = box(lat, radius_miles)
    inside = f"""l.lat BETWEEN {lat - dlat!r} AND {lat + dlat!r}
        AND l.lon BETWEEN {lon - dlon!r} AND {lon + dlon!r}"""
    within = "true"
    if dialect(con) == "postgres":
        meters = radius_miles * _METERS_PER_MILE * _SPHERE_MARGIN
        point = f"CAST(ST_SetSRID(ST_MakePoint({float(lon)!r}, {float(lat)!r}), 4326) AS geography)"
        within = f"ST_DWithin(l.geog, {point}, {meters!r}, false)"
    codes = " OR ".join(
        f"(l.kind = '{kind}' AND l.code IN ({literals(listed_codes)}))"
        for kind, listed_codes in (
            ("t", lists.taxonomies),
            ("p", lists.procedures),
            ("d", lists.drug_names),
        )
        if listed_codes
    )
    return f"{inside} AND ({codes}) AND {within}"


def temp_table(con: Any, name: str, select: str, params: list[Any] | None = None) -> None:
    """(Re)create a temporary table of the connection from a query."""
    if dialect(con) == "postgres":
        con.define_temp(name, select, params)  # a CTE of later statements: no writes
    else:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {select}", params)


def candidate_features(
    con: Any, lists: TargetLists, radius_miles: float, w: RankingWeights
) -> Features:
    """Features of the providers `locate` found within the radius (which may be smaller than
    the one it looked in): at most `max_candidates`, nearest first (NPI breaks ties)."""
    share, factor = w.beneficiary_share, w.secondary_taxonomy_factor
    primary, secondary, own, patients = _f(1.0), _f(factor), _f(1 - share), _f(share)
    if dialect(con) == "postgres":
        inside = [r for r in con.scratch["near"] if r[1] <= radius_miles]  # nearest first
        kept = inside[: int(w.max_candidates)]
        names = ", ".join(name for name, _ in _NEAR_COLUMNS)
        con.define_temp("chosen", f"SELECT * FROM ({_literal_rows(kept)}) AS c({names})")
        # The NPIs as literals: each volume table is then read by its (npi, code) index.
        chosen_npis = ", ".join(str(int(r[0])) for r in kept) or "NULL"
    else:
        chosen_npis = "SELECT npi FROM chosen"
        temp_table(
            con,
            "chosen",
            f"""SELECT * FROM near WHERE miles <= {float(radius_miles)!r} ORDER BY miles, npi
            LIMIT {int(w.max_candidates)}""",
        )
    nothing_yearly = (
        "SELECT CAST(NULL AS BIGINT) AS npi, CAST(NULL AS SMALLINT) AS y,"
        " CAST(NULL AS DOUBLE PRECISION) AS amount WHERE false"
    )
    tax = f"""
            SELECT t.npi, max(w.weight * CASE WHEN t.is_primary THEN {primary} ELSE {secondary} END)
                       AS fit
            FROM provider_taxonomies t JOIN ({values(lists.taxonomies)}) w(code, weight)
                ON w.code = t.taxonomy_code
            WHERE t.taxonomy_code IN ({literals(lists.taxonomies)})
              AND t.npi IN ({chosen_npis}) GROUP BY 1"""
    proc_year = f"""
            SELECT v.npi, v.data_year AS y,
                   sum(c.weight * CASE WHEN v.beneficiaries > 0
                       THEN {own} * COALESCE(v.services, 0) + {patients} * v.beneficiaries
                       ELSE COALESCE(v.services, 0) END) AS amount
            FROM procedure_volumes v JOIN ({values(lists.procedures)}) c(code, weight)
                ON c.code = v.hcpcs_code
            WHERE v.hcpcs_code IN ({literals(lists.procedures)})
              AND v.npi IN ({chosen_npis}) GROUP BY 1, 2"""
    drug_year = f"""
            SELECT v.npi, v.data_year AS y, sum(d.weight * COALESCE(v.claims, 0)) AS amount
            FROM drug_volumes v JOIN ({values(lists.drug_names)}) d(name, weight)
                ON d.name = v.generic_name
            WHERE v.generic_name IN ({literals(lists.drug_names)})
              AND v.npi IN ({chosen_npis}) GROUP BY 1, 2"""
    # A list the target does not have reads nothing (no plan over a whole table for it).
    if not lists.taxonomies:
        tax = (
            "SELECT CAST(NULL AS BIGINT) AS npi, CAST(NULL AS DOUBLE PRECISION) AS fit WHERE false"
        )
    proc_year = proc_year if lists.procedures else nothing_yearly
    drug_year = drug_year if lists.drug_names else nothing_yearly
    sql = f"""
        WITH tax AS ({tax}),
        proc_year AS ({proc_year}),
        drug_year AS ({drug_year}),
        proc AS ({_recency("proc_year", w)}),
        drug AS ({_recency("drug_year", w)}),
        billed AS ({_billed_weight(lists)})
        SELECT near.npi, near.miles,
               near.good,
               COALESCE(proc.yearly, {_f(0)}) AS proc_yearly,
               COALESCE(proc.years, 0) AS proc_years, COALESCE(proc.latest, 0) AS proc_latest,
               COALESCE(drug.yearly, {_f(0)}) AS drug_yearly,
               COALESCE(drug.years, 0) AS drug_years, COALESCE(drug.latest, 0) AS drug_latest,
               CASE WHEN COALESCE(tax.fit, 0) > 0 THEN tax.fit
                    WHEN COALESCE(billed.weight, 0) > 0 THEN billed.weight * {_f(factor)}
                    WHEN proc.npi IS NOT NULL OR drug.npi IS NOT NULL
                        THEN {_f(w.evidence_only_fit)}
                    ELSE {_f(0)} END AS fit,
               CAST(near.last_update_date - DATE '1970-01-01' AS DOUBLE PRECISION)
                   AS updated_days,
               COALESCE(near.confirmed, false) AS confirmed,
               CAST(near.best_rating AS DOUBLE PRECISION) AS best_rating
        FROM chosen near
        LEFT JOIN tax ON tax.npi = near.npi
        LEFT JOIN proc ON proc.npi = near.npi LEFT JOIN drug ON drug.npi = near.npi
        LEFT JOIN billed ON billed.billed_type = near.billed_type
        ORDER BY near.miles, near.npi"""
    table = _arrow(con, sql)
    dtype = _DTYPES.get
    columns = {f.name: _column(table, f.name, dtype(f.name, np.float64)) for f in fields(Features)}
    # Sums of doubles depend on the order a database adds them in (the last bits differ between
    # DuckDB and PostgreSQL); rounded far below anything shown, both backends score the same.
    for name in ("proc_yearly", "drug_yearly", "fit"):
        columns[name] = np.round(columns[name], _DECIMALS)
    return Features(**columns)


_DECIMALS = 9


def _arrow(con: Any, sql: str) -> pa.Table:
    """A query's result as an Arrow table (DuckDB hands it over in columns)."""
    if dialect(con) != "postgres":
        return con.sql(sql).to_arrow_table()
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})


def _f(value: float) -> str:
    """A float literal typed as a double in both dialects (a bare 0.5 is a decimal)."""
    return f"CAST({float(value)!r} AS DOUBLE PRECISION)"


def _recency(years_table: str, w: RankingWeights) -> str:
    """Recency-weighted mean of the yearly amounts: a year counts 0.5 ** (age / half-life),
    its age taken from the provider's own newest year."""
    return f"""SELECT npi, sum(r * amount) / sum(r) AS yearly, count(*) AS years,
            max(y) AS latest
        FROM (SELECT npi, y, amount, pow({_f(0.5)}, (max(y) OVER (PARTITION BY npi) - y)
                  / {_f(w.recency_half_life_years)}) AS r FROM {years_table}) aged
        GROUP BY npi"""


# NUCC codes by name, from the taxonomy file and the CMS crosswalk: how a specialty billed
# under ("Dermatology", "Physician/Dermatology") is read as taxonomies.
_BILLED_CODES = """SELECT lower(COALESCE(specialization, classification)) AS name, code
        FROM taxonomy
    UNION SELECT lower(regexp_replace(medicare_desc, '^Physician/|\\s*\\(.*\\)$', '', 'g')),
                 taxonomy_code FROM specialty_crosswalk WHERE taxonomy_code IS NOT NULL"""


def _billed_weight(lists: TargetLists) -> str:
    """The target weight of each billed specialty name that maps to one of its taxonomies:
    fit for providers who are in the claims files but list no matching taxonomy in NPPES."""
    return f"""SELECT b.billed_type, n.weight FROM
            (SELECT DISTINCT billed_type FROM chosen WHERE billed_type IS NOT NULL) b
        JOIN (SELECT names.name, max(w.weight) AS weight FROM ({_BILLED_CODES}) names
              JOIN ({values(lists.taxonomies)}) w(code, weight) ON w.code = names.code
              GROUP BY names.name) n ON n.name = lower(b.billed_type)"""


def _filter_sql(filters: Any) -> tuple[str, list[Any]]:
    """SQL conditions on `near` (one row per candidate) for the filters that are set."""
    conditions: list[str] = []
    params: list[Any] = []
    if filters.specialty is not None:
        prefix = str(filters.specialty)
        # The range lets DuckDB skip the row groups of other codes (the table is sorted by code).
        conditions.append(
            """(near.npi IN (SELECT t.npi FROM provider_taxonomies t
                    WHERE t.taxonomy_code BETWEEN ? AND ?
                      AND starts_with(t.taxonomy_code, CAST(? AS VARCHAR)))
                OR lower(near.billed_type) IN (SELECT name FROM ("""
            + _BILLED_CODES
            + """) billed_names WHERE starts_with(code, CAST(? AS VARCHAR))))"""
        )
        params += [prefix, prefix + "~", prefix, prefix]
    if filters.entity is not None:
        conditions.append("(COALESCE(near.entity_type = 'O', false) = ?)")
        params.append(filters.entity == "organization")
    if filters.gender is not None:
        conditions.append("near.gender = ?")
        params.append(filters.gender)
    if filters.telehealth is not None:
        conditions.append("near.telehealth = ?")
        params.append(filters.telehealth)
    if filters.accepts_medicare_assignment is not None:
        conditions.append("near.accepts_assignment = ?")
        params.append(filters.accepts_medicare_assignment)
    if filters.hospital is not None:
        conditions.append(
            """near.npi IN (SELECT a.npi FROM affiliations a
                LEFT JOIN hospitals h ON h.facility_id = a.facility_id
                WHERE a.facility_id = ?
                   OR strpos(lower(COALESCE(h.name, a.hospital_name, '')),
                             lower(CAST(? AS VARCHAR))) > 0)"""
        )
        params += [filters.hospital, filters.hospital]
    return " AND ".join(conditions) or "true", params


def literals(values: dict[str, float]) -> str:
    """A SQL list of quoted strings (NULL when empty: matches nothing)."""
    if not values:
        return "NULL"
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in values)


def values(weights: dict[str, float]) -> str:
    """A VALUES list of (text, weight); one row of NULLs when empty (joins to nothing)."""
    if not weights:
        return "SELECT CAST(NULL AS VARCHAR), CAST(NULL AS DOUBLE PRECISION)"
    rows = ", ".join(f"({_quoted(k)}, {_f(v)})" for k, v in weights.items())
    return f"VALUES {rows}"


def _quoted(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _column(table: pa.Table, name: str, dtype: Any) -> Any:
    """A column as a numpy array; NULL doubles become NaN (the other columns have none)."""
    return np.asarray(table.column(name).to_numpy(zero_copy_only=False), dtype=dtype)


def box(lat: float, radius_miles: float) -> tuple[float, float]:
    """Half the height and width in degrees of the box around a circle of the radius."""
    dlat = radius_miles / 69.0
    dlon = radius_miles / max(1.0, 69.0 * math.cos(math.radians(lat)))
    return dlat, dlon
