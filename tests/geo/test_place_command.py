"""`docfinder place`, through the click parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from docfinder.cli import cli

KEYS = ["name", "state", "lat", "lon", "slug", "score", "kind", "confidence"]


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["place", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(autouse=True)
def no_store_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DOCFINDER_DB", raising=False)


def test_json_output() -> None:
    code, out, _ = run("Ukia", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [list(r) for r in rows] == [KEYS] * len(rows)
    assert rows[0]["slug"] == "ukiah-ca" and rows[0]["confidence"] == "fuzzy"
    assert "ukiah-or" in [r["slug"] for r in rows]


def test_limit_and_unquoted_words() -> None:
    code, out, _ = run("Santa", "Rosa", "--limit", "1", "--json")
    assert code == 0
    assert [r["slug"] for r in json.loads(out)] == ["santa-rosa-ca"]


def test_negative_coordinates_need_no_quoting() -> None:
    code, out, _ = run("39.15", "-123.21", "--json")
    assert code == 0
    (row,) = json.loads(out)
    assert (row["kind"], row["lat"], row["lon"]) == ("coordinates", 39.15, -123.21)


def test_near_me_with_a_position() -> None:
    code, out, _ = run("near", "me", "--lat", "39.1", "--lon", "-123.2", "--json")
    assert code == 0
    assert json.loads(out)[0] | {"score": 1.0} == {
        "name": "near me",
        "state": None,
        "lat": 39.1,
        "lon": -123.2,
        "slug": "near-me",
        "score": 1.0,
        "kind": "near_me",
        "confidence": "exact",
    }


def test_text_output_and_no_match() -> None:
    code, out, _ = run("Mendocino County")
    assert code == 0 and "mendocino-county-ca" in out and "exact" in out
    code, out, err = run("xqzzyqv")
    assert code == 1 and out == "" and "no place matches" in err
    code, out, _ = run("xqzzyqv", "--json")
    assert code == 0 and json.loads(out) == []


def test_missing_store_falls_back_to_the_builtin_geography(tmp_path: Path) -> None:
    missing = tmp_path / "none.duckdb"
    code, out, err = run("Ukiah, CA", "--db", str(missing), "--json")
    assert code == 0 and json.loads(out)[0]["slug"] == "ukiah-ca"
    assert "no store at" in err
    code, out, err = run("Ukiah, CA", "--json", env={"DOCFINDER_DB": str(missing)})
    assert code == 0 and json.loads(out)[0]["slug"] == "ukiah-ca" and err == ""


@pytest.mark.shared_data
def test_store_from_db_option_and_environment(geo_store: Path) -> None:
    _, default_out, _ = run("Ukiah, OR", "--json")
    _, store_out, _ = run("Ukiah, OR", "--json", "--db", str(geo_store))
    _, env_out, _ = run("Ukiah, OR", "--json", env={"DOCFINDER_DB": str(geo_store)})
    assert json.loads(store_out) == json.loads(env_out)
    # The store's population for Ukiah, OR raises its score above the built-in guess.
    assert json.loads(store_out)[0]["score"] > json.loads(default_out)[0]["score"]
