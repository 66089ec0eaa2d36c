"""Query understanding: split what a person typed into the what (treatment, condition,
specialty or code) and the where (a place, or "near me").

Stages, each small: tokens with their positions -> "near me" taken out -> candidate splits
(the where after "in"/"near", or the last or first few words) -> each split read by the
what-matcher and the place index -> readings scored what x where -> the best one, the
runner-ups as alternatives, and notes for anything guessed ("did you mean ...").
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

from docfinder.catalog.match_text import (
    CHATTY,
    NEAR_ME_PHRASES,
    PURE_FILLER,
    ROLE_WORDS,
    STOPWORDS,
    fold,
    stem,
    words,
)
from docfinder.catalog.matcher import Matcher, WhatMatch, same_words
from docfinder.geo import Place, PlaceIndex, PlaceMatch


@dataclass(frozen=True)
class ParseWeights:
    """Every weight of query splitting, in one place (see docs/ranking.md)."""

    # A reading with no place costs this much against one with a place: it must beat the
    # place readings' what x where product.
    no_where: float = 0.8
    # A reading with a place but nothing matched as the what.
    no_what: float = 0.5
    # Where the split falls: after "in"/"near" (the person said so), at the end without a
    # word between, or at the start ("95482 dermatologist").
    after_connector: float = 1.0
    trailing_place: float = 0.97
    leading_place: float = 0.9
    # A lone number that is a known ZIP reads as a place rather than a procedure code.
    zip_as_code: float = 0.5
    # A what found as a phrase inside the words, others left out ("acne" in "acne treatment
    # seatle"): those words may well be the place, so reading them as nothing costs this.
    partial_what: float = 0.58
    # A place read with typos ("Ukia") scores its resolver score to this power: a near
    # spelling of a town ("hello" -> "Othello") must not outweigh reading no place at all.
    fuzzy_place_exponent: float = 2.0
    # A place read from everyday words in lower case ("back", "energy", "stairs"): its
    # likeness is scaled by this when it is a near spelling, or a place of fewer people than
    # this with no "in" or "near" before it.
    everyday_word_place: float = 0.3
    everyday_word_population: int = 50_000
    # A place scoring below this is no reading of the words set apart: the what is read
    # with them left out instead.
    weak_place_min: float = 0.2
    # A place alone (nothing matched as the what) must score at least this to be read.
    place_alone_min: float = 0.75
    # The longest place read from the end or the start of a query, in words.
    max_place_words: int = 5
    max_leading_place_words: int = 3
    # How many what and where candidates of each split make readings.
    what_candidates: int = 3
    where_candidates: int = 3
    # Alternatives: at most this many, scoring at least this share of the best reading, and
    # naming another what only when it scores within this of the best what ("dermatologist"
    # is not also a "hematologist").
    max_alternatives: int = 5
    alternative_min_ratio: float = 0.5
    alternative_what_gap: float = 0.1


DEFAULT_PARSE_WEIGHTS = ParseWeights()

# Words after which the place follows ("in Ukiah", "close to 95482").
_CONNECTORS: tuple[tuple[str, ...], ...] = (
    ("in",),
    ("near",),
    ("around",),
    ("at",),
    ("by",),
    ("within",),
    ("close", "to"),
    ("next", "to"),
    ("outside", "of"),
    ("outside",),
    ("in", "and", "around"),
    ("from",),
    ("zip",),
    ("zipcode",),
    ("zip", "code"),
    ("postal", "code"),
)
# "within 25 miles of", "10 mi from": a radius is not part of the what or the where.
_RADIUS = re.compile(r"^\d+(\.\d+)?$")
_RADIUS_UNITS = frozenset({"mile", "miles", "mi", "km", "kilometers", "kilometres", "minutes"})


@dataclass(frozen=True)
class ParsedQuery:
    """A query read as what, where and "near me", with other readings and notes."""

    text: str
    what: WhatMatch | None
    where: Place | None  # kind "near_me" when the text says "near me" and no place
    near_me: bool
    alternatives: list[dict[str, Any]]  # other readings: {"what": ..., "where": ...}
    notes: list[str]  # "did you mean ...", "no match for ..."

    def as_dict(self) -> dict[str, Any]:
        """The JSON form of `docfinder parse --json`."""
        return {
            "what": self.what.as_dict() if self.what else None,
            "where": place_dict(self.where),
            "near_me": self.near_me,
            "alternatives": self.alternatives,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class _Token:
    word: str  # folded: "Ukiah," -> "ukiah"
    start: int
    end: int


@dataclass(frozen=True)
class _Split:
    what: tuple[int, int]  # token range [start, end)
    where: tuple[int, int]
    factor: float


@dataclass(frozen=True)
class _Reading:
    what: WhatMatch | None
    where: PlaceMatch | None
    score: float
    split: _Split


def parse(
    text: str,
    matcher: Matcher,
    places: PlaceIndex,
    lat: float | None = None,
    lon: float | None = None,
    weights: ParseWeights = DEFAULT_PARSE_WEIGHTS,
) -> ParsedQuery:
    """Read `text` as what and where; `lat`/`lon` place "near me"."""
    tokens, near_me = _without_near_me(_tokens(text))
    tokens = _trimmed(_without_radius(tokens))
    reader = _Reader(text, tokens, matcher, places, weights, near_me)
    readings = reader.readings()
    best = readings[0] if readings else None
    here = _near_me_place(places, lat, lon) if near_me else None
    where = best.where.place if best and best.where else here
    notes = reader.notes(best)
    if near_me and (lat is None or lon is None) and where is here:
        notes.append('"near me" needs your location: share it, or name a city or ZIP code')
    return ParsedQuery(
        text=text,
        what=best.what if best else None,
        where=where,
        near_me=near_me,
        alternatives=_alternatives(readings, here, weights),
        notes=notes,
    )


class _Reader:
    """Reads the splits of one query and remembers each part's matches (a part recurs in
    several splits)."""

    def __init__(
        self,
        text: str,
        tokens: list[_Token],
        matcher: Matcher,
        places: PlaceIndex,
        weights: ParseWeights,
        near_me: bool,
    ) -> None:
        self.text, self.tokens, self.weights, self.near_me = text, tokens, weights, near_me
        self.matcher, self.places = matcher, places
        self._whats: dict[tuple[int, int], list[tuple[WhatMatch | None, bool]]] = {}
        self._wheres: dict[tuple[int, int], tuple[list[PlaceMatch], float]] = {}
        self._everydays: dict[tuple[int, int], bool] = {}

    def part(self, span: tuple[int, int]) -> str:
        """The text of tokens [start, end) as typed ("Ukiah, CA")."""
        start, end = span
        if start >= end:
            return ""
        return self.text[self.tokens[start].start : self.tokens[end - 1].end].strip(" ,;")

    def readings(self) -> list[_Reading]:
        """Every reading of every split, best first."""
        found: list[_Reading] = []
        for split in _splits(self.tokens, self.weights):
            found.extend(self._read(split))
        found.sort(key=lambda r: -r.score)
        return found

    def _read(self, split: _Split) -> Iterator[_Reading]:
        w = self.weights
        wheres, likeness = self._where(split.where)
        if split.where[0] < split.where[1] and not wheres:
            return  # the words set apart as the place name none
        whats: Sequence[tuple[WhatMatch | None, bool]] = self._what(split.what) or [(None, False)]
        places: Sequence[PlaceMatch | None] = wheres or [None]
        for what, partial in whats:
            for where in places:
                what_score = what.score if what else w.no_what
                if partial:
                    what_score *= w.partial_what
                if where is None:
                    where_score = w.no_where
                    if what is not None and what.kind == "code":
                        what_score *= self._code_as_zip(split.what)
                else:
                    where_score = self._place_score(where, likeness / max(wheres[0].score, 1e-9))
                    if what is None and where_score < w.place_alone_min:
                        continue
                    if where_score < w.weak_place_min and self._everyday(split.where):
                        # Hardly a place ("my back hurts"): the what, those words left out.
                        where, where_score = None, w.no_where * w.partial_what
                if what is None and where is None and not self.near_me:
                    continue
                yield _Reading(what, where, what_score * where_score * split.factor, split)

    def _place_score(self, where: PlaceMatch, likeness: float) -> float:
        score = where.score * min(1.0, likeness)
        if where.confidence == "fuzzy":
            score **= self.weights.fuzzy_place_exponent
        return score

    def _what(self, span: tuple[int, int]) -> list[tuple[WhatMatch | None, bool]]:
        """The what readings of some words, each with whether it leaves words out."""
        if span not in self._whats:
            text = self.part(span)
            limit = self.weights.what_candidates
            self._whats[span] = list(self.matcher.readings(text, limit)) if text else []
        return self._whats[span]

    def _where(self, span: tuple[int, int]) -> tuple[list[PlaceMatch], float]:
        if span not in self._wheres:
            text = self.part(span)
            if not text or all(_is_filler(t) for t in self.tokens[span[0] : span[1]]):
                self._wheres[span] = ([], 0.0)
            else:
                found = self.places.resolve(text, self.weights.where_candidates)
                likeness = self.places.looks_like_place(text) if found else 0.0
                likeness *= self._zip_company(span) * self._word_evidence(span, found)
                self._wheres[span] = (found, likeness)
        return self._wheres[span]

    def _word_evidence(self, span: tuple[int, int], found: Sequence[PlaceMatch]) -> float:
        """1.0, or less when the words set apart as a place are everyday words typed in
        lower case ("back", "energy", "after", "stairs") and little else says they are a
        place: a near spelling of a place's name, or a small place's name with no "in" or
        "near" before it."""
        if not found or not self._everyday(span):
            return 1.0
        w, top = self.weights, found[0]
        if top.confidence == "fuzzy":
            return w.everyday_word_place
        if top.place.kind == "state" or _named_place_before(self.tokens, span[0]):
            return 1.0
        if (top.place.population or 0) >= w.everyday_word_population:
            return 1.0
        return w.everyday_word_place

    def _everyday(self, span: tuple[int, int]) -> bool:
        """Whether the words are everyday words typed in lower case ("my back", "stairs");
        the capital that starts the text ("Back spasms") and "I" say nothing."""
        if span not in self._everydays:
            self._everydays[span] = self._everyday_uncached(span)
        return self._everydays[span]

    def _everyday_uncached(self, span: tuple[int, int]) -> bool:
        typed = self.part(span).split()
        if span[0] == 0 and typed and self.tokens and self.tokens[0].start == 0:
            typed[0] = typed[0][:1].lower() + typed[0][1:]
        typed = [word for word in typed if word != "I"]
        if any(not word.islower() for word in typed if any(ch.isalpha() for ch in word)):
            return False  # capitals: the person wrote a name
        named = [t for t in self.tokens[span[0] : span[1]] if not _is_filler(t)]
        found = [word for t in named for word in t.word.split()]
        return bool(found) and all(self.matcher.everyday_word(word) for word in found)

    def _zip_company(self, span: tuple[int, int]) -> float:
        """How much the words before a ZIP code read as a place too ("Ukiah CA 95482" yes,
        "surgery 95482" no); 1.0 when the place has no ZIP or nothing before it."""
        start, end = span
        last = self.tokens[end - 1].word
        if end - start < 2 or not (last.isdigit() and len(last) == 5):
            return 1.0
        return self.places.looks_like_place(self.part((start, end - 1)))

    def _code_as_zip(self, span: tuple[int, int]) -> float:
        text = self.part(span)
        is_zip = text.isdigit() and self.places.looks_like_place(text) >= 1.0
        return self.weights.zip_as_code if is_zip else 1.0

    def notes(self, best: _Reading | None) -> list[str]:
        """What a person should know about the reading: guesses and misses."""
        if best is None:
            return self._no_match(self.part((0, len(self.tokens))))
        notes: list[str] = []
        what_text = self.part(best.split.what)
        if best.what is None:
            notes.extend(self._no_match(what_text))
        elif not same_words(what_text, best.what.via):
            notes.append(
                f'did you mean "{best.what.name}"? (read "{what_text}" as "{best.what.via}")'
            )
        if best.where is not None:
            notes.extend(_place_notes(best.where, self.part(best.split.where)))
        return notes

    def _no_match(self, text: str) -> list[str]:
        if not text:
            return ["nothing to search for: name a treatment, condition or kind of doctor"]
        note = f'no treatment, condition or specialty matches "{text}"'
        suggestions = self.matcher.suggest(text, 3)
        if suggestions:
            names = ", ".join(f'"{s.name}"' for s in suggestions)
            note += f"; did you mean {names}?"
        return [note]


def _place_notes(match: PlaceMatch, typed: str) -> list[str]:
    if match.confidence == "fuzzy":
        return [f'did you mean {match.place.name}? (read "{typed}" as a place)']
    if match.confidence == "ambiguous":
        return [f'"{typed}" names several places; showing {match.place.name}']
    return []


# --- tokens and splits ------------------------------------------------------------------------


def _tokens(text: str) -> list[_Token]:
    found = []
    for m in re.finditer(r"\S+", text):
        word = fold(m.group())
        if word:
            found.append(_Token(word, m.start(), m.end()))
    return found


def _without_near_me(tokens: list[_Token]) -> tuple[list[_Token], bool]:
    """The tokens without any "near me" phrase, and whether there was one."""
    kept: list[_Token] = []
    found = False
    i = 0
    while i < len(tokens):
        length = _phrase_at(tokens, i, NEAR_ME_PHRASES)
        if length:
            found = True
            i += length
        else:
            kept.append(tokens[i])
            i += 1
    return kept, found


def _is_filler(token: _Token) -> bool:
    """Praise, role and linking words ("best", "doctors", "for"): never a place's name."""
    return all(stem(w) in _NOT_PLACE for w in token.word.split())


