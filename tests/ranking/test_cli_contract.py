"""`docfinder search` as a user runs it: options, the JSON shape, the table, the errors.

One run goes through the console command in a subprocess (the table, as a terminal shows it);
the rest call the same entry point (`docfinder.cli.main`) in-process with sys.argv set.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ranking_support import haversine_miles

from docfinder.cli import main

QUERY_KEYS = {"what": {"slug", "name", "kind"}, "where": {"name", "lat", "lon"}}
RESULT_KEYS = {
    "rank", "npi", "name", "credentials", "specialty", "address", "city", "state", "zip",
    "phone", "distance_miles", "score", "evidence",
}  # fmt: skip
BREAKDOWN_KEYS = {
    "experience", "yearly_volume", "years_of_data", "shrunk_volume", "freshness",
    "saturation_volume", "specialty_fit", "data_quality", "distance_miles", "distance_factor",
    "base",
}  # fmt: skip
INSTRUCTION = re.compile(r"\b(try|name|use|search for|say|see|check|add)\b", re.IGNORECASE)


def _console(*args: str, columns: int = 200) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "NO_COLOR": "1"}
    command = [sys.executable, "-c", "from docfinder.cli import main; main()", *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, env=env, check=False
    )


def _main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """(exit code, stdout, stderr) of `docfinder ARGS` run in this process."""
    monkeypatch.setattr(sys, "argv", ["docfinder", *args])
    with pytest.raises(SystemExit) as exited:
        main()
    captured = capsys.readouterr()
    return exited.value.code, captured.out, captured.err


def _json(monkeypatch: pytest.MonkeyPatch, capsys: Any, db: Path, *args: str) -> Any:
    code, out, err = _main(monkeypatch, capsys, "search", *args, "--db", str(db), "--json")
    assert code == 0, err
    return json.loads(out)


def _check_shape(found: dict[str, Any], explain: bool) -> None:
    assert {"query", "results", "notes"} <= set(found)
    for part, keys in QUERY_KEYS.items():
        assert keys <= set(found["query"][part]), part
    what, where = found["query"]["what"], found["query"]["where"]
    assert all(isinstance(what[k], str) and what[k] for k in QUERY_KEYS["what"])
    assert isinstance(where["name"], str)
    assert isinstance(where["lat"], float) and isinstance(where["lon"], float)
    assert [r["rank"] for r in found["results"]] == list(range(1, len(found["results"]) + 1))
    for r in found["results"]:
        assert set(r) >= RESULT_KEYS
        assert isinstance(r["npi"], int) and len(str(r["npi"])) == 10
        assert isinstance(r["name"], str) and r["name"]
        assert r["credentials"] is None or isinstance(r["credentials"], str)
        assert re.fullmatch(r"\d{5}", r["zip"]) and re.fullmatch(r"[A-Z]{2}", r["state"])
        assert isinstance(r["distance_miles"], float) and r["distance_miles"] >= 0
        # The point shown on a map is the one the distance was measured to.
        miles = haversine_miles(where["lat"], where["lon"], r["lat"], r["lon"])
        assert abs(miles - r["distance_miles"]) <= 0.051, (r["npi"], miles)
        assert r["entity"] in ("individual", "organization")
        for other in r["other_locations"]:
            away = haversine_miles(where["lat"], where["lon"], other["lat"], other["lon"])
            assert abs(away - other["distance_miles"]) <= 0.051 and away >= miles - 0.051
        assert isinstance(r["score"], float) and 0 <= r["score"] <= 1
        assert r["evidence"]
        for e in r["evidence"]:
            assert set(e) == {"text", "source", "year"}
            assert isinstance(e["text"], str) and isinstance(e["source"], str) and e["source"]
            assert e["year"] is None or isinstance(e["year"], int)
        assert ("breakdown" in r) == explain
        if explain:
            assert set(r["breakdown"]) >= BREAKDOWN_KEYS
    assert found["notes"] and all(isinstance(n, str) for n in found["notes"])


def test_json_has_the_documented_shape(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, generated: Any
) -> None:
    args = ("metastasectomy in Ukia", "--limit", "4")
    found = _json(monkeypatch, capsys, generated.db, *args, "--explain")
    _check_shape(found, explain=True)
    assert found["query"]["what"]["slug"] == "metastasectomy"
    assert found["query"]["where"]["name"] == "Ukiah, CA"
    assert len(found["results"]) == 4
    _check_shape(_json(monkeypatch, capsys, generated.db, *args), explain=False)


def test_the_console_command_prints_a_table_of_the_same_results(
    search: Any, generated: Any
) -> None:
    done = _console("search", "mohs surgery", "--near", "Ukiah, CA", "--db", str(generated.db),
                    "--limit", "5")  # fmt: skip
    assert done.returncode == 0, done.stderr
    found = search(generated.db, "mohs surgery", near="Ukiah, CA", limit=5)
    lines = done.stdout.splitlines()
    title = found["query"]
    assert lines[0].startswith(
        f"Best doctors for {title['what']['name']} near {title['where']['name']}"
    )
    header = next(line for line in lines[1:] if "doctor" in line)
    assert re.search(r"#.*doctor.*miles.*score.*why", header)
    flat = " ".join(done.stdout.split())
    for r in found["results"]:
        assert r["name"] in flat
        assert any(
            re.search(rf"\b{r['rank']}\b.*{re.escape(r['name'].split()[0])}", line)
            for line in lines
        )
    assert "distance_factor=" not in done.stdout  # the breakdown only with --explain
    for note in found["notes"]:
        assert " ".join(note.split()[:6]) in flat


def test_near_and_lat_lon_set_the_place(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, generated: Any
) -> None:
    near = _json(monkeypatch, capsys, generated.db, "psoriasis", "--near", "95482", "--limit", "3")
    assert near["query"]["where"]["name"] == "95482"
    me = _json(
        monkeypatch, capsys, generated.db, "psoriasis", "--lat", "39.15", "--lon", "-123.21",
        "--limit", "3",
    )  # fmt: skip
    assert me["query"]["where"]["name"] == "near me"
    assert (me["query"]["where"]["lat"], me["query"]["where"]["lon"]) == (39.15, -123.21)
    _check_shape(me, explain=False)
    for r in me["results"]:  # the distance line speaks to the user
        assert any(e["text"].endswith("from your location") for e in r["evidence"])


def test_limit_and_radius_miles_bound_the_results(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, generated: Any
) -> None:
    wide = _json(monkeypatch, capsys, generated.db, "metastasectomy in Ukiah", "--limit", "200")
    assert len(wide["results"]) == wide["query"]["total"] > 7
    few = _json(monkeypatch, capsys, generated.db, "metastasectomy in Ukiah", "--limit", "7")
    assert [r["npi"] for r in few["results"]] == [r["npi"] for r in wide["results"][:7]]
    close = _json(
        monkeypatch, capsys, generated.db, "metastasectomy in Ukiah", "--radius-miles", "60",
        "--limit", "200",
    )  # fmt: skip
    assert close["query"]["radius_miles"] <= 60
    assert close["results"] and all(r["distance_miles"] <= 60 for r in close["results"])
    inside = [
        r["npi"] for r in wide["results"] if r["distance_miles"] <= close["query"]["radius_miles"]
    ]
    assert sorted(r["npi"] for r in close["results"]) == sorted(inside)


@pytest.mark.parametrize(
    "args",
    [["mohs surgery"], ["mohs surgery", "--lat", "39.15"], ["mohs surgery near me"]],
    ids=["no place", "lat without lon", "near me without a position"],
)
def test_a_search_without_a_place_exits_non_zero_saying_how_to_give_one(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, generated: Any, args: list[str]
) -> None:
    code, out, err = _main(monkeypatch, capsys, "search", *args, "--db", str(generated.db))
    assert code != 0 and not out
    assert err.startswith("error:")
    assert "--lat" in err and "ZIP" in err and INSTRUCTION.search(err)


def test_a_search_without_a_treatment_exits_non_zero_saying_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, generated: Any
) -> None:
    code, _, err = _main(
        monkeypatch, capsys, "search", "blorfle zzz", "--near", "Ukiah, CA", "--db",
        str(generated.db),
    )  # fmt: skip
    assert code != 0 and err.startswith("error:") and "blorfle zzz" in err
    assert INSTRUCTION.search(err.replace("blorfle zzz", "")), err


def test_a_search_without_text_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, generated: Any
) -> None:
    code, _, err = _main(monkeypatch, capsys, "search", "--db", str(generated.db))
    assert code == 2 and "Missing argument" in err and "--help" in err


def test_a_fuzzy_near_place_is_named_in_the_notes(
    monkeypatch: pytest.MonkeyPatch, capsys: Any, generated: Any
) -> None:
    in_text = _json(monkeypatch, capsys, generated.db, "mohs surgery in Santa Rosaa")
    guessed = in_text["query"]["where"]["name"]
    assert any(guessed in n for n in in_text["notes"])  # the text path says what it read
    near = _json(monkeypatch, capsys, generated.db, "mohs surgery", "--near", "Santa Rosaa")
    assert near["query"]["where"]["name"] == guessed
    assert any(guessed in n for n in near["notes"]), near["notes"]
