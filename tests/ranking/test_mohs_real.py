"""Mohs surgery near rural Ukiah, CA, on the real national Mohs files of 2013-2021.

Every expectation is derived from the CSV files themselves (read with the csv module), from the
ZIP centroids of the zipcodes package and our own haversine; none is a printed result.
"""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path
from typing import Any

import pytest
from ranking_support import (
    CLAIMS_SOURCE,
    NPPES_COLUMNS,
    RECENT,
    ClaimsIndex,
    billed,
    engine_search,
    haversine_miles,
    miles_from,
    npi_with_check_digit,
    npis,
    write_csv,
    zip_centroid,
    zip_city,
)

from docfinder.ingest import run_ingest
from docfinder.search.candidates import Target
from docfinder.search.engine import Filters
from docfinder.search.weights import DEFAULT_WEIGHTS

pytestmark = pytest.mark.shared_data

UKIAH_NPI = "1104963008"  # John Valentic, the Ukiah dermatologist in every Mohs file
UKIAH_ZIP = "95482"
PLACES = ["95482", "Ukia"]  # the ZIP, and the city misspelt
SIMILAR_MILES = 5.0
ADD_ON_CODES = {"17312", "17314", "17315"}  # billed only with 17311 / 17313, same patient


def _all(mohs: Any, near: str) -> dict[str, Any]:
    found = dict(mohs.search("mohs surgery", near=near, limit=200, explain=True))
    assert len(found["results"]) == found["query"]["total"]  # every result, not a first page
    return found


def _current(claims: ClaimsIndex, npi: str) -> bool:
    return claims.newest(npi)[0] == claims.newest_year


def _nearest_high_volume_city(claims: ClaimsIndex) -> tuple[str, set[str]]:
    """The city nearest Ukiah with current providers at or above the national median volume."""
    newest = claims.years[claims.newest_year]
    median = statistics.median(rows.services for rows in newest.values())
    origin = zip_centroid(UKIAH_ZIP)
    by_city: dict[str, tuple[float, set[str]]] = {}
    for npi, rows in newest.items():
        if rows.services < median or rows.city.casefold() == "ukiah":
            continue
        miles = miles_from(origin, rows.zip5)
        city = rows.city.title()
        best, members = by_city.get(city, (miles, set()))
        by_city[city] = (min(best, miles), members | {npi})
    city = min(by_city, key=lambda c: by_city[c][0])
    return city, by_city[city][1]


@pytest.mark.parametrize("near", PLACES)
def test_the_local_surgeon_and_the_nearest_citys_high_volume_surgeons_are_on_page_one(
    mohs: Any, mohs_claims: ClaimsIndex, near: str
) -> None:
    city, high_volume = _nearest_high_volume_city(mohs_claims)
    assert city == "Santa Rosa" and len(high_volume) >= 2  # the premise, read from the files
    assert _current(mohs_claims, UKIAH_NPI)

    page = mohs.search("mohs surgery", near=near, limit=10)
    assert page["query"]["what"]["slug"] == "mohs-surgery"
    assert page["query"]["where"]["name"] == (UKIAH_ZIP if near == UKIAH_ZIP else "Ukiah, CA")
    first = npis(page["results"])
    assert len(first) == 10
    assert {UKIAH_NPI, *high_volume} <= set(first), (city, sorted(high_volume), first)


@pytest.mark.parametrize("near", PLACES)
def test_distances_are_the_haversine_from_the_zip_centroid_to_the_place(
    mohs: Any, mohs_claims: ClaimsIndex, near: str
) -> None:
    found = _all(mohs, near)
    where = found["query"]["where"]
    if near == UKIAH_ZIP:
        assert (where["lat"], where["lon"]) == pytest.approx(zip_centroid(UKIAH_ZIP), abs=1e-4)
    else:
        assert where["name"] == "Ukiah, CA"
        assert haversine_miles(where["lat"], where["lon"], *zip_centroid(UKIAH_ZIP)) < 3
    assert len(found["results"]) >= 20
    for r in found["results"]:
        _, rows = mohs_claims.newest(r["npi"])
        assert r["zip"] == rows.zip5
        expected = haversine_miles(where["lat"], where["lon"], *zip_centroid(rows.zip5))
        assert r["distance_miles"] == pytest.approx(expected, abs=0.051), r["name"]
        assert r["breakdown"]["distance_miles"] == pytest.approx(expected, abs=0.051)
    assert all(r["distance_miles"] <= found["query"]["radius_miles"] for r in found["results"])


