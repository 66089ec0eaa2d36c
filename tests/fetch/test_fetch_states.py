"""--states: state-filtered copies of row-oriented CSV files, plain and inside a zip."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from docfinder.errors import InputError
from docfinder.fetch import DATASETS, StateColumns, filter_states, parse_states

SERVICE_2021 = "provider_service/mup_phy_prov_svc_2021_mohs_17311-17315.csv"
NPPES_1000 = "nppes/npidata_pfile_sample_2025_1000.csv"
NPPES_QUOTED = "nppes/npidata_pfile_sample_2025_99_quoted.csv"
NPPES_PL = "nppes/pl_pfile_20251103-20251109.csv"
DAC = "dac/DAC_NationalDownloadableFile_sample_2021_386.csv"
PRACTICE_STATE = "Provider Business Practice Location Address State Name"
PL_STATE = "Provider Secondary Practice Location Address - State Name"


def rows_in(path: Path, column: str, states: set[str]) -> int:
    with path.open(encoding="latin-1", newline="") as stream:
        reader = csv.DictReader(stream, skipinitialspace=True)
        return sum(1 for row in reader if (row[column] or "").strip() in states)


def data_rows(path: Path) -> int:
    with path.open(encoding="latin-1", newline="") as stream:
        return sum(1 for _ in csv.reader(stream)) - 1


def test_parse_states():
    assert parse_states(["ca, OR", "CA", "wa"]) == ("CA", "OR", "WA")
    assert parse_states([]) == ()
    with pytest.raises(InputError, match="'Calif' is not a two-letter state code"):
        parse_states(["Calif"])


@pytest.mark.shared_data
def test_states_filter_a_provider_service_file(shared_data, server, run_fetch, tmp_path):
    source = shared_data / SERVICE_2021
    body = source.read_bytes()
    url = server.add("/PHY_Prov_Svc.csv", body)

    result, data = run_fetch(
        "-d",
        "provider-service",
        "--url",
        f"provider-service={url}",
        "--states",
        "CA",
        str(tmp_path),
    )

    assert result.exit_code == 0, result.output
    [entry] = data["files"]
    [copy] = entry["filtered"]
    filtered = Path(copy["path"])
    assert filtered == (tmp_path / "PHY_Prov_Svc.CA.csv").resolve()
    expected = rows_in(source, "Rndrng_Prvdr_State_Abrvtn", {"CA"})
    assert expected > 100
    assert copy["rows"] == expected == data_rows(filtered)
    assert rows_in(filtered, "Rndrng_Prvdr_State_Abrvtn", {"CA"}) == expected
    assert filtered.read_bytes().splitlines()[0] == body.splitlines()[0]
    assert (tmp_path / "PHY_Prov_Svc.csv").read_bytes() == body  # the original is kept


@pytest.mark.shared_data
def test_several_states_keep_rows_byte_for_byte(shared_data, tmp_path):
    source = tmp_path / "svc.csv"
    shutil.copy(shared_data / SERVICE_2021, source)
    specs = DATASETS["provider-service"].state_columns

    [copy] = filter_states(source, specs, ("CA", "OR"))

    assert copy.path.name == "svc.CA-OR.csv"
    assert copy.column == "Rndrng_Prvdr_State_Abrvtn"
    assert copy.rows == rows_in(source, "Rndrng_Prvdr_State_Abrvtn", {"CA", "OR"})
    original_lines = set(source.read_bytes().splitlines(keepends=True))
    assert all(line in original_lines for line in copy.path.read_bytes().splitlines(keepends=True))


@pytest.mark.shared_data
def test_fully_quoted_nppes_rows_are_copied_exactly(shared_data, tmp_path):
    source = tmp_path / "npidata.csv"
    shutil.copy(shared_data / NPPES_QUOTED, source)
    spec = StateColumns((PRACTICE_STATE,))
    states = {rows[PRACTICE_STATE] for rows in csv.DictReader(source.open(encoding="latin-1"))}
    state = sorted(states)[0]

    [copy] = filter_states(source, [spec], (state,))

    text = copy.path.read_text(encoding="latin-1")
    assert copy.rows == rows_in(source, PRACTICE_STATE, {state}) > 0
    assert text.startswith('"NPI","Entity Type Code"')
    assert all(line in source.read_text(encoding="latin-1") for line in text.splitlines())


@pytest.mark.shared_data
def test_dac_comma_space_separators_are_read(shared_data, tmp_path):
    source = tmp_path / "DAC_NationalDownloadableFile.csv"
    shutil.copy(shared_data / DAC, source)

    [copy] = filter_states(source, DATASETS["dac"].state_columns, ("FL",))

    assert copy.column == "st"
    assert copy.rows == rows_in(source, "st", {"FL"}) > 0


@pytest.mark.shared_data
def test_states_filter_members_of_an_nppes_zip(shared_data, server, run_fetch, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(shared_data / NPPES_1000, "npidata_pfile_20050523-20261108.csv")
        archive.writestr("npidata_pfile_20050523-20261108_fileheader.csv", "NPI\n")
        archive.write(shared_data / NPPES_PL, "pl_pfile_20050523-20261108.csv")
        archive.writestr("NPPES_Data_Dissemination_Readme.pdf", b"%PDF-1.4")
    url = server.add("/nppes/NPPES_Data_Dissemination_November_2026_V2.zip", buffer.getvalue())

    result, data = run_fetch(
        "-d", "nppes", "--url", f"nppes={url}", "--states", "ca", str(tmp_path)
    )

    assert result.exit_code == 0, result.output
    main, secondary = data["files"][0]["filtered"]
    assert Path(main["path"]).name == "npidata_pfile_20050523-20261108.CA.csv"
    assert main["rows"] == rows_in(shared_data / NPPES_1000, PRACTICE_STATE, {"CA"}) > 0
    assert Path(secondary["path"]).name == "pl_pfile_20050523-20261108.CA.csv"
    assert secondary["rows"] == rows_in(shared_data / NPPES_PL, PL_STATE, {"CA"}) > 0
    assert (tmp_path / "NPPES_Data_Dissemination_November_2026_V2.zip").exists()


def test_datasets_without_a_state_column_are_left_alone(server, run_fetch, tmp_path):
    url = server.add("/nucc.csv", b"Code,Grouping\n101Y00000X,Behavioral\n")

    _, data = run_fetch("-d", "nucc", "--url", f"nucc={url}", "--states", "CA", str(tmp_path))

    assert data["files"][0]["status"] == "downloaded"
    assert "filtered" not in data["files"][0]


def test_a_file_without_the_state_column_fails_clearly(tmp_path):
    source = tmp_path / "odd.csv"
    source.write_text("NPI,Region\n1,West\n")
    with pytest.raises(InputError, match="no state column") as info:
        filter_states(source, [StateColumns(("State",))], ("CA",))
    assert "odd.csv" in str(info.value)
    assert not list(tmp_path.glob("*.part"))


def test_a_quoted_newline_stays_inside_its_row(tmp_path):
    source = tmp_path / "h.csv"
    source.write_bytes(b'Name,State\r\n"Line one\r\nline two",CA\r\nOther,OR\r\n')

    [copy] = filter_states(source, [StateColumns(("state",))], ("CA",))

    assert copy.path.read_bytes() == b'Name,State\r\n"Line one\r\nline two",CA\r\n'
