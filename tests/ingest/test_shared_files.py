"""Every official file of ../shared/data through one `docfinder ingest --json`, checked against
counts taken independently with Python's csv module."""

from __future__ import annotations

import csv
import re
from datetime import date, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from docfinder import core
from docfinder.sources.layouts import LAYOUTS
from official_files import OFFICIAL_FILES

pytestmark = pytest.mark.shared_data

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
OFFICIAL = OFFICIAL_FILES
UNKNOWN = (
    "hcpcs/hcpcs_level2_2018.csv",
    "medicare_derived/openmedicare_providers_top_procedures_2014-2023.jsonl.gz",
    "medicare_derived/openmedicare_top_providers_by_hcpcs_2023.jsonl.gz",
    "partd_derived/openprescriber_providers_2023.jsonl.gz",
    "partd_derived/openprescriber_top_prescribers_by_drug_2023.json",
)
HEADERLESS = {"geo/geonames_US_postal_codes.txt"}
CROSSWALK_2020 = "taxonomy/medicare_specialty_taxonomy_crosswalk_2020.csv"
CROSSWALK_RECENT = "taxonomy/medicare_specialty_taxonomy_crosswalk_recent.csv"
GAZETTEER_REORDERED = "geo/census_gazetteer_zcta_national_reordered.txt"
HOSPITALS = "hospitals/Hospital_General_Information_2025.csv"
NPPES_PANDAS = "nppes/npidata_orgs_2025_1765_pandas_export.csv"
UKIAH_NPI = 1104963008


def _delimiter(path: Path) -> str:
    if path.suffix in (".tsv", ".txt"):
        return "\t"
    return ";" if "semicolon" in path.name else ","


def records(relative: str, encoding: str = "latin-1") -> list[tuple[int, list[str]]]:
    """(physical line where the record starts, cells) for every non-empty record, header too.

    Read as latin-1 by default so that any byte decodes: delimiters and quotes are ASCII.
    """
    path = SHARED / relative
    out: list[tuple[int, list[str]]] = []
    with path.open(encoding=encoding, newline="") as stream:
        reader = csv.reader(stream, delimiter=_delimiter(path))
        start = 1
        for row in reader:
            if row:
                out.append((start, row))
            start = reader.line_num + 1
    return out


def data_rows(relative: str) -> int:
    path = SHARED / relative
    if path.suffix == ".parquet":
        return int(pq.ParquetFile(path).metadata.num_rows)
    found = len(records(relative))
    return found if relative in HEADERLESS else found - 1


def dict_rows(relative: str, encoding: str = "utf-8") -> list[dict[str, str]]:
    with (SHARED / relative).open(encoding=encoding, newline="") as stream:
        return list(csv.DictReader(stream, delimiter=_delimiter(SHARED / relative)))


@pytest.mark.parametrize("relative", sorted(OFFICIAL))
def test_official_file_is_detected_and_every_row_accounted_for(shared_store, relative):
    report = shared_store.report(relative)
    assert report["dataset"] == OFFICIAL[relative]
    assert report["status"] == "loaded", report["error"]
    assert report["rows_read"] == data_rows(relative)
    assert report["rows_read"] == report["rows_loaded"] + report["rows_rejected"]


@pytest.mark.parametrize("relative", sorted(OFFICIAL))
def test_ingest_log_records_the_reported_counts(shared_store, kit, relative):
    report = shared_store.report(relative)
    logged = kit.query(
        shared_store.db,
        """SELECT dataset, rows_read, rows_loaded, rows_rejected FROM ingest_log
           WHERE file_name = ? AND status = 'loaded'""",
        [Path(relative).name],
    )
    assert logged == [
        (report["dataset"], report["rows_read"], report["rows_loaded"], report["rows_rejected"])
    ]


@pytest.mark.parametrize("relative", UNKNOWN)
def test_derived_and_hcpcs_files_fail_as_unknown_layouts(shared_store, relative):
    report = shared_store.report(relative)
    assert report["status"] == "failed"
    assert report["dataset"] is None
    assert report["rows_read"] == report["rows_loaded"] == 0
    message = report["error"]
    assert "unknown layout" in message
    assert "expected one of" in message
    # The message names every signature column of at least one known layout.
    assert any(
        layout.signature and all(column in message for column in layout.expected_columns())
        for layout in LAYOUTS
    )


def test_failed_files_make_the_run_exit_non_zero_without_stopping_the_others(shared_store):
    assert shared_store.exit_code == 1
    assert set(shared_store.reports) == set(OFFICIAL) | set(UNKNOWN)
    assert all(shared_store.report(r)["status"] == "loaded" for r in OFFICIAL)


