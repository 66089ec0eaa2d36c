"""Hospital General Information: fictional hospitals on real ZIPs, with star ratings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from docfinder.generate.csvout import (
    constant,
    ints,
    join_rows,
    minimal_quote_array,
    plain_header,
    take,
    vocabulary,
    zero_padded,
)
from docfinder.generate.geography import STATES, miles_between
from docfinder.generate.identity import Identity
from docfinder.generate.layouts import HOSPITAL_COLUMNS
from docfinder.generate.providers import Population

I64 = NDArray[np.int64]
NA = "Not Available"
AFFILIATION_RADIUS_MILES = 60.0
MAX_AFFILIATIONS = 5

_OWNERSHIP = (
    "Voluntary non-profit - Private", "Proprietary", "Government - Hospital District or Authority",
    "Government - Local", "Voluntary non-profit - Other", "Voluntary non-profit - Church",
)  # fmt: skip
_OWNERSHIP_WEIGHTS = np.array([0.42, 0.2, 0.1, 0.08, 0.1, 0.1])
_RATING_WEIGHTS = np.array([0.08, 0.2, 0.3, 0.27, 0.15])
_GROUPS = (("MORT", 7), ("Safety", 8), ("READM", 11))


class Hospitals:
    """The hospitals of a population: identifiers, names and where they are."""

    def __init__(self, population: Population, identity: Identity) -> None:
        self.pop = population
        self.ident = identity
        self.position = population.hospital_index
        self.cah = population.hospital_cah
        self.zip_idx = population.zip_idx[self.position].astype(np.int64)
        self.ccn = self._ccns()
        self.names = identity.org_name(self.position)
        self._nearest: NDArray[np.int64] | None = None

    def _ccns(self) -> list[str]:
        """CMS certification numbers: state code + 0001.. (acute) or 1300.. (critical access)."""
        states = [self.pop.region.zips.state[int(z)] for z in self.zip_idx]
        seen: dict[tuple[str, bool], int] = {}
        ccns = []
        for state, cah in zip(states, self.cah.tolist(), strict=True):
            n = seen.get((state, cah), 0)
            seen[(state, cah)] = n + 1
            ccns.append(f"{STATES[state][1]}{(1300 + n) if cah else (1 + n):04d}")
        return ccns

    def nearest(self, zip_idx: I64) -> NDArray[np.int64]:
        """For each ZIP position: up to five hospitals within reach, nearest first (-1 = none)."""
        if self._nearest is None:
            self._nearest = self._nearest_table()
        return self._nearest[zip_idx]

    def _nearest_table(self) -> NDArray[np.int64]:
        """Nearest hospitals of every ZIP of the region, computed once."""
        zips = self.pop.region.zips
        found = np.full((len(zips), MAX_AFFILIATIONS), -1, dtype=np.int64)
        if self.position.size == 0:
            return found
        h_lat, h_lon = zips.lat[self.zip_idx], zips.lon[self.zip_idx]
        width = min(MAX_AFFILIATIONS, self.position.size)
        for start in range(0, len(zips), 1000):
            part = np.arange(start, min(start + 1000, len(zips)))
            miles = miles_between(zips.lat[part][:, None], zips.lon[part][:, None], h_lat, h_lon)
            order = np.argpartition(miles, width - 1, axis=1)[:, :width]
            order = np.take_along_axis(
                order,
                np.argsort(np.take_along_axis(miles, order, axis=1), axis=1, kind="stable"),
                axis=1,
            )
            near = np.take_along_axis(miles, order, axis=1) <= AFFILIATION_RADIUS_MILES
            found[part, :width] = np.where(near, order, -1)
        return found

    def write(self, path: Path, seed: int) -> int:
        """Write Hospital_General_Information.csv; returns its row count."""
        rng = np.random.default_rng([seed, 5])
        n = self.position.size
        with path.open("wb") as out:
            out.write(plain_header(HOSPITAL_COLUMNS))
            if n:
                out.write(join_rows(self._columns(rng)))
        return n

    def _columns(self, rng: np.random.Generator) -> list[pa.Array]:
        n, ident = self.position.size, self.ident
        site = ident.practice_site(self.position)
        zips = self.pop.region.zips
        area = take(vocabulary(zips.area_code), self.zip_idx)
        line = zero_padded(100 + ident.h.below(site, "phone", 100), 4)
        phone = pc.binary_join_element_wise("(", area, ") 555-", line, "")
        rated = rng.random(n) >= np.where(self.cah, 0.7, 0.3)
        stars = 1 + rng.choice(5, size=n, p=_RATING_WEIGHTS)
        rating = pc.if_else(pa.array(rated), ints(stars), NA)
        columns = [
            vocabulary(self.ccn),
            minimal_quote_array(self.names),
            minimal_quote_array(ident.street_line(site, with_suite=False)),
            ident.city(self.zip_idx),
            ident.state(self.zip_idx),
            take(vocabulary(zips.zip5), self.zip_idx),
            take(vocabulary([c.upper() for c in zips.county]), self.zip_idx),
            phone,
            pc.if_else(pa.array(self.cah), "Critical Access Hospitals", "Acute Care Hospitals"),
            take(vocabulary(_OWNERSHIP), rng.choice(len(_OWNERSHIP), n, p=_OWNERSHIP_WEIGHTS)),
            pc.if_else(pa.array(rng.random(n) < 0.85), "Yes", "No"),
            pc.if_else(pa.array(rng.random(n) < 0.45), "Y", ""),
            rating,
            pc.if_else(pa.array(rated), "", "16"),
        ]
        for _, size in _GROUPS:
            columns += _measure_group(rng, rated, size)
        for size in (8, 12):
            counted = ints(np.where(self.cah, rng.integers(0, size + 1, n), size))
            columns += [constant(str(size), n), pc.if_else(pa.array(rated), counted, NA)]
            columns.append(pc.if_else(pa.array(rated), "", "5"))
        return columns


def _measure_group(rng: np.random.Generator, rated: NDArray[np.bool_], size: int) -> list[pa.Array]:
    """Measure count, facility count, better / no different / worse, footnote."""
    n = rated.size
    facility = rng.integers(max(1, size // 2), size + 1, n)
    better = rng.binomial(facility, 0.1)
    worse = rng.binomial(facility - better, 0.08)
    same = facility - better - worse
    shown = pa.array(rated)
    return [
        constant(str(size), n),
        *(pc.if_else(shown, ints(v), NA) for v in (facility, better, same, worse)),
        pc.if_else(shown, "", "5"),
    ]
