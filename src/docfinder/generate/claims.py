"""Medicare Physician & Other Practitioners by Provider and Service (29 columns)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from docfinder.generate.csvout import (
    constant,
    decimals,
    ints,
    join_rows,
    plain_header,
    take,
    vocabulary,
)
from docfinder.generate.hashing import combine
from docfinder.generate.identity import Identity
from docfinder.generate.kinds import KINDS
from docfinder.generate.layouts import MUP_SERVICE_COLUMNS
from docfinder.generate.medicare import ProviderColumns, eligible
from docfinder.generate.procedures import PROCEDURES, description, profile
from docfinder.generate.providers import Population
from docfinder.generate.selection import row_counts, write_selected

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
Progress = Callable[[int], None]

SERVICE_ROWS_PER_NPI = 10.0 / 9.0  # national: ~10M rows for ~9M NPIs


class _Codes:
    """Procedure attributes as arrays, and each kind's profile as indexes into them."""

    def __init__(self) -> None:
        self.codes = tuple(sorted(PROCEDURES))
        position = {c: i for i, c in enumerate(self.codes)}
        table = [PROCEDURES[c] for c in self.codes]
        self.allowed = np.array([p.allowed_usd for p in table])
        self.per_bene = np.array([p.services_per_bene for p in table])
        self.median = np.array([p.median_benes for p in table])
        self.facility = np.array([p.facility_share for p in table])
        self.drug = np.array([p.drug for p in table], dtype=np.int64)
        self.v_code = vocabulary(self.codes)
        self.v_desc = vocabulary([f'"{description(c)}"' for c in self.codes])
        names = sorted({k.codes for k in KINDS if k.codes})
        self.profile_of_kind = np.array([names.index(k.codes) if k.codes else -1 for k in KINDS])
        self.weights = [profile(n).weights for n in names]
        width = max(w.size for w in self.weights)
        self.item_code = np.full((len(names), width), -1, dtype=np.int64)
        for i, n in enumerate(names):
            self.item_code[i, : len(profile(n).codes)] = [position[c] for c in profile(n).codes]
        self.sizes = np.array([w.size for w in self.weights], dtype=np.int64)
        self.item_weight = np.zeros(self.item_code.shape)
        for i, w in enumerate(self.weights):
            self.item_weight[i, : w.size] = w / w.mean()
        self.names = names