def test_every_reject_has_a_reason_and_a_field_or_line(shared_store):
    rejects = core.rejects(str(shared_store.db), limit=1_000_000)
    total = sum(shared_store.report(r)["rows_rejected"] for r in OFFICIAL)
    assert len(rejects) == total
    for reject in rejects:
        assert reject["reason"] and reject["reason"].strip()
        assert reject["field"] or reject["line"] is not None


def _footnotes(relative: str) -> list[tuple[int, list[str]]]:
    rows = records(relative, encoding="utf-8")[1:]
    return [(line, row) for line, row in rows if row[0].strip().startswith("[")]


@pytest.mark.parametrize("relative", [CROSSWALK_2020, CROSSWALK_RECENT])
def test_crosswalk_footnote_rows_are_rejected_as_footnotes(shared_store, kit, relative):
    footnotes = _footnotes(relative)
    issues = [i for i in kit.issues(shared_store.db) if i["file"] == Path(relative).name]
    as_footnotes = [i for i in issues if i["reason"].startswith("footnote row")]
    assert len(as_footnotes) == len(footnotes)
    assert all(i["field"] == "MEDICARE SPECIALTY CODE" for i in as_footnotes)
    # Each footnote's text is quoted in its reason, in file order.
    for issue, (_, row) in zip(as_footnotes, footnotes, strict=True):
        assert row[0][:40] in issue["reason"]


def test_the_2020_crosswalk_has_footnotes_to_reject(shared_store):
    assert len(_footnotes(CROSSWALK_2020)) > 0


def test_crosswalk_footnotes_are_reported_at_their_physical_lines(shared_store, kit):
    expected = [line for line, _ in _footnotes(CROSSWALK_2020)]
    issues = [
        i
        for i in kit.issues(shared_store.db)
        if i["file"] == Path(CROSSWALK_2020).name and i["reason"].startswith("footnote row")
    ]
    assert [i["line"] for i in issues] == expected


def _crosswalk_codes(relative: str) -> dict[str, set[str]]:
    expected: dict[str, set[str]] = {}
    for row in dict_rows(relative):
        code = row["MEDICARE SPECIALTY CODE"].strip()
        taxonomies = row["PROVIDER TAXONOMY CODE"].replace("\xa0", " ").upper().split()
        expected.setdefault(code, set()).update(taxonomies)
    return expected


def _stored_crosswalk(kit, db) -> dict[str, set[str]]:
    stored: dict[str, set[str]] = {}
    for code, taxonomy in kit.query(
        db, "SELECT medicare_code, taxonomy_code FROM specialty_crosswalk"
    ):
        stored.setdefault(code, set())
        if taxonomy is not None:
            stored[code].add(taxonomy)
    return stored


def test_crosswalk_cells_listing_several_codes_become_one_row_each(db, kit, shared):
    kit.ingest(db, shared / CROSSWALK_RECENT)
    expected = _crosswalk_codes(CROSSWALK_RECENT)
    assert any(len(codes) > 1 for codes in expected.values())  # the file does list several
    stored = _stored_crosswalk(kit, db)
    assert stored == expected  # specialties without a taxonomy are kept, with no codes


def test_crosswalk_specialties_without_a_taxonomy_are_kept(db, kit, shared):
    kit.ingest(db, shared / CROSSWALK_RECENT)
    expected = _crosswalk_codes(CROSSWALK_RECENT)
    assert any(not codes for codes in expected.values())
    assert set(_stored_crosswalk(kit, db)) == set(expected)


def test_gazetteer_trailing_blank_row_is_read_and_rejected_as_blank(shared_store, kit):
    rows = records(GAZETTEER_REORDERED)[1:]
    blank = [(line, row) for line, row in rows if not any(cell.strip() for cell in row)]
    assert len(blank) == 1  # a line of tabs at the end of the file
    report = shared_store.report(GAZETTEER_REORDERED)
    assert report["rows_loaded"] == len(rows) - 1
    issues = [i for i in kit.issues(shared_store.db) if i["file"] == Path(GAZETTEER_REORDERED).name]
    assert [(i["line"], i["reason"]) for i in issues] == [(blank[0][0], "blank row")]


def test_taxonomy_text_is_decoded_without_mojibake(shared_store, kit):
    expected = {
        row["Code"].strip().upper(): (row["Definition"].strip() or None)
        for row in dict_rows("taxonomy/nucc_taxonomy_251.csv")
    }
    stored = dict(kit.query(shared_store.db, "SELECT code, definition FROM taxonomy"))
    assert stored == expected
    assert any(d and not d.isascii() for d in stored.values())  # the file has curly quotes


def test_hospital_facility_ids_get_their_leading_zeros_back(shared_store, kit):
    expected = {
        fid.zfill(6) if fid.isdigit() else fid.upper()
        for fid in (r["Facility ID"].strip() for r in dict_rows(HOSPITALS))
    }
    stored = {fid for (fid,) in kit.query(shared_store.db, "SELECT facility_id FROM hospitals")}
    assert stored == expected
    assert any(len(fid) < 6 for fid in (r["Facility ID"] for r in dict_rows(HOSPITALS)))


