"""What the site's pages are about: treatments and specialties by URL slug, places by slug, the
cities that have doctors, and autocomplete. Reads the store only through `docfinder.core`."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from docfinder import core
from docfinder.catalog.loader import load_catalog
from docfinder.catalog.match_specialties import Specialty, curated_specialties
from docfinder.catalog.matcher import Matcher
from docfinder.catalog.model import Catalog, Entry
from docfinder.geo import Place, PlaceIndex, haversine_miles
from docfinder.geo.text import place_slug, slugify
from docfinder.search.query import parse

NEAR_ME = "near-me"


@dataclass(frozen=True)
class What:
    """Something a results page can be about: a catalog entry or a specialty."""

    slug: str  # URL slug
    name: str
    kind: str  # "procedure" | "condition" | "symptom" | "specialty"
    entry: Entry | None = None
    specialty: Specialty | None = None

    @property
    def search_slug(self) -> str:
        """The slug the search reports for this what ("specialty:<code>" for specialties)."""
        return f"specialty:{self.specialty.code}" if self.specialty else self.slug


@dataclass(frozen=True)
class City:
    """A place with current practice locations, and how many providers practise there."""

    place: Place
    providers: int


class SiteData:
    """Catalog, specialties and places of one store, cached while the store is unchanged."""

    def __init__(self, db: str) -> None:
        self.db = db
        self._lock = threading.Lock()
        self._cities: tuple[str, list[City]] | None = None
        self._listed: tuple[str, int] | None = None
        self._texts: dict[str, str] = {}

    @cached_property
    def catalog(self) -> Catalog:
        return load_catalog()

    @cached_property
    def specialties(self) -> dict[str, What]:
        """Curated specialties by URL slug (a catalog slug wins where both use one)."""
        found: dict[str, What] = {}
        for s in curated_specialties():
            slug = slugify(s.name)
            if slug not in self.catalog and slug not in found:
                found[slug] = What(slug, s.name, "specialty", specialty=s)
        return found

    def tools(self) -> tuple[Matcher, PlaceIndex]:
        return core.query_tools(self.db)

    def warm_up(self) -> None:
        """Build the query understanding and the city list now rather than on a first visit."""
        self.tools()
        self.cities()

    # --- what ------------------------------------------------------------------------------

    def what(self, slug: str) -> What | None:
        entry = self.catalog.get(slug)
        if entry is not None:
            return What(entry.slug, entry.name, str(entry.kind), entry=entry)
        return self.specialties.get(slug)

    def treatments(self) -> list[Entry]:
        return sorted(self.catalog, key=lambda e: e.name.casefold())

    def what_for_search(self, slug: str, name: str = "") -> What | None:
        """The page of a search's what: a catalog slug, "specialty:<code>", or a billing or
        ICD-10-CM code's catalog entry (17311 is Mohs surgery; L40.0 is psoriasis)."""
        kind, _, code = slug.partition(":")
        if kind in ("code", "icd10"):
            listing = [
                e
                for e in self.catalog
                if code in (e.icd10 if kind == "icd10" else tuple(p.code for p in e.procedures))
            ]
            best = max(listing, key=lambda e: self._code_weight(e, code), default=None)
            return self.what(best.slug) if best else None
        if not slug.startswith("specialty:"):
            return self.what(slug)
        code = slug.removeprefix("specialty:")
        found = (w for w in self.specialties.values() if w.specialty and w.specialty.code == code)
        return next(found, None)

    @staticmethod
    def _code_weight(entry: Entry, code: str) -> float:
        return max((p.weight for p in entry.procedures if p.code == code), default=1.0)

    def search_text(self, what: What) -> str:
        """Text the search reads as exactly this what (some specialty names read as a
        treatment: "Mohs Surgeon" is Mohs surgery; a lay phrase says the specialty)."""
        if what.specialty is None:
            return what.name
        with self._lock:
            if what.slug not in self._texts:
                self._texts[what.slug] = self._specialty_text(what.specialty)
            return self._texts[what.slug]

    def _specialty_text(self, specialty: Specialty) -> str:
        matcher, places = self.tools()
        for phrase in specialty.phrases:
            found = parse(phrase, matcher, places).what
            if found is not None and found.slug == f"specialty:{specialty.code}":
                return phrase
        return specialty.name

    def entries_for_specialty(self, code: str) -> list[Entry]:
        """Catalog entries this specialty provides, the most specific first."""
        weighted = [(s.weight, e) for e in self.catalog for s in e.specialties if s.code == code]
        return [e for _, e in sorted(weighted, key=lambda pair: (-pair[0], pair[1].name))]

    def entries_for_code(self, code: str) -> list[Entry]:
        return [e for e in self.catalog if any(p.code == code for p in e.procedures)]

    def entries_for_drug(self, generic_name: str) -> list[Entry]:
        return [e for e in self.catalog if any(d.matches(generic_name) for d in e.drugs)]

    def related(self, entry: Entry) -> list[Entry]:
        return [r for r in (self.catalog.get(s) for s in entry.related) if r is not None]

    # --- where -----------------------------------------------------------------------------

    def place(self, slug: str) -> Place | None:
        return self.tools()[1].by_slug(slug)

    def resolve_place(self, text: str) -> Place | None:
        found = self.tools()[1].resolve(text, limit=1)
        return found[0].place if found else None

    def cities(self) -> list[City]:
        """Cities with doctors in the store, most providers first."""
        version = core.store_version(self.db)
        with self._lock:
            if self._cities is None or self._cities[0] != version:
                self._cities = (version, self._load_cities())
            return self._cities[1]

    def _load_cities(self) -> list[City]:
        places = self.tools()[1]
        counts: dict[str, int] = defaultdict(int)
        found: dict[str, Place] = {}
        for row in core.provider_cities(self.db):
            place = places.by_slug(place_slug(str(row["city"]), str(row["state"])))
            if place is not None and place.kind == "city":
                counts[place.slug] += int(row["providers"])
                found[place.slug] = place
        ordered = sorted(found, key=lambda s: (-counts[s], s))
        return [City(found[s], counts[s]) for s in ordered]

    def listed_doctors(self) -> int:
        """How many doctor pages the store has (for the sitemap index), cached per store."""
        version = core.store_version(self.db)
        with self._lock:
            if self._listed is None or self._listed[0] != version:
                self._listed = (version, core.count_listed_providers(self.db))
            return self._listed[1]

    def states(self, per_state: int | None = None) -> dict[str, list[City]]:
        """Cities by state code (at most `per_state`, those with most doctors), states and
        cities in alphabetical order."""
        by_state: dict[str, list[City]] = defaultdict(list)
        for city in self.cities():  # most doctors first
            by_state[city.place.state or "?"].append(city)
        return {
            s: sorted(by_state[s][:per_state], key=lambda c: c.place.name) for s in sorted(by_state)
        }

    def city_counts(self) -> dict[str, int]:
        """How many cities with doctors each state has."""
        counts: dict[str, int] = defaultdict(int)
        for city in self.cities():
            counts[city.place.state or "?"] += 1
        return dict(counts)

    def nearby(self, lat: float, lon: float, limit: int, exclude: str = "") -> list[City]:
        """The nearest cities with doctors to a point."""
        others = [c for c in self.cities() if c.place.slug != exclude]
        return sorted(others, key=lambda c: haversine_miles(lat, lon, c.place.lat, c.place.lon))[
            :limit
        ]

    # --- autocomplete ----------------------------------------------------------------------

    def suggest_what(self, text: str, limit: int = 8) -> list[dict[str, Any]]:
        """Readings of a partly typed what, each with its page slug when it has one."""
        if not text.strip():
            return []
        matcher = self.tools()[0]
        matches = matcher.match(text, limit) or matcher.suggest(text, limit)
        out = []
        for m in matches:
            page = self.what_for_search(m.slug, m.name)
            out.append({**m.as_dict(), "page_slug": page.slug if page else None})
        return out

    def suggest_where(self, text: str, limit: int = 8) -> list[dict[str, Any]]:
        if not text.strip():
            return []
        return [m.as_dict() for m in self.tools()[1].resolve(text, limit=limit)]
