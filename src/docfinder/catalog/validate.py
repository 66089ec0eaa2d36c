"""Check a loaded catalog: required fields, code formats, known codes, links, prose length."""

from __future__ import annotations

import csv
import functools
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import ModuleType

from docfinder.catalog.model import (
    BODY_SYSTEMS,
    Catalog,
    CatalogProblem,
    Entry,
    Kind,
    WeightedCode,
)
from docfinder.errors import InputError

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NUCC_RE = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")
# CPT: Category I is five digits; Category II, III and PLA are four digits and F, T or U.
CPT_RE = re.compile(r"^(?:[0-9]{5}|[0-9]{4}[FTU])$")
HCPCS_LEVEL2_RE = re.compile(r"^[A-V][0-9]{4}$")
# ICD-10-CM as written in the code set: category, then a dot before any further characters.
ICD10_RE = re.compile(r"^[A-Z][0-9][0-9A-Z](?:\.[0-9A-Z]{1,4})?$")
DRUG_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9 ./,+-]*[a-z0-9)]$")

MIN_EXPLANATION_WORDS: dict[str, int] = {
    Kind.PROCEDURE: 250,
    Kind.CONDITION: 250,
    Kind.SYMPTOM: 120,
}
MIN_QUESTIONS, MAX_QUESTIONS = 3, 6

# Signs of text copied from code descriptors (AMA CPT text must never be in the catalog):
# their stock phrases, or a code followed directly by a colon or dash and words.
_DESCRIPTOR_PHRASES_RE = re.compile(
    r"list separately in addition to code|\(separate procedure\)|"
    r"\bincluding (?:imaging|fluoroscopic) guidance, when performed\b",
    re.IGNORECASE,
)
_CODE_THEN_TEXT_RE = re.compile(r"\b(?:[0-9]{5}|[0-9]{4}[FTU]|[A-V][0-9]{4})\s*[:=–—-]\s*[A-Za-z]")

_MISSING = "missing or empty"

Check = Callable[[Entry], Iterator[CatalogProblem]]


def validate_catalog(catalog: Catalog, nucc_codes: set[str] | None = None) -> list[CatalogProblem]:
    """Every problem in the catalog, by file and line; an empty list means it is clean.

    NUCC taxonomy codes are always checked for format, and against ``nucc_codes`` when given.
    """
    checks: list[Check] = [
        _check_required,
        _check_names,
        functools.partial(_check_specialties, nucc_codes=nucc_codes),
        _check_procedures,
        _check_drugs,
        _check_icd10,
        _check_explanation,
        _check_copied_descriptors,
    ]
    problems = list(catalog.problems)
    for entry in catalog:
        for check in checks:
            problems.extend(p for p in check(entry) if not _reported_on_load(p, catalog))
    problems.extend(_check_duplicate_slugs(catalog))
    problems.extend(_check_duplicate_terms(catalog))
    problems.extend(_check_related(catalog))
    return sorted(problems, key=lambda p: (p.path, p.line or 0, p.slug or "", p.field))


