"""What-matching: turn what a person typed into a catalog entry, specialty or code.

Sources, in the order they win ties: the treatment catalog (names and synonyms, including
misspellings), specialties (our curated lay names, plus every NUCC classification when a
store holds the taxonomy), and ICD-10-CM conditions the catalog lacks (only where the
specialty is clear). A text that is a code reads as one: CPT/HCPCS "17311" or ICD-10-CM
"L40.0" (which finds the catalog entries that list it).

An exact hit on a phrase scores 1.0; everything else is fuzzy and scores less (see
:class:`~docfinder.catalog.match_weights.MatchWeights`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import duckdb
import psycopg

from docfinder.catalog.loader import load_catalog
from docfinder.catalog.match_brands import read_brands
from docfinder.catalog.match_icd import (
    IcdCoverage,
    icd10_description,
    icd_terms,
    specialty_for_icd10,
    typed_icd10,
)
from docfinder.catalog.match_index import Hit, PhraseIndex
from docfinder.catalog.match_spans import span_hits, unglued
from docfinder.catalog.match_specialties import (
    Specialty,
    curated_specialties,
    nucc_specialties,
)
from docfinder.catalog.match_text import (
    DROPPED,
    bare_words,
    fold,
    query_variants,
    same_words,
    stem,
    words,
)
from docfinder.catalog.match_weights import DEFAULT_WEIGHTS, MatchWeights
from docfinder.catalog.model import Catalog, Entry, Kind

__all__ = ["Matcher", "WhatMatch", "same_words"]

# Ties between equal scores go to the lower rank. A few lay names are both a catalog synonym
# and a specialty ("kidney doctor", "eye doctor"): the catalog entry is the more specific
# reading (it names the specialties, and the procedures and drugs besides).
_RANK_CATALOG, _RANK_SPECIALTY, _RANK_ICD10 = 0, 1, 2

_PROCEDURE_CODE = re.compile(r"^(?:[0-9]{4}[0-9FTU]|[A-Z][0-9]{4})$")
_CODE_WORDS = re.compile(
    r"^(?:(?:icd-?10(?:-cm)?|cpt|hcpcs|procedure|diagnosis|dx|billing|code|number|#)[\s:#]*)+",
    re.IGNORECASE,
)
_PARENTHESES = re.compile(r"\(([^)]*)\)")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)?\b")


@dataclass(frozen=True)
class WhatMatch:
    """One reading of what a person wants: a treatment, condition, specialty or code."""

    slug: str  # catalog slug, "specialty:<NUCC code>", "code:<HCPCS>" or "icd10:<code>"
    name: str
    kind: str  # "procedure" | "condition" | "symptom" | "specialty" | "code"
    score: float  # 0..1
    via: str  # what matched: the name, synonym, code or description

    def as_dict(self) -> dict[str, Any]:
        """The JSON form the CLI and web app show."""
        return {"slug": self.slug, "name": self.name, "kind": self.kind, "score": self.score}


class Matcher:
    """Matches text against the catalog, specialties, ICD-10-CM conditions and codes."""

    def __init__(
        self,
        catalog: Catalog,
        specialties: Iterable[Specialty] = (),  # beyond the curated ones, e.g. from NUCC
        billed_codes: frozenset[str] | None = None,
        weights: MatchWeights = DEFAULT_WEIGHTS,
        icd10: bool = True,
    ) -> None:
        self.weights = weights
        self._catalog = catalog
        self._billed = billed_codes
        self._index = PhraseIndex(weights)
        self._coverage = IcdCoverage((e.slug, c) for e in catalog for c in e.icd10)
        self._add_catalog(catalog)
        self._add_brands()
        self._add_specialties(specialties)
        if icd10:
            self._add_icd10()
        self._index.freeze()
        self._specialty_words = self._index.single_words("specialty")
        self._icd_targets = frozenset(
            i for i, t in enumerate(self._index.targets) if t.rank == _RANK_ICD10
        )
        self._cached = functools.lru_cache(maxsize=4096)(self._match)

    @classmethod
    def default(cls) -> Matcher:
        """Catalog, curated specialties and ICD-10-CM conditions, offline; built once per
        process."""
        return _default_matcher()

    @classmethod
    def from_store(cls, con: duckdb.DuckDBPyConnection) -> Matcher:
        """Add the store's NUCC taxonomy and accept only procedure codes it has claims for."""
        rows = _query(
            con, "SELECT code, classification, specialization, display_name, section FROM taxonomy"
        )
        billed = {str(r[0]).upper() for r in _query(con, _BILLED_CODES) if r[0]}
        # A store with no claims at all says nothing about codes: treat them as unverified.
        return cls(load_catalog(), nucc_specialties(rows), frozenset(billed) if billed else None)

    # --- the interface ----------------------------------------------------------------

    def match(self, text: str, limit: int = 5) -> list[WhatMatch]:
        """The readings of `text` that score at least the match threshold, best first."""
        return [match for match, _ in self._cached(text, limit)]

    def readings(self, text: str, limit: int = 5) -> list[tuple[WhatMatch, bool]]:
        """The matches of `text` with whether each is partial: a whole phrase found inside
        the text with other words left out ("psoriasis" in "psoriasis that keeps itching"),
        a weaker reading when those words may say something else, such as a place."""
        return list(self._cached(text, limit))

    def suggest(self, text: str, limit: int = 5) -> list[WhatMatch]:
        """The nearest readings, however weak, for a "no match, did you mean..." answer."""
        hits = self._hits(text, self.weights.suggest_min)
        if len(hits) < limit:
            key = bare_words(text) or " ".join(words(text))
            for hit in self._index.suggestions(key, limit, _RANK_CATALOG):
                if hit.score > hits.get(hit.target, _NO_HIT).score:
                    hits[hit.target] = hit
        return self._ranked(hits, self.weights.suggest_min, limit)

    def specialties_for(self, slug: str) -> tuple[str, ...]:
        """The NUCC codes that provide what a match names, most relevant first."""
        if slug.startswith("specialty:"):
            return (slug.removeprefix("specialty:"),)
        if slug.startswith("icd10:"):
            code = specialty_for_icd10(slug.removeprefix("icd10:"))
            return (code,) if code else ()
        entry = self._catalog.get(slug)
        if entry is None:
            return ()
        ordered = sorted(entry.specialties, key=lambda c: -c.weight)
        return tuple(c.code for c in ordered)

    def everyday_word(self, word: str) -> bool:
        """Whether a word is ordinary English as the catalog's own prose writes it ("back",
        "energy", "stairs", "after"): a place's name only with more evidence."""
        return stem(fold(word)) in self._everyday

    @functools.cached_property
    def _everyday(self) -> frozenset[str]:
        return _everyday_words(self._catalog)

    def index_size(self) -> tuple[int, int]:
        """(phrases, targets) indexed: how much the matcher searches."""
        return len(self._index), len(self._index.targets)

    # --- building ---------------------------------------------------------------------

    def _add_catalog(self, catalog: Catalog) -> None:
        weight = self.weights.catalog_weight
        for entry in catalog:
            target = self._index.target(entry.slug, entry.name, str(entry.kind), _RANK_CATALOG)
            for phrase in _entry_phrases(entry):
                self._index.phrase(target, phrase, weight)

    def _add_brands(self) -> None:
        """Brand names of drugs and devices (brands.yaml), as the entries they are for."""
        for brand, slug in read_brands().items():
            target = self._index.target_id(slug)
            if target is not None:
                self._index.phrase(target, brand, self.weights.brand_weight)

    def _add_specialties(self, specialties: Iterable[Specialty]) -> None:
        w = self.weights
        for spec in (*curated_specialties(), *specialties):
            slug = f"specialty:{spec.code}"
            target = self._index.target(slug, spec.name, "specialty", _RANK_SPECIALTY)
            weight = w.curated_specialty_weight if spec.curated else w.nucc_weight
            for phrase in spec.phrases:
                self._index.phrase(target, phrase, weight)

    def _add_icd10(self) -> None:
        """Name catalog entries by the ICD-10-CM codes only they list; name the other codes
        whose specialty is clear as conditions of their own."""
        weight = self.weights.icd10_weight
        for term in icd_terms():
            entries = self._coverage.entries(term.code)
            if len(entries) == 1:
                target = self._index.target_id(entries[0][0])
            elif not entries and specialty_for_icd10(term.code):
                slug = f"icd10:{term.code}"
                name = term.description
                target = self._index.target(slug, name, str(Kind.CONDITION), _RANK_ICD10)
            else:
                continue  # several entries share the code: their own names say it better
            if target is not None:
                self._index.phrase(target, term.term, weight)

    # --- matching ---------------------------------------------------------------------

    def _match(self, text: str, limit: int) -> tuple[tuple[WhatMatch, bool], ...]:
        codes = self._codes(text)
        if codes:
            return tuple((code, False) for code in codes[:limit])
        floor = self.weights.match_min
        hits = self._best(self._hits(text, floor), floor, limit)
        return tuple((self._what(hit), hit.partial) for hit in hits)

    def _hits(self, text: str, floor: float) -> dict[int, Hit]:
        w = self.weights
        costs = (w.role_word_cost, w.role_act_cost, self._specialty_words, w.for_object_cost)
        variants = query_variants(text, *costs)
        glued = " ".join(unglued(self._index, words(text)))
        if glued != " ".join(words(text)):
            variants += [(key, c * w.glued_cost) for key, c in query_variants(glued, *costs)]
        # Only role words ("doctor", "best surgeon") name nothing: exact phrases only.
        fuzzy = bare_words(text) != ""
        best: dict[int, Hit] = {}
        icd = self._icd_targets
        for key, cost in variants:
            for hit in self._index.lookup(key, cost, floor, fuzzy):
                if hit.target in icd and self._index.phrase_key(hit.phrase) != key:
                    # An ICD-10-CM description read loosely ("gas" in "gas gangrene"): formal
                    # wording, so it counts for less than our own names.
                    hit = Hit(hit.target, hit.score * w.icd10_fuzzy_factor, hit.phrase)
                if hit.score > best.get(hit.target, _NO_HIT).score:
                    best[hit.target] = hit
        if fuzzy:
            spans = span_hits(self._index, text, w, floor, self._specialty_words, self._icd_targets)
            for target, hit in spans.items():
                known = best.get(target, _NO_HIT)
                # A target the whole text names keeps that reading: it leaves nothing out.
                whole = known.score >= floor and not known.partial
                if hit.score > known.score and (not whole or not hit.partial):
                    best[target] = hit
        return best

    def _ranked(self, hits: dict[int, Hit], floor: float, limit: int) -> list[WhatMatch]:
        return [self._what(h) for h in self._best(hits, floor, limit)]

    def _best(self, hits: dict[int, Hit], floor: float, limit: int) -> list[Hit]:
        targets = self._index.targets
        kept = [h for h in hits.values() if h.score >= floor]
        kept.sort(key=lambda h: (-h.score, targets[h.target].rank, targets[h.target].name))
        return kept[:limit]

    def _what(self, hit: Hit) -> WhatMatch:
        t = self._index.targets[hit.target]
        via = self._index.phrase_text(hit.phrase)
        return WhatMatch(t.slug, t.name, t.kind, round(hit.score, 4), via)

    def _codes(self, text: str) -> list[WhatMatch]:
        """Readings of a typed procedure or ICD-10-CM code; empty when the text is no code."""
        typed = _CODE_WORDS.sub("", text.strip()).strip().upper()
        if not typed or " " in typed:
            return []
        found = self._procedure_code(typed)
        # "J9355" is a HCPCS code as typed; as ICD-10-CM it would need its dot ("J93.55").
        diagnosis = None if found else typed_icd10(typed)
        if diagnosis is not None:
            found.extend(self._diagnosis(diagnosis, typed))
        return found

    def _procedure_code(self, code: str) -> list[WhatMatch]:
        if not _PROCEDURE_CODE.match(code):
            return []
        w = self.weights
        if self._billed is None:
            score = w.code_well_formed
        elif code in self._billed:
            score = w.code_in_store
        else:
            return []
        return [WhatMatch(f"code:{code}", f"Procedure code {code}", "code", score, code)]

    def _diagnosis(self, code: str, typed: str) -> list[WhatMatch]:
        w = self.weights
        found = []
        for slug, exact in self._coverage.entries(code):
            entry = self._catalog[slug]
            if exact:
                condition = entry.kind == Kind.CONDITION
                score = w.icd10_listed_condition if condition else w.icd10_listed_other
            else:
                score = w.icd10_related
            found.append(WhatMatch(slug, entry.name, str(entry.kind), score, typed))
        if not found and specialty_for_icd10(code):
            name = icd10_description(code)
            slug = f"icd10:{code}"
            found.append(WhatMatch(slug, name, str(Kind.CONDITION), w.icd10_table_only, typed))
        found.sort(key=lambda m: (-m.score, m.kind != Kind.CONDITION))
        return found


