"""How each dataset's staged rows replace what the store already holds.

The rules, by dataset (they make re-ingest idempotent and weekly files update by NPI):
- NPPES monthly/weekly: a provider is replaced by the newer record (Last Update Date; a tie goes
  to the file ingested later), with its taxonomies, practice and mailing addresses.
- pl / othername / endpoint: the NPIs in the file get exactly the file's rows.
- provider x service, Part D: rows replace rows with the same NPI, code/drug, year (and place).
- DAC: the NPIs in the file get exactly the file's clinician facts, groups, affiliations, addresses.
- reference files (taxonomy, hospitals, ZIPs, places): upsert by their key.
"""

from __future__ import annotations

from dataclasses import dataclass

# Columns of each staged table, used to build the staging tables from the main ones.
STAGED_TABLES = (
    "providers",
    "provider_taxonomies",
    "locations",
    "other_names",
    "endpoints",
    "geocodes",
    "source_providers",
    "procedure_volumes",
    "procedure_descriptions",
    "drug_volumes",
    "clinicians",
    "group_memberships",
    "affiliations",
    "hospitals",
    "taxonomy",
    "specialty_crosswalk",
    "zips",
    "places",
)


@dataclass(frozen=True)
class Replace:
    """Delete target rows whose key appears in staging (within scope), insert staging deduped."""

    table: str
    keys: tuple[str, ...]
    dedupe: tuple[str, ...] | None = None  # keep one staged row per these columns (last line)
    scope: str = "true"  # extra condition on target rows `t`

    def sql(self) -> list[str]:
        match = " AND ".join(f"t.{k} IS NOT DISTINCT FROM s.{k}" for k in self.keys)
        key_list = ", ".join(self.keys)
        dedupe = ", ".join(self.dedupe) if self.dedupe else None
        staged = f"stg_{self.table}"
        if dedupe:
            staged = (
                f"(SELECT * EXCLUDE (_rn) FROM (SELECT *, row_number() OVER (PARTITION BY {dedupe}"
                f" ORDER BY file_id DESC, {_order(self.table)} DESC) AS _rn FROM stg_{self.table})"
                " WHERE _rn = 1)"
            )
        return [
            f"DELETE FROM {self.table} t USING (SELECT DISTINCT {key_list} FROM stg_{self.table}) s"
            f" WHERE {match} AND ({self.scope})",
            f"INSERT INTO {self.table} BY NAME SELECT * FROM {staged}",
        ]


def _order(table: str) -> str:
    if table == "procedure_descriptions":
        # No line numbers (one row per distinct text): the same text wins on every run.
        return "description"
    return "file_id" if table in ("taxonomy", "zips", "places") else "line"


_NPPES_PROVIDERS = [
    # One row per NPI in the file: the last one wins.
    """CREATE OR REPLACE TEMP TABLE new_providers AS SELECT * FROM stg_providers
       QUALIFY row_number() OVER (PARTITION BY npi ORDER BY line DESC) = 1""",
    # An older record never replaces a newer one already in the store.
    """DELETE FROM new_providers n USING providers p WHERE n.npi = p.npi
       AND p.record_source = 'nppes' AND p.last_update_date > n.last_update_date""",
    "DELETE FROM providers t USING new_providers n WHERE t.npi = n.npi",
    "INSERT INTO providers BY NAME SELECT * FROM new_providers",
    "DELETE FROM provider_taxonomies t USING new_providers n WHERE t.npi = n.npi",
    """INSERT INTO provider_taxonomies BY NAME SELECT s.* FROM stg_provider_taxonomies s
       SEMI JOIN new_providers n ON s.npi = n.npi AND s.line = n.line""",
    """DELETE FROM locations t USING new_providers n WHERE t.npi = n.npi
       AND t.kind IN ('practice', 'mailing')""",
    """INSERT INTO locations BY NAME SELECT s.* FROM stg_locations s
       SEMI JOIN new_providers n ON s.npi = n.npi AND s.line = n.line""",
    """DELETE FROM other_names t USING new_providers n WHERE t.npi = n.npi AND t.file_id IN
       (SELECT file_id FROM ingest_log WHERE dataset = 'nppes')""",
    """INSERT INTO other_names BY NAME SELECT s.* FROM stg_other_names s
       SEMI JOIN new_providers n ON s.npi = n.npi AND s.line = n.line""",
]


