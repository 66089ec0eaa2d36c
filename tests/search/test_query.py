"""Query parsing: the what split from the where, "near me", alternatives and notes, with the
real matcher and the national place index."""

from __future__ import annotations

import json
import math

import pytest

from docfinder.catalog.matcher import Matcher
from docfinder.geo import PlaceIndex
from docfinder.search.query import ParsedQuery, parse, place_dict


def read(text: str, matcher: Matcher, places: PlaceIndex, **kw: float) -> ParsedQuery:
    return parse(text, matcher, places, **kw)


def slugs(parsed: ParsedQuery) -> tuple[str | None, str | None]:
    return (
        parsed.what.slug if parsed.what else None,
        parsed.where.slug if parsed.where else None,
    )


def alternative_slugs(parsed: ParsedQuery) -> list[tuple[str | None, str | None]]:
    return [
        (a["what"] and a["what"]["slug"], a["where"] and a["where"]["slug"])
        for a in parsed.alternatives
    ]


@pytest.mark.parametrize(
    ("text", "what", "where"),
    [
        ("metastasectomy in Ukia", "metastasectomy", "ukiah-ca"),
        ("lung metastasis surgery 95482", "metastasectomy", "95482"),
        ("dermatologist ukiah ca", "specialty:207N00000X", "ukiah-ca"),
        ("Dermatologist, Ukiah, CA", "specialty:207N00000X", "ukiah-ca"),
        ("mohs surgery santa rosa", "mohs-surgery", "santa-rosa-ca"),
        ("skin doctor near 95482", "specialty:207N00000X", "95482"),
        ("psoriasis", "psoriasis", None),
        ("95482 dermatologist", "specialty:207N00000X", "95482"),
        ("dermatologist within 25 miles of santa rosa", "specialty:207N00000X", "santa-rosa-ca"),
        ("colonoscopy zip 15213", "colonoscopy", "15213"),
        ("soriasis dermatologist in san fransisco", "psoriasis", "san-francisco-ca"),
        ("i need a good doctor for my psoriasis in ukiah", "psoriasis", "ukiah-ca"),
        ("who does metastasectomy in california", "metastasectomy", "ca"),
        ("psoriasis doctor mendocino county", "psoriasis", "mendocino-county-ca"),
        ("colon cancer", "colorectal-cancer", None),  # "Colon" is a town too
        ("lung metastasis surgery", "metastasectomy", None),  # "surgery" is not a place
    ],
)
def test_the_what_and_the_where(
    matcher: Matcher, places: PlaceIndex, text: str, what: str, where: str | None
) -> None:
    parsed = read(text, matcher, places)
    assert slugs(parsed) == (what, where)
    assert parsed.near_me is False
    assert parsed.text == text


def test_near_me_without_a_location(matcher: Matcher, places: PlaceIndex) -> None:
    parsed = read("best psoriasis doctors near me", matcher, places)
    assert parsed.what is not None and parsed.what.slug == "psoriasis"
    assert parsed.near_me is True
    assert parsed.where is not None and parsed.where.kind == "near_me"
    assert any("location" in note for note in parsed.notes)
    assert place_dict(parsed.where) == {
        "name": "near me",
        "state": None,
        "lat": None,
        "lon": None,
        "slug": "near-me",
        "kind": "near_me",
    }


@pytest.mark.parametrize("phrase", ["near me", "nearby", "close to me", "around me"])
def test_near_me_with_the_callers_position(
    matcher: Matcher, places: PlaceIndex, phrase: str
) -> None:
    parsed = read(f"mohs surgery {phrase}", matcher, places, lat=39.15, lon=-123.2)
    assert parsed.what is not None and parsed.what.slug == "mohs-surgery"
    assert parsed.near_me is True
    assert parsed.where is not None
    assert (parsed.where.kind, parsed.where.lat, parsed.where.lon) == ("near_me", 39.15, -123.2)
    assert not any("location" in note for note in parsed.notes)


def test_a_place_named_beside_near_me_wins(matcher: Matcher, places: PlaceIndex) -> None:
    parsed = read("dermatologist near me in ukiah", matcher, places, lat=40.0, lon=-120.0)
    assert slugs(parsed) == ("specialty:207N00000X", "ukiah-ca")
    assert parsed.near_me is True


