"""Psoriasis near Fresno, CA, from the third-party openmedicare records turned into official files.

The adapter (openmedicare_adapter.py) is test-only; expectations come from its numbers, which it
takes from the records: phototherapy services a year, the data year, the city's ZIP.
"""

from __future__ import annotations

import csv
from typing import Any

import pytest
from openmedicare_adapter import AdaptedProvider
from ranking_support import CLAIMS_SOURCE, PS_COLUMNS, billed, miles_from, npis

from docfinder.search.candidates import Target
from pg_support import query

pytestmark = pytest.mark.shared_data

SIMILAR_MILES = 5.0


def _found(psoriasis: Any) -> dict[str, Any]:
    city, state = psoriasis.city
    found = dict(psoriasis.search("psoriasis", near=f"{city}, {state}", limit=200, explain=True))
    assert len(found["results"]) == found["query"]["total"]  # every result, not a first page
    return found


def _psoriasis_services(p: AdaptedProvider, target: Target) -> int:
    return p.services(set(target.procedures))


def test_the_adapter_writes_the_official_layout_with_neutral_descriptions(psoriasis: Any) -> None:
    claims = [p for p in psoriasis.adapted.paths if "prov_svc" in p.name]
    assert claims and len(psoriasis.adapted.providers) >= 20
    years = {p.year for p in psoriasis.adapted.providers.values()}
    assert {int(p.stem[-4:]) for p in claims} == years
    for path in claims:
        with open(path, newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == PS_COLUMNS and len(PS_COLUMNS) == 29
            for row in reader:
                assert row["HCPCS_Desc"] == f"HCPCS {row['HCPCS_Cd']} (description not reproduced)"
                assert int(row["Tot_Srvcs"]) >= 11
    loaded = query(
        psoriasis.db,
        "SELECT dataset, data_year, rows_rejected FROM ingest_log WHERE status = 'loaded'",
    )
    assert {(d, y) for d, y, _ in loaded if d == "provider_service"} == {
        ("provider_service", y) for y in years
    }
    assert all(rejected == 0 for _, _, rejected in loaded)


def test_phototherapy_dermatologists_rank_above_those_without_at_a_similar_distance(
    psoriasis: Any, psoriasis_target: Target
) -> None:
    found = _found(psoriasis)
    adapted = psoriasis.adapted.providers
    results = {str(r["npi"]): r for r in found["results"]}
    assert set(results) <= set(adapted)
    busy = [n for n in results if _psoriasis_services(adapted[n], psoriasis_target)]
    idle = [n for n in results if not _psoriasis_services(adapted[n], psoriasis_target)]
    assert len(busy) >= 3 and len(idle) >= 5
    assert all(adapted[n].is_dermatologist for n in results)
    pairs = [
        (b, i)
        for b in busy
        for i in idle
        if abs(results[b]["distance_miles"] - results[i]["distance_miles"]) <= SIMILAR_MILES
    ]
    assert len(pairs) >= 10
    wrong = [(b, i) for b, i in pairs if results[b]["rank"] > results[i]["rank"]]
    assert not wrong, wrong
    for n in idle:
        assert results[n]["breakdown"]["yearly_volume"] == 0
        assert results[n]["evidence"][0]["text"].startswith("No Medicare claims rows for")


def test_everyone_with_psoriasis_codes_within_the_radius_is_found_and_no_one_beyond(
    psoriasis: Any, psoriasis_target: Target
) -> None:
    found = _found(psoriasis)
    where, radius = found["query"]["where"], found["query"]["radius_miles"]
    listed = {str(r["npi"]) for r in found["results"]}
    inside = {
        npi
        for npi, p in psoriasis.adapted.providers.items()
        if miles_from((where["lat"], where["lon"]), p.zip5) <= radius
    }
    busy = {
        n for n in inside if _psoriasis_services(psoriasis.adapted.providers[n], psoriasis_target)
    }
    assert len(busy) >= 3
    assert busy <= listed
    assert listed <= inside


def test_the_top_results_evidence_matches_the_adapters_numbers(
    psoriasis: Any, psoriasis_target: Target
) -> None:
    found = _found(psoriasis)
    top = found["results"][0]
    adapted = psoriasis.adapted.providers[str(top["npi"])]
    wanted = {c: n for c, n in adapted.codes.items() if c in psoriasis_target.procedures}
    assert wanted, "the top result has psoriasis codes"
    first = top["evidence"][0]
    numbers = billed(first)
    assert numbers is not None, first
    assert first["source"] == CLAIMS_SOURCE and first["year"] == adapted.year
    assert numbers["year"] == adapted.year
    assert numbers["codes"] == set(wanted)
    assert numbers["services"] == sum(wanted.values())
    # Without beneficiaries the yearly volume is the services weighted by the catalog weights.
    weighted = sum(psoriasis_target.procedures[c] * n for c, n in wanted.items())
    assert top["breakdown"]["yearly_volume"] == pytest.approx(weighted, abs=0.01)
    assert top["city"].casefold() == adapted.city.casefold() and top["zip"] == adapted.zip5


def test_an_unknown_patient_count_is_not_shown_as_zero(psoriasis: Any) -> None:
    found = _found(psoriasis)
    texts = [e["text"] for r in found["results"] for e in r["evidence"]]
    assert any(t.startswith("Billed Medicare") for t in texts)
    assert not any("for 0 patients" in t or "at least 0 patients" in t for t in texts)


def test_a_search_by_text_place_and_by_near_agree(psoriasis: Any) -> None:
    city, state = psoriasis.city
    in_text = psoriasis.search(f"psoriasis in {city}, {state}", limit=200)
    assert in_text["query"]["where"] == _found(psoriasis)["query"]["where"]
    assert npis(in_text["results"]) == npis(_found(psoriasis)["results"])
