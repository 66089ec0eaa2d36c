"""`docfinder catalog validate` and `docfinder catalog list`, through click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from catalog_testdata import WriteCatalog, valid_entry
from click.testing import CliRunner

from docfinder.cli import cli


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["catalog", *args])
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def test_catalog_is_registered() -> None:
    assert "catalog" in cli.commands


def test_validate_clean_file(write_catalog: WriteCatalog) -> None:
    code, out, err = run("validate", str(write_catalog([valid_entry()])))
    assert code == 0
    assert out == ""
    assert "catalog OK: 1 entries in 1 files" in err
    assert "--nucc" in err


def test_validate_reports_file_slug_and_field(write_catalog: WriteCatalog) -> None:
    path = write_catalog([valid_entry(kind="operation", related=["nowhere"])])
    code, out, err = run("validate", str(path))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{path}:") for line in lines)
    assert any(": test-procedure: kind: unknown kind 'operation'" in line for line in lines)
    assert any(": test-procedure: related[0]: " in line for line in lines)
    assert "2 problems" in err


def test_validate_json(write_catalog: WriteCatalog) -> None:
    path = write_catalog([valid_entry(specialties=[{"code": "207N00000X", "weight": 2}])])
    code, out, _ = run("validate", "--json", str(path))
    assert code == 1
    report = json.loads(out)
    assert report["entries"] == 1
    assert report["nucc_checked"] is False
    [problem] = report["problems"]
    assert problem["path"] == str(path)
    assert problem["slug"] == "test-procedure"
    assert problem["field"] == "specialties[0].weight"
    assert isinstance(problem["line"], int)


@pytest.mark.shared_data
def test_validate_with_nucc(write_catalog: WriteCatalog, nucc_csv: Path) -> None:
    path = write_catalog([valid_entry(specialties=[{"code": "207Z00000X", "weight": 1}])])
    assert run("validate", str(path))[0] == 0
    code, out, _ = run("validate", "--nucc", str(nucc_csv), "--json", str(path))
    assert code == 1
    assert json.loads(out)["nucc_checked"] is True
    assert "not in the NUCC" in out


def test_validate_default_catalog_runs() -> None:
    code, out, _ = run("validate", "--json")
    report = json.loads(out)
    assert report["entries"] >= 9
    assert code == (1 if report["problems"] else 0)


def test_list_json() -> None:
    code, out, _ = run("list", "--json")
    assert code == 0
    entries = {e["slug"]: e for e in json.loads(out)}
    assert entries["metastasectomy"]["kind"] == "procedure"
    assert entries["psoriasis"]["body_system"] == "skin"
    assert entries["mohs-surgery"]["file"] == "core.yaml"


def test_list_table(write_catalog: WriteCatalog) -> None:
    path = write_catalog([valid_entry("first-entry"), valid_entry("second-entry")])
    code, out, _ = run("list", str(path))
    assert code == 0
    assert "first-entry" in out and "second-entry" in out and "procedure" in out
