"""Every weight of RankingWeights moves the order the way docs/ranking.md says it does.

Each test builds two (or a few) providers that differ in one respect only, then searches with
the default weights and with that weight turned up or down: the score ratio must move in the
documented direction, and where a weight switches its factor off, the two must tie.
"""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from ranking_support import LONG_AGO, RECENT, TinyStore, mmddyyyy, scores

from docfinder.search.candidates import Target
from docfinder.search.weights import DEFAULT_WEIGHTS, DistanceDecay, RankingWeights

W = DEFAULT_WEIGHTS


def _with(**changes: Any) -> RankingWeights:
    return dataclasses.replace(DEFAULT_WEIGHTS, **changes)


def _blend(experience: float, fit: float, quality: float) -> RankingWeights:
    return _with(experience=experience, specialty_fit=fit, data_quality=quality)


def _ratio(store: TinyStore, target: Target, a: str, b: str, weights: RankingWeights) -> float:
    found = scores(store.search(target, weights=weights))
    return found[a] / found[b]


def _increasing(values: list[float]) -> bool:
    return all(x < y for x, y in itertools.pairwise(values))


def test_experience_against_distance_for_a_procedure_people_travel_for(
    tiny: TinyStore, mohs_target: Target
) -> None:
    far = tiny.add_provider(miles=50, taxonomy="207ND0101X", claims={2021: {"17311": (40, 40)}})
    near = tiny.add_provider(miles=5, taxonomy="207ND0101X")
    tiny.build()
    assert _ratio(tiny, mohs_target, far, near, W) > 1  # 50 miles with 40 a year beats none
    # More weight on experience, or slower decay with distance, favour the far surgeon.
    by_experience = [
        _ratio(tiny, mohs_target, far, near, _blend(e, 0.9 - e, 0.1)) for e in (0.2, 0.6, 0.8)
    ]
    assert _increasing(by_experience) and by_experience[0] < 1
    by_half_miles = [
        _ratio(tiny, mohs_target, far, near, _with(travel=DistanceDecay(h, 25.0, 250.0)))
        for h in (10.0, 60.0, 200.0)
    ]
    assert _increasing(by_half_miles) and by_half_miles[0] < 1


def test_routine_care_decays_faster_with_distance(
    tiny: TinyStore, psoriasis_target: Target
) -> None:
    far = tiny.add_provider(miles=50, claims={2021: {"96920": (40, 40)}})
    near = tiny.add_provider(miles=5)
    tiny.build()
    decay = W.routine
    assert decay.half_miles < W.travel.half_miles
    assert decay.max_radius_miles >= 50
    assert _ratio(tiny, psoriasis_target, far, near, W) < 1  # the same pair swaps places
    by_half_miles = [
        _ratio(
            tiny,
            psoriasis_target,
            far,
            near,
            _with(routine=dataclasses.replace(decay, half_miles=h)),
        )
        for h in (5.0, 15.0, 60.0)
    ]
    assert _increasing(by_half_miles)


def test_freshness_lowers_a_record_that_stopped(tiny: TinyStore, mohs_target: Target) -> None:
    stale = tiny.add_provider(zip5="95482", claims={y: {"17311": (40, 40)} for y in (2016, 2017)})
    current = tiny.add_provider(zip5="95482", claims={y: {"17311": (40, 40)} for y in (2020, 2021)})
    tiny.build()
    assert _ratio(tiny, mohs_target, stale, current, W) < 1
    by_half_life = [
        _ratio(tiny, mohs_target, stale, current, _with(stale_half_life_years=h))
        for h in (1.0, 2.0, 8.0)
    ]
    assert _increasing(by_half_life)
    never_stale = _with(stale_half_life_years=1e9)
    assert _ratio(tiny, mohs_target, stale, current, never_stale) == pytest.approx(1, abs=1e-4)


def test_recency_weighting_favours_rising_volume(tiny: TinyStore, mohs_target: Target) -> None:
    rising = tiny.add_provider(
        zip5="95482", claims={2019: {"17311": (15, 15)}, 2021: {"17311": (70, 70)}}
    )
    falling = tiny.add_provider(
        zip5="95482", claims={2019: {"17311": (70, 70)}, 2021: {"17311": (15, 15)}}
    )
    tiny.build()
    assert _ratio(tiny, mohs_target, falling, rising, W) < 1
    by_half_life = [
        _ratio(tiny, mohs_target, falling, rising, _with(recency_half_life_years=h))
        for h in (0.5, 2.0, 10.0)
    ]
    assert _increasing(by_half_life)
    flat = _with(recency_half_life_years=1e9)
    assert _ratio(tiny, mohs_target, falling, rising, flat) == pytest.approx(1, abs=1e-4)


