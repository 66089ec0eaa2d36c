"""Streaming rows: rows with the wrong number of fields are kept as rejects with their line,
and every row read is either loaded or rejected."""

from __future__ import annotations

import csv
import io

import pytest

from docfinder.sources.files import InputFile, sniff
from docfinder.sources.layouts import detect_layout
from docfinder.sources.reader import BLOCK_BYTES, LINE, plan_projection, stream_batches

FIELDS = 29  # the provider x service layout


def claims_lines(kit, count, name="base_2021.csv", start=0):
    """Physical lines (header first) of a claims file with `count` valid rows."""
    rows = [kit.ps_row(kit.npi(start + i)) for i in range(count)]
    return kit.claims(name, rows).read_text().splitlines()


def write_lines(kit, name, lines):
    return kit.raw(name, "\n".join(lines) + "\n")


def read_all(path):
    """(line numbers of the valid rows, bad rows) as the reader streams them."""
    source = InputFile(path)
    sniffed = sniff(source)
    layout = detect_layout(sniffed, str(path))
    projection = plan_projection(sniffed, layout, str(path))
    lines, bad = [], []
    for table, bad_rows in stream_batches(source, sniffed, layout, projection):
        lines.extend(table.column(LINE).to_pylist())
        bad.extend(bad_rows)
    return lines, bad


@pytest.fixture
def ragged(kit):
    """A file whose line 4 has an extra field and line 6 one field too few."""
    lines = claims_lines(kit, 6)
    lines[3] += ",EXTRA"
    lines[5] = lines[5].rsplit(",", 1)[0]
    return write_lines(kit, "ragged_2021.csv", lines), lines


