"""Web fixtures: an app over the generated Ukiah demo region, and its test client.

The store is `docfinder generate --region ukiah --seed 7`, ingested: the same store, in the same
place and under the same lock, as tests/ranking's `generated` fixture, so a run builds it once.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from docfinder.generate import generate
from docfinder.ingest import run_ingest
from docfinder.web import WebSettings, create_app

# Starlette's test client says it will move to httpx2; httpx is what docfinder pins today.
warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
from fastapi.testclient import TestClient  # noqa: E402

NEAR_UKIAH = {"lat": 39.15, "lon": -123.21}


@contextlib.contextmanager
def _exclusive(lock_path: Path) -> Iterator[None]:
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run_root(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    root = tmp_path_factory.getbasetemp()
    return root.parent if hasattr(request.config, "workerinput") else root


@dataclass(frozen=True)
class DemoStore:
    db: Path
    files: Path


@pytest.fixture(scope="session")
def demo_store(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> DemoStore:
    """The generated Ukiah region, ingested once per run (shared with tests/ranking)."""
    root = _run_root(tmp_path_factory, request) / "ranking"
    root.mkdir(exist_ok=True)
    with _exclusive(root / "generated.lock"):
        done = root / "generated.json"
        if not done.exists():
            folder = root / "generated"
            files = folder / "files"
            generate(files, region="ukiah", seed=7)
            db = folder / "generated.duckdb"
            reports = run_ingest(str(db), sorted(files.glob("*.csv")))
            assert all(r.status == "loaded" for r in reports), reports
            done.write_text(json.dumps({"folder": str(files), "db": str(db)}))
        built: dict[str, Any] = json.loads(done.read_text())
    return DemoStore(Path(built["db"]), Path(built["folder"]))


@pytest.fixture(scope="session")
def settings(demo_store: DemoStore) -> WebSettings:
    # No tiles: tests never reach the network.
    return WebSettings(
        db=str(demo_store.db),
        tile_url="",
        base_url="https://docfinder.test",
        report_email="errors@docfinder.test",
        cors_origins=("https://app.test",),
    )


@pytest.fixture(scope="session")
def client(settings: WebSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings), follow_redirects=False) as test_client:
        yield test_client
