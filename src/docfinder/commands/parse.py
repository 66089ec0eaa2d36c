"""`docfinder parse TEXT`: how docfinder reads a query: what, where, "near me"."""

from __future__ import annotations

from typing import Any

import click

from docfinder.catalog.matcher import Matcher
from docfinder.commands.common import echo_json, json_option
from docfinder.commands.match import DB_HELP, optional_store
from docfinder.geo import PlaceIndex
from docfinder.search.query import parse


@click.command(name="parse")
@click.argument("text")
@json_option
@click.option("--lat", type=click.FloatRange(-90, 90), help='Your latitude, for "near me".')
@click.option("--lon", type=click.FloatRange(-180, 180), help='Your longitude, for "near me".')
@click.option("--db", "db", default=None, metavar="PATH", help=DB_HELP)
def command(text: str, as_json: bool, lat: float | None, lon: float | None, db: str | None) -> None:
    """Split TEXT into what (treatment, condition, specialty or code) and where (a place or
    "near me"), with the other readings considered and notes on anything guessed."""
    with optional_store(db) as con:
        if con is None:
            matcher, places = Matcher.default(), PlaceIndex.default()
        else:
            matcher, places = Matcher.from_store(con), PlaceIndex.from_store(con)
    result = parse(text, matcher, places, lat=lat, lon=lon).as_dict()
    if as_json:
        echo_json(result)
        return
    click.echo(f"what:  {_what(result['what'])}")
    click.echo(f"where: {_where(result['where'])}")
    for alternative in result["alternatives"]:
        other = f"{_what(alternative['what'])} / {_where(alternative['where'])}"
        click.echo(f"  or:  {other}")
    for note in result["notes"]:
        click.echo(f"note:  {note}")


def _what(what: dict[str, Any] | None) -> str:
    if what is None:
        return "-"
    return f"{what['name']} ({what['kind']} {what['slug']}, score {what['score']:.2f})"


def _where(where: dict[str, Any] | None) -> str:
    if where is None:
        return "-"
    if where["lat"] is None:
        return f"{where['name']} (location not given)"
    return f"{where['name']} ({where['kind']}, {where['lat']:.4f}, {where['lon']:.4f})"
