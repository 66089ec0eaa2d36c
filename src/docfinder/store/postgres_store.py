"""The shared store: PostgreSQL with PostGIS, for several app servers behind a load balancer.

A build runs the same ingest pipeline as the embedded store (the same parsing, rejects with
their reasons, provenance and merge rules) on a local DuckDB work file that mirrors what the
database publishes, then publishes the result: every table is streamed by `COPY` into a
staging schema, indexed and analysed there, and swapped in by renaming schemas in one
transaction. Readers resolve table names through `search_path` at each statement, so a query
sees either the old build or the new one, never a half-loaded one; a failed build drops its
staging schema and leaves the served one as it was.

The work file is reused while it matches the published build (its `published_version`); when
it does not (another machine ingested, or this one crashed before publishing), it is restored
from the database first, so any machine can run the next weekly update.

Selected by a URL: ``postgresql://user@host/dbname`` (``?schema=NAME`` picks the schema that
is served; the default is ``docfinder``). Everything else in the URL goes to libpq.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import duckdb
import platformdirs
import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

from docfinder.errors import StoreError
from docfinder.store.duckdb_store import DuckDBBuilder, DuckDBStore, schema_sql

DEFAULT_SCHEMA = "docfinder"
WORKDIR_ENV = "DOCFINDER_PG_WORKDIR"
POOL_SIZE = int(os.environ.get("DOCFINDER_PG_POOL", "8"))
_COPY_BLOCK = 1 << 20  # bytes per COPY write: the load streams, it never holds a table

# Indexes built on the staging schema after its COPY, before it is swapped in: by NPI for the
# doctor pages and result pages, by code for volumes, and PostGIS for radius searches.
INDEXES = (
    "CREATE INDEX ON provider_taxonomies (npi)",
    "CREATE INDEX ON provider_taxonomies (taxonomy_code)",
    "CREATE INDEX ON locations (npi)",
    "CREATE INDEX ON other_names (npi)",
    "CREATE INDEX ON endpoints (npi)",
    "CREATE INDEX ON source_providers (npi)",
    "CREATE INDEX ON procedure_volumes (hcpcs_code, npi)",
    "CREATE INDEX ON procedure_volumes (npi)",
    "CREATE INDEX ON drug_volumes (generic_name, npi)",
    "CREATE INDEX ON drug_volumes (npi)",
    "CREATE INDEX ON clinicians (npi)",
    "CREATE INDEX ON group_memberships (npi)",
    "CREATE INDEX ON affiliations (npi)",
    "CREATE INDEX ON row_issues (file_id, line)",
    "CREATE INDEX ON search_locations (npi)",
    "CREATE INDEX ON search_locations USING gist (geog)",
    # A search reads its target's codes in a latitude band, then ST_DWithin keeps the circle.
    # Measured on the 10% national build (5.0M rows): this B-tree builds in 17 s and answers
    # as fast as a GiST on (kind, code, geog), which took 8 min 18 s to build; a GiST on geog
    # alone made PostgreSQL read every code's points in the circle (776k entries near Boston).
    "CREATE INDEX ON code_locations (kind, code, lat)",
)

# Derived tables that carry a PostGIS point (computed from lat/lon when a row is stored).
_GEOGRAPHY = ("search_locations", "code_locations")
_GEOG_COLUMN = (
    "geog geography(Point, 4326) GENERATED ALWAYS AS "
    "(CAST(ST_SetSRID(ST_MakePoint(lon, lat), 4326) AS geography)) STORED"
)

_POOLS: dict[str, ConnectionPool] = {}
_POOLS_LOCK = threading.Lock()


def split_url(url: str) -> tuple[str, str]:
    """The libpq connection string and the served schema of a docfinder PostgreSQL URL."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = DEFAULT_SCHEMA
    rest = []
    for key, value in query:
        if key == "schema":
            schema = value
        else:
            rest.append((key, value))
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", schema):
        raise StoreError(
            f"schema {schema!r} in the store URL must be lower-case letters, digits and _"
        )
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql") else parts.scheme
    query_rest = urlencode(rest, quote_via=quote)  # libpq reads %20, never +
    conninfo = urlunsplit((scheme, parts.netloc, parts.path, query_rest, parts.fragment))
    return conninfo, schema


