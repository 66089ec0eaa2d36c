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
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from docfinder.errors import InputError
from docfinder.sources.files import InputFile, Sniffed, normalize_column
from docfinder.sources.layouts import Layout

LINE = "_line"
BLOCK_BYTES = 16 << 20


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
            column_types={name: pa.string() for name in wanted},
            include_columns=list(wanted),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    first_line = 2 if projection.skip_header else 1
    rows_before = 0
    all_bad: list[int] = []
    for batch in reader:
        new_bad, bad[:] = list(bad), []
        all_bad.extend(b.line for b in new_bad if b.line is not None)
        lines = _valid_lines(rows_before, batch.num_rows, np.array(all_bad), first_line)
        rows_before += batch.num_rows
        table = pa.Table.from_batches([batch]).rename_columns(
            [wanted[name] for name in batch.schema.names]
        )
        yield table.append_column(LINE, pa.array(lines)), new_bad
    if bad:
        yield _empty_table(list(wanted.values())), list(bad)


def _valid_lines(start: int, count: int, bad_lines: np.ndarray, first_line: int) -> np.ndarray:
    """Physical line numbers of the valid rows start..start+count, given the bad rows' lines.

    Valid row i sits after every bad row j with (bad_lines[j] - first_line - j) <= i.
    """
    index = np.arange(start, start + count, dtype=np.int64)
    if bad_lines.size == 0:
        return index + first_line
    bad_sorted = np.sort(bad_lines)
    valid_before = bad_sorted - first_line - np.arange(bad_sorted.size)
    return index + first_line + np.searchsorted(valid_before, index, side="right")


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
