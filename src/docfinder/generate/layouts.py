"""Header lists and file names of the official public layouts the generator writes."""

from __future__ import annotations

NPPES_FILE = "npidata_pfile_20050523-20251109.csv"
PL_FILE = "pl_pfile_20050523-20251109.csv"
DAC_FILE = "DAC_NationalDownloadableFile.csv"
HOSPITAL_FILE = "Hospital_General_Information.csv"
MANIFEST_FILE = "manifest.json"

TAXONOMY_SLOTS = 15
OTHER_ID_SLOTS = 50


def mup_service_file(data_year: int) -> str:
    """Physician & Other Practitioners by Provider and Service file name for a data year."""
    yy = data_year % 100
    return f"MUP_PHY_R{yy + 2:02d}_P05_V20_D{yy:02d}_Prov_Svc.csv"


def partd_file(data_year: int) -> str:
    """Part D Prescribers by Provider and Drug file name for a data year."""
    yy = data_year % 100
    return f"MUP_DPR_RY{yy + 2:02d}_P04_V10_DY{yy:02d}_NPIBN.csv"


# The identification block that opens every NPPES record.
_NPPES_NAMES = (
    "NPI",
    "Entity Type Code",
    "Replacement NPI",
    "Employer Identification Number (EIN)",
    "Provider Organization Name (Legal Business Name)",
    "Provider Last Name (Legal Name)",
    "Provider First Name",
    "Provider Middle Name",
    "Provider Name Prefix Text",
    "Provider Name Suffix Text",
    "Provider Credential Text",
    "Provider Other Organization Name",
    "Provider Other Organization Name Type Code",
    "Provider Other Last Name",
    "Provider Other First Name",
    "Provider Other Middle Name",
    "Provider Other Name Prefix Text",
    "Provider Other Name Suffix Text",
    "Provider Other Credential Text",
    "Provider Other Last Name Type Code",
)


def _nppes_columns() -> list[str]:
    columns = list(_NPPES_NAMES)
    for noun in ("Business Mailing Address", "Business Practice Location Address"):
        columns += [
            f"Provider First Line {noun}",
            f"Provider Second Line {noun}",
            f"Provider {noun} City Name",
            f"Provider {noun} State Name",
            f"Provider {noun} Postal Code",
            f"Provider {noun} Country Code (If outside U.S.)",
            f"Provider {noun} Telephone Number",
            f"Provider {noun} Fax Number",
        ]
    columns += [
        "Provider Enumeration Date",
        "Last Update Date",
        "NPI Deactivation Reason Code",
        "NPI Deactivation Date",
        "NPI Reactivation Date",
        "Provider Sex Code",
        "Authorized Official Last Name",
        "Authorized Official First Name",
        "Authorized Official Middle Name",
        "Authorized Official Title or Position",
        "Authorized Official Telephone Number",
    ]
    for slot in range(1, TAXONOMY_SLOTS + 1):
        columns += [
            f"Healthcare Provider Taxonomy Code_{slot}",
            f"Provider License Number_{slot}",
            f"Provider License Number State Code_{slot}",
            f"Healthcare Provider Primary Taxonomy Switch_{slot}",
        ]
    for slot in range(1, OTHER_ID_SLOTS + 1):
        columns += [
            f"Other Provider Identifier_{slot}",
            f"Other Provider Identifier Type Code_{slot}",
            f"Other Provider Identifier State_{slot}",
            f"Other Provider Identifier Issuer_{slot}",
        ]
    columns += [
        "Is Sole Proprietor",
        "Is Organization Subpart",
        "Parent Organization LBN",
        "Parent Organization TIN",
        "Authorized Official Name Prefix Text",
        "Authorized Official Name Suffix Text",
        "Authorized Official Credential Text",
    ]
    columns += [f"Healthcare Provider Taxonomy Group_{s}" for s in range(1, TAXONOMY_SLOTS + 1)]
    columns.append("Certification Date")
    return columns


NPPES_COLUMNS: tuple[str, ...] = tuple(_nppes_columns())

