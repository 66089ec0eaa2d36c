"""`docfinder ingest FILE...`"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from docfinder.commands.common import db_location, db_option, echo_json, json_option
from docfinder.ingest import FileReport, run_ingest


@click.command()
@db_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--year", type=int, help="Data year, for claims files whose name does not say it.")
@click.option("--force", is_flag=True, help="Reload files whose exact bytes were loaded before.")
@click.option("--strict", is_flag=True, help="Load nothing unless every file loads.")
@json_option
def command(
    db: str | None,
    files: tuple[Path, ...],
    year: int | None,
    force: bool,
    strict: bool,
    as_json: bool,
) -> None:
    """Load official public files (NPPES, NUCC, Medicare, Part D, DAC, hospitals, geography).

    Each file's kind is worked out from its header. The store being served changes only when
    the whole run has finished.
    """
    location = db_location(db)
    console = Console(stderr=True)
    if as_json or not console.is_terminal:
        reports = run_ingest(location, files, year=year, force=force, strict=strict)
    else:
        reports = _with_progress(console, location, files, year, force, strict)
    if as_json:
        echo_json({"db": location, "files": [r.as_json() for r in reports]})
    else:
        _print_table(reports, location)
    if any(r.status in ("failed", "rolled back") for r in reports):
        sys.exit(1)


def _with_progress(
    console: Console,
    location: str,
    files: tuple[Path, ...],
    year: int | None,
    force: bool,
    strict: bool,
) -> list[FileReport]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def progress(name: str, rows: int, _bytes: int) -> None:
            if name not in tasks:
                tasks[name] = int(bar.add_task(Path(name).name[-50:], total=None, rows=0))
            bar.update(tasks[name], rows=rows)  # type: ignore[arg-type]

        return run_ingest(location, files, year=year, force=force, strict=strict, progress=progress)


def _print_table(reports: list[FileReport], location: str) -> None:
    table = Table(title=f"ingest into {location}")
    for name in ("file", "dataset", "read", "loaded", "rejected", "status"):
        table.add_column(
            name, justify="right" if name in ("read", "loaded", "rejected") else "left"
        )
    for r in reports:
        table.add_row(
            Path(r.path).name,
            r.dataset or "?",
            f"{r.rows_read:,}",
            f"{r.rows_loaded:,}",
            f"{r.rows_rejected:,}",
            r.status,
        )
    console = Console()
    console.print(table)
    for r in reports:
        if r.error:
            console.print(f"[red]error[/red] {r.error}", highlight=False)
