"""PlaceIndex.from_store on a store built by `docfinder ingest` of ../shared/data/geo."""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pytest

from docfinder.geo import PlaceIndex, haversine_miles
from docfinder.store import DuckDBStore

pytestmark = pytest.mark.shared_data

QUERIES = (
    "Ukiah, CA",
    "Ukiah",
    "Ukia",
    "Santa Rosaa",
    "san fransisco",
    "Mendocino County",
    "California",
    "St. Louis",
    "95482",
    "Portland",
    "Los Angles",
)


def test_store_populations_are_used(store_places: PlaceIndex, places: PlaceIndex) -> None:
    ukiah_or = store_places.resolve("Ukiah, OR")[0].place
    assert ukiah_or.population is not None  # the package list does not know it
    assert places.resolve("Ukiah, OR")[0].place.population is None
    matches = store_places.resolve("Ukiah")
    assert [m.place.slug for m in matches][:2] == ["ukiah-ca", "ukiah-or"]
    assert matches[0].confidence == "exact"


def test_zip_population_and_county_population(store_places: PlaceIndex) -> None:
    zip_place = store_places.resolve("95482")[0].place
    assert zip_place.population and zip_place.population > 20_000  # Census Gazetteer
    county = store_places.resolve("Mendocino County, CA")[0].place
    assert county.slug == "mendocino-county-ca"
    assert county.population and 50_000 < county.population < 150_000  # sum of its ZCTAs


def test_store_and_default_agree_on_what_matters(
    store_places: PlaceIndex, places: PlaceIndex
) -> None:
    for text in QUERIES:
        mine, theirs = store_places.resolve(text)[0], places.resolve(text)[0]
        assert mine.place.slug == theirs.place.slug, text
        assert mine.place.kind == theirs.place.kind, text
        apart = haversine_miles(mine.place.lat, mine.place.lon, theirs.place.lat, theirs.place.lon)
        assert apart < 15 or mine.place.kind == "state", (text, apart)  # sources differ


def test_county_names_written_without_their_suffix_keep_the_slug(
    store_places: PlaceIndex,
) -> None:
    # The store's ZIP files write "Mendocino", "Orleans", "City of Richmond".
    assert store_places.resolve("Orleans Parish")[0].place.slug == "orleans-parish-la"
    assert store_places.resolve("Richmond city, VA")[0].place.slug == "richmond-city-va"


def test_slugs_round_trip_in_the_store_index(store_places: PlaceIndex) -> None:
    for text in QUERIES:
        place = store_places.resolve(text)[0].place
        assert store_places.by_slug(place.slug) == place


def test_from_store_is_quick_and_reads_only(geo_store: Path) -> None:
    con = DuckDBStore(geo_store).connect()
    try:
        started = time.perf_counter()
        index = PlaceIndex.from_store(con)
        assert time.perf_counter() - started < 10
        assert index.resolve("Ukiah, CA")[0].place.slug == "ukiah-ca"
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM zips")
    finally:
        con.close()


def test_from_an_empty_new_store(db: Path) -> None:
    """A store with only the built-in geography resolves like the default index."""
    con = DuckDBStore(db).connect()
    try:
        index = PlaceIndex.from_store(con)
    finally:
        con.close()
    assert index.resolve("Ukiah")[0].place.slug == "ukiah-ca"
    assert index.resolve("Mendocino County")[0].place.slug == "mendocino-county-ca"
