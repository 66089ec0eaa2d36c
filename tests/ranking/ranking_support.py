"""Helpers for the ranking tests: geometry, claims files read with the csv module, tiny stores.

Expectations are derived here from the input files and from independent arithmetic (our own
haversine, ZIP centroids straight from the `zipcodes` package), never from docfinder's output.
"""

from __future__ import annotations

import csv
import functools
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import zipcodes

from docfinder.generate.layouts import MUP_SERVICE_COLUMNS
from docfinder.ingest import run_ingest
from docfinder.search.candidates import Target
from docfinder.search.engine import Filters, SearchOutcome, SearchRequest, run_search
from docfinder.search.scoring import Scored
from docfinder.search.weights import DEFAULT_WEIGHTS, RankingWeights
from docfinder.store import open_store

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SHARED_MISSING = f"needs the shared data folder {SHARED_DATA} (../shared/data beside the repo)"
CLAIMS_SOURCE = "Medicare Physician & Other Practitioners"
EARTH_RADIUS_MILES = 3958.8

# "Billed Medicare for 1,549 Mohs surgery services for at least 1,136 patients in 2021
# (codes 17311, …)"; conditions say "services used in psoriasis care"; without a known
# beneficiary count the "for at least N patients" part is left out.
BILLED = re.compile(
    r"^Billed Medicare for (?P<services>[\d,]+) .*?services(?: used in .+ care)?"
    r"(?: for at least (?P<patients>[\d,]+) patients)? "
    r"in (?P<year>\d{4}) \(codes (?P<codes>[^)]*)\)$"
)


# --- geometry ---------------------------------------------------------------------------------


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle miles, written here independently of docfinder's SQL."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


@functools.cache
def _zip_table() -> dict[str, tuple[float, float, str, str]]:
    """ZIP -> (lat, lon, city, state) for every ZIP of the zipcodes package with coordinates."""
    table = {}
    for z in zipcodes.list_all():  # type: ignore[no-untyped-call]
        if z.get("lat") and z.get("long"):
            table[z["zip_code"]] = (float(z["lat"]), float(z["long"]), z["city"], z["state"])
    return table


def zip_centroid(zip5: str) -> tuple[float, float]:
    lat, lon, _, _ = _zip_table()[zip5]
    return lat, lon


def zip_city(zip5: str) -> tuple[str, str]:
    _, _, city, state = _zip_table()[zip5]
    return city, state


def miles_from(origin: tuple[float, float], zip5: str) -> float:
    """Miles from `origin` to a ZIP's centroid; infinite for a ZIP without coordinates."""
    if zip5 not in _zip_table():
        return math.inf
    return haversine_miles(*origin, *zip_centroid(zip5))


def zip_at(origin: tuple[float, float], miles: float, *, state: str = "CA") -> str:
    """The ZIP of `state` whose centroid lies closest to `miles` from `origin` (lowest ZIP wins)."""
    best = min(
        (abs(haversine_miles(*origin, lat, lon) - miles), z)
        for z, (lat, lon, _, st) in sorted(_zip_table().items())
        if st == state
    )
    return best[1]


@functools.cache
def _city_index() -> dict[tuple[str, str], tuple[str, ...]]:
    index: dict[tuple[str, str], list[str]] = defaultdict(list)
    for z, (_, _, city, state) in sorted(_zip_table().items()):
        index[(city.casefold(), state)].append(z)
    return {key: tuple(zips) for key, zips in index.items()}


def city_zips(city: str, state: str) -> tuple[str, ...]:
    """The ZIPs the zipcodes package gives a city (case-insensitive), in order."""
    return _city_index().get((city.casefold(), state.upper()), ())


def city_centroid(city: str, state: str) -> tuple[float, float]:
    """The mean of a city's ZIP centroids."""
    points = [zip_centroid(z) for z in city_zips(city, state)]
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


# --- official claims files read with the csv module ----------------------------------------------


@dataclass
class ProviderYear:
    """One NPI's rows in one year's provider x service file."""

    services: float = 0.0
    beneficiaries: int = 0
    codes: dict[str, tuple[float, int]] = field(default_factory=dict)  # code -> (srvcs, benes)
    largest_row_benes: int = 0  # one row: one code at one place of service
    zip5: str = ""
    city: str = ""
    provider_type: str = ""


@dataclass
class ClaimsIndex:
    years: dict[int, dict[str, ProviderYear]]  # year -> NPI -> rows

    @property
    def newest_year(self) -> int:
        return max(self.years)

    def of(self, npi: str | int) -> dict[int, ProviderYear]:
        key = str(npi)
        return {y: rows[key] for y, rows in sorted(self.years.items()) if key in rows}

    def newest(self, npi: str | int) -> tuple[int, ProviderYear]:
        return max(self.of(npi).items())

    def npis(self) -> set[str]:
        return {npi for rows in self.years.values() for npi in rows}