_NOT_PLACE = PURE_FILLER | CHATTY | ROLE_WORDS | STOPWORDS


def _trimmed(tokens: list[_Token]) -> list[_Token]:
    """Without praise words at either end ("best ... please"): they only blur the splits."""
    start, end = 0, len(tokens)
    while start < end and all(stem(w) in PURE_FILLER for w in tokens[start].word.split()):
        if _said_as_one(tokens[start : start + 3]):
            break  # "can not sleep": "can not" is one word, "cant"
        start += 1
    while end > start and all(stem(w) in PURE_FILLER for w in tokens[end - 1].word.split()):
        end -= 1
    return tokens[start:end]


def _said_as_one(tokens: Sequence[_Token]) -> bool:
    """Whether the first token starts a phrase the matcher reads as one word ("can not")."""
    if len(tokens) < 2:
        return False
    typed = [t.word for t in tokens]
    return len(words(" ".join(typed))) < sum(len(w.split()) for w in typed)


def _without_radius(tokens: list[_Token]) -> list[_Token]:
    """Drop "25 miles" (the radius) but keep the "within"/"of" around it as connectors."""
    kept: list[_Token] = []
    for i, token in enumerate(tokens):
        after = tokens[i + 1].word if i + 1 < len(tokens) else ""
        if _RADIUS.match(token.word) and after in _RADIUS_UNITS:
            continue
        if token.word in _RADIUS_UNITS and i > 0 and _RADIUS.match(tokens[i - 1].word):
            continue
        kept.append(token)
    return kept