def merge_statements(dataset: str) -> list[str]:
    """The SQL that moves a file's staged rows into the store."""
    if dataset == "nppes":
        return list(_NPPES_PROVIDERS)
    return [sql for step in MERGES[dataset] for sql in step.sql()]


MERGES: dict[str, tuple[Replace, ...]] = {
    "nppes_pl": (Replace("locations", ("npi",), None, "t.kind = 'secondary'"),),
    "nppes_othername": (
        Replace(
            "other_names",
            ("npi",),
            None,
            "t.file_id IN (SELECT file_id FROM ingest_log WHERE dataset = 'nppes_othername')",
        ),
    ),
    "nppes_endpoint": (Replace("endpoints", ("npi",)),),
    "geocoded_addresses": (Replace("geocodes", ("npi",)),),
    "nucc_taxonomy": (Replace("taxonomy", ("code",), ("code",)),),
    "specialty_crosswalk": (Replace("specialty_crosswalk", ("medicare_code",)),),
    "provider_service": (
        Replace(
            "procedure_volumes",
            ("npi", "hcpcs_code", "data_year", "place_of_service"),
            ("npi", "hcpcs_code", "data_year", "place_of_service"),
        ),
        Replace("source_providers", ("npi", "dataset", "data_year"), ("npi",)),
        Replace("locations", ("npi", "source_key"), ("npi",), "t.kind = 'claims'"),
        Replace("procedure_descriptions", ("hcpcs_code", "data_year"), ("hcpcs_code",)),
    ),
    "partd": (
        Replace(
            "drug_volumes",
            ("npi", "brand_name", "generic_name", "data_year"),
            ("npi", "brand_name", "generic_name", "data_year"),
        ),
        Replace("source_providers", ("npi", "dataset", "data_year"), ("npi",)),
    ),
    "dac": (
        Replace("clinicians", ("npi",), ("npi",)),
        Replace("group_memberships", ("npi",), ("npi", "org_pac_id", "org_name")),
        Replace("affiliations", ("npi",), ("npi", "facility_id")),
        Replace("source_providers", ("npi", "dataset"), ("npi",)),
        Replace("locations", ("npi",), ("npi", "source_key"), "t.kind = 'dac'"),
    ),
    "hospitals": (Replace("hospitals", ("facility_id",), ("facility_id",)),),
    "zcta_gazetteer": (),
    "zip_latlon": (),
    "geonames_postal": (),
    "places_table": (Replace("places", ("name", "state", "source"), ("name", "state")),),
}

# ZIPs are merged field by field: a later file fills or corrects what it has, keeps the rest.
_ZIP_FIELDS = (
    "city",
    "state",
    "county",
    "lat",
    "lon",
    "population",
    "land_sqmi",
    "source",
    "file_id",
)
ZIP_MERGE = [
    """CREATE OR REPLACE TEMP TABLE new_zips AS SELECT * FROM stg_zips
       QUALIFY row_number() OVER (PARTITION BY zip5 ORDER BY file_id) = 1""",
    "INSERT INTO zips BY NAME SELECT * FROM new_zips ON CONFLICT (zip5) DO UPDATE SET "
    + ", ".join(f"{f} = COALESCE(EXCLUDED.{f}, {f})" for f in _ZIP_FIELDS),
]


def all_merge_statements(dataset: str) -> list[str]:
    """Merge SQL including the field-wise ZIP upsert for geography files."""
    if dataset in ("zcta_gazetteer", "zip_latlon", "geonames_postal"):
        return list(ZIP_MERGE)
    return merge_statements(dataset)


