"""Stores for the ranking tests, each built once per test run and shared by the xdist workers.

- `mohs`: every Mohs surgery provider x service file of ../shared/data (2013-2021) and the
  taxonomy files, exactly as published;
- `psoriasis`: the third-party openmedicare records of the dermatologists within 150 miles of
  Fresno, CA, turned into official-layout files by the test-only openmedicare_adapter.py;
- `generated`: `docfinder generate --region ukiah --seed 7`, ingested.

The searches the tests read are run once, when their store is built. Small stores for single
behaviours are built in code with `tiny` (per test) or `make_tiny` (per module).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from openmedicare_adapter import Adapted, adapt_region
from ranking_support import (
    SHARED_DATA,
    SHARED_MISSING,
    ClaimsIndex,
    FileKit,
    TinyStore,
    read_claims,
    zip_centroid,
)

import pg_support
from docfinder import core
from docfinder.catalog.loader import load_catalog
from docfinder.catalog.model import Catalog
from docfinder.generate import generate
from docfinder.ingest import run_ingest
from docfinder.search.candidates import Target
from docfinder.search.engine import target_for
from run_once import build_once

MOHS_GLOB = "provider_service/mup_phy_prov_svc_*_mohs_17311-17315.csv"
TAXONOMY_GLOB = "taxonomy/*.csv"
DERIVED_FILE = "medicare_derived/openmedicare_providers_top_procedures_2014-2023.jsonl.gz"
PSORIASIS_CITY = ("Fresno", "CA")
PSORIASIS_REACH_MILES = 150.0


def _once(
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
    name: str,
    build: Callable[[Path], dict[str, Any]],
) -> dict[str, Any]:
    """Run `build(folder)` once per test run; every worker gets its JSON-able result."""
    return build_once(tmp_path_factory, request, name, build, "ranking")


def _on_backend(
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
    name: str,
    built: dict[str, Any],
    searches: list[Search],
) -> dict[str, Any]:
    """The DuckDB store as built, or (param "postgres") the same store published once per run
    to a PostgreSQL schema of its own, with its searches run there."""
    if request.param == "duckdb":
        return built
    prefix = request.getfixturevalue("pg_prefix")

    def build(folder: Path) -> dict[str, Any]:
        url = pg_support.publish(Path(built["db"]), pg_support.schema_url(f"{prefix}_{name}"))
        return {**built, "db": url, "searched": _run_searches(url, searches)}

    return _once(tmp_path_factory, request, f"{name}-postgres", build)


def location(db: str) -> Path | str:
    """A DuckDB store's path, or a PostgreSQL URL as it is."""
    return db if pg_support.is_postgres_url(db) else Path(db)


def _loaded(reports: list[Any]) -> None:
    bad = [r for r in reports if r.status != "loaded"]
    assert not bad, bad


# --- searches ---------------------------------------------------------------------------------

Search = tuple[str, dict[str, Any]]  # text and core.search options
_SEARCHES: dict[str, dict[str, Any]] = {}


def _key(db: Path | str, text: str, options: dict[str, Any]) -> str:
    return json.dumps([str(db), text, options], sort_keys=True)


def cached_search(db: Path | str, text: str, **options: Any) -> dict[str, Any]:
    """`core.search` (the facade the CLI calls), each distinct search once per worker."""
    key = _key(db, text, options)
    if key not in _SEARCHES:
        _SEARCHES[key] = core.search(str(db), text, **options)
    return _SEARCHES[key]


def _run_searches(db: Path | str, searches: list[Search]) -> dict[str, dict[str, Any]]:
    # Run where the store is built: core keeps the query understanding of one store at a time,
    # and rebuilding it costs seconds each time xdist workers alternate between stores.
    return {
        _key(db, text, options): core.search(str(db), text, **options) for text, options in searches
    }


@dataclass(frozen=True)
class SearchedStore:
    """A store and the results of the searches run once when it was built."""

    db: Path | str
    searched: dict[str, dict[str, Any]]

    def search(self, text: str, **options: Any) -> dict[str, Any]:
        found = self.searched.get(_key(self.db, text, options))
        return found if found is not None else cached_search(self.db, text, **options)


# --- the real Mohs files ----------------------------------------------------------------------

MOHS_SEARCHES: list[Search] = [
    ("mohs surgery", {"near": near, "limit": limit, **extra})
    for near in ("95482", "Ukia")
    for limit, extra in ((10, {}), (200, {"explain": True}))
]


def _year_of(path: Path) -> int:
    found = re.search(r"_(\d{4})_", path.name)
    assert found, path
    return int(found.group(1))


@pytest.fixture(scope="session")
def mohs_files() -> list[tuple[int, Path]]:
    """(data year, path) of every Mohs provider x service file, oldest first."""
    if not SHARED_DATA.is_dir():
        pytest.skip(SHARED_MISSING)
    files = sorted((_year_of(p), p) for p in SHARED_DATA.glob(MOHS_GLOB))
    assert len(files) >= 9, "expected the Mohs files of 2013-2021"
    return files