def _phrase_at(tokens: Sequence[_Token], i: int, phrases: Sequence[tuple[str, ...]]) -> int:
    """The length of the longest phrase starting at token i, else 0."""
    best = 0
    for phrase in phrases:
        words = tuple(t.word for t in tokens[i : i + len(phrase)])
        if words == phrase and len(phrase) > best:
            best = len(phrase)
    return best


def _connector_before(tokens: Sequence[_Token], end: int) -> int:
    """The length of a connector ending just before token `end` ("in", "close to"), else 0."""
    best = 0
    for phrase in (*_CONNECTORS, ("of",)):
        start = end - len(phrase)
        if start >= 0 and tuple(t.word for t in tokens[start:end]) == phrase:
            best = max(best, len(phrase))
    return best


def _named_place_before(tokens: Sequence[_Token], end: int) -> bool:
    """Whether words that announce a place ("in", "near", "close to") end just before token
    `end`; a bare "of" does not ("flashes of light")."""
    for phrase in _CONNECTORS:
        start = end - len(phrase)
        if start >= 0 and tuple(t.word for t in tokens[start:end]) == phrase:
            return True
    return False


def _splits(tokens: Sequence[_Token], w: ParseWeights) -> Iterator[_Split]:
    """Candidate (what, where) splits: all what, the where at the end, or at the start."""
    n = len(tokens)
    seen: set[tuple[tuple[int, int], tuple[int, int]]] = set()

    def split(what: tuple[int, int], where: tuple[int, int], factor: float) -> Iterator[_Split]:
        if (what, where) not in seen:
            seen.add((what, where))
            yield _Split(what, where, factor)

    yield from split((0, n), (n, n), 1.0)
    for boundary in range(max(0, n - w.max_place_words), n):
        connector = _connector_before(tokens, boundary)
        while connector and _connector_before(tokens, boundary - connector):
            connector += _connector_before(tokens, boundary - connector)  # "in and around"
        factor = w.after_connector if connector else w.trailing_place
        yield from split((0, boundary - connector), (boundary, n), factor)
    for boundary in range(1, min(w.max_leading_place_words, n - 1) + 1):
        start = boundary + _phrase_at(tokens, boundary, _CONNECTORS)
        yield from split((start, n), (0, boundary), w.leading_place)


