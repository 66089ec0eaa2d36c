"""The SQL checks and cleaning: NPI check digits, ZIPs, numbers, each reject with its reason."""

from __future__ import annotations

import csv
import re

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docfinder.ingest import transforms
from docfinder.store.macros import MACROS

UKIAH_NPI = "1104963008"
LUHN_REASON = "NPI fails the check digit (Luhn with prefix 80840)"


def luhn_check_digit(base9: str) -> int:
    """Computed here, independently of the SQL: the digit that makes 80840+base+d Luhn-valid."""
    digits = [int(c) for c in "80840" + base9]
    total = 0
    for offset, value in enumerate(reversed(digits)):
        # The check digit will sit at offset 0 from the right, so the base's last digit
        # is the first one doubled.
        if offset % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


@pytest.fixture(scope="module")
def sql():
    con = duckdb.connect(":memory:")
    con.execute(MACROS)
    yield con
    con.close()


def test_the_known_npi_is_valid(sql):
    assert luhn_check_digit(UKIAH_NPI[:9]) == int(UKIAH_NPI[9])
    assert sql.execute("SELECT npi_problem(?)", [UKIAH_NPI]).fetchone() == (None,)


@settings(max_examples=150, deadline=None)
@given(base=st.integers(min_value=0, max_value=999_999_999))
def test_npi_check_accepts_exactly_the_luhn_digit(sql, base):
    base9 = f"{base:09d}"
    problems = sql.execute(
        "SELECT d, npi_problem(? || d::VARCHAR) FROM range(10) t(d) ORDER BY d", [base9]
    ).fetchall()
    accepted = [d for d, problem in problems if problem is None]
    assert accepted == [luhn_check_digit(base9)]
    assert {p for _, p in problems if p is not None} == {LUHN_REASON}


@settings(max_examples=60, deadline=None)
@given(base=st.integers(min_value=0, max_value=999_999_999))
def test_float_cast_and_padded_npis_are_repaired(sql, base):
    npi = f"{base:09d}{luhn_check_digit(f'{base:09d}')}"
    written = [f"{npi}.0", f" {npi} ", f"{npi}.00"]
    rows = sql.execute(
        "SELECT npi_problem(s), npi_value(s) FROM unnest(?::VARCHAR[]) t(s)", [written]
    ).fetchall()
    assert rows == [(None, int(npi))] * len(written)


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=" 0123456789.-xX", max_size=14))
def test_only_ten_digits_can_pass_as_an_npi(sql, text):
    problem, value = sql.execute("SELECT npi_problem(?), npi_value(?)", [text, text]).fetchone()
    cleaned = re.sub(r"\.0+$", "", text.strip())
    if problem is None:
        assert re.fullmatch(r"[0-9]{10}", cleaned)
        assert value == int(cleaned)
    elif not cleaned:
        assert problem == "NPI is missing"
    elif not re.fullmatch(r"[0-9]{10}", cleaned):
        assert problem == "NPI must be 10 digits"


def zip_full(sql, *values):
    rows = sql.execute("SELECT zip_full(s) FROM unnest(?::VARCHAR[]) t(s)", [list(values)])
    return [value for (value,) in rows.fetchall()]


@settings(max_examples=100, deadline=None)
@given(zip5=st.integers(min_value=100, max_value=99_999), plus4=st.integers(0, 9_999))
def test_zip_full_repairs_float_cast_and_formatted_zips(sql, zip5, plus4):
    five = f"{zip5:05d}"
    nine = f"{five}{plus4:04d}"
    # As written, with ZIP+4 punctuation, padded, and float-cast by pandas (leading zeros
    # dropped, ".0" added).
    written = [five, f"{five}-{plus4:04d}", f" {five} ", f"{int(five)}.0", f"{int(nine)}.0"]
    assert zip_full(sql, *written) == [five, nine, five, five, nine]


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=" 0123456789.-+()xX", max_size=14))
def test_zip_full_gives_five_or_nine_digits_or_nothing(sql, text):
    (result,) = zip_full(sql, text)
    assert result is None or re.fullmatch(r"[0-9]{5}|[0-9]{9}", result)
    if result is not None:
        assert zip_full(sql, result) == [result]  # cleaning a clean ZIP changes nothing
        digits = re.sub(r"[^0-9]", "", re.sub(r"\.0+$", "", text.strip()))
        assert result.endswith(digits)  # only leading zeros are ever added


