"""`docfinder export OUTDIR` (also `docfinder build-site`): the site as static files."""

from __future__ import annotations

from pathlib import Path

import click

from docfinder.commands.common import db_location, db_option
from docfinder.web.export import export_site
from docfinder.web.settings import WebSettings


@click.command()
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@db_option
@click.option(
    "--treatments",
    default="all",
    show_default=True,
    help="Treatment and specialty slugs, comma-separated, or all.",
)
@click.option(
    "--places",
    default="top:20",
    show_default=True,
    help="top:N (the N cities with most doctors), all, or place slugs.",
)
@click.option("--base-url", help="Public origin for canonical links and the sitemap.")
def command(
    outdir: Path, db: str | None, treatments: str, places: str, base_url: str | None
) -> None:
    """Write the treatment x place pages, treatment pages, doctor profiles, assets and
    sitemap as static HTML, ready for any static host. Unchanged files are not rewritten."""
    settings = WebSettings.from_env(db=db_location(db), base_url=base_url)
    if not settings.base_url:
        click.echo(
            "no --base-url: canonical links are relative and the sitemap has paths", err=True
        )
    report = export_site(settings, outdir, treatments=treatments, places=places)
    click.echo(
        f"{report.pages} pages in {report.seconds:.1f} s ({report.pages_per_second:.1f} pages/s): "
        f"{report.written} written, {report.unchanged} unchanged, into {outdir}"
    )
    for path, status in report.failed[:20]:
        click.echo(f"  skipped {path} (HTTP {status})", err=True)
