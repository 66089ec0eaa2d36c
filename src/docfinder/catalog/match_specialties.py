"""Specialties for the what-matcher: our curated list with lay names, and the NUCC table.

The curated list (``specialties.yaml``) is docfinder's own data and always available. A store
that holds the NUCC taxonomy adds every individual classification and specialization, named
as NUCC names them; the curated display names win where both know a code.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from docfinder.errors import InputError

SPECIALTIES_FILE = "specialties.yaml"
_NUCC_CODE = re.compile(r"^[0-9]{3}[0-9A-Z]{6}X$")


@dataclass(frozen=True)
class Specialty:
    """A taxonomy code with its display name and the phrases that name it."""

    code: str
    name: str
    phrases: tuple[str, ...]
    curated: bool  # from specialties.yaml (lay names) rather than only the NUCC table


def read_specialties(text: str, path: str = SPECIALTIES_FILE) -> list[Specialty]:
    """Parse a specialties file: a list of {code, name, lay: [...]}."""
    data = yaml.safe_load(text)
    if not isinstance(data, list):
        raise InputError("must be a list of specialties", path=path, hint="see the file header")
    return [_specialty(item, index, path) for index, item in enumerate(data)]


def _specialty(item: Any, index: int, path: str) -> Specialty:
    where = f"[{index}]"
    if not isinstance(item, dict) or set(item) - {"code", "name", "lay"}:
        raise InputError("each specialty has only code, name and lay", path=path, field=where)
    code, name, lay = item.get("code"), item.get("name"), item.get("lay") or []
    if not isinstance(code, str) or not _NUCC_CODE.match(code):
        raise InputError(f"not a NUCC taxonomy code: {code!r}", path=path, field=f"{where}.code")
    if not isinstance(name, str) or not name.strip():
        raise InputError("a specialty needs a name", path=path, field=f"{where}.name")
    if not isinstance(lay, list) or not all(isinstance(p, str) for p in lay):
        raise InputError("lay must be a list of phrases", path=path, field=f"{where}.lay")
    return Specialty(code, name.strip(), (name.strip(), *(p.strip() for p in lay)), True)


@cache
def curated_specialties() -> tuple[Specialty, ...]:
    """The specialties shipped with docfinder."""
    text = resources.files("docfinder.catalog").joinpath(SPECIALTIES_FILE).read_text("utf-8")
    return tuple(read_specialties(text))


def nucc_specialties(rows: Iterable[tuple[Any, ...]]) -> list[Specialty]:
    """Specialties from NUCC rows (code, classification, specialization, display name,
    section), keeping individual providers only and skipping deactivated codes."""
    found = []
    for code, classification, specialization, display, section in rows:
        display = (display or "").strip()
        if section != "Individual" or not code or display.lower().startswith("deactivated"):
            continue
        base = (specialization or classification or "").strip()
        phrases = [display, _without_role(display), base, *_role_forms(base)]
        name = display or base
        unique = tuple(dict.fromkeys(p for p in phrases if p))
        found.append(Specialty(str(code), name, unique, curated=False))
    return found


_ROLE_SUFFIX = re.compile(r"\s+(physician|physician physician)$", re.I)


def _without_role(display: str) -> str:
    return _ROLE_SUFFIX.sub("", display)


def _role_forms(name: str) -> list[str]:
    """The person who practises a field: "Cardiology" -> "Cardiologist", "Pediatrics" ->
    "Pediatrician", "Psychiatry" -> "Psychiatrist"."""
    lower = name.lower()
    for suffix, person in (("ology", "ologist"), ("iatry", "iatrist"), ("iatrics", "iatrician")):
        if lower.endswith(suffix):
            return [name[: -len(suffix)] + person]
    return []
