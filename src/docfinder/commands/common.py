"""Options and output helpers shared by the commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

import click

from docfinder.config import resolve_db

F = TypeVar("F", bound=Callable[..., Any])


def db_option(func: F) -> F:
    """--db PATH|URL, else DOCFINDER_DB, else the per-user data directory."""
    return click.option(
        "--db",
        "db",
        default=None,
        metavar="PATH|URL",
        help="Store to use (default: $DOCFINDER_DB, else the per-user data directory).",
    )(func)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON.")(func)


def db_location(db: str | None) -> str:
    return resolve_db(db)


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))
