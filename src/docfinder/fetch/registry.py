"""The datasets `docfinder fetch` knows: publisher URLs and file facts, kept as data in one place.

Publishers move their files. Three kinds of default address are used so that the defaults stay
useful for as long as possible:

- ``direct``: the file itself. Used where the publisher keeps one URL per release for good
  (CMS data.cms.gov annual files, NUCC code-set versions, Census Gazetteer years). These name a
  release, so they age; override them with ``--url`` or ``DOCFINDER_FETCH_URLS``.
- ``cms-metastore``: the CMS Provider Data Catalog metastore item of a dataset, whose JSON names
  the current CSV. The CSV's own URL carries a hash that changes at every refresh.
- ``index-page``: a listing page; the newest link matching ``link_pattern`` is taken (NPPES
  publishes one monthly zip and a few weekly zips at a time, named by date).

An override always names the file directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FileKind = Literal["zip", "csv"]
Resolver = Literal["direct", "cms-metastore", "index-page"]


@dataclass(frozen=True)
class StateColumns:
    """Where the state lives in one row-oriented CSV: a plain file, or members of a zip."""

    # Candidate header names; the first present in the file is used (matched case-insensitively).
    columns: tuple[str, ...]
    # A regular expression matched against a zip member's base name; None for a plain CSV file.
    member_pattern: str | None = None


@dataclass(frozen=True)
class Dataset:
    """One public dataset: where it is published and what kind of file it is."""

    name: str
    title: str
    url: str
    kind: FileKind
    landing_page: str
    resolver: Resolver = "direct"
    # For index-page: the file name to look for; named groups give its release date
    # (``year`` + ``month`` name, or ``end`` as MMDDYY) so that the newest one wins.
    link_pattern: str | None = None
    state_columns: tuple[StateColumns, ...] = ()
    notes: str = ""


_NPPES_PAGE = "https://download.cms.gov/nppes/NPI_Files.html"
_NPPES_STATES = (
    StateColumns(
        ("Provider Business Practice Location Address State Name",),
        r"^npidata_pfile_\d{8}-\d{8}\.csv$",
    ),
    StateColumns(
        ("Provider Secondary Practice Location Address - State Name",),
        r"^pl_pfile_\d{8}-\d{8}\.csv$",
    ),
)
_DATA_CMS = "https://data.cms.gov/sites/default/files"
_PDC_ITEMS = "https://data.cms.gov/provider-data/api/1/metastore/schemas/dataset/items"
_MUP = "https://data.cms.gov/provider-summary-by-type-of-service"

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            name="nppes",
            title="NPPES Data Dissemination, monthly full replacement file (V.2)",
            url=_NPPES_PAGE,
            kind="zip",
            landing_page=_NPPES_PAGE,
            resolver="index-page",
            link_pattern=r"NPPES_Data_Dissemination_(?P<month>[A-Z][a-z]+)_(?P<year>\d{4})_V2\.zip",
            state_columns=_NPPES_STATES,
            notes="About 1 GB zipped, 10 GB unzipped; CMS posts one a month.",
        ),
        Dataset(
            name="nppes-weekly",
            title="NPPES Data Dissemination, weekly incremental file (V.2)",
            url=_NPPES_PAGE,
            kind="zip",
            landing_page=_NPPES_PAGE,
            resolver="index-page",
            link_pattern=(
                r"NPPES_Data_Dissemination_(?P<start>\d{6})_(?P<end>\d{6})_Weekly_V2\.zip"
            ),
            state_columns=_NPPES_STATES,
            notes="Changes of one week, to apply on top of the monthly file.",
        ),
        Dataset(
            name="nucc",
            title="NUCC Health Care Provider Taxonomy code set (CSV), version 26.1",
            url="https://www.nucc.org/images/stories/CSV/nucc_taxonomy_261.csv",
            kind="csv",
            landing_page=(
                "https://www.nucc.org/index.php/code-sets-mainmenu-41/"
                "provider-taxonomy-mainmenu-40/csv-mainmenu-57"
            ),
            notes="A new version each January (x.0) and July (x.1); cp1252-encoded.",
        ),
        Dataset(
            name="provider-service",
            title="Medicare Physician & Other Practitioners, by Provider and Service (2024)",
            url=f"{_DATA_CMS}/2026-05/b5ebab5a-f490-418a-9bce-4b9f31419356/"
            "PHY_R26_P05_V10_D24_Prov_Svc.csv",
            kind="csv",
            landing_page=f"{_MUP}/medicare-physician-other-practitioners/"
            "medicare-physician-other-practitioners-by-provider-and-service",
            state_columns=(StateColumns(("Rndrng_Prvdr_State_Abrvtn", "nppes_provider_state")),),
            notes="About 3 GB; one file per data year, published each spring.",
        ),
        Dataset(
            name="partd",
            title="Medicare Part D Prescribers, by Provider and Drug (2024)",
            url=f"{_DATA_CMS}/2026-05/0ae165f4-eb44-495d-8cac-67f4571b6b83/"
            "MUP_DPR_RY26_P04_V10_DY24_NPIBN.csv",
            kind="csv",
            landing_page=f"{_MUP}/medicare-part-d-prescribers/"
            "medicare-part-d-prescribers-by-provider-and-drug",
            state_columns=(StateColumns(("Prscrbr_State_Abrvtn", "nppes_provider_state")),),
            notes="About 4 GB; one file per data year, published each spring.",
        ),
        Dataset(
            name="dac",
            title="Doctors and Clinicians National Downloadable File",
            url=f"{_PDC_ITEMS}/mj5m-pzi6",
            kind="csv",
            landing_page="https://data.cms.gov/provider-data/dataset/mj5m-pzi6",
            resolver="cms-metastore",
            state_columns=(StateColumns(("st", "State")),),
            notes="About 1 GB; refreshed monthly under a new URL.",
        ),
        Dataset(
            name="hospitals",
            title="Hospital General Information",
            url=f"{_PDC_ITEMS}/xubh-q36u",
            kind="csv",
            landing_page="https://data.cms.gov/provider-data/dataset/xubh-q36u",
            resolver="cms-metastore",
            state_columns=(StateColumns(("State",)),),
            notes="A few MB; refreshed quarterly under a new URL.",
        ),
        Dataset(
            name="gazetteer",
            title="Census Gazetteer, ZIP Code Tabulation Areas (2024)",
            url="https://www2.census.gov/geo/docs/maps-data/data/gazetteer/"
            "2024_Gazetteer/2024_Gaz_zcta_national.zip",
            kind="zip",
            landing_page="https://www.census.gov/geographies/reference-files/time-series/"
            "geo/gazetteer-files.html",
            notes="A tab-separated text file inside a zip; one per year.",
        ),
    )
}

# The incremental weekly file is only useful on top of a monthly one, so it is fetched on request.
DEFAULT_SELECTION: tuple[str, ...] = tuple(n for n in DATASETS if n != "nppes-weekly")


def get_dataset(name: str) -> Dataset:
    """The dataset called `name`; KeyError names the known ones."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"unknown dataset {name!r}; known: {', '.join(DATASETS)}") from None
