"""The facade: the one entry point the CLI, web app and site export call.

Everything here reads a store; loading goes through `docfinder.ingest.run_ingest`.
"""

from __future__ import annotations

from typing import Any

from docfinder.catalog.loader import load_catalog
from docfinder.catalog.matcher import Matcher
from docfinder.errors import DocfinderError, StoreError
from docfinder.geo import PlaceIndex
from docfinder.search.engine import Filters, SearchRequest, result_json, run_search, target_for
from docfinder.search.query import parse
from docfinder.store import open_store

COUNTED_TABLES = (
    "providers",
    "provider_taxonomies",
    "locations",
    "other_names",
    "endpoints",
    "geocodes",
    "procedure_volumes",
    "drug_volumes",
    "clinicians",
    "group_memberships",
    "affiliations",
    "hospitals",
    "taxonomy",
    "specialty_crosswalk",
    "zips",
    "places",
    "row_issues",
)


def _rows(con: Any, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def stats(db: str) -> dict[str, Any]:
    """Row counts per table, providers by status, and every loaded file with its as-of date."""
    with open_store(db).connect() as con:
        tables = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in COUNTED_TABLES
        }
        status = _rows(con, "SELECT status, count(*) AS n FROM providers GROUP BY 1 ORDER BY 1")
        datasets = _rows(
            con,
            """SELECT dataset, count(*) AS files, CAST(sum(rows_read) AS BIGINT) AS rows_read,
                      CAST(sum(rows_loaded) AS BIGINT) AS rows_loaded,
                      CAST(sum(rows_rejected) AS BIGINT) AS rows_rejected,
                      max(as_of_date) AS newest_as_of,
                      array_agg(DISTINCT data_year ORDER BY data_year)
                          FILTER (WHERE data_year IS NOT NULL) AS data_years
               FROM ingest_log WHERE status = 'loaded' GROUP BY 1 ORDER BY 1""",
        )
        files = _rows(
            con,
            """SELECT file_id, file_name, dataset, as_of_date, data_year, rows_read, rows_loaded,
                      rows_rejected, status, finished_at FROM ingest_log ORDER BY file_id""",
        )
    return {
        "db": db,
        "tables": tables,
        "providers_by_status": {r["status"]: r["n"] for r in status},
        "datasets": datasets,
        "files": files,
    }


def rejects(
    db: str, *, limit: int = 1000, file: str | None = None, include_warnings: bool = False
) -> list[dict[str, Any]]:
    """Rejected rows (and, if asked, warnings) with file, line, field and reason."""
    severities = ["reject", "warn", "geo"] if include_warnings else ["reject"]
    marks = ", ".join("?" for _ in severities)
    with open_store(db).connect() as con:
        return _rows(
            con,
            f"""SELECT l.file_name AS file, l.dataset, r.line, r.field, r.severity, r.reason, r.raw
               FROM row_issues r JOIN ingest_log l USING (file_id)
               WHERE r.severity IN ({marks})
                 AND (CAST(? AS VARCHAR) IS NULL OR l.file_name = ? OR l.path = ?)
               ORDER BY r.file_id, r.line LIMIT ?""",
            [*severities, file, file, file, limit],
        )


def provider(db: str, npi: int) -> dict[str, Any]:
    """Everything the store knows about one NPI, each fact with its source file and date."""
    with open_store(db).connect() as con:
        found = _rows(con, f"SELECT p.*, {_SOURCE} FROM providers p {_JOIN} WHERE npi = ?", [npi])
        if not found:
            raise StoreError(f"NPI {npi} is not in the store")
        record = found[0]
        for key, sql in _DETAILS.items():
            record[key] = _rows(con, sql, [npi])
    return record


_SOURCE = "l.file_name AS source_file, l.dataset AS source_dataset, l.as_of_date AS source_as_of,"
_SOURCE += " l.data_year AS source_year"


def _join(alias: str) -> str:
    return f"LEFT JOIN ingest_log l ON l.file_id = {alias}.file_id"