def read_claims(paths: Iterable[tuple[int, Path]]) -> ClaimsIndex:
    """Sum each NPI's rows per year of official provider x service files (year, path)."""
    years: dict[int, dict[str, ProviderYear]] = {}
    for year, path in paths:
        rows: dict[str, ProviderYear] = defaultdict(ProviderYear)
        with open(path, newline="", encoding="utf-8", errors="replace") as handle:
            for row in csv.DictReader(handle):
                entry = rows[row["Rndrng_NPI"].strip()]
                services = float(row["Tot_Srvcs"] or 0)
                benes = int(float(row["Tot_Benes"] or 0))
                entry.services += services
                entry.beneficiaries += benes
                entry.largest_row_benes = max(entry.largest_row_benes, benes)
                old = entry.codes.get(row["HCPCS_Cd"], (0.0, 0))
                entry.codes[row["HCPCS_Cd"]] = (old[0] + services, old[1] + benes)
                entry.zip5 = row["Rndrng_Prvdr_Zip5"].strip()[:5]
                entry.city = row["Rndrng_Prvdr_City"]
                entry.provider_type = row["Rndrng_Prvdr_Type"]
        years[year] = dict(rows)
    return ClaimsIndex(years)


def billed(evidence: dict[str, Any]) -> dict[str, Any] | None:
    """The numbers of a "Billed Medicare for …" evidence text, or None for other evidence."""
    found = BILLED.match(evidence["text"])
    if not found:
        return None
    return {
        "services": int(found["services"].replace(",", "")),
        "patients": int(found["patients"].replace(",", "")) if found["patients"] else None,
        "year": int(found["year"]),
        "codes": {c.strip() for c in found["codes"].split(",")},
    }


# --- tiny stores built in code ---------------------------------------------------------------

PS_COLUMNS = list(MUP_SERVICE_COLUMNS)


def npi_with_check_digit(base9: str) -> str:
    """A Luhn-valid NPI: the check digit over the prefix 80840 and the nine base digits."""
    total = 0
    for position, char in enumerate(reversed("80840" + base9), start=1):
        value = int(char) * (2 if position % 2 == 1 else 1)
        total += value - 9 if value > 9 else value
    return base9 + str((10 - total % 10) % 10)


