"""Generated Ukiah data (`docfinder generate --region ukiah --seed 7`): the planted cases.

Expectations come from the generated files (read with the csv module) and manifest.json.
"""

from __future__ import annotations

import csv
import functools
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from ranking_support import ClaimsIndex, TinyStore, billed, npis, read_claims, zip_centroid

from docfinder.search.candidates import Target
from docfinder.search.weights import DEFAULT_WEIGHTS
from pg_support import query

SIMILAR_MILES = 5.0
CORE_SURGEONS = ("208G00000X", "2086X0206X")  # thoracic surgery, surgical oncology
NEAR_ME = {"lat": 39.15, "lon": -123.21}


@functools.cache
def _claims(folder: Path) -> ClaimsIndex:
    (path,) = folder.glob("MUP_PHY_*_Prov_Svc.csv")
    year = 2000 + int(path.name.split("_D")[1][:2])
    return read_claims([(year, path)])


@functools.cache
def _primary_taxonomies(folder: Path) -> dict[str, str]:
    (path,) = folder.glob("npidata_pfile_*.csv")
    primary = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            for i in range(1, 16):
                if row.get(f"Healthcare Provider Primary Taxonomy Switch_{i}") == "Y":
                    primary[row["NPI"]] = row[f"Healthcare Provider Taxonomy Code_{i}"]
    return primary


@functools.cache
def _prescribed(folder: Path) -> dict[str, set[str]]:
    (path,) = folder.glob("MUP_DPR_*.csv")
    drugs: dict[str, set[str]] = defaultdict(set)
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            drugs[row["Prscrbr_NPI"]].add(row["Gnrc_Name"].casefold())
    return drugs


def _matches_drug(generic: str, name: str) -> bool:
    """The documented rule: equal, or the catalog name followed by a space, -, / or ,."""
    return generic == name or any(generic.startswith(name + sep) for sep in " -/,")


def _billed_codes(generated: Any, npi: int | str, target: Target) -> set[str]:
    history = _claims(generated.folder).of(npi)
    return {c for rows in history.values() for c in rows.codes if c in target.procedures}


def _target_services(claims: ClaimsIndex, npi: int | str, target: Target) -> float:
    _, rows = claims.newest(npi)
    return sum(services for code, (services, _) in rows.codes.items() if code in target.procedures)


def _has_psoriasis_evidence(generated: Any, npi: int | str, target: Target) -> bool:
    drugs = _prescribed(generated.folder).get(str(npi), set())
    prescribes = any(_matches_drug(g, d) for g in drugs for d in target.drugs)
    return prescribes or bool(_billed_codes(generated, npi, target))


def _complete(found: dict[str, Any]) -> dict[str, Any]:
    """The search, checked to hold every result (so that "not listed" means not found)."""
    assert len(found["results"]) == found["query"]["total"]
    return found


def _anchors(generated: Any) -> list[dict[str, Any]]:
    return list(generated.manifest["planted"]["anchors"])


def test_metastasectomy_page_one_is_surgeons_who_billed_its_codes(
    search: Any, generated: Any, metastasectomy_target: Target
) -> None:
    page = search(generated.db, "metastasectomy in Ukia", limit=10)
    assert page["query"]["what"]["slug"] == "metastasectomy"
    assert page["query"]["where"]["name"] == "Ukiah, CA"
    primary = _primary_taxonomies(generated.folder)
    assert len(page["results"]) == 10
    for r in page["results"]:
        codes = _billed_codes(generated, r["npi"], metastasectomy_target)
        assert codes, f"{r['name']} billed none of the target's codes"
        numbers = billed(r["evidence"][0])
        assert numbers is not None and numbers["codes"] == codes
    core = [r for r in page["results"] if primary.get(str(r["npi"])) in CORE_SURGEONS]
    assert len(core) >= 5
    assert primary.get(str(page["results"][0]["npi"])) in CORE_SURGEONS


def test_the_planted_metastasectomy_surgeons_are_among_the_top_results(
    search: Any, generated: Any, metastasectomy_target: Target
) -> None:
    found = _complete(search(generated.db, "metastasectomy in Ukia", limit=200))
    rank = {r["npi"]: r["rank"] for r in found["results"]}
    planted = [
        a for a in _anchors(generated) if set(a["codes"]) & set(metastasectomy_target.procedures)
    ]
    thoracic = [a for a in planted if "thoracic surgeon" in a["role"]]
    santa_rosa = [a for a in thoracic if a["city"] == "Santa Rosa"]
    assert len(santa_rosa) >= 2 and len(thoracic) > len(santa_rosa)
    assert all(a["npi"] in rank for a in planted), [
        a["role"] for a in planted if a["npi"] not in rank
    ]
    assert all(rank[a["npi"]] <= 10 for a in santa_rosa)
    assert all(rank[a["npi"]] <= 20 for a in thoracic)