_JOIN = _join("p")
_DETAILS = {
    "taxonomies": f"""SELECT t.slot, t.taxonomy_code, x.classification, x.specialization,
        t.is_primary, t.license_number, t.license_state, {_SOURCE}
        FROM provider_taxonomies t LEFT JOIN taxonomy x ON x.code = t.taxonomy_code {_join("t")}
        WHERE t.npi = ? ORDER BY t.slot""",
    "locations": f"""SELECT kind, address_1, address_2, city, state, zip5, phone, lat, lon,
        geo_source, {_SOURCE}, line FROM locations p {_JOIN} WHERE npi = ?
        ORDER BY kind, source_year DESC NULLS LAST, source_file, line""",
    "procedures": f"""SELECT v.data_year, v.hcpcs_code, v.place_of_service, v.services,
        v.beneficiaries, {_SOURCE}, v.line FROM procedure_volumes v {_join("v")}
        WHERE v.npi = ? ORDER BY v.data_year DESC, v.hcpcs_code, v.place_of_service, v.line""",
    "drugs": f"""SELECT v.data_year, v.generic_name, v.brand_name, v.claims, v.beneficiaries,
        {_SOURCE}, v.line FROM drug_volumes v {_join("v")} WHERE v.npi = ?
        ORDER BY v.data_year DESC, v.claims DESC, v.generic_name, v.brand_name, v.line""",
    "clinician": f"""SELECT c.med_school, c.grad_year, c.primary_specialty,
        c.secondary_specialties, c.telehealth, c.accepts_assignment, {_SOURCE}
        FROM clinicians c {_join("c")} WHERE c.npi = ? ORDER BY c.file_id, c.line""",
    "affiliations": f"""SELECT a.facility_id, COALESCE(h.name, a.hospital_name) AS hospital,
        h.overall_rating, {_SOURCE} FROM affiliations a
        LEFT JOIN hospitals h USING (facility_id) {_join("a")} WHERE a.npi = ?
        ORDER BY a.facility_id, a.line""",
    "other_names": f"""SELECT o.name, o.type_code, {_SOURCE} FROM other_names o {_join("o")}
        WHERE o.npi = ? ORDER BY o.file_id, o.line""",
}


def search(
    db: str,
    text: str,
    *,
    near: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    radius_miles: float | None = None,
    limit: int = 10,
    offset: int = 0,
    sort: str = "best",
    filters: Filters | None = None,
    explain: bool = False,
) -> dict[str, Any]:
    """Ranked, explained providers for a query such as "metastasectomy in Ukia".

    The place comes from `near`, else from the text, else from `lat`/`lon` ("near me").
    """
    with open_store(db).connect() as con:
        matcher, places = _understanding(db, con)
        parsed = parse(text, matcher, places, lat=lat, lon=lon)
        where = parsed.where
        notes_near: list[str] = []
        if near:
            found = places.resolve(near, limit=1)
            if not found:
                raise QueryError(f"no place matches {near!r}; try a city and state or a ZIP")
            where = found[0].place
            if found[0].confidence != "exact":
                notes_near.append(f'Took "{near}" to mean {where.name}.')
        elif where is None and lat is not None and lon is not None:
            where = places.resolve("near me", limit=1, lat=lat, lon=lon)[0].place
        notes = list(parsed.notes) + notes_near
        what = parsed.what
        if what is None:
            raise QueryError(_no_what(text, notes))
        if where is None or (where.kind == "near_me" and (lat is None or lon is None)):
            raise QueryError("say where: a city and state, a ZIP code, or --lat/--lon")
        target = target_for(what.slug, what.name, what.kind, load_catalog())
        if target is None:
            raise QueryError(f"{what.name!r} has no doctors' evidence to search by")
        request = SearchRequest(
            target,
            where.lat,
            where.lon,
            where.name,
            radius_miles,
            filters or Filters(),
            sort,
            limit,
            offset,
        )
        outcome = run_search(con, request)
    if not outcome.results:
        notes.append(
            f"No doctors found within {outcome.radius_miles:.0f} miles; "
            "try a larger --radius-miles or a nearby city."
        )
    notes += outcome.notes
    notes.append(MEDICARE_NOTE)
    return {
        "query": {
            "what": {"slug": what.slug, "name": what.name, "kind": what.kind},
            "where": {"name": where.name, "lat": where.lat, "lon": where.lon, "slug": where.slug},
            "sort": sort,
            "radius_miles": outcome.radius_miles,
            "total": outcome.total,
            "offset": offset,
        },
        "results": [result_json(offset + i + 1, s, explain) for i, s in enumerate(outcome.results)],
        "notes": notes,
    }