def test_pandas_export_npis_and_zips_are_repaired(db, kit, shared):
    (report,) = kit.ingest(db, shared / NPPES_PANDAS)
    assert "pandas export" in " ".join(report.notes)
    rows = dict_rows(NPPES_PANDAS, encoding="latin-1")
    providers = dict(kit.query(db, "SELECT npi, entity_type FROM providers"))
    assert set(providers) == {int(float(r["NPI"])) for r in rows}
    assert set(providers.values()) == {"O"}  # "2.0" read as organisation
    zips = dict(
        kit.query(
            db,
            "SELECT npi, zip5 || COALESCE('-' || zip4, '') FROM locations WHERE kind = 'practice'",
        )
    )
    checked = 0
    for row in rows:
        cell = row["Provider Business Practice Location Address Postal Code"]
        digits = cell.removesuffix(".0")
        if len(digits) == 9:  # ZIP+4 that kept its leading digit
            want = f"{digits[:5]}-{digits[5:]}"
        elif len(digits) == 8:  # ZIP+4 whose leading zero the float cast dropped
            want = f"0{digits[:4]}-{digits[4:]}"
        elif len(digits) == 4:
            want = f"0{digits}"
        else:
            continue
        assert zips[int(float(row["NPI"]))] == want, cell
        checked += 1
    assert checked > 1000


def test_acceptance_ukiah_dermatologist_with_volumes_for_every_year(shared_store, kit):
    record = core.provider(str(shared_store.db), UKIAH_NPI)
    assert record["last_name"] == "Valentic"
    claims = [loc for loc in record["locations"] if loc["kind"] == "claims"]
    assert {loc["source_year"] for loc in claims} == set(range(2013, 2022))
    for loc in claims:
        assert (loc["city"], loc["state"], loc["zip5"]) == ("Ukiah", "CA", "95482")
        assert loc["lat"] == pytest.approx(39.15, abs=0.1)
        assert loc["lon"] == pytest.approx(-123.2, abs=0.1)
    for year in range(2013, 2022):
        relative = f"provider_service/mup_phy_prov_svc_{year}_mohs_17311-17315.csv"
        expected = sorted(
            (r["HCPCS_Cd"], r["Place_Of_Srvc"], float(r["Tot_Srvcs"]), int(r["Tot_Benes"]))
            for r in dict_rows(relative)
            if r["Rndrng_NPI"] == str(UKIAH_NPI)
        )
        assert expected, f"the {year} file lists the NPI"
        stored = kit.query(
            shared_store.db,
            """SELECT v.hcpcs_code, v.place_of_service, v.services, v.beneficiaries,
                      l.file_name FROM procedure_volumes v JOIN ingest_log l USING (file_id)
               WHERE v.npi = ? AND v.data_year = ? ORDER BY 1, 2""",
            [UKIAH_NPI, year],
        )
        assert [row[:4] for row in stored] == expected
        assert {row[4] for row in stored} == {Path(relative).name}


def _newest_update(relative: str) -> date:
    dates = [
        datetime.strptime(r["Last Update Date"].strip(), "%m/%d/%Y").date()
        for r in dict_rows(relative, encoding="latin-1")
        if r["Last Update Date"].strip()
    ]
    return max(dates)


def test_stats_lists_datasets_with_their_as_of_dates_and_years(shared_store):
    result = core.stats(str(shared_store.db))
    datasets = {d["dataset"]: d for d in result["datasets"]}
    assert set(datasets) == set(OFFICIAL.values())
    # Weekly NPPES files name the last day they cover.
    for dataset in ("nppes_pl", "nppes_othername", "nppes_endpoint"):
        names = [Path(r).name for r, d in OFFICIAL.items() if d == dataset]
        ends = [m.group(1) for n in names if (m := re.search(r"-(\d{8})\.csv$", n))]
        newest = max(datetime.strptime(e, "%Y%m%d").date() for e in ends)
        assert str(datasets[dataset]["newest_as_of"]) == newest.isoformat()
    # A registry file without dates in its name is as of its newest Last Update Date.
    nppes_files = [r for r, d in OFFICIAL.items() if d == "nppes"]
    newest = max(_newest_update(r) for r in nppes_files)
    assert str(datasets["nppes"]["newest_as_of"]) == newest.isoformat()
    assert datasets["provider_service"]["data_years"] == list(range(2012, 2022))
    for name, dataset in datasets.items():
        reports = [shared_store.report(r) for r, d in OFFICIAL.items() if d == name]
        assert dataset["files"] == len(reports)
        assert dataset["rows_read"] == sum(r["rows_read"] for r in reports)
        assert dataset["rows_rejected"] == sum(r["rows_rejected"] for r in reports)
