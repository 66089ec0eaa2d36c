"""Great-circle distances, with the unit in every name (miles for people, km for data)."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_MILES = 3958.7613  # mean Earth radius (IUGG), in statute miles
EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344

FloatArray = npt.NDArray[np.float64]


def _central_angle(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The angle between two points, in radians (haversine formula)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2.0 * math.asin(min(1.0, math.sqrt(a)))


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line (great-circle) distance between two points in degrees, in miles."""
    return EARTH_RADIUS_MILES * _central_angle(lat1, lon1, lat2, lon2)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Straight-line (great-circle) distance between two points in degrees, in kilometres."""
    return EARTH_RADIUS_KM * _central_angle(lat1, lon1, lat2, lon2)


def _central_angles(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    phi1 = np.radians(np.asarray(lat1, dtype=np.float64))
    phi2 = np.radians(np.asarray(lat2, dtype=np.float64))
    dphi = phi2 - phi1
    dlmb = np.radians(np.asarray(lon2, dtype=np.float64) - np.asarray(lon1, dtype=np.float64))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlmb / 2) ** 2
    return np.asarray(2.0 * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))), dtype=np.float64)


def haversine_miles_array(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Distances in miles, element-wise with numpy broadcasting (one point to many, or pairs)."""
    return EARTH_RADIUS_MILES * _central_angles(lat1, lon1, lat2, lon2)


def haversine_km_array(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> FloatArray:
    """Distances in kilometres, element-wise with numpy broadcasting."""
    return EARTH_RADIUS_KM * _central_angles(lat1, lon1, lat2, lon2)


def bounding_box_miles(
    lat: float, lon: float, radius_miles: float
) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing a circle: a cheap prefilter for SQL.

    Longitude bounds widen toward the poles; near a pole (or across the antimeridian) the box
    spans every longitude.
    """
    dlat = math.degrees(radius_miles / EARTH_RADIUS_MILES)
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    cos_lat = math.cos(math.radians(max(abs(min_lat), abs(max_lat))))
    if cos_lat <= 1e-9:
        return min_lat, max_lat, -180.0, 180.0
    dlon = math.degrees(radius_miles / (EARTH_RADIUS_MILES * cos_lat))
    if dlon >= 180.0 or lon - dlon < -180.0 or lon + dlon > 180.0:
        return min_lat, max_lat, -180.0, 180.0
    return min_lat, max_lat, lon - dlon, lon + dlon
