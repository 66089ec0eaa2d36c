"""Place resolution, offline: ZIPs, cities, counties, states, points and "near me".

>>> from docfinder.geo import PlaceIndex
>>> PlaceIndex.default().resolve("Ukia")[0].place.name
'Ukiah, CA'
"""

from docfinder.geo.distance import (
    haversine_km,
    haversine_km_array,
    haversine_miles,
    haversine_miles_array,
)
from docfinder.geo.index import PlaceIndex
from docfinder.geo.model import Place, PlaceMatch

__all__ = [
    "Place",
    "PlaceIndex",
    "PlaceMatch",
    "haversine_km",
    "haversine_km_array",
    "haversine_miles",
    "haversine_miles_array",
]
