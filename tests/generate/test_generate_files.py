"""The generated files: deterministic, parseable, valid NPIs, CMS conventions."""

from __future__ import annotations

import csv
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from docfinder.generate import Manifest, generate, layouts
from docfinder.generate.npi import is_valid_npi

Rows = list[dict[str, str]]
DATE = re.compile(r"^\d{2}/\d{2}/\d{4}$")
FICTIONAL = "FICTIONAL DEMO PROVIDER"


def test_same_seed_gives_identical_bytes(ukiah_dir: Path, tmp_path: Path) -> None:
    generate(tmp_path, region="ukiah", seed=7)
    names = sorted(p.name for p in ukiah_dir.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    for name in names:
        assert (tmp_path / name).read_bytes() == (ukiah_dir / name).read_bytes(), name


def test_other_seed_gives_other_providers(ukiah_dir: Path, tmp_path: Path) -> None:
    generate(tmp_path, region="ukiah", seed=8)
    assert (tmp_path / layouts.NPPES_FILE).read_bytes() != (
        ukiah_dir / layouts.NPPES_FILE
    ).read_bytes()


@pytest.mark.parametrize(
    ("name", "width"),
    [
        (layouts.NPPES_FILE, 330),
        (layouts.PL_FILE, 10),
        (layouts.mup_service_file(2023), 29),
        (layouts.partd_file(2023), 22),
        (layouts.DAC_FILE, 40),
        (layouts.HOSPITAL_FILE, 38),
    ],
)
def test_every_row_has_the_layout_width(ukiah_dir: Path, name: str, width: int) -> None:
    with (ukiah_dir / name).open(newline="", encoding="utf-8") as handle:
        widths = Counter(len(row) for row in csv.reader(handle))
    assert set(widths) == {width}, widths


def test_nppes_quotes_every_field_as_cms_does(ukiah_dir: Path) -> None:
    with (ukiah_dir / layouts.NPPES_FILE).open(encoding="utf-8") as handle:
        for line in handle:
            assert line.startswith('"') and line.endswith('"\n')
            assert line.count('","') == 329


def test_every_npi_is_valid(
    nppes_rows: Rows, pl_rows: Rows, mup_rows: Rows, partd_rows: Rows, dac_rows: Rows
) -> None:
    npis = [r["NPI"] for r in nppes_rows]
    assert len(set(npis)) == len(npis)
    others = [r["NPI"] for r in pl_rows + dac_rows]
    others += [r["Rndrng_NPI"] for r in mup_rows] + [r["Prscrbr_NPI"] for r in partd_rows]
    assert all(is_valid_npi(n) for n in set(npis + others))
    individuals = [r["NPI"] for r in nppes_rows if r["Entity Type Code"] == "1"]
    assert all(n.startswith("1") for n in individuals)


def test_nppes_records(nppes_rows: Rows) -> None:
    listed = [r for r in nppes_rows if r["Entity Type Code"]]
    for row in listed:
        switches = [row[f"Healthcare Provider Primary Taxonomy Switch_{i}"] for i in range(1, 16)]
        assert switches.count("Y") == 1
        assert row["Provider Second Line Business Practice Location Address"] == FICTIONAL
        assert re.fullmatch(
            r"\d{5}(\d{4})?", row["Provider Business Practice Location Address Postal Code"]
        )
        assert re.fullmatch(
            r"\d{10}", row["Provider Business Practice Location Address Telephone Number"]
        )
        assert DATE.match(row["Provider Enumeration Date"]) and DATE.match(row["Last Update Date"])
    organisations = [r for r in listed if r["Entity Type Code"] == "2"]
    assert organisations and all(
        " DEMO " in r["Provider Organization Name (Legal Business Name)"] for r in organisations
    )


def test_deactivated_npis_are_blank_but_for_number_and_date(nppes_rows: Rows) -> None:
    blank = [r for r in nppes_rows if not r["Entity Type Code"]]
    assert 0.005 <= len(blank) / len(nppes_rows) <= 0.02
    for row in blank:
        filled = {k for k, v in row.items() if v}
        assert filled == {"NPI", "NPI Deactivation Date"}
    reactivated = [r for r in nppes_rows if r["NPI Reactivation Date"]]
    assert reactivated and all(
        r["Entity Type Code"] and r["NPI Deactivation Date"] for r in reactivated
    )


def test_secondary_locations(nppes_rows: Rows, pl_rows: Rows) -> None:
    owners = {r["NPI"] for r in pl_rows}
    assert 0.05 <= len(owners) / len(nppes_rows) <= 0.2
    assert owners <= {r["NPI"] for r in nppes_rows if r["Entity Type Code"]}
    assert any(n > 1 for n in Counter(r["NPI"] for r in pl_rows).values())


def test_service_rows_follow_cms_rules(mup_rows: Rows) -> None:
    keys = Counter((r["Rndrng_NPI"], r["HCPCS_Cd"], r["Place_Of_Srvc"]) for r in mup_rows)
    assert max(keys.values()) == 1
    for row in mup_rows:
        benes, services = int(row["Tot_Benes"]), int(row["Tot_Srvcs"])
        assert 11 <= benes <= int(row["Tot_Bene_Day_Srvcs"]) <= services
        assert row["HCPCS_Desc"] == f"Procedure code {row['HCPCS_Cd']}"
        assert row["Rndrng_Prvdr_St2"] == FICTIONAL
        assert float(row["Avg_Mdcr_Pymt_Amt"]) <= float(row["Avg_Mdcr_Alowd_Amt"])


def test_part_d_suppression(partd_rows: Rows) -> None:
    keys = Counter((r["Prscrbr_NPI"], r["Brnd_Name"], r["Gnrc_Name"]) for r in partd_rows)
    assert max(keys.values()) == 1
    flags = Counter(r["GE65_Sprsn_Flag"] for r in partd_rows)
    assert set(flags) == {"", "*", "#"}
    for row in partd_rows:
        assert int(row["Tot_Clms"]) >= 11
        assert row["Tot_Benes"] == "" or int(row["Tot_Benes"]) >= 11
        older = [
            row[f"GE65_{c}"]
            for c in ("Tot_Clms", "Tot_30day_Fills", "Tot_Drug_Cst", "Tot_Day_Suply")
        ]
        if row["GE65_Sprsn_Flag"]:
            assert older == ["", "", "", ""]
        else:
            assert int(older[0]) <= int(row["Tot_Clms"])
        assert (row["GE65_Tot_Benes"] == "") == (row["GE65_Bene_Sprsn_Flag"] != "")
        if row["Tot_Benes"] == "":
            assert row["GE65_Bene_Sprsn_Flag"] in {"*", "#"}


def test_dac_rows(dac_rows: Rows, hospital_rows: Rows) -> None:
    ccns = {r["Facility ID"] for r in hospital_rows}
    per_npi = Counter(r["NPI"] for r in dac_rows)
    assert max(per_npi.values()) >= 3
    members: dict[str, set[str]] = defaultdict(set)
    sizes: dict[str, set[str]] = defaultdict(set)
    for row in dac_rows:
        assert row["pri_spec"] and row["adr_ln_2"] == FICTIONAL
        assert row["ind_assgn"] in {"Y", "M"}
        for slot in range(1, 6):
            assert row[f"hosp_afl_{slot}"] == "" or row[f"hosp_afl_{slot}"] in ccns
        if row["org_pac_id"]:
            members[row["org_pac_id"]].add(row["NPI"])
            sizes[row["org_pac_id"]].add(row["num_org_mem"])
    assert members
    for group, npis in members.items():
        assert sizes[group] == {str(len(npis))}


def test_hospitals(hospital_rows: Rows) -> None:
    ratings = Counter(r["Hospital overall rating"] for r in hospital_rows)
    assert set(ratings) <= {"1", "2", "3", "4", "5", "Not Available"}
    assert all(re.fullmatch(r"05\d{4}", r["Facility ID"]) for r in hospital_rows)
    assert any(r["City/Town"] == "UKIAH" for r in hospital_rows)


def test_manifest_matches_the_files(ukiah_dir: Path, manifest: Manifest) -> None:
    stored = json.loads((ukiah_dir / layouts.MANIFEST_FILE).read_text(encoding="utf-8"))
    assert stored["region"] == "ukiah" and stored["seed"] == 7 and stored["scale"] == 1.0
    for name, rows in manifest.files.items():
        with (ukiah_dir / name).open(encoding="utf-8") as handle:
            assert sum(1 for _ in csv.reader(handle)) - 1 == rows, name
    assert stored["files"] == manifest.files
    assert 2_000 <= stored["counts"]["npis_in_nppes"] <= 10_000
