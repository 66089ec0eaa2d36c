"""The PostgreSQL backend: the same answers as DuckDB, an atomic swap, a work file that any
machine can restore, one build at a time, and clear errors.

These run against a real PostgreSQL with PostGIS ($DOCFINDER_TEST_PG, else the local server).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest

from cli_support import SHARED, docfinder_cmd, run_docfinder
from docfinder import core
from docfinder.errors import StoreError
from docfinder.generate import generate
from docfinder.ingest import run_ingest
from docfinder.search.engine import Filters
from docfinder.store import PostgresStore, open_store
from pg_support import new_schema_url, query

# A fixed set of searches: procedures, conditions, specialties, filters, sorts, pages, near me.
QUERIES: list[tuple[str, dict[str, Any]]] = [
    ("metastasectomy in Ukia", {}),
    ("best psoriasis doctors near me", {"lat": 39.15, "lon": -123.21}),
    ("mohs surgery", {"near": "Santa Rosa, CA", "limit": 20}),
    ("knee replacement", {"near": "Oakland, CA", "sort": "experience"}),
    ("knee replacement", {"near": "Oakland, CA", "sort": "distance", "offset": 5}),
    ("psoriasis", {"near": "San Francisco, CA", "filters": Filters(gender="F")}),
    ("type 2 diabetes", {"near": "95482", "filters": Filters(entity="individual")}),
    ("cataract surgery", {"near": "Ukiah, CA", "radius_miles": 100.0, "explain": True}),
    ("dermatologist", {"near": "Ukiah, CA", "limit": 50}),
    ("skin doctor", {"near": "Willits, CA", "filters": Filters(specialty="207N")}),
    ("atrial fibrillation", {"near": "Sacramento, CA"}),
    ("psoriasis", {"near": "Ukiah, CA", "filters": Filters(telehealth=True)}),
    ("lung metastases surgery", {"near": "San Francisco, CA", "explain": True, "limit": 30}),
]


@pytest.fixture(scope="module")
def both(pg_prefix: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str, list[Path]]:
    """The generated Ukiah region ingested into a DuckDB file and, by the CLI, into PostgreSQL."""
    folder = tmp_path_factory.mktemp("both")
    generate(folder / "files", region="ukiah", seed=7)
    files = sorted((folder / "files").glob("*.csv"))
    duck = str(folder / "generated.duckdb")
    assert all(r.status == "loaded" for r in run_ingest(duck, files))
    url = new_schema_url(pg_prefix)
    done = run_docfinder(
        "ingest", "--json", *map(str, files), env={**os.environ, "DOCFINDER_DB": url}
    )
    assert done.returncode == 0, done.stderr
    assert {f["status"] for f in json.loads(done.stdout)["files"]} == {"loaded"}
    return duck, url, files


def test_both_backends_answer_every_query_identically(both: tuple[str, str, list[Path]]) -> None:
    duck, url, _ = both
    # All of one backend, then all of the other: core keeps one store's query understanding.
    expectations = [core.search(duck, text, **options) for text, options in QUERIES]
    answers = [core.search(url, text, **options) for text, options in QUERIES]
    answered = 0
    for (text, options), expected, answer in zip(QUERIES, expectations, answers, strict=True):
        answered += bool(expected["results"])
        assert [r["npi"] for r in answer["results"]] == [r["npi"] for r in expected["results"]]
        assert [r["score"] for r in answer["results"]] == [r["score"] for r in expected["results"]]
        assert answer == expected, (text, options)
    assert answered >= len(QUERIES) - 1, "the queries are meant to find doctors"


def test_searches_run_in_read_only_sessions_as_on_a_replica(
    both: tuple[str, str, list[Path]],
) -> None:
    """A hot-standby replica refuses every write, temporary tables included; a read-only
    session refuses the same, so searching through one shows a replica can serve."""
    duck, url, _ = both
    read_only = url + "&options=" + quote("-c default_transaction_read_only=on")
    with (
        open_store(read_only).connect() as con,
        pytest.raises(psycopg.errors.ReadOnlySqlTransaction),
    ):
        con.execute("CREATE TEMP TABLE probe AS SELECT 1 AS one")
    for text, options in QUERIES[:4]:
        assert core.search(read_only, text, **options) == core.search(duck, text, **options)
    PostgresStore(read_only).close()


def test_provider_profile_stats_and_rejects_match(both: tuple[str, str, list[Path]]) -> None:
    duck, url, _ = both
    npi = core.search(duck, "metastasectomy in Ukia")["results"][0]["npi"]
    assert core.provider(url, npi) == core.provider(duck, npi)
    expected, answer = core.stats(duck), core.stats(url)
    assert answer["tables"] == expected["tables"]
    assert answer["providers_by_status"] == expected["providers_by_status"]
    assert answer["datasets"] == expected["datasets"]
    assert core.rejects(url, include_warnings=True) == core.rejects(duck, include_warnings=True)


def test_postgis_points_and_indexes_are_in_place(both: tuple[str, str, list[Path]]) -> None:
    _, url, _ = both
    store = open_store(url)
    with store.connect() as con:
        # Every search row carries its point, equal to its latitude and longitude.
        off = con.execute(
            """SELECT count(*) FROM code_locations
               WHERE geog IS NULL OR abs(ST_Y(geog::geometry) - lat) > 1e-9
                  OR abs(ST_X(geog::geometry) - lon) > 1e-9"""
        ).fetchall()
        assert off == [(0,)]
        indexes = {
            r[0]
            for r in con.execute(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema()"
            ).fetchall()
        }
    assert any("code_locations USING btree (kind, code, lat)" in i for i in indexes), indexes
    assert any("search_locations USING gist (geog)" in i for i in indexes), indexes


def test_a_failed_build_leaves_the_served_schema_as_it_was(
    both: tuple[str, str, list[Path]], pg_prefix: str
) -> None:
    _, _, files = both
    url = new_schema_url(pg_prefix)
    assert all(r.status == "loaded" for r in run_ingest(url, files[:1]))
    store = PostgresStore(url)
    before = store.version()
    counts = query(url, "SELECT count(*) FROM providers")
    with pytest.raises(RuntimeError), store.build() as builder:
        builder.execute("DELETE FROM providers")
        raise RuntimeError("the build fails part-way")
    assert store.version() == before
    assert query(url, "SELECT count(*) FROM providers") == counts
    assert _schemas(store, "__build_") == []


def test_a_killed_publish_leaves_the_served_schema_and_the_next_build_cleans_up(
    both: tuple[str, str, list[Path]], pg_prefix: str, tmp_path: Path
) -> None:
    _, _, files = both
    url = new_schema_url(pg_prefix)
    assert all(r.status == "loaded" for r in run_ingest(url, files[:1]))
    store = PostgresStore(url)
    before = store.version()
    counts = query(url, "SELECT count(*) FROM providers")
    env = {**os.environ, "DOCFINDER_DB": url}
    child = subprocess.Popen(
        docfinder_cmd("ingest", *map(str, files)), env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while not _schemas(store, "__build_") and child.poll() is None:
            assert time.monotonic() < deadline, "the publish never started"
            time.sleep(0.02)
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
    # Killed while copying into its staging schema: readers still see the old build.
    assert store.version() == before
    assert query(url, "SELECT count(*) FROM providers") == counts
    # The next build drops the leftover and, its work file being ahead of the database,
    # restores it from what is published before loading.
    reports = run_ingest(url, files[1:2])
    assert [r.status for r in reports] == ["loaded"]
    assert _schemas(store, "__build_") == []
    assert store.version() != before


def test_another_machine_restores_the_work_file_from_the_database(
    both: tuple[str, str, list[Path]], pg_prefix: str, tmp_path: Path
) -> None:
    duck, _, files = both
    url = new_schema_url(pg_prefix)
    half = len(files) // 2
    assert all(r.status == "loaded" for r in run_ingest(url, files[:half]))
    PostgresStore(url).work_path().unlink()  # the next ingest runs elsewhere
    assert all(r.status == "loaded" for r in run_ingest(url, files[half:]))
    for table in ("providers", "locations", "procedure_volumes", "drug_volumes", "code_locations"):
        assert query(url, f"SELECT count(*) FROM {table}") == query(
            duck, f"SELECT count(*) FROM {table}"
        ), table
    text = "metastasectomy in Ukia"
    assert [r["npi"] for r in core.search(url, text)["results"]] == [
        r["npi"] for r in core.search(duck, text)["results"]
    ]


def test_one_build_at_a_time(pg_prefix: str) -> None:
    url = new_schema_url(pg_prefix)
    store = PostgresStore(url)
    second = PostgresStore(url)
    with (
        store.build(),
        pytest.raises(StoreError, match="another ingest is building"),
        second.build(),
    ):
        pass


def test_unreachable_database_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match="cannot connect to postgresql://nobody:\\*\\*\\*@"):
        PostgresStore("postgresql://nobody:secret@127.0.0.1:1/none").version()
    with pytest.raises(StoreError, match="lower-case letters"):
        PostgresStore("postgresql://127.0.0.1/db?schema=Bad-Name")


def test_no_data_yet_says_to_ingest(pg_prefix: str) -> None:
    with pytest.raises(StoreError, match="load data first"):
        core.search(new_schema_url(pg_prefix), "psoriasis in Ukiah, CA")


@pytest.mark.shared_data
@pytest.mark.slow
def test_mohs_on_postgres_is_the_duckdb_answer(pg_prefix: str, tmp_path: Path) -> None:
    """The issue's check: ingest the shared Mohs files with DOCFINDER_DB=postgresql://..., then
    `docfinder search "mohs surgery" --near Ukia --json` answers as the DuckDB store does."""
    files = sorted(SHARED.glob("provider_service/mup_phy_prov_svc_*_mohs_17311-17315.csv"))
    files += sorted(SHARED.glob("taxonomy/*.csv"))
    assert len(files) >= 10
    url = new_schema_url(pg_prefix)
    duck = str(tmp_path / "mohs.duckdb")
    answers = []
    for env in ({"DOCFINDER_DB": url}, {"DOCFINDER_DB": duck}):
        env = {**os.environ, **env}
        loaded = run_docfinder("ingest", *map(str, files), env=env)
        assert loaded.returncode == 0, loaded.stderr
        found = run_docfinder("search", "mohs surgery", "--near", "Ukia", "--json", env=env)
        assert found.returncode == 0, found.stderr
        answers.append(json.loads(found.stdout))
    on_postgres, on_duckdb = answers
    assert on_duckdb["results"]
    assert on_postgres == on_duckdb


def _schemas(store: PostgresStore, infix: str) -> list[str]:
    with psycopg.connect(store.conninfo, autocommit=True) as con:
        rows = con.execute(
            "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s) ORDER BY 1",
            [store.schema + infix],
        ).fetchall()
    return [r[0] for r in rows]
