"""Opening files as published: archives, compression, encodings, delimiters, empty files."""

from __future__ import annotations

import codecs
import gzip
import zipfile

import pytest

from docfinder.errors import InputError
from docfinder.sources.files import SNIFF_BYTES, InputFile, expand_inputs, sniff


def claims_rows(kit, count, start=0):
    return [kit.ps_row(kit.npi(start + i)) for i in range(count)]


def csv_bytes(kit, rows, name="tmp_2021.csv"):
    return kit.claims(name, rows).read_bytes()


def test_a_zip_archive_is_read_in_place_skipping_layout_members(kit, db):
    rows = claims_rows(kit, 4)
    archive = kit.path("bundle.zip")
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("claims_2021.csv", csv_bytes(kit, rows))
        zipped.writestr("claims_2021_fileheader.csv", ",".join(rows[0]) + "\n")
        zipped.writestr("Readme.pdf", b"%PDF-1.4 not data")
    inputs = expand_inputs(archive)
    assert [i.member for i in inputs] == ["claims_2021.csv"]
    assert inputs[0].name == "claims_2021.csv"
    (report,) = kit.ingest(db, archive)
    assert report.path == f"{archive}!claims_2021.csv"
    assert (report.dataset, report.rows_read, report.rows_loaded) == ("provider_service", 4, 4)
    # The data year comes from the member's name; provenance keeps archive and member.
    logged = kit.query(db, "SELECT path, member, file_name, data_year FROM ingest_log")
    assert logged == [(str(archive.resolve()), "claims_2021.csv", "claims_2021.csv", 2021)]
    assert not (archive.parent / "claims_2021.csv").exists()  # nothing was extracted


def test_an_archive_with_several_data_files_yields_one_report_each(kit, db):
    archive = kit.path("two.zip")
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a_2020.csv", csv_bytes(kit, claims_rows(kit, 2), "a.csv"))
        zipped.writestr("b_2021.csv", csv_bytes(kit, claims_rows(kit, 3, 10), "b.csv"))
    reports = kit.ingest(db, archive)
    assert [(r.path.split("!")[1], r.rows_loaded) for r in reports] == [
        ("a_2020.csv", 2),
        ("b_2021.csv", 3),
    ]
    assert kit.query(db, "SELECT DISTINCT data_year FROM procedure_volumes ORDER BY 1") == [
        (2020,),
        (2021,),
    ]


def test_an_empty_archive_fails_clearly(kit):
    archive = kit.path("empty.zip")
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("README.txt", "nothing here")
    with pytest.raises(InputError, match="holds no data files"):
        expand_inputs(archive)


def test_a_gzip_file_is_read_through(kit, db):
    rows = claims_rows(kit, 5)
    path = kit.raw("claims_2021.csv.gz", gzip.compress(csv_bytes(kit, rows)))
    assert sniff(InputFile(path)).header[0] == "Rndrng_NPI"
    (report,) = kit.ingest(db, path)
    assert (report.status, report.rows_read, report.rows_loaded) == ("loaded", 5, 5)
    npis = {int(r["Rndrng_NPI"]) for r in rows}
    assert {n for (n,) in kit.query(db, "SELECT npi FROM procedure_volumes")} == npis


def test_an_empty_file_fails_and_says_so(kit, db):
    path = kit.raw("empty_2021.csv", b"")
    with pytest.raises(InputError, match="the file is empty"):
        sniff(InputFile(path))
    (report,) = kit.ingest(db, path)
    assert report.status == "failed"
    assert "empty" in report.error


def test_a_file_of_blank_lines_is_empty_too(kit):
    with pytest.raises(InputError, match="empty"):
        sniff(InputFile(kit.raw("blank_2021.csv", b"\n\r\n  \n")))


def test_missing_files_and_directories_are_reported(kit, db, tmp_path):
    reports = kit.ingest(db, tmp_path / "nope_2021.csv", tmp_path)
    assert [r.status for r in reports] == ["failed", "failed"]
    assert "file not found" in reports[0].error
    assert "directory" in reports[1].error


def test_cp1252_bytes_are_decoded(kit, db):
    npi = kit.npi(1)
    text = csv_bytes(kit, [kit.ps_row(npi, Rndrng_Prvdr_Last_Org_Name="Ren\u00e9e")]).decode()
    path = kit.raw("cp_2021.csv", text.encode("cp1252"))
    assert b"Ren\xe9e" in path.read_bytes()
    assert sniff(InputFile(path)).encoding == "cp1252"
    (report,) = kit.ingest(db, path)
    assert report.rows_loaded == 1
    assert kit.query(db, "SELECT last_name FROM providers") == [("Ren\u00e9e",)]


