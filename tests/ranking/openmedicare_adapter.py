"""Test-only adapter: third-party openmedicare provider records -> official-layout files.

The source (openmedicare_providers_top_procedures_2014-2023.jsonl.gz in
../shared/data/medicare_derived) is not an official layout, so docfinder rightly refuses it.
Each record gives a provider's name, Medicare specialty, city and state, yearly totals, and its
top ~20 procedure codes with the services summed over the record's years. For the individual
providers within `reach_miles` of a city who are dermatologists or have a phototherapy code
(96900-96922), the adapter writes

- one Medicare Physician & Other Practitioners by Provider and Service file per data year (the
  29 official `Rndrng_*` / `HCPCS_*` / `Tot_*` / `Avg_*` columns). A provider's rows go in the
  newest year of its yearly totals; each code's services become a yearly mean (services / years
  of totals, rounded), and codes under 11 a year are left out as CMS suppresses them. The record
  has no per-code beneficiaries, addresses or charges: those columns stay empty. HCPCS_Desc is
  neutral text (no CPT descriptors are copied).
- one NPPES registry file listing the dermatologists (taxonomy from the Medicare specialty), so
  that dermatologists without psoriasis codes are candidates too, as they are when NPPES is
  loaded in real use. Location: the first ZIP (in order) the zipcodes package lists for the city.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ranking_support import (
    NPPES_COLUMNS,
    PS_COLUMNS,
    city_centroid,
    city_zips,
    haversine_miles,
    write_csv,
    zip_centroid,
)

STATE_FIPS = {"CA": "06"}
PHOTOTHERAPY = frozenset({"96900", "96910", "96912", "96913", "96920", "96921", "96922"})
DERMATOLOGY_TAXONOMY = {
    "Dermatology": "207N00000X",
    "Micrographic Dermatologic Surgery": "207ND0101X",
}
CMS_SUPPRESSED_BELOW = 11


@dataclass(frozen=True)
class AdaptedProvider:
    npi: str
    name: str
    specialty: str
    city: str
    zip5: str
    year: int
    codes: dict[str, int]  # code -> services written for `year`

    @property
    def is_dermatologist(self) -> bool:
        return self.specialty in DERMATOLOGY_TAXONOMY

    def services(self, codes: frozenset[str] | set[str]) -> int:
        return sum(n for code, n in self.codes.items() if code in codes)


@dataclass(frozen=True)
class Adapted:
    paths: list[Path]
    providers: dict[str, AdaptedProvider]
    center: tuple[float, float]
    skipped_cities: int  # records whose city the zipcodes package does not list

    def to_json(self) -> dict[str, Any]:
        return {
            "paths": [str(p) for p in self.paths],
            "providers": {k: asdict(v) for k, v in self.providers.items()},
            "center": list(self.center),
            "skipped_cities": self.skipped_cities,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Adapted:
        return cls(
            [Path(p) for p in data["paths"]],
            {k: AdaptedProvider(**v) for k, v in data["providers"].items()},
            (data["center"][0], data["center"][1]),
            data["skipped_cities"],
        )


def adapt_region(source: Path, city: tuple[str, str], reach_miles: float, out: Path) -> Adapted:
    """Write official-layout files for the individual providers within reach of a city."""
    state = city[1]
    center = city_centroid(*city)
    providers: dict[str, AdaptedProvider] = {}
    skipped = 0
    for record in _records(source, state):
        zips = city_zips(record["city"], state)
        if not zips:
            skipped += 1
            continue
        if haversine_miles(*center, *zip_centroid(zips[0])) > reach_miles:
            continue
        adapted = _adapt(record, zips[0])
        # Only providers psoriasis could find: dermatologists, and anyone with phototherapy.
        if adapted is not None and (adapted.is_dermatologist or adapted.services(PHOTOTHERAPY)):
            providers[adapted.npi] = adapted
    out.mkdir(parents=True, exist_ok=True)
    paths = _write_claims(providers.values(), state, out)
    paths.append(_write_registry(providers.values(), state, out))
    return Adapted(paths, providers, center, skipped)


def _records(source: Path, state: str) -> Any:
    marker = f'"state":"{state}"'
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        for line in lines:
            if marker not in line:  # a cheap pre-filter; the parsed field decides
                continue
            record = json.loads(line)
            if record.get("state") == state and record.get("entity_type") in ("Individual", "I"):
                yield record


def _adapt(record: dict[str, Any], zip5: str) -> AdaptedProvider | None:
    years = [int(y["year"]) for y in record.get("yearly_payments") or []]
    if not years:
        return None
    codes = {}
    for procedure in record.get("top_procedures") or []:
        yearly = round(float(procedure["services"]) / len(years))
        if yearly >= CMS_SUPPRESSED_BELOW:
            codes[str(procedure["code"])] = yearly
    if not codes:
        return None
    return AdaptedProvider(
        npi=str(record["npi"]),
        name=str(record["name"]),
        specialty=str(record.get("specialty") or ""),
        city=str(record["city"]),
        zip5=zip5,
        year=max(years),
        codes=codes,
    )


def _split_name(name: str) -> tuple[str, str]:
    first, _, last = name.rpartition(" ")
    return first or "", last


def _write_claims(providers: Any, state: str, out: Path) -> list[Path]:
    by_year: dict[int, list[dict[str, str]]] = defaultdict(list)
    for p in providers:
        first, last = _split_name(p.name)
        for code, services in sorted(p.codes.items()):
            row = dict.fromkeys(PS_COLUMNS, "")
            row.update(
                {
                    "Rndrng_NPI": p.npi,
                    "Rndrng_Prvdr_Last_Org_Name": last,
                    "Rndrng_Prvdr_First_Name": first,
                    "Rndrng_Prvdr_Ent_Cd": "I",
                    "Rndrng_Prvdr_City": p.city,
                    "Rndrng_Prvdr_State_Abrvtn": state,
                    "Rndrng_Prvdr_State_FIPS": STATE_FIPS.get(state, ""),
                    "Rndrng_Prvdr_Zip5": p.zip5,
                    "Rndrng_Prvdr_Cntry": "US",
                    "Rndrng_Prvdr_Type": p.specialty,
                    "Rndrng_Prvdr_Mdcr_Prtcptg_Ind": "Y",
                    "HCPCS_Cd": code,
                    "HCPCS_Desc": f"HCPCS {code} (description not reproduced)",
                    "HCPCS_Drug_Ind": "N",
                    "Place_Of_Srvc": "O",
                    "Tot_Srvcs": str(services),
                }
            )
            by_year[p.year].append(row)
    return [
        write_csv(out / f"openmedicare_adapted_prov_svc_{year}.csv", PS_COLUMNS, rows)
        for year, rows in sorted(by_year.items())
    ]


def _write_registry(providers: Any, state: str, out: Path) -> Path:
    rows = []
    for p in providers:
        if not p.is_dermatologist:
            continue
        first, last = _split_name(p.name)
        row = dict.fromkeys(NPPES_COLUMNS, "")
        row.update(
            {
                "NPI": p.npi,
                "Entity Type Code": "1",
                "Provider Last Name (Legal Name)": last.upper(),
                "Provider First Name": first.upper(),
                "Provider Business Practice Location Address City Name": p.city.upper(),
                "Provider Business Practice Location Address State Name": state,
                "Provider Business Practice Location Address Postal Code": p.zip5,
                "Provider Business Practice Location Address Country Code (If outside U.S.)": (
                    "US"
                ),
                "Healthcare Provider Taxonomy Code_1": DERMATOLOGY_TAXONOMY[p.specialty],
                "Healthcare Provider Primary Taxonomy Switch_1": "Y",
            }
        )
        rows.append(row)
    return write_csv(out / "npidata_pfile_20050523-20231231.csv", NPPES_COLUMNS, rows)