def _redacted(url: str) -> str:
    """The URL without its password, for messages."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


class PgConnection:
    """A pooled reader connection with the calls the read path makes of a DuckDB cursor.

    Statements are written with `?` placeholders (DuckDB's); they become `%s` here. Reads run
    in autocommit, so a failed statement never leaves the connection in an aborted transaction.
    """

    dialect = "postgres"

    def __init__(self, pool: ConnectionPool, schema: str) -> None:
        self._pool = pool
        self._con: psycopg.Connection[Any] | None = pool.getconn()
        self.schema = schema
        # Named queries standing in for temporary tables (see `define_temp`), in order.
        self._temps: dict[str, tuple[str, list[Any]]] = {}
        # What a search keeps between its statements on this connection (rows, not tables).
        self.scratch: dict[str, Any] = {}

    def define_temp(self, name: str, select: str, params: Sequence[Any] | None = None) -> None:
        """A temporary table of this connection, kept as its query: every later statement
        that names it gets it as a common table expression. Nothing is written, so searches
        also run on a hot-standby replica, where temporary tables cannot be created."""
        self._temps.pop(name, None)
        self._temps[name] = (select, list(params or []))

    @property
    def raw(self) -> psycopg.Connection[Any]:
        if self._con is None:
            raise StoreError("this store connection is closed")
        return self._con

    def execute(self, query: str, params: Sequence[Any] | None = None) -> psycopg.Cursor[Any]:
        cursor = self.raw.cursor()
        query, params = self._with_temps(query, list(params or []))
        if params:
            cursor.execute(_placeholders(query), list(params))
        else:
            cursor.execute(query.encode("utf-8"))  # no parameters: `%` needs no escaping
        return cursor

    def _with_temps(self, query: str, params: list[Any]) -> tuple[str, list[Any]]:
        if not self._temps or not re.search(
            r"\b(" + "|".join(map(re.escape, self._temps)) + r")\b", query
        ):
            return query, params
        ctes = ", ".join(f"{name} AS ({select})" for name, (select, _) in self._temps.items())
        before = [p for _, (_, temp_params) in self._temps.items() for p in temp_params]
        body = query.lstrip()
        if body[:5].upper() == "WITH ":
            return f"WITH {ctes}, {body[5:]}", before + params
        return f"WITH {ctes} {body}", before + params

    def close(self) -> None:
        if self._con is not None:
            con, self._con = self._con, None
            self._pool.putconn(con)

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _placeholders(query: str) -> bytes:
    """DuckDB-style `?` parameters as psycopg's `%s` (literal `%` doubled)."""
    return query.replace("%", "%%").replace("?", "%s").encode("utf-8")


class PostgresStore:
    """The served schema of a PostgreSQL database and the way to rebuild it."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conninfo, self.schema = split_url(url)

    # --- reading ---------------------------------------------------------------------------

    def exists(self) -> bool:
        with self._admin() as con:
            return self._published(con) is not None

    def connect(self) -> PgConnection:
        return PgConnection(self._pool(), self.schema)

    def version(self, con: PgConnection | None = None) -> str:
        """The published build's token: it changes whenever a build is swapped in."""
        found: str | None = None
        if con is not None:
            with contextlib.suppress(psycopg.errors.UndefinedTable):
                rows = con.execute("SELECT value FROM meta WHERE key = 'published_version'")
                found = next((str(r[0]) for r in rows.fetchall()), None)
        else:
            with self._admin() as admin:
                found = self._published(admin)
        if found is None:
            raise StoreError(
                f"no docfinder data in schema {self.schema!r} of {_redacted(self.url)}; "
                "load data first with `docfinder ingest FILE...`"
            )
        return found

    def _pool(self) -> ConnectionPool:
        key = f"{self.conninfo}#{self.schema}"
        with _POOLS_LOCK:
            pool = _POOLS.get(key)
            if pool is None:
                schema = self.schema

                def configure(con: psycopg.Connection[Any]) -> None:
                    con.autocommit = True
                    # A search is a few small queries; many run at once. Parallel workers
                    # only add start-up time to each (measured: p50 -25% without them).
                    con.execute("SET max_parallel_workers_per_gather = 0")
                    con.execute(
                        sql.SQL("SET search_path TO {}, public").format(sql.Identifier(schema))
                    )

                pool = ConnectionPool(
                    self.conninfo,
                    min_size=1,
                    max_size=POOL_SIZE,
                    configure=configure,
                    open=False,
                    name=f"docfinder-{schema}",
                )
                try:
                    pool.open(wait=True, timeout=10)
                except PoolTimeout as exc:
                    pool.close()
                    raise StoreError(
                        f"cannot connect to {_redacted(self.url)}: {_last_error(exc)}"
                    ) from exc
                _POOLS[key] = pool
        return pool

    @contextlib.contextmanager
    def _admin(self) -> Iterator[psycopg.Connection[Any]]:
        try:
            con = psycopg.connect(self.conninfo, autocommit=True)
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot connect to {_redacted(self.url)}: {exc}") from exc
        try:
            yield con
        finally:
            con.close()

    def _published(self, con: psycopg.Connection[Any]) -> str | None:
        found = con.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s"
            " AND table_name = 'meta'",
            [self.schema],
        ).fetchone()
        if found is None:
            return None
        row = con.execute(
            sql.SQL("SELECT value FROM {}.meta WHERE key = 'published_version'").format(
                sql.Identifier(self.schema)
            )
        ).fetchone()
        return None if row is None else str(row[0])

    # --- building --------------------------------------------------------------------------

    @contextlib.contextmanager
    def build(self) -> Iterator[DuckDBBuilder]:
        """Yield a builder on the work file; publish it to the database when the block succeeds.

        One build at a time per schema (an advisory lock held for the whole build).
        """
        with self._admin() as lock_con:
            key = int.from_bytes(hashlib.sha256(self.schema.encode()).digest()[:8], "big") >> 1
            locked = lock_con.execute("SELECT pg_try_advisory_lock(%s)", [key]).fetchone()
            if not (locked and locked[0]):
                raise StoreError(
                    f"another ingest is building schema {self.schema!r}; wait for it to finish"
                )
            try:
                self._drop_leftovers(lock_con)
                work = self._work_store(lock_con)
                token = f"{datetime.now():%Y%m%d%H%M%S}-{uuid.uuid4().hex[:8]}"
                with work.build() as builder:
                    builder.execute(
                        "INSERT OR REPLACE INTO meta VALUES ('published_version', ?)", [token]
                    )
                    yield builder
                self.publish(work.path, token)
            finally:
                # Released now: a closed connection's backend may outlive it for a moment.
                with contextlib.suppress(psycopg.Error):
                    lock_con.execute("SELECT pg_advisory_unlock(%s)", [key])

    def publish(self, path: Path, token: str) -> None:
        """Copy a finished DuckDB store into a staging schema, index it, and swap it in."""
        staging = f"{self.schema}__build_{token.replace('-', '_')}"
        source = duckdb.connect(str(path), read_only=True)
        try:
            with self._admin() as con:
                self._prepare_database(con)
                try:
                    con.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(staging)))
                    for statement in postgres_schema(staging):
                        con.execute(statement.encode("utf-8"))
                    with tempfile.TemporaryDirectory(prefix="docfinder-publish-") as scratch:
                        for table in table_names():
                            _copy_table(source, con, staging, table, Path(scratch))
                    for statement in INDEXES:
                        con.execute(_in_schema(statement, staging))
                    con.execute(
                        sql.SQL(
                            "INSERT INTO {}.meta VALUES ('published_version', %s)"
                            " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
                        ).format(sql.Identifier(staging)),
                        [token],
                    )
                    for table in table_names():
                        con.execute(
                            sql.SQL("ANALYZE {}.{}").format(
                                sql.Identifier(staging), sql.Identifier(table)
                            )
                        )
                    self._swap(con, staging)
                except BaseException:
                    with contextlib.suppress(psycopg.Error):
                        con.execute(
                            sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(
                                sql.Identifier(staging)
                            )
                        )
                    raise
        finally:
            source.close()

    def _swap(self, con: psycopg.Connection[Any], staging: str) -> None:
        old = f"{self.schema}__old_{uuid.uuid4().hex[:8]}"
        with con.transaction():
            if self._published(con) is not None or _schema_exists(con, self.schema):
                con.execute(
                    sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                        sql.Identifier(self.schema), sql.Identifier(old)
                    )
                )
            con.execute(
                sql.SQL("ALTER SCHEMA {} RENAME TO {}").format(
                    sql.Identifier(staging), sql.Identifier(self.schema)
                )
            )
        # Outside the swap: waits for readers still on the old tables, which keep working.
        if _schema_exists(con, old):
            con.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(old)))

    def _prepare_database(self, con: psycopg.Connection[Any]) -> None:
        for extension in ("postgis",):
            present = con.execute(
                "SELECT 1 FROM pg_extension WHERE extname = %s", [extension]
            ).fetchone()
            if present:
                continue
            try:
                con.execute(
                    sql.SQL("CREATE EXTENSION IF NOT EXISTS {} SCHEMA public").format(
                        sql.Identifier(extension)
                    )
                )
            except psycopg.Error as exc:
                raise StoreError(
                    f"the database needs the {extension} extension and this role cannot create "
                    f"it ({exc.diag.message_primary}); ask an administrator to run "
                    f'"CREATE EXTENSION {extension};" in it'
                ) from exc

    def _drop_leftovers(self, con: psycopg.Connection[Any]) -> None:
        """Staging and old schemas of builds that crashed (holding the lock: none is alive)."""
        pattern = re.compile(rf"{re.escape(self.schema)}__(build|old)_[0-9a-z_]+")
        for (name,) in con.execute("SELECT nspname FROM pg_namespace").fetchall():
            if pattern.fullmatch(name):
                con.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))

    def work_path(self) -> Path:
        """The local DuckDB work file of this database and schema ($DOCFINDER_PG_WORKDIR,
        else the per-user cache folder)."""
        folder = Path(
            os.environ.get(WORKDIR_ENV)
            or Path(platformdirs.user_cache_dir("docfinder", appauthor=False)) / "postgres"
        )
        name = hashlib.sha256(f"{self.conninfo}#{self.schema}".encode()).hexdigest()[:16]
        return folder / f"{name}.duckdb"

    def close(self) -> None:
        """Close this store's reader pool (the next connect() opens a new one)."""
        with _POOLS_LOCK:
            pool = _POOLS.pop(f"{self.conninfo}#{self.schema}", None)
        if pool is not None:
            pool.close()

    def _work_store(self, con: psycopg.Connection[Any]) -> DuckDBStore:
        """The local DuckDB mirror of the published build, restored first when it is stale."""
        work = DuckDBStore(self.work_path())
        work.path.parent.mkdir(parents=True, exist_ok=True)
        published = self._published(con)
        if work.exists() and _work_version(work.path) == published and published is not None:
            return work
        if published is None:
            work.path.unlink(missing_ok=True)  # nothing published: the build starts empty
            return work
        fresh = work.path.with_name(f".{work.path.name}.restore-{os.getpid()}")
        fresh.unlink(missing_ok=True)
        try:
            self._restore(con, fresh)
            os.replace(fresh, work.path)
        finally:
            fresh.unlink(missing_ok=True)
        return work

    def _restore(self, con: psycopg.Connection[Any], path: Path) -> None:
        """Rebuild the work file from the published tables (another machine's last build)."""
        target = duckdb.connect(str(path))
        try:
            target.execute("SET enable_progress_bar = false")
            target.execute(schema_sql())
            with tempfile.TemporaryDirectory(prefix="docfinder-restore-") as scratch:
                for table in table_names():
                    _restore_table(con, self.schema, target, table, Path(scratch))
            next_id = target.execute("SELECT COALESCE(max(file_id), 0) + 1 FROM ingest_log")
            start = int(next_id.fetchall()[0][0])
            target.execute("DROP SEQUENCE file_ids")
            target.execute(f"CREATE SEQUENCE file_ids START {start}")
            target.execute("CHECKPOINT")
        finally:
            target.close()