def test_a_wrong_check_digit_is_rejected_with_the_luhn_reason_and_line(kit, db):
    wrong = UKIAH_NPI[:9] + str((int(UKIAH_NPI[9]) + 1) % 10)
    rows = [kit.ps_row(kit.npi(1)), kit.ps_row(kit.npi(2)), kit.ps_row(wrong)]
    (report,) = kit.ingest(db, kit.claims("luhn_2021.csv", rows))
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    (issue,) = kit.issues(db)
    assert (issue["line"], issue["field"], issue["reason"]) == (4, "Rndrng_NPI", LUHN_REASON)
    assert wrong in issue["raw"]
    assert kit.query(db, "SELECT count(*) FROM procedure_volumes WHERE npi = ?", [int(wrong)]) == [
        (0,)
    ]


@pytest.mark.parametrize(
    "column, value, field, reason",
    [
        ("Rndrng_NPI", "", "Rndrng_NPI", "NPI is missing"),
        ("Rndrng_NPI", "110496300", "Rndrng_NPI", "NPI must be 10 digits"),
        ("Tot_Srvcs", "lots", "Tot_Srvcs", 'services is not a non-negative number: "lots"'),
        ("Tot_Srvcs", "-3", "Tot_Srvcs", 'services is not a non-negative number: "-3"'),
        ("Tot_Srvcs", "", "Tot_Srvcs", 'services is not a non-negative number: ""'),
        ("Tot_Benes", "a few", "Tot_Benes", 'beneficiaries is not a count from 0 to 2^31: "a few"'),
        ("HCPCS_Cd", "173", "HCPCS_Cd", 'not a CPT/HCPCS code: "173"'),
        ("Place_Of_Srvc", "X", "Place_Of_Srvc", 'place of service must be F or O: "X"'),
    ],
)
def test_bad_values_are_rejected_naming_the_field(kit, db, column, value, field, reason):
    rows = [kit.ps_row(kit.npi(1)), kit.ps_row(kit.npi(2), **{column: value})]
    (report,) = kit.ingest(db, kit.claims("bad_2021.csv", rows))
    assert (report.rows_loaded, report.rows_rejected) == (1, 1)
    (issue,) = kit.issues(db)
    assert (issue["line"], issue["field"], issue["reason"]) == (3, field, reason)


def test_numbers_with_thousands_separators_and_dollars_are_read(kit, db):
    row = kit.ps_row(kit.npi(1), Tot_Srvcs="1,234", Avg_Sbmtd_Chrg="$1,200.50")
    (report,) = kit.ingest(db, kit.claims("num_2021.csv", [row]))
    assert report.rows_loaded == 1
    assert kit.query(db, "SELECT services, avg_submitted_charge FROM procedure_volumes") == [
        (1234.0, 1200.5)
    ]


def test_an_out_of_range_count_rejects_the_row_not_the_file(kit, db):
    rows = [kit.ps_row(kit.npi(1)), kit.ps_row(kit.npi(2), Tot_Benes="1e12")]
    (report,) = kit.ingest(db, kit.claims("huge_2021.csv", rows))
    assert report.status == "loaded", report.error
    assert (report.rows_loaded, report.rows_rejected) == (1, 1)


