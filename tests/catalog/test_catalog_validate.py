"""Each kind of bad entry yields a problem that names its file, entry slug and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from catalog_testdata import WriteCatalog, prose, valid_entry

from docfinder.catalog.loader import load_catalog
from docfinder.catalog.model import CatalogProblem
from docfinder.catalog.validate import load_nucc_codes, validate_catalog
from docfinder.errors import InputError


def problems_for(path: Path, nucc_codes: set[str] | None = None) -> list[CatalogProblem]:
    return validate_catalog(load_catalog([path]), nucc_codes)


def only_problem(path: Path, nucc_codes: set[str] | None = None) -> CatalogProblem:
    problems = problems_for(path, nucc_codes)
    assert len(problems) == 1, "\n".join(map(str, problems))
    assert problems[0].path == str(path)
    return problems[0]


def test_valid_entry_is_clean(write_catalog: WriteCatalog) -> None:
    assert problems_for(write_catalog([valid_entry()])) == []


@pytest.mark.parametrize("field", ["name", "kind", "body_system", "summary"])
def test_missing_required_text(write_catalog: WriteCatalog, field: str) -> None:
    entry = valid_entry()
    del entry[field]
    problem = only_problem(write_catalog([entry]))
    assert (problem.slug, problem.field) == ("test-procedure", field)
    assert "required" in problem.message


@pytest.mark.parametrize("field", ["synonyms", "specialties", "procedures"])
def test_empty_required_list(write_catalog: WriteCatalog, field: str) -> None:
    problem = only_problem(write_catalog([valid_entry(**{field: []})]))
    assert (problem.slug, problem.field) == ("test-procedure", field)


def test_condition_needs_icd10_but_procedure_does_not(write_catalog: WriteCatalog) -> None:
    assert problems_for(write_catalog([valid_entry(icd10=[])])) == []
    condition = valid_entry(kind="condition", procedures=[], icd10=[])
    assert only_problem(write_catalog([condition])).field == "icd10"


def test_missing_explanation_section(write_catalog: WriteCatalog) -> None:
    entry = valid_entry()
    entry["explanation"]["who_provides"] = ""
    entry["explanation"]["what_it_is"] = prose(90)  # keep the total above the minimum
    problem = only_problem(write_catalog([entry]))
    assert problem.field == "explanation.who_provides"


@pytest.mark.parametrize("slug", ["Bad_Slug", "two  words", "trailing-", "ünïcode", "a--b"])
def test_bad_slug(write_catalog: WriteCatalog, slug: str) -> None:
    problem = only_problem(write_catalog([valid_entry(slug=slug, synonyms=["x"])]))
    assert (problem.slug, problem.field) == (slug, "slug")


def test_duplicate_slug_across_files(write_catalog: WriteCatalog) -> None:
    first = write_catalog([valid_entry(synonyms=["one"])], name="a.yaml")
    second = write_catalog([valid_entry(name="Another name", synonyms=["two"])], name="b.yaml")
    problems = validate_catalog(load_catalog([first, second]))
    assert [(p.path, p.slug, p.field) for p in problems] == [
        (str(second), "test-procedure", "slug")
    ]
    assert str(first) in problems[0].message


def test_duplicate_synonym_across_entries(write_catalog: WriteCatalog) -> None:
    entries = [
        valid_entry("first-entry", synonyms=["Crohn's disease"]),
        valid_entry("second-entry", synonyms=["other", "crohns  disease"]),
    ]
    problem = only_problem(write_catalog(entries))
    assert (problem.slug, problem.field) == ("second-entry", "synonyms[1]")
    assert "first-entry" in problem.message


def test_synonym_equal_to_another_entrys_name(write_catalog: WriteCatalog) -> None:
    entries = [
        valid_entry("first-entry"),
        valid_entry("second-entry", synonyms=["name of first-entry"]),
    ]
    problem = only_problem(write_catalog(entries))
    assert (problem.slug, problem.field) == ("second-entry", "synonyms[0]")


def test_synonym_repeated_within_entry(write_catalog: WriteCatalog) -> None:
    problem = only_problem(write_catalog([valid_entry(synonyms=["mohs", "Mohs"])]))
    assert problem.field == "synonyms[1]"


@pytest.mark.parametrize(("field", "value"), [("kind", "operation"), ("body_system", "skin care")])
def test_unknown_kind_and_body_system(write_catalog: WriteCatalog, field: str, value: str) -> None:
    problem = only_problem(write_catalog([valid_entry(**{field: value})]))
    assert problem.field == field
    assert repr(value) in problem.message


@pytest.mark.parametrize("weight", [0, 0.0, -0.5, 1.01, 3])
def test_weight_outside_range(write_catalog: WriteCatalog, weight: float) -> None:
    entry = valid_entry(specialties=[{"code": "207N00000X", "weight": weight}])
    problem = only_problem(write_catalog([entry]))
    assert problem.field == "specialties[0].weight"


def test_weight_that_is_not_a_number(write_catalog: WriteCatalog) -> None:
    entry = valid_entry(procedures=[{"code": "17311", "weight": "high"}])
    assert only_problem(write_catalog([entry])).field == "procedures[0].weight"


@pytest.mark.parametrize("code", ["207N0000X", "207n00000X", "207N00000Y", "dermatology"])
def test_malformed_nucc_code_without_code_set(write_catalog: WriteCatalog, code: str) -> None:
    entry = valid_entry(specialties=[{"code": code, "weight": 1.0}])
    problem = only_problem(write_catalog([entry]))
    assert problem.field == "specialties[0].code"


def test_unknown_nucc_code_with_code_set(write_catalog: WriteCatalog) -> None:
    path = write_catalog([valid_entry(specialties=[{"code": "207Z00000X", "weight": 1.0}])])
    assert problems_for(path) == []  # well formed: only the code set can tell
    problem = only_problem(path, nucc_codes={"207N00000X"})
    assert problem.field == "specialties[0].code"
    assert "not in the NUCC" in problem.message


@pytest.mark.parametrize("code", ["17311", "0001U", "3025F", "0042T", "J3357", "G0101"])
def test_well_formed_procedure_codes(write_catalog: WriteCatalog, code: str) -> None:
    assert (
        problems_for(write_catalog([valid_entry(procedures=[{"code": code, "weight": 1}])])) == []
    )


@pytest.mark.parametrize("code", ["1731", "173111", "1731X", "W1234", "j3357", "17311 Mohs"])
def test_malformed_procedure_codes(write_catalog: WriteCatalog, code: str) -> None:
    entry = valid_entry(procedures=[{"code": code, "weight": 1.0}])
    problem = only_problem(write_catalog([entry]))
    assert (problem.slug, problem.field) == ("test-procedure", "procedures[0].code")


def test_unquoted_procedure_code(write_catalog: WriteCatalog) -> None:
    path = write_catalog(_yaml_with("procedures:\n  - {code: 17311, weight: 1.0}\n"))
    problem = only_problem(path)
    assert problem.field == "procedures[0].code"
    assert "quotes" in problem.message


def test_procedures_carry_only_codes_and_weights(write_catalog: WriteCatalog) -> None:
    item = {"code": "17311", "weight": 1.0, "description": "Mohs first stage, head and neck"}
    problem = only_problem(write_catalog([valid_entry(procedures=[item])]))
    assert (problem.slug, problem.field) == ("test-procedure", "procedures[0]")
    assert "description" in problem.message


def test_procedure_given_as_bare_string(write_catalog: WriteCatalog) -> None:
    problem = only_problem(write_catalog([valid_entry(procedures=["17311"])]))
    assert problem.field == "procedures[0]"


@pytest.mark.parametrize("code", ["C78.99", "C7800", "c78.00", "C76-C80", "2", "L40.0X"])
def test_invalid_icd10(write_catalog: WriteCatalog, code: str) -> None:
    problem = only_problem(write_catalog([valid_entry(icd10=["L40.0", code])]))
    assert (problem.slug, problem.field) == ("test-procedure", "icd10[1]")


@pytest.mark.parametrize("code", ["L40", "L40.50", "C78.01", "C44.1121", "D04"])
def test_valid_icd10(write_catalog: WriteCatalog, code: str) -> None:
    assert problems_for(write_catalog([valid_entry(icd10=[code])])) == []


def test_dangling_related(write_catalog: WriteCatalog) -> None:
    entries = [valid_entry(related=["other-entry", "nowhere"]), valid_entry("other-entry")]
    problem = only_problem(write_catalog(entries))
    assert (problem.slug, problem.field) == ("test-procedure", "related[1]")
    assert "nowhere" in problem.message


def test_related_across_files(write_catalog: WriteCatalog) -> None:
    first = write_catalog([valid_entry(related=["other-entry"])], name="a.yaml")
    second = write_catalog([valid_entry("other-entry")], name="b.yaml")
    assert validate_catalog(load_catalog([first, second])) == []


def test_self_related(write_catalog: WriteCatalog) -> None:
    problem = only_problem(write_catalog([valid_entry(related=["test-procedure"])]))
    assert problem.field == "related[0]"


def short_explanation(words_per_section: int) -> dict[str, Any]:
    sections = ("what_it_is", "when_needed", "how_it_works", "risks_and_recovery", "who_provides")
    explanation: dict[str, Any] = {name: prose(words_per_section) for name in sections}
    explanation["questions"] = ["One?", "Two?", "Three?"]
    return explanation


@pytest.mark.parametrize("kind", ["procedure", "condition"])
def test_short_explanation_for_procedures_and_conditions(
    write_catalog: WriteCatalog, kind: str
) -> None:
    entry = valid_entry(kind=kind, explanation=short_explanation(40))  # 203 words
    problem = only_problem(write_catalog([entry]))
    assert (problem.slug, problem.field) == ("test-procedure", "explanation")
    assert "203 words" in problem.message


def test_symptom_needs_fewer_words(write_catalog: WriteCatalog) -> None:
    symptom = valid_entry(kind="symptom", procedures=[], explanation=short_explanation(25))
    assert problems_for(write_catalog([symptom])) == []  # 128 words
    symptom["explanation"] = short_explanation(20)  # 103 words
    assert only_problem(write_catalog([symptom])).field == "explanation"


@pytest.mark.parametrize("count", [2, 7])
def test_question_count(write_catalog: WriteCatalog, count: int) -> None:
    entry = valid_entry()
    entry["explanation"]["questions"] = [f"Question {i}?" for i in range(count)]
    assert only_problem(write_catalog([entry])).field == "explanation.questions"


def test_drugs_on_a_procedure(write_catalog: WriteCatalog) -> None:
    entry = valid_entry(drugs=[{"name": "apremilast", "weight": 0.9}])
    problem = only_problem(write_catalog([entry]))
    assert (problem.slug, problem.field) == ("test-procedure", "drugs")


def test_drugs_on_a_condition(write_catalog: WriteCatalog) -> None:
    entry = valid_entry(kind="condition", drugs=[{"name": "apremilast", "weight": 0.9}])
    assert problems_for(write_catalog([entry])) == []


def test_drug_name_not_lower_case(write_catalog: WriteCatalog) -> None:
    entry = valid_entry(kind="condition", drugs=[{"name": "Apremilast", "weight": 0.9}])
    assert only_problem(write_catalog([entry])).field == "drugs[0].name"


@pytest.mark.parametrize(
    "text",
    [
        "Billed as 32505: Thoracotomy with therapeutic wedge resection.",
        "Each additional stage (List separately in addition to code for primary procedure).",
    ],
)
def test_descriptor_like_prose(write_catalog: WriteCatalog, text: str) -> None:
    entry = valid_entry()
    entry["explanation"]["how_it_works"] += " " + text
    problem = only_problem(write_catalog([entry]))
    assert problem.field == "explanation.how_it_works"
    assert "descriptor" in problem.message


def test_unknown_field(write_catalog: WriteCatalog) -> None:
    problem = only_problem(write_catalog([valid_entry(synonym=["typo"])]))
    assert (problem.slug, problem.field) == ("test-procedure", "synonym")


def test_field_of_wrong_type(write_catalog: WriteCatalog) -> None:
    problem = only_problem(write_catalog([valid_entry(synonyms="just one")]))
    assert problem.field == "synonyms"
    assert "list" in problem.message


def test_invalid_yaml_names_the_line(write_catalog: WriteCatalog) -> None:
    path = write_catalog("- slug: a\n  name: [unclosed\n  kind: procedure\n")
    problem = only_problem(path)
    assert problem.field == "<file>"
    assert problem.line is not None


def test_file_that_is_not_a_list(write_catalog: WriteCatalog) -> None:
    assert only_problem(write_catalog("slug: a\nname: b\n")).field == "<file>"


def test_problems_carry_the_line_of_the_field(write_catalog: WriteCatalog) -> None:
    path = write_catalog([valid_entry(), valid_entry("second", kind="operation")])
    problem = only_problem(path)
    line = path.read_text().splitlines()[(problem.line or 0) - 1]
    assert line.strip().startswith("kind: operation")
    assert str(problem).startswith(f"{path}:{problem.line}: second: kind: ")


def test_problems_in_list_items_carry_the_line_of_the_item(write_catalog: WriteCatalog) -> None:
    codes = [{"code": "17311", "weight": 1.0}, {"code": "17312", "weight": 0.0}]
    path = write_catalog([valid_entry(procedures=codes)])
    problem = only_problem(path)
    assert problem.field == "procedures[1].weight"
    line = path.read_text().splitlines()[(problem.line or 0) - 1]
    assert line.strip() == "weight: 0.0"


def test_load_nucc_codes_reads_cp1252(tmp_path: Path) -> None:
    path = tmp_path / "nucc.csv"
    text = 'Code,Grouping,Classification\n207N00000X,Physicians,"Derm – skin"\n\n'
    path.write_bytes(text.encode("cp1252"))
    assert load_nucc_codes(path) == {"207N00000X"}


def test_load_nucc_codes_without_code_column(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("Taxonomy,Name\n207N00000X,Dermatology\n", encoding="cp1252")
    with pytest.raises(InputError, match="'Code'"):
        load_nucc_codes(path)


@pytest.mark.shared_data
def test_load_nucc_codes_from_the_real_file(nucc_csv: Path) -> None:
    codes = load_nucc_codes(nucc_csv)
    assert len(codes) == 883
    assert {"207N00000X", "207ND0101X", "208G00000X", "2086X0206X"} <= codes


def _yaml_with(extra_lines: str) -> str:
    """A valid entry as YAML text, its procedures written by hand (indented under the entry)."""
    entry = valid_entry()
    entry.pop("procedures")
    text = yaml.safe_dump([entry], sort_keys=False)
    return text + "".join(f"  {line}\n" for line in extra_lines.splitlines())
