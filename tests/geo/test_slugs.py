"""Slugs: lowercase ASCII words joined by hyphens, unique, and by_slug inverts them."""

from __future__ import annotations

import re

import pytest

from docfinder.geo import Place, PlaceIndex, sources
from docfinder.geo.gazetteer import Entry, build
from docfinder.geo.text import slugify
from docfinder.geo.weights import WEIGHTS

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    gazetteer = build(sources.package_zips(), sources.package_places(), WEIGHTS)
    return [*gazetteer.states, *gazetteer.counties, *gazetteer.cities]


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Ukiah, CA", "ukiah-ca"),
        ("St. Louis, MO", "st-louis-mo"),
        ("Saint Louis, MO", "st-louis-mo"),
        ("Mendocino County, CA", "mendocino-county-ca"),
        ("California", "ca"),
        ("95482", "95482"),
        ("Coeur d'Alene, ID", "coeur-dalene-id"),
        ("Cañon City, CO", "canon-city-co"),
        ("Winston-Salem, NC", "winston-salem-nc"),
    ],
)
def test_known_slugs(places: PlaceIndex, text: str, slug: str) -> None:
    place = places.resolve(text)[0].place
    assert place.slug == slug
    assert places.by_slug(slug) == place


def test_every_place_has_a_unique_well_formed_slug_that_finds_it(
    places: PlaceIndex, entries: list[Entry]
) -> None:
    seen: dict[str, Place] = {}
    for entry in entries:
        place = entry.place
        assert SLUG.match(place.slug), place
        assert place.slug not in seen, (place, seen.get(place.slug))
        seen[place.slug] = place
        assert places.by_slug(place.slug) == place
    assert len(seen) > 30_000


def test_zip_slugs_round_trip(places: PlaceIndex) -> None:
    for zip5 in ("95482", "97880", "10001", "00501"):
        place = places.zip_place(zip5)
        assert place is not None and place.slug == zip5
        assert places.by_slug(zip5) == place


def test_variant_spellings_of_a_slug(places: PlaceIndex) -> None:
    ukiah = places.by_slug("ukiah-ca")
    assert ukiah is not None and ukiah.name == "Ukiah, CA"
    assert places.by_slug("UKIAH-CA") == ukiah
    assert places.by_slug("saint-louis-mo") == places.by_slug("st-louis-mo")
    assert places.by_slug("california") == places.by_slug("ca")


def test_coordinates_slug_round_trips(places: PlaceIndex) -> None:
    place = places.resolve("39.15,-123.21")[0].place
    assert place.slug == "39.1500,-123.2100"
    assert places.by_slug(place.slug) == place


@pytest.mark.parametrize("slug", ["", "nowhere-zz", "99999", "near-me", "ukiah"])
def test_unknown_slugs(places: PlaceIndex, slug: str) -> None:
    assert places.by_slug(slug) is None


def test_slugify_is_ascii_lowercase_hyphenated() -> None:
    assert slugify("  São Tomé & Príncipe!! ") == "sao-tome-and-principe"
