"""NPI numbers: the Luhn check digit with the 80840 prefix, and unique random NPIs."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

# The NPI check digit is the Luhn digit of "80840" + the first nine digits. The prefix is
# constant, and so is its contribution to the Luhn sum.
_PREFIX_SUM = 24
_BASE_SPAN = 100_000_000  # nine-digit bases starting with one given digit


def check_digit(base9: int) -> int:
    """The Luhn check digit of a nine-digit NPI base (with the 80840 prefix)."""
    return int(check_digits(np.array([base9], dtype=np.int64))[0])


def check_digits(base9: NDArray[np.int64]) -> NDArray[np.int64]:
    """Vectorised Luhn check digits of nine-digit NPI bases."""
    total = np.full(base9.shape, _PREFIX_SUM, dtype=np.int64)
    rest = base9.copy()
    for position in range(9):  # rightmost digit first; it is the one doubled
        digit = rest % 10
        rest //= 10
        if position % 2 == 0:
            doubled = digit * 2
            digit = doubled - 9 * (doubled > 9)
        total += digit
    return (10 - total % 10) % 10


def with_check_digit(base9: NDArray[np.int64]) -> NDArray[np.int64]:
    """Ten-digit NPIs from nine-digit bases."""
    return base9 * 10 + check_digits(base9)


def is_valid_npi(npi: str | int) -> bool:
    """Whether a value is a ten-digit NPI whose last digit is the Luhn check digit."""
    text = str(npi)
    if len(text) != 10 or not text.isdigit() or text[0] not in "12":
        return False
    return check_digit(int(text[:9])) == int(text[9])


def unique_npis(
    rng: np.random.Generator, count: int, first_digits: tuple[int, ...] = (1,)
) -> NDArray[np.int64]:
    """`count` distinct valid NPIs starting with one of `first_digits`, in random order."""
    if count == 0:
        return np.zeros(0, dtype=np.int64)
    span = _BASE_SPAN * len(first_digits)
    if count > span // 2:
        raise ValueError(f"cannot draw {count} distinct NPIs from {span} numbers")
    starts = np.array([d * _BASE_SPAN for d in first_digits], dtype=np.int64)
    chosen = np.zeros(0, dtype=np.int64)
    while chosen.size < count:
        offsets = rng.integers(0, span, size=int((count - chosen.size) * 1.1) + 16)
        bases = starts[offsets // _BASE_SPAN] + offsets % _BASE_SPAN
        chosen = np.unique(np.concatenate([chosen, bases]))
    picked = rng.permutation(chosen)[:count]
    return with_check_digit(picked)
