"""Web fixtures: an app over the generated Ukiah demo region, and its test client.

The store is `docfinder generate --region ukiah --seed 7`, ingested: the same store, in the same
place and under the same lock, as tests/ranking's `generated` fixture, so a run builds it once.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from web_support import build_once

import pg_support
from docfinder.generate import generate
from docfinder.ingest import run_ingest
from docfinder.web import WebSettings, create_app

# Starlette's test client says it will move to httpx2; httpx is what docfinder pins today.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from fastapi.testclient import TestClient  # noqa: E402

NEAR_UKIAH = {"lat": 39.15, "lon": -123.21}


@dataclass(frozen=True)
class DemoStore:
    db: Path
    files: Path


@pytest.fixture(scope="session")
def demo_store(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> DemoStore:
    """The generated Ukiah region, ingested once per run (shared with tests/ranking)."""

    def build(folder: Path) -> dict[str, Any]:
        files = folder / "files"
        generate(files, region="ukiah", seed=7)
        db = folder / "generated.duckdb"
        reports = run_ingest(str(db), sorted(files.glob("*.csv")))
        assert all(r.status == "loaded" for r in reports), reports
        return {"folder": str(files), "db": str(db)}

    # tests/ranking's `generated` fixture builds the same store under this name and lock.
    built = build_once(tmp_path_factory, request, "generated", build, group="ranking")
    return DemoStore(Path(built["db"]), Path(built["folder"]))


@pytest.fixture(scope="session")
def web_backend(request: pytest.FixtureRequest) -> str:
    """The backend the app reads: DuckDB unless a module parametrises it (indirectly)."""
    return str(getattr(request, "param", "duckdb"))


@pytest.fixture(scope="session")
def store_location(
    demo_store: DemoStore,
    web_backend: str,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> str:
    """The demo store's location on the backend: its DuckDB path, or a PostgreSQL URL of the
    same store published once per run (shared with tests/ranking's `generated[postgres]`)."""
    if web_backend == "duckdb":
        return str(demo_store.db)
    prefix = request.getfixturevalue("pg_prefix")

    def build(folder: Path) -> dict[str, Any]:
        url = pg_support.publish(demo_store.db, pg_support.schema_url(f"{prefix}_generated"))
        return {"folder": str(demo_store.files), "db": url, "searched": {}}

    built = build_once(tmp_path_factory, request, "generated-postgres", build, group="ranking")
    return str(built["db"])


@pytest.fixture(scope="session")
def settings(store_location: str) -> WebSettings:
    # No tiles: tests never reach the network.
    return WebSettings(
        db=store_location,
        tile_url="",
        base_url="https://docfinder.test",
        report_email="errors@docfinder.test",
        cors_origins=("https://app.test",),
    )


@pytest.fixture(scope="session")
def client(settings: WebSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client
