"""Searches running at the same time in one process (as in the web server's worker threads)
answer exactly as they do one after another.

Connections to a store are cursors of one shared instance; each search keeps its candidates in
temp tables, which must stay private to its own connection.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb
import psycopg
import pytest

from docfinder import core
from docfinder.search.engine import Filters
from docfinder.search.features import temp_table
from docfinder.store import open_store

QUERIES = [
    ("metastasectomy in Ukia", {}),
    ("best psoriasis doctors near me", {"lat": 39.15, "lon": -123.21}),
    ("mohs surgery", {"near": "Santa Rosa, CA"}),
    ("knee replacement", {"near": "Oakland, CA", "sort": "experience"}),
    ("psoriasis", {"near": "San Francisco, CA", "filters": Filters(gender="F")}),
    ("dermatologist", {"near": "Ukiah, CA", "limit": 3}),
]


def _ranked(db: Any, text: str, options: dict[str, Any]) -> list[tuple[int, float]]:
    found = core.search(str(db), text, **options)
    return [(r["npi"], r["score"]) for r in found["results"]]


def test_concurrent_searches_answer_as_sequential_ones(generated: Any) -> None:
    expected = [_ranked(generated.db, text, options) for text, options in QUERIES]
    assert all(expected), "every query has results on the generated store"
    jobs = QUERIES * 4
    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(lambda q: _ranked(generated.db, *q), jobs))
    assert answers == expected * 4


def test_temp_tables_of_one_connection_are_invisible_to_another(generated: Any) -> None:
    store = open_store(str(generated.db))
    with store.connect() as first, store.connect() as second:
        temp_table(first, "near", "SELECT 1 AS npi")
        with pytest.raises((duckdb.CatalogException, psycopg.errors.UndefinedTable)):
            second.execute("SELECT * FROM near")
        temp_table(second, "near", "SELECT 2 AS npi")
        assert first.execute("SELECT npi FROM near").fetchall() == [(1,)]