FINALIZE = [
    # Providers seen only in claims, Part D or DAC files get a record from the newest of those.
    "DELETE FROM providers WHERE record_source <> 'nppes'",
    """INSERT INTO providers BY NAME
       SELECT npi, entity_type,
              CASE WHEN entity_type = 'O' THEN last_or_org END AS org_name,
              CASE WHEN entity_type IS DISTINCT FROM 'O' THEN last_or_org END AS last_name,
              first_name, middle_name, credential, gender AS sex, 'active' AS status,
              dataset AS record_source, file_id, line
       FROM source_providers s WHERE NOT EXISTS (SELECT 1 FROM providers p WHERE p.npi = s.npi)
       QUALIFY row_number() OVER (PARTITION BY npi
               ORDER BY dataset = 'dac', data_year DESC NULLS LAST, file_id DESC) = 1""",
    # Coordinates: a geocoded street address where one matches, else the ZIP's centroid.
    "UPDATE locations SET lat = NULL, lon = NULL, geo_source = NULL",
    """UPDATE locations l SET lat = g.lat, lon = g.lon, geo_source = 'address'
       FROM (SELECT * FROM geocodes QUALIFY row_number() OVER (
               PARTITION BY npi, zip5, regexp_replace(upper(address_1), '[^A-Z0-9]', '', 'g')
               ORDER BY file_id DESC) = 1) g
       WHERE l.npi = g.npi AND l.zip5 = g.zip5
         AND regexp_replace(upper(l.address_1), '[^A-Z0-9]', '', 'g')
             = regexp_replace(upper(g.address_1), '[^A-Z0-9]', '', 'g')""",
    """UPDATE locations l SET lat = z.lat, lon = z.lon, geo_source = 'zip centroid (' || z.source || ')'
       FROM zips z WHERE l.lat IS NULL AND l.zip5 = z.zip5 AND z.lat IS NOT NULL""",
    "CREATE OR REPLACE TABLE drug_names AS SELECT DISTINCT generic_name FROM drug_volumes",
    # Only the newest claims year's address is current; older ones stay for provenance.
    "UPDATE locations SET is_current = true",
    """UPDATE locations l SET is_current = (l.source_key = m.latest)
       FROM (SELECT npi, max(source_key) AS latest FROM locations WHERE kind = 'claims'
             GROUP BY npi) m
       WHERE l.kind = 'claims' AND l.npi = m.npi""",
    "DELETE FROM row_issues WHERE severity = 'geo'",
    """INSERT INTO row_issues SELECT file_id, line, 'zip', 'geo',
              'ZIP ' || zip5 || ' is not in the loaded geography; this address has no coordinates',
              NULL
       FROM locations WHERE lat IS NULL AND zip5 IS NOT NULL AND country = 'US'
         AND kind <> 'mailing'""",
]

# Tables rewritten in the order searches read them, so DuckDB's per-row-group min/max (zone
# maps) skip most of a national table: locations by latitude (radius boxes), volumes by code
# and drug, taxonomies by code. Tables without constraints only.
SORTED_TABLES = {
    # 1-degree latitude bands, each by longitude: a radius box touches few row groups.
    "locations": "round(lat), lon",
    "procedure_volumes": "hcpcs_code, npi",
    "drug_volumes": "generic_name, npi",
    "provider_taxonomies": "taxonomy_code, npi",
}


def sort_statements() -> list[str]:
    """Statements that rewrite each table of SORTED_TABLES in its search order."""
    statements = []
    for table, order in SORTED_TABLES.items():
        statements += [
            f"CREATE OR REPLACE TABLE {table}_sorted AS SELECT * FROM {table} ORDER BY {order}",
            f"DROP TABLE {table}",
            f"ALTER TABLE {table}_sorted RENAME TO {table}",
        ]
    return statements