MEDICARE_NOTE = (
    "Procedure volumes are Medicare fee-for-service claims (Part D prescriptions also include "
    "Medicare Advantage drug plans). CMS hides rows with fewer than 11 patients, so a doctor "
    "with no row may treat it for fewer Medicare patients, or for other insurers."
)


class QueryError(DocfinderError):
    """The query could not be turned into a search; the message says what to do."""


def _no_what(text: str, notes: list[str]) -> str:
    said = f"no treatment, condition or specialty matches {text!r}"
    extra = [n for n in notes if "no treatment" not in n.lower() and "no match" not in n.lower()]
    hint = (
        "; ".join(extra)
        if extra
        else (
            "try the name of a treatment, condition or kind of doctor, e.g. 'psoriasis', "
            "'knee replacement' or 'dermatologist'"
        )
    )
    return f"{said}: {hint}"


_UNDERSTANDING: dict[tuple[str, str], tuple[Matcher, PlaceIndex]] = {}


def _understanding(db: str, con: Any) -> tuple[Matcher, PlaceIndex]:
    """Matcher and places for a store, rebuilt when another build is swapped in."""
    key = (db, open_store(db).version(con))
    if key not in _UNDERSTANDING:
        _UNDERSTANDING.clear()
        _UNDERSTANDING[key] = (Matcher.from_store(con), PlaceIndex.from_store(con))
    return _UNDERSTANDING[key]


# --- for the web site and its static export ---------------------------------------------------


def query_tools(db: str) -> tuple[Matcher, PlaceIndex]:
    """The matcher and place index `search` uses for a store (cached while the file is unchanged);
    the web app's autocomplete and URLs read them so that they agree with the search."""
    with open_store(db).connect() as con:
        return _understanding(db, con)


def provider_cities(db: str) -> list[dict[str, Any]]:
    """Cities with current practice locations, with how many providers practise in each."""
    with open_store(db).connect() as con:
        return _rows(
            con,
            """SELECT state, upper(city) AS city, count(DISTINCT npi) AS providers
               FROM locations WHERE kind <> 'mailing' AND is_current IS NOT false
                 AND city IS NOT NULL AND state IS NOT NULL AND lat IS NOT NULL
               GROUP BY state, upper(city) ORDER BY providers DESC, state, city""",
        )


def store_version(db: str) -> str:
    """A token that changes whenever another build is swapped in (caches of the web app)."""
    return open_store(db).version()


def store_exists(db: str) -> bool:
    """Whether the store holds a build (a DuckDB file, or a published PostgreSQL schema)."""
    return open_store(db).exists()


_LISTED = """FROM providers p WHERE p.status = 'active' AND EXISTS (
    SELECT 1 FROM locations l WHERE l.npi = p.npi AND l.kind <> 'mailing'
      AND l.is_current IS NOT false AND l.lat IS NOT NULL)"""


def listed_providers(db: str, offset: int = 0, limit: int = 50_000) -> list[dict[str, Any]]:
    """Active providers with a located practice address, by NPI: the doctor pages a site has."""
    with open_store(db).connect() as con:
        return _rows(
            con,
            f"""SELECT p.npi, p.entity_type, p.org_name, p.first_name, p.middle_name, p.last_name,
                       p.last_update_date {_LISTED} ORDER BY p.npi LIMIT ? OFFSET ?""",
            [limit, offset],
        )


def count_listed_providers(db: str) -> int:
    """How many providers `listed_providers` pages through."""
    with open_store(db).connect() as con:
        return int(con.execute(f"SELECT count(*) {_LISTED}").fetchall()[0][0])
