"""Fast CSV encoding of column chunks, with each official file's quoting habits.

Rows are never built in Python: columns are Arrow arrays, quoted column-wise and joined
row-wise by Arrow compute kernels, then written as one buffer per chunk.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from numpy.typing import NDArray

# data.cms.gov files (Medicare by provider and service, Part D) quote text that contains a
# space, comma or apostrophe, and empty text; numbers and codes are bare.
_CMS_SPECIAL = (" ", ",", "'", '"')


def cms_quote(text: str) -> str:
    """Quote one text value the way data.cms.gov distributions do."""
    if text == "" or any(ch in text for ch in _CMS_SPECIAL):
        return '"' + text.replace('"', '""') + '"'
    return text


def minimal_quote(text: str) -> str:
    """Quote one value only when it needs it (comma, quote or line break)."""
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def vocabulary(values: Sequence[str], quote: str = "none") -> pa.Array:
    """An Arrow string array of values, pre-quoted with `quote` ("cms", "minimal", "none")."""
    if quote == "cms":
        values = [cms_quote(v) for v in values]
    elif quote == "minimal":
        values = [minimal_quote(v) for v in values]
    return pa.array(list(values), type=pa.string())


def take(vocab: pa.Array, index: NDArray[np.int64]) -> pa.Array:
    """Values of a vocabulary at the given positions."""
    return vocab.take(pa.array(index, type=pa.int64()))


def constant(text: str, length: int) -> pa.Array:
    """A column repeating one value."""
    return pa.repeat(pa.scalar(text, type=pa.string()), length)


def ints(values: NDArray[np.int64] | NDArray[np.int32]) -> pa.Array:
    """Integers as text."""
    return pc.cast(pa.array(values), pa.string())


def zero_padded(values: NDArray[np.int64], width: int) -> pa.Array:
    """Non-negative integers as zero-padded text."""
    return pc.utf8_lpad(ints(values), width=width, padding="0")


def decimals(values: NDArray[np.float64], places: int) -> pa.Array:
    """Floats rounded to `places` and written in their shortest form ("790", "340.67")."""
    return pc.cast(pa.array(np.round(values, places)), pa.string())


_FIRST_DAY = date(1960, 1, 1)
_LAST_DAY = date(2035, 12, 31)
_EPOCH = date(1970, 1, 1)


@cache
def _calendar(pattern: str) -> pa.Array:
    """Every day from 1960 to 2035 formatted with `pattern` (formatting per row is slow)."""
    days = (_LAST_DAY - _FIRST_DAY).days + 1
    return pa.array([(_FIRST_DAY + timedelta(d)).strftime(pattern) for d in range(days)])


def dates(days_since_1970: NDArray[np.int32] | NDArray[np.int64], pattern: str) -> pa.Array:
    """Day numbers (days since 1970-01-01) as text, e.g. pattern "%m/%d/%Y"."""
    calendar = _calendar(pattern)
    offset = (_EPOCH - _FIRST_DAY).days
    position = np.clip(days_since_1970.astype(np.int64) + offset, 0, len(calendar) - 1)
    return calendar.take(pa.array(position))


def blank_where(column: pa.Array, blank: NDArray[np.bool_], empty: str = "") -> pa.Array:
    """Replace the values where `blank` is true by `empty`."""
    return pc.if_else(pa.array(blank), pa.scalar(empty, type=pa.string()), column)


def wrap(column: pa.Array, left: str, right: str) -> pa.Array:
    """Surround each value with fixed text (e.g. quotes)."""
    return pc.binary_join_element_wise(left, column, right, "")


def join_rows(columns: Sequence[pa.Array], separator: str = ",") -> bytes:
    """Encode already-quoted text columns as CSV lines ending in a newline."""
    lines = pc.binary_join_element_wise(*columns, separator)
    return _body(pc.binary_join_element_wise(lines, "\n", ""))


def _body(lines: pa.Array) -> bytes:
    """The concatenated bytes of a string array (its data buffer, offset-adjusted)."""
    lines = pa.concat_arrays([lines]) if lines.offset else lines
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32, count=len(lines) + 1)
    data = lines.buffers()[2]
    if data is None:
        return b""
    start, end = int(offsets[0]), int(offsets[-1])
    return bytes(data.slice(start, end - start).to_pybytes())


def write_all_quoted(out: BinaryIO, names: Sequence[str], columns: Sequence[pa.Array]) -> None:
    """Write columns with every value quoted ("" for empty), as NPPES ships its files."""
    table = pa.Table.from_arrays(list(columns), names=[f"c{i}" for i in range(len(names))])
    options = pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
    pa_csv.write_csv(table, out, options)


def all_quoted_header(names: Sequence[str]) -> bytes:
    """A header line with every name quoted."""
    return (",".join(f'"{n}"' for n in names) + "\n").encode("utf-8")


def plain_header(names: Sequence[str], separator: str = ",") -> bytes:
    """A header line of bare names."""
    return (separator.join(names) + "\n").encode("utf-8")


def cms_quote_array(column: pa.Array) -> pa.Array:
    """Quote text values the way data.cms.gov does (for modest-sized arrays)."""
    escaped = pc.replace_substring(column, '"', '""')
    needs = pc.or_(pc.match_substring_regex(column, "[ ,'\"]"), pc.equal(column, ""))
    return pc.if_else(needs, wrap(escaped, '"', '"'), column)


def minimal_quote_array(column: pa.Array) -> pa.Array:
    """Quote text values that contain a comma, quote or line break."""
    escaped = pc.replace_substring(column, '"', '""')
    needs = pc.match_substring_regex(column, '[,"\n\r]')
    return pc.if_else(needs, wrap(escaped, '"', '"'), column)
