-- docfinder store schema (DuckDB dialect; the PostgreSQL backend keeps the same tables).
-- Every fact carries file_id (-> ingest_log: file, checksum, as-of date) and usually the line.

CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR);

CREATE SEQUENCE IF NOT EXISTS file_ids START 1;
CREATE TABLE IF NOT EXISTS ingest_log (
    file_id INTEGER PRIMARY KEY, path VARCHAR, member VARCHAR, file_name VARCHAR,
    sha256 VARCHAR, size_bytes BIGINT, dataset VARCHAR, layout VARCHAR,
    as_of_date DATE, data_year SMALLINT, started_at TIMESTAMP, finished_at TIMESTAMP,
    rows_read BIGINT, rows_loaded BIGINT, rows_rejected BIGINT, status VARCHAR, note VARCHAR
);
CREATE TABLE IF NOT EXISTS row_issues (
    file_id INTEGER, line BIGINT, field VARCHAR, severity VARCHAR, reason VARCHAR, raw VARCHAR
);

CREATE TABLE IF NOT EXISTS providers (
    npi BIGINT PRIMARY KEY, entity_type VARCHAR, org_name VARCHAR, last_name VARCHAR,
    first_name VARCHAR, middle_name VARCHAR, name_prefix VARCHAR, name_suffix VARCHAR,
    credential VARCHAR, sex VARCHAR, enumeration_date DATE, last_update_date DATE,
    deactivation_date DATE, deactivation_reason VARCHAR, reactivation_date DATE,
    replacement_npi BIGINT, sole_proprietor VARCHAR, org_subpart VARCHAR, parent_org_lbn VARCHAR,
    certification_date DATE, status VARCHAR, record_source VARCHAR, file_id INTEGER, line BIGINT
);
CREATE TABLE IF NOT EXISTS provider_taxonomies (
    npi BIGINT, slot SMALLINT, taxonomy_code VARCHAR, is_primary BOOLEAN, license_number VARCHAR,
    license_state VARCHAR, taxonomy_group VARCHAR, file_id INTEGER, line BIGINT
);
CREATE TABLE IF NOT EXISTS locations (
    npi BIGINT, kind VARCHAR, address_1 VARCHAR, address_2 VARCHAR, city VARCHAR, state VARCHAR,
    zip5 VARCHAR, zip4 VARCHAR, country VARCHAR, phone VARCHAR, fax VARCHAR, source_key VARCHAR,
    lat DOUBLE, lon DOUBLE, geo_source VARCHAR, file_id INTEGER, line BIGINT,
    -- false for an older year's claims address of a provider: kept for provenance only
    is_current BOOLEAN
);
CREATE TABLE IF NOT EXISTS other_names (
    npi BIGINT, name VARCHAR, type_code VARCHAR, file_id INTEGER, line BIGINT
);
CREATE TABLE IF NOT EXISTS endpoints (
    npi BIGINT, endpoint_type VARCHAR, endpoint VARCHAR, affiliation VARCHAR,
    affiliation_name VARCHAR, use_code VARCHAR, content_type VARCHAR, city VARCHAR,
    state VARCHAR, zip5 VARCHAR, file_id INTEGER, line BIGINT
);
CREATE TABLE IF NOT EXISTS geocodes (
    npi BIGINT, address_1 VARCHAR, city VARCHAR, state VARCHAR, zip5 VARCHAR,
    lat DOUBLE, lon DOUBLE, file_id INTEGER, line BIGINT
);
CREATE TABLE IF NOT EXISTS source_providers (
    npi BIGINT, dataset VARCHAR, data_year SMALLINT, entity_type VARCHAR, last_or_org VARCHAR,
    first_name VARCHAR, middle_name VARCHAR, credential VARCHAR, gender VARCHAR,
    provider_type VARCHAR, file_id INTEGER, line BIGINT
);
CREATE TABLE IF NOT EXISTS procedure_volumes (
    npi BIGINT, hcpcs_code VARCHAR, data_year SMALLINT, place_of_service VARCHAR,
    services DOUBLE, beneficiaries INTEGER, bene_day_services DOUBLE, avg_submitted_charge DOUBLE,
    avg_allowed DOUBLE, avg_payment DOUBLE, avg_standardized DOUBLE, drug_indicator VARCHAR,
    provider_type VARCHAR, file_id INTEGER, line BIGINT
);
-- Code descriptions exactly as the user-supplied claims file gave them (never project text).
CREATE TABLE IF NOT EXISTS procedure_descriptions (
    hcpcs_code VARCHAR, data_year SMALLINT, description VARCHAR, file_id INTEGER
);
CREATE TABLE IF NOT EXISTS drug_volumes (
    npi BIGINT, brand_name VARCHAR, generic_name VARCHAR, data_year SMALLINT, claims DOUBLE,
    fills_30day DOUBLE, day_supply DOUBLE, drug_cost DOUBLE, beneficiaries INTEGER,
    ge65_suppress_flag VARCHAR, provider_type VARCHAR, file_id INTEGER, line BIGINT
);
-- Distinct Part D generic names (a few thousand): drug matching runs on this, not on volumes.
CREATE TABLE IF NOT EXISTS drug_names (generic_name VARCHAR);
CREATE TABLE IF NOT EXISTS clinicians (
    npi BIGINT, pac_id VARCHAR, enrollment_id VARCHAR, gender VARCHAR, credential VARCHAR,
    med_school VARCHAR, grad_year SMALLINT, primary_specialty VARCHAR,
    secondary_specialties VARCHAR, telehealth BOOLEAN, accepts_assignment BOOLEAN,
    file_id INTEGER, line BIGINT
);
CREATE TABLE IF NOT EXISTS group_memberships (
    npi BIGINT, org_name VARCHAR, org_pac_id VARCHAR, org_members INTEGER,
    group_assignment VARCHAR, file_id INTEGER, line BIGINT
);
CREATE TABLE IF NOT EXISTS affiliations (
    npi BIGINT, facility_id VARCHAR, hospital_name VARCHAR, file_id INTEGER, line BIGINT
);
CREATE TABLE IF NOT EXISTS hospitals (
    facility_id VARCHAR PRIMARY KEY, name VARCHAR, address VARCHAR, city VARCHAR, state VARCHAR,
    zip5 VARCHAR, county VARCHAR, phone VARCHAR, hospital_type VARCHAR, ownership VARCHAR,
    emergency BOOLEAN, overall_rating SMALLINT, rating_footnote VARCHAR, file_id INTEGER,
    line BIGINT
);
CREATE TABLE IF NOT EXISTS taxonomy (
    code VARCHAR PRIMARY KEY, grouping VARCHAR, classification VARCHAR, specialization VARCHAR,
    definition VARCHAR, notes VARCHAR, display_name VARCHAR, section VARCHAR, file_id INTEGER
);
CREATE TABLE IF NOT EXISTS specialty_crosswalk (
    medicare_code VARCHAR, medicare_desc VARCHAR, taxonomy_code VARCHAR, taxonomy_desc VARCHAR,
    file_id INTEGER, line BIGINT
);
CREATE TABLE IF NOT EXISTS zips (
    zip5 VARCHAR PRIMARY KEY, city VARCHAR, state VARCHAR, county VARCHAR, lat DOUBLE,
    lon DOUBLE, population INTEGER, land_sqmi DOUBLE, source VARCHAR, file_id INTEGER
);
CREATE TABLE IF NOT EXISTS places (
    name VARCHAR, state VARCHAR, county VARCHAR, lat DOUBLE, lon DOUBLE, population INTEGER,
    zips VARCHAR, kind VARCHAR, source VARCHAR, file_id INTEGER
);
-- Derived after every load (store/merge.py SEARCH_TABLES): what searches read.
CREATE TABLE IF NOT EXISTS search_locations (
    npi BIGINT, kind VARCHAR, address_1 VARCHAR, address_2 VARCHAR, city VARCHAR, state VARCHAR,
    zip5 VARCHAR, phone VARCHAR, lat DOUBLE, lon DOUBLE, geo_source VARCHAR,
    source_dataset VARCHAR, source_year SMALLINT, entity_type VARCHAR, gender VARCHAR,
    telehealth BOOLEAN, accepts_assignment BOOLEAN, last_update_date DATE, confirmed BOOLEAN,
    best_rating SMALLINT, best_hospital VARCHAR, hospital_year SMALLINT, billed_type VARCHAR,
    billed_dataset VARCHAR, billed_year SMALLINT, primary_taxonomy VARCHAR
);
CREATE TABLE IF NOT EXISTS code_locations (
    kind VARCHAR, code VARCHAR, npi BIGINT, lat DOUBLE, lon DOUBLE, entity_type VARCHAR,
    gender VARCHAR, telehealth BOOLEAN, accepts_assignment BOOLEAN, last_update_date DATE,
    confirmed BOOLEAN, best_rating SMALLINT, billed_type VARCHAR
);
