"""How files merge into the store: re-ingest, --force, NPPES precedence, provider status,
providers known only from claims."""

from __future__ import annotations

import pytest

from docfinder import core

LAST_UPDATE = "Last Update Date"
LAST_NAME = "Provider Last Name (Legal Name)"
PRACTICE_ZIP = "Provider Business Practice Location Address Postal Code"


@pytest.fixture
def db(any_db):
    """Merges run on both backends: a DuckDB path or a PostgreSQL URL."""
    return any_db


def provider(kit, db, npi):
    rows = kit.query(
        db,
        """SELECT p.last_name, p.status, p.record_source, p.last_update_date::VARCHAR,
                  l.file_name
           FROM providers p JOIN ingest_log l USING (file_id) WHERE p.npi = ?""",
        [int(npi)],
    )
    assert len(rows) == 1, rows
    keys = ("last_name", "status", "record_source", "last_update", "file")
    return dict(zip(keys, rows[0], strict=True))


@pytest.fixture
def claims_with_rejects(kit):
    rows = [kit.ps_row(kit.npi(i), hcpcs=code) for i in range(20) for code in ("17311", "17312")]
    rows[5]["Tot_Srvcs"] = "?"
    rows[9]["Rndrng_NPI"] = "1104963009"
    return kit.claims("claims_2021.csv", rows)


def test_reingesting_the_same_file_changes_nothing(kit, db, claims_with_rejects):
    (first,) = kit.ingest(db, claims_with_rejects)
    counts = kit.counts(db)
    (again,) = kit.ingest(db, claims_with_rejects)
    assert again.status == "unchanged"
    assert (again.rows_read, again.rows_loaded, again.rows_rejected) == (
        first.rows_read,
        first.rows_loaded,
        first.rows_rejected,
    )
    assert kit.counts(db) == counts


def test_the_same_bytes_under_another_name_are_recognised(kit, db, claims_with_rejects):
    kit.ingest(db, claims_with_rejects)
    copy = kit.raw("copy_2021.csv", claims_with_rejects.read_bytes())
    (again,) = kit.ingest(db, copy)
    assert again.status == "unchanged"


def test_force_reloads_without_duplicating_rows_or_rejects(kit, db, claims_with_rejects):
    (first,) = kit.ingest(db, claims_with_rejects)
    counts = kit.counts(db)
    rejects = kit.issues(db)
    (forced,) = kit.ingest(db, claims_with_rejects, force=True)
    assert forced.status == "loaded"
    assert (forced.rows_loaded, forced.rows_rejected) == (first.rows_loaded, first.rows_rejected)
    after = kit.counts(db)
    assert after.pop("ingest_log") == counts.pop("ingest_log") + 1
    assert after == counts
    assert [{**r, "file": None} for r in kit.issues(db)] == [{**r, "file": None} for r in rejects]
    statuses = kit.query(db, "SELECT status FROM ingest_log ORDER BY file_id")
    assert statuses == [("superseded",), ("loaded",)]
    (dataset,) = core.stats(str(db))["datasets"]
    assert (dataset["files"], dataset["rows_read"]) == (1, first.rows_read)


def test_a_file_named_twice_in_one_run_is_loaded_once(kit, db, claims_with_rejects):
    reports = kit.ingest(db, claims_with_rejects, claims_with_rejects)
    assert [r.status for r in reports] == ["loaded", "unchanged"]
    assert kit.scalar(db, "SELECT count(*) FROM ingest_log") == 1


def test_a_later_year_adds_rows_and_the_same_year_replaces_them(kit, db):
    npi = kit.npi(1)
    kit.ingest(db, kit.claims("a_2020.csv", [kit.ps_row(npi, Tot_Srvcs="10")]))
    kit.ingest(db, kit.claims("a_2021.csv", [kit.ps_row(npi, Tot_Srvcs="20")]))
    kit.ingest(db, kit.claims("b_2021.csv", [kit.ps_row(npi, Tot_Srvcs="30")]))
    stored = kit.query(db, "SELECT data_year, services FROM procedure_volumes ORDER BY 1")
    assert stored == [(2020, 10.0), (2021, 30.0)]


