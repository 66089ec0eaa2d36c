"""Medicare Part D Prescribers by Provider and Drug (22 columns)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from docfinder.generate.csvout import (
    blank_where,
    decimals,
    ints,
    join_rows,
    plain_header,
    take,
    vocabulary,
)
from docfinder.generate.drugs import DRUG_KEYS, DRUGS, drug_profile
from docfinder.generate.hashing import combine
from docfinder.generate.identity import Identity
from docfinder.generate.kinds import KINDS
from docfinder.generate.layouts import PARTD_COLUMNS
from docfinder.generate.medicare import ProviderColumns, eligible
from docfinder.generate.providers import Population
from docfinder.generate.selection import row_counts, write_selected

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]
Progress = Callable[[int], None]

DRUG_ROWS_PER_NPI = 25.0 / 9.0  # national: ~25M rows for ~9M NPIs
SUPPRESS_BELOW = 11  # CMS hides counts from 1 to 10
_YOUNG_KINDS = {"peds": 0.05, "psych": 0.55, "student": 0.6, "dentist": 0.8}


class _Drugs:
    """Drug attributes as arrays, and each kind's drug profile as indexes into them."""

    def __init__(self) -> None:
        table = [DRUGS[k] for k in DRUG_KEYS]
        position = {k: i for i, k in enumerate(DRUG_KEYS)}
        self.cost = np.array([d.cost_per_30_days_usd for d in table])
        self.ninety = np.array([d.ninety_day_share for d in table])
        self.age65 = np.array([d.age65_share for d in table])
        self.v_brand = vocabulary([d.brand for d in table], "cms")
        self.v_generic = vocabulary([d.generic for d in table], "cms")
        specs = sorted({k.drugs for k in KINDS if k.drugs})
        self.specs = specs
        self.profile_of_kind = np.array([specs.index(k.drugs) if k.drugs else -1 for k in KINDS])
        self.weights = [drug_profile(s).weights / drug_profile(s).weights.mean() for s in specs]
        width = max(w.size for w in self.weights)
        self.item_drug = np.full((len(specs), width), -1, dtype=np.int64)
        self.item_weight = np.zeros((len(specs), width))
        for i, s in enumerate(specs):
            self.item_drug[i, : self.weights[i].size] = [position[k] for k in drug_profile(s).drugs]
            self.item_weight[i, : self.weights[i].size] = self.weights[i]
        self.sizes = np.array([w.size for w in self.weights], dtype=np.int64)
        self.young = np.array([_YOUNG_KINDS.get(k.key, 1.0) for k in KINDS])


