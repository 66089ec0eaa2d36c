"""`docfinder fetch`: download the official public files, the only command that uses the network."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from docfinder.errors import InputError
from docfinder.fetch import (
    DATASETS,
    DEFAULT_SELECTION,
    URLS_ENV,
    FetchRequest,
    FileReport,
    RetryPolicy,
    Source,
    fetch_all,
    load_urls_file,
    parse_states,
    parse_url_flags,
    select_sources,
    urls_file_from_env,
)
from docfinder.fetch.download import ProgressSink
from docfinder.fetch.run import ProgressFor


def _epilog() -> str:
    lines = [f"  {name:<17} {d.title}" for name, d in DATASETS.items()]
    return (
        "\b\nDatasets (default: all but nppes-weekly):\n"
        + "\n".join(lines)
        + f"\n\nURLs: registry defaults < the JSON/TOML file named by {URLS_ENV} < --url."
    )


@click.command(epilog=_epilog())
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--datasets",
    "-d",
    "dataset_values",
    multiple=True,
    metavar="NAME[,NAME…]",
    help="Datasets to fetch (repeatable or comma-separated).",
)
@click.option(
    "--states",
    "state_values",
    multiple=True,
    metavar="ST[,ST…]",
    help="Also write a copy of each row-oriented CSV with only these states' rows.",
)
@click.option(
    "--url",
    "url_values",
    multiple=True,
    metavar="DATASET=URL",
    help="Fetch DATASET from URL instead of its default (repeatable).",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON report instead of progress.")
@click.option(
    "--retries",
    type=click.IntRange(0, 20),
    default=4,
    show_default=True,
    help="Retries of a transient failure (dropped connection, timeout, 5xx).",
)
@click.option(
    "--retry-wait",
    "retry_wait_seconds",
    type=click.FloatRange(0, 600),
    default=2.0,
    show_default=True,
    help="Seconds before the first retry; doubled for each further one.",
)
def command(
    outdir: Path,
    dataset_values: tuple[str, ...],
    state_values: tuple[str, ...],
    url_values: tuple[str, ...],
    as_json: bool,
    retries: int,
    retry_wait_seconds: float,
) -> None:
    """Download the official public files into OUTDIR, resuming and verifying them.

    Files already in OUTDIR that match are skipped; OUTDIR/fetch-manifest.json records what
    was fetched, from where, with its size and sha256.
    """
    request = FetchRequest(
        outdir=outdir,
        sources=tuple(_sources(dataset_values, url_values)),
        states=_states(state_values),
        policy=RetryPolicy(retries=retries, wait_seconds=retry_wait_seconds),
    )
    if as_json:
        reports = fetch_all(request)
        click.echo(json.dumps({"files": [r.as_json() for r in reports]}, indent=2))
    else:
        with _rich_progress() as progress_for:
            reports = fetch_all(request, progress_for=progress_for)
        _print_summary(reports)
    if any(r.status == "failed" for r in reports):
        # SystemExit rather than ctx.exit: click's non-standalone main returns an Exit's code
        # instead of raising it, which would turn a failed fetch into exit status 0.
        raise SystemExit(1)


def _sources(dataset_values: Sequence[str], url_values: Sequence[str]) -> list[Source]:
    names = _split(dataset_values) or list(DEFAULT_SELECTION)
    urls_file = urls_file_from_env()
    try:
        from_file = load_urls_file(urls_file) if urls_file else {}
        label = f"{URLS_ENV}={urls_file}" if urls_file else "URL file"
        return select_sources(names, from_file, parse_url_flags(url_values), label)
    except InputError as exc:
        raise click.UsageError(str(exc)) from exc


def _states(state_values: Sequence[str]) -> tuple[str, ...]:
    try:
        return parse_states(state_values)
    except InputError as exc:
        raise click.UsageError(str(exc)) from exc


def _split(values: Sequence[str]) -> list[str]:
    names: list[str] = []
    for value in values:
        for name in (part.strip() for part in value.split(",")):
            if name and name not in names:
                names.append(name)
    return names


class _RichSink:
    """One file's bar, created when its transfer starts (a skipped file gets none)."""

    def __init__(self, progress: Progress, label: str) -> None:
        self._progress = progress
        self._label = label
        self._task: TaskID | None = None

    def start(self, total_bytes: int | None, completed_bytes: int) -> None:
        if self._task is None:
            self._task = self._progress.add_task(
                self._label, total=total_bytes, completed=completed_bytes
            )
        else:
            self._progress.update(self._task, total=total_bytes, completed=completed_bytes)

    def advance(self, n_bytes: int) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n_bytes)


@contextmanager
def _rich_progress() -> Iterator[ProgressFor]:
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as progress:

        def progress_for(dataset: str, filename: str) -> ProgressSink:
            return _RichSink(progress, dataset)

        yield progress_for


def _print_summary(reports: Sequence[FileReport]) -> None:
    table = Table("dataset", "status", "bytes")
    table.add_column("file", overflow="fold")
    for report in reports:
        status = "[red]failed[/red]" if report.status == "failed" else report.status
        size = f"{report.size:,}" if report.size is not None else ""
        table.add_row(report.dataset, status, size, str(report.path or report.url))
        for copy in report.filtered:
            table.add_row("", f"{'-'.join(copy.states)} rows", f"{copy.rows:,}", str(copy.path))
    console = Console()
    console.print(table)
    for report in reports:
        if report.error:
            console.print(f"[red]{report.dataset}[/red]: {report.error}", highlight=False)
