"""ICD-10-CM for the what-matcher: typed codes, and condition names the catalog lacks.

A condition that is not in the catalog can still be searched when its ICD-10-CM category
falls in a range whose specialty is clear ("lichen planus", L43: skin, so dermatology). The
ranges are our own small table below; a category outside every range gives no match rather
than a guess. Descriptions come from the `simple_icd_10_cm` package (the public CMS/NCHS
code set).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import platformdirs

# Where derived caches go (default: the per-user cache directory).
CACHE_ENV = "DOCFINDER_CACHE_DIR"
# The cache file's format: bump it when the terms kept or their cleaning change.
_TERMS_FORMAT = 1

# (first category, last category, NUCC code of the specialty that treats it), first hit wins:
# narrower ranges come before the chapter they sit in. Categories compare as text ("L40").
ICD10_SPECIALTY_RANGES: tuple[tuple[str, str, str], ...] = (
    # Certain infectious and parasitic diseases
    ("B07", "B07", "207N00000X"),  # viral warts: dermatology
    ("B35", "B36", "207N00000X"),  # superficial fungal skin infections: dermatology
    ("B85", "B89", "207N00000X"),  # lice, scabies: dermatology
    ("A00", "B99", "207RI0200X"),  # infectious disease
    # Neoplasms
    ("C43", "C44", "207N00000X"),  # melanoma and other skin cancers: dermatology
    ("C00", "C96", "207RH0003X"),  # malignant neoplasms: hematology & oncology
    # Blood and immune
    ("D50", "D77", "207RH0000X"),  # hematology
    ("D80", "D89", "207K00000X"),  # immune mechanism disorders: allergy & immunology
    # Endocrine and metabolic
    ("E00", "E36", "207RE0101X"),  # endocrinology
    ("E70", "E89", "207RE0101X"),
    # Mental and behavioural (not the dementias of F01-F09, which neurology shares)
    ("F10", "F99", "2084P0800X"),  # psychiatry
    # Nervous system
    ("G00", "G99", "2084N0400X"),  # neurology
    # Eye; ear
    ("H00", "H59", "207W00000X"),  # ophthalmology
    ("H60", "H95", "207Y00000X"),  # otolaryngology
    # Circulatory
    ("I00", "I52", "207RC0000X"),  # cardiology
    ("I60", "I69", "2084N0400X"),  # cerebrovascular: neurology
    ("I70", "I89", "2086S0129X"),  # arteries, veins, lymphatics: vascular surgery
    # Respiratory
    ("J00", "J06", "207Y00000X"),  # upper respiratory infections: otolaryngology
    ("J30", "J39", "207Y00000X"),  # other upper respiratory tract: otolaryngology
    ("J09", "J99", "207RP1001X"),  # pulmonology
    # Digestive (not the mouth, K00-K14)
    ("K40", "K46", "208600000X"),  # hernia: general surgery
    ("K20", "K95", "207RG0100X"),  # gastroenterology
    # Skin
    ("L00", "L99", "207N00000X"),  # dermatology
    # Musculoskeletal
    ("M05", "M14", "207RR0500X"),  # inflammatory polyarthropathies: rheumatology
    ("M30", "M36", "207RR0500X"),  # systemic connective tissue disorders: rheumatology
    ("M15", "M25", "207X00000X"),  # arthrosis, other joint disorders: orthopaedics
    ("M40", "M43", "207X00000X"),  # deforming dorsopathies: orthopaedics
    ("M60", "M79", "207X00000X"),  # soft tissue disorders: orthopaedics
    # Genitourinary
    ("N20", "N23", "208800000X"),  # urolithiasis: urology
    ("N00", "N29", "207RN0300X"),  # kidney: nephrology
    ("N30", "N53", "208800000X"),  # urinary tract and male genital: urology
    ("N70", "N98", "207V00000X"),  # female genital: obstetrics & gynecology
    # Pregnancy; perinatal
    ("O00", "O9A", "207V00000X"),  # obstetrics & gynecology
    ("P00", "P96", "2080N0001X"),  # neonatal-perinatal medicine
)

_TYPED_ICD = re.compile(r"^([A-Z][0-9][0-9A-Z])(?:\.?([0-9A-Z]{1,4}))?$")


def typed_icd10(text: str) -> str | None:
    """The ICD-10-CM code, with its dot, that a text is (``"l40.0"`` -> ``"L40.0"``), else None."""
    found = _TYPED_ICD.match(text.strip().upper())
    if found is None:
        return None
    category, rest = found.groups()
    code = f"{category}.{rest}" if rest else category
    return code if _icd().is_valid_item(code) else None


def specialty_for_icd10(code: str) -> str | None:
    """The NUCC code of the specialty that treats an ICD-10-CM code, when the table says."""
    category = code.strip().upper()[:3]
    for first, last, nucc in ICD10_SPECIALTY_RANGES:
        if first <= category <= last:
            return nucc
    return None


def icd10_description(code: str) -> str:
    """The ICD-10-CM description of a valid code."""
    return str(_icd().get_description(code))


@dataclass(frozen=True)
class IcdTerm:
    """One ICD-10-CM code with a name a person might type for it."""

    code: str  # with its dot: "L43", "L91.0"
    description: str  # the code's own description
    term: str  # the description, or an inclusion term such as "Keloid"


def icd_terms() -> list[IcdTerm]:
    """Every 3-character category and 4-character subcategory with its description and
    inclusion terms, leaving out "other ..." and "unspecified ..." catch-alls.

    Reading the ICD-10-CM package takes seconds, so the terms are kept in a per-user cache
    file named by the package version; a missing or unreadable cache is rebuilt.
    """
    path = _cache_path()
    try:
        rows = json.loads(path.read_text("utf-8"))
        return [IcdTerm(*row) for row in rows]
    except (OSError, ValueError, TypeError):
        pass
    terms = list(_read_terms())
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        temporary.write_text(json.dumps([astuple(t) for t in terms]), "utf-8")
        os.replace(temporary, path)
    return terms


def _cache_path() -> Path:
    folder = os.environ.get(CACHE_ENV) or platformdirs.user_cache_dir("docfinder", appauthor=False)
    name = f"icd10cm_terms_{version('simple-icd-10-cm')}_v{_TERMS_FORMAT}.json"
    return Path(folder) / name


def _read_terms() -> Iterator[IcdTerm]:
    icd = _icd()
    for code in icd.get_all_codes(with_dots=True):
        if not (icd.is_category(code) or (icd.is_subcategory(code) and len(code) == 5)):
            continue
        description = str(icd.get_description(code))
        for term in (description, *icd.get_inclusion_term(code)):
            cleaned = clean_term(str(term))
            if cleaned:
                yield IcdTerm(code, description, cleaned)


def _icd() -> Any:
    """The ICD-10-CM package, imported on first use (its import reads the whole code set)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # it uses old importlib calls
        import simple_icd_10_cm

    return simple_icd_10_cm


