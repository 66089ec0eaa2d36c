"""PlaceIndex: resolve a person's text to ranked places, offline.

Stages, each a function: analyse the text (analysis.py) → look up each reading exactly →
fall back to typo-tolerant lookup (fuzzy.py) → score with one weights object → decide the
confidence of each candidate.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

from docfinder.geo import sources
from docfinder.geo.analysis import Analysis, Reading, analyse, parse_coordinates
from docfinder.geo.distance import haversine_miles
from docfinder.geo.fuzzy import FuzzyNames, Mask
from docfinder.geo.gazetteer import Entry, Gazetteer, build
from docfinder.geo.model import (
    AMBIGUOUS,
    COORDINATES,
    EXACT,
    FUZZY,
    NEAR_ME,
    STATE,
    ZIP,
    Place,
    PlaceMatch,
)
from docfinder.geo.sources import Connection
from docfinder.geo.text import CITY_ALIASES, COUNTY_ABBREVIATIONS, compact, compact_slug, state_keys
from docfinder.geo.weights import WEIGHTS, PlaceWeights

NEAR_ME_SLUG = "near-me"


@dataclass(frozen=True)
class _Candidate:
    entry: Entry
    text: float  # 0..1 text score of the reading that found it
    exact: bool  # found by an exact name (or alias) rather than by typo tolerance


class PlaceIndex:
    """Every named place (cities, counties, states) and ZIP, searchable by text and slug."""

    def __init__(self, gazetteer: Gazetteer, weights: PlaceWeights = WEIGHTS) -> None:
        self.weights = weights
        self._zips = gazetteer.zips
        self._zip3: dict[str, Place] | None = None
        entries = [*gazetteer.states, *gazetteer.counties, *gazetteer.cities]
        self._slugs = _slug_table(entries)
        self._compact_slugs: dict[str, Place] | None = None  # built on the first miss
        self._cities = _key_table(gazetteer.cities)
        self._counties = _key_table(gazetteer.counties)
        self._states = _key_table(gazetteer.states)
        self._states.update(_code_keys(gazetteer.states))
        self._aliases = _alias_table(self._cities)
        self._entries = entries
        self._typos: _TypoIndex | None = None  # built on the first query that needs it

    @classmethod
    def default(cls) -> PlaceIndex:
        """The index of the installed packages' geography (offline; built once per process)."""
        return _default_index()

    @classmethod
    def from_store(cls, con: Connection) -> PlaceIndex:
        """The index of a store's zips and places tables (with any Gazetteer data loaded)."""
        with _gc_paused():
            return cls(build(sources.store_zips(con), sources.store_places(con), WEIGHTS))

    def resolve(
        self, text: str, limit: int = 5, lat: float | None = None, lon: float | None = None
    ) -> list[PlaceMatch]:
        """The places `text` may name, best first; `lat`/`lon` place "near me"."""
        analysis = analyse(text)
        if analysis.kind == "empty" or limit < 1:
            return []
        if analysis.kind == "near_me":
            return [_near_me(lat, lon)]
        if analysis.kind == "coordinates":
            assert analysis.lat is not None and analysis.lon is not None
            return [PlaceMatch(coordinates_place(analysis.lat, analysis.lon), 1.0, EXACT)]
        if analysis.kind == "zip":
            assert analysis.zip5 is not None
            return self._resolve_zip(analysis.zip5)
        ranked = self._rank(self._candidates(analysis, limit), analysis)
        return [
            PlaceMatch(c.entry.place, self.weights.score(c.text, c.entry.prominence), conf)
            for c, conf in ranked[:limit]
        ]

    def by_slug(self, slug: str) -> Place | None:
        """The place a slug names (the inverse of Place.slug); None for unknown and near-me."""
        value = slug.strip().lower()
        if value.isdigit() and len(value) == 5:
            return self.zip_place(value)
        point = parse_coordinates(value)
        if point is not None:
            return coordinates_place(*point)
        found = self._slugs.get(value)
        if found is None:
            # A spelling variant of a slug: "saint-louis-mo", "mc-lean-va".
            if self._compact_slugs is None:
                self._compact_slugs = {compact_slug(s): p for s, p in self._slugs.items()}
            found = self._compact_slugs.get(compact_slug(value))
        return found

    def looks_like_place(self, text: str) -> float:
        """0..1: how much `text` reads as a place (1 for a ZIP, a point or "near me")."""
        analysis = analyse(text)
        if analysis.kind == "empty":
            return 0.0
        if analysis.kind in ("near_me", "coordinates"):
            return 1.0
        if analysis.kind == "zip":
            return 1.0 if analysis.zip5 in self._zips else self.weights.zip3_text
        w = self.weights
        if analysis.lone_code:  # "CA", "ms", "in": a state, or an abbreviation, or a word
            return w.word_code_likeness if analysis.word_code else w.lone_code_likeness
        ranked = self._rank(self._candidates(analysis, 1), analysis)
        if not ranked:
            return 0.0
        top = ranked[0][0]
        score = w.score(top.text, top.entry.prominence)
        if analysis.bare and top.entry.place.kind != STATE:
            # A bare word that is only a small town's name ("Colon", "Organ") is more
            # likely a word: many English words name a town somewhere.
            score *= w.bare_name_floor + (1.0 - w.bare_name_floor) * top.entry.prominence
        return score

    def zip_place(self, zip5: str) -> Place | None:
        """The Place of a known ZIP code, at its centroid."""
        row = self._zips.get(zip5)
        if row is None:
            return None
        return Place(zip5, ZIP, row.state, row.lat, row.lon, zip5, row.population)

    # --- ZIPs ---------------------------------------------------------------------------

    def _resolve_zip(self, zip5: str) -> list[PlaceMatch]:
        place = self.zip_place(zip5)
        if place is not None:
            return [PlaceMatch(place, 1.0, EXACT)]
        # A ZIP missing from the data (new, or a PO box): its 3-digit area's centroid.
        area = self._zip3_places().get(zip5[:3])
        if area is None:
            return []
        approx = Place(zip5, ZIP, area.state, area.lat, area.lon, zip5, None)
        return [PlaceMatch(approx, self.weights.zip3_text, FUZZY)]

    def _zip3_places(self) -> dict[str, Place]:
        if self._zip3 is None:
            self._zip3 = _zip3_centroids(self._zips.values())
        return self._zip3

    # --- names --------------------------------------------------------------------------

    def _candidates(self, analysis: Analysis, limit: int) -> list[_Candidate]:
        per_reading = [(r, self._exact(r)) for r in analysis.readings]
        found = [c for _, cands in per_reading for c in cands]
        qualified = any((r.state or r.state_only) and cands for r, cands in per_reading)
        if not found:
            found = [c for r in analysis.readings for c in self._typo(r)]
        elif not qualified and len({c.entry.place.slug for c in found}) < limit:
            # "Pittsburg" exists, but the person may mean the bigger Pittsburgh: offer it below.
            top = max(c.entry.prominence for c in found)
            found += [c for c in self._typo(analysis.readings[0]) if c.entry.prominence > top]
        if not found:
            found = [c for r in analysis.readings if r.state for c in self._elsewhere(r)]
        return found

    def _exact(self, reading: Reading) -> list[_Candidate]:
        w = self.weights
        key = compact(reading.name)
        if reading.state_only:
            hits = [(e, 1.0) for e in self._states.get(key, [])]
        elif reading.county:
            hits = [(e, self._county_word_text(e, reading)) for e in self._counties.get(key, [])]
        else:
            hits = [
                *((e, 1.0) for e in self._cities.get(key, [])),
                *((e, w.alias_text) for e in self._aliases.get(key, [])),
                *((e, w.county_base_text) for e in self._counties.get(key, [])),
            ]
            if reading.state is None:
                hits += [(e, 1.0) for e in self._states.get(key, [])]
        return [
            _Candidate(entry, text * reading.text_factor, True)
            for entry, text in hits
            if reading.state is None or entry.place.state == reading.state
        ]

    def _county_word_text(self, entry: Entry, reading: Reading) -> float:
        # "Orleans Parish": the parish beats Orleans County, NY; "Meeker Co" may be Colorado.
        word = reading.county_word
        if word in ("parish", "borough") and word not in entry.place.name.lower():
            return self.weights.county_base_text
        if word in COUNTY_ABBREVIATIONS:
            return self.weights.county_abbreviation_text
        return 1.0

    def _typo(self, reading: Reading) -> list[_Candidate]:
        if len(reading.name) < 3:
            return []
        if self._typos is None:
            with _gc_paused():
                self._typos = _TypoIndex(self._entries, self.weights)
        return [
            _Candidate(entry, text * reading.text_factor, False)
            for entry, text in self._typos.search(reading)
        ]

    def _elsewhere(self, reading: Reading) -> list[_Candidate]:
        """A name not found in the state given ("Ukiah, NV"): the state itself, and the places
        of that name in other states, below it."""
        w = self.weights
        anywhere = dataclasses.replace(reading, state=None)
        states = self._states.get(str(reading.state).lower(), [])
        return [
            *(_Candidate(entry, w.state_fallback_text, False) for entry in states),
            *(
                _Candidate(c.entry, c.text * w.wrong_state_text, False)
                for c in self._exact(anywhere)
                if c.entry.place.kind != STATE
            ),
        ]

    # --- ranking ------------------------------------------------------------------------

    def _rank(self, found: list[_Candidate], analysis: Analysis) -> list[tuple[_Candidate, str]]:
        """Candidates best first (one per place), each with its confidence."""
        best: dict[str, _Candidate] = {}
        for cand in found:
            slug = cand.entry.place.slug
            held = best.get(slug)
            if held is None or (cand.exact, cand.text) > (held.exact, held.text):
                best[slug] = cand
        scored = sorted(best.values(), key=self._order)
        return list(zip(scored, self._confidences(scored, analysis), strict=True))

    def _far(self, one: _Candidate, other: _Candidate) -> bool:
        a, b = one.entry.place, other.entry.place
        miles = haversine_miles(a.lat, a.lon, b.lat, b.lon)
        return miles > self.weights.ambiguity_distance_miles

    def _order(self, cand: _Candidate) -> tuple[float, int, str]:
        place = cand.entry.place
        score = self.weights.score(cand.text, cand.entry.prominence)
        return (-score, -(place.population or 0), place.name)

    def _confidences(self, scored: list[_Candidate], analysis: Analysis) -> list[str]:
        exact = [c for c in scored if c.exact]
        out = [EXACT if c.exact else FUZZY for c in scored]
        if analysis.lone_code and analysis.lowercase:  # "ca" may be California, or not
            return [AMBIGUOUS if c.exact else FUZZY for c in scored]
        if len(exact) < 2:
            return out
        top = exact[0]
        # A rival is another exact reading far away: Mendocino County is not a rival of the
        # town of Mendocino, but Portland, ME is one of Portland, OR unless much smaller.
        gap = self.weights.rival_text_gap
        rivals = [
            c.entry.prominence for c in exact[1:] if c.text >= top.text - gap and self._far(top, c)
        ]
        clear = not rivals or top.entry.prominence - max(rivals) >= self.weights.ambiguity_margin
        return [(EXACT if c is top and clear else AMBIGUOUS) if c.exact else FUZZY for c in scored]


