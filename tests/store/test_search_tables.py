"""The tables searches read (store/merge.py SEARCH_TABLES), checked against the tables they
are derived from, on the real shared slices.

search_locations must hold every current, located practice address of an active provider and
nothing else; code_locations must hold, for each taxonomy, procedure code and Part D drug, the
places of exactly the providers linked to it. The expectations are recomputed here in Python
from the base tables' rows.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import duckdb
import pytest

pytestmark = pytest.mark.shared_data


def query(db: Any, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def _active_places(db: Any) -> set[tuple[int, float, float]]:
    rows = query(
        db,
        """SELECT l.npi, l.lat, l.lon, l.kind, l.is_current, p.status FROM locations l
           JOIN providers p USING (npi) WHERE l.lat IS NOT NULL AND l.lon IS NOT NULL""",
    )
    return {
        (int(npi), float(lat), float(lon))
        for npi, lat, lon, kind, current, status in rows
        if kind != "mailing" and current and status == "active"
    }


def test_search_locations_are_the_current_places_of_active_providers(
    shared_store: Any,
) -> None:
    db = shared_store.db
    expected = _active_places(db)
    found = query(db, "SELECT npi, lat, lon FROM search_locations")
    assert expected, "the shared slices have located providers"
    assert {(int(n), float(a), float(o)) for n, a, o in found} == expected
    inactive = query(
        db,
        """SELECT count(*) FROM search_locations s JOIN providers p USING (npi)
           WHERE p.status <> 'active'""",
    )[0][0]
    assert inactive == 0


def test_code_locations_link_exactly_the_providers_with_each_code(
    shared_store: Any,
) -> None:
    db = shared_store.db
    places: dict[int, set[tuple[float, float]]] = defaultdict(set)
    for npi, lat, lon in _active_places(db):
        places[npi].add((lat, lon))
    links = {
        "t": query(db, "SELECT DISTINCT taxonomy_code, npi FROM provider_taxonomies"),
        "p": query(db, "SELECT DISTINCT hcpcs_code, npi FROM procedure_volumes"),
        "d": query(db, "SELECT DISTINCT generic_name, npi FROM drug_volumes"),
    }
    expected = {
        (kind, str(code), int(npi), lat, lon)
        for kind, pairs in links.items()
        for code, npi in pairs
        for lat, lon in places.get(int(npi), ())
    }
    found = query(db, "SELECT kind, code, npi, lat, lon FROM code_locations")
    assert {(k, c, int(n), float(a), float(o)) for k, c, n, a, o in found} == expected
    assert len(found) == len(expected), "one row per code, provider and place"
    # The Mohs claims in the slices are there, linked to the places of their billers.
    assert any(kind == "p" and code == "17311" for kind, code, *_ in expected)


def test_provider_facts_beside_each_place_come_from_the_provider(
    shared_store: Any,
) -> None:
    db = shared_store.db
    facts = query(
        db,
        """SELECT s.npi, s.gender, s.last_update_date, p.sex, p.last_update_date,
                  (SELECT any_value(c.gender) FROM clinicians c WHERE c.npi = s.npi
                     AND c.gender <> '')
           FROM search_locations s JOIN providers p USING (npi)""",
    )
    assert facts
    for npi, gender, updated, sex, record_updated, clinician_gender in facts:
        assert updated == record_updated, npi
        assert gender == (sex or clinician_gender), npi
    # Every place of one provider carries the same facts.
    varying = query(
        db,
        """SELECT npi FROM search_locations GROUP BY npi
           HAVING count(DISTINCT (gender, confirmed, best_rating, billed_type, primary_taxonomy))
                  > 1""",
    )
    assert varying == []
    # A confirmed address: one ZIP from two kinds of source (NPPES files count as one).
    families = {"nppes": "nppes", "nppes_pl": "nppes", "dac": "dac", "provider_service": "claims"}
    zips: dict[tuple[int, str], set[str]] = defaultdict(set)
    for npi, zip5, dataset in query(
        db,
        """SELECT l.npi, l.zip5, g.dataset FROM locations l
           LEFT JOIN ingest_log g ON g.file_id = l.file_id
           WHERE l.kind <> 'mailing' AND l.is_current AND l.lat IS NOT NULL""",
    ):
        zips[(int(npi), zip5)].add(families.get(dataset, str(dataset)))
    confirmed = {npi for (npi, _), kinds in zips.items() if len(kinds) > 1}
    stored = {
        int(n) for (n,) in query(db, "SELECT DISTINCT npi FROM search_locations WHERE confirmed")
    }
    located = {int(n) for (n,) in query(db, "SELECT DISTINCT npi FROM search_locations")}
    assert stored == confirmed & located
