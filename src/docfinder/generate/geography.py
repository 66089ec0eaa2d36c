"""Real US geography for the generator: regions, ZIP tables, state codes, distances."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import zipcodes
from numpy.typing import NDArray

from docfinder.errors import InputError

EARTH_RADIUS_MILES = 3958.8
NATIONAL_NPIS = 9_000_000
UKIAH_NPIS = 5_000
UKIAH_LAT_LON = (39.1502, -123.2078)
UKIAH_RADIUS_MILES = 120.0
UKIAH_COUNTIES = (
    "Mendocino",
    "Lake",
    "Sonoma",
    "Marin",
    "Napa",
    "Solano",
    "San Francisco",
    "Alameda",
    "Contra Costa",
    "San Mateo",
)
# Where doctors cluster more than ZIP counts suggest: regional hospitals and medical centres.
UKIAH_HUBS = {
    "Ukiah": 10.0,
    "Santa Rosa": 3.0,
    "San Francisco": 0.9,
    "Greenbrae": 4.0,
    "Oakland": 1.2,
    "Berkeley": 1.2,
    "Napa": 1.5,
    "Fort Bragg": 2.0,
    "Willits": 2.0,
    "Lakeport": 2.0,
    "Clearlake": 2.0,
    "Petaluma": 1.3,
    "Healdsburg": 1.5,
}

# State -> (FIPS code, CMS/SSA state code used in CCNs, 2020 census population in thousands).
STATES: dict[str, tuple[str, str, int]] = {
    "AL": ("01", "01", 5024), "AK": ("02", "02", 733), "AZ": ("04", "03", 7152),
    "AR": ("05", "04", 3012), "CA": ("06", "05", 39538), "CO": ("08", "06", 5774),
    "CT": ("09", "07", 3606), "DE": ("10", "08", 990), "DC": ("11", "09", 690),
    "FL": ("12", "10", 21538), "GA": ("13", "11", 10712), "HI": ("15", "12", 1455),
    "ID": ("16", "13", 1839), "IL": ("17", "14", 12813), "IN": ("18", "15", 6786),
    "IA": ("19", "16", 3190), "KS": ("20", "17", 2938), "KY": ("21", "18", 4506),
    "LA": ("22", "19", 4658), "ME": ("23", "20", 1362), "MD": ("24", "21", 6177),
    "MA": ("25", "22", 7030), "MI": ("26", "23", 10077), "MN": ("27", "24", 5706),
    "MS": ("28", "25", 2961), "MO": ("29", "26", 6154), "MT": ("30", "27", 1084),
    "NE": ("31", "28", 1962), "NV": ("32", "29", 3105), "NH": ("33", "30", 1377),
    "NJ": ("34", "31", 9289), "NM": ("35", "32", 2118), "NY": ("36", "33", 20201),
    "NC": ("37", "34", 10439), "ND": ("38", "35", 779), "OH": ("39", "36", 11799),
    "OK": ("40", "37", 3959), "OR": ("41", "38", 4237), "PA": ("42", "39", 13003),
    "RI": ("44", "41", 1097), "SC": ("45", "42", 5118), "SD": ("46", "43", 887),
    "TN": ("47", "44", 6911), "TX": ("48", "45", 29146), "UT": ("49", "46", 3272),
    "VT": ("50", "47", 643), "VA": ("51", "49", 8631), "WA": ("53", "50", 7705),
    "WV": ("54", "51", 1794), "WI": ("55", "52", 5894), "WY": ("56", "53", 577),
    "PR": ("72", "40", 3286),
}  # fmt: skip

RUCA_DESCRIPTIONS = {
    1: "Metropolitan area core: primary flow within an urbanized area of 50,000 and greater",
    2: "Metropolitan area high commuting: primary flow 30% or more to a urbanized area of "
    "50,000 and greater",
    4: "Micropolitan area core: primary flow within an urban cluster of 10,000 to 49,999",
    7: "Small town core: primary flow within an urban cluster of 2,500 to 9,999",
    10: "Rural areas: primary flow to a tract outside a urbanized area or urban cluster",
}


@dataclass(frozen=True)
class ZipTable:
    """Practice ZIP codes of a region with what the files need about each."""

    zip5: list[str]
    city: list[str]
    state: list[str]
    county: list[str]
    area_code: list[str]
    lat: NDArray[np.float64]
    lon: NDArray[np.float64]
    weight: NDArray[np.float64]
    ruca: NDArray[np.int64]
    prefix3: NDArray[np.int64] = field(repr=False)

    def __len__(self) -> int:
        return len(self.zip5)

    def index_of_city(self, city: str) -> NDArray[np.int64]:
        """Positions of the ZIPs whose city is `city` (exact, case-insensitive)."""
        wanted = city.casefold()
        return np.array([i for i, c in enumerate(self.city) if c.casefold() == wanted], np.int64)


@dataclass(frozen=True)
class Region:
    """Where providers are placed and how many there are at scale 1."""

    name: str
    zips: ZipTable
    npis_at_scale_1: int
    default_scale: float
    center: tuple[float, float] | None = None


def miles_between(
    lat1: NDArray[np.float64] | float,
    lon1: NDArray[np.float64] | float,
    lat2: NDArray[np.float64] | float,
    lon2: NDArray[np.float64] | float,
) -> NDArray[np.float64]:
    """Great-circle distance in miles (haversine)."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dlat, dlon = p2 - p1, np.radians(np.asarray(lon2) - np.asarray(lon1))
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_MILES * np.arcsin(np.sqrt(h)), dtype=np.float64)


