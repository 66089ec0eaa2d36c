"""The official-layout files of ../shared/data and the dataset each must be detected as.

One list for every test that walks the shared slices (conftest, detection, ingest).
"""

from __future__ import annotations

OFFICIAL_FILES: dict[str, str] = {
    "nppes/npidata_pfile_sample_2025_1000.csv": "nppes",
    "nppes/npidata_pfile_sample_2025_99_quoted.csv": "nppes",
    "nppes/npidata_orgs_2025_1765_pandas_export.csv": "nppes",
    "nppes/npidata_pfile_2016_first10k_41cols.csv": "nppes",
    "nppes/npi_addresses_geocoded_2025.csv": "geocoded_addresses",
    "nppes/pl_pfile_20251103-20251109.csv": "nppes_pl",
    "nppes/pl_pfile_sample_2023.csv": "nppes_pl",
    "nppes/othername_pfile_20251103-20251109.csv": "nppes_othername",
    "nppes/othername_pfile_sample_2023.csv": "nppes_othername",
    "nppes/endpoint_pfile_20251103-20251109.csv": "nppes_endpoint",
    "nppes/endpoint_pfile_sample_2023.csv": "nppes_endpoint",
    "taxonomy/nucc_taxonomy_251.csv": "nucc_taxonomy",
    "taxonomy/medicare_specialty_taxonomy_crosswalk_recent.csv": "specialty_crosswalk",
    "taxonomy/medicare_specialty_taxonomy_crosswalk_2020.csv": "specialty_crosswalk",
    **{
        f"provider_service/mup_phy_prov_svc_{year}_mohs_17311-17315.csv": "provider_service"
        for year in range(2013, 2022)
    },
    "provider_service/medicare_puf_cy2012_first17k_legacy.tsv": "provider_service",
    "dac/DAC_NationalDownloadableFile_sample_2021_386.csv": "dac",
    "dac/dac_reduced_sample_2025_9685.csv": "dac",
    "hospitals/Hospital_General_Information_2025.csv": "hospitals",
    "geo/census_gazetteer_zcta_2010.csv": "zcta_gazetteer",
    "geo/census_gazetteer_zcta_national_reordered.txt": "zcta_gazetteer",
    "geo/geonames_US_postal_codes.txt": "geonames_postal",
    "geo/us_zip_latlon_semicolon.csv": "zip_latlon",
    "geo/us_cities_simplemaps_basic.parquet": "places_table",
}
