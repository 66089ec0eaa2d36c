"""From raw strings to typed rows: cleaning, checks with reasons, and the rows each table gets.

Each dataset's transform is SQL over a relation `raw` (the canonical string columns of one batch
plus `_line`). Checks run in order; the first failing `reject` check names the field and the
reason. `warn` checks keep the row and record a warning. Outputs select typed rows for store
tables from `cleaned` where the row passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from docfinder.sources.layouts import NPPES_TAXONOMY_SLOTS

# Address columns some layouts lack (claims files carry no phone, DAC no country): NULL there.
OPTIONAL_COLUMNS = ("address_1", "address_2", "city", "state", "zip", "country", "phone", "fax")


@dataclass(frozen=True)
class Check:
    """A condition that makes a row bad, the field it is about, and what to tell the user."""

    field: str
    bad_when: str
    reason: str
    severity: str = "reject"  # or "warn": the row is loaded and the warning kept


@dataclass(frozen=True)
class Transform:
    checks: tuple[Check, ...]
    outputs: tuple[tuple[str, str], ...]  # (staging table, SELECT over `cleaned`)


# The cleaning macros (store/macros.py) repeat their inner cleaning for every use of an
# argument: npi_problem runs about twenty regular expressions per row, zip_full a dozen. Nearly
# every value in the official files is already clean, and for a clean value each macro's answer
# is known: these skip the macro for such values and call it for the rest, with the same result.
_CLEAN_ZIP = "'[0-9]{5}|[0-9]{9}'"


def _npi(column: str = "npi") -> str:
    """npi_value(column), without its clean-up for values that are digits already."""
    return (
        f"CASE WHEN regexp_full_match({column}, '[0-9]{{1,18}}') THEN CAST({column} AS BIGINT)"
        f" ELSE npi_value({column}) END"
    )


def _zip_full(column: str) -> str:
    """zip_full(column), without its clean-up for values that are 5 or 9 digits already."""
    return (
        f"CASE WHEN regexp_full_match({column}, {_CLEAN_ZIP}) THEN {column}"
        f" ELSE zip_full({column}) END"
    )


def _zip_bad(column: str, country: str) -> str:
    """zip_bad(column, country), false at once for values that are 5 or 9 digits."""
    return (
        f"CASE WHEN regexp_full_match({column}, {_CLEAN_ZIP}) THEN false"
        f" ELSE zip_bad({column}, {country}) END"
    )


def _phone(column: str) -> str:
    """phone(column), without its clean-up for values that are digits already."""
    return f"CASE WHEN regexp_full_match({column}, '[0-9]+') THEN {column} ELSE phone({column}) END"


NPI = _npi()


def _npi_check() -> Check:
    # Ten digits as written: only the check digit can be wrong (npi_problem would clean nothing).
    return Check(
        "npi",
        "CASE WHEN regexp_full_match(npi, '[0-9]{10}') THEN NOT npi_luhn(npi)"
        " ELSE npi_problem(npi) IS NOT NULL END",
        "npi_problem(npi)",
    )


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _location_select(kind: str, prefix: str = "", key: str = "NULL") -> str:
    p = prefix
    zip_full = _zip_full(f"{p}zip")
    return f"""SELECT {NPI} AS npi, '{kind}' AS kind, nz({p}address_1) AS address_1,
        nz({p}address_2) AS address_2, nz({p}city) AS city, upper(nz({p}state)) AS state,
        left({zip_full}, 5) AS zip5, NULLIF(substr({zip_full}, 6, 4), '') AS zip4,
        COALESCE(nz({p}country), 'US') AS country, {_phone(f"{p}phone")} AS phone,
        {_phone(f"{p}fax")} AS fax, {key} AS source_key, $file_id AS file_id, _line AS line
        FROM cleaned WHERE nz({p}address_1) IS NOT NULL OR nz({p}zip) IS NOT NULL"""


def _nppes() -> Transform:
    slots = range(1, NPPES_TAXONOMY_SLOTS + 1)
    any_primary = " OR ".join(f"COALESCE(upper(nz(primary_{i})) = 'Y', false)" for i in slots)

    def slot(i: int) -> str:
        is_primary = f"upper(nz(primary_{i})) = 'Y'"
        if i == 1:  # the first taxonomy is the primary one when no slot is marked
            is_primary = f"({is_primary} OR NOT ({any_primary}))"
        return f"""SELECT {NPI} AS npi, {i} AS slot, upper(nz(taxonomy_{i})) AS taxonomy_code,
            {is_primary} AS is_primary, nz(license_{i}) AS license_number,
            nz(license_state_{i}) AS license_state, nz(taxonomy_group_{i}) AS taxonomy_group,
            $file_id AS file_id, _line AS line FROM cleaned WHERE nz(taxonomy_{i}) IS NOT NULL"""

    # One scan per slot, each reading only the rows that fill it: most fill one or two of 15.
    taxonomies = " UNION ALL ".join(slot(i) for i in slots)
    providers = f"""SELECT {NPI} AS npi,
        CASE clean_id(entity_type) WHEN '1' THEN 'I' WHEN '2' THEN 'O' END AS entity_type,
        nz(org_name) AS org_name, nz(last_name) AS last_name, nz(first_name) AS first_name,
        nz(middle_name) AS middle_name, nz(name_prefix) AS name_prefix,
        nz(name_suffix) AS name_suffix, nz(credential) AS credential, nz(sex) AS sex,
        to_date(enumeration_date) AS enumeration_date, to_date(last_update_date) AS last_update_date,
        to_date(deactivation_date) AS deactivation_date, nz(deactivation_reason) AS deactivation_reason,
        to_date(reactivation_date) AS reactivation_date,
        npi_value(replacement_npi) AS replacement_npi, nz(sole_proprietor) AS sole_proprietor,
        nz(org_subpart) AS org_subpart, nz(parent_org_lbn) AS parent_org_lbn,
        to_date(certification_date) AS certification_date,
        CASE WHEN to_date(deactivation_date) IS NOT NULL AND (to_date(reactivation_date) IS NULL
             OR to_date(reactivation_date) < to_date(deactivation_date))
             THEN 'deactivated' ELSE 'active' END AS status,
        'nppes' AS record_source, $file_id AS file_id, _line AS line FROM cleaned"""
    other = f"""SELECT {NPI} AS npi, nz(other_org_name) AS name,
        clean_id(other_org_name_type) AS type_code, $file_id AS file_id, _line AS line
        FROM cleaned WHERE nz(other_org_name) IS NOT NULL"""
    dates = ("enumeration_date", "last_update_date", "deactivation_date", "reactivation_date")
    return Transform(
        checks=(
            _npi_check(),
            Check(
                "entity_type",
                "COALESCE(clean_id(entity_type), '') NOT IN ('1', '2') "
                "AND NOT (clean_id(entity_type) IS NULL AND to_date(deactivation_date) IS NOT NULL)",
                "'entity type must be 1 (individual) or 2 (organisation), found ' "
                "|| COALESCE(quote(entity_type), 'nothing')",
            ),
            *(
                Check(d, f"date_bad({d})", f"'not a date (MM/DD/YYYY): ' || quote({d})")
                for d in dates
            ),
            Check(
                "zip",
                _zip_bad("zip", "country"),
                "'practice ZIP is not 5 or 9 digits: ' || quote(zip)",
                "warn",
            ),
        ),
        outputs=(
            ("providers", providers),
            ("provider_taxonomies", taxonomies),
            ("locations", _location_select("practice")),
            ("locations", _location_select("mailing", "mail_")),
            ("other_names", other),
        ),
    )


def _nppes_pl() -> Transform:
    return Transform(
        checks=(
            _npi_check(),
            Check("zip", _zip_bad("zip", "country"), "'ZIP is not 5 or 9 digits: ' || quote(zip)"),
        ),
        outputs=(("locations", _location_select("secondary")),),
    )


def _nppes_othername() -> Transform:
    select = f"""SELECT {NPI} AS npi, nz(other_name) AS name,
        clean_id(type_code) AS type_code, $file_id AS file_id, _line AS line FROM cleaned"""
    return Transform(
        checks=(_npi_check(), Check("other_name", "nz(other_name) IS NULL", "'name is empty'")),
        outputs=(("other_names", select),),
    )


def _nppes_endpoint() -> Transform:
    select = f"""SELECT {NPI} AS npi, nz(endpoint_type) AS endpoint_type,
        nz(endpoint) AS endpoint, nz(affiliation) AS affiliation,
        nz(affiliation_name) AS affiliation_name, nz(use_code) AS use_code,
        nz(content_type) AS content_type, nz(city) AS city, upper(nz(state)) AS state,
        left(zip_full(zip), 5) AS zip5, $file_id AS file_id, _line AS line FROM cleaned"""
    return Transform(
        checks=(_npi_check(), Check("endpoint", "nz(endpoint) IS NULL", "'endpoint is empty'")),
        outputs=(("endpoints", select),),
    )


def _geocoded() -> Transform:
    select = f"""SELECT {NPI} AS npi, nz(address_1) AS address_1, nz(city) AS city,
        upper(nz(state)) AS state, left(zip_full(zip), 5) AS zip5, num(lat) AS lat,
        num(lon) AS lon, $file_id AS file_id, _line AS line FROM cleaned"""
    return Transform(
        checks=(
            _npi_check(),
            Check(
                "latitude",
                "coord_bad(lat, lon)",
                "'not a usable coordinate: ' || quote(lat) || ', ' || quote(lon)",
            ),
        ),
        outputs=(("geocodes", select),),
    )


def _nucc() -> Transform:
    select = """SELECT upper(nz(code)) AS code, nz(grouping) AS grouping,
        nz(classification) AS classification, nz(specialization) AS specialization,
        nz(definition) AS definition, nz(notes) AS notes, nz(display_name) AS display_name,
        nz(section) AS section, $file_id AS file_id FROM cleaned"""
    return Transform(
        checks=(
            Check(
                "Code",
                "NOT regexp_full_match(upper(COALESCE(nz(code), '')), '[0-9]{3}[0-9A-Z]{6}X')",
                "'not a NUCC taxonomy code: ' || quote(code)",
            ),
        ),
        outputs=(("taxonomy", select),),
    )


def _crosswalk() -> Transform:
    # A cell may list several taxonomy codes, one per line: each becomes its own row.
    codes = "list_filter(regexp_split_to_array(upper(replace(taxonomy_code, chr(160), ' ')), '\\s+'), lambda c: c <> '')"
    select = f"""SELECT nz(medicare_code) AS medicare_code, nz(medicare_desc) AS medicare_desc,
        unnest(CASE WHEN len({codes}) = 0 THEN [NULL] ELSE {codes} END) AS taxonomy_code, nz(taxonomy_desc) AS taxonomy_desc,
        $file_id AS file_id, _line AS line FROM cleaned"""
    return Transform(
        checks=(
            Check(
                "MEDICARE SPECIALTY CODE",
                "starts_with(trim(medicare_code), '[')",
                "'footnote row, not data: ' || left(medicare_code, 60)",
            ),
            Check(
                "MEDICARE SPECIALTY CODE",
                "nz(medicare_code) IS NULL",
                "'no Medicare specialty code'",
            ),
            Check(
                "PROVIDER TAXONOMY CODE",
                f"nz(taxonomy_code) IS NOT NULL AND NOT list_bool_and(list_transform({codes},"
                " lambda c: regexp_full_match(c, '[0-9]{3}[0-9A-Z]{6}X')))",
                "'not a NUCC taxonomy code: ' || quote(taxonomy_code)",
            ),
        ),
        outputs=(("specialty_crosswalk", select),),
    )


def _provider_service() -> Transform:
    volumes = f"""SELECT {NPI} AS npi, upper(trim(hcpcs_code)) AS hcpcs_code,
        $year AS data_year, upper(nz(place_of_service)) AS place_of_service,
        num(services) AS services, TRY_CAST(num(beneficiaries) AS INTEGER) AS beneficiaries,
        num(bene_day_services) AS bene_day_services,
        num(avg_submitted_charge) AS avg_submitted_charge, num(avg_allowed) AS avg_allowed,
        num(avg_payment) AS avg_payment, num(avg_standardized) AS avg_standardized,
        nz(drug_indicator) AS drug_indicator, nz(provider_type) AS provider_type,
        $file_id AS file_id, _line AS line FROM cleaned"""
    identity = f"""SELECT {NPI} AS npi, 'provider_service' AS dataset, $year AS data_year,
        CASE upper(nz(entity_code)) WHEN 'I' THEN 'I' WHEN 'O' THEN 'O' END AS entity_type,
        nz(last_or_org) AS last_or_org, nz(first_name) AS first_name,
        nz(middle_name) AS middle_name, nz(credential) AS credential, nz(gender) AS gender,
        nz(provider_type) AS provider_type, $file_id AS file_id, _line AS line FROM cleaned"""
    descriptions = """SELECT DISTINCT upper(trim(hcpcs_code)) AS hcpcs_code, $year AS data_year,
        nz(hcpcs_desc) AS description, $file_id AS file_id FROM cleaned
        WHERE nz(hcpcs_desc) IS NOT NULL"""
    return Transform(
        checks=(
            _npi_check(),
            Check(
                "HCPCS_Cd",
                "NOT regexp_full_match(upper(COALESCE(trim(hcpcs_code), '')), '[0-9A-Z]{5}')",
                "'not a CPT/HCPCS code: ' || quote(hcpcs_code)",
            ),
            Check(
                "Tot_Srvcs",
                "num(services) IS NULL OR num(services) < 0",
                "'services is not a non-negative number: ' || quote(services)",
            ),
            Check(
                "Tot_Benes",
                "count_bad(beneficiaries)",
                "'beneficiaries is not a count from 0 to 2^31: ' || quote(beneficiaries)",
            ),
            Check(
                "Place_Of_Srvc",
                "nz(place_of_service) IS NOT NULL AND upper(trim(place_of_service))"
                " NOT IN ('F', 'O')",
                "'place of service must be F or O: ' || quote(place_of_service)",
            ),
            Check(
                "Rndrng_Prvdr_Zip5",
                _zip_bad("zip", "country"),
                "'ZIP is not 5 or 9 digits: ' || quote(zip)",
                "warn",
            ),
        ),
        outputs=(
            ("procedure_volumes", volumes),
            ("source_providers", identity),
            ("locations", _location_select("claims", key="$year::VARCHAR")),
            ("procedure_descriptions", descriptions),
        ),
    )


def _partd() -> Transform:
    volumes = f"""SELECT {NPI} AS npi, nz(brand_name) AS brand_name,
        lower(trim(generic_name)) AS generic_name, $year AS data_year, num(claims) AS claims,
        num(fills_30day) AS fills_30day, num(day_supply) AS day_supply, num(drug_cost) AS drug_cost,
        TRY_CAST(num(beneficiaries) AS INTEGER) AS beneficiaries,
        nz(ge65_suppress_flag) AS ge65_suppress_flag, nz(provider_type) AS provider_type,
        $file_id AS file_id, _line AS line FROM cleaned"""
    identity = f"""SELECT {NPI} AS npi, 'partd' AS dataset, $year AS data_year,
        NULL AS entity_type, nz(last_or_org) AS last_or_org, nz(first_name) AS first_name,
        NULL AS middle_name, NULL AS credential, NULL AS gender,
        nz(provider_type) AS provider_type, $file_id AS file_id, _line AS line FROM cleaned"""
    return Transform(
        checks=(
            _npi_check(),
            Check("Gnrc_Name", "nz(generic_name) IS NULL", "'generic drug name is empty'"),
            Check(
                "Tot_Clms",
                "num(claims) IS NULL OR num(claims) < 0",
                "'claims is not a non-negative number: ' || quote(claims)",
            ),
            Check(
                "Tot_Benes",
                "count_bad(beneficiaries)",
                "'beneficiaries is not a count from 0 to 2^31: ' || quote(beneficiaries)",
            ),
        ),
        outputs=(("drug_volumes", volumes), ("source_providers", identity)),
    )


def _dac() -> Transform:
    clinician = f"""SELECT {NPI} AS npi, nz(pac_id) AS pac_id,
        nz(enrollment_id) AS enrollment_id, nz(gender) AS gender, nz(credential) AS credential,
        nz(med_school) AS med_school, TRY_CAST(num(grad_year) AS SMALLINT) AS grad_year,
        nz(primary_specialty) AS primary_specialty,
        nz(secondary_specialties) AS secondary_specialties,
        CASE upper(nz(telehealth)) WHEN 'Y' THEN true WHEN 'N' THEN false END AS telehealth,
        CASE upper(nz(accepts_assignment)) WHEN 'Y' THEN true WHEN 'M' THEN false END
            AS accepts_assignment, $file_id AS file_id, _line AS line FROM cleaned"""
    groups = f"""SELECT {NPI} AS npi, nz(org_name) AS org_name,
        nz(org_pac_id) AS org_pac_id, TRY_CAST(num(org_members) AS INTEGER) AS org_members,
        nz(group_assignment) AS group_assignment, $file_id AS file_id, _line AS line
        FROM cleaned WHERE nz(org_name) IS NOT NULL OR nz(org_pac_id) IS NOT NULL"""
    affiliations = " UNION ALL ".join(
        f"""SELECT {NPI} AS npi, lpad(clean_id(hosp_ccn_{i}), 6, '0') AS facility_id,
            nz(hosp_name_{i}) AS hospital_name, $file_id AS file_id, _line AS line
            FROM cleaned WHERE clean_id(hosp_ccn_{i}) IS NOT NULL"""
        for i in range(1, 6)
    )
    identity = f"""SELECT {NPI} AS npi, 'dac' AS dataset, NULL AS data_year,
        'I' AS entity_type, nz(last_name) AS last_or_org, nz(first_name) AS first_name,
        nz(middle_name) AS middle_name, nz(credential) AS credential, nz(gender) AS gender,
        nz(primary_specialty) AS provider_type, $file_id AS file_id, _line AS line FROM cleaned"""
    return Transform(
        checks=(
            _npi_check(),
            Check(
                "Grd_yr",
                "num_bad(grad_year)",
                "'graduation year is not a number: ' || quote(grad_year)",
            ),
            Check(
                "zip", _zip_bad("zip", "NULL"), "'ZIP is not 5 or 9 digits: ' || quote(zip)", "warn"
            ),
        ),
        outputs=(
            ("clinicians", clinician),
            ("group_memberships", groups),
            ("affiliations", affiliations),
            ("source_providers", identity),
            ("locations", _location_select("dac", key="nz(address_id)")),
        ),
    )


def _hospitals() -> Transform:
    select = """SELECT CASE WHEN regexp_full_match(clean_id(facility_id), '[0-9]{1,5}')
            THEN lpad(clean_id(facility_id), 6, '0') ELSE upper(clean_id(facility_id)) END AS facility_id,
        nz(name) AS name, nz(address) AS address, nz(city) AS city, upper(nz(state)) AS state,
        left(zip_full(zip), 5) AS zip5, nz(county) AS county, nz(phone) AS phone,
        nz(hospital_type) AS hospital_type, nz(ownership) AS ownership,
        CASE lower(nz(emergency)) WHEN 'yes' THEN true WHEN 'no' THEN false END AS emergency,
        CASE WHEN TRY_CAST(nz(overall_rating) AS INTEGER) BETWEEN 1 AND 5
             THEN TRY_CAST(nz(overall_rating) AS SMALLINT) END AS overall_rating,
        nz(rating_footnote) AS rating_footnote, $file_id AS file_id, _line AS line FROM cleaned"""
    return Transform(
        checks=(
            Check("Facility ID", "clean_id(facility_id) IS NULL", "'facility ID is empty'"),
            Check(
                "Hospital overall rating",
                "nz(overall_rating) IS NOT NULL AND nz(overall_rating) <> 'Not Available' "
                "AND TRY_CAST(nz(overall_rating) AS INTEGER) NOT BETWEEN 1 AND 5",
                "'rating must be 1-5 or Not Available: ' || quote(overall_rating)",
            ),
        ),
        outputs=(("hospitals", select),),
    )


def _zip_check(field: str) -> tuple[Check, ...]:
    return (
        Check(field, "nz(zip) IS NULL AND nz(lat) IS NULL AND nz(lon) IS NULL", "'blank row'"),
        Check(
            field,
            "zip_full(zip) IS NULL OR length(zip_full(zip)) <> 5",
            "'not a 5-digit ZIP: ' || quote(zip)",
        ),
        Check(
            "latitude",
            "coord_bad(lat, lon)",
            "'not a usable coordinate: ' || quote(lat) || ', ' || quote(lon)",
        ),
    )


def _zips(source: str, with_city: bool, with_population: bool = False) -> Transform:
    city = "nz(city)" if with_city else "NULL"
    state = "upper(nz(state))" if with_city else "NULL"
    county = "nz(county)" if source == "geonames" else "NULL"
    population = "TRY_CAST(num(population) AS INTEGER)" if with_population else "NULL"
    land = "num(land_sqmi)" if source == "gazetteer" else "NULL"
    select = f"""SELECT zip_full(zip) AS zip5, {city} AS city, {state} AS state, {county} AS county,
        num(lat) AS lat, num(lon) AS lon, {population} AS population, {land} AS land_sqmi,
        '{source}' AS source, $file_id AS file_id FROM cleaned"""
    checks = _zip_check("zip")
    if source == "geonames":
        checks = (Check("country", "upper(nz(country)) <> 'US'", "'not a US postal code'"), *checks)
    return Transform(checks=checks, outputs=(("zips", select),))


def _places() -> Transform:
    select = """SELECT nz(city) AS name, upper(nz(state)) AS state, nz(county) AS county,
        num(lat) AS lat, num(lon) AS lon, TRY_CAST(num(population) AS INTEGER) AS population,
        nz(zips) AS zips, 'city' AS kind, 'places_table' AS source, $file_id AS file_id
        FROM cleaned"""
    return Transform(
        checks=(
            Check("city", "nz(city) IS NULL", "'place name is empty'"),
            Check(
                "lat",
                "coord_bad(lat, lon)",
                "'not a usable coordinate: ' || quote(lat) || ', ' || quote(lon)",
            ),
        ),
        outputs=(("places", select),),
    )


TRANSFORMS: dict[str, Transform] = {
    "nppes": _nppes(),
    "nppes_pl": _nppes_pl(),
    "nppes_othername": _nppes_othername(),
    "nppes_endpoint": _nppes_endpoint(),
    "geocoded_addresses": _geocoded(),
    "nucc_taxonomy": _nucc(),
    "specialty_crosswalk": _crosswalk(),
    "provider_service": _provider_service(),
    "partd": _partd(),
    "dac": _dac(),
    "hospitals": _hospitals(),
    "zcta_gazetteer": _zips("gazetteer", with_city=False, with_population=True),
    "zip_latlon": _zips("zip_latlon", with_city=True),
    "geonames_postal": _zips("geonames", with_city=True),
    "places_table": _places(),
}


def cleaned_sql(transform: Transform, field_names: dict[str, str]) -> str:
    """SELECT of the rows of `raw` with a problem: `_line`, `_reason`/`_field` for a rejected
    row, `_warn`/`_warn_field` for a row kept with a warning."""
    rejects = [c for c in transform.checks if c.severity == "reject"]
    warns = [c for c in transform.checks if c.severity == "warn"]
    # Each condition is evaluated once, as the number of the first check that fails; reasons
    # and fields are looked up by that number, for the few rows with a problem only.
    reason = _by_number("_failed", [c.reason for c in rejects])
    field = _by_number("_failed", [_lit(field_names.get(c.field, c.field)) for c in rejects])
    warn = _by_number("_warned", [c.reason for c in warns])
    warn_field = _by_number("_warned", [_lit(field_names.get(c.field, c.field)) for c in warns])
    numbered = (
        f"SELECT *, {_first_failing(rejects)} AS _failed, {_first_failing(warns)} AS _warned"
        " FROM raw"
    )
    # Only rows with a problem are kept: copying every good row's columns would cost more
    # than all the checks together.
    return (
        f"SELECT * FROM (SELECT _line, {reason} AS _reason, {field} AS _field, {warn} AS _warn, "
        f"{warn_field} AS _warn_field FROM ({numbered}) "
        "WHERE _failed IS NOT NULL OR _warned IS NOT NULL) "
        "WHERE _reason IS NOT NULL OR _warn IS NOT NULL"
    )


def _first_failing(checks: list[Check]) -> str:
    if not checks:
        return "CAST(NULL AS INTEGER)"
    whens = " ".join(f"WHEN ({c.bad_when}) THEN {n}" for n, c in enumerate(checks, start=1))
    return f"CASE {whens} END"


def _by_number(number: str, values: list[str]) -> str:
    if not values:
        return "CAST(NULL AS VARCHAR)"
    whens = " ".join(f"WHEN {n} THEN ({value})" for n, value in enumerate(values, start=1))
    return f"CAST(CASE {number} {whens} END AS VARCHAR)"
