"""The provider population: who exists, where, and with what NPPES status.

Only what several files must agree on and cannot be re-derived from the NPI is stored here;
names, streets and volumes are recomputed from the NPI by `identity` and the writers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from numpy.typing import NDArray

from docfinder.generate.geography import Region, ZipTable
from docfinder.generate.hashing import Hasher
from docfinder.generate.kinds import KIND_INDEX, KINDS
from docfinder.generate.npi import unique_npis
from docfinder.generate.planted import UKIAH_ANCHORS, UKIAH_HOSPITAL_CITIES, Anchor

ACTIVE, DEACTIVATED, REACTIVATED, CLAIMS_ONLY = 0, 1, 2, 3
EPOCH = date(1970, 1, 1)
FIRST_ENUMERATION = date(2005, 5, 23)
FILE_DATE = date(2025, 11, 9)

DEACTIVATED_SHARE = 0.01
REACTIVATED_SHARE = 0.0005
CLAIMS_ONLY_SHARE = 0.0005
SECONDARY_SHARE = 0.10
NPIS_PER_HOSPITAL = 1700

I64 = NDArray[np.int64]


def day_number(day: date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH).days


@dataclass(frozen=True)
class Locations:
    """Secondary practice locations: one row per (provider, location)."""

    owner: I64  # population index
    zip_idx: I64
    number: I64  # 1, 2, 3: which secondary location of its owner


@dataclass(frozen=True)
class Population:
    """Every provider of a run, indexed 0..n-1 in NPPES file order."""

    region: Region
    seed: int
    npi: I64
    kind: NDArray[np.int16]
    zip_idx: NDArray[np.int32]
    status: NDArray[np.int8]
    enum_day: NDArray[np.int32]
    update_day: NDArray[np.int32]
    deact_day: NDArray[np.int32]  # -1 when never deactivated
    react_day: NDArray[np.int32]  # -1 when never reactivated
    force_bill: NDArray[np.bool_]
    secondary: Locations
    hospital_index: I64  # population index of each hospital, in hospital-file order
    hospital_cah: NDArray[np.bool_]
    anchors: tuple[tuple[Anchor, int], ...] = field(default=())

    def __len__(self) -> int:
        return int(self.npi.size)

    @property
    def hasher(self) -> Hasher:
        """The per-NPI randomness of this run."""
        return Hasher(self.seed)


@dataclass(frozen=True)
class _Plan:
    kind: NDArray[np.int16]
    zip_idx: NDArray[np.int32]
    anchors: tuple[Anchor, ...]
    hospital_cah: NDArray[np.bool_]
    claims_only: int


def _zip_cumulative(zips: ZipTable, spread: float) -> NDArray[np.float64]:
    return np.cumsum(zips.weight**spread)


def _in_city(zips: ZipTable, city: str, rng: np.random.Generator) -> int:
    candidates = zips.index_of_city(city)
    if candidates.size == 0:  # the region lacks the city: fall back to its heaviest ZIP
        return int(np.argmax(zips.weight))
    return int(rng.choice(candidates))


def _hospital_zips(region: Region, count: int, rng: np.random.Generator) -> list[tuple[int, bool]]:
    zips = region.zips
    planned = [(_in_city(zips, c, rng), cah) for c, cah in UKIAH_HOSPITAL_CITIES]
    if region.name != "ukiah":
        planned = []
    extra = max(0, count - len(planned))
    if extra:
        weight = zips.weight**0.5
        picked = rng.choice(
            len(zips), size=min(extra, len(zips)), replace=False, p=weight / weight.sum()
        )
        rural = zips.ruca[picked] >= 4
        cah = rural & (rng.random(picked.size) < 0.7)
        planned += [(int(z), bool(c)) for z, c in zip(picked, cah, strict=True)]
    return planned


def _random_kinds(count: int, rng: np.random.Generator, billing_only: bool) -> NDArray[np.int16]:
    weights = np.array([k.per_mille for k in KINDS], dtype=np.float64)
    if billing_only:
        weights *= np.array([k.entity == 1 and k.p_mup >= 0.5 for k in KINDS], dtype=np.float64)
    return rng.choice(len(KINDS), size=count, p=weights / weights.sum()).astype(np.int16)


def _place(kinds: NDArray[np.int16], zips: ZipTable, rng: np.random.Generator) -> NDArray[np.int32]:
    placed = np.zeros(kinds.size, dtype=np.int32)
    for k in np.unique(kinds):
        members = np.flatnonzero(kinds == k)
        cumulative = _zip_cumulative(zips, KINDS[int(k)].spread)
        u = rng.random(members.size) * cumulative[-1]
        placed[members] = np.minimum(np.searchsorted(cumulative, u, side="right"), len(zips) - 1)
    return placed


def _plan(region: Region, scale: float, rng: np.random.Generator) -> _Plan:
    anchors = UKIAH_ANCHORS if region.name == "ukiah" else ()
    target = max(round(region.npis_at_scale_1 * scale), 40)
    hospitals = _hospital_zips(region, max(2, round(target / NPIS_PER_HOSPITAL)), rng)
    random_count = max(target - len(anchors) - len(hospitals), 10)
    claims_only = max(3, round(target * CLAIMS_ONLY_SHARE))
    hospital_kind = [KIND_INDEX["cah" if cah else "hospital"] for _, cah in hospitals]
    kind = np.concatenate(
        [
            np.array([KIND_INDEX[a.kind] for a in anchors], dtype=np.int16),
            np.array(hospital_kind, dtype=np.int16),
            _random_kinds(random_count, rng, billing_only=False),
            _random_kinds(claims_only, rng, billing_only=True),
        ]
    )
    zip_idx = _place(kind, region.zips, rng)
    for i, anchor in enumerate(anchors):
        zip_idx[i] = _in_city(region.zips, anchor.city, rng)
    for j, (z, _) in enumerate(hospitals):
        zip_idx[len(anchors) + j] = z
    cah = np.array([c for _, c in hospitals], dtype=np.bool_)
    return _Plan(kind, zip_idx, anchors, cah, claims_only)


def _npis(kind: NDArray[np.int16], rng: np.random.Generator) -> I64:
    is_org = np.array([k.entity == 2 for k in KINDS])[kind]
    org_two = is_org & (rng.random(kind.size) < 0.5)
    npi = np.zeros(kind.size, dtype=np.int64)
    npi[~org_two] = unique_npis(rng, int((~org_two).sum()), (1,))
    npi[org_two] = unique_npis(rng, int(org_two.sum()), (2,))
    return npi


def _statuses(plan: _Plan, rng: np.random.Generator) -> tuple[NDArray[np.int8], I64]:
    """Statuses, and the positions of deactivated NPIs that must still have claims."""
    n = plan.kind.size
    status = np.zeros(n, dtype=np.int8)
    status[n - plan.claims_only :] = CLAIMS_ONLY
    fixed = len(plan.anchors) + plan.hospital_cah.size
    pool = np.arange(fixed, n - plan.claims_only)
    deact = rng.choice(pool, size=max(3, round(pool.size * DEACTIVATED_SHARE)), replace=False)
    status[deact] = DEACTIVATED
    billers = np.array([k.entity == 1 and k.p_mup >= 0.5 for k in KINDS])[plan.kind]
    left = pool[(status[pool] == ACTIVE) & billers[pool]]
    react = rng.choice(left, size=max(2, round(pool.size * REACTIVATED_SHARE)), replace=False)
    status[react] = REACTIVATED
    deact_billers = deact[billers[deact]]
    keep = max(3, round(deact.size * 0.05))
    return status, np.sort(deact_billers)[: min(keep, deact_billers.size)]


def _dates(
    status: NDArray[np.int8], late_deact: I64, rng: np.random.Generator
) -> tuple[NDArray[np.int32], ...]:
    n = status.size
    first, last = day_number(FIRST_ENUMERATION), day_number(FILE_DATE)
    enum = first + ((last - 400 - first) * rng.random(n) ** 0.8).astype(np.int64)
    enum[rng.random(n) < 0.18] = first  # the first day of NPPES enumerated millions
    update = enum + ((last - enum) * rng.random(n) ** 0.5).astype(np.int64)
    deact = np.full(n, -1, dtype=np.int64)
    gone = status == DEACTIVATED
    deact[gone] = enum[gone] + ((last - enum[gone]) * rng.random(int(gone.sum()))).astype(np.int64)
    late_start = day_number(date(2024, 2, 1))
    deact[late_deact] = late_start + rng.integers(0, last - late_start, late_deact.size)
    enum[late_deact] = np.minimum(enum[late_deact], day_number(date(2019, 1, 1)))
    react = np.full(n, -1, dtype=np.int64)
    back = np.flatnonzero(status == REACTIVATED)
    deact[back] = enum[back] + ((last - 60 - enum[back]) * rng.random(back.size)).astype(np.int64)
    react[back] = deact[back] + rng.integers(3, 60, back.size)
    update[back] = np.maximum(update[back], react[back])
    return tuple(a.astype(np.int32) for a in (enum, update, deact, react))


def _secondary(
    plan: _Plan, status: NDArray[np.int8], zips: ZipTable, rng: np.random.Generator
) -> Locations:
    listed = np.flatnonzero((status == ACTIVE) | (status == REACTIVATED))
    listed = listed[listed >= len(plan.anchors)]  # anchors get their locations by name
    owners = listed[rng.random(listed.size) < SECONDARY_SHARE]
    counts = (1 + (rng.random(owners.size) < 0.3) + (rng.random(owners.size) < 0.1)).astype(
        np.int64
    )
    owner = np.repeat(owners, counts)
    number = _numbering(counts)
    zip_idx = plan.zip_idx
    order = np.argsort(zips.prefix3, kind="stable")
    prefixes, starts, sizes = np.unique(zips.prefix3[order], return_index=True, return_counts=True)
    group = np.searchsorted(prefixes, zips.prefix3[zip_idx[owner]])
    pick = starts[group] + (rng.random(owner.size) * sizes[group]).astype(np.int64)
    near = order[pick]
    anywhere = rng.integers(0, len(zips), owner.size)
    far = rng.random(owner.size) < 0.15  # some locations are in another town altogether
    located = np.where(far, anywhere, near).astype(np.int64)
    named = [
        (i, j + 1, _in_city(zips, city, rng))
        for i, a in enumerate(plan.anchors)
        for j, city in enumerate(a.also_in)
    ]
    if named:
        extra = np.array(named, dtype=np.int64)
        owner = np.concatenate([owner, extra[:, 0]])
        number = np.concatenate([number, extra[:, 1]])
        located = np.concatenate([located, extra[:, 2]])
    return Locations(owner.astype(np.int64), located, number)


def _numbering(counts: NDArray[np.int64]) -> I64:
    """1..c for each count c, concatenated."""
    ends = np.cumsum(counts)
    starts = np.repeat(ends - counts, counts)
    return (np.arange(int(ends[-1]) if ends.size else 0) - starts + 1).astype(np.int64)


def build_population(region: Region, scale: float, seed: int) -> Population:
    """Draw every provider of a run: kinds, places, NPIs, statuses, dates, extra locations."""
    rng = np.random.default_rng([seed, 1])
    plan = _plan(region, scale, rng)
    n = plan.kind.size
    npi = _npis(plan.kind, rng)
    status, late_deact = _statuses(plan, rng)
    enum, update, deact, react = _dates(status, late_deact, rng)
    force = status == CLAIMS_ONLY
    force[: len(plan.anchors)] = True
    force[late_deact] = True
    secondary = _secondary(plan, status, region.zips, rng)
    # Shuffle so that planted providers sit anywhere in the files, not at the top.
    perm = rng.permutation(n)
    new_index = np.empty(n, dtype=np.int64)
    new_index[perm] = np.arange(n)
    owner = new_index[secondary.owner]
    order = np.lexsort((secondary.number, owner))
    first_hospital = len(plan.anchors)
    hospitals = np.arange(first_hospital, first_hospital + plan.hospital_cah.size)
    return Population(
        region=region,
        seed=seed,
        npi=npi[perm],
        kind=plan.kind[perm],
        zip_idx=plan.zip_idx[perm],
        status=status[perm],
        enum_day=enum[perm],
        update_day=update[perm],
        deact_day=deact[perm],
        react_day=react[perm],
        force_bill=force[perm],
        secondary=Locations(owner[order], secondary.zip_idx[order], secondary.number[order]),
        hospital_index=new_index[hospitals],
        hospital_cah=plan.hospital_cah,
        anchors=tuple((a, int(new_index[i])) for i, a in enumerate(plan.anchors)),
    )
