"""What-matching: catalog names and misspellings, lay phrasing, specialties, codes, ICD-10-CM
conditions, "no match" with suggestions, and the store-backed matcher."""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import duckdb
import pytest
import yaml
from catalog_testdata import NUCC_CSV

from docfinder.catalog.loader import load_catalog
from docfinder.catalog.match_icd import (
    ICD10_SPECIALTY_RANGES,
    clean_term,
    specialty_for_icd10,
    typed_icd10,
)
from docfinder.catalog.match_specialties import curated_specialties, read_specialties
from docfinder.catalog.match_text import words
from docfinder.catalog.matcher import Matcher, WhatMatch
from docfinder.errors import InputError

SPECIALTIES_YAML = Path(__file__).resolve().parents[2] / "src/docfinder/catalog/specialties.yaml"
DERMATOLOGY = "specialty:207N00000X"


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher.default()


def top(matcher: Matcher, text: str) -> WhatMatch:
    found = matcher.match(text)
    assert found, f"no match for {text!r}"
    return found[0]


# --- the catalog ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("psoriasis", "psoriasis"),
        ("Metastasectomy", "metastasectomy"),
        ("Mohs surgery", "mohs-surgery"),
        ("Crohn's disease", "crohns-disease"),
        ("eczema", "atopic-dermatitis"),  # a part of the name "Eczema (Atopic Dermatitis)"
        ("CABG", "cabg"),
        ("IVF", "ivf"),  # an acronym in the name "IVF and egg freezing"
    ],
)
def test_a_name_or_synonym_is_an_exact_hit(matcher: Matcher, text: str, slug: str) -> None:
    match = top(matcher, text)
    assert (match.slug, match.score) == (slug, 1.0)


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("psoraisis", "psoriasis"),  # misspellings the catalog lists
        ("metastectomy", "metastasectomy"),
        # misspellings it does not list: near spellings and sound-alikes of its words
        ("psoriassis", "psoriasis"),
        ("metastasectomey", "metastasectomy"),
        ("colonoscapie", "colonoscopy"),
        ("nueropathy in my feet", "peripheral-neuropathy"),
        ("pace maker", "pacemaker"),  # spaced differently
    ],
)
def test_misspellings_find_the_entry(matcher: Matcher, text: str, slug: str) -> None:
    assert top(matcher, text).slug == slug


@pytest.mark.parametrize(
    "text",
    [
        "lung metastases surgery",
        "removal of lung metastases",
        "lung metastasis surgery",  # singular, not in the catalog as such
        "surgeon for lung metastases",  # the role read as its act
        "best metastasectomy surgeons near me",
    ],
)
def test_lay_phrasing_of_metastasectomy(matcher: Matcher, text: str) -> None:
    assert top(matcher, text).slug == "metastasectomy"


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("best psoriasis doctors near me", "psoriasis"),
        ("doctor for psoriasis", "psoriasis"),
        ("i need a good doctor for my psoriasis", "psoriasis"),
        ("soriasis dermatologist", "psoriasis"),  # a treatment beats the specialty named
        ("dermatologist for acne", "acne"),
        ("mohs surgery for basal cell", "mohs-surgery"),  # the procedure, not its indication
        ("need a surgeon for my gallbladder", "gallbladder-removal"),
    ],
)
def test_filler_and_role_words(matcher: Matcher, text: str, slug: str) -> None:
    assert top(matcher, text).slug == slug


def test_exact_beats_fuzzy_and_fuzzy_scores_below_one(matcher: Matcher) -> None:
    fuzzy = top(matcher, "lung metastasis surgery")
    assert 0.72 <= fuzzy.score < 1.0
    assert fuzzy.via == "lung metastases surgery"
    found = matcher.match("metastasectomy")
    assert found[0].score == 1.0
    assert all(m.score < 1.0 for m in found[1:])


def test_results_are_sorted_and_limited(matcher: Matcher) -> None:
    found = matcher.match("knee", limit=3)
    assert 1 <= len(found) <= 3
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


def test_a_match_is_a_frozen_value(matcher: Matcher) -> None:
    match = top(matcher, "psoriasis")
    assert [f.name for f in dataclasses.fields(match)] == ["slug", "name", "kind", "score", "via"]
    assert match.as_dict() == {
        "slug": "psoriasis",
        "name": "Psoriasis",
        "kind": "condition",
        "score": 1.0,
    }
    with pytest.raises(dataclasses.FrozenInstanceError):
        match.score = 0.5  # type: ignore[misc]


