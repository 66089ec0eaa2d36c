"""Stores: the embedded DuckDB file, or a PostgreSQL/PostGIS database shared by app servers.

Both offer the same calls: `build()` (a builder the ingest pipeline loads into, swapped in
atomically at the end), `connect()` (a read connection taking DuckDB-style SQL with `?`
parameters), `version()` (a token that changes with every swap) and `exists()`.
"""

from __future__ import annotations

from docfinder.store.duckdb_store import DuckDBStore
from docfinder.store.postgres_store import PostgresStore

Store = DuckDBStore | PostgresStore


def is_postgres_url(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def open_store(location: str) -> Store:
    """The store at a path (DuckDB) or a ``postgresql://`` URL."""
    if is_postgres_url(location):
        return PostgresStore(location)
    return DuckDBStore(location)


def dialect(con: object) -> str:
    """ "postgres" for a PostgreSQL reader connection, else "duckdb"."""
    return str(getattr(con, "dialect", "duckdb"))


__all__ = ["DuckDBStore", "PostgresStore", "Store", "dialect", "is_postgres_url", "open_store"]
