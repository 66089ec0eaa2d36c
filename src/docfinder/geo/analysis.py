"""Query analysis: what kind of place a text names, and the ways to read its name part.

"95482" is a ZIP, "39.15 -123.21" a point, "near me" the caller's position; anything else is a
name, read every plausible way: "Portland Maine" as (portland, ME) and as the name "portland
maine"; "Mendocino Co" as Mendocino County and as the name "mendocino co".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import Indel

from docfinder.geo.text import (
    COUNTRY_WORDS,
    COUNTY_WORDS,
    WORD_CODES,
    fold,
    name_key,
    state_keys,
    state_names,
)

_NUMBER = r"[-+]?\d{1,3}(?:\.\d+)?"
_COORDINATES = re.compile(
    rf"^\(?\s*(?P<lat>{_NUMBER})\s*°?\s*(?P<ns>[nNsS])?\s*(?:[,;/]\s*|\s+)"
    rf"(?P<lon>{_NUMBER})\s*°?\s*(?P<ew>[eEwW])?\s*\)?$"
)
_ZIP = re.compile(r"^(?:zip(?:\s*code)?\s*:?\s*)?(?P<zip5>\d{5})(?:[-\s]?\d{4})?$", re.I)
_TRAILING_ZIP = re.compile(r"[\s,](?P<zip5>\d{5})(?:-\d{4})?$")
_NEAR_ME = re.compile(
    r"\b(?:(?:near|around|close to|closest to|nearest to|next to)\s+(?:me|here|us|my location)"
    r"|nearby|near by|close by|in my area|my area|my location|current location|where i am)\b"
)
_LEADING_WORDS = ("in", "near", "around", "at", "close to", "by")
_STRONG_COUNTY_WORDS = frozenset({"county", "parish", "borough"})
# A typo in a state's name or a county word ("Californa", "conty"): how close it must be, and
# how much of the text score the reading keeps.
_FUZZY_STATE_TEXT = 0.95
_FUZZY_STATE_MIN = 0.8


@dataclass(frozen=True)
class Reading:
    """One way to read the name part: a name key, maybe within a state, maybe a county."""

    name: str
    state: str | None
    county: bool = False
    text_factor: float = 1.0
    county_word: str | None = None  # "parish" in "Orleans Parish"
    state_only: bool = False  # "Washington State", "state of New York"


@dataclass(frozen=True)
class Analysis:
    kind: str  # "empty" | "near_me" | "coordinates" | "zip" | "name"
    zip5: str | None = None
    lat: float | None = None
    lon: float | None = None
    readings: tuple[Reading, ...] = ()
    lone_code: bool = False  # the text is only a state's two-letter code ("CA", "ms")
    lowercase: bool = False
    word_code: bool = False  # ... lowercase, and an English word too ("in", "me", "or")

    @property
    def bare(self) -> bool:
        """The text is a name alone: no state, no county word to confirm it is a place."""
        return not any(r.state or r.county for r in self.readings)


def analyse(text: str) -> Analysis:
    """Classify `text` and, for a name, list its readings."""
    raw = " ".join(text.split())
    point = parse_coordinates(raw)
    if point is not None:
        return Analysis("coordinates", lat=point[0], lon=point[1])
    zip_match = _ZIP.match(raw) or _TRAILING_ZIP.search(raw)
    if zip_match:
        return Analysis("zip", zip5=zip_match.group("zip5"))
    folded = fold(raw)
    if _NEAR_ME.search(folded):
        rest = _strip_edges(_NEAR_ME.sub(" ", folded))
        if not rest:
            return Analysis("near_me")
        folded = rest  # "Ukiah nearby": the place named wins over the caller's position
    folded = _strip_edges(folded)
    if not folded.replace(",", "").strip():
        return Analysis("empty")
    lone_code = len(folded) == 2 and folded in state_keys()
    lowercase = raw.islower()
    return Analysis(
        "name",
        readings=tuple(_readings(folded)),
        lone_code=lone_code,
        lowercase=lowercase,
        word_code=lone_code and lowercase and folded in WORD_CODES,
    )


def parse_coordinates(text: str) -> tuple[float, float] | None:
    """(lat, lon) from "39.15,-123.21", "39.15 -123.21" or "39.15N 123.21W", else None."""
    match = _COORDINATES.match(text.strip())
    if not match or "." not in match.group("lat") + match.group("lon"):
        return None
    lat, lon = float(match.group("lat")), float(match.group("lon"))
    if (match.group("ns") or "").lower() == "s":
        lat = -abs(lat)
    if (match.group("ew") or "").lower() == "w":
        lon = -abs(lon)
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    return lat, lon


def _strip_edges(folded: str) -> str:
    """Drop leading prepositions ("in Ukiah") and trailing country words ("Ukiah, CA, USA")."""
    text = folded.strip(" ,")
    for word in _LEADING_WORDS:
        if text.startswith(word + " "):
            text = text[len(word) + 1 :].strip(" ,")
            break
    for word in COUNTRY_WORDS:
        if text.endswith(" " + word) and len(text) > len(word) + 1:
            text = text[: -len(word) - 1].strip(" ,")
            break
    return text


def _readings(folded: str) -> list[Reading]:
    if "," in folded:
        left, _, right = folded.rpartition(",")
        left = left.replace(",", " ").strip()
        state, factor = _state_of(right.strip())
        if state and left:
            return _named(left, state, factor)
        folded = f"{left} {right}"
    tokens = folded.split()
    state_name = _state_named(tokens)
    if state_name is not None:
        return [Reading(state_name, None, state_only=True)]
    readings = _named(" ".join(tokens), None, 1.0)
    for n in range(1, min(4, len(tokens) - 1) + 1):
        state = state_keys().get(name_key(" ".join(tokens[-n:])))
        if state:
            readings.extend(_named(" ".join(tokens[:-n]), state, 1.0))
    return readings


def _state_named(tokens: list[str]) -> str | None:
    """The state's key in "washington state" or "state of washington", else None."""
    if len(tokens) > 1 and tokens[-1] == "state":
        rest = tokens[:-1]
    elif len(tokens) > 2 and tokens[:2] == ["state", "of"]:
        rest = tokens[2:]
    else:
        return None
    key = name_key(" ".join(rest))
    return key if key in state_keys() else None


