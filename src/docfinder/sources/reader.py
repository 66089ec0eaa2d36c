"""Streaming a recognised file as Arrow batches of canonical, still-raw string columns.

Only the columns a layout uses are converted (the NPPES file has 330; docfinder uses ~110).
Rows with the wrong number of fields are not loaded: they come back as `BadRow`s with their
physical line number, so that every row read is either loaded or rejected with a reason.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from docfinder.errors import InputError
from docfinder.sources.files import InputFile, Sniffed, normalize_column
from docfinder.sources.layouts import Layout

LINE = "_line"
BLOCK_BYTES = 64 << 20


@dataclass(frozen=True)
class BadRow:
    """A row that could not be parsed into the layout's columns."""

    line: int | None
    reason: str
    raw: str


@dataclass
class Projection:
    """Which physical columns feed which canonical columns."""

    positions: dict[str, int]  # canonical name -> column index in the file
    width: int  # fields per row
    skip_header: bool
    pandas_index: bool = False
    ignored: list[str] = field(default_factory=list)


def plan_projection(sniffed: Sniffed, layout: Layout, display: str) -> Projection:
    """Map the file's columns onto the layout's canonical names; fail on duplicates or gaps."""
    names = list(layout.headerless) if layout.headerless else list(sniffed.header)
    positions: dict[str, int] = {}
    ignored: list[str] = []
    first = 1 if sniffed.pandas_index and not layout.headerless else 0
    for index, official in enumerate(names[first:], start=first):
        canonical = layout.canonical_for(official)
        if canonical is None:
            ignored.append(official)
            continue
        if canonical in positions:
            raise InputError(
                f"column {official!r} appears twice (columns {positions[canonical] + 1} "
                f"and {index + 1}); a header with duplicated columns cannot be read safely",
                path=display,
                line=1,
                field=official,
            )
        positions[canonical] = index
    missing = [c for c in layout.required if c not in positions]
    if missing:
        expected = ", ".join(layout.columns[c][0] for c in missing)
        raise InputError(
            f"required columns missing: {expected}", path=display, line=1, field=missing[0]
        )
    width = len(names) if not layout.headerless else len(sniffed.header)
    return Projection(positions, width, not layout.headerless, first == 1, ignored)


def stream_batches(
    source: InputFile, sniffed: Sniffed, layout: Layout, projection: Projection
) -> Iterator[tuple[pa.Table, list[BadRow]]]:
    """Batches of canonical string columns plus `_line`, and the bad rows found on the way."""
    if sniffed.kind == "parquet":
        yield from _parquet_batches(source, projection)
        return
    yield from _csv_batches(source, sniffed, projection)


def _column_type(encoding: str) -> pa.DataType:
    # UTF-8 files are read as bytes and decoded per column (see _decode).
    return pa.binary() if encoding == "utf-8" else pa.string()


