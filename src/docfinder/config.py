"""Typed settings. Precedence: defaults < DOCFINDER_* environment < CLI flags."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

DB_ENV = "DOCFINDER_DB"
DEFAULT_DB_NAME = "docfinder.duckdb"


def default_db_path() -> Path:
    """The per-user store path used when neither --db nor DOCFINDER_DB is given."""
    return Path(platformdirs.user_data_dir("docfinder", appauthor=False)) / DEFAULT_DB_NAME


def resolve_db(flag: str | None) -> str:
    """The store location: --db, else DOCFINDER_DB, else the per-user data directory.

    A PostgreSQL URL is passed through unchanged; a path is made absolute.
    """
    value = flag or os.environ.get(DB_ENV) or str(default_db_path())
    if "://" in value:
        return value
    return str(Path(value).expanduser().resolve())


@dataclass(frozen=True)
class IngestSettings:
    """Knobs of the ingest pipeline."""

    batch_rows: int = 200_000
    max_reject_raw_chars: int = 2_000
    # The reject log keeps every rejected row's reason; the raw text is kept for the first N of
    # each file so that a wholly wrong file cannot grow the store without bound.
    max_rejects_with_raw: int = 100_000
