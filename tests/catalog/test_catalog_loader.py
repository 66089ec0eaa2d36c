"""Loading the catalog: package data, explicit files, lookup, iteration and caching."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalog_testdata import WriteCatalog, valid_entry

from docfinder.catalog.loader import default_catalog_files, load_catalog
from docfinder.catalog.model import Catalog, Entry, Kind, WeightedCode, WeightedDrug


def test_default_load_reads_the_package_data() -> None:
    names = [f.name for f in default_catalog_files()]
    assert "core.yaml" in names
    assert names == sorted(names)
    catalog = load_catalog()
    assert {"metastasectomy", "psoriasis", "mohs-surgery"} <= set(catalog.slugs())
    assert any(path.endswith("core.yaml") for path in catalog.paths)


def test_default_load_is_cached() -> None:
    assert load_catalog() is load_catalog()


def test_lookup_and_iteration(write_catalog: WriteCatalog) -> None:
    path = write_catalog([valid_entry("first-entry"), valid_entry("second-entry")])
    catalog = load_catalog([path])
    assert isinstance(catalog, Catalog)
    assert len(catalog) == 2
    assert [e.slug for e in catalog] == ["first-entry", "second-entry"]
    assert "second-entry" in catalog and "missing" not in catalog
    assert catalog["first-entry"].name == "Name of first-entry"
    assert catalog.get("missing") is None
    with pytest.raises(KeyError):
        catalog["missing"]


def test_entry_fields_are_typed(write_catalog: WriteCatalog) -> None:
    entry = load_catalog([write_catalog([valid_entry()])])["test-procedure"]
    assert isinstance(entry, Entry)
    assert entry.kind == Kind.PROCEDURE
    assert entry.specialties == (WeightedCode("207N00000X", 1.0),)
    assert entry.procedures == (WeightedCode("17311", 1.0),)
    assert entry.icd10 == ("L40.0",)
    assert entry.explanation.questions[0] == "First question?"
    assert entry.explanation.word_count() >= 250
    assert entry.search_terms() == ("Name of test-procedure", "test-procedure synonym")
    assert entry.origin.line == 1


def test_a_directory_loads_its_yaml_files_in_name_order(
    write_catalog: WriteCatalog, tmp_path: Path
) -> None:
    write_catalog([valid_entry("from-b")], name="b.yaml")
    write_catalog([valid_entry("from-a")], name="a.yml")
    (tmp_path / "notes.txt").write_text("not a catalog file")
    assert [e.slug for e in load_catalog([tmp_path])] == ["from-a", "from-b"]


def test_entries_are_frozen(write_catalog: WriteCatalog) -> None:
    entry = load_catalog([write_catalog([valid_entry()])])["test-procedure"]
    with pytest.raises(AttributeError):
        entry.slug = "changed"  # type: ignore[misc]


def test_bad_entries_are_kept_with_their_problems(write_catalog: WriteCatalog) -> None:
    entry = valid_entry(procedures=[{"code": "17311", "weight": "high"}, {"code": "17312"}])
    catalog = load_catalog([write_catalog([entry, "not a mapping"])])
    assert catalog["test-procedure"].procedures == ()
    fields = [p.field for p in catalog.problems]
    assert fields == ["procedures[0].weight", "procedures[1].weight", "<entry>"]


@pytest.mark.parametrize(
    ("drug", "generic_name", "expected"),
    [
        ("risankizumab", "Risankizumab-Rzaa", True),
        ("adalimumab", "Adalimumab-Bwwd", True),
        ("methotrexate", "Methotrexate Sodium", True),
        ("methotrexate", "Methotrexate/Pf", True),
        ("methotrexate", "methotrexate", True),
        ("calcipotriene", "Calcipotriene/Betamethasone", True),
        ("certolizumab", "Certolizumab Pegol", True),
        ("calcitonin", "Calcitonin,Salmon,Synthetic", True),
        ("methotrexate", "Methoxsalen", False),
        ("calcitriol", "Calcipotriene", False),
        ("etanercept", "Etanerceptx", False),
    ],
)
def test_drug_matches_part_d_generic_names(drug: str, generic_name: str, expected: bool) -> None:
    assert WeightedDrug(drug, 1.0).matches(generic_name) is expected