def _csv_batches(
    source: InputFile, sniffed: Sniffed, projection: Projection
) -> Iterator[tuple[pa.Table, list[BadRow]]]:
    physical = [f"c{i}" for i in range(projection.width)]
    wanted = {physical[i]: name for name, i in projection.positions.items()}
    bad: list[BadRow] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        reason = f"expected {row.expected_columns} fields, found {row.actual_columns}"
        bad.append(BadRow(row.number, reason, row.text))
        return "skip"

    reader = pacsv.open_csv(
        source.open(),
        read_options=pacsv.ReadOptions(
            column_names=physical,
            skip_rows=1 if projection.skip_header else 0,
            block_size=BLOCK_BYTES,
            encoding=sniffed.encoding,
            # Threads lose InvalidRow.number, and the line of every rejected row matters.
            use_threads=False,
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=sniffed.delimiter,
            invalid_row_handler=on_invalid,
            newlines_in_values=True,
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: _column_type(sniffed.encoding) for name in wanted},
            include_columns=list(wanted),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    lines = _LineCounter(first_line=2 if projection.skip_header else 1)
    for batch in reader:
        new_bad, bad[:] = list(bad), []
        lines.add_bad(new_bad)
        table = _decode(pa.Table.from_batches([batch]), sniffed.encoding)
        table = table.rename_columns([wanted[name] for name in table.schema.names])
        yield table.append_column(LINE, pa.array(lines.valid_lines(table))), new_bad
    if bad:
        yield _empty_table(list(wanted.values())), list(bad)


class _LineCounter:
    """Physical line numbers of valid rows, from the bad rows' lines and embedded line breaks.

    Without bad rows, valid row i starts at `first_line + i + (line breaks inside the cells
    of rows before it)`: its provisional line p_i. A bad row j (physical line b_j, spanning
    s_j lines) lies before valid row i when b_j minus the span of earlier bad rows is <= p_i.
    Line breaks inside columns docfinder does not read cannot be seen; those are rare in the
    official files and would shift later lines.
    """

    def __init__(self, first_line: int) -> None:
        self.first_line = first_line
        self.rows_before = 0
        self.breaks_before = 0
        self.bad_lines: list[int] = []
        self.bad_spans: list[int] = []

    def add_bad(self, rows: list[BadRow]) -> None:
        for row in rows:
            if row.line is not None:
                self.bad_lines.append(row.line)
                self.bad_spans.append(1 + row.raw.count("\n"))

    def valid_lines(self, table: pa.Table) -> np.ndarray:
        breaks = _line_breaks(table)
        before = np.concatenate(([0], np.cumsum(breaks)[:-1])) if len(breaks) else breaks
        index = np.arange(self.rows_before, self.rows_before + table.num_rows, dtype=np.int64)
        provisional = self.first_line + index + self.breaks_before + before
        self.rows_before += table.num_rows
        self.breaks_before += int(breaks.sum())
        if not self.bad_lines:
            return provisional
        order = np.argsort(self.bad_lines)
        bad = np.asarray(self.bad_lines, dtype=np.int64)[order]
        spans = np.asarray(self.bad_spans, dtype=np.int64)[order]
        spanned = np.cumsum(spans)
        position = bad - (spanned - spans)
        count = np.searchsorted(position, provisional, side="right")
        return provisional + np.where(count > 0, spanned[np.maximum(count - 1, 0)], 0)


def _line_breaks(table: pa.Table) -> np.ndarray:
    """Line breaks inside each row's cells (quoted multi-line values)."""
    total = np.zeros(table.num_rows, dtype=np.int64)
    for column in table.columns:
        counts = pc.count_substring(column, "\n")
        total += np.asarray(counts.fill_null(0).to_numpy(zero_copy_only=False), dtype=np.int64)
    return total


def _decode(table: pa.Table, encoding: str) -> pa.Table:
    """Binary columns as text: UTF-8 where valid, else that value alone read as cp1252.

    Files sniffed as UTF-8 are read as bytes so that one stray cp1252 byte (a name typed on an
    old system) neither fails the file nor garbles the valid UTF-8 around it.
    """
    if encoding != "utf-8":
        return table
    columns = []
    for column in table.columns:
        try:
            columns.append(column.cast(pa.string()))
        except pa.ArrowInvalid:
            values = [_text(v) for v in column.to_pylist()]
            columns.append(pa.chunked_array([pa.array(values, pa.string())]))
    return pa.Table.from_arrays(columns, names=table.column_names)


def _text(value: bytes | None) -> str | None:
    if value is None:
        return None
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")


def _empty_table(names: list[str]) -> pa.Table:
    arrays = [pa.array([], pa.string()) for _ in names] + [pa.array([], pa.int64())]
    return pa.Table.from_arrays(arrays, names=[*names, LINE])


def _parquet_batches(
    source: InputFile, projection: Projection
) -> Iterator[tuple[pa.Table, list[BadRow]]]:
    with source.open() as stream:
        parquet = pq.ParquetFile(stream)
        physical = parquet.schema_arrow.names
        wanted = {physical[i]: name for name, i in projection.positions.items()}
        row = 1
        for batch in parquet.iter_batches(batch_size=100_000, columns=list(wanted)):
            table = pa.Table.from_batches([batch])
            table = table.rename_columns([wanted[n] for n in table.schema.names])
            table = table.cast(pa.schema([(n, pa.string()) for n in table.schema.names]))
            lines = np.arange(row, row + table.num_rows, dtype=np.int64)
            row += table.num_rows
            yield table.append_column(LINE, pa.array(lines)), []


def header_names(layout: Layout) -> dict[str, str]:
    """Canonical name -> the official column name, for messages that name a field."""
    return {canonical: names[0] for canonical, names in layout.columns.items()}


__all__ = ["LINE", "BadRow", "Projection", "header_names", "normalize_column"]
