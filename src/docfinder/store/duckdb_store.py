"""The embedded store: one DuckDB file, rebuilt on a copy and swapped in atomically.

A build copies the served file (or starts an empty one) to a hidden sibling, loads into the
copy, and renames it over the served file only when everything committed. A reader that has the
old file open keeps reading the old file; an interrupted build leaves a stray copy that the next
build removes, and the served file untouched.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import threading
from collections import OrderedDict
from collections.abc import Iterator
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from docfinder.errors import StoreError
from docfinder.store import default_geo
from docfinder.store.macros import MACROS
from docfinder.store.merge import (
    FINALIZE,
    SEARCH_TABLES,
    STAGED_TABLES,
    all_merge_statements,
    sort_statements,
)

SCHEMA_VERSION = "1"
BUILD_MEMORY = os.environ.get("DOCFINDER_BUILD_MEMORY", "4GB")
# What one process may hold of a served store in memory (DuckDB's block cache and queries).
READ_MEMORY = os.environ.get("DOCFINDER_READ_MEMORY", "2GB")


def schema_sql() -> str:
    return resources.files("docfinder.store").joinpath("schema.sql").read_text("utf-8")


class DuckDBBuilder:
    """A connection to the build copy, with the operations the ingest pipeline needs."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def execute(self, sql: str, params: list[Any] | None = None) -> None:
        # Results are always consumed: DuckDB refuses new work while one is pending.
        self.con.execute(sql, params or []).fetchall()

    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    def register(self, name: str, table: Any) -> None:
        self.con.register(name, table)

    def unregister(self, name: str) -> None:
        self.con.unregister(name)

    def begin_file(self, values: dict[str, Any]) -> int:
        """Start a file's transaction and its ingest_log row; return its file_id."""
        self.con.begin()
        for table in STAGED_TABLES:
            self.execute(f"DELETE FROM stg_{table}")
        file_id = int(self._one("SELECT nextval('file_ids')"))
        columns = ", ".join(["file_id", *values])
        marks = ", ".join("?" for _ in range(len(values) + 1))
        self.execute(
            f"INSERT INTO ingest_log ({columns}) VALUES ({marks})", [file_id, *values.values()]
        )
        return file_id

    def merge_file(self, dataset: str) -> None:
        for sql in all_merge_statements(dataset):
            self.execute(sql)

    def finish_file(self, file_id: int, values: dict[str, Any]) -> None:
        sets = ", ".join(f"{k} = ?" for k in values)
        self.execute(f"UPDATE ingest_log SET {sets} WHERE file_id = ?", [*values.values(), file_id])
        self.con.commit()

    def abort_file(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self.con.rollback()

    def log_failure(self, values: dict[str, Any]) -> None:
        """Record a file that failed, outside any file transaction."""
        file_id = int(self._one("SELECT nextval('file_ids')"))
        columns = ", ".join(["file_id", *values])
        marks = ", ".join("?" for _ in range(len(values) + 1))
        self.execute(
            f"INSERT INTO ingest_log ({columns}) VALUES ({marks})", [file_id, *values.values()]
        )

    def previous_load(
        self, sha256: str, dataset: str, data_year: int | None
    ) -> tuple[Any, ...] | None:
        """The earlier load of the same bytes as the same dataset and data year, if any.

        The year matters: two years' files can be byte-identical, and each is its own data.
        """
        rows = self.query(
            """SELECT file_id, rows_read, rows_loaded, rows_rejected FROM ingest_log
               WHERE sha256 = ? AND dataset = ? AND status = 'loaded'
                 AND data_year IS NOT DISTINCT FROM ?
               ORDER BY file_id DESC LIMIT 1""",
            [sha256, dataset, data_year],
        )
        return rows[0] if rows else None

    def forget_file(self, sha256: str, dataset: str, keep: int, data_year: int | None) -> None:
        """Drop the reject log of earlier loads of the same bytes (a forced re-ingest).

        Runs inside the new load's transaction, so a failed reload forgets nothing.
        """
        self.execute(
            """DELETE FROM row_issues WHERE file_id IN (SELECT file_id FROM ingest_log
               WHERE sha256 = ? AND dataset = ? AND file_id <> ?
                 AND data_year IS NOT DISTINCT FROM ?)""",
            [sha256, dataset, keep, data_year],
        )
        self.execute(
            "UPDATE ingest_log SET status = 'superseded'"
            " WHERE sha256 = ? AND dataset = ? AND file_id <> ?"
            " AND data_year IS NOT DISTINCT FROM ?",
            [sha256, dataset, keep, data_year],
        )

    def finalize(self) -> None:
        self.con.begin()
        for sql in [*FINALIZE, *sort_statements()]:
            self.execute(sql)
        self.con.commit()
        # Derived tables, each in its own transaction: held in one with the rest, a national
        # build runs out of memory. The build copy is swapped in only after all of them.
        for sql in SEARCH_TABLES:
            self.execute(sql)

    def _one(self, sql: str) -> Any:
        return self.query(sql)[0][0]


class DuckDBStore:
    """The served DuckDB file and the way to rebuild it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    @property
    def url(self) -> str:
        return str(self.path)

    def exists(self) -> bool:
        return self.path.exists()

    def version(self, con: object = None) -> str:
        """A token that changes whenever the file is replaced (a swap makes a new file)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            raise StoreError(
                f"no store at {self.path}; load data first with `docfinder ingest FILE...`"
            ) from None
        return f"{stat.st_mtime_ns:x}-{stat.st_size:x}"

    @contextlib.contextmanager
    def build(self) -> Iterator[DuckDBBuilder]:
        """Yield a builder on a copy of the store; swap it in when the block succeeds."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._build_lock():
            self._remove_stale_builds()
            work = self.path.with_name(f".{self.path.name}.build-{os.getpid()}")
            if self.path.exists():
                shutil.copyfile(self.path, work)
            con = duckdb.connect(str(work))
            try:
                builder = DuckDBBuilder(con)
                _prepare(con)
                yield builder
                builder.finalize()
                _drop_staging(con)
                con.execute("CHECKPOINT")
                con.close()
                os.replace(work, self.path)
                shutil.rmtree(work.with_name(work.name + ".tmp"), ignore_errors=True)
            except BaseException:
                con.close()
                _unlink_build(work)
                raise

    @contextlib.contextmanager
    def _build_lock(self) -> Iterator[None]:
        lock_path = self.path.with_name(f".{self.path.name}.lock")
        with open(lock_path, "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise StoreError(
                    f"another ingest is building {self.path}; wait for it to finish"
                ) from exc
            yield

    def _remove_stale_builds(self) -> None:
        # Holding the lock means no other build is alive: any leftover copy is from a crash.
        for stale in self.path.parent.glob(f".{self.path.name}.build-*"):
            if stale.suffix not in (".wal", ".tmp"):
                _unlink_build(stale)

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only connection to the served store, as it is now.

        duckdb.connect() reuses a process-wide instance per path, which would keep serving the
        file a swap replaced. Instead one in-memory instance per served file attaches it: a
        connection is a cursor of that instance (sharing its warm block cache, where opening a
        new instance costs about 25 ms nationally), and when a swap puts a new file in place
        (another inode), the next connection opens a new instance on it while connections
        opened earlier keep their consistent old file.
        """
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            raise StoreError(
                f"no store at {self.path}; load data first with `docfinder ingest FILE...`"
            ) from None
        key = (stat.st_dev, stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with _INSTANCES_LOCK:
            cached = _INSTANCES.pop(self.path, None)
            if cached is None or cached[0] != key:
                base = duckdb.connect(":memory:")
                base.execute("SET enable_progress_bar = false")
                base.execute(f"SET memory_limit = '{READ_MEMORY}'")
                base.execute("ATTACH ? AS store (READ_ONLY)", [str(self.path)])
                cached = (key, base)
            _INSTANCES[self.path] = cached  # most recently used last
            while len(_INSTANCES) > _MAX_INSTANCES:
                # Dropped from the cache only: connections still open keep theirs.
                _INSTANCES.popitem(last=False)
            con = cached[1].cursor()
        con.execute("USE store")
        return con


# One attached instance per served path, replaced when the file is (see DuckDBStore.connect).
_INSTANCES: OrderedDict[Path, tuple[tuple[int, int, int, int], duckdb.DuckDBPyConnection]] = (
    OrderedDict()
)
_INSTANCES_LOCK = threading.Lock()
_MAX_INSTANCES = 4


def _prepare(con: duckdb.DuckDBPyConnection) -> None:
    # Bounded memory for national builds (spills to disk beyond this); row order is not needed.
    con.execute(f"SET memory_limit = '{BUILD_MEMORY}'; SET preserve_insertion_order = false")
    con.execute("SET enable_progress_bar = false")  # it would write into --json output
    con.execute(schema_sql())
    con.execute(MACROS)
    fresh = con.execute("SELECT count(*) FROM meta").fetchall() == [(0,)]
    if fresh:
        con.execute(
            "INSERT INTO meta VALUES ('schema_version', ?), ('created_at', ?)",
            [SCHEMA_VERSION, datetime.now().isoformat(timespec="seconds")],
        )
        default_geo.load_default_geography(con)
    for table in STAGED_TABLES:
        con.execute(f"CREATE OR REPLACE TABLE stg_{table} AS SELECT * FROM {table} LIMIT 0")


def _drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    for table in STAGED_TABLES:
        con.execute(f"DROP TABLE IF EXISTS stg_{table}")


def _unlink_build(path: Path) -> None:
    """Remove a build copy, its WAL and DuckDB's spill directory beside it."""
    for candidate in (path, path.with_name(path.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()
    shutil.rmtree(path.with_name(path.name + ".tmp"), ignore_errors=True)
