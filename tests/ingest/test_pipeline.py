"""The pipeline around the rows: data years, planning, one transaction per file, --strict."""

from __future__ import annotations

import gzip

import pytest

from docfinder.ingest import pipeline
from docfinder.ingest.dates import file_dates


@pytest.mark.parametrize(
    "name, expected",
    [
        ("npidata_pfile_20050523-20251109.csv", ("2025-11-09", 2025)),
        ("pl_pfile_20251103-20251109.csv", ("2025-11-09", 2025)),
        ("MUP_PHY_R23_P05_V10_D21_Prov_Svc.csv", (None, 2021)),
        ("PartD_Prescribers_by_Provider_Drug_DY23.csv", (None, 2023)),
        ("medicare_puf_cy2012_first17k_legacy.tsv", (None, 2012)),
        ("mup_phy_prov_svc_2021_mohs_17311-17315.csv", (None, 2021)),
        ("claims.csv", (None, None)),
        ("claims_1850.csv", (None, None)),
    ],
)
def test_file_names_give_as_of_dates_and_data_years(name, expected):
    assert file_dates(name) == expected


def test_a_claims_file_needs_a_data_year(kit, db):
    path = kit.claims("claims.csv", [kit.ps_row(kit.npi(1))])
    (report,) = kit.ingest(db, path)
    assert report.status == "failed"
    assert "data year" in report.error
    assert "--year" in report.error
    (report,) = kit.ingest(db, path, year=2019)
    assert report.status == "loaded"
    assert kit.query(db, "SELECT data_year FROM procedure_volumes") == [(2019,)]


def test_year_flag_overrides_the_file_name(kit, db):
    kit.ingest(db, kit.claims("claims_2021.csv", [kit.ps_row(kit.npi(1))]), year=2018)
    assert kit.query(db, "SELECT data_year FROM ingest_log") == [(2018,)]
    assert kit.query(db, "SELECT data_year FROM procedure_volumes") == [(2018,)]