# --- specialties ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("dermatologist", "207N00000X"),
        ("dermatoligist", "207N00000X"),
        ("dermatologst", "207N00000X"),  # not listed: a near spelling
        ("skin doctor", "207N00000X"),
        ("best skin doctors near me", "207N00000X"),
        ("heart doctor", "207RC0000X"),
        ("heart surgeon", "208G00000X"),
        ("brain surgeon", "207T00000X"),  # not "brain surgery"
        ("bone doctor", "207X00000X"),
        ("foot doctor", "213E00000X"),
        ("cancer doctor", "207RX0202X"),
        ("ENT", "207Y00000X"),
        ("ob-gyn", "207V00000X"),
        ("OBGYN", "207V00000X"),
        ("nurse practitioner", "363L00000X"),
        ("cardiolagist", "207RC0000X"),
    ],
)
def test_specialties_and_lay_names(matcher: Matcher, text: str, code: str) -> None:
    assert top(matcher, text).slug == f"specialty:{code}"


@pytest.mark.parametrize(
    ("text", "code"),
    [("kidney doctor", "207RN0300X"), ("eye doctor", "207W00000X"), ("pcp", "207Q00000X")],
)
def test_a_lay_name_shared_with_a_catalog_synonym_reads_both_ways(
    matcher: Matcher, text: str, code: str
) -> None:
    # The catalog entry wins the tie (it is the more specific reading); the specialty follows.
    found = matcher.match(text)
    assert found[0].kind != "specialty" and found[0].score == 1.0
    assert found[1].slug == f"specialty:{code}" and found[1].score == 1.0


def test_only_role_words_match_nothing(matcher: Matcher) -> None:
    assert matcher.match("doctor") == []
    assert matcher.match("best doctors near me") == []


def test_specialties_for_a_match(matcher: Matcher) -> None:
    assert matcher.specialties_for("specialty:207N00000X") == ("207N00000X",)
    assert matcher.specialties_for("psoriasis")[0] == "207N00000X"
    assert matcher.specialties_for("icd10:L43") == ("207N00000X",)
    assert matcher.specialties_for("no-such-slug") == ()


# --- codes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["17311", "CPT 17311", "code: 17311", " 17311 "])
def test_a_typed_procedure_code(matcher: Matcher, text: str) -> None:
    assert matcher.match(text) == [
        WhatMatch("code:17311", "Procedure code 17311", "code", 0.85, "17311")
    ]


@pytest.mark.parametrize("text", ["J9355", "0042T", "99213"])
def test_well_formed_hcpcs_codes(matcher: Matcher, text: str) -> None:
    assert top(matcher, text).slug == f"code:{text}"


@pytest.mark.parametrize("text", ["1731", "173111", "17311 mohs"])
def test_not_a_code(matcher: Matcher, text: str) -> None:
    assert not any(m.kind == "code" for m in matcher.match(text))


@pytest.mark.parametrize("text", ["L40.0", "l40.0", "L400", "ICD-10 L40.0"])
def test_a_typed_icd10_code_finds_the_entry_that_lists_it(matcher: Matcher, text: str) -> None:
    found = matcher.match(text)
    assert (found[0].slug, found[0].score, found[0].kind) == ("psoriasis", 1.0, "condition")
    assert "phototherapy" in [m.slug for m in found]  # a procedure that lists it, after


def test_an_icd10_category_finds_the_entries_within_it(matcher: Matcher) -> None:
    slugs = {m.slug for m in matcher.match("L40")}
    assert {"psoriasis", "psoriatic-arthritis"} <= slugs


def test_an_icd10_code_outside_the_catalog_maps_to_its_specialty(matcher: Matcher) -> None:
    match = top(matcher, "L43")
    assert (match.slug, match.name, match.kind) == ("icd10:L43", "Lichen planus", "condition")
    assert matcher.specialties_for(match.slug) == ("207N00000X",)


@pytest.mark.parametrize("text", ["Q21.0", "Z79.4", "D22.5"])
def test_an_icd10_code_without_a_clear_specialty_is_no_match(matcher: Matcher, text: str) -> None:
    assert typed_icd10(text) == text
    assert specialty_for_icd10(text) is None
    assert matcher.match(text) == []


def test_an_icd10_code_listed_by_a_procedure(matcher: Matcher) -> None:
    assert top(matcher, "Z00.00").slug == "annual-physical"
    assert top(matcher, "S52.5").slug == "wrist-fracture"  # listed codes lie within it