def test_an_older_registry_record_does_not_replace_a_newer_one(kit, db):
    npi = kit.npi(7)
    newer = kit.nppes("npidata_a.csv", [kit.nppes_row(npi, **{LAST_UPDATE: "06/01/2024"})])
    older = kit.nppes(
        "npidata_b.csv",
        [kit.nppes_row(npi, **{LAST_UPDATE: "01/01/2023", LAST_NAME: "Older"})],
    )
    kit.ingest(db, newer)
    kit.ingest(db, older)
    assert provider(kit, db, npi) == {
        "last_name": "Registry",
        "status": "active",
        "record_source": "nppes",
        "last_update": "2024-06-01",
        "file": "npidata_a.csv",
    }


def test_a_newer_registry_record_replaces_the_older_with_its_address(kit, db):
    npi = kit.npi(7)
    kit.ingest(db, kit.nppes("npidata_a.csv", [kit.nppes_row(npi)]))
    newer = kit.nppes_row(
        npi, **{LAST_UPDATE: "03/01/2025", LAST_NAME: "Renamed", PRACTICE_ZIP: "10001"}
    )
    kit.ingest(db, kit.nppes("npidata_b.csv", [newer]))
    found = provider(kit, db, npi)
    assert (found["last_name"], found["last_update"], found["file"]) == (
        "Renamed",
        "2025-03-01",
        "npidata_b.csv",
    )
    practice = kit.query(db, "SELECT zip5 FROM locations WHERE kind = 'practice'")
    assert practice == [("10001",)]
    assert kit.scalar(db, "SELECT count(*) FROM provider_taxonomies") == 1


def test_an_equal_update_date_goes_to_the_file_ingested_later(kit, db):
    npi = kit.npi(7)
    kit.ingest(db, kit.nppes("npidata_a.csv", [kit.nppes_row(npi)]))
    kit.ingest(db, kit.nppes("npidata_b.csv", [kit.nppes_row(npi, **{LAST_NAME: "Later"})]))
    assert provider(kit, db, npi)["last_name"] == "Later"


def test_a_deactivated_npi_is_deactivated_and_a_reactivated_one_active(kit, db):
    gone, back = kit.npi(1), kit.npi(2)
    deactivated = dict.fromkeys(kit.nppes_row(gone), "")
    deactivated.update({"NPI": gone, "NPI Deactivation Date": "03/15/2022"})
    reactivated = kit.nppes_row(
        back, **{"NPI Deactivation Date": "03/15/2020", "NPI Reactivation Date": "04/01/2021"}
    )
    (report,) = kit.ingest(db, kit.nppes("npidata_status.csv", [deactivated, reactivated]))
    assert (report.rows_loaded, report.rows_rejected) == (2, 0)
    statuses = dict(kit.query(db, "SELECT npi, status FROM providers"))
    assert statuses == {int(gone): "deactivated", int(back): "active"}
    stats = kit.query(db, "SELECT status, count(*) FROM providers GROUP BY 1 ORDER BY 1")
    assert stats == [("active", 1), ("deactivated", 1)]


