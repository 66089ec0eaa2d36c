"""Catalog test fixtures: write entries built in code to YAML files in tmp_path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from catalog_testdata import NUCC_CSV, WriteCatalog


@pytest.fixture
def write_catalog(tmp_path: Path) -> WriteCatalog:
    """Write entries (dicts) or raw YAML text to a file in tmp_path and return its path."""

    def write(entries: list[dict[str, Any]] | str, name: str = "test.yaml") -> Path:
        path = tmp_path / name
        text = entries if isinstance(entries, str) else yaml.safe_dump(entries, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def nucc_csv() -> Path:
    """The real NUCC taxonomy file from ../shared/data."""
    if not NUCC_CSV.exists():
        pytest.skip(f"../shared/data is absent: {NUCC_CSV.name} not found next to the project")
    return NUCC_CSV
