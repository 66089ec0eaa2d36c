"""Counter-based randomness: attributes derived from (seed, key, salt) without storing them.

A provider's name, street, dates and volumes are a pure function of its NPI and the seed, so
every file writer can recompute them for any chunk of providers and all files agree.
"""

from __future__ import annotations

import zlib

import numpy as np
from numpy.typing import NDArray

U64 = NDArray[np.uint64]
F64 = NDArray[np.float64]
I64 = NDArray[np.int64]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)
_TO_UNIT = 1.0 / float(1 << 53)


def _mix(x: U64) -> U64:
    """The splitmix64 finaliser (wrapping uint64 arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * _M1
    x = (x ^ (x >> np.uint64(27))) * _M2
    return x ^ (x >> np.uint64(31))


def salt_of(name: str) -> int:
    """A stable integer for a salt name."""
    return zlib.crc32(name.encode("ascii"))


class Hasher:
    """Deterministic per-key random numbers for one seed."""

    def __init__(self, seed: int) -> None:
        self._seed = np.uint64(seed & 0xFFFFFFFFFFFFFFFF)

    def bits(self, keys: NDArray[np.int64] | U64, salt: str) -> U64:
        """64 random bits per key."""
        with np.errstate(over="ignore"):
            k = keys.astype(np.uint64) * _GOLDEN
            s = np.uint64(salt_of(salt)) * _M2 + self._seed
            return _mix(_mix(k ^ s) + _GOLDEN)

    def unit(self, keys: NDArray[np.int64] | U64, salt: str) -> F64:
        """Uniform floats in [0, 1) per key."""
        return (self.bits(keys, salt) >> np.uint64(11)).astype(np.float64) * _TO_UNIT

    def below(self, keys: NDArray[np.int64] | U64, salt: str, limit: int) -> I64:
        """Uniform integers in [0, limit) per key."""
        return (self.bits(keys, salt) % np.uint64(max(limit, 1))).astype(np.int64)

    def skewed(self, keys: NDArray[np.int64] | U64, salt: str, limit: int, power: float) -> I64:
        """Integers in [0, limit) favouring small values (lists sorted most-common first)."""
        u = self.unit(keys, salt) ** power
        return np.minimum((u * limit).astype(np.int64), limit - 1)

    def lognormal(self, keys: NDArray[np.int64] | U64, salt: str, sigma: float) -> F64:
        """Log-normal factors with median 1."""
        u1 = np.maximum(self.unit(keys, salt + ".a"), 1e-12)
        u2 = self.unit(keys, salt + ".b")
        normal = np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
        return np.exp(sigma * normal)

    def pick(self, keys: NDArray[np.int64] | U64, salt: str, cum_weights: F64) -> I64:
        """Indices drawn from a cumulative weight table (last entry = total)."""
        u = self.unit(keys, salt) * cum_weights[-1]
        idx = np.searchsorted(cum_weights, u, side="right")
        return np.asarray(np.minimum(idx, cum_weights.size - 1), dtype=np.int64)


def combine(a: NDArray[np.int64], b: NDArray[np.int64] | int) -> NDArray[np.int64]:
    """A key for a pair of integers (e.g. NPI and location number)."""
    with np.errstate(over="ignore"):
        return (a.astype(np.int64) * np.int64(1_000_003) + b).astype(np.int64)