def test_rows_read_is_loaded_plus_rejected_and_matches_the_log(kit, db):
    rows = [kit.ps_row(kit.npi(i)) for i in range(10)]
    rows[2]["Tot_Srvcs"] = "n/a"
    rows[7]["Rndrng_NPI"] = "123"
    lines = kit.claims("mix_2021.csv", rows).read_text().splitlines()
    lines[4] += ",extra"
    path = kit.raw("mix_2021.csv", "\n".join(lines) + "\n")
    (report,) = kit.ingest(db, path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (10, 7, 3)
    logged = kit.query(db, "SELECT rows_read, rows_loaded, rows_rejected, status FROM ingest_log")
    assert logged == [(10, 7, 3, "loaded")]
    assert kit.scalar(db, "SELECT count(*) FROM row_issues WHERE severity = 'reject'") == 3
    assert kit.scalar(db, "SELECT count(*) FROM procedure_volumes") == 7


def big_failing_file(kit, monkeypatch, name):
    """Rows with one bad NPI, made to fail after they were staged, rejected and merged.

    No file content fails a load any more once it was recognised (bad rows are rejected, stray
    bytes decoded), so the failure after staging is injected: the one thing mocked here.
    """
    header = ",".join(kit.ps_row("1")) + "\n"
    template = kit.claims("row.csv", [kit.ps_row("NPI_HERE")]).read_text().split("\n")[1]
    lines = [template.replace("NPI_HERE", kit.npi(10 + i)) for i in range(2_000)]
    lines[3] = template.replace("NPI_HERE", "1104963009")
    data = (header + "\n".join(lines) + "\n").encode("utf-8")
    real_finish = pipeline._finish_values

    def finish(report, item):
        if item.source.name == name:
            raise OSError("disk full (injected)")
        return real_finish(report, item)

    monkeypatch.setattr(pipeline, "_finish_values", finish)
    return kit.raw(name, data)


def test_a_file_that_fails_while_loading_is_rolled_back_alone(kit, db, monkeypatch):
    good_a = kit.claims("a_2020.csv", [kit.ps_row(kit.npi(1))])
    bad = big_failing_file(kit, monkeypatch, "b_2021.csv")
    good_c = kit.claims("c_2022.csv", [kit.ps_row(kit.npi(4))])
    reports = kit.ingest(db, good_a, bad, good_c)
    assert [r.status for r in reports] == ["loaded", "failed", "loaded"]
    assert "b_2021.csv" in reports[1].error
    assert kit.query(db, "SELECT npi FROM procedure_volumes ORDER BY npi") == [
        (int(kit.npi(1)),),
        (int(kit.npi(4)),),
    ]
    logged = kit.query(db, "SELECT file_name, status FROM ingest_log ORDER BY file_id")
    assert logged == [("a_2020.csv", "loaded"), ("b_2021.csv", "failed"), ("c_2022.csv", "loaded")]
    assert kit.scalar(db, "SELECT count(*) FROM source_providers") == 2
    assert kit.issues(db) == []  # the bad NPI of the failed file left no reject behind


def test_a_truncated_gzip_fails_alone(kit, db):
    good = kit.claims("good_2021.csv", [kit.ps_row(kit.npi(1))])
    rows = [kit.ps_row(kit.npi(i)) for i in range(2, 3000)]
    packed = gzip.compress(kit.claims("big_2021.csv", rows).read_bytes())
    broken = kit.raw("broken_2021.csv.gz", packed[: len(packed) // 2])
    reports = kit.ingest(db, good, broken)
    assert [r.status for r in reports] == ["loaded", "failed"]
    assert kit.scalar(db, "SELECT count(*) FROM procedure_volumes") == 1


def test_strict_keeps_the_served_store_when_a_file_fails_to_load(kit, db, monkeypatch):
    kit.ingest(db, kit.claims("first_2019.csv", [kit.ps_row(kit.npi(1))]))
    before = kit.counts(db)
    good = kit.claims("good_2020.csv", [kit.ps_row(kit.npi(2))])
    bad = big_failing_file(kit, monkeypatch, "bad_2021.csv")
    reports = kit.ingest(db, good, bad, strict=True)
    assert [r.status for r in reports] == ["rolled back", "failed"]
    assert kit.counts(db) == before
    assert kit.query(db, "SELECT file_name FROM ingest_log") == [("first_2019.csv",)]
    assert not list(db.parent.glob(f".{db.name}.build-*"))


def test_strict_loads_nothing_when_a_file_is_not_recognised(kit, db):
    before = kit.counts(db)
    good = kit.claims("good_2020.csv", [kit.ps_row(kit.npi(2))])
    unknown = kit.write("unknown.csv", ["a", "b"], [["1", "2"]])
    reports = kit.ingest(db, good, unknown, strict=True)
    assert [r.status for r in reports] == ["failed"]
    assert kit.counts(db) == before


def test_without_strict_an_unrecognised_file_does_not_stop_the_others(kit, db):
    good = kit.claims("good_2020.csv", [kit.ps_row(kit.npi(2))])
    unknown = kit.write("unknown.csv", ["a", "b"], [["1", "2"]])
    reports = kit.by_name(kit.ingest(db, good, unknown))
    assert reports["good_2020.csv"].status == "loaded"
    assert reports["unknown.csv"].status == "failed"
    assert "unknown layout" in reports["unknown.csv"].error


def test_identical_bytes_for_two_data_years_are_both_loaded(kit, db):
    rows = [kit.ps_row(kit.npi(1)), kit.ps_row(kit.npi(2))]
    first = kit.claims("same_2020.csv", rows)
    second = kit.raw("same_2021.csv", first.read_bytes())  # the same bytes, another year
    reports = kit.ingest(db, first, second)
    assert [r.status for r in reports] == ["loaded", "loaded"]
    years = kit.query(db, "SELECT DISTINCT data_year FROM procedure_volumes ORDER BY 1")
    assert years == [(2020,), (2021,)]
    again = kit.ingest(db, second)
    assert [r.status for r in again] == ["unchanged"]
