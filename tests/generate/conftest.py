"""Fixtures for the generator tests: one small Ukiah run shared by the whole session."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from docfinder.generate import Manifest, generate, layouts

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
Rows = list[dict[str, str]]


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public slices, or a skip when they are absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data slices not found at {SHARED_DATA} (../shared/data)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def ukiah_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Manifest]:
    """The default region, generated once with seed 7."""
    out = tmp_path_factory.mktemp("ukiah")
    return out, generate(out, region="ukiah", seed=7)


@pytest.fixture(scope="session")
def ukiah_dir(ukiah_run: tuple[Path, Manifest]) -> Path:
    return ukiah_run[0]


@pytest.fixture(scope="session")
def manifest(ukiah_run: tuple[Path, Manifest]) -> Manifest:
    return ukiah_run[1]


def _read(path: Path) -> Rows:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def nppes_rows(ukiah_dir: Path) -> Rows:
    return _read(ukiah_dir / layouts.NPPES_FILE)


@pytest.fixture(scope="session")
def pl_rows(ukiah_dir: Path) -> Rows:
    return _read(ukiah_dir / layouts.PL_FILE)


@pytest.fixture(scope="session")
def mup_rows(ukiah_dir: Path) -> Rows:
    return _read(ukiah_dir / layouts.mup_service_file(2023))


@pytest.fixture(scope="session")
def partd_rows(ukiah_dir: Path) -> Rows:
    return _read(ukiah_dir / layouts.partd_file(2023))


@pytest.fixture(scope="session")
def hospital_rows(ukiah_dir: Path) -> Rows:
    return _read(ukiah_dir / layouts.HOSPITAL_FILE)


@pytest.fixture(scope="session")
def dac_rows(ukiah_dir: Path) -> Rows:
    """DAC rows; its header separates names with ", "."""
    with (ukiah_dir / layouts.DAC_FILE).open(newline="", encoding="utf-8") as handle:
        header = [name.strip() for name in handle.readline().rstrip("\n").split(",")]
        return [dict(zip(header, row, strict=True)) for row in csv.reader(handle)]