def write_csv(path: Path, header: Sequence[str], rows: Iterable[dict[str, str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(header), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


class FileKit:
    """The few `kit` helpers a TinyStore uses, for stores shared by a module's tests."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def npi(seed: int) -> str:
        return npi_with_check_digit(f"1{seed:08d}")

    @staticmethod
    def ps_row(npi: str, hcpcs: str, **fields: str) -> dict[str, str]:
        row = dict.fromkeys(PS_COLUMNS, "")
        row.update(Rndrng_NPI=npi, HCPCS_Cd=hcpcs, Rndrng_Prvdr_Cntry="US",
                   HCPCS_Drug_Ind="N", Place_Of_Srvc="O", Rndrng_Prvdr_Mdcr_Prtcptg_Ind="Y",
                   Rndrng_Prvdr_Crdntls="M.D.", Rndrng_Prvdr_First_Name="Pat")  # fmt: skip
        row.update(fields)
        return row

    def write(self, name: str, header: Sequence[str], rows: Iterable[dict[str, str]]) -> Path:
        return write_csv(self.folder / name, header, rows)

    def claims(self, name: str, rows: Iterable[dict[str, str]]) -> Path:
        return self.write(name, PS_COLUMNS, rows)

    @staticmethod
    def ingest(db: Path, *paths: Path) -> list[Any]:
        return run_ingest(str(db), list(paths))


NPPES_COLUMNS = [
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
    "Provider Sex Code",
    "Healthcare Provider Taxonomy Code_1",
    "Healthcare Provider Primary Taxonomy Switch_1",
    "Healthcare Provider Taxonomy Code_2",
    "Healthcare Provider Primary Taxonomy Switch_2",
]
DAC_COLUMNS = [
    "NPI",
    "Ind_PAC_ID",
    "Ind_enrl_ID",
    "lst_nm",
    "frst_nm",
    "gndr",
    "Cred",
    "pri_spec",
    "adr_ln_1",
    "cty",
    "st",
    "zip",
    "phn_numbr",
    "hosp_afl_1",
    "hosp_afl_lbn_1",
    "ind_assgn",
    "Telehlth",
    "adrs_id",
]
HOSPITAL_COLUMNS = [
    "Facility ID",
    "Facility Name",
    "Address",
    "City/Town",
    "State",
    "ZIP Code",
    "Hospital Type",
    "Hospital overall rating",
]


def mmddyyyy(day: date) -> str:
    return day.strftime("%m/%d/%Y")


RECENT = mmddyyyy(date.today() - timedelta(days=60))
LONG_AGO = mmddyyyy(date.today() - timedelta(days=365 * 12))


@dataclass
class Doc:
    """One provider as the test wrote it: the truth the filters and orders are checked against."""

    npi: str
    zip5: str
    taxonomy: str | None  # primary NUCC code in NPPES; None: not in NPPES (claims only)
    secondary: str | None
    claims: dict[int, dict[str, tuple[int, int | None]]]  # year -> code -> (services, benes)
    entity: str  # "1" individual, "2" organisation
    sex: str | None
    clinician: dict[str, Any] | None  # DAC fields: gender, telehealth, assignment, ccn, hospital
    provider_type: str
    updated: str
    name: str
    claims_zip: str  # the rendering address in the claims files (usually zip5)


class TinyStore:
    """Providers added in code, written as official-layout files and ingested into `db`.

    `kit` is the shared `kit` fixture (or a FileKit): npi, ps_row, write, claims, ingest.
    """

    def __init__(self, kit: Any, db: Path, origin: tuple[float, float]) -> None:
        self.kit, self.db, self.origin = kit, db, origin
        self.docs: dict[str, Doc] = {}
        self.hospitals: list[dict[str, str]] = []
        self._next = 1

    def add_provider(
        self,
        *,
        miles: float | None = None,
        zip5: str | None = None,
        taxonomy: str | None = "207N00000X",
        secondary: str | None = None,
        claims: dict[int, dict[str, tuple[int, int | None]]] | None = None,
        provider_type: str = "Dermatology",
        entity: str = "1",
        sex: str | None = None,
        updated: str = RECENT,
        clinician: dict[str, Any] | None = None,
        name: str | None = None,
        claims_zip: str | None = None,
    ) -> str:
        """Add one provider `miles` from the origin (or at `zip5`); returns its NPI."""
        npi = self.kit.npi(7_000_000 + self._next)
        self._next += 1
        where = zip5 or zip_at(self.origin, miles if miles is not None else 0.0)
        label = name or f"Person{len(self.docs) + 1}"
        self.docs[npi] = Doc(
            npi, where, taxonomy, secondary, claims or {}, entity, sex, clinician,
            provider_type, updated, label, claims_zip or where,
        )  # fmt: skip
        return npi

    def zip_at(self, miles: float) -> str:
        """A ZIP about `miles` from the origin."""
        return zip_at(self.origin, miles)

    def add_hospital(self, ccn: str, name: str, rating: int | None) -> None:
        self.hospitals.append(
            {
                "Facility ID": ccn,
                "Facility Name": name,
                "Address": "1 Hospital Way",
                "City/Town": "UKIAH",
                "State": "CA",
                "ZIP Code": "95482",
                "Hospital Type": "Acute Care Hospitals",
                "Hospital overall rating": str(rating) if rating else "Not Available",
            }
        )

    def build(self) -> Path:
        paths = [*self._claims_files(), *self._nppes_file(), *self._dac_file()]
        if self.hospitals:
            paths.append(
                self.kit.write("Hospital_General_Information.csv", HOSPITAL_COLUMNS, self.hospitals)
            )
        reports = self.kit.ingest(self.db, *paths)
        assert all(r.status == "loaded" and not r.rows_rejected for r in reports), reports
        return self.db

    def _claims_files(self) -> list[Path]:
        by_year: dict[int, list[dict[str, str]]] = defaultdict(list)
        for doc in self.docs.values():
            city, state = zip_city(doc.claims_zip)
            for year, codes in doc.claims.items():
                for code, (services, benes) in codes.items():
                    by_year[year].append(
                        self.kit.ps_row(
                            doc.npi,
                            code,
                            Rndrng_Prvdr_Last_Org_Name=doc.name,
                            Rndrng_Prvdr_Gndr=doc.sex or "",
                            Rndrng_Prvdr_Ent_Cd="O" if doc.entity == "2" else "I",
                            Rndrng_Prvdr_City=city,
                            Rndrng_Prvdr_State_Abrvtn=state,
                            Rndrng_Prvdr_Zip5=doc.claims_zip,
                            Rndrng_Prvdr_Type=doc.provider_type,
                            # The year in the text: identical files are skipped as loaded.
                            HCPCS_Desc=f"procedure {code} in {year} (test row)",
                            Tot_Srvcs=str(services),
                            Tot_Benes="" if benes is None else str(benes),
                            Tot_Bene_Day_Srvcs=str(services),
                        )
                    )
        return [self.kit.claims(f"claims_{y}.csv", rows) for y, rows in sorted(by_year.items())]

    def _nppes_file(self) -> list[Path]:
        rows = []
        for doc in self.docs.values():
            if doc.taxonomy is None:
                continue
            city, state = zip_city(doc.zip5)
            row = dict.fromkeys(NPPES_COLUMNS, "")
            row.update(
                {
                    "NPI": doc.npi,
                    "Entity Type Code": doc.entity,
                    "Provider First Line Business Practice Location Address": "1 Main St",
                    "Provider Business Practice Location Address City Name": city.upper(),
                    "Provider Business Practice Location Address State Name": state,
                    "Provider Business Practice Location Address Postal Code": doc.zip5,
                    "Provider Business Practice Location Address Country Code (If outside U.S.)": (
                        "US"
                    ),
                    "Provider Enumeration Date": "05/23/2005",
                    "Last Update Date": doc.updated,
                    "Provider Sex Code": (doc.sex or "") if doc.entity == "1" else "",
                    "Healthcare Provider Taxonomy Code_1": doc.taxonomy,
                    "Healthcare Provider Primary Taxonomy Switch_1": "Y",
                }
            )
            if doc.entity == "2":
                row["Provider Organization Name (Legal Business Name)"] = f"{doc.name} CLINIC"
            else:
                row["Provider Last Name (Legal Name)"] = doc.name.upper()
                row["Provider First Name"] = "PAT"
                row["Provider Credential Text"] = "MD"
            if doc.secondary:
                row["Healthcare Provider Taxonomy Code_2"] = doc.secondary
                row["Healthcare Provider Primary Taxonomy Switch_2"] = "N"
            rows.append(row)
        if not rows:
            return []
        return [self.kit.write("npidata_pfile_20050523-20251109.csv", NPPES_COLUMNS, rows)]

    def _dac_file(self) -> list[Path]:
        rows = []
        for doc in self.docs.values():
            if doc.clinician is None:
                continue
            city, state = zip_city(doc.zip5)
            info = doc.clinician
            rows.append(
                {
                    "NPI": doc.npi,
                    "Ind_PAC_ID": f"9{doc.npi}",
                    "Ind_enrl_ID": f"I2019{doc.npi}",
                    "lst_nm": doc.name.upper(),
                    "frst_nm": "PAT",
                    "gndr": info.get("gender", ""),
                    "Cred": "MD",
                    "pri_spec": "DERMATOLOGY",
                    "adr_ln_1": "1 MAIN ST",
                    "cty": city.upper(),
                    "st": state,
                    "zip": doc.zip5,
                    "phn_numbr": "7075550100",
                    "hosp_afl_1": info.get("ccn", ""),
                    "hosp_afl_lbn_1": info.get("hospital", ""),
                    "ind_assgn": info.get("assignment", ""),
                    "Telehlth": info.get("telehealth", ""),
                    "adrs_id": f"CA{doc.zip5}MA1XXX{doc.npi[-3:]}",
                }
            )
        if not rows:
            return []
        return [self.kit.write("DAC_NationalDownloadableFile.csv", DAC_COLUMNS, rows)]

    def search(
        self,
        target: Target,
        *,
        weights: RankingWeights = DEFAULT_WEIGHTS,
        origin: tuple[float, float] | None = None,
        **request: Any,
    ) -> SearchOutcome:
        return engine_search(self.db, target, origin or self.origin, weights=weights, **request)


def engine_search(
    db: Path | str,
    target: Target,
    origin: tuple[float, float],
    *,
    weights: RankingWeights = DEFAULT_WEIGHTS,
    place_name: str = "Ukiah, CA",
    max_radius_miles: float | None = None,
    filters: Filters | None = None,
    sort: str = "best",
    limit: int = 200,
    offset: int = 0,
) -> SearchOutcome:
    """The search engine run directly on a store (no text understanding)."""
    request = SearchRequest(
        target,
        origin[0],
        origin[1],
        place_name,
        max_radius_miles,
        filters or Filters(),
        sort,
        limit,
        offset,
    )
    with open_store(str(db)).connect() as con:
        return run_search(con, request, weights)


def scores(outcome: SearchOutcome) -> dict[str, float]:
    """NPI (as written in files) -> score."""
    return {str(s.candidate.npi): s.score for s in outcome.results}


def npis(results: Sequence[Scored] | Sequence[dict[str, Any]]) -> list[str]:
    return [str(r["npi"] if isinstance(r, dict) else r.candidate.npi) for r in results]
