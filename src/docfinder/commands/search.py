"""`docfinder search TEXT`"""

from __future__ import annotations

from typing import Any

import click
from rich.console import Console
from rich.table import Table

from docfinder import core
from docfinder.commands.common import db_location, db_option, echo_json, json_option
from docfinder.search.engine import SORTS, Filters


@click.command()
@click.argument("text")
@click.option("--near", help="Place: city and state, ZIP, county or state.")
@click.option("--lat", type=float, help="Your latitude (for 'near me').")
@click.option("--lon", type=float, help="Your longitude (for 'near me').")
@click.option("--radius-miles", type=float, help="Search no further than this.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0))
@click.option("--sort", type=click.Choice(SORTS), default="best", show_default=True)
@click.option("--specialty", help="Only this NUCC taxonomy code (or its prefix).")
@click.option("--entity", type=click.Choice(["individual", "organization"]))
@click.option("--gender", type=click.Choice(["F", "M"]))
@click.option("--telehealth/--no-telehealth", default=None)
@click.option("--accepts-medicare/--any-assignment", "accepts", default=None)
@click.option("--hospital", help="Affiliated with this hospital (CCN or part of its name).")
@click.option("--explain", is_flag=True, help="Show each result's score breakdown.")
@db_option
@json_option
def command(
    text: str,
    near: str | None,
    lat: float | None,
    lon: float | None,
    radius_miles: float | None,
    limit: int,
    offset: int,
    sort: str,
    specialty: str | None,
    entity: str | None,
    gender: str | None,
    telehealth: bool | None,
    accepts: bool | None,
    hospital: str | None,
    explain: bool,
    db: str | None,
    as_json: bool,
) -> None:
    """The best doctors near a place for a treatment, condition or specialty, with reasons.

    TEXT may carry the place: "metastasectomy in Ukiah, CA", "psoriasis near me".
    """
    filters = Filters(specialty, entity, gender, telehealth, accepts, hospital)
    result = core.search(
        db_location(db),
        text,
        near=near,
        lat=lat,
        lon=lon,
        radius_miles=radius_miles,
        limit=limit,
        offset=offset,
        sort=sort,
        filters=filters,
        explain=explain,
    )
    if as_json:
        echo_json(result)
        return
    _print(result, explain)


def _where(where: dict[str, Any]) -> str:
    return "you" if where.get("slug") == "near-me" else str(where["name"])


def _print(result: dict[str, Any], explain: bool) -> None:
    console = Console()
    query = result["query"]
    console.print(
        f"[bold]Best doctors for {query['what']['name']} near {_where(query['where'])}[/bold]"
        f" ({query['total']} found within {query['radius_miles']:.0f} miles)"
    )
    table = Table(show_lines=True)
    for name in ("#", "doctor", "miles", "score", "why"):
        table.add_column(name, justify="right" if name in ("#", "miles", "score") else "left")
    for r in result["results"]:
        who = f"{r['name']} {r['credentials'] or ''}\n{r['specialty'] or ''}\n"
        who += f"{r['address']}, {r['city']}, {r['state']} {r['zip']}\n{r['phone'] or ''}"
        why = "\n".join(
            f"• {e['text']} [dim]({e['source']}{', ' + str(e['year']) if e['year'] else ''})[/dim]"
            for e in r["evidence"]
        )
        if explain:
            why += "\n[dim]" + ", ".join(f"{k}={v}" for k, v in r["breakdown"].items()) + "[/dim]"
        miles = "<1" if r["distance_miles"] < 1 else f"{r['distance_miles']:.0f}"
        table.add_row(str(r["rank"]), who, miles, f"{r['score']:.3f}", why)
    console.print(table)
    for note in result["notes"]:
        console.print(f"[dim]{note}[/dim]")
