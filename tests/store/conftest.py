"""Store-level tests run on both backends: `db` is a DuckDB path or a PostgreSQL URL."""

from __future__ import annotations

import pytest


@pytest.fixture
def db(any_db: str) -> str:
    return any_db
