"""The command line contracts: JSON shapes, exit codes, and where the store is."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from docfinder.cli import cli

FILE_KEYS = {"path", "dataset", "rows_read", "rows_loaded", "rows_rejected", "status", "error"}


def invoke(*args, env=None):
    result = CliRunner().invoke(cli, [str(a) for a in args], env=env, catch_exceptions=False)
    return result.exit_code, result.stdout


def invoke_json(*args, env=None):
    code, out = invoke(*args, "--json", env=env)
    return code, json.loads(out)


@pytest.fixture
def claims(kit):
    rows = [kit.ps_row(kit.npi(i)) for i in range(4)]
    rows[1]["Tot_Srvcs"] = "none"
    rows[3]["Rndrng_Prvdr_Zip5"] = "9"
    return kit.claims("claims_2021.csv", rows)


def test_ingest_json_reports_every_file(db, claims):
    code, out = invoke_json("ingest", "--db", db, claims)
    assert code == 0
    assert out["db"] == str(db)
    (report,) = out["files"]
    assert set(report) >= FILE_KEYS
    assert report["path"] == str(claims)
    assert report["dataset"] == "provider_service"
    assert (report["rows_read"], report["rows_loaded"], report["rows_rejected"]) == (4, 3, 1)
    assert report["warnings"] == 1
    assert (report["status"], report["error"]) == ("loaded", None)


def test_ingest_exits_1_when_a_file_fails(db, claims, kit):
    unknown = kit.write("people.csv", ["name", "age"], [["Ann", "40"]])
    code, out = invoke_json("ingest", "--db", db, claims, unknown)
    assert code == 1
    statuses = {Path(r["path"]).name: r["status"] for r in out["files"]}
    assert statuses == {"claims_2021.csv": "loaded", "people.csv": "failed"}
    failed = next(r for r in out["files"] if r["status"] == "failed")
    assert "unknown layout" in failed["error"]
    assert "expected one of" in failed["error"]
    assert "Rndrng_NPI" in failed["error"] or "NPI" in failed["error"]
    assert failed["dataset"] is None


def test_ingest_strict_exits_1_and_reports_the_roll_back(db, claims, kit):
    empty = kit.raw("empty_2021.csv", b"")
    code, out = invoke_json("ingest", "--db", db, "--strict", claims, empty)
    assert code == 1
    assert [r["status"] for r in out["files"]] == ["failed"]


def test_ingest_without_files_is_a_usage_error(db):
    result = CliRunner().invoke(cli, ["ingest", "--db", str(db)])
    assert result.exit_code == 2
    assert "FILES" in result.stderr


def test_ingest_reports_unchanged_files(db, claims):
    invoke_json("ingest", "--db", db, claims)
    code, out = invoke_json("ingest", "--db", db, claims)
    assert code == 0
    (report,) = out["files"]
    assert report["status"] == "unchanged"
    assert report["rows_read"] == 4


def test_rejects_json_lists_file_line_field_and_reason(db, claims):
    invoke_json("ingest", "--db", db, claims)
    code, out = invoke_json("rejects", "--db", db)
    assert code == 0
    (reject,) = out["rejects"]
    assert {k: reject[k] for k in ("file", "dataset", "line", "field", "severity")} == {
        "file": "claims_2021.csv",
        "dataset": "provider_service",
        "line": 3,
        "field": "Tot_Srvcs",
        "severity": "reject",
    }
    assert '"none"' in reject["reason"]
    code, out = invoke_json("rejects", "--db", db, "--warnings")
    assert sorted(r["severity"] for r in out["rejects"]) == ["reject", "warn"]
    code, out = invoke_json("rejects", "--db", db, "--file", "other.csv")
    assert out["rejects"] == []
    code, out = invoke_json("rejects", "--db", db, "--warnings", "--limit", "1")
    assert len(out["rejects"]) == 1


def test_stats_json_counts_tables_and_lists_datasets(db, claims, kit):
    invoke_json("ingest", "--db", db, claims)
    code, out = invoke_json("stats", "--db", db)
    assert code == 0
    for table, count in out["tables"].items():
        assert count == kit.scalar(db, f"SELECT count(*) FROM {table}"), table
    assert out["tables"]["procedure_volumes"] == 3
    (dataset,) = out["datasets"]
    assert dataset["dataset"] == "provider_service"
    assert (dataset["files"], dataset["rows_loaded"], dataset["rows_rejected"]) == (1, 3, 1)
    assert dataset["data_years"] == [2021]
    assert "newest_as_of" in dataset
    assert out["providers_by_status"] == {"active": 3}
    assert [f["file_name"] for f in out["files"]] == ["claims_2021.csv"]


def test_show_json_gives_every_fact_with_its_source(db, claims, kit):
    invoke_json("ingest", "--db", db, claims)
    npi = kit.npi(0)
    code, out = invoke_json("show", "--db", db, npi)
    assert code == 0
    assert out["npi"] == int(npi)
    assert out["source_file"] == "claims_2021.csv"
    (procedure,) = out["procedures"]
    assert (procedure["data_year"], procedure["hcpcs_code"], procedure["line"]) == (
        2021,
        "17311",
        2,
    )
    assert procedure["source_file"] == "claims_2021.csv"
    (location,) = out["locations"]
    assert (location["city"], location["source_year"]) == ("Ukiah", 2021)


def test_show_of_an_unknown_npi_exits_2_with_a_message(db, kit):
    done = kit.run("show", "--db", str(db), "1104963008")
    assert done.returncode == 2
    assert "1104963008 is not in the store" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_store_says_how_to_make_one(tmp_path, kit):
    done = kit.run("stats", "--db", str(tmp_path / "none.duckdb"))
    assert done.returncode == 2
    assert "no store at" in done.stderr
    assert "docfinder ingest" in done.stderr


def test_db_flag_wins_over_the_environment(db, template_store, tmp_path):
    elsewhere = tmp_path / "env.duckdb"
    code, out = invoke_json("stats", "--db", db, env={"DOCFINDER_DB": str(elsewhere)})
    assert code == 0
    assert out["db"] == str(db)
    assert not elsewhere.exists()


def test_the_environment_wins_over_the_default(template_store, tmp_path):
    from_env = tmp_path / "env" / "store.duckdb"
    from_env.parent.mkdir()
    shutil.copyfile(template_store, from_env)
    data_home = tmp_path / "xdg"
    env = {"DOCFINDER_DB": str(from_env), "XDG_DATA_HOME": str(data_home)}
    code, out = invoke_json("stats", env=env)
    assert code == 0
    assert out["db"] == str(from_env)
    assert not data_home.exists()


def test_the_default_store_is_in_the_user_data_directory(claims, tmp_path):
    data_home = tmp_path / "xdg"
    env = {"DOCFINDER_DB": None, "XDG_DATA_HOME": str(data_home)}
    code, out = invoke_json("ingest", claims, env=env)
    assert code == 0
    expected = data_home / "docfinder" / "docfinder.duckdb"
    assert out["db"] == str(expected)
    assert expected.is_file()
    code, out = invoke_json("stats", env=env)
    assert out["tables"]["procedure_volumes"] == 3


def test_a_relative_db_path_is_made_absolute(template_store, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copyfile(template_store, tmp_path / "here.duckdb")
    code, out = invoke_json("stats", "--db", "here.duckdb")
    assert code == 0
    assert out["db"] == str(tmp_path / "here.duckdb")


@pytest.mark.shared_data
def test_cli_on_the_shared_store(shared_store):
    db = shared_store.db
    code, out = invoke_json("rejects", "--db", db, "--limit", "100000")
    assert code == 0
    files = {r["file"] for r in out["rejects"]}
    assert "medicare_specialty_taxonomy_crosswalk_2020.csv" in files
    assert all(r["reason"] and (r["field"] or r["line"] is not None) for r in out["rejects"])
    code, out = invoke_json("show", "--db", db, "1104963008")
    assert code == 0
    years = {p["data_year"] for p in out["procedures"]}
    assert set(range(2013, 2022)) <= years
    assert all(
        p["source_file"] == f"mup_phy_prov_svc_{p['data_year']}_mohs_17311-17315.csv"
        for p in out["procedures"]
    )
