"""The core entries carry the codes, weights and words they promise, and the catalog is clean."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalog_testdata import NUCC_CSV

from docfinder.catalog.loader import load_catalog
from docfinder.catalog.model import Entry, WeightedCode, WeightedDrug
from docfinder.catalog.validate import load_nucc_codes, validate_catalog

CORE_SLUGS = (
    "metastasectomy",
    "lung-metastases",
    "liver-metastases",
    "psoriasis",
    "psoriatic-arthritis",
    "mohs-surgery",
    "skin-cancer",
    "basal-cell-carcinoma",
    "squamous-cell-carcinoma",
)


def entry(slug: str) -> Entry:
    return load_catalog()[slug]


def weights(items: tuple[WeightedCode, ...] | tuple[WeightedDrug, ...]) -> dict[str, float]:
    return {
        item.code if isinstance(item, WeightedCode) else item.name: item.weight for item in items
    }


def test_core_entries_come_from_core_yaml() -> None:
    for slug in CORE_SLUGS:
        assert Path(entry(slug).origin.path).name == "core.yaml", slug


def test_metastasectomy_codes() -> None:
    e = entry("metastasectomy")
    procedures = weights(e.procedures)
    wedge = {"32505", "32506", "32666", "32667"}
    anatomic = {"32480", "32484", "32663", "32669"}
    liver = {"47120", "47122", "47125", "47130"}
    assert wedge | anatomic | liver <= set(procedures)
    # Wedge resections are what metastasectomy mostly is; lobectomy is mostly for lung cancer.
    assert min(procedures[c] for c in wedge) > max(procedures[c] for c in anatomic)
    specialties = weights(e.specialties)
    assert specialties["208G00000X"] == specialties["2086X0206X"] == 1.0
    for related in ("208600000X", "208C00000X", "204F00000X"):
        assert 0 < specialties[related] <= 0.5
    assert {"C78.00", "C78.01", "C78.02", "C78.7"} <= set(e.icd10)
    assert {"lung-metastases", "liver-metastases"} <= set(e.related)


def test_psoriasis_codes_and_drugs() -> None:
    e = entry("psoriasis")
    specialties = weights(e.specialties)
    assert specialties["207N00000X"] == 1.0
    assert {"207NI0002X", "207NP0225X", "207NS0135X", "207ND0101X"} <= set(specialties)
    assert specialties["207RR0500X"] < 0.5
    assert {"96900", "96910", "96912", "96913", "96920", "96921", "96922"} <= set(
        weights(e.procedures)
    )
    drugs = weights(e.drugs)
    expected = {
        "deucravacitinib", "apremilast", "calcipotriene", "tazarotene", "tapinarof", "acitretin",
        "brodalumab", "secukinumab", "ixekizumab", "ustekinumab", "guselkumab", "risankizumab",
        "bimekizumab", "adalimumab", "etanercept", "methotrexate",
    }  # fmt: skip
    assert expected <= set(drugs)
    specific = ("tapinarof", "calcipotriene", "deucravacitinib")
    shared = ("adalimumab", "etanercept", "methotrexate")
    assert min(drugs[d] for d in specific) >= 0.9
    assert max(drugs[d] for d in shared) <= 0.4
    assert all(code.startswith("L40.") for code in e.icd10)
    assert {"L40.0", "L40.9"} <= set(e.icd10)
    assert "psoriatic-arthritis" in e.related


def test_mohs_codes() -> None:
    e = entry("mohs-surgery")
    assert set(weights(e.procedures)) == {"17311", "17312", "17313", "17314", "17315"}
    assert {"207N00000X", "207ND0101X"} <= set(weights(e.specialties))
    assert weights(e.specialties)["207ND0101X"] == 1.0


@pytest.mark.parametrize(
    ("slug", "phrases"),
    [
        (
            "metastasectomy",
            ["lung metastases surgery", "removal of lung metastases", "metastectomy"],
        ),
        ("psoriasis", ["psoraisis", "psorasis", "plaque psoriasis"]),
        ("mohs-surgery", ["moh's surgery", "mohs micrographic surgery"]),
    ],
)
def test_synonyms_include_what_people_type(slug: str, phrases: list[str]) -> None:
    assert set(phrases) <= set(entry(slug).synonyms)


@pytest.mark.parametrize("slug", CORE_SLUGS)
def test_core_explanations_are_full(slug: str) -> None:
    explanation = entry(slug).explanation
    assert explanation.word_count() >= 350
    assert all(len(text.split()) >= 50 for _, text in explanation.sections())


def test_core_file_is_clean(nucc_codes: set[str] | None) -> None:
    problems = validate_catalog(load_catalog(), nucc_codes)
    core = [str(p) for p in problems if Path(p.path).name == "core.yaml"]
    assert core == []


def test_whole_catalog_is_clean(nucc_codes: set[str] | None) -> None:
    """Every file in catalog/data, including those other writers add, validates clean."""
    problems = validate_catalog(load_catalog(), nucc_codes)
    assert [str(p) for p in problems] == []


@pytest.fixture(scope="module")
def nucc_codes() -> set[str] | None:
    """The NUCC code set when ../shared/data is present; otherwise codes are checked for format."""
    return load_nucc_codes(NUCC_CSV) if NUCC_CSV.exists() else None


@pytest.mark.shared_data
def test_core_specialties_are_real_nucc_codes(nucc_csv: Path) -> None:
    codes = load_nucc_codes(nucc_csv)
    for slug in CORE_SLUGS:
        assert {c.code for c in entry(slug).specialties} <= codes, slug