# --- ICD-10-CM condition names ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug", "specialty"),
    [
        ("lichen planus", "icd10:L43", "207N00000X"),
        ("keloid", "icd10:L91.0", "207N00000X"),  # an inclusion term of L91.0
        ("pilonidal cyst", "icd10:L05", "207N00000X"),
    ],
)
def test_a_condition_the_catalog_lacks(
    matcher: Matcher, text: str, slug: str, specialty: str
) -> None:
    match = top(matcher, text)
    assert match.slug == slug
    assert match.score < 1.0  # an ICD-10-CM description is never an exact catalog hit
    assert matcher.specialties_for(match.slug) == (specialty,)


def test_icd10_names_never_outrank_the_catalog(matcher: Matcher) -> None:
    assert top(matcher, "glaucoma").slug == "glaucoma"
    assert top(matcher, "atrial fibrillation").slug == "atrial-fibrillation"


def test_icd10_chapters_without_a_clear_specialty_give_no_condition(matcher: Matcher) -> None:
    # Injuries (S) and factors influencing health (Z) map to no specialty.
    assert specialty_for_icd10("S52.5") is None
    assert specialty_for_icd10("Z00") is None
    found = matcher.match("fracture of lower end of radius")
    assert not any(m.slug.startswith("icd10:S") for m in found)


def test_the_icd10_table_is_ordered_and_names_known_specialties() -> None:
    for first, last, code in ICD10_SPECIALTY_RANGES:
        assert first <= last, (first, last)
        assert len(code) == 10 and code.endswith("X")
    assert specialty_for_icd10("L40.0") == "207N00000X"
    assert specialty_for_icd10("C44.91") == "207N00000X"  # skin cancer before neoplasms
    assert specialty_for_icd10("C34.90") == "207RH0003X"
    assert specialty_for_icd10("I63.9") == "2084N0400X"  # stroke: neurology, not cardiology
    assert specialty_for_icd10("I21.9") == "207RC0000X"


@pytest.mark.parametrize(
    ("term", "cleaned"),
    [
        ("Psoriasis, unspecified", "Psoriasis"),
        ("Pilonidal cyst and sinus without abscess", "Pilonidal cyst and sinus without abscess"),
        ("Other psoriasis", ""),
        ("Lichen planus (LP)", "Lichen planus"),
    ],
)
def test_icd10_descriptions_as_names(term: str, cleaned: str) -> None:
    assert clean_term(term) == cleaned


# --- no match and suggestions -------------------------------------------------------------


def test_no_match_for_nonsense(matcher: Matcher) -> None:
    assert matcher.match("xyzzy") == []
    assert matcher.match("") == []
    assert matcher.match("   ") == []


def test_suggestions_offer_the_nearest(matcher: Matcher) -> None:
    assert matcher.match("psoryatic arthritus pain") == [] or True  # fuzzy either way
    suggestions = matcher.suggest("psoryatic artritus")
    assert "psoriatic-arthritis" in [s.slug for s in suggestions]
    weak = matcher.suggest("dizy spels")
    assert "dizziness" in [s.slug for s in weak]
    assert all(0.0 < s.score < 1.0 for s in weak)


def test_suggest_is_empty_for_nothing_close(matcher: Matcher) -> None:
    assert matcher.suggest("qqqqqqqq") == []


# --- the store-backed matcher ---------------------------------------------------------------


def _store(rows: list[tuple[str, ...]], codes: list[str]) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE taxonomy (code VARCHAR, grouping VARCHAR, classification VARCHAR, "
        "specialization VARCHAR, definition VARCHAR, notes VARCHAR, display_name VARCHAR, "
        "section VARCHAR, file_id INTEGER)"
    )
    if rows:
        con.executemany("INSERT INTO taxonomy VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)", rows)
    con.execute("CREATE TABLE procedure_volumes (npi BIGINT, hcpcs_code VARCHAR)")
    if codes:
        con.executemany("INSERT INTO procedure_volumes VALUES (1, ?)", [(c,) for c in codes])
    return con


NUCC_ROWS = [
    ("204R00000X", "Allopathic", "Electrodiagnostic Medicine", "", "", "",
     "Electrodiagnostic Medicine Physician", "Individual"),
    ("207RG0100X", "Allopathic", "Internal Medicine", "Gastroenterology", "", "",
     "Gastroenterology Physician", "Individual"),
    ("282N00000X", "Hospitals", "General Acute Care Hospital", "", "", "",
     "General Acute Care Hospital", "Non-Individual"),
    ("213EG0000X", "Podiatric", "Podiatrist", "General Practice", "", "",
     "Deactivated - Podiatrist", "Individual"),
]  # fmt: skip


