"""Options and output helpers shared by the commands."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from docfinder.config import DB_ENV, resolve_db
from docfinder.store import is_postgres_url, open_store

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


def optional_store_path(db: str | None, fallback: str) -> str | None:
    """The store to read, only when named (--db or DOCFINDER_DB) and holding data.

    Commands that work without a store (match, place, parse) use their built-in data
    otherwise, and say so when a named store is missing.
    """
    value = db or os.environ.get(DB_ENV)
    if not value:
        return None
    if is_postgres_url(value):
        if open_store(value).exists():
            return value
        if db:
            click.echo(f"no docfinder data at the database given; using {fallback}", err=True)
        return None
    path = Path(value).expanduser()
    if path.exists():
        return str(path)
    if db:
        click.echo(f"no store at {path}; using {fallback}", err=True)
    return None


def echo_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str))