def test_a_bad_zip_is_a_warning_and_the_row_is_kept(kit, db):
    rows = [kit.ps_row(kit.npi(1), Rndrng_Prvdr_Zip5="95")]
    (report,) = kit.ingest(db, kit.claims("zip_2021.csv", rows))
    assert (report.rows_loaded, report.rows_rejected, report.warnings) == (1, 0, 1)
    (warning,) = kit.issues(db, "warn")
    assert (warning["line"], warning["field"]) == (2, "Rndrng_Prvdr_Zip5")
    assert warning["reason"] == 'ZIP is not 5 or 9 digits: "95"'
    assert kit.issues(db) == []


def test_a_pandas_export_is_loaded_with_npis_and_zips_repaired(kit, db):
    npis = [kit.npi(i) for i in range(3)]
    zips = ["02134", "95482", "021341234"]
    path = kit.path("pandas_export_2021.csv")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as out:  # what DataFrame.to_csv writes by default
        writer = csv.writer(out, lineterminator="\n")
        header = list(kit.ps_row(npis[0]))
        writer.writerow(["", *header])
        for index, (npi, zip_code) in enumerate(zip(npis, zips, strict=True)):
            row = kit.ps_row(
                f"{float(npi)!r}", Rndrng_Prvdr_Zip5=f"{float(zip_code)!r}", Tot_Srvcs="25.0"
            )
            writer.writerow([index, *row.values()])
    assert f"0,{npis[0]}.0," in path.read_text()  # an index column and a float-cast NPI
    (report,) = kit.ingest(db, path)
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 3, 0)
    assert any("pandas" in note for note in report.notes)
    stored = kit.query(db, "SELECT npi, zip5, zip4 FROM locations ORDER BY line")
    assert stored == [
        (int(npis[0]), "02134", None),
        (int(npis[1]), "95482", None),
        (int(npis[2]), "02134", "1234"),
    ]
    assert {n for (n,) in kit.query(db, "SELECT npi FROM providers")} == {int(n) for n in npis}


# The transforms skip a cleaning macro for values that are clean already (ingest/transforms.py):
# for any text at all, they must answer as the macro does.
MESSY = (
    st.text(alphabet=" 0123456789.-+()xX\t\u00a0", max_size=14)
    | st.text(alphabet="0123456789", max_size=19)
    | st.from_regex(r"\A *[0-9]{3,10}(\.0+)? *\Z")
    | st.sampled_from(["", " ", UKIAH_NPI, f"{UKIAH_NPI}.0", "1104963009", "95482", "954821234"])
)


def fast_and_macro(sql, fast, macro, text):
    return sql.execute(f"SELECT {fast}, {macro} FROM (SELECT ?::VARCHAR AS s)", [text]).fetchone()


@settings(max_examples=300, deadline=None)
@given(text=MESSY)
def test_fast_npi_check_and_value_agree_with_the_macros(sql, text):
    check = re.sub(r"\bnpi\b", "s", transforms._npi_check().bad_when)
    problem, bad = sql.execute(
        f"SELECT npi_problem(s), {check} FROM (SELECT ?::VARCHAR AS s)", [text]
    ).fetchone()
    assert bad == (problem is not None)
    fast, macro = fast_and_macro(sql, transforms._npi("s"), "npi_value(s)", text)
    assert fast == macro


@settings(max_examples=300, deadline=None)
@given(text=MESSY, country=st.sampled_from([None, "", "US", "CA"]))
def test_fast_zip_and_phone_cleaning_agree_with_the_macros(sql, text, country):
    assert (
        fast_and_macro(sql, transforms._zip_full("s"), "zip_full(s)", text)
        == (fast_and_macro(sql, "zip_full(s)", transforms._zip_full("s"), text)[::-1])
    )
    fast, macro = sql.execute(
        f"SELECT {transforms._zip_bad('s', 'c')}, zip_bad(s, c)"
        " FROM (SELECT ?::VARCHAR AS s, ?::VARCHAR AS c)",
        [text, country],
    ).fetchone()
    assert fast == macro
    fast, macro = fast_and_macro(sql, transforms._phone("s"), "phone(s)", text)
    assert fast == macro