def test_surgeons_with_cases_rank_above_those_without_at_a_similar_distance(
    search: Any, generated: Any, metastasectomy_target: Target
) -> None:
    found = _complete(search(generated.db, "metastasectomy in Ukia", limit=200))
    results = found["results"]
    busy = [r for r in results if _billed_codes(generated, r["npi"], metastasectomy_target)]
    idle = [r for r in results if not _billed_codes(generated, r["npi"], metastasectomy_target)]
    history = _claims(generated.folder)
    pairs = [
        (b, i)
        for b in busy
        if _target_services(history, b["npi"], metastasectomy_target)
        >= DEFAULT_WEIGHTS.procedure_saturation  # the weights' "a lot" a year
        for i in idle
        if abs(b["distance_miles"] - i["distance_miles"]) <= SIMILAR_MILES
    ]
    assert len(pairs) >= 5
    assert all(b["rank"] < i["rank"] for b, i in pairs)


def test_fifty_miles_with_forty_cases_ranks_above_five_miles_with_none(
    tiny: TinyStore, metastasectomy_target: Target
) -> None:
    far = tiny.add_provider(miles=50, taxonomy="208G00000X", claims={2023: {"32505": (40, 40)}})
    near = tiny.add_provider(miles=5, taxonomy="208G00000X")
    tiny.build()
    found = tiny.search(metastasectomy_target).results
    order = npis(found)
    assert order.index(far) < order.index(near)
    miles = {n: s.breakdown["distance_miles"] for n, s in zip(order, found, strict=True)}
    assert 45 <= miles[far] <= 55 and miles[near] <= 8


def test_psoriasis_near_me_puts_dermatologists_with_psoriasis_evidence_first(
    search: Any, generated: Any, psoriasis_target: Target
) -> None:
    found = _complete(search(generated.db, "psoriasis near me", limit=200, **NEAR_ME))
    assert found["query"]["where"]["name"] == "near me"
    assert (found["query"]["where"]["lat"], found["query"]["where"]["lon"]) == (39.15, -123.21)
    primary = _primary_taxonomies(generated.folder)

    def treats(r: dict[str, Any]) -> bool:
        is_dermatologist = primary.get(str(r["npi"]), "").startswith("207N")
        return is_dermatologist and _has_psoriasis_evidence(generated, r["npi"], psoriasis_target)

    results = found["results"]
    assert treats(results[0])
    local = [
        a["npi"]
        for a in _anchors(generated)
        if a["city"] == "Ukiah" and a["role"].startswith("dermatologist")
        and {"96910", "96920"} & set(a["codes"])
    ]  # fmt: skip
    assert len(local) >= 2 and set(npis(results[: len(local)])) == {str(n) for n in local}
    pairs = [
        (d, o)
        for d in results
        if treats(d)
        for o in results
        if not treats(o) and abs(d["distance_miles"] - o["distance_miles"]) <= SIMILAR_MILES
    ]
    assert len(pairs) >= 5
    wrong = [(d["name"], o["name"]) for d, o in pairs if d["rank"] > o["rank"]]
    assert not wrong, wrong


def test_deactivated_npis_never_appear(search: Any, generated: Any) -> None:
    dead = [str(n) for n in generated.manifest["planted"]["deactivated_with_claims_npis"]]
    claims = _claims(generated.folder)
    assert dead
    marks = ", ".join("?" for _ in dead)
    loaded = query(
        generated.db,
        f"""SELECT p.npi, p.status, count(v.npi) FROM providers p
            JOIN procedure_volumes v USING (npi) WHERE CAST(p.npi AS VARCHAR) IN ({marks})
            GROUP BY p.npi, p.status""",
        dead,
    )
    # Their claims are in the store: only the search can keep them out.
    assert {(str(n), status) for n, status, rows in loaded if rows} == {
        (n, "deactivated") for n in dead
    }
    for npi in dead:
        _, rows = claims.newest(npi)  # they did bill Medicare
        code = max(rows.codes, key=lambda c: rows.codes[c][0])
        found = _complete(search(generated.db, f"CPT {code}", near=rows.zip5, radius_miles=10,
                                 limit=200))  # fmt: skip
        assert found["results"], f"others bill {code} near {rows.zip5}"
        assert npi not in npis(found["results"])
    for text in ("metastasectomy", "psoriasis", "mohs surgery"):
        found = _complete(search(generated.db, text, near="Ukiah, CA", limit=200))
        assert not set(dead) & set(npis(found["results"]))


def test_providers_known_only_from_claims_are_found(search: Any, generated: Any) -> None:
    only = [str(n) for n in generated.manifest["planted"]["claims_only_npis"]]
    claims = _claims(generated.folder)
    for npi in only:
        _, rows = claims.newest(npi)
        code = max(rows.codes, key=lambda c: rows.codes[c][0])
        found = _complete(search(generated.db, f"CPT {code}", near=rows.zip5, radius_miles=10,
                                 limit=200))  # fmt: skip
        listed = {r["npi"]: r for r in found["results"]}
        assert int(npi) in listed
        assert listed[int(npi)]["zip"] == rows.zip5


def test_the_search_point_of_a_zip_is_its_centroid(search: Any, generated: Any) -> None:
    found = search(generated.db, "mohs surgery", near="95482", limit=1)
    where = found["query"]["where"]
    assert (where["lat"], where["lon"]) == pytest.approx(zip_centroid("95482"), abs=1e-4)