_PL_PREFIX = "Provider Secondary Practice Location Address"
PL_COLUMNS: tuple[str, ...] = (
    "NPI",
    f"{_PL_PREFIX}- Address Line 1",
    f"{_PL_PREFIX}-  Address Line 2",  # two spaces, as CMS ships it
    f"{_PL_PREFIX} - City Name",
    f"{_PL_PREFIX} - State Name",
    f"{_PL_PREFIX} - Postal Code",
    f"{_PL_PREFIX} - Country Code (If outside U.S.)",
    f"{_PL_PREFIX} - Telephone Number",
    f"{_PL_PREFIX} - Telephone Extension",
    "Provider Practice Location Address - Fax Number",
)

MUP_SERVICE_COLUMNS: tuple[str, ...] = (
    "Rndrng_NPI",
    "Rndrng_Prvdr_Last_Org_Name",
    "Rndrng_Prvdr_First_Name",
    "Rndrng_Prvdr_MI",
    "Rndrng_Prvdr_Crdntls",
    "Rndrng_Prvdr_Gndr",
    "Rndrng_Prvdr_Ent_Cd",
    "Rndrng_Prvdr_St1",
    "Rndrng_Prvdr_St2",
    "Rndrng_Prvdr_City",
    "Rndrng_Prvdr_State_Abrvtn",
    "Rndrng_Prvdr_State_FIPS",
    "Rndrng_Prvdr_Zip5",
    "Rndrng_Prvdr_RUCA",
    "Rndrng_Prvdr_RUCA_Desc",
    "Rndrng_Prvdr_Cntry",
    "Rndrng_Prvdr_Type",
    "Rndrng_Prvdr_Mdcr_Prtcptg_Ind",
    "HCPCS_Cd",
    "HCPCS_Desc",
    "HCPCS_Drug_Ind",
    "Place_Of_Srvc",
    "Tot_Benes",
    "Tot_Srvcs",
    "Tot_Bene_Day_Srvcs",
    "Avg_Sbmtd_Chrg",
    "Avg_Mdcr_Alowd_Amt",
    "Avg_Mdcr_Pymt_Amt",
    "Avg_Mdcr_Stdzd_Amt",
)

PARTD_COLUMNS: tuple[str, ...] = (
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
)


def _dac_columns() -> list[str]:
    columns = "NPI Ind_PAC_ID Ind_enrl_ID lst_nm frst_nm mid_nm suff gndr Cred Med_sch Grd_yr"
    names = columns.split()
    names += ["pri_spec"] + [f"sec_spec_{i}" for i in range(1, 5)] + ["sec_spec_all"]
    names += ["org_nm", "org_pac_id", "num_org_mem", "adr_ln_1", "adr_ln_2", "ln_2_sprs"]
    names += ["cty", "st", "zip", "phn_numbr"]
    for slot in range(1, 6):
        names += [f"hosp_afl_{slot}", f"hosp_afl_lbn_{slot}"]
    names += ["ind_assgn", "grp_assgn", "adrs_id"]
    return names


DAC_COLUMNS: tuple[str, ...] = tuple(_dac_columns())
DAC_HEADER_SEPARATOR = ", "  # the 2021 file separates header names by comma and space

_MEASURE_GROUPS = ("MORT", "Safety", "READM")


def _hospital_columns() -> list[str]:
    names = [
        "Facility ID",
        "Facility Name",
        "Address",
        "City/Town",
        "State",
        "ZIP Code",
        "County/Parish",
        "Telephone Number",
        "Hospital Type",
        "Hospital Ownership",
        "Emergency Services",
        "Meets criteria for birthing friendly designation",
        "Hospital overall rating",
        "Hospital overall rating footnote",
    ]
    for group in _MEASURE_GROUPS:
        names += [
            f"{group} Group Measure Count",
            f"Count of Facility {group} Measures",
            f"Count of {group} Measures Better",
            f"Count of {group} Measures No Different",
            f"Count of {group} Measures Worse",
            f"{group} Group Footnote",
        ]
    for group in ("Pt Exp", "TE"):
        names += [
            f"{group} Group Measure Count",
            f"Count of Facility {group} Measures",
            f"{group} Group Footnote",
        ]
    return names


HOSPITAL_COLUMNS: tuple[str, ...] = tuple(_hospital_columns())
