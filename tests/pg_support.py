"""The PostgreSQL side of the backend-parametrised fixtures.

Tests that run on both backends get a store location: a DuckDB path, or a PostgreSQL URL whose
`?schema=` is the test's own schema in the test database ($DOCFINDER_TEST_PG, else the local
server's `docfinder_test`, created when missing). Every schema of a run starts with the run's
prefix, so the run drops exactly its own at the end (other runs may share the database).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import psycopg
from psycopg import sql

from docfinder.store import PostgresStore, is_postgres_url, open_store
from docfinder.store.postgres_store import split_url, table_names

PG_ENV = "DOCFINDER_TEST_PG"
DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/docfinder_test"
BACKENDS = ("duckdb", "postgres")


def pg_base() -> str:
    return os.environ.get(PG_ENV, DEFAULT_PG)


def pg_problem() -> str | None:
    """Why the test database cannot be used (None when it can); creates it when missing."""
    conninfo, _ = split_url(pg_base())
    try:
        with psycopg.connect(conninfo, autocommit=True, connect_timeout=5):
            return None
    except psycopg.OperationalError as exc:
        if "does not exist" not in str(exc):
            return f"PostgreSQL is not reachable at {PG_ENV} or its default: {exc}".strip()
    name = conninfo.rsplit("/", 1)[-1].split("?", 1)[0]
    server = conninfo.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as con:
            con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    except psycopg.Error as exc:
        return f"cannot create the test database {name!r}: {exc}".strip()
    return None


def run_prefix(run_root: Path) -> str:
    """The schema prefix of one test run (the same in every xdist worker)."""
    return "dft_" + hashlib.sha256(str(run_root).encode()).hexdigest()[:8]


def schema_url(schema: str) -> str:
    conninfo, _ = split_url(pg_base())
    joiner = "&" if "?" in conninfo else "?"
    return f"{conninfo}{joiner}schema={schema}"


def new_schema_url(prefix: str) -> str:
    return schema_url(f"{prefix}_{uuid.uuid4().hex[:10]}")


def publish(duckdb_path: Path, url: str) -> str:
    """Publish a built DuckDB store as the served schema of `url` (what an ingest ends with)."""
    token = f"test-{uuid.uuid4().hex[:8]}"
    PostgresStore(url).publish(duckdb_path, token)
    return url


def clone(template_url: str, template_work: Path, url: str) -> str:
    """A new schema holding the template's tables and rows, and its work file beside it: the
    state an empty store is in after its first (empty) build, in a fraction of the time."""
    conninfo, source = split_url(template_url)
    _, target = split_url(url)
    with psycopg.connect(conninfo, autocommit=True) as con, con.transaction():
        con.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(target)))
        for table in table_names():
            columns = [
                r[0]
                for r in con.execute(
                    """SELECT column_name FROM information_schema.columns
                       WHERE table_schema = %s AND table_name = %s AND is_generated = 'NEVER'
                       ORDER BY ordinal_position""",
                    [source, table],
                ).fetchall()
            ]
            listed = sql.SQL(", ").join(sql.Identifier(c) for c in columns)
            con.execute(
                sql.SQL("CREATE TABLE {}.{} (LIKE {}.{} INCLUDING ALL)").format(
                    sql.Identifier(target),
                    sql.Identifier(table),
                    sql.Identifier(source),
                    sql.Identifier(table),
                )
            )
            con.execute(
                sql.SQL("INSERT INTO {}.{} ({}) SELECT {} FROM {}.{}").format(
                    sql.Identifier(target),
                    sql.Identifier(table),
                    listed,
                    listed,
                    sql.Identifier(source),
                    sql.Identifier(table),
                )
            )
    work = PostgresStore(url).work_path()
    work.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template_work, work)
    return url


def drop_schemas(prefix: str) -> None:
    """Drop every schema of a run (and close their reader pools in this process)."""
    conninfo, _ = split_url(pg_base())
    with psycopg.connect(conninfo, autocommit=True) as con:
        names = [
            r[0]
            for r in con.execute(
                "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, %s)", [prefix]
            ).fetchall()
        ]
        for name in names:
            PostgresStore(schema_url(name)).close()
            con.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(name)))


def drop(url: str) -> None:
    store = PostgresStore(url)
    store.close()
    with psycopg.connect(store.conninfo, autocommit=True) as con:
        con.execute(
            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(store.schema))
        )


def query(db: str | Path, statement: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of a query against either backend (DuckDB SQL with `?`; PostgreSQL numerics come
    back as the ints and floats DuckDB gives)."""
    if not is_postgres_url(str(db)):
        with duckdb.connect(str(db), read_only=True) as con:
            return con.execute(statement, params or []).fetchall()
    with open_store(str(db)).connect() as con:
        rows = con.execute(statement, params or []).fetchall()
    return [tuple(_plain(v) for v in row) for row in rows]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


__all__ = [
    "BACKENDS",
    "clone",
    "drop",
    "drop_schemas",
    "is_postgres_url",
    "new_schema_url",
    "publish",
    "query",
    "schema_url",
]