def _named(text: str, state: str | None, factor: float) -> list[Reading]:
    key = name_key(text)
    words = key.split()
    if len(words) < 2:
        return [Reading(key, state, text_factor=factor)]
    word, word_factor = _county_word(words[-1])
    if word is None:
        return [Reading(key, state, text_factor=factor)]
    county = Reading(" ".join(words[:-1]), state, True, factor * word_factor, word)
    if word in _STRONG_COUNTY_WORDS:
        return [county]
    return [county, Reading(key, state, text_factor=factor)]


def _county_word(word: str) -> tuple[str | None, float]:
    """The county word `word` is, or is a typo of ("conty"), with the text factor it costs."""
    if word in COUNTY_WORDS:
        return word, 1.0
    if len(word) >= 4:
        for strong in _STRONG_COUNTY_WORDS:
            if Indel.normalized_similarity(word, strong) >= _FUZZY_STATE_MIN:
                return strong, _FUZZY_STATE_TEXT
    return None, 1.0


def _state_of(text: str) -> tuple[str | None, float]:
    """The state written after a comma, tolerating a typo in a full name ("Californa")."""
    exact = state_keys().get(name_key(text))
    if exact or len(text) < 4:
        return exact, 1.0
    names = _state_name_keys()
    best = process.extractOne(name_key(text), list(names), scorer=Indel.normalized_similarity)
    if best is not None and best[1] >= _FUZZY_STATE_MIN:
        return names[best[0]], _FUZZY_STATE_TEXT
    return None, 1.0


@cache
def _state_name_keys() -> dict[str, str]:
    return {name_key(name): code for code, name in state_names().items()}
