"""Which codes (or drugs) each provider bills: weighted sampling without replacement, vectorised.

Each provider gets k distinct items from its kind's profile by the Gumbel-top-k trick: add
Gumbel noise to log-weights and keep the k largest. The noise is a function of (NPI, item), so
a provider keeps the same items across data years and chunkings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from docfinder.generate.hashing import Hasher, combine

I64 = NDArray[np.int64]
F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Selection:
    """Rows of (provider position, item) in provider order, items ascending within each."""

    provider: I64  # position in the provider array given to `select`
    item: I64  # index into the profile's item list (sorted), per row


def row_counts(
    hasher: Hasher, npi: I64, mean_rows: F64, max_rows: I64, target: int, salt: str
) -> I64:
    """Long-tailed rows per provider, calibrated so that the total is close to `target`."""
    raw = mean_rows * hasher.lognormal(npi, salt, 0.75) * np.exp(-(0.75**2) / 2)
    factor = 1.0
    counts = np.ones(npi.size, dtype=np.int64)
    for _ in range(4):  # clipping makes the total non-linear in the factor; iterate
        counts = np.asarray(np.clip(np.rint(raw * factor), 1, np.maximum(max_rows, 1)), np.int64)
        total = int(counts.sum())
        if total == 0 or target <= 0:
            break
        factor *= target / total
    return counts


def select(
    hasher: Hasher,
    npi: I64,
    group: I64,
    counts: I64,
    weights: Sequence[F64],
    forced: Mapping[int, Sequence[int]],
    salt: str,
) -> Selection:
    """Pick counts[i] items for provider i from the weights of its group (profile)."""
    providers: list[I64] = []
    items: list[I64] = []
    planted = np.array(sorted(forced), dtype=np.int64)
    counts = counts.copy()
    for position in planted:
        counts[position] = max(int(counts[position]), len(forced[int(position)]))
    for g in np.unique(group):
        members = np.flatnonzero(group == g)
        w = weights[int(g)]
        keys = _gumbel_keys(hasher, npi[members], np.log(w), salt)
        for position in planted[group[planted] == g]:  # a handful of planted providers
            keys[np.searchsorted(members, position), list(forced[int(position)])] = np.inf
        # Keep each row's k largest keys: those at or above its k-th largest.
        kth = np.minimum(counts[members], w.size) - 1
        threshold = -np.sort(-keys, axis=1)[np.arange(members.size), kth]
        chosen = keys >= threshold[:, None]
        member_row, item = np.nonzero(chosen)
        providers.append(members[member_row])
        items.append(item.astype(np.int64))
    if not providers:
        return Selection(np.zeros(0, np.int64), np.zeros(0, np.int64))
    provider = np.concatenate(providers)
    item = np.concatenate(items)
    order = np.lexsort((item, provider))
    return Selection(provider[order], item[order])


def _gumbel_keys(hasher: Hasher, npi: I64, log_weight: F64, salt: str) -> F64:
    cells = combine(np.repeat(npi, log_weight.size), np.tile(np.arange(log_weight.size), npi.size))
    u = np.maximum(hasher.unit(cells, salt), 1e-300).reshape(npi.size, log_weight.size)
    return log_weight[None, :] - np.log(-np.log(u))


def localise(idx: I64, forced: Mapping[int, Sequence[int]]) -> dict[int, Sequence[int]]:
    """Planted providers of a chunk (population positions `idx`), keyed by chunk position."""
    local: dict[int, Sequence[int]] = {}
    for position, items in forced.items():  # a handful of planted providers
        hit = np.flatnonzero(idx == position)
        if hit.size:
            local[int(hit[0])] = items
    return local


# Providers per chunk of a claims or Part D file: bounded memory at national scale.
CHUNK_PROVIDERS = 20_000
Encode = Callable[[I64, I64, I64, I64], bytes]  # (providers, groups, provider, item) -> CSV


def write_selected(
    path: Path,
    header: bytes,
    hasher: Hasher,
    npi: I64,
    who: I64,
    groups: I64,
    counts: I64,
    weights: Sequence[F64],
    forced: Mapping[int, Sequence[int]],
    salt: str,
    encode: Encode,
    progress: Callable[[int], None],
) -> int:
    """Write one rows-per-provider file (claims or Part D) chunk by chunk; return its rows.

    `who` are population positions, `groups` their profile and `counts` their row counts;
    each chunk's picks are encoded by `encode` and written in order.
    """
    rows = 0
    with path.open("wb") as out:
        out.write(header)
        for start in range(0, who.size, CHUNK_PROVIDERS):
            part = slice(start, start + CHUNK_PROVIDERS)
            idx = who[part]
            chosen = select(
                hasher, npi[idx], groups[part], counts[part], weights, localise(idx, forced), salt
            )
            out.write(encode(idx, groups[part], chosen.provider, chosen.item))
            rows += chosen.provider.size
            progress(idx.size)
    return rows