class PartDWriter:
    """Writes one Part D by-provider-and-drug file per data year."""

    def __init__(self, population: Population, identity: Identity) -> None:
        self.pop = population
        self.h = population.hasher
        self.cols = ProviderColumns(population, identity)
        self.d = _Drugs()
        self.chance = np.array([k.p_partd if k.drugs else 0.0 for k in KINDS])
        self.mean_rows = np.array([k.drug_rows for k in KINDS], dtype=np.float64)

    def prescribers(self, year: int) -> I64:
        """Population positions of the prescribers in the year's file, by NPI."""
        found = eligible(self.pop, self.chance, "partd", year)
        return found[self.d.profile_of_kind[self.pop.kind[found]] >= 0]

    def write(self, path: Path, year: int, progress: Progress) -> int:
        """Write the file of one data year; returns its row count."""
        found = self.prescribers(year)
        spec = self.d.profile_of_kind[self.pop.kind[found]]
        target = round(len(self.pop) * DRUG_ROWS_PER_NPI)
        counts = row_counts(
            self.h,
            self.pop.npi[found],
            self.mean_rows[self.pop.kind[found]],
            self.d.sizes[spec],
            target,
            "partd.rows",
        )
        return write_selected(
            path,
            plain_header(PARTD_COLUMNS),
            self.h,
            self.pop.npi,
            found,
            spec,
            counts,
            self.d.weights,
            self._forced(),
            "partd.pick",
            lambda idx, groups, provider, item: self._encode(idx, groups, provider, item, year),
            progress,
        )

    def _forced(self) -> dict[int, list[int]]:
        forced: dict[int, list[int]] = {}
        for anchor, position in self.pop.anchors:
            spec = self.d.profile_of_kind[self.pop.kind[position]]
            if spec >= 0 and anchor.drugs:
                drugs = drug_profile(self.d.specs[spec]).drugs
                forced[position] = [drugs.index(d) for d in anchor.drugs]
        return forced

    def _encode(self, idx: I64, spec: I64, provider: I64, item: I64, year: int) -> bytes:
        drug = self.d.item_drug[spec[provider], item]
        weight = self.d.item_weight[spec[provider], item]
        npi = self.pop.npi[idx]
        key = combine(npi[provider], drug)
        y = str(year)
        totals = self._totals(npi, provider, drug, weight, key, y)
        share = np.clip(
            self.d.age65[drug] * self.d.young[self.pop.kind[idx]][provider]
            + 0.15 * (self.h.unit(key, "ge65" + y) - 0.5),
            0.0,
            1.0,
        )
        provider_cols = self._provider_columns(idx)
        rows = pa.array(provider)
        columns = [c.take(rows) for c in provider_cols]
        columns += [take(self.d.v_brand, drug), take(self.d.v_generic, drug)]
        columns += _total_columns(totals)
        columns += _age65_columns(totals, share, self.h.unit(key, "ge65b" + y))
        return join_rows(columns)

    def _totals(
        self, npi: I64, provider: I64, drug: I64, weight: F64, key: I64, y: str
    ) -> dict[str, F64]:
        volume = self.h.lognormal(npi, "partd.vol", 0.7) * self.h.lognormal(npi, "pd.vol" + y, 0.1)
        base = 28.0 * volume[provider] * np.sqrt(weight) * self.h.lognormal(key, "clms" + y, 1.0)
        claims = SUPPRESS_BELOW + np.rint(base * 0.8)
        ninety = np.clip(self.d.ninety[drug] + 0.3 * (self.h.unit(key, "ninety" + y) - 0.5), 0, 1)
        days = np.rint(claims * (30 + 60 * ninety))
        fills = np.round(days / 30 * (1 + 0.06 * self.h.unit(key, "fills" + y)), 1)
        cost = self.d.cost[drug] * fills * self.h.lognormal(key, "cost" + y, 0.15)
        per_bene = 1.2 + 5.0 * self.h.unit(key, "perbene" + y) * (0.3 + ninety)
        benes = np.maximum(1, np.rint(claims / per_bene))
        return {"claims": claims, "fills": fills, "days": days, "cost": cost, "benes": benes}

    def _provider_columns(self, idx: I64) -> list[pa.Array]:
        names = self.cols.names(idx)
        place = self.cols.place(idx)
        return [
            ints(self.pop.npi[idx]),
            names["last"],
            names["first"],
            place["city"],
            place["state"],
            place["fips"],
            self.cols.provider_type(idx),
            self.cols.type_source(idx),
        ]


def _total_columns(t: dict[str, F64]) -> list[pa.Array]:
    benes = t["benes"].astype(np.int64)
    return [
        ints(t["claims"].astype(np.int64)),
        decimals(t["fills"], 1),
        ints(t["days"].astype(np.int64)),
        decimals(t["cost"], 2),
        blank_where(ints(benes), benes < SUPPRESS_BELOW),
    ]


def _flags(total: I64, older: I64) -> NDArray[np.int64]:
    """0 shown, 1 "*" (65+ count is 1-10), 2 "#" (the under-65 count is 1-10)."""
    primary = (older >= 1) & (older < SUPPRESS_BELOW)
    younger = total - older
    counter = ~primary & (younger >= 1) & (younger < SUPPRESS_BELOW)
    return np.where(primary, 1, np.where(counter, 2, 0))


def _age65_columns(t: dict[str, F64], share: F64, noise: F64) -> list[pa.Array]:
    claims = t["claims"].astype(np.int64)
    older = np.minimum(claims, np.rint(claims * share).astype(np.int64))
    frac = np.where(claims > 0, older / np.maximum(claims, 1), 0.0)
    flag = _flags(claims, older)
    hidden = flag > 0
    benes = t["benes"].astype(np.int64)
    bene_share = np.clip(share + 0.05 * (noise - 0.5), 0, 1)
    older_benes = np.minimum(benes, np.rint(benes * bene_share).astype(np.int64))
    bene_flag = _flags(benes, older_benes)
    flags = vocabulary(["", "*", "#"])
    return [
        take(flags, flag),
        blank_where(ints(older), hidden),
        blank_where(decimals(t["fills"] * frac, 1), hidden),
        blank_where(decimals(t["cost"] * frac, 2), hidden),
        blank_where(ints(np.rint(t["days"] * frac).astype(np.int64)), hidden),
        take(flags, bene_flag),
        blank_where(ints(older_benes), bene_flag > 0),
    ]
