"""Opening input files as they are really published: plain, inside .zip archives, odd encodings.

Nothing here knows what a file *means*; it finds the bytes, the encoding, the delimiter and the
header, so that the layouts in `docfinder.sources.layouts` can recognise the file by its columns.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from docfinder.errors import InputError

SNIFF_BYTES = 1 << 20
_PARQUET_MAGIC = b"PAR1"
# Members of an NPPES zip that describe the layout rather than carry data.
_SKIP_MEMBER = re.compile(r"(_fileheader\.csv$|\.pdf$|readme|/$)", re.IGNORECASE)


def normalize_column(name: str) -> str:
    """A column name reduced to lower-case letters and digits, so that spacing and punctuation
    variants of the same official name ("Address-  Address Line 2", "adr_ln_1 ") compare equal."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


@dataclass(frozen=True)
class InputFile:
    """One data file: a path on disk, or a member of a .zip archive read in place."""

    path: Path
    member: str | None = None

    @property
    def name(self) -> str:
        """The file name that carries dates and years (the member's, for archives)."""
        return Path(self.member).name if self.member else self.path.name

    @property
    def display(self) -> str:
        return f"{self.path}!{self.member}" if self.member else str(self.path)

    def open(self) -> IO[bytes]:
        """A fresh binary stream positioned at the start of the data (gzip is undone)."""
        stream = self._open_raw()
        if stream.read(2) == b"\x1f\x8b":
            stream.close()
            return gzip.GzipFile(fileobj=self._open_raw(), mode="rb")  # type: ignore[return-value]
        stream.close()
        return self._open_raw()

    def _open_raw(self) -> IO[bytes]:
        if self.member is None:
            return open(self.path, "rb")
        archive = zipfile.ZipFile(self.path)
        return archive.open(self.member)  # the member stream keeps the archive alive

    def size_bytes(self) -> int:
        if self.member is None:
            return self.path.stat().st_size
        with zipfile.ZipFile(self.path) as archive:
            return archive.getinfo(self.member).file_size

    def sha256(self) -> str:
        digest = hashlib.sha256()
        with self.open() as stream:
            for chunk in iter(lambda: stream.read(1 << 22), b""):
                digest.update(chunk)
        return digest.hexdigest()


def expand_inputs(path: Path) -> list[InputFile]:
    """The data files behind a path: itself, or every data member of a .zip archive."""
    if not path.exists():
        raise InputError("file not found", path=path, hint="check the path")
    if path.is_dir():
        raise InputError("is a directory; name the files to ingest", path=path)
    if not zipfile.is_zipfile(path):
        return [InputFile(path)]
    with zipfile.ZipFile(path) as archive:
        members = [
            info.filename
            for info in archive.infolist()
            if not info.is_dir() and not _SKIP_MEMBER.search(info.filename)
        ]
    if not members:
        raise InputError("the archive holds no data files", path=path)
    return [InputFile(path, member) for member in sorted(members)]


@dataclass(frozen=True)
class Sniffed:
    """What the first bytes of a file say about how to read it."""

    kind: str  # "csv" or "parquet"
    encoding: str = "utf-8"
    delimiter: str = ","
    header: tuple[str, ...] = ()
    first_row: tuple[str, ...] = ()
    has_bom: bool = False

    @property
    def normalized_header(self) -> tuple[str, ...]:
        return tuple(normalize_column(name) for name in self.header)

    @property
    def pandas_index(self) -> bool:
        """A leading unnamed column: the index a pandas `to_csv` writes by default."""
        return bool(self.header) and normalize_column(self.header[0]) in ("", "unnamed0")


def sniff(source: InputFile) -> Sniffed:
    """Work out the encoding, delimiter and header of a file from its first megabyte."""
    with source.open() as stream:
        head = stream.read(SNIFF_BYTES)
    if head.startswith(_PARQUET_MAGIC):
        return _sniff_parquet(source)
    if not head.strip():
        raise InputError("the file is empty", path=source.display)
    encoding, has_bom = _detect_encoding(head, source)
    text = _decode_head(head, encoding)
    lines = text.splitlines()
    header_line = lines[0]
    if "\x00" in header_line:
        raise InputError("the header contains NUL bytes; not a text CSV file", path=source.display)
    delimiter = _detect_delimiter(header_line)
    rows = list(csv.reader(io.StringIO("\n".join(lines[:2])), delimiter=delimiter))
    header = tuple(cell.strip() for cell in rows[0])
    first = tuple(rows[1]) if len(rows) > 1 else ()
    return Sniffed("csv", encoding, delimiter, header, first, has_bom)


def _sniff_parquet(source: InputFile) -> Sniffed:
    import pyarrow.parquet as pq

    with source.open() as stream:
        names = pq.ParquetFile(stream).schema_arrow.names
    return Sniffed(kind="parquet", header=tuple(names))


def _detect_encoding(head: bytes, source: InputFile) -> tuple[str, bool]:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError(
            "the file is UTF-16 encoded",
            path=source.display,
            hint="convert it to UTF-8, e.g. with iconv -f UTF-16 -t UTF-8",
        )
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8", True
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sniff window is still UTF-8.
        if exc.start < len(head) - 4:
            return "cp1252", False
    return "utf-8", False


def _decode_head(head: bytes, encoding: str) -> str:
    text = head.decode(encoding, errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


def _detect_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def iter_text_lines(source: InputFile, encoding: str) -> Iterator[str]:
    """Decoded lines of a file, for the small files that are read without pyarrow."""
    with source.open() as stream:
        wrapper = io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline="")
        yield from wrapper
