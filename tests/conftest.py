"""Shared fixtures: small input files built in code, stores copied from one template, and one
store holding every official file of ../shared/data, built once per test run.

Everything here is real: files on disk, DuckDB stores, the `docfinder` command in a subprocess.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest

import pg_support
from cli_support import SHARED, SHARED_MISSING, docfinder_cmd, run_docfinder
from docfinder.generate.layouts import MUP_SERVICE_COLUMNS
from docfinder.ingest import FileReport, run_ingest
from docfinder.store import DuckDBStore, PostgresStore
from docfinder.store.postgres_store import WORKDIR_ENV
from official_files import OFFICIAL_FILES
from run_once import build_once, exclusive, run_root

# The official Medicare Physician & Other Practitioners by Provider and Service header.
PS_HEADER = list(MUP_SERVICE_COLUMNS)

# The NPPES npidata_pfile columns docfinder reads (the real file has 330; a subset is a valid
# header for the layout, which is recognised by names, never by position).
NPPES_HEADER = [
    "NPI",
    "Entity Type Code",
    "Provider Organization Name (Legal Business Name)",
    "Provider Last Name (Legal Name)",
    "Provider First Name",
    "Provider Credential Text",
    "Provider First Line Business Practice Location Address",
    "Provider Business Practice Location Address City Name",
    "Provider Business Practice Location Address State Name",
    "Provider Business Practice Location Address Postal Code",
    "Provider Business Practice Location Address Country Code (If outside U.S.)",
    "Provider Enumeration Date",
    "Last Update Date",
    "NPI Deactivation Reason Code",
    "NPI Deactivation Date",
    "NPI Reactivation Date",
    "Healthcare Provider Taxonomy Code_1",
    "Healthcare Provider Primary Taxonomy Switch_1",
]

# A real NPI: John Valentic, dermatologist in Ukiah CA, in every Mohs file 2013-2021.
UKIAH_NPI = "1104963008"


def npi_check_digit(base9: str) -> str:
    """The NPI check digit: Luhn over the prefix 80840 and the nine base digits."""
    total = 0
    # Counting from the right of the full 15-digit number, the check digit is position 0:
    # the base's last digit is position 1 (doubled), and so on to the left.
    for position, char in enumerate(reversed("80840" + base9), start=1):
        value = int(char) * (2 if position % 2 == 1 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def make_npi(seed: int) -> str:
    """A valid (Luhn-correct) NPI built from a number below 10**8, for synthetic rows."""
    base = f"1{seed:08d}"
    return base + npi_check_digit(base)


def ps_row(npi: str, hcpcs: str = "17311", **fields: str) -> dict[str, str]:
    """One provider x service row with plausible values; keyword arguments override columns."""
    row = {
        "Rndrng_NPI": npi,
        "Rndrng_Prvdr_Last_Org_Name": "Testperson",
        "Rndrng_Prvdr_First_Name": "Ann",
        "Rndrng_Prvdr_MI": "",
        "Rndrng_Prvdr_Crdntls": "M.D.",
        "Rndrng_Prvdr_Gndr": "F",
        "Rndrng_Prvdr_Ent_Cd": "I",
        "Rndrng_Prvdr_St1": "145 Hospital Dr",
        "Rndrng_Prvdr_St2": "",
        "Rndrng_Prvdr_City": "Ukiah",
        "Rndrng_Prvdr_State_Abrvtn": "CA",
        "Rndrng_Prvdr_State_FIPS": "06",
        "Rndrng_Prvdr_Zip5": "95482",
        "Rndrng_Prvdr_RUCA": "4",
        "Rndrng_Prvdr_RUCA_Desc": "Micropolitan area core: primary flow within an urban cluster",
        "Rndrng_Prvdr_Cntry": "US",
        "Rndrng_Prvdr_Type": "Dermatology",
        "Rndrng_Prvdr_Mdcr_Prtcptg_Ind": "Y",
        "HCPCS_Cd": hcpcs,
        "HCPCS_Desc": "Mohs surgery, first stage (test row)",
        "HCPCS_Drug_Ind": "N",
        "Place_Of_Srvc": "O",
        "Tot_Benes": "20",
        "Tot_Srvcs": "25",
        "Tot_Bene_Day_Srvcs": "25",
        "Avg_Sbmtd_Chrg": "1200.5",
        "Avg_Mdcr_Alowd_Amt": "550.25",
        "Avg_Mdcr_Pymt_Amt": "430.1",
        "Avg_Mdcr_Stdzd_Amt": "414.03",
    }
    unknown = set(fields) - set(row)
    assert not unknown, f"not provider_service columns: {unknown}"
    return {**row, **fields}


def nppes_row(npi: str, **fields: str) -> dict[str, str]:
    """One NPPES registry row (individual, active); keyword arguments override columns."""
    row = dict.fromkeys(NPPES_HEADER, "")
    row.update(
        {
            "NPI": npi,
            "Entity Type Code": "1",
            "Provider Last Name (Legal Name)": "Registry",
            "Provider First Name": "Rita",
            "Provider Credential Text": "MD",
            "Provider First Line Business Practice Location Address": "1 Main St",
            "Provider Business Practice Location Address City Name": "Ukiah",
            "Provider Business Practice Location Address State Name": "CA",
            "Provider Business Practice Location Address Postal Code": "954821234",
            "Provider Business Practice Location Address Country Code (If outside U.S.)": "US",
            "Provider Enumeration Date": "05/23/2005",
            "Last Update Date": "01/15/2024",
            "Healthcare Provider Taxonomy Code_1": "207N00000X",
            "Healthcare Provider Primary Taxonomy Switch_1": "Y",
        }
    )
    unknown = set(fields) - set(row)
    assert not unknown, f"not NPPES columns: {unknown}"
    row.update(fields)
    return row


def write_rows(
    path: Path,
    header: Sequence[str],
    rows: Iterable[dict[str, str] | Sequence[str]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    """Write a delimited file with the csv module (quoting where needed, LF line ends)."""
    with open(path, "w", newline="", encoding=encoding) as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row[h] for h in header] if isinstance(row, dict) else row)
    return path


def data_lines(path: Path) -> list[str]:
    """The physical lines of a small text file, without line ends."""
    return path.read_text("utf-8").splitlines()


def query(db: str | Path, sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    """Rows of a query against a store (a DuckDB path or a PostgreSQL URL), read-only."""
    return pg_support.query(db, sql, params)


def scalar(db: str | Path, sql: str, params: list[Any] | None = None) -> Any:
    return query(db, sql, params)[0][0]


def ingest(db: str | Path, *paths: Path, **options: Any) -> list[FileReport]:
    """Run the ingest pipeline in-process, the way `docfinder ingest` does."""
    return run_ingest(str(db), list(paths), **options)


def by_name(reports: Iterable[FileReport]) -> dict[str, FileReport]:
    return {Path(r.path.split("!")[-1]).name: r for r in reports}


@dataclass
class Kit:
    """Builders and probes for one test: files go to the test's tmp_path."""

    tmp: Path

    npi = staticmethod(make_npi)
    check_digit = staticmethod(npi_check_digit)
    ps_row = staticmethod(ps_row)
    nppes_row = staticmethod(nppes_row)
    ingest = staticmethod(ingest)
    by_name = staticmethod(by_name)
    query = staticmethod(query)
    scalar = staticmethod(scalar)
    run = staticmethod(run_docfinder)
    cmd = staticmethod(docfinder_cmd)

    def path(self, name: str) -> Path:
        return self.tmp / "in" / name

    def claims(
        self, name: str, rows: Iterable[dict[str, str] | Sequence[str]], **options: Any
    ) -> Path:
        """A provider x service file in the official layout (name it with its data year)."""
        return self.write(name, PS_HEADER, rows, **options)

    def nppes(self, name: str, rows: Iterable[dict[str, str]]) -> Path:
        return self.write(name, NPPES_HEADER, rows)

    def write(
        self,
        name: str,
        header: Sequence[str],
        rows: Iterable[dict[str, str] | Sequence[str]],
        **options: Any,
    ) -> Path:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        return write_rows(path, header, rows, **options)

    def raw(self, name: str, content: bytes | str) -> Path:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode("utf-8")
        path.write_bytes(content)
        return path

    def issues(self, db: str | Path, severity: str = "reject") -> list[dict[str, Any]]:
        """The row_issues of a store with their file name, ordered by file and line."""
        rows = query(
            db,
            """SELECT l.file_name, r.line, r.field, r.reason, r.raw FROM row_issues r
               JOIN ingest_log l USING (file_id) WHERE r.severity = ?
               ORDER BY r.file_id, r.line""",
            [severity],
        )
        keys = ("file", "line", "field", "reason", "raw")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def counts(self, db: str | Path) -> dict[str, int]:
        """Row counts of every table of a store."""
        tables = [
            t
            for (t,) in query(
                db,
                """SELECT table_name FROM information_schema.tables
                   WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
                   ORDER BY 1""",
            )
        ]
        return {t: int(scalar(db, f"SELECT count(*) FROM {t}")) for t in tables}


