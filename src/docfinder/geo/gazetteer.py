"""Build the places people name (cities, counties, states) from ZIP and place rows.

Cities are the union of the place rows (with population) and every city a ZIP is addressed to
(small towns such as Ukiah, OR: centred on their ZIPs, population unknown). Two spellings of
one city ("St. Louis", "Saint Louis"; "McLean", "Mc Lean") meet on a compact key: the search
key without spaces. Counties and states are centred on their ZIPs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from docfinder.geo.distance import haversine_miles
from docfinder.geo.model import CITY, COUNTY, STATE, Place
from docfinder.geo.sources import PlaceRow, ZipRow
from docfinder.geo.text import (
    compact,
    county_base,
    county_display,
    name_key,
    place_slug,
    slugify,
    state_names,
)
from docfinder.geo.weights import PlaceWeights


class Entry(NamedTuple):
    """A named place with what ranking needs beyond the Place itself."""

    place: Place
    keys: tuple[str, ...]  # search keys of every spelling, the display spelling first
    slugs: tuple[str, ...]  # every slug that names it, the canonical one first
    prominence: float


@dataclass
class Gazetteer:
    zips: dict[str, ZipRow]
    cities: list[Entry] = field(default_factory=list)
    counties: list[Entry] = field(default_factory=list)
    states: list[Entry] = field(default_factory=list)


# A place-list entry this close to the ZIPs of a city of nearly the same name is that city.
_SAME_CITY_MILES = 15.0


@dataclass(slots=True)
class _CityGroup:
    state: str
    zips: list[ZipRow] = field(default_factory=list)
    rows: list[PlaceRow] = field(default_factory=list)
    zip_names: list[str] = field(default_factory=list)
    # ZIPs that accept this name without it being their city (Williamsville, NY in Buffalo's
    # 14221): used only for a city no ZIP is addressed to.
    also_zips: list[ZipRow] = field(default_factory=list)


def build(zips: Iterable[ZipRow], places: Iterable[PlaceRow], weights: PlaceWeights) -> Gazetteer:
    """The gazetteer of these rows (ZIPs first seen win; places merged per city)."""
    by_zip: dict[str, ZipRow] = {}
    for row in zips:
        by_zip.setdefault(row.zip5, row)
    groups = _city_groups(by_zip.values(), places)
    states = _states(by_zip.values(), weights)
    cities = sorted((_city_entry(g, weights) for g in groups.values()), key=_by_prominence)
    counties = sorted(_counties(by_zip.values(), weights), key=_by_prominence)
    taken: set[str] = set()
    return Gazetteer(
        zips=by_zip,
        states=_unique_slugs(states, taken),
        cities=_unique_slugs(cities, taken),
        counties=_unique_slugs(counties, taken),
    )


def _by_prominence(entry: Entry) -> tuple[float, str]:
    return (-entry.prominence, entry.place.name)


def _unique_slugs(entries: list[Entry], taken: set[str]) -> list[Entry]:
    """Entries whose canonical slug is unique; a later one taking a used slug is prefixed with
    its kind ("carson-city-nv" is the city, "county-carson-city-nv" the county)."""
    out = []
    for entry in entries:
        slug = entry.place.slug
        if slug in taken:
            slug = f"{entry.place.kind}-{slug}"
            entry = entry._replace(place=replace(entry.place, slug=slug), slugs=(slug,))
        taken.add(slug)
        out.append(entry)
    return out


def _city_groups(
    zips: Iterable[ZipRow], places: Iterable[PlaceRow]
) -> dict[tuple[str, str], _CityGroup]:
    groups: dict[tuple[str, str], _CityGroup] = {}
    for z in zips:
        if z.city:
            group = groups.setdefault((compact(z.city), z.state), _CityGroup(z.state))
            group.zips.append(z)
            group.zip_names.append(z.city)
    for z in zips:
        for name in z.also:
            key = _group_key(name, z.state, z.lat, z.lon, groups)
            group = groups.setdefault(key, _CityGroup(z.state))
            if not group.zips:
                group.also_zips.append(z)
                group.zip_names.append(name)
    for row in places:
        key = _group_key(row.name, row.state, row.lat, row.lon, groups)
        groups.setdefault(key, _CityGroup(row.state)).rows.append(row)
    return groups


def _group_key(
    name: str, state: str, lat: float, lon: float, groups: dict[tuple[str, str], _CityGroup]
) -> tuple[str, str]:
    """The city a name at a point belongs to: its own, or the one its ZIPs are addressed to.

    "New York City" is the "New York" its ZIPs are addressed to; but "Central City", a part
    of Phoenix, is not the town of Central, AZ.
    """
    key = (compact(name), state)
    own = groups.get(key)
    if (own is not None and own.zips) or not key[0].endswith("city"):
        return key
    short = (key[0][: -len("city")], state)
    group = groups.get(short)
    if group is None or not group.zips:
        return key
    centre_lat, centre_lon = _centroid(group.zips)
    near = haversine_miles(centre_lat, centre_lon, lat, lon) <= _SAME_CITY_MILES
    return short if near else key


def _city_entry(group: _CityGroup, weights: PlaceWeights) -> Entry:
    rows = group.rows
    if len(rows) > 1:
        rows = sorted(rows, key=lambda r: (r.rank, r.population or 0), reverse=True)
    names = [r.name for r in rows] + _by_count(group.zip_names)
    display = names[0]
    members = group.zips or group.also_zips
    lat, lon = (rows[0].lat, rows[0].lon) if rows else _centroid(members)
    population = next((r.population for r in rows if r.population), None)
    state = group.state
    place = Place(
        name=f"{display}, {state}",
        kind=CITY,
        state=state,
        lat=lat,
        lon=lon,
        slug=place_slug(display, state),
        population=population,
    )
    keys: tuple[str, ...] = (name_key(display),)
    slugs: tuple[str, ...] = (place.slug,)
    if len(names) > 1:
        keys = _unique(name_key(n) for n in names)
        slugs = _unique([place.slug, *(place_slug(n, state) for n in names)])
    return Entry(place, keys, slugs, weights.prominence(population, len(members)))


def _counties(zips: Iterable[ZipRow], weights: PlaceWeights) -> list[Entry]:
    groups: dict[tuple[str, str], list[ZipRow]] = defaultdict(list)
    for z in zips:
        if z.county:
            groups[(county_base(z.county), z.state)].append(z)
    return [_county_entry(state, members, weights) for (_, state), members in groups.items()]


def _county_entry(state: str, members: list[ZipRow], weights: PlaceWeights) -> Entry:
    spellings = Counter(z.county for z in members if z.county)
    # Prefer a spelling that carries its suffix ("Mendocino County" over "Mendocino").
    ranked = sorted(spellings, key=lambda s: (county_display(s, state) != s, -spellings[s], s))
    display = county_display(ranked[0], state)
    lat, lon = _centroid(members)
    population = _population_sum(members)
    place = Place(
        name=f"{display}, {state}",
        kind=COUNTY,
        state=state,
        lat=lat,
        lon=lon,
        slug=place_slug(display, state),
        population=population,
    )
    return Entry(
        place=place,
        keys=(county_base(display),),
        slugs=(place.slug,),
        prominence=weights.prominence(population, len(members)),
    )


def _states(zips: Iterable[ZipRow], weights: PlaceWeights) -> list[Entry]:
    groups: dict[str, list[ZipRow]] = defaultdict(list)
    for z in zips:
        groups[z.state].append(z)
    names = state_names()
    return [_state_entry(code, names[code], members, weights) for code, members in groups.items()]


def _state_entry(code: str, name: str, members: list[ZipRow], weights: PlaceWeights) -> Entry:
    lat, lon = _centroid(members)
    place = Place(
        name=name,
        kind=STATE,
        state=code,
        lat=lat,
        lon=lon,
        slug=code.lower(),
        population=_population_sum(members),
    )
    return Entry(place, (name_key(name),), (code.lower(), slugify(name)), weights.state_prominence)


def _by_count(names: list[str]) -> list[str]:
    """Distinct names, the most frequent first."""
    if len(names) == 1:
        return names
    return [name for name, _ in Counter(names).most_common()]


def _centroid(members: list[ZipRow]) -> tuple[float, float]:
    count = len(members)
    return sum(z.lat for z in members) / count, sum(z.lon for z in members) / count


def _population_sum(members: list[ZipRow]) -> int | None:
    known = [z.population for z in members if z.population is not None]
    return sum(known) if known else None


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))
