"""Baselines the suite measures in the same run, so docfinder's figures are ratios on one machine.

    python -m bench.baselines duckdb-read NPPES_CSV --db OUT.duckdb
    python -m bench.baselines pandas-sqlite NPPES_CSV --db OUT.sqlite [--chunk-rows N]

Both load the NPPES columns docfinder reads (its own layout's projection of the file's header:
113 of the 330 columns of the official file) as text, so the three figures do the same work:

- duckdb-read: a bare DuckDB `read_csv` of the file into a table, nothing else (no checks, no
  merge, no derived tables); the floor an ingest built on DuckDB can reach;
- pandas-sqlite: the straightforward way, pandas `read_csv` in chunks, `to_sql` into SQLite.

Each prints one JSON line (rows, columns, output size, seconds of the load itself); the caller
runs it as a child process and measures its wall time and peak memory. `plain_search` is the
search baseline: the same question as docfinder's engine, written as one plain SQL query over
the raw tables.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import duckdb

from docfinder.search.engine import Filters
from docfinder.search.features import HAVERSINE, TargetLists, box, literals, values
from docfinder.search.weights import DEFAULT_WEIGHTS, RankingWeights
from docfinder.sources.layouts import LAYOUTS

BUILD_MEMORY = os.environ.get("DOCFINDER_BUILD_MEMORY", "4GB")


def nppes_columns(path: Path) -> list[str]:
    """The columns of this NPPES file that docfinder's layout reads, in file order."""
    layout = next(layout for layout in LAYOUTS if layout.dataset == "nppes")
    with path.open(encoding="latin-1", newline="") as handle:
        header = next(csv.reader(handle))
    return [name for name in header if layout.canonical_for(name) is not None]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def duckdb_read(path: Path, db: Path, columns: list[str]) -> dict[str, Any]:
    """CREATE TABLE AS SELECT the columns FROM read_csv(all text): a bare DuckDB load."""
    con = duckdb.connect(str(db))
    con.execute(f"SET memory_limit = '{BUILD_MEMORY}'; SET enable_progress_bar = false")
    selected = ", ".join(_quoted(c) for c in columns)
    con.execute(
        f"CREATE TABLE nppes AS SELECT {selected} FROM read_csv(?, header = true, "
        "all_varchar = true)",
        [str(path)],
    )
    rows = int(con.execute("SELECT count(*) FROM nppes").fetchall()[0][0])
    con.execute("CHECKPOINT")
    con.close()
    return {"rows": rows, "columns": len(columns), "output_mb": round(db.stat().st_size / 1e6, 1)}


def pandas_sqlite(path: Path, db: Path, columns: list[str], chunk_rows: int) -> dict[str, Any]:
    """pandas read_csv in chunks of text columns, each appended to SQLite with to_sql."""
    import pandas as pd

    con = sqlite3.connect(db)
    rows = 0
    chunks = pd.read_csv(
        path,
        usecols=columns,
        dtype=str,
        keep_default_na=False,
        chunksize=chunk_rows,
    )
    for chunk in chunks:
        chunk.to_sql("nppes", con, if_exists="append", index=False)
        rows += len(chunk)
    con.commit()
    con.close()
    return {
        "rows": rows,
        "columns": len(columns),
        "output_mb": round(db.stat().st_size / 1e6, 1),
        "chunk_rows": chunk_rows,
        "pandas": pd.__version__,
        "sqlite": sqlite3.sqlite_version,
    }