def test_specialty_fit_weighs_the_catalog_specialty(tiny: TinyStore, mohs_target: Target) -> None:
    claims = {2021: {"17311": (40, 40)}}
    mohs = tiny.add_provider(zip5="95482", taxonomy="207ND0101X", claims=claims)
    general = tiny.add_provider(zip5="95482", taxonomy="207N00000X", claims=claims)
    tiny.build()
    assert mohs_target.specialties["207ND0101X"] > mohs_target.specialties["207N00000X"]
    assert _ratio(tiny, mohs_target, general, mohs, W) < 1
    by_fit = [
        _ratio(tiny, mohs_target, general, mohs, _blend(0.9 - f, f, 0.1)) for f in (0.6, 0.3, 0.1)
    ]
    assert _increasing(by_fit)
    assert _ratio(tiny, mohs_target, general, mohs, _blend(0.9, 0.0, 0.1)) == pytest.approx(1)


def test_a_secondary_taxonomy_counts_less_than_a_primary_one(
    tiny: TinyStore, mohs_target: Target
) -> None:
    claims = {2021: {"17311": (40, 40)}}
    primary = tiny.add_provider(zip5="95482", taxonomy="207ND0101X", claims=claims)
    secondary = tiny.add_provider(
        zip5="95482", taxonomy="207Q00000X", secondary="207ND0101X", claims=claims
    )
    tiny.build()
    assert "207Q00000X" not in mohs_target.specialties
    assert _ratio(tiny, mohs_target, secondary, primary, W) < 1
    by_factor = [
        _ratio(tiny, mohs_target, secondary, primary, _with(secondary_taxonomy_factor=f))
        for f in (0.3, 0.8, 1.0)
    ]
    assert _increasing(by_factor) and by_factor[-1] == pytest.approx(1)


def test_evidence_only_fit_is_the_fit_of_claims_without_a_specialty(
    tiny: TinyStore, mohs_target: Target
) -> None:
    claims = {2021: {"17311": (40, 40)}}
    unlisted = tiny.add_provider(zip5="95482", taxonomy=None, claims=claims)
    listed = tiny.add_provider(zip5="95482", taxonomy="207N00000X", claims=claims)
    tiny.build()
    no_quality = _blend(0.7, 0.3, 0.0)
    assert _ratio(tiny, mohs_target, unlisted, listed, no_quality) < 1
    by_fit = [
        _ratio(
            tiny,
            mohs_target,
            unlisted,
            listed,
            dataclasses.replace(no_quality, evidence_only_fit=f),
        )
        for f in (0.1, 0.35, 0.6)
    ]
    assert _increasing(by_fit)
    same = dataclasses.replace(no_quality, evidence_only_fit=mohs_target.specialties["207N00000X"])
    assert _ratio(tiny, mohs_target, unlisted, listed, same) == pytest.approx(1)


def test_beneficiary_share_counts_patients_over_repeat_services(
    tiny: TinyStore, mohs_target: Target
) -> None:
    many = tiny.add_provider(zip5="95482", claims={2021: {"17311": (40, 40)}})
    repeats = tiny.add_provider(zip5="95482", claims={2021: {"17311": (40, 12)}})
    tiny.build()
    assert _ratio(tiny, mohs_target, repeats, many, W) < 1
    by_share = [
        _ratio(tiny, mohs_target, repeats, many, _with(beneficiary_share=s))
        for s in (0.9, 0.5, 0.1)
    ]
    assert _increasing(by_share)
    assert _ratio(tiny, mohs_target, repeats, many, _with(beneficiary_share=0.0)) == pytest.approx(
        1
    )


def test_prior_years_shrink_a_single_busy_year_toward_the_median(
    tiny: TinyStore, mohs_target: Target
) -> None:
    one_year = tiny.add_provider(zip5="95482", claims={2021: {"17311": (60, 60)}})
    six_years = tiny.add_provider(
        zip5="95482", claims={y: {"17311": (45, 45)} for y in range(2016, 2022)}
    )
    for _ in range(3):  # a low median among the results
        tiny.add_provider(zip5="95482", claims={2021: {"17311": (12, 12)}})
    tiny.build()
    by_prior = [
        _ratio(tiny, mohs_target, six_years, one_year, _with(prior_years=p))
        for p in (0.0, 1.0, 3.0)
    ]
    assert _increasing(by_prior)
    assert by_prior[0] < 1 < by_prior[-1]  # more prior years: the long record overtakes