class _TypoIndex:
    """Typo-tolerant lookup of entries by name, restricted to a state or to counties."""

    def __init__(self, entries: list[Entry], weights: PlaceWeights) -> None:
        self._per_key, keys = _fuzzy_keys(entries)
        self._names = FuzzyNames(keys, weights)
        self._state_masks = _state_masks(self._names, self._per_key)
        county_ids = [i for i, es in enumerate(self._per_key) if _has_county(es)]
        self._county_mask = self._names.mask(county_ids)

    def search(self, reading: Reading) -> Iterator[tuple[Entry, float]]:
        """(entry, text score) of the names close to the reading's, best first."""
        for hit in self._names.search(reading.name, self._mask(reading)):
            for entry in self._per_key[hit.key_id]:
                if _fits(entry, reading):
                    yield entry, hit.text

    def _mask(self, reading: Reading) -> Mask | None:
        masks = []
        if reading.state is not None:
            masks.append(self._state_masks.get(reading.state, self._names.mask([])))
        if reading.county:
            masks.append(self._county_mask)
        if not masks:
            return None
        return masks[0] if len(masks) == 1 else masks[0] & masks[1]


# --- construction helpers ---------------------------------------------------------------------


@cache
def _default_index() -> PlaceIndex:
    with _gc_paused():
        return PlaceIndex(build(sources.package_zips(), sources.package_places(), WEIGHTS))


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    # A build allocates about a million small objects that all survive: the collector's passes
    # over them midway would double the build time and free nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _slug_table(entries: Iterable[Entry]) -> dict[str, Place]:
    # Canonical slugs first, so that a variant spelling never takes another place's slug.
    table: dict[str, Place] = {}
    ordered = list(entries)
    for entry in ordered:
        table.setdefault(entry.place.slug, entry.place)
    for entry in ordered:
        for slug in entry.slugs[1:]:
            table.setdefault(slug, entry.place)
    return table


