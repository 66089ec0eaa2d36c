"""`docfinder place TEXT`: resolve a place name, ZIP, point or "near me", offline."""

from __future__ import annotations

import click

from docfinder.commands.common import echo_json, json_option, optional_store_path
from docfinder.geo import PlaceIndex, PlaceMatch
from docfinder.store import open_store


@click.command(name="place", context_settings={"ignore_unknown_options": True})
@click.argument("text", nargs=-1, required=True)
@json_option
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option(
    "--db",
    "db",
    default=None,
    metavar="PATH",
    help="A store whose geography to use (default: $DOCFINDER_DB if that file exists, "
    "else the geography built into docfinder).",
)
@click.option("--lat", type=click.FloatRange(-90, 90), help='Your latitude, for "near me".')
@click.option("--lon", type=click.FloatRange(-180, 180), help='Your longitude, for "near me".')
def command(
    text: tuple[str, ...],
    as_json: bool,
    limit: int,
    db: str | None,
    lat: float | None,
    lon: float | None,
) -> None:
    """Resolve TEXT (a ZIP, "City, ST", a county, a state, "39.15,-123.21" or "near me").

    Prints the best readings first, with a score (0..1) and a confidence: exact, fuzzy
    (a typo was forgiven) or ambiguous (several places fit; pick one or add the state).
    """
    matches = _index(db).resolve(" ".join(text), limit=limit, lat=lat, lon=lon)
    if as_json:
        echo_json([m.as_dict() for m in matches])
        return
    if not matches:
        click.echo('no place matches; try a ZIP code or "City, ST"', err=True)
        click.get_current_context().exit(1)
    for match in matches:
        click.echo(_line(match))


def _index(db: str | None) -> PlaceIndex:
    path = optional_store_path(db, "the geography built into docfinder")
    if path is None:
        return PlaceIndex.default()
    con = open_store(path).connect()
    try:
        return PlaceIndex.from_store(con)
    finally:
        con.close()


def _line(match: PlaceMatch) -> str:
    place = match.place
    return (
        f"{match.score:.3f}  {match.confidence:<9}  {place.kind:<11}  {place.name}"
        f"  ({place.lat:.4f}, {place.lon:.4f})  {place.slug}"
    )