def test_a_place_alone(matcher: Matcher, places: PlaceIndex) -> None:
    parsed = read("Ukiah, CA", matcher, places)
    assert slugs(parsed) == (None, "ukiah-ca")
    assert parsed.notes == ["nothing to search for: name a treatment, condition or kind of doctor"]


def test_a_lone_zip_is_a_place_and_the_code_an_alternative(
    matcher: Matcher, places: PlaceIndex
) -> None:
    parsed = read("95482", matcher, places)
    assert slugs(parsed) == (None, "95482")
    assert ("code:95482", None) in alternative_slugs(parsed)


def test_a_procedure_code_with_a_place(matcher: Matcher, places: PlaceIndex) -> None:
    assert slugs(read("CPT 17311 in ukiah", matcher, places)) == ("code:17311", "ukiah-ca")


def test_no_match_says_so_with_suggestions(matcher: Matcher, places: PlaceIndex) -> None:
    parsed = read("pizza in ukiah", matcher, places)
    assert slugs(parsed) == (None, "ukiah-ca")
    assert parsed.notes and parsed.notes[0].startswith("no treatment, condition or specialty")
    nonsense = read("xyzzy", matcher, places)
    assert slugs(nonsense) == (None, None)
    assert nonsense.notes


def test_nothing_at_all(matcher: Matcher, places: PlaceIndex) -> None:
    for text in ("", "   ", "best doctors near me"):
        parsed = read(text, matcher, places)
        assert parsed.what is None
        assert parsed.notes


@pytest.mark.parametrize("text", ["hello", "weather tomorrow", "car insurance quotes"])
def test_words_that_only_resemble_a_town_are_no_place(
    matcher: Matcher, places: PlaceIndex, text: str
) -> None:
    assert slugs(read(text, matcher, places)) == (None, None)


def test_did_you_mean_for_a_fuzzy_what_and_a_fuzzy_place(
    matcher: Matcher, places: PlaceIndex
) -> None:
    parsed = read("lung metastasis surgery in ukia", matcher, places)
    assert slugs(parsed) == ("metastasectomy", "ukiah-ca")
    assert any(n.startswith('did you mean "Metastasectomy"') for n in parsed.notes)
    assert any(n.startswith("did you mean Ukiah, CA") for n in parsed.notes)


def test_no_note_for_an_exact_reading(matcher: Matcher, places: PlaceIndex) -> None:
    assert read("psoriasis doctor ukiah ca", matcher, places).notes == []


def test_alternatives_for_an_ambiguous_place(matcher: Matcher, places: PlaceIndex) -> None:
    parsed = read("metastasectomy in ukiah", matcher, places)
    assert slugs(parsed) == ("metastasectomy", "ukiah-ca")
    assert ("metastasectomy", "ukiah-or") in alternative_slugs(parsed)


def test_alternatives_for_an_ambiguous_what(matcher: Matcher, places: PlaceIndex) -> None:
    parsed = read("kidney doctor in ukiah", matcher, places)
    assert slugs(parsed) == ("chronic-kidney-disease", "ukiah-ca")
    assert ("specialty:207RN0300X", "ukiah-ca") in alternative_slugs(parsed)


def test_alternatives_are_distinct_and_bounded(matcher: Matcher, places: PlaceIndex) -> None:
    parsed = read("mohs surgery santa rosa", matcher, places)
    seen = alternative_slugs(parsed)
    assert len(seen) == len(set(seen)) <= 5
    assert slugs(parsed) not in seen
    assert ("mohs-surgery", "santa-rosa-nm") in seen


def test_the_json_form(matcher: Matcher, places: PlaceIndex) -> None:
    parsed = read("metastasectomy in Ukia", matcher, places)
    data = json.loads(json.dumps(parsed.as_dict(), allow_nan=False))
    assert set(data) == {"what", "where", "near_me", "alternatives", "notes"}
    assert data["what"] == {
        "slug": "metastasectomy",
        "name": "Metastasectomy",
        "kind": "procedure",
        "score": 1.0,
    }
    assert set(data["where"]) == {"name", "state", "lat", "lon", "slug", "kind"}
    assert (data["where"]["name"], data["where"]["state"]) == ("Ukiah, CA", "CA")
    assert math.isclose(data["where"]["lat"], 39.15, abs_tol=0.05)
    for alternative in data["alternatives"]:
        assert set(alternative) == {"what", "where"}
