"""`docfinder catalog`: list the treatment catalog and check its files."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from docfinder.catalog.loader import load_catalog
from docfinder.catalog.model import Catalog, Entry
from docfinder.catalog.validate import load_nucc_codes, validate_catalog

_PATHS = click.argument(
    "paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[PATH]..."
)


@click.group(name="catalog")
def command() -> None:
    """The treatment catalog: the treatments, conditions and symptoms docfinder knows."""


def _load(paths: tuple[Path, ...]) -> Catalog:
    return load_catalog(paths or None)


@command.command(name="validate")
@_PATHS
@click.option(
    "--nucc",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="NUCC taxonomy CSV; without it taxonomy codes are checked for format only.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the problems as JSON.")
def validate_command(paths: tuple[Path, ...], nucc: Path | None, as_json: bool) -> None:
    """Check the catalog files (default: those shipped with docfinder).

    Exits with status 1 when any problem is found; each is printed with its file, line,
    entry slug and field.
    """
    catalog = _load(paths)
    nucc_codes = load_nucc_codes(nucc) if nucc is not None else None
    problems = validate_catalog(catalog, nucc_codes)
    if as_json:
        report = {
            "files": list(catalog.paths),
            "entries": len(catalog),
            "nucc_checked": nucc_codes is not None,
            "problems": [p.as_dict() for p in problems],
        }
        click.echo(json.dumps(report, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem))
        click.echo(_summary(catalog, len(problems), nucc), err=True)
    if problems:
        click.get_current_context().exit(1)


def _summary(catalog: Catalog, problem_count: int, nucc: Path | None) -> str:
    scope = f"{len(catalog)} entries in {len(catalog.paths)} files"
    codes = "" if nucc else " (taxonomy codes checked for format only: pass --nucc to check them)"
    if problem_count:
        return f"{problem_count} problems in {scope}{codes}; fix them and run this again"
    return f"catalog OK: {scope}{codes}"


@command.command(name="list")
@_PATHS
@click.option("--json", "as_json", is_flag=True, help="Print the entries as JSON.")
def list_command(paths: tuple[Path, ...], as_json: bool) -> None:
    """List the catalog's entries: slug, kind, body system and name."""
    catalog = _load(paths)
    if as_json:
        click.echo(json.dumps([_entry_summary(e) for e in catalog], indent=2))
        return
    table = Table("slug", "kind", "body system", "name", "file")
    for entry in catalog:
        table.add_row(
            entry.slug, entry.kind, entry.body_system, entry.name, Path(entry.origin.path).name
        )
    Console(width=160).print(table)


def _entry_summary(entry: Entry) -> dict[str, object]:
    return {
        "slug": entry.slug,
        "name": entry.name,
        "kind": str(entry.kind),
        "body_system": entry.body_system,
        "synonyms": list(entry.synonyms),
        "related": list(entry.related),
        "file": Path(entry.origin.path).name,
        "line": entry.origin.line,
    }
