"""`docfinder match` and `docfinder parse` through click's runner."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from docfinder.cli import cli
from docfinder.config import DB_ENV


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def no_store_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DB_ENV, raising=False)


def test_match_json() -> None:
    code, out, _ = run("match", "psoraisis", "--json")
    assert code == 0
    found = json.loads(out)
    assert found[0] == {"slug": "psoriasis", "name": "Psoriasis", "kind": "condition", "score": 1.0}
    assert all(set(m) == {"slug", "name", "kind", "score"} for m in found)


def test_match_limit_and_text() -> None:
    code, out, _ = run("match", "skin doctor", "--limit", "2")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) <= 2
    assert "specialty:207N00000X" in lines[0] and "Dermatologist" in lines[0]


def test_match_nothing_suggests_and_fails() -> None:
    code, out, err = run("match", "psoryatic artritus pane")
    assert code == 1 or "psoriatic-arthritis" in out
    code, _, err = run("match", "xyzzyqq")
    assert code == 1
    assert "no treatment, condition or specialty matches" in err


def test_match_json_nothing_is_an_empty_list() -> None:
    code, out, _ = run("match", "xyzzyqq", "--json")
    assert (code, json.loads(out)) == (0, [])


def test_parse_json_done_when_checks() -> None:
    code, out, _ = run("parse", "metastasectomy in Ukia", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["what"]["slug"] == "metastasectomy"
    assert (data["where"]["name"], data["where"]["slug"]) == ("Ukiah, CA", "ukiah-ca")
    assert data["near_me"] is False

    code, out, _ = run("parse", "best psoriasis doctors near me", "--json")
    data = json.loads(out)
    assert data["what"]["slug"] == "psoriasis"
    assert data["near_me"] is True
    assert data["where"]["kind"] == "near_me"


def test_parse_near_me_with_coordinates() -> None:
    code, out, _ = run(
        "parse", "mohs surgery nearby", "--lat", "39.15", "--lon", "-123.2", "--json"
    )
    where = json.loads(out)["where"]
    assert (code, where["lat"], where["lon"]) == (0, 39.15, -123.2)


def test_parse_text_output() -> None:
    code, out, _ = run("parse", "metastasectomy in Ukia")
    assert code == 0
    assert out.startswith("what:  Metastasectomy")
    assert "where: Ukiah, CA" in out
    assert "note:  did you mean Ukiah, CA?" in out


def _store_with_nucc_and_claims(path: Path) -> Path:
    """The parts of a store the matcher reads: the taxonomy and billed codes."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE taxonomy (code VARCHAR, grouping VARCHAR, classification VARCHAR, "
        "specialization VARCHAR, definition VARCHAR, notes VARCHAR, display_name VARCHAR, "
        "section VARCHAR, file_id INTEGER)"
    )
    con.execute(
        "INSERT INTO taxonomy VALUES ('204R00000X', 'Allopathic', 'Electrodiagnostic Medicine', "
        "NULL, NULL, NULL, 'Electrodiagnostic Medicine Physician', 'Individual', 1)"
    )
    con.execute("CREATE TABLE procedure_volumes (npi BIGINT, hcpcs_code VARCHAR)")
    con.execute("INSERT INTO procedure_volumes VALUES (1, '17311')")
    con.close()
    return path


def test_match_with_a_store(tmp_path: Path) -> None:
    db = str(_store_with_nucc_and_claims(tmp_path / "store.duckdb"))

    def found(*args: str, env: dict[str, str] | None = None) -> list[dict[str, object]]:
        code, out, err = run("match", *args, "--json", env=env)
        assert code == 0, err
        return list(json.loads(out))

    assert found("electrodiagnostic medicine", "--db", db)[0]["slug"] == "specialty:204R00000X"
    assert found("17311", "--db", db)[0]["score"] == 1.0
    assert found("17312", "--db", db) == []  # well formed, but not billed in this store
    assert found("17312", env={DB_ENV: db}) == []  # DOCFINDER_DB names the store too


def test_a_missing_store_falls_back_to_the_built_in_data(tmp_path: Path) -> None:
    code, out, err = run("match", "17312", "--db", str(tmp_path / "none.duckdb"), "--json")
    assert code == 0
    assert json.loads(out)[0]["slug"] == "code:17312"
    assert "no store at" in err
    code, out, _ = run("match", "17312", "--json", env={DB_ENV: str(tmp_path / "none.duckdb")})
    assert json.loads(out)[0]["slug"] == "code:17312"


def test_parse_with_a_real_store(db: Path) -> None:
    # A fresh store holds the default geography and no taxonomy or claims.
    code, out, err = run("parse", "metastasectomy in Ukia", "--db", str(db), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["what"]["slug"] == "metastasectomy"
    assert data["where"]["slug"] == "ukiah-ca"