def test_saturation_sets_the_volume_that_counts_as_full_experience(
    tiny: TinyStore, mohs_target: Target
) -> None:
    busiest = tiny.add_provider(zip5="95482", claims={2021: {"17311": (300, 300)}})
    for n in (15, 30, 60):
        tiny.add_provider(zip5="95482", claims={2021: {"17311": (n, n)}})
    tiny.build()

    def experience(weights: RankingWeights) -> dict[str, float]:
        found = tiny.search(mohs_target, weights=weights).results
        return {str(s.candidate.npi): s.breakdown["experience"] for s in found}

    # A lower percentile: a lower saturation volume, so no one's experience falls (it is capped
    # at 1) and everyone's together rises.
    by_percentile = [experience(_with(saturation_percentile=p)) for p in (1.0, 0.6, 0.3)]
    for npi in by_percentile[0]:
        assert all(a <= b for a, b in itertools.pairwise(e[npi] for e in by_percentile))
    assert _increasing([sum(e.values()) for e in by_percentile])
    assert by_percentile[-1][busiest] == 1.0  # at or above the saturation volume
    raised = experience(_with(procedure_saturation=10_000.0))  # the floor raises the bar
    assert all(raised[n] < e for n, e in experience(W).items())


def test_a_fresh_registry_record_earns_data_quality(tiny: TinyStore, mohs_target: Target) -> None:
    claims = {2021: {"17311": (40, 40)}}
    fresh = tiny.add_provider(zip5="95482", updated=RECENT, claims=claims)
    old = tiny.add_provider(zip5="95482", updated=LONG_AGO, claims=claims)
    tiny.build()
    assert _ratio(tiny, mohs_target, old, fresh, W) < 1
    assert _ratio(tiny, mohs_target, old, fresh, _blend(0.7, 0.3, 0.0)) == pytest.approx(1)
    by_points = [
        _ratio(tiny, mohs_target, old, fresh, _with(recent_update_points=p))
        for p in (0.6, 0.4, 0.1)
    ]
    assert _increasing(by_points)


def test_what_counts_as_recent_is_relative_to_the_newest_record(
    tiny: TinyStore, mohs_target: Target
) -> None:
    claims = {2021: {"17311": (40, 40)}}
    newer = tiny.add_provider(
        zip5="95482", updated=mmddyyyy(date.today() - timedelta(days=3650)), claims=claims
    )
    older = tiny.add_provider(
        zip5="95482", updated=mmddyyyy(date.today() - timedelta(days=4380)), claims=claims
    )
    tiny.build()
    # Both are over three years old by the wall clock, but the window counts back from the
    # newest record in the results: with 3 years both are recent, with 1 only the newer.
    assert _ratio(tiny, mohs_target, older, newer, W) == pytest.approx(1)
    assert _ratio(tiny, mohs_target, older, newer, _with(recent_update_years=1.0)) < 1


def test_a_rated_hospital_earns_data_quality(tiny: TinyStore, mohs_target: Target) -> None:
    tiny.add_hospital("050001", "ALPHA DEMO HOSPITAL", rating=5)
    claims = {2021: {"17311": (40, 40)}}
    affiliated = tiny.add_provider(
        zip5="95482", claims=claims,
        clinician={"ccn": "050001", "hospital": "ALPHA DEMO HOSPITAL", "gender": "F"},
    )  # fmt: skip
    other = tiny.add_provider(
        zip5="95482", claims=claims, clinician={"ccn": "", "hospital": "", "gender": "F"}
    )
    tiny.build()
    assert _ratio(tiny, mohs_target, other, affiliated, W) < 1
    assert _ratio(tiny, mohs_target, other, affiliated, _with(rated_hospital_points=0.0)) == (
        pytest.approx(1)
    )


def test_an_address_two_sources_agree_on_earns_data_quality(
    tiny: TinyStore, mohs_target: Target
) -> None:
    claims = {2021: {"17311": (40, 40)}}
    agreed = tiny.add_provider(zip5="95482", claims=claims)  # NPPES and claims: one ZIP
    elsewhere = tiny.zip_at(200)
    apart = tiny.add_provider(zip5="95482", claims=claims, claims_zip=elsewhere)
    tiny.build()
    assert _ratio(tiny, mohs_target, apart, agreed, W) < 1
    assert _ratio(tiny, mohs_target, apart, agreed, _with(confirmed_address_points=0.0)) == (
        pytest.approx(1)
    )
