"""Great-circle distances in miles and kilometres, scalar and vectorised."""

from __future__ import annotations

import math

import numpy as np
import pytest

from docfinder.geo import haversine_km, haversine_km_array, haversine_miles, haversine_miles_array
from docfinder.geo.distance import KM_PER_MILE, bounding_box_miles

UKIAH = (39.1502, -123.2078)
SAN_FRANCISCO = (37.7749, -122.4194)
LAX = (33.9425, -118.4081)
JFK = (40.6398, -73.7789)


def test_ukiah_to_san_francisco_is_about_a_hundred_miles() -> None:
    miles = haversine_miles(*UKIAH, *SAN_FRANCISCO)
    assert 100 < miles < 108  # straight line; the drive on US-101 is ~115 miles
    assert haversine_km(*UKIAH, *SAN_FRANCISCO) == pytest.approx(miles * KM_PER_MILE, rel=1e-3)


def test_lax_to_jfk_matches_the_published_great_circle_distance() -> None:
    # 2,475 statute miles on the ellipsoid; a sphere is within 0.5% of it.
    assert haversine_miles(*LAX, *JFK) == pytest.approx(2475, rel=0.005)


def test_one_degree_of_latitude() -> None:
    assert haversine_miles(0, 0, 1, 0) == pytest.approx(69.09, abs=0.01)
    assert haversine_km(0, 0, 1, 0) == pytest.approx(111.19, abs=0.01)


def test_identity_symmetry_and_antipodes() -> None:
    assert haversine_miles(*UKIAH, *UKIAH) == 0.0
    assert haversine_miles(*UKIAH, *JFK) == pytest.approx(haversine_miles(*JFK, *UKIAH))
    assert haversine_km(0, 0, 0, 180) == pytest.approx(math.pi * 6371.0088)


def test_vectorised_matches_scalar_and_broadcasts() -> None:
    lats = np.array([SAN_FRANCISCO[0], LAX[0], JFK[0], UKIAH[0]])
    lons = np.array([SAN_FRANCISCO[1], LAX[1], JFK[1], UKIAH[1]])
    miles = haversine_miles_array(*UKIAH, lats, lons)
    assert miles.shape == (4,)
    expected = [haversine_miles(*UKIAH, la, lo) for la, lo in zip(lats, lons, strict=True)]
    assert miles == pytest.approx(expected)
    assert haversine_km_array(*UKIAH, lats, lons) == pytest.approx(miles * KM_PER_MILE, rel=1e-3)
    pairwise = haversine_miles_array(lats[:, None], lons[:, None], lats[None, :], lons[None, :])
    assert pairwise.shape == (4, 4) and np.allclose(pairwise, pairwise.T)


def test_bounding_box_holds_the_circle() -> None:
    min_lat, max_lat, min_lon, max_lon = bounding_box_miles(*UKIAH, 25)
    for bearing in range(0, 360, 15):
        # Points 24.9 miles away in every direction lie inside the box.
        lat, lon = _destination(*UKIAH, bearing, 24.9)
        assert haversine_miles(*UKIAH, lat, lon) == pytest.approx(24.9, rel=1e-6)
        assert min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
    assert bounding_box_miles(89.9, 0, 50)[2:] == (-180.0, 180.0)


def _destination(lat: float, lon: float, bearing_deg: float, miles: float) -> tuple[float, float]:
    d = miles / 3958.7613
    phi, lmb, theta = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    phi2 = math.asin(math.sin(phi) * math.cos(d) + math.cos(phi) * math.sin(d) * math.cos(theta))
    lmb2 = lmb + math.atan2(
        math.sin(theta) * math.sin(d) * math.cos(phi), math.cos(d) - math.sin(phi) * math.sin(phi2)
    )
    return math.degrees(phi2), math.degrees(lmb2)