def test_cp1252_bytes_after_the_sniff_window_are_decoded(kit, db):
    rows = claims_rows(kit, 5000)
    rows.append(kit.ps_row(kit.npi(99_999), Rndrng_Prvdr_Last_Org_Name="Ren\u00e9e"))
    data = csv_bytes(kit, rows).decode().encode("cp1252")
    assert data.index(b"\xe9") > SNIFF_BYTES
    (report,) = kit.ingest(db, kit.raw("late_2021.csv", data))
    assert (report.status, report.rows_loaded) == ("loaded", 5001), report.error
    assert kit.query(db, "SELECT count(*) FROM providers WHERE last_name = 'Ren\u00e9e'") == [(1,)]


def test_a_stray_cp1252_byte_does_not_garble_valid_utf8_text(kit, db):
    rows = [kit.ps_row(kit.npi(0), Rndrng_Prvdr_Last_Org_Name="Ren\u00e9e")]
    rows += claims_rows(kit, 5000, start=1)
    rows.append(kit.ps_row(kit.npi(99_999), Rndrng_Prvdr_Last_Org_Name="LATE"))
    data = csv_bytes(kit, rows).replace(b"LATE", b"Ren\xe9e")  # UTF-8 first, cp1252 last
    assert data.index(b"\xe9e") > SNIFF_BYTES
    (report,) = kit.ingest(db, kit.raw("mixed_2021.csv", data))
    assert (report.status, report.rows_loaded) == ("loaded", len(rows)), report.error
    first = kit.scalar(db, "SELECT last_name FROM providers WHERE npi = ?", [int(kit.npi(0))])
    assert first == "Ren\u00e9e"
    late = kit.scalar(db, "SELECT last_name FROM providers WHERE npi = ?", [int(kit.npi(99_999))])
    assert late == "Ren\u00e9e"  # the stray cp1252 byte is read as cp1252, that value alone


def test_utf8_with_bom_reads_the_first_column_name(kit, db):
    data = codecs.BOM_UTF8 + csv_bytes(kit, claims_rows(kit, 2))
    path = kit.raw("bom_2021.csv", data)
    sniffed = sniff(InputFile(path))
    assert sniffed.has_bom
    assert sniffed.header[0] == "Rndrng_NPI"
    (report,) = kit.ingest(db, path)
    assert (report.rows_read, report.rows_loaded) == (2, 2)


@pytest.mark.parametrize(
    "bom, codec", [(codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")]
)
def test_utf16_is_refused_with_a_way_out(kit, db, bom, codec):
    text = csv_bytes(kit, claims_rows(kit, 2)).decode()
    path = kit.raw("u16_2021.csv", bom + text.encode(codec))
    with pytest.raises(InputError) as caught:
        sniff(InputFile(path))
    assert "UTF-16" in caught.value.message
    assert "iconv" in (caught.value.hint or "")
    (report,) = kit.ingest(db, path)
    assert report.status == "failed"
    assert "UTF-16" in report.error


def test_a_binary_header_is_refused(kit):
    with pytest.raises(InputError, match="NUL"):
        sniff(InputFile(kit.raw("bin_2021.csv", b"Rndrng_NPI\x00,HCPCS_Cd\x00\n1,2\n")))


@pytest.mark.parametrize("delimiter", ["\t", ";", "|"])
def test_other_delimiters_are_detected_from_the_header(kit, db, delimiter):
    rows = claims_rows(kit, 3)
    path = kit.claims("delim_2021.csv", rows, delimiter=delimiter)
    assert sniff(InputFile(path)).delimiter == delimiter
    (report,) = kit.ingest(db, path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 3, 0)
    stored = kit.query(db, "SELECT services FROM procedure_volumes")
    assert stored == [(float(rows[0]["Tot_Srvcs"]),)] * 3


def test_crlf_line_ends_and_quoted_fields_are_read(kit, db):
    rows = [kit.ps_row(kit.npi(i), Rndrng_Prvdr_St1=f'Suite "{i}", Floor 2') for i in range(3)]
    path = kit.claims("crlf_2021.csv", rows)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    (report,) = kit.ingest(db, path)
    assert (report.rows_read, report.rows_loaded) == (3, 3)
    addresses = {a for (a,) in kit.query(db, "SELECT address_1 FROM locations")}
    assert addresses == {r["Rndrng_Prvdr_St1"] for r in rows}
