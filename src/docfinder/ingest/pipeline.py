"""The ingest pipeline: detect -> read -> check (reject with reason) -> stage -> merge -> log.

Every file is detected before anything is loaded, so a wrong file fails fast. Each file then
loads in its own transaction on the build copy of the store; the copy replaces the served store
only when the whole run finished. For every file, rows_read == rows_loaded + rows_rejected.
"""

from __future__ import annotations

import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

import pyarrow as pa

from docfinder.errors import DocfinderError, InputError
from docfinder.ingest.dates import file_dates
from docfinder.ingest.transforms import OPTIONAL_COLUMNS, TRANSFORMS, cleaned_sql
from docfinder.sources.files import InputFile, Sniffed, expand_inputs, sniff
from docfinder.sources.layouts import Layout, detect_layout
from docfinder.sources.reader import LINE, BadRow, Projection, plan_projection, stream_batches

YEAR_DATASETS = ("provider_service", "partd")
Progress = Callable[[str, int, int], None]  # (file, rows so far, bytes so far)


class Builder(Protocol):
    """What the pipeline needs from a store build (see store.duckdb_store.DuckDBBuilder)."""

    def execute(self, sql: str, params: list[Any] | None = None) -> None: ...
    def query(self, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]: ...
    def register(self, name: str, table: pa.Table) -> None: ...
    def unregister(self, name: str) -> None: ...
    def begin_file(self, values: dict[str, Any]) -> int: ...
    def merge_file(self, dataset: str) -> None: ...
    def finish_file(self, file_id: int, values: dict[str, Any]) -> None: ...
    def abort_file(self) -> None: ...
    def log_failure(self, values: dict[str, Any]) -> None: ...
    def previous_load(
        self, sha256: str, dataset: str, data_year: int | None
    ) -> tuple[Any, ...] | None: ...
    def forget_file(self, sha256: str, dataset: str, keep: int, data_year: int | None) -> None: ...


@dataclass
class PlannedFile:
    """A file whose layout is known and whose columns are mapped."""

    source: InputFile
    sniffed: Sniffed
    layout: Layout
    projection: Projection
    data_year: int | None
    as_of: str | None


@dataclass
class FileReport:
    path: str
    dataset: str | None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    warnings: int = 0
    status: str = "loaded"  # loaded | unchanged | failed
    error: str | None = None
    size_bytes: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "dataset": self.dataset,
            "rows_read": self.rows_read,
            "rows_loaded": self.rows_loaded,
            "rows_rejected": self.rows_rejected,
            "warnings": self.warnings,
            "status": self.status,
            "error": self.error,
            "size_bytes": self.size_bytes,
            "seconds": round(self.seconds, 3),
            "notes": self.notes,
        }


def plan_file(source: InputFile, year: int | None = None) -> PlannedFile:
    """Recognise one file; raise InputError naming what is wrong."""
    sniffed = sniff(source)
    layout = detect_layout(sniffed, source.display)
    projection = plan_projection(sniffed, layout, source.display)
    as_of, name_year = file_dates(source.name)
    data_year = year or name_year
    if layout.dataset in YEAR_DATASETS and data_year is None:
        raise InputError(
            "cannot tell the data year from the file name",
            path=source.display,
            hint="pass --year, or keep the publisher's name (e.g. ..._D23_... or ..._2023.csv)",
        )
    return PlannedFile(source, sniffed, layout, projection, data_year, as_of)


def plan(paths: Iterable[Path], year: int | None = None) -> list[PlannedFile | FileReport]:
    """Recognise every file up front, in the order given; a failure is a FileReport.

    Nothing is loaded yet, so a wrong file fails fast.
    """
    items: list[PlannedFile | FileReport] = []
    for path in paths:
        try:
            sources = expand_inputs(Path(path))
        except InputError as exc:
            items.append(FileReport(str(path), None, status="failed", error=str(exc)))
            continue
        for source in sources:
            try:
                items.append(plan_file(source, year))
            except DocfinderError as exc:
                items.append(FileReport(source.display, None, status="failed", error=str(exc)))
            except (OSError, EOFError, zipfile.BadZipFile) as exc:  # truncated or corrupt
                error = f"{source.display}: cannot be read: {exc}"
                items.append(FileReport(source.display, None, status="failed", error=error))
    return items


def ingest_planned(
    builder: Builder, item: PlannedFile, *, force: bool = False, progress: Progress | None = None
) -> FileReport:
    """Load one recognised file in its own transaction; a failure rolls the file back."""
    started = time.perf_counter()
    report = FileReport(item.source.display, item.layout.dataset)
    log = _log_values(item, None, None)
    try:
        report.size_bytes = item.source.size_bytes()
        sha = item.source.sha256()  # a truncated archive fails here: that file alone fails
        log.update(sha256=sha, size_bytes=report.size_bytes)
        previous = (
            None if force else builder.previous_load(sha, item.layout.dataset, item.data_year)
        )
        if previous is not None:
            report.status = "unchanged"
            report.rows_read, report.rows_loaded, report.rows_rejected = (
                int(v) for v in previous[1:]
            )
            report.notes.append("same bytes already loaded; skipped (use --force to reload)")
            return report
        file_id = builder.begin_file(log)
        if force:
            builder.forget_file(sha, item.layout.dataset, keep=file_id, data_year=item.data_year)
        _load_batches(builder, item, file_id, report, progress)
        if item.layout.dataset == "nppes" and item.as_of is None:
            newest = builder.query("SELECT max(last_update_date) FROM stg_providers")[0][0]
            item.as_of = newest.isoformat() if newest else None
        builder.merge_file(item.layout.dataset)
        if item.projection.pandas_index:
            report.notes.append("pandas export: index column dropped, float-cast IDs repaired")
        builder.finish_file(file_id, _finish_values(report, item))
    except Exception as exc:  # the file is rolled back whatever went wrong
        builder.abort_file()
        report.status, report.error = "failed", _describe(exc, item)
        failure = {**log, "status": "failed", "note": report.error, "finished_at": datetime.now()}
        builder.log_failure(failure)
    report.seconds = time.perf_counter() - started
    return report


