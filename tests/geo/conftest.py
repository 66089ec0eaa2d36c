"""Place-resolution fixtures: the built-in index, and a store built from ../shared/data/geo."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from docfinder.geo import PlaceIndex
from docfinder.store import DuckDBStore

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
GEO_FILES = (
    "geo/census_gazetteer_zcta_2010.csv",
    "geo/geonames_US_postal_codes.txt",
    "geo/us_zip_latlon_semicolon.csv",
    "geo/us_cities_simplemaps_basic.parquet",
)


@pytest.fixture(scope="session")
def places() -> PlaceIndex:
    """The index built from the installed packages (offline)."""
    return PlaceIndex.default()


@pytest.fixture(scope="session")
def geo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made by `docfinder ingest` of the shared geography files."""
    paths = [SHARED / name for name in GEO_FILES]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"needs the shared data folder ../shared/data (missing: {missing[0]})")
    db = tmp_path_factory.mktemp("geo_store") / "geo.duckdb"
    command = [sys.executable, "-c", "from docfinder.cli import main; main()", "ingest"]
    done = subprocess.run(
        [*command, "--db", str(db), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return db


@pytest.fixture(scope="session")
def store_places(geo_store: Path) -> Iterator[PlaceIndex]:
    """The index built from that store's zips and places tables."""
    con = DuckDBStore(geo_store).connect()
    try:
        yield PlaceIndex.from_store(con)
    finally:
        con.close()
