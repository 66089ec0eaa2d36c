"""The files tell one coherent story about the Ukiah area."""

from __future__ import annotations

from collections import Counter

import zipcodes

from docfinder.generate import Manifest
from docfinder.generate.geography import UKIAH_LAT_LON, miles_between

Rows = list[dict[str, str]]
DERMATOLOGY = {"Dermatology", "Micrographic Dermatologic Surgery"}
METASTASECTOMY = {"32505", "32506", "32666", "32667", "32480", "32484", "32663", "32669",
                  "47120", "47122", "47125", "47130"}  # fmt: skip


def _miles_from_ukiah(zip5: str) -> float:
    place = zipcodes.matching(zip5)[0]
    lat, lon = float(place["lat"]), float(place["long"])
    return float(miles_between(UKIAH_LAT_LON[0], UKIAH_LAT_LON[1], lat, lon))


def test_claims_providers_are_in_nppes_but_the_planted_few(
    nppes_rows: Rows, mup_rows: Rows, partd_rows: Rows, manifest: Manifest
) -> None:
    listed = {r["NPI"] for r in nppes_rows}
    planted = {str(n) for n in manifest.planted["claims_only_npis"]}  # type: ignore[union-attr]
    for npis in ({r["Rndrng_NPI"] for r in mup_rows}, {r["Prscrbr_NPI"] for r in partd_rows}):
        missing = npis - listed
        assert missing and missing <= planted
        assert len(missing) / len(npis) < 0.02


def test_deactivated_npis_keep_old_claims(
    nppes_rows: Rows, mup_rows: Rows, manifest: Manifest
) -> None:
    blank = {r["NPI"] for r in nppes_rows if not r["Entity Type Code"]}
    planted = {str(n) for n in manifest.planted["deactivated_with_claims_npis"]}  # type: ignore[union-attr]
    assert planted and planted <= blank
    assert planted <= {r["Rndrng_NPI"] for r in mup_rows}


def test_dermatologists_near_ukiah_bill_mohs(mup_rows: Rows) -> None:
    near = {r["Rndrng_NPI"] for r in mup_rows if r["HCPCS_Cd"] == "17311"
            and r["Rndrng_Prvdr_Type"] in DERMATOLOGY
            and _miles_from_ukiah(r["Rndrng_Prvdr_Zip5"]) <= 30}  # fmt: skip
    assert near
    phototherapy = {r["Rndrng_NPI"] for r in mup_rows if r["HCPCS_Cd"] in {"96910", "96920"}}
    assert phototherapy & near


def test_thoracic_surgeons_within_reach_bill_lung_metastasectomy(mup_rows: Rows) -> None:
    rows = [r for r in mup_rows if r["HCPCS_Cd"] in {"32505", "32666"}
            and r["Rndrng_Prvdr_Type"] == "Thoracic Surgery"]  # fmt: skip
    within = {r["Rndrng_NPI"] for r in rows if _miles_from_ukiah(r["Rndrng_Prvdr_Zip5"]) <= 130}
    assert len(within) >= 3


def test_metastasectomy_is_mostly_in_santa_rosa_and_san_francisco(mup_rows: Rows) -> None:
    cities = Counter(r["Rndrng_Prvdr_City"] for r in mup_rows if r["HCPCS_Cd"] in METASTASECTOMY)
    assert cities["Santa Rosa"] + cities["San Francisco"] > 3 * cities["Ukiah"]
    assert cities["Santa Rosa"] >= 2


def test_psoriasis_drugs_come_from_dermatologists_and_rheumatologists(partd_rows: Rows) -> None:
    psoriasis = {"Otezla", "Sotyktu", "Skyrizi", "Tremfya", "Cosentyx Pen", "Taltz Autoinjector"}
    types = Counter(r["Prscrbr_Type"] for r in partd_rows if r["Brnd_Name"] in psoriasis)
    assert types["Dermatology"] + types["Micrographic Dermatologic Surgery"] >= 5
    assert set(types) <= DERMATOLOGY | {"Rheumatology"}
    ukiah = {r["Prscrbr_NPI"] for r in partd_rows
             if r["Brnd_Name"] == "Otezla" and r["Prscrbr_City"] == "Ukiah"}  # fmt: skip
    assert ukiah


def test_primary_care_is_the_mass(mup_rows: Rows) -> None:
    types = Counter(r["Rndrng_Prvdr_Type"] for r in mup_rows)
    primary = sum(types[t] for t in ("Family Practice", "Internal Medicine",
                                     "Nurse Practitioner", "Physician Assistant"))  # fmt: skip
    assert primary / len(mup_rows) > 0.3
    codes = Counter(r["HCPCS_Cd"] for r in mup_rows)
    assert {"99213", "99214"} <= {c for c, _ in codes.most_common(5)}


def test_volumes_are_long_tailed(mup_rows: Rows) -> None:
    services = Counter()
    for row in mup_rows:
        services[row["Rndrng_NPI"]] += int(row["Tot_Srvcs"])
    ranked = sorted(services.values(), reverse=True)
    top = ranked[: max(1, len(ranked) // 10)]
    assert sum(top) > 0.3 * sum(ranked)


def test_addresses_agree_across_files(nppes_rows: Rows, mup_rows: Rows) -> None:
    city = {r["NPI"]: r["Provider Business Practice Location Address City Name"]
            for r in nppes_rows if r["Entity Type Code"]}  # fmt: skip
    for row in mup_rows[:500]:
        if row["Rndrng_NPI"] in city:
            assert city[row["Rndrng_NPI"]] == row["Rndrng_Prvdr_City"].upper()