class ServiceWriter:
    """Writes one by-provider-and-service file per data year."""

    def __init__(self, population: Population, identity: Identity) -> None:
        self.pop = population
        self.h = population.hasher
        self.cols = ProviderColumns(population, identity)
        self.c = _Codes()
        self.chance = np.array([k.p_mup if k.codes else 0.0 for k in KINDS])
        self.mean_rows = np.array([k.svc_rows for k in KINDS], dtype=np.float64)

    def billers(self, year: int) -> I64:
        """Population positions of the providers in the year's file, by NPI."""
        return eligible(self.pop, self.chance, "mup", year)

    def write(self, path: Path, year: int, progress: Progress) -> int:
        """Write the file of one data year; returns its row count."""
        billers = self.billers(year)
        profile_idx = self.c.profile_of_kind[self.pop.kind[billers]]
        billers, profile_idx = billers[profile_idx >= 0], profile_idx[profile_idx >= 0]
        target = round(len(self.pop) * SERVICE_ROWS_PER_NPI)
        counts = row_counts(
            self.h,
            self.pop.npi[billers],
            self.mean_rows[self.pop.kind[billers]],
            self.c.sizes[profile_idx],
            target,
            "mup.rows",
        )
        return write_selected(
            path,
            plain_header(MUP_SERVICE_COLUMNS),
            self.h,
            self.pop.npi,
            billers,
            profile_idx,
            counts,
            self.c.weights,
            self._forced(),
            "mup.pick",
            lambda idx, groups, provider, item: self._encode(idx, groups, provider, item, year),
            progress,
        )

    def _forced(self) -> dict[int, list[int]]:
        """Planted providers' codes, as profile item indexes, by population position."""
        forced: dict[int, list[int]] = {}
        for anchor, position in self.pop.anchors:
            p = self.c.profile_of_kind[self.pop.kind[position]]
            codes = profile(self.c.names[p]).codes
            forced[position] = [codes.index(code) for code in anchor.codes]
        return forced

    def _encode(self, idx: I64, prof: I64, provider: I64, item: I64, year: int) -> bytes:
        code = self.c.item_code[prof[provider], item]
        npi = self.pop.npi[idx]
        row_key = combine(npi[provider], code)
        y = str(year)
        weight = self.c.item_weight[prof[provider], item]
        stats = self._volumes(npi, provider, code, weight, row_key, y)
        money = self._amounts(idx, provider, code, row_key, y)
        participating = self.h.unit(npi, "mup.par") > 0.005
        per_provider = self._provider_columns(idx, participating)
        rows = pa.array(provider)
        facility = self.h.unit(row_key, "pos" + y) < self.c.facility[code]
        columns = [per_provider[name].take(rows) for name in _PROVIDER_ORDER]
        columns += [
            take(self.c.v_code, code),
            take(self.c.v_desc, code),
            take(vocabulary(["N", "Y"]), self.c.drug[code]),
            take(vocabulary(["O", "F"]), facility.astype(np.int64)),
            *(ints(s) for s in stats),
            *(decimals(m, 8) for m in money),
        ]
        return join_rows(columns)

    def _volumes(
        self, npi: I64, provider: I64, code: I64, weight: F64, key: I64, y: str
    ) -> list[I64]:
        volume = self.h.lognormal(npi, "mup.vol", 0.6) * self.h.lognormal(npi, "mup.vol" + y, 0.12)
        popular = np.sqrt(weight)  # codes a provider bills often also have more patients
        base = (
            self.c.median[code]
            * volume[provider]
            * popular
            * self.h.lognormal(key, "benes" + y, 0.8)
        )
        benes = 11 + np.rint(base * 0.75).astype(np.int64)
        spread = self.h.lognormal(key, "srv" + y, 0.25)
        services = np.maximum(benes, np.rint(benes * self.c.per_bene[code] * spread)).astype(
            np.int64
        )
        extra = (services - benes) * (0.6 + 0.4 * self.h.unit(key, "days" + y))
        day_services = np.minimum(services, benes + np.rint(extra).astype(np.int64))
        return [benes, services, day_services]

    def _amounts(self, idx: I64, provider: I64, code: I64, key: I64, y: str) -> list[F64]:
        prefix3 = self.pop.region.zips.prefix3[self.pop.zip_idx[idx]]
        geo = (0.92 + 0.3 * self.h.unit(prefix3, "geo"))[provider]
        allowed = self.c.allowed[code] * geo * self.h.lognormal(key, "allowed" + y, 0.06)
        paid = allowed * (0.74 + 0.06 * self.h.unit(key, "paid" + y))
        standard = allowed / geo * self.h.lognormal(key, "std" + y, 0.02)
        charged = allowed * (1.2 + 3.3 * self.h.unit(key, "charge" + y) ** 1.5)
        return [charged, allowed, paid, standard]

    def _provider_columns(self, idx: I64, participating: NDArray[np.bool_]) -> dict[str, pa.Array]:
        columns = {**self.cols.names(idx), **self.cols.place(idx)}
        columns["npi"] = ints(self.pop.npi[idx])
        columns["country"] = constant("US", idx.size)
        columns["type"] = self.cols.provider_type(idx)
        columns["par"] = take(vocabulary(["N", "Y"]), participating.astype(np.int64))
        return columns


_PROVIDER_ORDER = (
    "npi",
    "last",
    "first",
    "mi",
    "cred",
    "gender",
    "entity",
    "st1",
    "st2",
    "city",
    "state",
    "fips",
    "zip5",
    "ruca",
    "ruca_desc",
    "country",
    "type",
    "par",
)