def _last_error(exc: BaseException) -> str:
    cause = exc.__cause__ or exc.__context__
    return str(cause or exc).strip() or type(exc).__name__


def _schema_exists(con: psycopg.Connection[Any], name: str) -> bool:
    found = con.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [name]).fetchone()
    return found is not None


def _work_version(path: Path) -> str | None:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return None
    try:
        rows = con.execute("SELECT value FROM meta WHERE key = 'published_version'").fetchall()
    except duckdb.Error:
        return None
    finally:
        con.close()
    return str(rows[0][0]) if rows else None


# --- the schema in PostgreSQL's dialect --------------------------------------------------------

_TYPES = (
    (r"\bVARCHAR\b", 'text COLLATE "C"'),  # byte order: ties sort as in DuckDB
    (r"\bDOUBLE\b", "double precision"),
)


def table_names() -> list[str]:
    """The store's tables, in schema.sql order."""
    return re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", schema_sql())


def postgres_schema(schema: str) -> list[str]:
    """schema.sql as PostgreSQL statements creating the tables in `schema`."""
    statements = []
    for statement in _statements(schema_sql()):
        found = re.match(r"CREATE TABLE IF NOT EXISTS (\w+) \((.*)\)$", statement, re.S)
        if not found:
            continue  # the DuckDB sequence: file ids are assigned in the build, not here
        table, body = found.groups()
        for pattern, replacement in _TYPES:
            body = re.sub(pattern, replacement, body)
        if table in _GEOGRAPHY:
            body = f"{body}, {_GEOG_COLUMN}"
        statements.append(f'CREATE TABLE "{schema}"."{table}" ({body})')
    return statements


