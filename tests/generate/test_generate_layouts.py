"""Generated headers are exactly the official ones (as in the real slices)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from docfinder.generate import layouts


def _first_line(path: Path) -> str:
    with path.open(encoding="utf-8", errors="replace") as handle:
        return handle.readline().rstrip("\r\n")


def _header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        return next(csv.reader(handle))


REAL_SLICES = [
    (layouts.NPPES_FILE, "nppes/npidata_pfile_sample_2025_99_quoted.csv"),
    (layouts.PL_FILE, "nppes/pl_pfile_20251103-20251109.csv"),
    (layouts.mup_service_file(2023), "provider_service/mup_phy_prov_svc_2021_mohs_17311-17315.csv"),
    (layouts.HOSPITAL_FILE, "hospitals/Hospital_General_Information_2025.csv"),
    (layouts.DAC_FILE, "dac/DAC_NationalDownloadableFile_sample_2021_386.csv"),
]


@pytest.mark.shared_data
@pytest.mark.parametrize(("generated", "real"), REAL_SLICES)
def test_header_line_matches_the_real_file(
    ukiah_dir: Path, shared_data: Path, generated: str, real: str
) -> None:
    # Byte-level: same names, same separators, same quoting of the header line.
    assert _first_line(ukiah_dir / generated) == _first_line(shared_data / real)


def test_nppes_layout_has_330_columns_and_fifteen_slots() -> None:
    assert len(layouts.NPPES_COLUMNS) == 330
    assert layouts.NPPES_COLUMNS[47] == "Healthcare Provider Taxonomy Code_1"
    assert layouts.NPPES_COLUMNS[106] == "Healthcare Provider Primary Taxonomy Switch_15"
    assert layouts.NPPES_COLUMNS[-1] == "Certification Date"


def test_partd_header(ukiah_dir: Path) -> None:
    expected = [
        "Prscrbr_NPI",
        "Prscrbr_Last_Org_Name",
        "Prscrbr_First_Name",
        "Prscrbr_City",
        "Prscrbr_State_Abrvtn",
        "Prscrbr_State_FIPS",
        "Prscrbr_Type",
        "Prscrbr_Type_Src",
        "Brnd_Name",
        "Gnrc_Name",
        "Tot_Clms",
        "Tot_30day_Fills",
        "Tot_Day_Suply",
        "Tot_Drug_Cst",
        "Tot_Benes",
        "GE65_Sprsn_Flag",
        "GE65_Tot_Clms",
        "GE65_Tot_30day_Fills",
        "GE65_Tot_Drug_Cst",
        "GE65_Tot_Day_Suply",
        "GE65_Bene_Sprsn_Flag",
        "GE65_Tot_Benes",
    ]
    assert _header(ukiah_dir / layouts.partd_file(2023)) == expected


def test_file_names_carry_the_data_year() -> None:
    assert layouts.mup_service_file(2023) == "MUP_PHY_R25_P05_V20_D23_Prov_Svc.csv"
    assert layouts.mup_service_file(2022) == "MUP_PHY_R24_P05_V20_D22_Prov_Svc.csv"
    assert layouts.partd_file(2023) == "MUP_DPR_RY25_P04_V10_DY23_NPIBN.csv"