# What searches read, rebuilt from the other tables after every load (derived, never merged):
#
# search_locations: one row per current, located practice address of an active provider, with
#   the provider's own facts beside it, sorted like `locations` (latitude band, longitude): a
#   result page reads its providers' addresses and facts from one radius box.
# code_locations: one row per (taxonomy, procedure code or Part D drug) x provider x place,
#   sorted by code, then latitude band: a search reads only the rows of its target's codes
#   inside its radius box, with the facts that filters and scores need beside them.
SEARCH_TABLES = [
    # Per-provider facts first, each its own table, so no one statement holds them all in memory.
    """CREATE OR REPLACE TABLE facts_confirmed AS
    WITH loc AS (
        SELECT l.npi, l.zip5, CASE g.dataset WHEN 'nppes_pl' THEN 'nppes'
                   WHEN 'provider_service' THEN 'claims' ELSE g.dataset END AS family
        FROM locations l LEFT JOIN ingest_log g ON g.file_id = l.file_id
        WHERE l.kind <> 'mailing' AND l.is_current AND l.lat IS NOT NULL)
    -- A ZIP that two kinds of source agree on (NPPES practice and secondary locations are one).
    SELECT DISTINCT npi FROM loc GROUP BY npi, zip5 HAVING count(DISTINCT family) > 1""",
    """CREATE OR REPLACE TABLE facts_clinician AS
    SELECT npi, any_value(gender) FILTER (gender IS NOT NULL AND gender <> '') AS gender,
           bool_or(telehealth) AS telehealth, bool_or(accepts_assignment) AS accepts_assignment
    FROM clinicians GROUP BY npi""",
    """CREATE OR REPLACE TABLE facts_rated AS
    SELECT a.npi, max(h.overall_rating) AS best_rating,
           first(COALESCE(h.name, a.hospital_name)
                 ORDER BY h.overall_rating DESC, COALESCE(h.name, a.hospital_name))
               AS best_hospital,
           first(g.data_year ORDER BY h.overall_rating DESC, COALESCE(h.name, a.hospital_name))
               AS hospital_year
    FROM affiliations a JOIN hospitals h ON h.facility_id = a.facility_id
    LEFT JOIN ingest_log g ON g.file_id = h.file_id
    WHERE h.overall_rating > 0 GROUP BY a.npi""",
    # The specialty a provider last billed Medicare (or prescribed) under, as CMS names it.
    """CREATE OR REPLACE TABLE facts_billed AS
    SELECT npi, arg_max(provider_type, (data_year, dataset, file_id)) AS provider_type,
           arg_max(dataset, (data_year, dataset, file_id)) AS dataset, max(data_year) AS data_year
    FROM source_providers WHERE provider_type IS NOT NULL GROUP BY npi""",
    """CREATE OR REPLACE TABLE facts_primary AS
    SELECT npi, arg_min(taxonomy_code, slot) AS taxonomy_code FROM provider_taxonomies
    WHERE is_primary GROUP BY npi""",
    """
CREATE OR REPLACE TABLE search_locations AS
SELECT l.npi, l.kind, l.address_1, l.address_2, l.city, l.state, l.zip5, l.phone, l.lat, l.lon,
       l.geo_source, g.dataset AS source_dataset, g.data_year AS source_year, p.entity_type,
       COALESCE(NULLIF(p.sex, ''), c.gender) AS gender, c.telehealth, c.accepts_assignment,
       p.last_update_date, f.npi IS NOT NULL AS confirmed, r.best_rating, r.best_hospital,
       r.hospital_year, b.provider_type AS billed_type, b.dataset AS billed_dataset,
       b.data_year AS billed_year, t.taxonomy_code AS primary_taxonomy
FROM locations l JOIN providers p ON p.npi = l.npi AND p.status = 'active'
LEFT JOIN ingest_log g ON g.file_id = l.file_id
LEFT JOIN facts_confirmed f ON f.npi = l.npi
LEFT JOIN facts_clinician c ON c.npi = l.npi
LEFT JOIN facts_rated r ON r.npi = l.npi
LEFT JOIN facts_billed b ON b.npi = l.npi
LEFT JOIN facts_primary t ON t.npi = l.npi
WHERE l.kind <> 'mailing' AND l.is_current AND l.lat IS NOT NULL AND l.lon IS NOT NULL
ORDER BY round(l.lat), l.lon
""",
    "DROP TABLE facts_confirmed; DROP TABLE facts_clinician; DROP TABLE facts_rated;"
    " DROP TABLE facts_billed; DROP TABLE facts_primary",
    """
CREATE OR REPLACE TABLE code_locations AS
WITH links AS (
    SELECT DISTINCT 't' AS kind, taxonomy_code AS code, npi FROM provider_taxonomies
    UNION ALL SELECT DISTINCT 'p', hcpcs_code, npi FROM procedure_volumes
    UNION ALL SELECT DISTINCT 'd', generic_name, npi FROM drug_volumes),
places AS (
    SELECT DISTINCT ON (npi, lat, lon) npi, lat, lon, entity_type, gender, telehealth,
           accepts_assignment, last_update_date, confirmed, best_rating, billed_type
    FROM search_locations)
SELECT k.kind, k.code, places.* FROM links k JOIN places USING (npi)
ORDER BY k.kind, k.code, round(places.lat), places.lon
""",
]