# --- output -------------------------------------------------------------------------------


def _near_me_place(places: PlaceIndex, lat: float | None, lon: float | None) -> Place:
    """The caller's position as a place of kind "near_me" (0, 0 when not given)."""
    for match in places.resolve("near me", 1):
        if match.place.kind == "near_me":
            return replace(match.place, lat=lat or 0.0, lon=lon or 0.0)
    return Place("near me", "near_me", None, lat or 0.0, lon or 0.0, "near-me", None)


def place_dict(place: Place | None) -> dict[str, Any] | None:
    """The JSON form of a place: name, state, lat, lon, slug, kind."""
    if place is None:
        return None
    unknown = place.kind == "near_me" and place.lat == 0.0 and place.lon == 0.0
    lat = None if unknown or math.isnan(place.lat) else round(place.lat, 6)
    lon = None if unknown or math.isnan(place.lon) else round(place.lon, 6)
    return {
        "name": place.name,
        "state": place.state,
        "lat": lat,
        "lon": lon,
        "slug": place.slug,
        "kind": place.kind,
    }


def _alternatives(
    readings: Sequence[_Reading], here: Place | None, w: ParseWeights
) -> list[dict[str, Any]]:
    """The other distinct readings, best first, as JSON-ready dicts."""
    if not readings:
        return []
    best = readings[0]
    floor = best.score * w.alternative_min_ratio
    what_floor = (best.what.score if best.what else 0.0) - w.alternative_what_gap
    seen = {_key(best, here)}
    found: list[dict[str, Any]] = []
    for reading in readings[1:]:
        key = _key(reading, here)
        if reading.score < floor or len(found) >= w.max_alternatives:
            break
        weak_other_what = (
            reading.what is not None
            and reading.what != best.what
            and reading.what.score < what_floor
        )
        if key in seen or weak_other_what:
            continue
        seen.add(key)
        place = reading.where.place if reading.where else here
        found.append(
            {
                "what": reading.what.as_dict() if reading.what else None,
                "where": place_dict(place),
            }
        )
    return found


def _key(reading: _Reading, here: Place | None) -> tuple[str | None, str | None]:
    place = reading.where.place if reading.where else here
    return (reading.what.slug if reading.what else None, place.slug if place else None)
