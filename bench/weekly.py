"""A weekly NPPES update file derived from a monthly (full) one, as NPPES publishes them.

`docfinder generate` writes only the full registry file, so the benchmark makes the weekly one:
a sample of the registry's rows (about 0.5% of them, as a real week holds some tens of
thousands of NPIs nationally), each with a newer Last Update Date and a changed practice
phone (still a fictional 555-01XX number), under the weekly name
npidata_pfile_<first day>-<last day>.csv, in the same header and quoting.

Rows are picked at seeded random byte offsets (the next whole line after each), so a national
file of 11 GB is sampled in well under a second; a line that does not parse into exactly the
header's columns is skipped.
"""

from __future__ import annotations

import csv
import io
import random
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

NPI = "NPI"
LAST_UPDATE = "Last Update Date"
PHONE = "Provider Business Practice Location Address Telephone Number"
SHARE = 0.005
FEWEST, MOST = 1_000, 50_000
_RANGE = re.compile(r"(\d{8})-(\d{8})")


@dataclass(frozen=True)
class WeeklyFile:
    path: Path
    rows: int
    size_mb: float
    as_of: str


def weekly_rows(registry_rows: int) -> int:
    """How many NPIs a week changes, for a registry of this many: 0.5%, within 1,000–50,000."""
    return max(FEWEST, min(MOST, round(registry_rows * SHARE)))


def week_after(monthly_name: str) -> tuple[date, date]:
    """The week following the monthly file's last day (from its name), first and last day."""
    found = _RANGE.search(monthly_name)
    end = date.today() if found is None else _day(found.group(2))
    return end + timedelta(days=1), end + timedelta(days=7)


def _day(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))


def derive_weekly(monthly: Path, outdir: Path, rows: int, seed: int = 11) -> WeeklyFile:
    """Write the weekly file for `rows` NPIs of `monthly` into `outdir`."""
    first, last = week_after(monthly.name)
    header_line, picked = _sample(monthly, rows, random.Random(seed))
    header = next(csv.reader([header_line.decode("latin-1")]))
    at = {name: i for i, name in enumerate(header)}
    newline = "\r\n" if header_line.endswith(b"\r\n") else "\n"
    rng = random.Random(seed + 1)
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator=newline)
    writer.writerow(header)
    for row in picked:
        row[at[LAST_UPDATE]] = last.strftime("%m/%d/%Y")
        phone = row[at[PHONE]]
        if len(phone) == 10:
            row[at[PHONE]] = f"{phone[:3]}55501{rng.randrange(100):02d}"
        writer.writerow(row)
    outdir.mkdir(parents=True, exist_ok=True)
    path = outdir / f"npidata_pfile_{first:%Y%m%d}-{last:%Y%m%d}.csv"
    path.write_bytes(buffer.getvalue().encode("latin-1"))
    return WeeklyFile(path, len(picked), path.stat().st_size / 1e6, last.isoformat())


def _sample(monthly: Path, rows: int, rng: random.Random) -> tuple[bytes, list[list[str]]]:
    """The header line, and up to `rows` distinct NPIs' rows at random offsets."""
    size = monthly.stat().st_size
    seen: dict[str, list[str]] = {}
    with monthly.open("rb") as handle:
        header_line = handle.readline()
        width = len(next(csv.reader([header_line.decode("latin-1")])))
        start = handle.tell()
        for _ in range(rows * 4):
            if len(seen) >= rows or start >= size:
                break
            handle.seek(rng.randrange(start, size))
            handle.readline()  # the rest of the line the offset fell in
            line = handle.readline()
            if not line:
                continue
            parsed = next(csv.reader([line.decode("latin-1")]), [])
            if len(parsed) == width:
                seen.setdefault(parsed[0], parsed)
    return header_line, list(seen.values())
