"""The value objects of place resolution: a place, and one candidate reading of a query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

# Place.kind values.
ZIP: Final = "zip"
CITY: Final = "city"
COUNTY: Final = "county"
STATE: Final = "state"
COORDINATES: Final = "coordinates"
NEAR_ME: Final = "near_me"
KINDS: Final = (ZIP, CITY, COUNTY, STATE, COORDINATES, NEAR_ME)

# PlaceMatch.confidence values.
EXACT: Final = "exact"
FUZZY: Final = "fuzzy"
AMBIGUOUS: Final = "ambiguous"


@dataclass(frozen=True)
class Place:
    """A place a person can search near: a ZIP, city, county, state, a point, or "near me"."""

    name: str  # display name: "Ukiah, CA", "Mendocino County, CA", "California", "95482"
    kind: str  # one of KINDS
    state: str | None  # two-letter code
    lat: float
    lon: float
    slug: str  # URL slug: "ukiah-ca", "mendocino-county-ca", "ca", "95482"
    population: int | None


@dataclass(frozen=True)
class PlaceMatch:
    """One reading of a query as a place, with how well and how surely it matched."""

    place: Place
    score: float  # 0..1, higher is better; comparable across candidates of one query
    confidence: str  # EXACT | FUZZY | AMBIGUOUS

    def as_dict(self) -> dict[str, object]:
        """The JSON form used by `docfinder place --json`."""
        place = self.place
        return {
            "name": place.name,
            "state": place.state,
            "lat": round(place.lat, 6),
            "lon": round(place.lon, 6),
            "slug": place.slug,
            "score": round(self.score, 4),
            "kind": place.kind,
            "confidence": self.confidence,
        }
