"""ZIP centroids and city positions against geocoded NPI practice addresses (ground truth)."""

from __future__ import annotations

import csv
import random
import statistics
from collections import defaultdict
from pathlib import Path

import pytest

from docfinder.geo import PlaceIndex, haversine_miles

pytestmark = pytest.mark.shared_data

GEOCODED = Path(__file__).resolve().parents[3] / "shared/data/nppes/npi_addresses_geocoded_2025.csv"


@pytest.fixture(scope="module")
def addresses() -> list[dict[str, str]]:
    if not GEOCODED.exists():
        pytest.skip(f"needs {GEOCODED} (../shared/data beside the repository)")
    with open(GEOCODED, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if _point(r) is not None]
    assert len(rows) > 10_000
    return rows


def _point(row: dict[str, str]) -> tuple[float, float] | None:
    try:
        return float(row["latitude"]), float(row["longitude"])
    except (TypeError, ValueError):
        return None


def test_zip_centroids_are_near_the_addresses_in_them(
    places: PlaceIndex, addresses: list[dict[str, str]]
) -> None:
    by_zip: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for row in addresses:
        zip5 = (row["postalcode"] or "")[:5]
        point = _point(row)
        if len(zip5) == 5 and zip5.isdigit() and point is not None:
            by_zip[zip5].append(point)
    sample = random.Random(11).sample(sorted(by_zip), 400)
    medians = []
    for zip5 in sample:
        place = places.zip_place(zip5)
        assert place is not None, f"ZIP {zip5} of a practice address is unknown"
        medians.append(
            statistics.median(haversine_miles(place.lat, place.lon, *p) for p in by_zip[zip5])
        )
    within = sum(m <= 15 for m in medians) / len(medians)
    assert within >= 0.98, f"only {within:.1%} of ZIP centroids within 15 miles"
    assert statistics.median(medians) < 3


def test_city_state_resolves_near_the_address(
    places: PlaceIndex, addresses: list[dict[str, str]]
) -> None:
    sample = random.Random(7).sample(addresses, 500)
    far: list[tuple[str, int | None]] = []
    for row in sample:
        text = f"{row['city']}, {row['state']}"
        matches = places.resolve(text, limit=1)
        point = _point(row)
        assert point is not None
        if not matches:
            far.append((text, None))
            continue
        miles = haversine_miles(matches[0].place.lat, matches[0].place.lon, *point)
        if miles > 25:
            far.append((text, round(miles)))
    assert len(far) <= 5, far