def load_nucc_codes(path: str | Path) -> set[str]:
    """The codes in a NUCC Health Care Provider Taxonomy CSV (cp1252, as NUCC publishes it)."""
    with open(path, encoding="cp1252", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = [name.strip().lstrip("\ufeff") for name in reader.fieldnames or []]
        if "Code" not in fields:
            raise InputError(
                "no 'Code' column",
                path=path,
                line=1,
                field="Code",
                hint="pass the NUCC taxonomy CSV from nucc.org (nucc_taxonomy_*.csv)",
            )
        reader.fieldnames = fields
        return {row["Code"].strip() for row in reader if (row.get("Code") or "").strip()}


def _reported_on_load(problem: CatalogProblem, catalog: Catalog) -> bool:
    """Whether the loader already reported the field, which it then left out or empty."""
    if not problem.message.startswith(_MISSING):
        return False
    return any(
        p.path == problem.path
        and p.slug == problem.slug
        and (
            p.field == problem.field
            or p.field.startswith((problem.field + "[", problem.field + "."))
        )
        for p in catalog.problems
    )


def _problem(entry: Entry, field: str, message: str) -> CatalogProblem:
    origin = entry.origin
    return CatalogProblem(origin.path, entry.slug or None, field, message, origin.line_of(field))


def _check_required(entry: Entry) -> Iterator[CatalogProblem]:
    required = {
        "slug": entry.slug,
        "name": entry.name,
        "kind": entry.kind,
        "body_system": entry.body_system,
        "summary": entry.summary,
        "synonyms": entry.synonyms,
        "specialties": entry.specialties,
    }
    if entry.kind == Kind.PROCEDURE:
        required["procedures"] = entry.procedures
    if entry.kind in (Kind.CONDITION, Kind.SYMPTOM):
        required["icd10"] = entry.icd10
    for name, text in entry.explanation.sections():
        required[f"explanation.{name}"] = text
    required["explanation.questions"] = entry.explanation.questions
    for field, value in required.items():
        if not value:
            yield _problem(entry, field, f"{_MISSING}; this field is required")


def _check_names(entry: Entry) -> Iterator[CatalogProblem]:
    if entry.slug and not SLUG_RE.match(entry.slug):
        message = f"{entry.slug!r} is not a slug: use lower-case a-z, 0-9 and single hyphens"
        yield _problem(entry, "slug", message)
    if entry.kind and entry.kind not in {k.value for k in Kind}:
        kinds = ", ".join(k.value for k in Kind)
        yield _problem(entry, "kind", f"unknown kind {entry.kind!r}; use one of: {kinds}")
    if entry.body_system and entry.body_system not in BODY_SYSTEMS:
        systems = ", ".join(sorted(BODY_SYSTEMS))
        message = f"unknown body system {entry.body_system!r}; use one of: {systems}"
        yield _problem(entry, "body_system", message)
    seen: set[str] = set()
    for index, synonym in enumerate(entry.synonyms):
        # Exact repeats only: spelling variants such as "crohn's" and "crohns" are deliberate.
        key = " ".join(synonym.casefold().split())
        if not key:
            yield _problem(entry, f"synonyms[{index}]", "empty synonym")
        elif key in seen:
            yield _problem(entry, f"synonyms[{index}]", f"{synonym!r} is listed twice")
        seen.add(key)


def _check_weights(entry: Entry, field: str, weights: Iterable[float]) -> Iterator[CatalogProblem]:
    for index, weight in enumerate(weights):
        if not 0.0 < weight <= 1.0:
            message = f"weight {weight} is outside (0, 1]: use 1.0 for core down to 0.1"
            yield _problem(entry, f"{field}[{index}].weight", message)


def _check_codes(
    entry: Entry, field: str, codes: tuple[WeightedCode, ...], is_valid: Callable[[str], str | None]
) -> Iterator[CatalogProblem]:
    yield from _check_weights(entry, field, (c.weight for c in codes))
    seen: set[str] = set()
    for index, item in enumerate(codes):
        where = f"{field}[{index}].code"
        if item.code in seen:
            yield _problem(entry, where, f"{item.code} is listed twice")
        seen.add(item.code)
        message = is_valid(item.code)
        if message:
            yield _problem(entry, where, message)


def _check_specialties(entry: Entry, nucc_codes: set[str] | None) -> Iterator[CatalogProblem]:
    def is_valid(code: str) -> str | None:
        if not NUCC_RE.match(code):
            return f"{code!r} is not a NUCC taxonomy code (ten characters like 207N00000X)"
        if nucc_codes is not None and code not in nucc_codes:
            return f"{code} is not in the NUCC taxonomy code set"
        return None

    yield from _check_codes(entry, "specialties", entry.specialties, is_valid)


def _check_procedures(entry: Entry) -> Iterator[CatalogProblem]:
    def is_valid(code: str) -> str | None:
        if CPT_RE.match(code) or HCPCS_LEVEL2_RE.match(code):
            return None
        return (
            f"{code!r} is not a CPT code (5 digits, or 4 digits and F/T/U) nor a HCPCS "
            "Level II code (a letter A-V and 4 digits); list codes only"
        )

    yield from _check_codes(entry, "procedures", entry.procedures, is_valid)


def _check_drugs(entry: Entry) -> Iterator[CatalogProblem]:
    if entry.drugs and entry.kind != Kind.CONDITION:
        message = "only conditions list drugs; prescriptions evidence treating a condition"
        yield _problem(entry, "drugs", message)
    yield from _check_weights(entry, "drugs", (d.weight for d in entry.drugs))
    seen: set[str] = set()
    for index, drug in enumerate(entry.drugs):
        where = f"drugs[{index}].name"
        if drug.name in seen:
            yield _problem(entry, where, f"{drug.name!r} is listed twice")
        seen.add(drug.name)
        if not DRUG_NAME_RE.match(drug.name):
            message = f"{drug.name!r}: write the Part D generic name in lower case (apremilast)"
            yield _problem(entry, where, message)


def _check_icd10(entry: Entry) -> Iterator[CatalogProblem]:
    seen: set[str] = set()
    for index, code in enumerate(entry.icd10):
        where = f"icd10[{index}]"
        if code in seen:
            yield _problem(entry, where, f"{code} is listed twice")
        seen.add(code)
        message = icd10_problem(code)
        if message:
            yield _problem(entry, where, message)


def icd10_problem(code: str) -> str | None:
    """What is wrong with an ICD-10-CM code as written in the catalog, or None."""
    if not ICD10_RE.match(code):
        return f"{code!r} is not written as an ICD-10-CM code (like L40.0 or C78.01)"
    icd = _icd10_module()
    if not icd.is_valid_item(code):
        return f"{code} is not in ICD-10-CM (FY2026)"
    if icd.is_chapter_or_block(code):
        return f"{code} is a chapter or block of ICD-10-CM, not a code"
    return None


@functools.cache
def _icd10_module() -> ModuleType:
    # Imported on first use: the package takes about two seconds to load its code set, and
    # warns about a deprecated importlib call it makes.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm

    module: ModuleType = simple_icd_10_cm
    return module


def _check_explanation(entry: Entry) -> Iterator[CatalogProblem]:
    explanation = entry.explanation
    minimum = MIN_EXPLANATION_WORDS.get(entry.kind)
    words = explanation.word_count()
    if minimum is not None and words and words < minimum:
        message = f"{words} words; a {entry.kind} needs at least {minimum} in all sections"
        yield _problem(entry, "explanation", message)
    count = len(explanation.questions)
    if count and not MIN_QUESTIONS <= count <= MAX_QUESTIONS:
        message = f"{count} questions; give {MIN_QUESTIONS} to {MAX_QUESTIONS}"
        yield _problem(entry, "explanation.questions", message)


def _prose(entry: Entry) -> Iterator[tuple[str, str]]:
    yield "summary", entry.summary
    for name, text in entry.explanation.sections():
        yield f"explanation.{name}", text
    for index, question in enumerate(entry.explanation.questions):
        yield f"explanation.questions[{index}]", question


def _check_copied_descriptors(entry: Entry) -> Iterator[CatalogProblem]:
    for field, text in _prose(entry):
        found = _DESCRIPTOR_PHRASES_RE.search(text) or _CODE_THEN_TEXT_RE.search(text)
        if found:
            message = (
                f"{found.group(0)!r} looks like code descriptor text: describe it in our own "
                "words and list codes only under procedures"
            )
            yield _problem(entry, field, message)


def _check_duplicate_slugs(catalog: Catalog) -> Iterator[CatalogProblem]:
    first: dict[str, Entry] = {}
    for entry in catalog:
        if not entry.slug:
            continue
        if entry.slug in first:
            other = first[entry.slug].origin
            message = f"duplicate slug; also at {_where(other.path, other.line)}"
            yield _problem(entry, "slug", message)
        else:
            first[entry.slug] = entry


def normalise_term(term: str) -> str:
    """A name or synonym as compared for duplicates: case, spacing and apostrophes ignored."""
    return " ".join(term.casefold().replace("'", "").replace("’", "").split())


def _check_duplicate_terms(catalog: Catalog) -> Iterator[CatalogProblem]:
    # A phrase that names two entries makes a search ambiguous; within one entry it is only
    # redundant (reported by _check_names), so only clashes across entries are reported here.
    owner: dict[str, tuple[Entry, str]] = {}
    for entry in catalog:
        terms = [("name", entry.name)] + [
            (f"synonyms[{i}]", s) for i, s in enumerate(entry.synonyms)
        ]
        for field, term in terms:
            key = normalise_term(term)
            if not key:
                continue
            if key in owner and owner[key][0] is not entry:
                other, other_field = owner[key]
                message = f"{term!r} also names {other.slug!r} ({other_field}); keep it in one"
                yield _problem(entry, field, message)
            owner.setdefault(key, (entry, field))


def _check_related(catalog: Catalog) -> Iterator[CatalogProblem]:
    for entry in catalog:
        for index, slug in enumerate(entry.related):
            where = f"related[{index}]"
            if slug == entry.slug:
                yield _problem(entry, where, "an entry cannot be related to itself")
            elif slug not in catalog:
                yield _problem(entry, where, f"no entry has the slug {slug!r}")


def _where(path: str, line: int | None) -> str:
    return path if line is None else f"{path}:{line}"
