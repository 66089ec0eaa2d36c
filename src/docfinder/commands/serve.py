"""`docfinder serve`: the web site and JSON API."""

from __future__ import annotations

import os

import click

from docfinder.commands.common import db_location, db_option
from docfinder.errors import StoreError


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Worker processes (each holds its own query understanding).",
)
@click.option("--base-url", help="Public origin for canonical links (default: each request's).")
@click.option("--tile-url", help="Leaflet tile URL template; empty for a map without tiles.")
def command(
    db: str | None,
    host: str,
    port: int,
    workers: int,
    base_url: str | None,
    tile_url: str | None,
) -> None:
    """Serve the web site and the JSON API (/api/v1) over a store.

    Other settings come from DOCFINDER_* variables; docs/web.md lists them.
    """
    import uvicorn

    location = db_location(db)
    if "://" not in location and not os.path.exists(location):
        raise StoreError(
            f"no store at {location}; build one with `make demo` or `docfinder ingest`"
        )
    # Workers are separate processes: they read their settings from the environment.
    os.environ["DOCFINDER_DB"] = location
    if base_url is not None:
        os.environ["DOCFINDER_BASE_URL"] = base_url
    if tile_url is not None:
        os.environ["DOCFINDER_TILE_URL"] = tile_url
    shown = "localhost" if host in ("127.0.0.1", "0.0.0.0") else host
    click.echo(f"docfinder: serving {location}", err=True)
    click.echo(f"  open http://{shown}:{port}/  (API: http://{shown}:{port}/api/v1/docs)", err=True)
    uvicorn.run(
        "docfinder.web.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
