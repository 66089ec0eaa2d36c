"""Catalog test data built in code: small valid entries to break one field at a time."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHARED_DATA = PROJECT_ROOT.parent / "shared" / "data"
NUCC_CSV = SHARED_DATA / "taxonomy" / "nucc_taxonomy_251.csv"


def prose(words: int, seed: str = "plain") -> str:
    """Filler prose of an exact number of words."""
    return " ".join(f"{seed}{i % 7}" for i in range(words))


def valid_entry(slug: str = "test-procedure", **overrides: Any) -> dict[str, Any]:
    """An entry that passes every check; override fields to break one thing at a time."""
    entry: dict[str, Any] = {
        "slug": slug,
        "name": f"Name of {slug}",
        "kind": "procedure",
        "body_system": "skin",
        "synonyms": [f"{slug} synonym"],
        "specialties": [{"code": "207N00000X", "weight": 1.0}],
        "procedures": [{"code": "17311", "weight": 1.0}],
        "icd10": ["L40.0"],
        "related": [],
        "summary": "A short plain summary.",
        "explanation": {
            "what_it_is": prose(60),
            "when_needed": prose(60),
            "how_it_works": prose(60),
            "risks_and_recovery": prose(60),
            "who_provides": prose(30),
            "questions": ["First question?", "Second question?", "Third question?"],
        },
    }
    entry.update(overrides)
    return entry


WriteCatalog = Callable[..., Path]
