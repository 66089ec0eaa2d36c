"""State-filtered copies of row-oriented CSV files, streamed in bounded memory.

Rows are copied byte for byte (quoting, separators and line ends as the publisher wrote them),
so a filtered file reads exactly like the original. Text is decoded as Latin-1, which maps every
byte to one character and back, so no encoding guess can corrupt a row.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from docfinder.errors import InputError
from docfinder.fetch.registry import StateColumns

_STATE = re.compile(r"^[A-Z]{2}$")
_BYTE_TEXT = "latin-1"
_BOMS = ("\ufeff", "\xef\xbb\xbf")  # a UTF-8 BOM as decoded, and as read through Latin-1


@dataclass(frozen=True)
class FilteredFile:
    """One state-filtered copy: where it is, which column was used and how many rows it kept."""

    path: Path
    source: str
    column: str
    states: tuple[str, ...]
    rows: int


def parse_states(values: Sequence[str]) -> tuple[str, ...]:
    """Two-letter state codes from ``CA,OR``-style values, upper-cased, in order, unique."""
    states: list[str] = []
    for value in values:
        for part in value.split(","):
            code = part.strip().upper()
            if not code:
                continue
            if not _STATE.match(code):
                raise InputError(f"{part.strip()!r} is not a two-letter state code", "--states")
            if code not in states:
                states.append(code)
    return tuple(states)


def filter_states(
    path: Path, specs: Sequence[StateColumns], states: Sequence[str]
) -> list[FilteredFile]:
    """Write the rows of `states` from `path` (a CSV, or the matching members of a zip)."""
    if zipfile.is_zipfile(path):
        return _filter_zip(path, specs, states)
    plain = [spec for spec in specs if spec.member_pattern is None]
    if not plain:
        return []
    target = path.with_name(f"{path.stem}.{'-'.join(states)}{path.suffix}")
    with path.open("rb") as raw:
        return [_filter_stream(raw, str(path), target, plain[0].columns, states)]


def _filter_zip(
    path: Path, specs: Sequence[StateColumns], states: Sequence[str]
) -> list[FilteredFile]:
    results = []
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            spec = _spec_for_member(info.filename, specs)
            if spec is None or info.is_dir():
                continue
            member = Path(info.filename).name
            target = path.with_name(f"{Path(member).stem}.{'-'.join(states)}.csv")
            with archive.open(info) as raw:
                where = f"{path}!{info.filename}"
                results.append(_filter_stream(raw, where, target, spec.columns, states))
    return results


def _spec_for_member(name: str, specs: Sequence[StateColumns]) -> StateColumns | None:
    base = Path(name).name
    for spec in specs:
        if spec.member_pattern is not None and re.search(spec.member_pattern, base):
            return spec
    return None


def _filter_stream(
    raw: IO[bytes], where: str, target: Path, columns: Sequence[str], states: Sequence[str]
) -> FilteredFile:
    """Copy the header and the rows of `states` from `raw` to `target`, atomically."""
    text = io.TextIOWrapper(raw, encoding=_BYTE_TEXT, newline="")
    records = _raw_records(text, where)
    header_fields, header_text = next(records, ([], ""))
    index, column = _state_index(header_fields, columns, where)
    wanted = frozenset(states)
    tmp = target.with_name(target.name + ".part")
    rows = 0
    try:
        with tmp.open("w", encoding=_BYTE_TEXT, newline="") as out:
            out.write(header_text)
            for fields, record in records:
                if index < len(fields) and fields[index].strip().upper() in wanted:
                    out.write(record)
                    rows += 1
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    os.replace(tmp, target)
    return FilteredFile(target, where, column, tuple(states), rows)


def _raw_records(lines: Iterator[str], where: str) -> Iterator[tuple[list[str], str]]:
    """Each CSV record as (fields, the exact text it was read from), quoted newlines included."""
    tap = _LineTap(lines)
    # skipinitialspace reads the DAC file's ", " separators; it changes nothing elsewhere.
    reader = csv.reader(tap, skipinitialspace=True)
    try:
        for fields in reader:
            yield fields, tap.take()
    except csv.Error as exc:
        # An unbalanced quote stops at the csv field size limit, so memory stays bounded.
        raise InputError(f"unreadable CSV record: {exc}", where, line=reader.line_num) from exc


class _LineTap:
    """A line iterator that remembers the lines the csv reader consumed for the current record."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self._taken: list[str] = []

    def __iter__(self) -> _LineTap:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._taken.append(line)
        return line

    def take(self) -> str:
        """The text of the record just read, forgotten once returned."""
        text = "".join(self._taken)
        self._taken.clear()
        return text


def _state_index(fields: Sequence[str], columns: Sequence[str], where: str) -> tuple[int, str]:
    names = [_clean_name(field) for field in fields]
    for column in columns:
        if column.lower() in names:
            return names.index(column.lower()), column
    raise InputError(
        "no state column in the header",
        where,
        field=" / ".join(columns),
        hint="the layout changed; filter this file by hand or report the new column name",
    )


def _clean_name(name: str) -> str:
    for bom in _BOMS:
        name = name.removeprefix(bom)
    return name.strip().strip('"').lower()
