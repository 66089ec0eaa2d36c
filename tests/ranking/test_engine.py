"""The search engine on tiny stores built in code: filters, orders, pages and the radius.

Each store is written as official-layout files (claims, NPPES, Doctors and Clinicians,
hospitals) and ingested; the expected providers come from what the test wrote.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from ranking_support import Doc, TinyStore, haversine_miles, npis, zip_centroid

from docfinder.search.candidates import Target
from docfinder.search.engine import Filters
from docfinder.search.weights import DEFAULT_WEIGHTS

MOHS = {2021: {"17311": (30, 25)}}
ALPHA, BETA = ("050001", "ALPHA DEMO HOSPITAL"), ("050002", "BETA DEMO MEDICAL CENTER")


def _clinician(gender: str, telehealth: str, assignment: str, hospital: tuple[str, str]) -> Any:
    ccn, name = hospital
    return {
        "gender": gender,
        "telehealth": telehealth,
        "assignment": assignment,
        "ccn": ccn,
        "hospital": name,
    }


@pytest.fixture(scope="module")
def varied(make_tiny: Callable[[], TinyStore]) -> TinyStore:
    """Seven providers within a few miles that differ in every filtered field."""
    tiny = make_tiny()
    tiny.add_hospital(*ALPHA, rating=4)
    tiny.add_hospital(*BETA, rating=2)
    add = tiny.add_provider
    add(
        miles=2,
        taxonomy="207ND0101X",
        sex="F",
        claims=MOHS,
        clinician=_clinician("F", "Y", "Y", ALPHA),
    )
    add(
        miles=3,
        taxonomy="207N00000X",
        sex="M",
        claims=MOHS,
        clinician=_clinician("M", "N", "M", BETA),
    )
    add(miles=4, taxonomy="208600000X", sex="F", claims=MOHS)  # linked by its claims only
    add(miles=5, taxonomy="207N00000X", entity="2", claims=MOHS)  # an organisation
    add(miles=6, taxonomy=None, sex="M", claims=MOHS)  # in the claims file only
    add(
        miles=7,
        taxonomy="207Q00000X",
        secondary="207ND0101X",
        clinician=_clinician("F", "Y", "M", BETA),
    )  # sex only in Doctors and Clinicians
    add(miles=8, taxonomy="207N00000X", sex="F")  # listed, no claims
    tiny.build()
    return tiny  # fmt: skip


def _gender(doc: Doc) -> str | None:
    return doc.sex or (doc.clinician or {}).get("gender")


def _dac(doc: Doc, key: str) -> str | None:
    return (doc.clinician or {}).get(key)


def _hospital(doc: Doc) -> tuple[str, str]:
    return (_dac(doc, "ccn") or "", _dac(doc, "hospital") or "")


FILTERS: list[tuple[Filters, Callable[[Doc], bool]]] = [
    (Filters(specialty="207N"), lambda d: any(
        (t or "").startswith("207N") for t in (d.taxonomy, d.secondary))),
    (Filters(specialty="207ND0101X"), lambda d: "207ND0101X" in (d.taxonomy, d.secondary)),
    (Filters(entity="organization"), lambda d: d.entity == "2"),
    (Filters(entity="individual"), lambda d: d.entity == "1"),
    (Filters(gender="F"), lambda d: _gender(d) == "F"),
    (Filters(gender="M"), lambda d: _gender(d) == "M"),
    (Filters(telehealth=True), lambda d: _dac(d, "telehealth") == "Y"),
    (Filters(telehealth=False), lambda d: _dac(d, "telehealth") == "N"),
    (Filters(accepts_medicare_assignment=True), lambda d: _dac(d, "assignment") == "Y"),
    # The file says Y (accepts assignment) or M (may accept, case by case).
    (Filters(accepts_medicare_assignment=False), lambda d: _dac(d, "assignment") == "M"),
    (Filters(hospital=BETA[0]), lambda d: _hospital(d)[0] == BETA[0]),
    (Filters(hospital="alpha demo"), lambda d: "alpha demo" in _hospital(d)[1].lower()),
    (Filters(hospital="Demo"), lambda d: "demo" in _hospital(d)[1].lower()),
    (Filters(gender="F", telehealth=True), lambda d: _gender(d) == "F"
        and _dac(d, "telehealth") == "Y"),
]  # fmt: skip


def test_without_filters_every_provider_is_found_once(
    varied: TinyStore, mohs_target: Target
) -> None:
    found = varied.search(mohs_target)
    assert sorted(npis(found.results)) == sorted(varied.docs)
    assert found.total == len(varied.docs)


@pytest.mark.parametrize(("filters", "keeps"), FILTERS, ids=[repr(f) for f, _ in FILTERS])
def test_each_filter_keeps_exactly_the_matching_providers(
    varied: TinyStore, mohs_target: Target, filters: Filters, keeps: Callable[[Doc], bool]
) -> None:
    expected = {npi for npi, doc in varied.docs.items() if keeps(doc)}
    assert expected and expected != set(varied.docs)  # each filter really splits the store
    found = varied.search(mohs_target, filters=filters)
    assert set(npis(found.results)) == expected
    assert found.total == len(expected)


# --- orders and pages ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def ranked(make_tiny: Callable[[], TinyStore]) -> TinyStore:
    """Twelve providers: ties in distance (same ZIP), in volume and in score on purpose."""
    tiny = make_tiny()
    volumes = [(2021, 400), (2021, 60), (2021, 60), (2017, 900), (2021, 25), (2021, 60)]
    for year, n in volumes:
        for miles in (3, 40):
            tiny.add_provider(miles=miles, taxonomy="207N00000X", claims={year: {"17311": (n, n)}})
    tiny.add_provider(miles=3, taxonomy="207ND0101X")
    tiny.add_provider(miles=40, taxonomy="207ND0101X")
    tiny.build()
    return tiny


def _check_order(results: list[Any], key: Callable[[Any], tuple[Any, ...]]) -> None:
    keys = [key(s) for s in results]
    assert keys == sorted(keys)


SORT_KEYS: dict[str, Callable[[Any], tuple[Any, ...]]] = {
    "best": lambda s: (-s.score, s.breakdown["distance_miles"], s.candidate.npi),
    "distance": lambda s: (s.breakdown["distance_miles"], -s.score, s.candidate.npi),
    "experience": lambda s: (-s.breakdown["experience"], -s.score, s.candidate.npi),
}


@pytest.mark.parametrize("sort", sorted(SORT_KEYS))
def test_each_sort_orders_as_named(ranked: TinyStore, mohs_target: Target, sort: str) -> None:
    found = ranked.search(mohs_target, sort=sort).results
    assert len(found) == len(ranked.docs)
    _check_order(found, SORT_KEYS[sort])


def test_the_experience_sort_does_not_put_a_stale_record_first(
    ranked: TinyStore, mohs_target: Target
) -> None:
    found = ranked.search(mohs_target, sort="experience").results
    stale = {n for n, d in ranked.docs.items() if 2017 in d.claims}
    busiest = max(n for d in ranked.docs.values() for y in d.claims.values() for n, _ in y.values())
    assert any(
        d.claims.get(2017, {}).get("17311", (0,))[0] == busiest for d in ranked.docs.values()
    )
    assert npis(found)[0] not in stale


@pytest.mark.parametrize(
    ("sort", "size"), [("best", 2), ("best", 5), ("distance", 3), ("experience", 3)]
)
def test_pages_concatenated_equal_one_long_page(
    ranked: TinyStore, mohs_target: Target, sort: str, size: int
) -> None:
    whole = npis(ranked.search(mohs_target, sort=sort).results)
    pages: list[str] = []
    for offset in range(0, len(whole) + size, size):
        page = ranked.search(mohs_target, sort=sort, limit=size, offset=offset)
        assert page.total == len(whole)
        pages += npis(page.results)
    assert pages == whole
    assert len(set(pages)) == len(pages)


# --- the radius ------------------------------------------------------------------------------


def _expected_radius(miles: list[float], start: float, maximum: float, enough: int) -> float:
    """The documented rule, written out: start, x2, ... up to the maximum."""
    radius = min(start, maximum)
    while radius < maximum and sum(m <= radius for m in miles) < enough:
        radius = min(maximum, radius * 2)
    return radius


@pytest.fixture(scope="module")
def spread(make_tiny: Callable[[], TinyStore]) -> TinyStore:
    """Mohs surgeons at growing distances, the last beyond the largest radius."""
    tiny = make_tiny()
    for miles in (5, 20, 40, 45, 90, 95, 180, 300):
        tiny.add_provider(miles=miles, taxonomy="207N00000X", claims=MOHS)
    tiny.build()
    return tiny


def _distances(store: TinyStore) -> dict[str, float]:
    return {
        npi: haversine_miles(*store.origin, *zip_centroid(doc.zip5))
        for npi, doc in store.docs.items()
    }


@pytest.mark.parametrize(("enough", "max_radius"), [(3, None), (5, None), (15, None), (15, 30)])
def test_the_radius_grows_until_enough_good_candidates_or_the_limit(
    spread: TinyStore, mohs_target: Target, enough: int, max_radius: float | None
) -> None:
    travel = DEFAULT_WEIGHTS.travel
    weights = dataclasses.replace(DEFAULT_WEIGHTS, enough_good_candidates=enough)
    miles = _distances(spread)
    maximum = max_radius or travel.max_radius_miles
    radius = _expected_radius(list(miles.values()), travel.start_radius_miles, maximum, enough)
    found = spread.search(mohs_target, weights=weights, max_radius_miles=max_radius)
    assert found.radius_miles == pytest.approx(radius)
    assert set(npis(found.results)) == {n for n, m in miles.items() if m <= radius}
    grew = [n for n in found.notes if n.startswith("Searched out to")]
    assert grew == ([f"Searched out to {radius:.0f} miles to find enough doctors."]
                    if radius > travel.start_radius_miles else [])  # fmt: skip


def test_the_radius_grows_by_radius_growth(spread: TinyStore, mohs_target: Target) -> None:
    weights = dataclasses.replace(DEFAULT_WEIGHTS, enough_good_candidates=3, radius_growth=4.0)
    found = spread.search(mohs_target, weights=weights)
    assert found.radius_miles == DEFAULT_WEIGHTS.travel.start_radius_miles * 4


def test_filters_apply_before_the_radius_is_chosen(tiny: TinyStore, mohs_target: Target) -> None:
    men = [tiny.add_provider(miles=m, sex="M", claims=MOHS) for m in (3, 6, 9)]
    women = [tiny.add_provider(miles=m, sex="F", claims=MOHS) for m in (40, 45)]
    tiny.build()
    weights = dataclasses.replace(DEFAULT_WEIGHTS, enough_good_candidates=2)
    everyone = tiny.search(mohs_target, weights=weights)
    assert everyone.radius_miles == DEFAULT_WEIGHTS.travel.start_radius_miles
    assert set(npis(everyone.results)) == set(men)
    filtered = tiny.search(mohs_target, weights=weights, filters=Filters(gender="F"))
    assert filtered.radius_miles == DEFAULT_WEIGHTS.travel.start_radius_miles * 2
    assert set(npis(filtered.results)) == set(women)


def test_a_listed_core_specialty_counts_as_good_from_good_fit(
    tiny: TinyStore, mohs_target: Target
) -> None:
    # Dermatologists without claims nearby; surgeons with claims further out.
    for miles in (3, 6):
        tiny.add_provider(miles=miles, taxonomy="207N00000X")
    for miles in (40, 45):
        tiny.add_provider(miles=miles, taxonomy="207N00000X", claims=MOHS)
    tiny.build()
    weight = mohs_target.specialties["207N00000X"]

    def first_radius_holding(decay: Any, miles: list[float]) -> float:
        radius = decay.start_radius_miles
        while sum(1 for m in miles if m <= radius) < 2:
            radius *= DEFAULT_WEIGHTS.radius_growth
        return radius

    # Routine care: a core specialty alone makes a candidate good once it weighs >= good_fit.
    routine = dataclasses.replace(mohs_target, travel=False)
    decay = DEFAULT_WEIGHTS.routine
    for good_fit, good_miles in ((weight, [3, 6, 40, 45]), (weight + 0.01, [40, 45])):
        weights = dataclasses.replace(DEFAULT_WEIGHTS, enough_good_candidates=2, good_fit=good_fit)
        expected = first_radius_holding(decay, good_miles)
        assert tiny.search(routine, weights=weights).radius_miles == expected
    # A procedure people travel for: only claims make a candidate good, whatever good_fit says,
    # so nearby dermatologists who never billed it cannot stop the radius before the surgeons.
    weights = dataclasses.replace(DEFAULT_WEIGHTS, enough_good_candidates=2, good_fit=weight)
    expected = first_radius_holding(DEFAULT_WEIGHTS.travel, [40, 45])
    assert tiny.search(mohs_target, weights=weights).radius_miles == expected


def test_only_the_nearest_max_candidates_are_examined(
    spread: TinyStore, mohs_target: Target
) -> None:
    weights = dataclasses.replace(DEFAULT_WEIGHTS, max_candidates=3)
    found = spread.search(mohs_target, weights=weights)
    nearest = sorted(_distances(spread).items(), key=lambda kv: kv[1])[:3]
    assert set(npis(found.results)) == {n for n, _ in nearest}


def test_a_search_without_results_suggests_a_wider_radius(search: Any, generated: Any) -> None:
    found = search(generated.db, "mohs surgery", near="Fresno, CA", radius_miles=10)
    assert found["results"] == [] and found["query"]["total"] == 0
    assert found["query"]["radius_miles"] == 10
    wider = [n for n in found["notes"] if n.startswith("No doctors found within 10 miles")]
    assert wider and "--radius-miles" in wider[0]