def _statements(text: str) -> list[str]:
    lines = [line.split("--", 1)[0] for line in text.splitlines()]
    return [s.strip() for s in "\n".join(lines).split(";") if s.strip()]


def _in_schema(statement: str, schema: str) -> bytes:
    qualified = re.sub(r"\bON (\w+)", lambda m: f'ON "{schema}"."{m.group(1)}"', statement, count=1)
    return qualified.encode("utf-8")


def _columns(con: psycopg.Connection[Any], schema: str, table: str) -> list[str]:
    """The stored columns of a PostgreSQL table (the generated point excluded), in order."""
    rows = con.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_schema = %s AND table_name = %s AND is_generated = 'NEVER'
           ORDER BY ordinal_position""",
        [schema, table],
    ).fetchall()
    return [str(r[0]) for r in rows]


def _copy_table(
    source: duckdb.DuckDBPyConnection,
    con: psycopg.Connection[Any],
    schema: str,
    table: str,
    scratch: Path,
) -> None:
    """One table from DuckDB into PostgreSQL: DuckDB writes CSV, COPY streams it in blocks.

    CSV keeps NULL (an empty field) apart from the empty string (a quoted one) both ways.
    """
    columns = _columns(con, schema, table)
    listed = ", ".join(f'"{c}"' for c in columns)
    csv_path = scratch / f"{table}.csv"
    source.execute(f"COPY (SELECT {listed} FROM {table}) TO '{csv_path}' (FORMAT csv, HEADER 0)")
    statement = sql.SQL("COPY {}.{} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(schema),
        sql.Identifier(table),
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
    )
    with con.cursor().copy(statement) as copy, open(csv_path, "rb") as handle:
        while block := handle.read(_COPY_BLOCK):
            copy.write(block)
    csv_path.unlink()


def _restore_table(
    con: psycopg.Connection[Any],
    schema: str,
    target: duckdb.DuckDBPyConnection,
    table: str,
    scratch: Path,
) -> None:
    columns = _columns(con, schema, table)
    if not columns:
        return  # a table this build has and the published one did not: stays empty
    described = target.execute(f"SELECT column_name, column_type FROM (DESCRIBE {table})")
    types = dict(described.fetchall())
    csv_path = scratch / f"{table}.csv"
    statement = sql.SQL("COPY (SELECT {} FROM {}.{}) TO STDOUT (FORMAT csv)").format(
        sql.SQL(", ").join(sql.Identifier(c) for c in columns),
        sql.Identifier(schema),
        sql.Identifier(table),
    )
    with con.cursor().copy(statement) as copy, open(csv_path, "wb") as handle:
        for block in copy:
            handle.write(block)
    # Every column of the CSV is declared; those the work file lacks are read and dropped.
    spec = "{" + ", ".join(f"'{c}': '{types.get(c, 'VARCHAR')}'" for c in columns) + "}"
    kept = [c for c in columns if c in types]
    target.execute(
        f"""INSERT INTO {table} ({", ".join(kept)}) SELECT {", ".join(kept)}
            FROM read_csv('{csv_path}', header = false, columns = {spec},
                          allow_quoted_nulls = false, auto_detect = false)"""
    )
    csv_path.unlink()


__all__ = ["PgConnection", "PostgresStore", "postgres_schema", "split_url", "table_names"]