def _key_table(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    table: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        for key in entry.keys:
            table[key.replace(" ", "")].append(entry)
    return dict(table)


def _code_keys(states: Iterable[Entry]) -> dict[str, list[Entry]]:
    by_code = {e.place.state: e for e in states}
    codes = state_keys().items()
    return {compact(key): [by_code[code]] for key, code in codes if code in by_code}


def _alias_table(cities: dict[str, list[Entry]]) -> dict[str, list[Entry]]:
    table: dict[str, list[Entry]] = {}
    for alias, (key, state) in CITY_ALIASES.items():
        matches = [e for e in cities.get(compact(key), []) if e.place.state == state]
        if matches:
            table[alias] = matches[:1]
    return table


def _fuzzy_keys(entries: Iterable[Entry]) -> tuple[list[list[Entry]], list[str]]:
    """Every search key (codes and aliases excepted) with the entries it names."""
    by_key: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        for key in entry.keys:
            by_key[key].append(entry)
    keys = list(by_key)
    return [by_key[k] for k in keys], keys


def _state_masks(fuzzy: FuzzyNames, per_key: list[list[Entry]]) -> dict[str, Mask]:
    ids: dict[str, list[int]] = defaultdict(list)
    for key_id, entries in enumerate(per_key):
        for state in {e.place.state for e in entries if e.place.state}:
            ids[state].append(key_id)
    return {state: fuzzy.mask(key_ids) for state, key_ids in ids.items()}


def _has_county(entries: list[Entry]) -> bool:
    return any(e.place.kind == "county" for e in entries)


def _fits(entry: Entry, reading: Reading) -> bool:
    place = entry.place
    if reading.state is not None and (place.state != reading.state or place.kind == STATE):
        return False
    return not reading.county or place.kind == "county"


def _zip3_centroids(rows: Iterable[sources.ZipRow]) -> dict[str, Place]:
    groups: dict[str, list[sources.ZipRow]] = defaultdict(list)
    for row in rows:
        groups[row.zip5[:3]].append(row)
    out = {}
    for prefix, members in groups.items():
        state = Counter(m.state for m in members).most_common(1)[0][0]
        lat = sum(m.lat for m in members) / len(members)
        lon = sum(m.lon for m in members) / len(members)
        out[prefix] = Place(prefix, ZIP, state, lat, lon, prefix, None)
    return out


def coordinates_place(lat: float, lon: float) -> Place:
    """A point given as coordinates; its slug ("39.1500,-123.2100") parses back to it."""
    label = f"{lat:.4f},{lon:.4f}"
    return Place(f"{lat:.4f}, {lon:.4f}", COORDINATES, None, lat, lon, label, None)


def near_me_place(lat: float | None, lon: float | None) -> Place:
    """The caller's position; (0, 0) when the caller gave none."""
    return Place("near me", NEAR_ME, None, lat or 0.0, lon or 0.0, NEAR_ME_SLUG, None)


def _near_me(lat: float | None, lon: float | None) -> PlaceMatch:
    if lat is None or lon is None:
        return PlaceMatch(near_me_place(None, None), 0.5, AMBIGUOUS)
    return PlaceMatch(near_me_place(lat, lon), 1.0, EXACT)