@pytest.fixture
def kit(tmp_path: Path) -> Kit:
    return Kit(tmp_path)


# --- store fixtures -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def template_store(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Path:
    """An empty store (schema and default geography), built once per run and copied by `db`."""
    root = run_root(tmp_path_factory, request)
    path = root / "template" / "template.duckdb"
    with exclusive(root / "template.lock"):
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            with DuckDBStore(path).build():
                pass
    return path


@pytest.fixture
def db(template_store: Path, tmp_path: Path) -> Path:
    """A fresh, empty store of this test's own."""
    path = tmp_path / "store" / "docfinder.duckdb"
    path.parent.mkdir()
    shutil.copyfile(template_store, path)
    return path


# --- both backends ----------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def pg_workdir(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[None]:
    """PostgreSQL stores keep their DuckDB work files in the run's folder, not the user's."""
    os.environ[WORKDIR_ENV] = str(run_root(tmp_path_factory, request) / "pg-work")
    yield


@pytest.fixture(scope="session")
def pg_prefix(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> str:
    """The schema prefix of this run in the test database; skips (fails under CI) without it."""
    problem = pg_support.pg_problem()
    if problem:
        if os.environ.get("CI"):
            pytest.fail(f"CI needs PostgreSQL with PostGIS: {problem}")
        pytest.skip(problem)
    return pg_support.run_prefix(run_root(tmp_path_factory, request))


@pytest.fixture(scope="session")
def pg_template(
    template_store: Path,
    pg_prefix: str,
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
) -> tuple[str, Path]:
    """The empty template published once per run: (its URL, its work file)."""

    def build(folder: Path) -> dict[str, Any]:
        url = pg_support.schema_url(f"{pg_prefix}_template")
        work = folder / "template-work.duckdb"
        shutil.copyfile(template_store, work)
        token = "template"
        with duckdb.connect(str(work)) as con:
            con.execute("INSERT OR REPLACE INTO meta VALUES ('published_version', ?)", [token])
        PostgresStore(url).publish(work, token)
        return {"url": url, "work": str(work)}

    built = build_once(tmp_path_factory, request, "pg_template", build, "stores")
    return built["url"], Path(built["work"])


@pytest.fixture(params=pg_support.BACKENDS)
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store of this test's own, on each backend in turn."""
    if request.param == "duckdb":
        yield str(request.getfixturevalue("db"))
        return
    prefix = request.getfixturevalue("pg_prefix")
    url, work = request.getfixturevalue("pg_template")
    location = pg_support.clone(url, work, pg_support.new_schema_url(prefix))
    yield location
    pg_support.drop(location)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop this run's PostgreSQL schemas (in the controller, after every worker is done)."""
    if hasattr(session.config, "workerinput"):
        return
    factory = getattr(session.config, "_tmp_path_factory", None)
    if factory is None or pg_support.pg_problem():
        return
    pg_support.drop_schemas(pg_support.run_prefix(factory.getbasetemp()))


@pytest.fixture
def shared() -> Path:
    """The shared data folder, or a skip saying it is absent."""
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    return SHARED


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if SHARED.is_dir():
        return
    skip = pytest.mark.skip(reason=SHARED_MISSING)
    for item in items:
        if "shared_data" in item.keywords:
            item.add_marker(skip)


# Files that are not an official layout: they must fail, naming the columns expected.
UNKNOWN_FILES = (
    "hcpcs/hcpcs_level2_2018.csv",
    "medicare_derived/openmedicare_providers_top_procedures_2014-2023.jsonl.gz",
    "medicare_derived/openmedicare_top_providers_by_hcpcs_2023.jsonl.gz",
    "partd_derived/openprescriber_providers_2023.jsonl.gz",
    "partd_derived/openprescriber_top_prescribers_by_drug_2023.json",
)


@dataclass(frozen=True)
class SharedStore:
    """The store built from every file of ../shared/data by one `docfinder ingest --json`."""

    db: Path
    exit_code: int
    reports: dict[str, dict[str, Any]]  # relative path under shared/data -> file report

    def report(self, relative: str) -> dict[str, Any]:
        return self.reports[relative]

    def file_id(self, relative: str) -> int:
        name = Path(relative).name
        return int(
            scalar(
                self.db,
                "SELECT max(file_id) FROM ingest_log WHERE file_name = ? AND status = 'loaded'",
                [name],
            )
        )


@pytest.fixture(scope="session")
def shared_store(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> SharedStore:
    """Ingest every shared file once per run; xdist workers share the result through a lock."""
    if not SHARED.is_dir():
        pytest.skip(SHARED_MISSING)
    root = run_root(tmp_path_factory, request)
    with exclusive(root / "shared_store.lock"):
        result_path = root / "shared_store.json"
        if not result_path.exists():
            result_path.write_text(json.dumps(_build_shared_store(root / "shared_store")))
        result = json.loads(result_path.read_text())
    return SharedStore(Path(result["db"]), result["exit_code"], result["reports"])


def _build_shared_store(folder: Path) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "shared.duckdb"
    relatives = [*OFFICIAL_FILES, *UNKNOWN_FILES]
    done = run_docfinder("ingest", "--db", str(db), "--json", *(str(SHARED / r) for r in relatives))
    output = json.loads(done.stdout)
    reports: dict[str, dict[str, Any]] = {}
    for report in output["files"]:
        relative = Path(report["path"]).resolve().relative_to(SHARED.resolve()).as_posix()
        reports[relative] = report
    return {"db": str(db), "exit_code": done.returncode, "reports": reports}
