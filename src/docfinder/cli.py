"""The docfinder command line: a thin shell over the library."""

from __future__ import annotations

import importlib
import sys

import click

from docfinder import __version__
from docfinder.errors import DocfinderError

# Each module under docfinder.commands defines one click command named like the module.
_COMMANDS = (
    "ingest",
    "stats",
    "rejects",
    "show",
    "generate",
    "fetch",
    "catalog",
    "match",
    "place",
    "parse",
    "search",
    "serve",
    "export",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="docfinder")
def cli() -> None:
    """Find the doctors who actually do a treatment near a place, from public US data."""


for _name in _COMMANDS:
    try:
        _module = importlib.import_module(f"docfinder.commands.{_name}")
    except ModuleNotFoundError as exc:  # a command still being written
        if exc.name != f"docfinder.commands.{_name}":
            raise
        continue
    cli.add_command(_module.command, name=_name)
if "export" in cli.commands:  # the name for it
    cli.add_command(cli.commands["export"], name="build-site")


def main() -> None:
    """Console-script entry point: report docfinder errors without a traceback."""
    try:
        # Without standalone mode click returns ctx.exit(n)'s code instead of raising it.
        code = cli.main(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except DocfinderError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)