_CATCH_ALL = re.compile(r"^(other|unspecified|encounter|personal history|family history)\b", re.I)
_UNSPECIFIED = re.compile(r",?\s*\b(unspecified|not elsewhere classified|NEC)\b.*$", re.I)
_PARENTHESES = re.compile(r"\s*\([^)]*\)")


def clean_term(term: str) -> str:
    """A description as a searchable name: no parentheses, no trailing ", unspecified"."""
    if _CATCH_ALL.match(term):
        return ""
    term = _PARENTHESES.sub("", term)
    term = _UNSPECIFIED.sub("", term).strip(" ,;")
    return term if len(term) >= 4 else ""


class IcdCoverage:
    """Which catalog entries list an ICD-10-CM code, or a code within or above it."""

    def __init__(self, listed: Iterable[tuple[str, str]]) -> None:
        self._exact: dict[str, list[str]] = defaultdict(list)
        self._below: dict[str, list[str]] = defaultdict(list)
        for slug, code in listed:
            bare = code.replace(".", "").upper()
            self._exact[bare].append(slug)
            for end in range(3, len(bare)):
                self._below[bare[:end]].append(slug)

    def entries(self, code: str) -> list[tuple[str, bool]]:
        """(slug, listed exactly) for every entry related to the code, exact ones first."""
        bare = code.replace(".", "").upper()
        found: dict[str, bool] = dict.fromkeys(self._exact.get(bare, ()), True)
        related = list(self._below.get(bare, ()))
        for end in range(3, len(bare)):
            related.extend(self._exact.get(bare[:end], ()))
        for slug in related:
            found.setdefault(slug, False)
        return sorted(found.items(), key=lambda item: not item[1])