def plain_search(
    con: Any,
    lists: TargetLists,
    lat: float,
    lon: float,
    radius_miles: float,
    filters: Filters,
    limit: int = 10,
    w: RankingWeights = DEFAULT_WEIGHTS,
) -> list[tuple[Any, ...]]:
    """The page of a search as one plain SQL query over the raw tables (no search tables).

    Providers with a current, geocoded practice location inside the bounding box of the radius
    and within the radius by haversine; their volumes of the target's procedure codes and
    drugs and their best taxonomy fit, each from the raw table by NPI; a simple score of the
    same three parts (volume on a log scale, fit, distance decay); the top `limit`.
    """
    dlat, dlon = box(lat, radius_miles)
    distance = HAVERSINE.format(lat=repr(float(lat)), lon=repr(float(lon)))
    decay = w.travel if lists.travel else w.routine
    conditions: list[str] = ["p.status = 'active'"]
    params: list[Any] = []
    if filters.gender is not None:
        conditions.append("p.sex = ?")
        params.append(filters.gender)
    if filters.accepts_medicare_assignment is not None:
        conditions.append("n.npi IN (SELECT npi FROM clinicians WHERE accepts_assignment = ?)")
        params.append(filters.accepts_medicare_assignment)
    sql = f"""
        WITH near AS (
            SELECT l.npi, min({distance}) AS miles, arg_min(l.address_1, {distance}) AS address,
                   arg_min(l.city, {distance}) AS city, arg_min(l.state, {distance}) AS state
            FROM locations l
            WHERE l.is_current AND l.kind <> 'mailing'
              AND l.lat BETWEEN {lat - dlat!r} AND {lat + dlat!r}
              AND l.lon BETWEEN {lon - dlon!r} AND {lon + dlon!r}
            GROUP BY l.npi HAVING min({distance}) <= {float(radius_miles)!r}),
        proc AS (
            SELECT v.npi, sum(c.weight * COALESCE(v.services, 0)) AS volume
            FROM procedure_volumes v JOIN ({values(lists.procedures)}) c(code, weight)
                ON c.code = v.hcpcs_code
            WHERE v.npi IN (SELECT npi FROM near) GROUP BY 1),
        drug AS (
            SELECT v.npi, sum(d.weight * COALESCE(v.claims, 0)) AS volume
            FROM drug_volumes v JOIN ({values(lists.drug_names)}) d(name, weight)
                ON d.name = v.generic_name
            WHERE v.npi IN (SELECT npi FROM near) GROUP BY 1),
        tax AS (
            SELECT t.npi, max(x.weight * CASE WHEN t.is_primary THEN 1.0
                                          ELSE {w.secondary_taxonomy_factor!r} END) AS fit
            FROM provider_taxonomies t JOIN ({values(lists.taxonomies)}) x(code, weight)
                ON x.code = t.taxonomy_code
            WHERE t.taxonomy_code IN ({literals(lists.taxonomies)})
              AND t.npi IN (SELECT npi FROM near) GROUP BY 1)
        SELECT n.npi, p.last_name, p.first_name, p.org_name, n.address, n.city, n.state,
               n.miles, COALESCE(proc.volume, 0) + COALESCE(drug.volume, 0) AS volume,
               COALESCE(tax.fit, 0) AS fit,
               ({w.experience!r} * least(1.0, ln(1 + COALESCE(proc.volume, 0)
                                                   + COALESCE(drug.volume, 0)) / ln(51))
                + {w.specialty_fit!r} * COALESCE(tax.fit, 0))
               * pow(0.5, n.miles / {decay.half_miles!r}) AS score
        FROM near n JOIN providers p ON p.npi = n.npi
        LEFT JOIN proc ON proc.npi = n.npi LEFT JOIN drug ON drug.npi = n.npi
        LEFT JOIN tax ON tax.npi = n.npi
        WHERE (proc.npi IS NOT NULL OR drug.npi IS NOT NULL OR tax.npi IS NOT NULL)
          AND {" AND ".join(conditions)}
        ORDER BY score DESC, n.npi LIMIT {int(limit)}"""
    return list(con.execute(sql, params).fetchall())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("kind", choices=("duckdb-read", "pandas-sqlite"))
    parser.add_argument("csv", type=Path)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--chunk-rows", type=int, default=100_000)
    args = parser.parse_args()
    columns = nppes_columns(args.csv)
    args.db.unlink(missing_ok=True)
    started = time.perf_counter()
    if args.kind == "duckdb-read":
        result = duckdb_read(args.csv, args.db, columns)
    else:
        result = pandas_sqlite(args.csv, args.db, columns, args.chunk_rows)
    # The load alone, as docfinder's per-file figure (start-up and imports excluded).
    result["seconds"] = round(time.perf_counter() - started, 3)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