def test_the_first_evidence_is_the_newest_years_rows_of_the_file(
    mohs: Any, mohs_claims: ClaimsIndex
) -> None:
    found = _all(mohs, "Ukia")
    for r in found["results"]:
        year, rows = mohs_claims.newest(r["npi"])
        first = r["evidence"][0]
        numbers = billed(first)
        assert numbers is not None, first
        assert first["source"] == CLAIMS_SOURCE and first["year"] == year
        assert numbers["year"] == year
        assert numbers["services"] == round(rows.services), r["name"]
        assert numbers["codes"] == set(rows.codes)
        for item in r["evidence"]:
            assert item["source"] and item["text"]


def test_every_evidence_item_names_its_source_and_a_year(mohs: Any) -> None:
    found = _all(mohs, "Ukia")
    missing = [
        (r["name"], e["text"]) for r in found["results"] for e in r["evidence"] if not e["year"]
    ]
    assert not missing, missing[:3]


def test_patients_in_the_evidence_are_a_count_the_rows_support(
    mohs: Any, mohs_claims: ClaimsIndex
) -> None:
    # Distinct patients are at least the largest single row's beneficiaries, and at most the
    # beneficiaries of the primary codes (add-on stages are billed for the same patients).
    found = _all(mohs, "Ukia")
    with_add_ons = 0
    for r in found["results"]:
        _, rows = mohs_claims.newest(r["npi"])
        primary = sum(benes for code, (_, benes) in rows.codes.items() if code not in ADD_ON_CODES)
        numbers = billed(r["evidence"][0])
        assert numbers is not None
        assert rows.largest_row_benes <= numbers["patients"] <= primary, (r["name"], rows)
        with_add_ons += bool(ADD_ON_CODES & set(rows.codes))
    assert with_add_ons >= 5


def test_a_stale_provider_scores_below_a_comparable_current_one(
    mohs: Any, mohs_claims: ClaimsIndex
) -> None:
    found = _all(mohs, "Ukia")
    newest = mohs_claims.newest_year
    pairs = 0
    for stale in found["results"]:
        stale_year, stale_rows = mohs_claims.newest(stale["npi"])
        if stale_year > newest - 3:
            continue
        for current in found["results"]:
            year, rows = mohs_claims.newest(current["npi"])
            comparable = (
                year == newest
                and rows.zip5 == stale_rows.zip5
                and rows.provider_type == stale_rows.provider_type
                and rows.services <= stale_rows.services
            )
            if comparable:
                pairs += 1
                assert stale["score"] < current["score"], (stale["name"], current["name"])
                assert stale["rank"] > current["rank"]
    assert pairs >= 2


def test_one_provider_appears_once_at_its_newest_location(
    mohs: Any, mohs_claims: ClaimsIndex
) -> None:
    found = _all(mohs, UKIAH_ZIP)
    listed = npis(found["results"])
    assert len(listed) == len(set(listed))
    origin = zip_centroid(UKIAH_ZIP)
    radius = found["query"]["radius_miles"]
    moved_in, moved_away = set(), set()
    for npi in mohs_claims.npis():
        history = mohs_claims.of(npi)
        zips = {rows.zip5 for rows in history.values()}
        newest_zip = history[max(history)].zip5
        if len(zips) < 2 or not any(miles_from(origin, z) <= radius for z in zips):
            continue
        (moved_in if miles_from(origin, newest_zip) <= radius else moved_away).add(npi)
    assert moved_in and moved_away  # providers who moved, both ways, are in the files
    assert not moved_away & set(listed), "listed at an address they left"
    for r in found["results"]:
        if str(r["npi"]) in moved_in:
            assert r["zip"] == mohs_claims.newest(r["npi"])[1].zip5
            assert not r["other_locations"]