def test_from_store_adds_nucc_names_and_checks_billed_codes() -> None:
    con = _store(NUCC_ROWS, ["17311", "J9355"])
    matcher = Matcher.from_store(con)
    assert top(matcher, "electrodiagnostic medicine").slug == "specialty:204R00000X"
    # The curated name wins for a code both know; NUCC's own names still find it.
    gastro = top(matcher, "gastroenterology physician")
    assert (gastro.slug, gastro.name) == ("specialty:207RG0100X", "Gastroenterologist")
    # Facilities and deactivated codes are not doctors to search for.
    slugs = {m.slug for t in ("general acute care hospital", "deactivated podiatrist")
             for m in matcher.match(t)}  # fmt: skip
    assert not slugs & {"specialty:282N00000X", "specialty:213EG0000X"}
    assert matcher.match("17311") == [
        WhatMatch("code:17311", "Procedure code 17311", "code", 1.0, "17311")
    ]
    assert matcher.match("99213") == []  # well formed, but nobody billed it here


def test_from_store_without_claims_treats_codes_as_unverified() -> None:
    matcher = Matcher.from_store(_store([], []))
    assert matcher.match("17311")[0].score == 0.85


def test_from_store_without_the_tables() -> None:
    matcher = Matcher.from_store(duckdb.connect())
    assert top(matcher, "psoriasis").slug == "psoriasis"


# --- the curated specialties file -----------------------------------------------------------


def test_the_specialties_file_reads() -> None:
    specialties = curated_specialties()
    assert 60 <= len(specialties) <= 120
    codes = [s.code for s in specialties]
    assert len(codes) == len(set(codes)), "a code listed twice"
    raw = yaml.safe_load(SPECIALTIES_YAML.read_text(encoding="utf-8"))
    assert all(set(item) <= {"code", "name", "lay"} for item in raw), "only our own fields"


def test_every_specialty_code_is_in_the_nucc_file() -> None:
    if not NUCC_CSV.exists():
        pytest.skip(f"../shared/data is absent: {NUCC_CSV.name} not found")
    with NUCC_CSV.open(encoding="cp1252", newline="") as handle:
        rows = {row["Code"]: row for row in csv.DictReader(handle)}
    table = {code for _, _, code in ICD10_SPECIALTY_RANGES}
    for code in {s.code for s in curated_specialties()} | table:
        assert code in rows, f"{code} is not a NUCC code"
        assert not rows[code]["Display Name"].startswith("Deactivated"), code
    definitions = {r["Definition"].strip().lower() for r in rows.values() if r["Definition"]}
    text = SPECIALTIES_YAML.read_text(encoding="utf-8").lower()
    assert not [d for d in definitions if len(d) > 40 and d in text], "NUCC text copied"


# Lay names the brief asks for that the catalog also lists as an entry's synonym.
SHARED_LAY_NAMES = {
    "family doctor", "primary care doctor", "pcp", "geriatrician", "geriatric medicine",
    "doctor for elderly", "mohs surgeon", "obstetrician", "nephrologist", "kidney doctor",
    "allergist", "psychotherapist", "therapist", "counseling", "talk therapy", "eye doctor",
    "sports medicine doctor", "addiction specialist",
}  # fmt: skip


def test_lay_names_are_unique_and_leave_the_catalog_its_synonyms() -> None:
    catalog = {" ".join(words(p)) for e in load_catalog() for p in e.search_terms()}
    owner: dict[str, str] = {}
    for spec in curated_specialties():
        for phrase in spec.phrases:
            key = " ".join(words(phrase))
            assert owner.setdefault(key, spec.code) == spec.code, f"{phrase!r} twice"
            if key in catalog:
                assert key in {" ".join(words(p)) for p in SHARED_LAY_NAMES}, phrase


def test_a_bad_specialties_file_names_the_problem() -> None:
    with pytest.raises(InputError, match="code"):
        read_specialties("- {code: 207N, name: Dermatologist}")
    with pytest.raises(InputError, match="name"):
        read_specialties("- {code: 207N00000X}")
    with pytest.raises(InputError, match="only code, name and lay"):
        read_specialties("- {code: 207N00000X, name: D, definition: copied}")
    with pytest.raises(InputError, match="list"):
        read_specialties("code: 207N00000X")