_NO_HIT = Hit(-1, -1.0, -1)
_BILLED_CODES = "SELECT DISTINCT hcpcs_code FROM procedure_volumes"


def _entry_phrases(entry: Entry) -> list[str]:
    """The name, the name's parts around parentheses ("Eczema (Atopic Dermatitis)" ->
    "Eczema", "Atopic Dermatitis"), its acronyms ("IVF and egg freezing" -> "IVF"), and
    every synonym."""
    phrases = [entry.name]
    inside = _PARENTHESES.findall(entry.name)
    if inside:
        phrases.append(_PARENTHESES.sub(" ", entry.name))
        phrases.extend(inside)
    phrases.extend(_ACRONYM.findall(entry.name))
    return [*phrases, *entry.synonyms]


_LOWER_WORD = re.compile(r"(?<![A-Za-z])[a-z][a-z']*")


def _everyday_words(catalog: Catalog) -> frozenset[str]:
    """Stems of the words the catalog writes in lower case (names aside, prose is everyday
    English), with the filler and role words queries use."""
    found: set[str] = set(DROPPED)
    for entry in catalog:
        texts = [entry.summary, *entry.synonyms, *entry.explanation.questions]
        texts += [text for _, text in entry.explanation.sections()]
        for text in texts:
            found.update(stem(w.replace("'", "")) for w in _LOWER_WORD.findall(text or ""))
    found.discard("")
    return frozenset(found)


def _query(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple[Any, ...]]:
    """Rows of a query, or none when the store lacks the table."""
    try:
        return con.execute(sql).fetchall()
    except (duckdb.CatalogException, psycopg.errors.UndefinedTable):
        return []


@functools.cache
def _default_matcher() -> Matcher:
    return Matcher(load_catalog())
