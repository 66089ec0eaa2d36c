"""`docfinder stats`"""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from docfinder import core
from docfinder.commands.common import db_location, db_option, echo_json, json_option


@click.command()
@db_option
@json_option
def command(db: str | None, as_json: bool) -> None:
    """Counts per table, and the datasets loaded with their as-of dates."""
    result = core.stats(db_location(db))
    if as_json:
        echo_json(result)
        return
    console = Console()
    tables = Table(title=f"store {result['db']}")
    tables.add_column("table")
    tables.add_column("rows", justify="right")
    for name, count in result["tables"].items():
        tables.add_row(name, f"{count:,}")
    console.print(tables)
    status = ", ".join(f"{k}: {v:,}" for k, v in result["providers_by_status"].items())
    console.print(f"providers by status: {status or 'none'}")
    datasets = Table(title="datasets")
    for name in ("dataset", "files", "rows loaded", "rejected", "as of", "years"):
        datasets.add_column(name)
    for d in result["datasets"]:
        years = ", ".join(str(y) for y in d["data_years"] or [])
        datasets.add_row(
            d["dataset"],
            str(d["files"]),
            f"{d['rows_loaded']:,}",
            f"{d['rows_rejected']:,}",
            str(d["newest_as_of"] or ""),
            years,
        )
    console.print(datasets)