@lru_cache(maxsize=1)
def _all_zips() -> tuple[dict[str, object], ...]:
    return tuple(zipcodes.list_all())  # type: ignore[no-untyped-call]


def _city_zip_counts() -> Counter[tuple[str, str]]:
    """How many ZIPs of any type each city has: a proxy for its size."""
    return Counter((z["city"], z["state"]) for z in _all_zips())  # type: ignore[misc]


def _ruca(city_zips: int, hash_bit: int) -> int:
    if city_zips >= 8:
        return 1
    if city_zips >= 4:
        return 1 if hash_bit else 2
    if city_zips >= 2:
        return 4
    return 7 if hash_bit else 10


def _table(records: list[dict[str, object]], hubs: dict[str, float]) -> ZipTable:
    sizes = _city_zip_counts()
    city_zips = [sizes[(str(z["city"]), str(z["state"]))] for z in records]
    zip5 = [str(z["zip_code"]) for z in records]
    weight = np.array(
        [n**0.5 * hubs.get(str(z["city"]), 1.0) for n, z in zip(city_zips, records, strict=True)]
    )
    codes = [z["area_codes"] for z in records]
    return ZipTable(
        zip5=zip5,
        city=[str(z["city"]) for z in records],
        state=[str(z["state"]) for z in records],
        county=[str(z["county"]).removesuffix(" County").removesuffix(" Parish") for z in records],
        area_code=[str(c[0]) if isinstance(c, list) and c else "555" for c in codes],
        lat=np.array([float(str(z["lat"])) for z in records]),
        lon=np.array([float(str(z["long"])) for z in records]),
        weight=weight.astype(np.float64),
        ruca=np.array([_ruca(n, int(z5[-1]) % 2) for n, z5 in zip(city_zips, zip5, strict=True)]),
        prefix3=np.array([int(z[:3]) for z in zip5], dtype=np.int64),
    )


def _practice_zips(states: set[str]) -> list[dict[str, object]]:
    return [
        dict(z)
        for z in _all_zips()
        if z["state"] in states and z["zip_code_type"] == "STANDARD" and z["active"]
    ]


def _ukiah() -> Region:
    records = [
        z
        for z in _practice_zips({"CA"})
        if str(z["county"]).removesuffix(" County") in UKIAH_COUNTIES
    ]
    lat = np.array([float(str(z["lat"])) for z in records])
    lon = np.array([float(str(z["long"])) for z in records])
    near = miles_between(UKIAH_LAT_LON[0], UKIAH_LAT_LON[1], lat, lon) <= UKIAH_RADIUS_MILES
    kept = [z for z, ok in zip(records, near, strict=True) if ok]
    return Region("ukiah", _table(kept, UKIAH_HUBS), UKIAH_NPIS, 1.0, UKIAH_LAT_LON)


def _states(name: str, states: set[str]) -> Region:
    table = _table(_practice_zips(states), {})
    weight = table.weight.copy()
    state_arr = np.array(table.state)
    for st in states:  # share each state's people among its ZIPs
        mask = state_arr == st
        weight[mask] *= STATES[st][2] / weight[mask].sum()
    total_people = sum(STATES[st][2] for st in STATES)
    share = sum(STATES[st][2] for st in states) / total_people
    table = ZipTable(**{**table.__dict__, "weight": weight})
    return Region(name, table, max(1, round(NATIONAL_NPIS * share)), 0.01)


def resolve_region(name: str) -> Region:
    """A region by name: "ukiah", "national" or a two-letter state code."""
    key = name.strip()
    if key.casefold() == "ukiah":
        return _ukiah()
    if key.casefold() == "national":
        return _states("national", set(STATES))
    if key.upper() in STATES:
        return _states(key.upper(), {key.upper()})
    raise InputError(
        f"unknown region {name!r}",
        field="--region",
        hint="use 'ukiah', 'national' or a two-letter state code such as CA",
    )
