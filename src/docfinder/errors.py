"""Errors that carry where the problem is: file, line and field, and what to do next."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class DocfinderError(Exception):
    """Base class for every error docfinder reports to a person."""


@dataclass
class InputError(DocfinderError):
    """A problem with an input file, located as precisely as it can be."""

    message: str
    path: Path | str | None = None
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field is not None:
            where.append(f"field {self.field!r}")
        text = f"{': '.join(where)}: {self.message}" if where else self.message
        return f"{text} ({self.hint})" if self.hint else text


class UnknownLayoutError(InputError):
    """The file's header matches no layout docfinder knows."""


class StoreError(DocfinderError):
    """The store is missing, locked or of the wrong version."""
