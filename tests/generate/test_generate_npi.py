"""NPI check digits and unique NPI draws."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from docfinder.generate.npi import check_digit, is_valid_npi, unique_npis


def test_check_digit_of_the_cms_example() -> None:
    # The NPI standard's worked example: 123456789 -> check digit 3.
    assert check_digit(123456789) == 3
    assert is_valid_npi("1234567893")
    assert not is_valid_npi("1234567890")


def test_rejects_malformed_values() -> None:
    for value in ("", "123456789", "12345678931", "3234567893", "12345678a3"):
        assert not is_valid_npi(value)


def test_real_npis_pass(shared_data: Path) -> None:
    path = shared_data / "nppes" / "npidata_pfile_sample_2025_99_quoted.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        npis = [row["NPI"] for row in csv.DictReader(handle)]
    assert npis and all(is_valid_npi(n) for n in npis)


def test_unique_npis_are_distinct_valid_and_prefixed() -> None:
    rng = np.random.default_rng(1)
    ones = unique_npis(rng, 20_000, (1,))
    mixed = unique_npis(rng, 5_000, (1, 2))
    assert np.unique(ones).size == ones.size
    assert all(str(n).startswith("1") for n in ones[:500])
    assert {str(n)[0] for n in mixed} == {"1", "2"}
    assert all(is_valid_npi(int(n)) for n in np.concatenate([ones[:2000], mixed]))
