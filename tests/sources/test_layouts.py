"""Layouts are recognised by their header: official files, renamed columns, wrong files."""

from __future__ import annotations

from pathlib import Path

import pytest

from docfinder.errors import InputError, UnknownLayoutError
from docfinder.sources.files import InputFile, normalize_column, sniff
from docfinder.sources.layouts import LAYOUTS, LAYOUTS_BY_DATASET, detect_layout
from docfinder.sources.reader import plan_projection
from official_files import OFFICIAL_FILES

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"
OFFICIAL = OFFICIAL_FILES
UNKNOWN = (
    "hcpcs/hcpcs_level2_2018.csv",
    "medicare_derived/openmedicare_providers_top_procedures_2014-2023.jsonl.gz",
    "medicare_derived/openmedicare_top_providers_by_hcpcs_2023.jsonl.gz",
    "partd_derived/openprescriber_providers_2023.jsonl.gz",
    "partd_derived/openprescriber_top_prescribers_by_drug_2023.json",
)


def detect(path: Path):
    source = InputFile(path)
    return detect_layout(sniff(source), source.display)


@pytest.mark.shared_data
@pytest.mark.parametrize("relative", sorted(OFFICIAL))
def test_official_files_are_recognised_by_their_header(relative):
    path = SHARED / relative
    layout = detect(path)
    assert layout.dataset == OFFICIAL[relative]
    # Every column the layout requires is found, and none twice.
    projection = plan_projection(sniff(InputFile(path)), layout, str(path))
    assert set(layout.required) <= set(projection.positions)


@pytest.mark.shared_data
@pytest.mark.parametrize("relative", UNKNOWN)
def test_other_files_are_unknown_layouts_naming_expected_columns(relative):
    with pytest.raises(UnknownLayoutError) as caught:
        detect(SHARED / relative)
    message = str(caught.value)
    assert str(SHARED / relative) in message
    assert "expected one of" in message
    assert caught.value.line == 1
    assert any(
        layout.signature and all(c in message for c in layout.expected_columns())
        for layout in LAYOUTS
    )


@pytest.mark.shared_data
def test_sniff_reads_the_encoding_and_delimiter_of_real_files():
    semicolon = sniff(InputFile(SHARED / "geo/us_zip_latlon_semicolon.csv"))
    assert (semicolon.delimiter, semicolon.header[:2]) == (";", ("Zip", "City"))
    tab = sniff(InputFile(SHARED / "provider_service/medicare_puf_cy2012_first17k_legacy.tsv"))
    assert (tab.delimiter, tab.header[0]) == ("\t", "npi")
    dac = sniff(InputFile(SHARED / "dac/DAC_NationalDownloadableFile_sample_2021_386.csv"))
    # ", " separators: the names are trimmed, so the layout finds them.
    assert dac.delimiter == ","
    assert "Ind_PAC_ID" in dac.header
    pandas = sniff(InputFile(SHARED / "nppes/npidata_orgs_2025_1765_pandas_export.csv"))
    assert pandas.pandas_index


def test_column_names_match_whatever_their_case_spacing_and_punctuation(kit):
    header = [" rndrng npi", "HCPCS-CD", "tot srvcs", "Tot_Benes "]
    path = kit.write("renamed_2021.csv", header, [["1104963008", "17311", "3", "2"]])
    layout = detect(path)
    assert layout.dataset == "provider_service"
    projection = plan_projection(sniff(InputFile(path)), layout, str(path))
    assert projection.positions == {
        "npi": 0,
        "hcpcs_code": 1,
        "services": 2,
        "beneficiaries": 3,
    }
    assert normalize_column("Provider Secondary Practice Location Address-  Address Line 2") == (
        normalize_column("provider secondary practice location address - address line 2")
    )


def test_legacy_and_current_names_map_to_the_same_columns():
    layout = LAYOUTS_BY_DATASET["provider_service"]
    for current, legacy in (("Rndrng_NPI", "npi"), ("Tot_Srvcs", "line_srvc_cnt")):
        assert layout.canonical_for(current) == layout.canonical_for(legacy) is not None


@pytest.mark.parametrize("duplicate", ["HCPCS_Cd", "hcpcs_code", "Tot_Srvcs"])
def test_a_duplicated_column_is_an_error_naming_it(kit, ps_header, duplicate):
    path = kit.write("dup_2021.csv", [*ps_header, duplicate], [])
    with pytest.raises(InputError) as caught:
        plan_projection(sniff(InputFile(path)), detect(path), str(path))
    assert caught.value.field == duplicate
    assert repr(duplicate) in str(caught.value)
    assert "twice" in str(caught.value)


def test_a_wrong_file_lists_the_columns_of_the_closest_layouts(kit):
    path = kit.write("people.csv", ["Facility ID", "Facility Name", "Address"], [])
    with pytest.raises(UnknownLayoutError) as caught:
        detect(path)
    message = str(caught.value)
    assert "found columns [Facility ID, Facility Name, Address]" in message
    # The hospital layout is the closest: its signature columns are listed, the hint names it.
    hospitals = LAYOUTS_BY_DATASET["hospitals"]
    assert all(column in message for column in hospitals.expected_columns())
    assert caught.value.hint == f"closest known layout: {hospitals.name}"


@pytest.mark.parametrize("index_name", ["", "Unnamed: 0"])
def test_a_pandas_index_column_is_recognised_and_skipped(kit, ps_header, index_name):
    path = kit.write("pd_2021.csv", [index_name, *ps_header], [])
    sniffed = sniff(InputFile(path))
    assert sniffed.pandas_index
    projection = plan_projection(sniffed, detect(path), str(path))
    assert projection.pandas_index
    assert projection.positions["npi"] == 1
    assert 0 not in projection.positions.values()


@pytest.fixture
def ps_header(kit):
    return list(kit.ps_row("1104963008"))
