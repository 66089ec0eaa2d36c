"""Frozen value objects of the treatment catalog: entries, weighted codes, explanations."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType


class Kind(StrEnum):
    """What an entry describes; decides which explanation headings and checks apply."""

    PROCEDURE = "procedure"
    CONDITION = "condition"
    SYMPTOM = "symptom"


BODY_SYSTEMS: frozenset[str] = frozenset(
    {
        "cancer",
        "cardiovascular",
        "respiratory",
        "digestive",
        "endocrine_metabolic",
        "kidney_urinary",
        "reproductive",
        "pregnancy_childbirth",
        "musculoskeletal",
        "neurological",
        "mental_health",
        "skin",
        "eye",
        "ear_nose_throat",
        "blood_immune",
        "infectious",
        "general",
    }
)

# The order in which explanation sections are read, written and shown.
EXPLANATION_SECTIONS: tuple[str, ...] = (
    "what_it_is",
    "when_needed",
    "how_it_works",
    "risks_and_recovery",
    "who_provides",
)

# Separators after which a Part D generic name still names the same drug: a biosimilar or
# product suffix ("adalimumab-adaz"), a salt ("methotrexate sodium"), a combination
# ("calcipotriene/betamethasone"), or Part D's comma style ("calcitonin,salmon,synthetic").
_DRUG_NAME_SEPARATORS = ("-", " ", "/", ",")

_LAST_FIELD_PART = re.compile(r"(?:\.[^.\[]+|\[\d+\])$")


@dataclass(frozen=True)
class Origin:
    """Where an entry was read: file, line of the entry, and line of each of its fields."""

    path: str
    line: int | None = None
    field_lines: Mapping[str, int] = field(
        default_factory=lambda: MappingProxyType({}), compare=False, hash=False
    )

    def line_of(self, field_name: str) -> int | None:
        """The line of a field such as "procedures[2].code", else of its nearest parent."""
        while field_name:
            if field_name in self.field_lines:
                return self.field_lines[field_name]
            parent = _LAST_FIELD_PART.sub("", field_name)
            if parent == field_name:
                break
            field_name = parent
        return self.line


@dataclass(frozen=True)
class WeightedCode:
    """A code (NUCC taxonomy or CPT/HCPCS) and how strongly it evidences the entry, in (0, 1]."""

    code: str
    weight: float


@dataclass(frozen=True)
class WeightedDrug:
    """A Part D generic name, lower case, and how specific the drug is to the condition."""

    name: str
    weight: float

    def matches(self, generic_name: str) -> bool:
        """Whether a Part D ``Gnrc_Name`` value is this drug (any salt, suffix or combination)."""
        candidate = " ".join(generic_name.casefold().split())
        if candidate == self.name:
            return True
        return any(candidate.startswith(self.name + sep) for sep in _DRUG_NAME_SEPARATORS)


@dataclass(frozen=True)
class Explanation:
    """docfinder's own plain-language explanation of an entry, in fixed sections."""

    what_it_is: str = ""
    when_needed: str = ""
    how_it_works: str = ""
    risks_and_recovery: str = ""
    who_provides: str = ""
    questions: tuple[str, ...] = ()

    def sections(self) -> tuple[tuple[str, str], ...]:
        """The prose sections as (name, text) pairs, in reading order."""
        return tuple((name, str(getattr(self, name))) for name in EXPLANATION_SECTIONS)

    def word_count(self) -> int:
        """Words in all sections and questions together."""
        texts = [text for _, text in self.sections()] + list(self.questions)
        return sum(len(text.split()) for text in texts)


@dataclass(frozen=True)
class Entry:
    """One treatment, condition or symptom, as written in a catalog file.

    ``kind`` and ``body_system`` hold the text as written so that the validator can report an
    unknown value; a known kind compares equal to its :class:`Kind` member.
    """

    slug: str
    name: str
    kind: str
    body_system: str
    summary: str
    explanation: Explanation
    synonyms: tuple[str, ...] = ()
    specialties: tuple[WeightedCode, ...] = ()
    procedures: tuple[WeightedCode, ...] = ()
    drugs: tuple[WeightedDrug, ...] = ()
    icd10: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    origin: Origin = field(default_factory=lambda: Origin(path="<memory>"), compare=False)

    def search_terms(self) -> tuple[str, ...]:
        """The name and every synonym: the phrases a query can match."""
        return (self.name, *self.synonyms)


@dataclass(frozen=True)
class CatalogProblem:
    """One thing wrong in a catalog file, located by file, line, entry and field."""

    path: str
    slug: str | None
    field: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.slug or '<no slug>'}: {self.field}: {self.message}"

    def as_dict(self) -> dict[str, str | int | None]:
        """A JSON-ready form."""
        return {
            "path": self.path,
            "line": self.line,
            "slug": self.slug,
            "field": self.field,
            "message": self.message,
        }


class Catalog:
    """The loaded entries, in file order, with lookup by slug.

    ``problems`` holds what the loader could not turn into entries (bad YAML, wrong types,
    unknown fields); :func:`docfinder.catalog.validate.validate_catalog` reports them too.
    """

    def __init__(
        self,
        entries: Iterable[Entry],
        problems: Iterable[CatalogProblem] = (),
        paths: Iterable[str] = (),
    ) -> None:
        self._entries = tuple(entries)
        self._problems = tuple(problems)
        self._paths = tuple(paths)
        by_slug: dict[str, Entry] = {}
        for entry in self._entries:
            by_slug.setdefault(entry.slug, entry)  # the first wins; the validator reports the rest
        self._by_slug = MappingProxyType(by_slug)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """Every entry, in file order."""
        return self._entries

    @property
    def problems(self) -> tuple[CatalogProblem, ...]:
        """Problems found while reading the files."""
        return self._problems

    @property
    def paths(self) -> tuple[str, ...]:
        """The files read, in order."""
        return self._paths

    def get(self, slug: str) -> Entry | None:
        """The entry with this slug, or None."""
        return self._by_slug.get(slug)

    def __getitem__(self, slug: str) -> Entry:
        return self._by_slug[slug]

    def __contains__(self, slug: object) -> bool:
        return slug in self._by_slug

    def __iter__(self) -> Iterator[Entry]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def slugs(self) -> tuple[str, ...]:
        """Every distinct slug, in file order."""
        return tuple(self._by_slug)