@pytest.fixture(scope="session")
def mohs_claims(mohs_files: list[tuple[int, Path]]) -> ClaimsIndex:
    return read_claims(mohs_files)


@pytest.fixture(scope="session", params=pg_support.BACKENDS)
def mohs(
    mohs_files: list[tuple[int, Path]],
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> SearchedStore:
    """The Mohs files of every year and the taxonomy files, ingested as published."""

    def build(folder: Path) -> dict[str, Any]:
        db = folder / "mohs.duckdb"
        taxonomy = sorted(SHARED_DATA.glob(TAXONOMY_GLOB))
        _loaded(run_ingest(str(db), [p for _, p in mohs_files] + taxonomy))
        return {"db": str(db), "searched": _run_searches(db, MOHS_SEARCHES)}

    built = _once(tmp_path_factory, request, "mohs", build)
    built = _on_backend(tmp_path_factory, request, "mohs", built, MOHS_SEARCHES)
    return SearchedStore(location(built["db"]), built["searched"])


# --- the third-party derived psoriasis records -------------------------------------------------


PSORIASIS_SEARCHES: list[Search] = [
    ("psoriasis", {"near": f"{PSORIASIS_CITY[0]}, {PSORIASIS_CITY[1]}", "limit": 200,
                   "explain": True}),
    (f"psoriasis in {PSORIASIS_CITY[0]}, {PSORIASIS_CITY[1]}", {"limit": 200}),
]  # fmt: skip


@dataclass(frozen=True)
class PsoriasisStore(SearchedStore):
    city: tuple[str, str]
    adapted: Adapted


@pytest.fixture(scope="session", params=pg_support.BACKENDS)
def psoriasis(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> PsoriasisStore:
    if not (SHARED_DATA / DERIVED_FILE).is_file():
        pytest.skip(SHARED_MISSING)

    def build(folder: Path) -> dict[str, Any]:
        adapted = adapt_region(
            SHARED_DATA / DERIVED_FILE, PSORIASIS_CITY, PSORIASIS_REACH_MILES, folder / "in"
        )
        db = folder / "psoriasis.duckdb"
        _loaded(run_ingest(str(db), adapted.paths))
        searched = _run_searches(db, PSORIASIS_SEARCHES)
        return {"db": str(db), "adapted": adapted.to_json(), "searched": searched}

    built = _once(tmp_path_factory, request, "psoriasis", build)
    built = _on_backend(tmp_path_factory, request, "psoriasis", built, PSORIASIS_SEARCHES)
    adapted = Adapted.from_json(built["adapted"])
    return PsoriasisStore(location(built["db"]), built["searched"], PSORIASIS_CITY, adapted)


# --- generated Ukiah data ---------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    folder: Path
    db: Path | str
    manifest: dict[str, Any]


@pytest.fixture(scope="session", params=pg_support.BACKENDS)
def generated(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Generated:
    def build(folder: Path) -> dict[str, Any]:
        files = folder / "files"
        generate(files, region="ukiah", seed=7)
        db = folder / "generated.duckdb"
        _loaded(run_ingest(str(db), sorted(files.glob("*.csv"))))
        return {"folder": str(files), "db": str(db)}

    built = _once(tmp_path_factory, request, "generated", build)
    built = _on_backend(tmp_path_factory, request, "generated", built, [])
    folder = Path(built["folder"])
    manifest = json.loads((folder / "manifest.json").read_text())
    return Generated(folder, location(built["db"]), manifest)


@pytest.fixture(scope="session")
def search() -> Callable[..., dict[str, Any]]:
    return cached_search


# --- catalog and tiny stores ------------------------------------------------------------------


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(scope="session")
def mohs_target(catalog: Catalog) -> Target:
    target = target_for("mohs-surgery", "Mohs surgery", "procedure", catalog)
    assert target is not None
    return target


@pytest.fixture(scope="session")
def psoriasis_target(catalog: Catalog) -> Target:
    target = target_for("psoriasis", "Psoriasis", "condition", catalog)
    assert target is not None
    return target


@pytest.fixture(scope="session")
def metastasectomy_target(catalog: Catalog) -> Target:
    target = target_for("metastasectomy", "Metastasectomy", "procedure", catalog)
    assert target is not None
    return target


UKIAH_ZIP = "95482"


@pytest.fixture
def db(any_db: str) -> Path | str:
    """Tiny stores are built on both backends."""
    return location(any_db)


@pytest.fixture
def tiny(kit: Any, db: Path) -> TinyStore:
    """An empty store of this test's own; the search point is the Ukiah ZIP's centroid."""
    return TinyStore(kit, db, zip_centroid(UKIAH_ZIP))


@pytest.fixture(scope="session")
def make_tiny(
    template_store: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[], TinyStore]:
    """New empty tiny stores, for module fixtures whose store several tests read."""

    def make() -> TinyStore:
        folder = tmp_path_factory.mktemp("tiny")
        db = folder / "store.duckdb"
        shutil.copyfile(template_store, db)
        return TinyStore(FileKit(folder / "in"), db, zip_centroid(UKIAH_ZIP))

    return make