def test_rows_with_too_many_or_too_few_fields_are_rejected_with_a_reason(ragged, kit, db):
    path, lines = ragged
    (report,) = kit.ingest(db, path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (6, 4, 2)
    issues = kit.issues(db)
    assert sorted(i["reason"] for i in issues) == [
        f"expected {FIELDS} fields, found {FIELDS - 1}",
        f"expected {FIELDS} fields, found {FIELDS + 1}",
    ]
    # The raw text of each bad row is kept, so the user can see it.
    assert {i["raw"] for i in issues} == {lines[3], lines[5]}
    stored = {n for (n,) in kit.query(db, "SELECT npi FROM procedure_volumes")}
    assert stored == {int(lines[i].split(",")[0]) for i in (1, 2, 4, 6)}


def test_rows_with_the_wrong_number_of_fields_carry_their_physical_line(ragged, kit, db):
    path, _ = ragged
    kit.ingest(db, path)
    assert {i["line"] for i in kit.issues(db)} == {4, 6}


def test_lines_after_a_ragged_row_stay_physical(kit, db):
    rows = [kit.ps_row(kit.npi(i)) for i in range(4)]
    rows[3]["Tot_Srvcs"] = "many"  # physical line 5
    lines = kit.claims("mixed_2021.csv", rows).read_text().splitlines()
    lines[2] += ",EXTRA"  # physical line 3
    kit.ingest(db, write_lines(kit, "mixed_2021.csv", lines))
    services = [i for i in kit.issues(db) if i["field"] == "Tot_Srvcs"]
    assert [i["line"] for i in services] == [5]
    assert kit.query(db, "SELECT line FROM procedure_volumes ORDER BY line") == [(2,), (4,)]


def test_valid_rows_carry_their_physical_line(kit):
    lines = claims_lines(kit, 5)
    valid, bad = read_all(write_lines(kit, "ok_2021.csv", lines))
    assert valid == [2, 3, 4, 5, 6]
    assert bad == []


def test_a_file_truncated_mid_row_rejects_the_last_row(kit, db):
    lines = claims_lines(kit, 5)
    cut = "\n".join(lines)
    cut = cut[: cut.rindex(",Dermatology,")]  # the last row stops mid-way, no line end
    path = kit.raw("trunc_2021.csv", cut)
    (report,) = kit.ingest(db, path)
    assert (report.status, report.rows_read, report.rows_loaded) == ("loaded", 5, 4)
    (issue,) = kit.issues(db)
    found = len(lines[5][: lines[5].index(",Dermatology,")].split(","))
    assert issue["reason"] == f"expected {FIELDS} fields, found {found}"
    assert lines[5].startswith(issue["raw"])


def test_a_header_only_file_loads_nothing_and_succeeds(kit, db):
    path = write_lines(kit, "header_2021.csv", claims_lines(kit, 0))
    (report,) = kit.ingest(db, path)
    assert (report.status, report.rows_read, report.rows_loaded, report.rows_rejected) == (
        "loaded",
        0,
        0,
        0,
    )
    assert kit.query(db, "SELECT rows_read, status FROM ingest_log") == [(0, "loaded")]


def test_quoted_line_breaks_stay_inside_their_cell(kit, db):
    rows = [kit.ps_row(kit.npi(i)) for i in range(3)]
    # Its own code: the store keeps one description per code and year.
    rows[1].update(HCPCS_Cd="17312", HCPCS_Desc="first line\nsecond line")
    (report,) = kit.ingest(db, kit.claims("ml_2021.csv", rows))
    assert (report.rows_read, report.rows_loaded) == (3, 3)
    descriptions = kit.query(
        db, "SELECT description FROM procedure_descriptions WHERE hcpcs_code = '17312'"
    )
    assert descriptions == [("first line\nsecond line",)]


def test_lines_after_a_quoted_line_break_stay_physical(kit, db):
    rows = [kit.ps_row(kit.npi(i)) for i in range(3)]
    rows[0]["HCPCS_Desc"] = "first line\nsecond line"  # the record spans lines 2-3
    rows[2]["Rndrng_NPI"] = rows[2]["Rndrng_NPI"][:-1] + "X"  # physical line 5
    kit.ingest(db, kit.claims("ml_2021.csv", rows))
    assert [i["line"] for i in kit.issues(db)] == [5]


def rendered(row):
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(row.values())
    return out.getvalue()


def big_claims(kit, name, target_bytes, tweak):
    """A claims file just over `target_bytes`, as (path, number of rows).

    `tweak(row, index, offset)` may edit row `index` (a dict) that starts at byte `offset`,
    and returns True when it did.
    """
    header = ",".join(kit.ps_row("1")) + "\n"
    parts, offset, count = [header], len(header), 0
    template = rendered(kit.ps_row("NPI_HERE"))
    while offset <= target_bytes:
        npi = kit.npi(count)
        row = kit.ps_row(npi)
        line = rendered(row) if tweak(row, count, offset) else template.replace("NPI_HERE", npi)
        parts.append(line)
        offset += len(line)
        count += 1
    path = kit.raw(name, "".join(parts))
    assert path.stat().st_size == offset
    return path, count


def test_line_numbers_stay_right_across_read_blocks(kit, db):
    bad_lines = []

    def tweak(row, index, offset):
        # Bad NPIs (last digit changed) just before and just after the first block boundary.
        if abs(offset - BLOCK_BYTES) < 3_000 and index % 3 == 0:
            npi = row["Rndrng_NPI"]
            row["Rndrng_NPI"] = npi[:9] + str((int(npi[9]) + 1) % 10)
            bad_lines.append(index + 2)  # after the header, 1-based
            return True
        return False

    path, count = big_claims(kit, "big_2021.csv", BLOCK_BYTES + 100_000, tweak)
    assert len(bad_lines) > 2
    (report,) = kit.ingest(db, path)
    assert (report.rows_read, report.rows_rejected) == (count, len(bad_lines))
    assert [i["line"] for i in kit.issues(db)] == bad_lines
    assert kit.query(db, "SELECT max(line) FROM procedure_volumes") == [(count + 1,)]


def test_quoted_line_breaks_across_a_block_boundary(kit, db):
    def tweak(row, index, offset):
        if abs(offset - BLOCK_BYTES) < 50_000:
            row["HCPCS_Desc"] = "Mohs surgery,\nfirst stage"
            return True
        return False

    path, count = big_claims(kit, "bigml_2021.csv", BLOCK_BYTES + 100_000, tweak)
    (report,) = kit.ingest(db, path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (count, count, 0)
