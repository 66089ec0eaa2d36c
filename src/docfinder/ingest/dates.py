"""Dates and data years carried by the publishers' file names."""

from __future__ import annotations

import re
from datetime import date

_RANGE = re.compile(r"(?<!\d)(\d{8})[-_](\d{8})(?!\d)")
_SHORT_YEAR = re.compile(r"(?:_D|DY|_RY)(\d{2})(?:_|\b)", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(?:CY)?((?:19|20)\d{2})(?!\d)", re.IGNORECASE)


def file_dates(name: str) -> tuple[str | None, int | None]:
    """(as-of date in ISO form, data year) from a file name, where the name says them.

    NPPES names end in the last date covered (npidata_pfile_20050523-20251109.csv); CMS
    Medicare files name the data year (..._D23_..., DY23, _2021_, CY2012).
    """
    match = _RANGE.search(name)
    if match:
        end = match.group(2)
        try:
            as_of = date(int(end[:4]), int(end[4:6]), int(end[6:]))
        except ValueError:
            return None, None
        return as_of.isoformat(), as_of.year
    short = [m for m in _SHORT_YEAR.finditer(name) if not m.group(0).upper().startswith("_RY")]
    if short:
        return None, 2000 + int(short[-1].group(1))
    years = [int(m.group(1)) for m in _YEAR.finditer(name)]
    plausible = [y for y in years if 1990 <= y <= date.today().year + 1]
    return None, (plausible[0] if plausible else None)
