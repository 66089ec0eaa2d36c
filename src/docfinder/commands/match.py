"""`docfinder match TEXT`: what a text names: a treatment, condition, specialty or code."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import click

from docfinder.catalog.matcher import Matcher, WhatMatch
from docfinder.commands.common import echo_json, json_option, optional_store_path
from docfinder.store import open_store

DB_HELP = (
    "A store whose NUCC taxonomy and billed codes to use (default: $DOCFINDER_DB if that "
    "file exists, else docfinder's built-in catalog and specialties)."
)


@click.command(name="match")
@click.argument("text")
@json_option
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 100))
@click.option("--db", "db", default=None, metavar="PATH", help=DB_HELP)
def command(text: str, as_json: bool, limit: int, db: str | None) -> None:
    """The treatments, conditions, specialties or codes TEXT may name, best first.

    Each has a score from 0 to 1; 1.0 is an exact hit on a name or synonym. With nothing
    above the threshold, the nearest readings are shown as suggestions (exit status 1).
    """
    with optional_store(db) as con:
        matcher = Matcher.from_store(con) if con is not None else Matcher.default()
    matches = matcher.match(text, limit)
    if as_json:
        echo_json([m.as_dict() for m in matches])
        return
    if not matches:
        names = ", ".join(s.name for s in matcher.suggest(text, 3))
        hint = f"; did you mean: {names}?" if names else "; try other words or a CPT code"
        click.echo(f"no treatment, condition or specialty matches {text!r}{hint}", err=True)
        click.get_current_context().exit(1)
    for match in matches:
        click.echo(_line(match))


def _line(match: WhatMatch) -> str:
    return (
        f"{match.score:.3f}  {match.kind:<9}  {match.slug:<32}  {match.name}  (via {match.via!r})"
    )


@contextlib.contextmanager
def optional_store(db: str | None) -> Iterator[Any]:
    """A read-only connection to the store named by --db or $DOCFINDER_DB when that file
    exists, else None (the built-in data is used)."""
    path = optional_store_path(db, "docfinder's built-in data")
    if path is None:
        yield None
        return
    con = open_store(path).connect()
    try:
        yield con
    finally:
        con.close()
