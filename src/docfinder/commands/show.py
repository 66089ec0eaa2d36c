"""`docfinder show NPI`"""

from __future__ import annotations

import click
from rich.console import Console

from docfinder import core
from docfinder.commands.common import db_location, db_option, echo_json, json_option


@click.command()
@db_option
@click.argument("npi", type=int)
@json_option
def command(db: str | None, npi: int, as_json: bool) -> None:
    """Everything the store holds about one NPI, with the source file and date of each fact."""
    record = core.provider(db_location(db), npi)
    if as_json:
        echo_json(record)
        return
    console = Console()
    name = record["org_name"] or " ".join(
        p for p in (record["first_name"], record["last_name"], record["credential"]) if p
    )
    console.print(f"[bold]{name}[/bold]  NPI {npi}  ({record['status']})")
    console.print(f"  record from {record['source_file']} (line {record['line']})")
    for key in ("taxonomies", "locations", "procedures", "drugs", "clinician", "affiliations"):
        if record[key]:
            console.print(f"[bold]{key}[/bold]")
            for row in record[key]:
                facts = ", ".join(
                    f"{k}={v}"
                    for k, v in row.items()
                    if v is not None and not k.startswith("source_") and k != "line"
                )
                when = row["source_year"] or row["source_as_of"] or ""
                source = f"[dim]({row['source_file']}, {when})[/dim]"
                console.print(f"  {facts}  {source}", highlight=False)