def _load_batches(
    builder: Builder,
    item: PlannedFile,
    file_id: int,
    report: FileReport,
    progress: Progress | None,
) -> None:
    transform = TRANSFORMS[item.layout.dataset]
    names = {c: n[0] for c, n in item.layout.columns.items()}
    check_sql = cleaned_sql(transform, names)
    params = {"$file_id": str(file_id), "$year": str(item.data_year or "NULL")}
    missing = [c for c in item.layout.columns if c not in item.projection.positions]
    missing += [c for c in OPTIONAL_COLUMNS if c not in item.layout.columns]
    batches = stream_batches(item.source, item.sniffed, item.layout, item.projection)
    for table, bad_rows in batches:
        _stage_batch(builder, table, missing, check_sql, transform.outputs, params, file_id)
        rejected, warned = builder.query(
            "SELECT count(*) FILTER (_reason IS NOT NULL),"
            " count(*) FILTER (_reason IS NULL AND _warn IS NOT NULL) FROM problems"
        )[0]
        _record_bad_rows(builder, file_id, bad_rows)
        report.rows_loaded += table.num_rows - int(rejected)
        report.rows_rejected += int(rejected) + len(bad_rows)
        report.warnings += int(warned)
        report.rows_read += table.num_rows + len(bad_rows)
        if progress:
            progress(item.source.display, report.rows_read, 0)


def _stage_batch(
    builder: Builder,
    table: pa.Table,
    missing: list[str],
    check_sql: str,
    outputs: tuple[tuple[str, str], ...],
    params: dict[str, str],
    file_id: int,
) -> None:
    con = builder.execute
    raw_cols = [c for c in table.column_names if c != LINE]
    # Several chunks let DuckDB scan the batch on every core.
    builder.register("raw_in", pa.Table.from_batches(table.to_batches(max_chunksize=16_384)))
    extra = "".join(f", CAST(NULL AS VARCHAR) AS {c}" for c in missing)
    con(f"CREATE OR REPLACE TEMP VIEW raw AS SELECT *{extra} FROM raw_in")
    con(f"CREATE OR REPLACE TEMP TABLE problems AS {check_sql}")
    con(
        "CREATE OR REPLACE TEMP VIEW cleaned AS SELECT * FROM raw WHERE _line NOT IN"
        " (SELECT _line FROM problems WHERE _reason IS NOT NULL)"
    )
    raw_json = "left(to_json(struct_pack(" + ", ".join(f'"{c}" := {c}' for c in raw_cols)
    raw_json += ")), 2000)"
    con(
        f"INSERT INTO row_issues SELECT {file_id}, {LINE}, _field, 'reject', _reason, {raw_json}"
        f" FROM problems JOIN raw USING ({LINE}) WHERE _reason IS NOT NULL"
    )
    con(
        f"INSERT INTO row_issues SELECT {file_id}, {LINE}, _warn_field, 'warn', _warn, NULL"
        " FROM problems WHERE _reason IS NULL AND _warn IS NOT NULL"
    )
    for target, sql in outputs:
        for key, value in params.items():
            sql = sql.replace(key, value)
        con(f"INSERT INTO stg_{target} BY NAME {sql}")
    builder.unregister("raw_in")


def _record_bad_rows(builder: Builder, file_id: int, bad_rows: list[BadRow]) -> None:
    for bad in bad_rows:
        builder.execute(
            "INSERT INTO row_issues VALUES (?, ?, NULL, 'reject', ?, ?)",
            [file_id, bad.line, bad.reason, bad.raw[:2000]],
        )


def _log_values(item: PlannedFile, sha: str | None, size: int | None) -> dict[str, Any]:
    return {
        "path": str(item.source.path.resolve()),
        "member": item.source.member,
        "file_name": item.source.name,
        "sha256": sha,
        "size_bytes": size,
        "dataset": item.layout.dataset,
        "layout": item.layout.name,
        "as_of_date": item.as_of,
        "data_year": item.data_year,
        "started_at": datetime.now(),
        "status": "loading",
    }


def _finish_values(report: FileReport, item: PlannedFile) -> dict[str, Any]:
    return {
        "rows_read": report.rows_read,
        "rows_loaded": report.rows_loaded,
        "rows_rejected": report.rows_rejected,
        "status": "loaded",
        "finished_at": datetime.now(),
        "note": "; ".join(report.notes) or None,
        "as_of_date": item.as_of,
    }


def _describe(exc: Exception, item: PlannedFile) -> str:
    if isinstance(exc, DocfinderError):
        return str(exc)
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{item.source.display}: could not be read: {text}"
