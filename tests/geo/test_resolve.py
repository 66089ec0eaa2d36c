"""PlaceIndex.resolve on every kind of input people type, against the built-in geography."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docfinder.geo import Place, PlaceIndex, PlaceMatch, haversine_miles

UKIAH_CA = (39.15, -123.21)


def slugs(matches: list[PlaceMatch]) -> list[str]:
    return [m.place.slug for m in matches]


def top(places: PlaceIndex, text: str) -> PlaceMatch:
    matches = places.resolve(text)
    assert matches, f"no match for {text!r}"
    return matches[0]


def miles_from(place: Place, point: tuple[float, float]) -> float:
    return haversine_miles(place.lat, place.lon, *point)


# --- ZIP codes ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["95482", "95482-1234", "954821234", "zip 95482", " 95482 "])
def test_zip_and_zip4_resolve_to_the_zip_centroid(places: PlaceIndex, text: str) -> None:
    match = top(places, text)
    assert match.place == Place(
        "95482", "zip", "CA", match.place.lat, match.place.lon, "95482", None
    )
    assert match.confidence == "exact" and match.score == 1.0
    assert abs(match.place.lat - 39.15) < 0.05 and abs(match.place.lon - -123.2) < 0.05


def test_address_ending_in_a_zip_resolves_to_the_zip(places: PlaceIndex) -> None:
    assert slugs(places.resolve("145 Hospital Dr, Ukiah, CA 95482-4563")) == ["95482"]


def test_unknown_zip_falls_back_to_its_three_digit_area(places: PlaceIndex) -> None:
    known = {places.resolve(f"954{n:02d}")[0].confidence for n in range(100)}
    assert known == {"exact", "fuzzy"}, "954xx should hold both known and unknown ZIPs"
    unknown = next(f"954{n:02d}" for n in range(100) if places.zip_place(f"954{n:02d}") is None)
    match = top(places, unknown)
    assert (match.place.kind, match.place.name, match.confidence) == ("zip", unknown, "fuzzy")
    assert match.score < 1.0 and match.place.state == "CA"


def test_zip_area_unknown_everywhere_gives_nothing(places: PlaceIndex) -> None:
    assert places.resolve("00000") == []


# --- cities ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Ukiah, CA",
        "Ukiah CA",
        "ukiah ca",
        "UKIAH, CA",
        "Ukiah, California",
        "Ukiah California",
        "in Ukiah, CA",
        "Ukiah, CA, USA",
    ],
)
def test_city_and_state_forms(places: PlaceIndex, text: str) -> None:
    match = top(places, text)
    assert (match.place.slug, match.place.kind, match.confidence) == ("ukiah-ca", "city", "exact")
    assert match.place.name == "Ukiah, CA" and match.place.state == "CA"
    assert miles_from(match.place, UKIAH_CA) < 3
    assert match.place.population and match.place.population > 10_000


def test_city_in_the_other_state(places: PlaceIndex) -> None:
    assert slugs(places.resolve("Ukiah, OR")) == ["ukiah-or"]
    assert slugs(places.resolve("Ukiah Oregon")) == ["ukiah-or"]


def test_city_alone_ranks_by_population_and_keeps_the_alternatives(places: PlaceIndex) -> None:
    matches = places.resolve("Ukiah")
    assert slugs(matches)[0] == "ukiah-ca"
    assert "ukiah-or" in slugs(matches)[1:]
    assert matches[0].confidence == "exact"  # Ukiah, OR is far smaller
    other = matches[slugs(matches).index("ukiah-or")]
    assert other.confidence == "ambiguous" and other.score < matches[0].score
    assert other.place.population is None  # a town the ZIP list knows, without a population


def test_small_town_known_only_from_its_zips_is_at_their_centroid(places: PlaceIndex) -> None:
    place = top(places, "Ukiah, OR").place
    zip_place = places.zip_place("97880")
    assert zip_place is not None and miles_from(place, (zip_place.lat, zip_place.lon)) < 1


def test_same_size_cities_are_ambiguous(places: PlaceIndex) -> None:
    matches = places.resolve("Springfield")
    assert {m.place.state for m in matches[:3]} <= {"MO", "MA", "IL", "OR", "OH"}
    assert matches[0].confidence == "ambiguous"


def test_a_much_bigger_city_is_not_ambiguous(places: PlaceIndex) -> None:
    matches = places.resolve("Portland")
    assert slugs(matches)[:2] == ["portland-or", "portland-me"]
    assert matches[0].confidence == "exact"


def test_abbreviated_and_spelled_out_saints_meet(places: PlaceIndex) -> None:
    for text in ("St. Louis", "St Louis, MO", "Saint Louis MO", "saint louis, missouri"):
        assert top(places, text).place.slug == "st-louis-mo", text


def test_nicknames(places: PlaceIndex) -> None:
    assert top(places, "NYC").place.slug == "new-york-city-ny"
    assert top(places, "Washington DC").place.slug == "washington-dc"
    la = places.resolve("LA")
    assert {"la", "los-angeles-ca"} <= set(slugs(la))
    assert {m.confidence for m in la if m.place.slug in ("la", "los-angeles-ca")} == {"ambiguous"}


def test_town_named_in_no_zip_but_accepted_by_one(places: PlaceIndex) -> None:
    # Williamsville, NY is mailed as Buffalo 14221; the ZIP list accepts the name.
    match = top(places, "Williamsville, NY")
    assert match.place.slug == "williamsville-ny" and match.confidence == "exact"
    assert miles_from(match.place, (42.96, -78.74)) < 10


def test_name_not_in_the_state_given_falls_back_to_the_state(places: PlaceIndex) -> None:
    matches = places.resolve("Ukiah, NV")
    assert slugs(matches)[0] == "nv"
    assert "ukiah-ca" in slugs(matches)
    assert {m.confidence for m in matches} == {"fuzzy"}


# --- misspellings ---------------------------------------------------------------------------


def test_misspelled_ukiah(places: PlaceIndex) -> None:
    matches = places.resolve("Ukia")
    assert slugs(matches)[0] == "ukiah-ca"
    assert "ukiah-or" in slugs(matches)
    assert matches[0].confidence == "fuzzy"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Santa Rosaa", "santa-rosa-ca"),
        ("san fransisco", "san-francisco-ca"),
        ("Los Angles", "los-angeles-ca"),
        ("Sacremento", "sacramento-ca"),
        ("Pheonix", "phoenix-az"),
        ("Cincinatti", "cincinnati-oh"),
        ("Filadelfia", "philadelphia-pa"),  # found by sound (metaphone), not by spelling
        ("Ukaih, CA", "ukiah-ca"),
        ("Ukiah, Californa", "ukiah-ca"),
        ("Californa", "ca"),
        ("Mendocino Conty", "mendocino-county-ca"),
    ],
)
def test_misspellings(places: PlaceIndex, text: str, slug: str) -> None:
    match = top(places, text)
    assert match.place.slug == slug
    assert match.confidence in ("fuzzy", "exact")


def test_fuzzy_scores_below_exact(places: PlaceIndex) -> None:
    assert top(places, "Ukia").score < top(places, "Ukiah").score


def test_a_misspelling_limited_to_the_state_given(places: PlaceIndex) -> None:
    match = top(places, "Santa Rosaa, NM")
    assert (match.place.slug, match.confidence) == ("santa-rosa-nm", "fuzzy")


# --- counties and states --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Mendocino County",
        "Mendocino County, CA",
        "mendocino county california",
        "Mendocino Co",
        "Mendocino Co., CA",
    ],
)
def test_counties(places: PlaceIndex, text: str) -> None:
    match = top(places, text)
    assert (match.place.slug, match.place.kind, match.place.state) == (
        "mendocino-county-ca",
        "county",
        "CA",
    )
    assert match.place.name == "Mendocino County, CA"
    assert miles_from(match.place, UKIAH_CA) < 40  # the centroid of the county's ZIPs


def test_county_word_prefers_its_kind(places: PlaceIndex) -> None:
    assert top(places, "Orleans Parish").place.slug == "orleans-parish-la"
    assert top(places, "Meeker, CO").place.slug == "meeker-co"  # CO is Colorado here


def test_a_town_and_its_county(places: PlaceIndex) -> None:
    matches = places.resolve("Mendocino")
    assert slugs(matches)[:2] == ["mendocino-ca", "mendocino-county-ca"]
    assert matches[0].confidence == "exact"  # both lead to the same area


@pytest.mark.parametrize("text", ["California", "california", "CA"])
def test_states(places: PlaceIndex, text: str) -> None:
    match = top(places, text)
    assert (match.place.slug, match.place.kind, match.place.name) == ("ca", "state", "California")
    assert match.confidence == "exact"
    assert 34 < match.place.lat < 40 and -123 < match.place.lon < -116


def test_lowercase_code_alone_may_be_a_state(places: PlaceIndex) -> None:
    match = top(places, "ca")
    assert (match.place.slug, match.confidence) == ("ca", "ambiguous")
    assert top(places, "in").place.slug == "in"
    assert places.looks_like_place("in") < places.looks_like_place("CA") < 0.9


def test_state_and_city_of_the_same_name(places: PlaceIndex) -> None:
    matches = places.resolve("New York")
    assert slugs(matches)[:2] == ["new-york-city-ny", "ny"]
    assert matches[0].confidence == "ambiguous"
    assert top(places, "West Virginia").place.slug == "wv"


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Washington State", "wa"), ("new york state", "ny"), ("state of New York", "ny")],
)
def test_a_state_named_as_a_state(places: PlaceIndex, text: str, slug: str) -> None:
    matches = places.resolve(text)
    assert slugs(matches) == [slug]
    assert matches[0].confidence == "exact"


def test_usps_truncated_names_are_not_places(places: PlaceIndex) -> None:
    # ZIP 20374 accepts "Washington Na", USPS's 13-letter cut of "Washington Navy Yard".
    assert places.by_slug("washington-na-dc") is None
    assert places.by_slug("washington-navy-yard-dc") is not None


# --- coordinates and near me ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["39.15,-123.21", "39.15 -123.21", "39.15, -123.21", "(39.15, -123.21)", "39.15N 123.21W"],
)
def test_coordinates(places: PlaceIndex, text: str) -> None:
    match = top(places, text)
    assert (match.place.kind, match.place.lat, match.place.lon) == ("coordinates", 39.15, -123.21)
    assert (match.confidence, match.score, match.place.state) == ("exact", 1.0, None)


@pytest.mark.parametrize("text", ["95.0,-123.2", "39.1,-190.5"])
def test_out_of_range_coordinates_are_not_a_point(places: PlaceIndex, text: str) -> None:
    assert all(m.place.kind != "coordinates" for m in places.resolve(text))


@pytest.mark.parametrize("text", ["near me", "Near Me", "nearby", "close to me", "around here"])
def test_near_me_without_a_position(places: PlaceIndex, text: str) -> None:
    match = top(places, text)
    assert (match.place.kind, match.place.slug, match.confidence) == (
        "near_me",
        "near-me",
        "ambiguous",
    )
    assert (match.place.lat, match.place.lon) == (0.0, 0.0)


def test_near_me_with_the_callers_position(places: PlaceIndex) -> None:
    by_keyword = places.resolve("near me", lat=39.1, lon=-123.2)
    assert places.resolve("near me", 5, 39.1, -123.2) == by_keyword
    (match,) = by_keyword
    assert (match.place.kind, match.place.lat, match.place.lon) == ("near_me", 39.1, -123.2)
    assert match.confidence == "exact"


def test_a_named_place_wins_over_near_me(places: PlaceIndex) -> None:
    assert top(places, "Ukiah nearby").place.slug == "ukiah-ca"


# --- the contract ---------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", ",", "xqzzyqv", "skin cancer", "dermatologist"])
def test_no_place(places: PlaceIndex, text: str) -> None:
    assert places.resolve(text) == []


def test_limit(places: PlaceIndex) -> None:
    assert len(places.resolve("Springfield", limit=3)) == 3
    assert len(places.resolve("Springfield", limit=1)) == 1
    assert places.resolve("Springfield", limit=0) == []


def test_default_index_is_built_once(places: PlaceIndex) -> None:
    assert PlaceIndex.default() is places


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_valid_ranked_matches(text: str) -> None:
    matches = PlaceIndex.default().resolve(text)
    assert len(matches) <= 5
    assert all(0.0 <= m.score <= 1.0 for m in matches)
    assert [m.score for m in matches] == sorted((m.score for m in matches), reverse=True)
    assert all(m.confidence in ("exact", "fuzzy", "ambiguous") for m in matches)
    assert len({m.place.slug for m in matches}) == len(matches)


# --- looks_like_place -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("95482", 1.0, 1.0),
        ("near me", 1.0, 1.0),
        ("39.15,-123.21", 1.0, 1.0),
        ("Ukiah, CA", 0.9, 1.0),
        ("California", 0.9, 1.0),
        ("Ukiah", 0.7, 0.95),
        ("Santa Rosaa", 0.6, 0.95),
        ("colon", 0.0, 0.5),  # Colon, MI exists, but it is mostly a word
        ("cataract", 0.0, 0.5),
        ("skin cancer", 0.0, 0.0),
        ("", 0.0, 0.0),
    ],
)
def test_looks_like_place(places: PlaceIndex, text: str, low: float, high: float) -> None:
    assert low <= places.looks_like_place(text) <= high