def test_a_provider_known_only_from_claims_gets_a_record_with_provenance(kit, db):
    npi = kit.npi(3)
    row = kit.ps_row(
        npi,
        Rndrng_Prvdr_Last_Org_Name="Claimsonly",
        Rndrng_Prvdr_St1="9 Oak St",
        Rndrng_Prvdr_City="Willits",
        Rndrng_Prvdr_Zip5="95490",
    )
    other = kit.ps_row(kit.npi(4))
    kit.ingest(db, kit.claims("claims_2021.csv", [other, row]))
    found = provider(kit, db, npi)
    assert (found["last_name"], found["record_source"], found["file"]) == (
        "Claimsonly",
        "provider_service",
        "claims_2021.csv",
    )
    assert kit.scalar(db, "SELECT line FROM providers WHERE npi = ?", [int(npi)]) == 3
    locations = kit.query(
        db,
        """SELECT kind, address_1, city, state, zip5, source_key, l.file_name, line
           FROM locations JOIN ingest_log l USING (file_id) WHERE npi = ?""",
        [int(npi)],
    )
    assert locations == [
        ("claims", "9 Oak St", "Willits", "CA", "95490", "2021", "claims_2021.csv", 3)
    ]


def test_a_registry_record_takes_precedence_over_claims(kit, db):
    npi = kit.npi(3)
    kit.ingest(db, kit.claims("claims_2021.csv", [kit.ps_row(npi)]))
    assert provider(kit, db, npi)["record_source"] == "provider_service"
    kit.ingest(db, kit.nppes("npidata_a.csv", [kit.nppes_row(npi)]))
    found = provider(kit, db, npi)
    assert (found["record_source"], found["last_name"]) == ("nppes", "Registry")
    kinds = kit.query(db, "SELECT kind FROM locations WHERE npi = ? ORDER BY 1", [int(npi)])
    assert kinds == [("claims",), ("practice",)]


def test_the_newest_claims_year_names_a_claims_only_provider(kit, db):
    npi = kit.npi(3)
    kit.ingest(db, kit.claims("c_2021.csv", [kit.ps_row(npi, Rndrng_Prvdr_Last_Org_Name="New")]))
    kit.ingest(db, kit.claims("c_2019.csv", [kit.ps_row(npi, Rndrng_Prvdr_Last_Org_Name="Old")]))
    assert provider(kit, db, npi)["last_name"] == "New"


def test_locations_get_coordinates_from_the_zip_centroid(kit, db):
    kit.ingest(db, kit.claims("claims_2021.csv", [kit.ps_row(kit.npi(1))]))  # Ukiah, 95482
    ((lat, lon, source),) = kit.query(db, "SELECT lat, lon, geo_source FROM locations")
    assert lat == pytest.approx(39.15, abs=0.1)
    assert lon == pytest.approx(-123.2, abs=0.1)
    assert source.startswith("zip centroid")


GEOCODED_HEADER = ["id", "npi", "latitude", "longitude", "delivery_line_1", "postalcode"]


def test_a_geocoded_street_address_beats_the_zip_centroid(kit, db):
    npi = kit.npi(5)
    kit.ingest(db, kit.nppes("npidata_a.csv", [kit.nppes_row(npi)]))  # 1 Main St, 95482-1234
    geocoded = kit.write(
        "npi_addresses_geocoded.csv",
        GEOCODED_HEADER,
        [["a1", npi, "39.2001", "-123.3002", "1 MAIN ST.", "95482"]],
    )
    (report,) = kit.ingest(db, geocoded)
    assert (report.dataset, report.rows_loaded) == ("geocoded_addresses", 1)
    located = kit.query(
        db, "SELECT kind, lat, lon, geo_source FROM locations WHERE npi = ?", [int(npi)]
    )
    assert located == [("practice", 39.2001, -123.3002, "address")]


def test_a_zip_outside_the_geography_is_flagged_not_placed(kit, db):
    row = kit.ps_row(kit.npi(5), Rndrng_Prvdr_Zip5="00001")
    (report,) = kit.ingest(db, kit.claims("claims_2021.csv", [row]))
    assert (report.rows_loaded, report.rows_rejected) == (1, 0)
    assert kit.query(db, "SELECT lat, lon FROM locations") == [(None, None)]
    (issue,) = kit.issues(db, "geo")
    assert (issue["file"], issue["line"], issue["field"]) == ("claims_2021.csv", 2, "zip")
    assert "00001" in issue["reason"]
