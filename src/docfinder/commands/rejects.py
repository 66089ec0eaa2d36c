"""`docfinder rejects`"""

from __future__ import annotations

import click
from rich.console import Console
from rich.table import Table

from docfinder import core
from docfinder.commands.common import db_location, db_option, echo_json, json_option


@click.command()
@db_option
@click.option("--file", "file", help="Only rows of this file (name or path).")
@click.option("--warnings", is_flag=True, help="Also list warnings (rows loaded with a problem).")
@click.option("--limit", default=1000, show_default=True, help="At most this many rows.")
@json_option
def command(db: str | None, file: str | None, warnings: bool, limit: int, as_json: bool) -> None:
    """The rejected rows, each with its file, line, field and reason."""
    rows = core.rejects(db_location(db), limit=limit, file=file, include_warnings=warnings)
    if as_json:
        echo_json({"rejects": rows})
        return
    table = Table(title=f"{len(rows)} rejected rows" + (" and warnings" if warnings else ""))
    for name in ("file", "line", "field", "reason"):
        table.add_column(name)
    for r in rows:
        table.add_row(r["file"], str(r["line"] or "?"), r["field"] or "", r["reason"])
    Console().print(table)