def _no_claims_registry(path: Path, zips: list[str]) -> dict[str, str]:
    """NPPES rows for Mohs-surgery dermatologists (best fit, fresh record) with no claims."""
    rows, placed = [], {}
    for i, zip5 in enumerate(zips):
        npi = npi_with_check_digit(f"19999{i:04d}")
        city, state = zip_city(zip5)
        row = dict.fromkeys(NPPES_COLUMNS, "")
        row.update(
            {
                "NPI": npi,
                "Entity Type Code": "1",
                "Provider Last Name (Legal Name)": f"NOCLAIMS{i}",
                "Provider First Name": "PAT",
                "Provider First Line Business Practice Location Address": "1 Main St",
                "Provider Business Practice Location Address City Name": city.upper(),
                "Provider Business Practice Location Address State Name": state,
                "Provider Business Practice Location Address Postal Code": zip5,
                "Provider Business Practice Location Address Country Code (If outside U.S.)": (
                    "US"
                ),
                "Last Update Date": RECENT,
                "Healthcare Provider Taxonomy Code_1": "207ND0101X",
                "Healthcare Provider Primary Taxonomy Switch_1": "Y",
            }
        )
        rows.append(row)
        placed[npi] = zip5
    write_csv(path, NPPES_COLUMNS, rows)
    return placed


def test_no_claims_never_outranks_high_volume_at_a_similar_distance(
    mohs: Any, mohs_claims: ClaimsIndex, mohs_target: Target, tmp_path: Path
) -> None:
    # The real files plus a registry of Mohs-trained dermatologists without any Mohs claims,
    # placed where the real surgeons are (the ZIPs of the current files near Ukiah).
    origin = zip_centroid(UKIAH_ZIP)
    newest = mohs_claims.years[mohs_claims.newest_year]
    near_zips = sorted({r.zip5 for r in newest.values() if miles_from(origin, r.zip5) <= 75})
    if not isinstance(mohs.db, Path):
        pytest.skip("adds files to a copy of the DuckDB store; the ranking rule is the same")
    db = tmp_path / "mohs_plus_registry.duckdb"
    shutil.copyfile(mohs.db, db)
    registry = tmp_path / "npidata_pfile_20050523-20251109.csv"
    placed = _no_claims_registry(registry, near_zips)
    assert [r.status for r in run_ingest(str(db), [registry])] == ["loaded"]

    outcome = engine_search(db, mohs_target, origin)
    found = outcome.results
    assert len(found) == outcome.total
    rank = {str(s.candidate.npi): i for i, s in enumerate(found)}
    miles = {str(s.candidate.npi): s.breakdown["distance_miles"] for s in found}
    assert set(placed) <= set(rank)
    high = {
        npi
        for npi, rows in newest.items()
        if npi in rank and rows.services >= DEFAULT_WEIGHTS.procedure_saturation
    }
    pairs = [
        (none, busy)
        for none in placed
        for busy in high
        if abs(miles[none] - miles[busy]) <= SIMILAR_MILES
    ]
    assert len(pairs) >= 5
    wrong = [(none, busy) for none, busy in pairs if rank[none] < rank[busy]]
    assert not wrong, wrong


def test_the_specialty_filter_keeps_those_who_billed_under_that_specialty(
    mohs: Any, mohs_claims: ClaimsIndex, mohs_target: Target
) -> None:
    origin = zip_centroid(UKIAH_ZIP)
    everyone = engine_search(mohs.db, mohs_target, origin).results
    dermatology = {
        str(s.candidate.npi)
        for s in everyone
        if mohs_claims.newest(s.candidate.npi)[1].provider_type == "Dermatology"
    }
    assert UKIAH_NPI in dermatology
    kept = engine_search(mohs.db, mohs_target, origin, filters=Filters(specialty="207N"))
    assert dermatology <= set(npis(kept.results))
