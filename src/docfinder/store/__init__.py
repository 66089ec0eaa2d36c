"""Stores: the embedded DuckDB file now; a PostgreSQL backend fits behind the same calls."""

from __future__ import annotations

from docfinder.errors import StoreError
from docfinder.store.duckdb_store import DuckDBStore


def open_store(location: str) -> DuckDBStore:
    """The store at a path (DuckDB) or URL."""
    if location.startswith(("postgresql://", "postgres://")):
        raise StoreError("the PostgreSQL backend is not available yet; use a DuckDB file path")
    return DuckDBStore(location)


__all__ = ["DuckDBStore", "open_store"]
