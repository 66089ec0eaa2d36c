"""The official file layouts docfinder reads, described by their column names.

A layout maps docfinder's canonical column names to the names (old and new) the publisher
uses. Files are recognised by their header, never by position or file name: the layout whose
signature columns are all present wins, the most specific (largest signature) first.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from docfinder.errors import UnknownLayoutError
from docfinder.sources.files import Sniffed, normalize_column

NPPES_TAXONOMY_SLOTS = 15


@dataclass(frozen=True)
class Layout:
    """One published file layout."""

    dataset: str
    name: str
    description: str
    columns: Mapping[str, tuple[str, ...]]
    signature: tuple[str, ...]
    required: tuple[str, ...] = ()
    # For files without a header row: the positional names, and a test on the first row.
    headerless: tuple[str, ...] = ()
    looks_like: Callable[[tuple[str, ...]], bool] | None = None
    kind: str = "csv"
    _lookup: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for canonical, names in self.columns.items():
            for official in names:
                self._lookup[normalize_column(official)] = canonical

    def canonical_for(self, official: str) -> str | None:
        """The canonical name of an official column, or None when docfinder does not use it."""
        return self._lookup.get(normalize_column(official))

    def matches(self, sniffed: Sniffed) -> bool:
        if self.headerless:
            return self.looks_like is not None and self.looks_like(sniffed.header)
        present = set(sniffed.normalized_header)
        return all(self._any(c, present) for c in self.signature)

    def _any(self, canonical: str, present: set[str]) -> bool:
        return any(normalize_column(name) in present for name in self.columns[canonical])

    def expected_columns(self) -> list[str]:
        return [self.columns[c][0] for c in self.signature]


def _cols(**names: str | tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {k: (v,) if isinstance(v, str) else v for k, v in names.items()}


def _nppes_columns() -> dict[str, tuple[str, ...]]:
    cols = _cols(
        npi="NPI",
        entity_type="Entity Type Code",
        replacement_npi="Replacement NPI",
        org_name="Provider Organization Name (Legal Business Name)",
        last_name="Provider Last Name (Legal Name)",
        first_name="Provider First Name",
        middle_name="Provider Middle Name",
        name_prefix="Provider Name Prefix Text",
        name_suffix="Provider Name Suffix Text",
        credential="Provider Credential Text",
        other_org_name="Provider Other Organization Name",
        other_org_name_type="Provider Other Organization Name Type Code",
        mail_address_1="Provider First Line Business Mailing Address",
        mail_address_2="Provider Second Line Business Mailing Address",
        mail_city="Provider Business Mailing Address City Name",
        mail_state="Provider Business Mailing Address State Name",
        mail_zip="Provider Business Mailing Address Postal Code",
        mail_country="Provider Business Mailing Address Country Code (If outside U.S.)",
        mail_phone="Provider Business Mailing Address Telephone Number",
        mail_fax="Provider Business Mailing Address Fax Number",
        address_1="Provider First Line Business Practice Location Address",
        address_2="Provider Second Line Business Practice Location Address",
        city="Provider Business Practice Location Address City Name",
        state="Provider Business Practice Location Address State Name",
        zip="Provider Business Practice Location Address Postal Code",
        country="Provider Business Practice Location Address Country Code (If outside U.S.)",
        phone="Provider Business Practice Location Address Telephone Number",
        fax="Provider Business Practice Location Address Fax Number",
        enumeration_date="Provider Enumeration Date",
        last_update_date="Last Update Date",
        deactivation_reason="NPI Deactivation Reason Code",
        deactivation_date="NPI Deactivation Date",
        reactivation_date="NPI Reactivation Date",
        sex=("Provider Sex Code", "Provider Gender Code"),
        sole_proprietor="Is Sole Proprietor",
        org_subpart="Is Organization Subpart",
        parent_org_lbn="Parent Organization LBN",
        certification_date="Certification Date",
    )
    for i in range(1, NPPES_TAXONOMY_SLOTS + 1):
        cols[f"taxonomy_{i}"] = (f"Healthcare Provider Taxonomy Code_{i}",)
        cols[f"license_{i}"] = (f"Provider License Number_{i}",)
        cols[f"license_state_{i}"] = (f"Provider License Number State Code_{i}",)
        cols[f"primary_{i}"] = (f"Healthcare Provider Primary Taxonomy Switch_{i}",)
        cols[f"taxonomy_group_{i}"] = (f"Healthcare Provider Taxonomy Group_{i}",)
    return cols


_SPL = "Provider Secondary Practice Location Address"

LAYOUTS: tuple[Layout, ...] = (
    Layout(
        dataset="nppes",
        name="NPPES npidata_pfile (V1/V2)",
        description="NPPES NPI registry: one row per NPI",
        columns=_nppes_columns(),
        signature=("npi", "entity_type", "org_name", "last_name"),
        required=("npi",),
    ),
    Layout(
        dataset="nppes_pl",
        name="NPPES pl_pfile",
        description="NPPES secondary practice locations",
        columns=_cols(
            npi="NPI",
            address_1=f"{_SPL}- Address Line 1",
            address_2=f"{_SPL}-  Address Line 2",
            city=f"{_SPL} - City Name",
            state=f"{_SPL} - State Name",
            zip=f"{_SPL} - Postal Code",
            country=f"{_SPL} - Country Code (If outside U.S.)",
            phone=f"{_SPL} - Telephone Number",
            phone_ext=f"{_SPL} - Telephone Extension",
            fax="Provider Practice Location Address - Fax Number",
        ),
        signature=("npi", "address_1", "city", "zip"),
        required=("npi",),
    ),
    Layout(
        dataset="nppes_othername",
        name="NPPES othername_pfile",
        description="NPPES other organisation names",
        columns=_cols(
            npi="NPI",
            other_name="Provider Other Organization Name",
            type_code="Provider Other Organization Name Type Code",
        ),
        signature=("npi", "other_name", "type_code"),
        required=("npi",),
    ),
    Layout(
        dataset="nppes_endpoint",
        name="NPPES endpoint_pfile",
        description="NPPES electronic endpoints (Direct addresses, FHIR servers)",
        columns=_cols(
            npi="NPI",
            endpoint_type="Endpoint Type",
            endpoint_type_desc="Endpoint Type Description",
            endpoint="Endpoint",
            affiliation="Affiliation",
            endpoint_desc="Endpoint Description",
            affiliation_name="Affiliation Legal Business Name",
            use_code="Use Code",
            content_type="Content Type",
            address_1="Affiliation Address Line One",
            address_2="Affiliation Address Line Two",
            city="Affiliation Address City",
            state="Affiliation Address State",
            country="Affiliation Address Country",
            zip="Affiliation Address Postal Code",
        ),
        signature=("npi", "endpoint_type", "endpoint"),
        required=("npi",),
    ),
    Layout(
        dataset="geocoded_addresses",
        name="NPI practice addresses with coordinates",
        description="Third-party geocoded NPI practice addresses (National Provider Directory ETL)",
        columns=_cols(
            npi="npi",
            address_id="id",
            lat="latitude",
            lon="longitude",
            address_1="delivery_line_1",
            address_2="delivery_line_2",
            city="city",
            state="state",
            zip="postalcode",
            country="country",
        ),
        signature=("npi", "lat", "lon", "address_1", "zip"),
        required=("npi", "lat", "lon"),
    ),
    Layout(
        dataset="nucc_taxonomy",
        name="NUCC Health Care Provider Taxonomy code set",
        description="NUCC taxonomy codes with grouping, classification and specialization",
        columns=_cols(
            code="Code",
            grouping="Grouping",
            classification="Classification",
            specialization="Specialization",
            definition="Definition",
            notes="Notes",
            display_name="Display Name",
            section="Section",
        ),
        signature=("code", "grouping", "classification"),
        required=("code", "classification"),
    ),
    Layout(
        dataset="specialty_crosswalk",
        name="CMS Medicare specialty to taxonomy crosswalk",
        description="Medicare provider/supplier specialty codes and their NUCC taxonomy codes",
        columns=_cols(
            medicare_code="MEDICARE SPECIALTY CODE",
            medicare_desc="MEDICARE PROVIDER/SUPPLIER TYPE DESCRIPTION",
            taxonomy_code="PROVIDER TAXONOMY CODE",
            taxonomy_desc=(
                "PROVIDER TAXONOMY DESCRIPTION",
                "PROVIDER TAXONOMY DESCRIPTION:  TYPE, CLASSIFICATION, SPECIALIZATION",
            ),
        ),
        signature=("medicare_code", "taxonomy_code"),
        required=("medicare_code",),
    ),
    Layout(
        dataset="provider_service",
        name="Medicare Physician & Other Practitioners by Provider and Service",
        description="Medicare Part B services by rendering provider and HCPCS code, one year",
        columns=_cols(
            npi=("Rndrng_NPI", "npi"),
            last_or_org=("Rndrng_Prvdr_Last_Org_Name", "nppes_provider_last_org_name"),
            first_name=("Rndrng_Prvdr_First_Name", "nppes_provider_first_name"),
            middle_name=("Rndrng_Prvdr_MI", "nppes_provider_mi"),
            credential=("Rndrng_Prvdr_Crdntls", "nppes_credentials"),
            gender=("Rndrng_Prvdr_Gndr", "nppes_provider_gender"),
            entity_code=("Rndrng_Prvdr_Ent_Cd", "nppes_entity_code"),
            address_1=("Rndrng_Prvdr_St1", "nppes_provider_street1"),
            address_2=("Rndrng_Prvdr_St2", "nppes_provider_street2"),
            city=("Rndrng_Prvdr_City", "nppes_provider_city"),
            state=("Rndrng_Prvdr_State_Abrvtn", "nppes_provider_state"),
            zip=("Rndrng_Prvdr_Zip5", "nppes_provider_zip"),
            country=("Rndrng_Prvdr_Cntry", "nppes_provider_country"),
            ruca=("Rndrng_Prvdr_RUCA",),
            provider_type=("Rndrng_Prvdr_Type", "provider_type"),
            participating=("Rndrng_Prvdr_Mdcr_Prtcptg_Ind", "medicare_participation_indicator"),
            hcpcs_code=("HCPCS_Cd", "hcpcs_code"),
            hcpcs_desc=("HCPCS_Desc", "hcpcs_description"),
            drug_indicator=("HCPCS_Drug_Ind", "hcpcs_drug_indicator"),
            place_of_service=("Place_Of_Srvc", "place_of_service"),
            beneficiaries=("Tot_Benes", "bene_unique_cnt"),
            services=("Tot_Srvcs", "line_srvc_cnt"),
            bene_day_services=("Tot_Bene_Day_Srvcs", "bene_day_srvc_cnt"),
            avg_submitted_charge=("Avg_Sbmtd_Chrg", "average_submitted_chrg_amt"),
            avg_allowed=("Avg_Mdcr_Alowd_Amt", "average_Medicare_allowed_amt"),
            avg_payment=("Avg_Mdcr_Pymt_Amt", "average_Medicare_payment_amt"),
            avg_standardized=("Avg_Mdcr_Stdzd_Amt", "average_Medicare_standard_amt"),
        ),
        signature=("npi", "hcpcs_code", "services", "beneficiaries"),
        required=("npi", "hcpcs_code", "services"),
    ),
    Layout(
        dataset="partd",
        name="Medicare Part D Prescribers by Provider and Drug",
        description="Part D prescriptions by prescriber and drug, one year",
        columns=_cols(
            npi=("Prscrbr_NPI", "npi"),
            last_or_org=("Prscrbr_Last_Org_Name", "nppes_provider_last_org_name"),
            first_name=("Prscrbr_First_Name", "nppes_provider_first_name"),
            city=("Prscrbr_City", "nppes_provider_city"),
            state=("Prscrbr_State_Abrvtn", "nppes_provider_state"),
            provider_type=("Prscrbr_Type", "specialty_description"),
            brand_name=("Brnd_Name", "drug_name"),
            generic_name=("Gnrc_Name", "generic_name"),
            claims=("Tot_Clms", "total_claim_count"),
            fills_30day=("Tot_30day_Fills", "total_30_day_fill_count"),
            day_supply=("Tot_Day_Suply", "total_day_supply"),
            drug_cost=("Tot_Drug_Cst", "total_drug_cost"),
            beneficiaries=("Tot_Benes", "bene_count"),
            ge65_suppress_flag=("GE65_Sprsn_Flag", "ge65_suppress_flag"),
            ge65_claims=("GE65_Tot_Clms", "total_claim_count_ge65"),
        ),
        signature=("npi", "generic_name", "claims"),
        required=("npi", "generic_name", "claims"),
    ),
    Layout(
        dataset="dac",
        name="Doctors and Clinicians National Downloadable File",
        description="Medicare-enrolled clinicians: specialties, schools, groups, addresses",
        columns=_cols(
            npi="NPI",
            pac_id="Ind_PAC_ID",
            enrollment_id="Ind_enrl_ID",
            last_name=("lst_nm", "Provider Last Name"),
            first_name=("frst_nm", "Provider First Name"),
            middle_name=("mid_nm", "Provider Middle Name"),
            suffix="suff",
            gender="gndr",
            credential="Cred",
            med_school="Med_sch",
            grad_year="Grd_yr",
            primary_specialty="pri_spec",
            secondary_specialties="sec_spec_all",
            telehealth=("Telehlth",),
            org_name=("org_nm", "Facility Name"),
            org_pac_id="org_pac_id",
            org_members="num_org_mem",
            address_1=("adr_ln_1", "Full Street Address"),
            address_2="adr_ln_2",
            line_2_suppressed="ln_2_sprs",
            city=("cty", "City/Town"),
            state=("st", "State"),
            zip=("zip", "ZIP Code"),
            phone=("phn_numbr", "Telephone Number"),
            **{f"hosp_ccn_{i}": f"hosp_afl_{i}" for i in range(1, 6)},
            **{f"hosp_name_{i}": f"hosp_afl_lbn_{i}" for i in range(1, 6)},
            accepts_assignment="ind_assgn",
            group_assignment="grp_assgn",
            address_id="adrs_id",
        ),
        signature=("npi", "primary_specialty", "address_id"),
        required=("npi",),
    ),
    Layout(
        dataset="hospitals",
        name="CMS Hospital General Information",
        description="Hospitals with type, ownership and overall star rating",
        columns=_cols(
            facility_id="Facility ID",
            name="Facility Name",
            address="Address",
            city="City/Town",
            state="State",
            zip="ZIP Code",
            county="County/Parish",
            phone="Telephone Number",
            hospital_type="Hospital Type",
            ownership="Hospital Ownership",
            emergency="Emergency Services",
            overall_rating="Hospital overall rating",
            rating_footnote="Hospital overall rating footnote",
        ),
        signature=("facility_id", "name", "overall_rating"),
        required=("facility_id", "name"),
    ),
    Layout(
        dataset="zcta_gazetteer",
        name="Census Gazetteer ZCTA file",
        description="ZIP Code Tabulation Areas with land area and interior point",
        columns=_cols(
            zip="GEOID",
            population=("POP10", "POP20"),
            land_sqmi="ALAND_SQMI",
            lat="INTPTLAT",
            lon="INTPTLONG",
        ),
        signature=("zip", "lat", "lon", "land_sqmi"),
        required=("zip", "lat", "lon"),
    ),
    Layout(
        dataset="zip_latlon",
        name="ZIP code list with city and coordinates",
        description="ZIP codes with city, state, latitude and longitude (semicolon separated)",
        columns=_cols(zip="Zip", city="City", state="State", lat="Latitude", lon="Longitude"),
        signature=("zip", "city", "state", "lat", "lon"),
        required=("zip", "lat", "lon"),
    ),
    Layout(
        dataset="geonames_postal",
        name="GeoNames postal codes (US)",
        description="GeoNames postal code dump: place name, state, county and coordinates",
        columns=_cols(
            country="country",
            zip="postal_code",
            city="place_name",
            state_name="admin_name1",
            state="admin_code1",
            county="admin_name2",
            county_code="admin_code2",
            lat="latitude",
            lon="longitude",
            accuracy="accuracy",
        ),
        signature=(),
        headerless=(
            "country",
            "postal_code",
            "place_name",
            "admin_name1",
            "admin_code1",
            "admin_name2",
            "admin_code2",
            "admin_name3",
            "admin_code3",
            "latitude",
            "longitude",
            "accuracy",
        ),
        looks_like=lambda row: (
            len(row) == 12 and len(row[0]) == 2 and row[0].isalpha() and row[1][:5].isdigit()
        ),
        required=("zip", "lat", "lon"),
    ),
    Layout(
        dataset="places_table",
        name="US places with coordinates and population (simplemaps layout)",
        description="Cities with state, county, coordinates, population and ZIP lists",
        columns=_cols(
            city="city",
            state="state_id",
            county="county_name",
            lat="lat",
            lon="lng",
            population="population",
            zips="zips",
        ),
        signature=("city", "state", "lat", "lon", "population"),
        required=("city", "state", "lat", "lon"),
        kind="parquet",
    ),
)

LAYOUTS_BY_DATASET: dict[str, Layout] = {layout.dataset: layout for layout in LAYOUTS}


def detect_layout(sniffed: Sniffed, display: str) -> Layout:
    """The layout of a sniffed file, or an error naming what was expected."""
    candidates = [layout for layout in LAYOUTS if layout.kind == sniffed.kind]
    matching = [layout for layout in candidates if layout.matches(sniffed)]
    if matching:
        return max(matching, key=lambda layout: len(layout.signature))
    closest = max(candidates, key=lambda layout: _overlap(layout, sniffed), default=None)
    found = ", ".join(sniffed.header[:8]) + (" ..." if len(sniffed.header) > 8 else "")
    expected = "; ".join(
        f"{layout.name}: {', '.join(layout.expected_columns())}"
        for layout in sorted(candidates, key=lambda lay: -_overlap(lay, sniffed))[:3]
        if layout.signature
    )
    hint = f"closest known layout: {closest.name}" if closest else None
    raise UnknownLayoutError(
        f"unknown layout; found columns [{found}]; expected one of: {expected}",
        path=display,
        line=1,
        hint=hint,
    )


def _overlap(layout: Layout, sniffed: Sniffed) -> int:
    present = set(sniffed.normalized_header)
    return sum(1 for c in layout.signature if layout._any(c, present))
