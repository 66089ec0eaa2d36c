"""`docfinder generate`: write fictional providers in the official public file layouts."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from docfinder.generate import DEFAULT_YEARS, generate, planned_npis

_BAR_FROM_NPIS = 200_000  # smaller runs finish in seconds; a bar would only flicker


class _Bars:
    """A rich progress display fed by the generator's progress callback."""

    def __init__(self, progress: Progress) -> None:
        self._progress = progress
        self._tasks: dict[str, TaskID] = {}

    def __call__(self, task: str, advance: int, total: int) -> None:
        if task not in self._tasks:
            self._tasks[task] = self._progress.add_task(task, total=total)
        self._progress.advance(self._tasks[task], advance)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--region",
    default="ukiah",
    show_default=True,
    help="'ukiah' (Ukiah, CA, with Sonoma and the SF Bay Area), 'national', or a state code.",
)
@click.option(
    "--scale",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Size multiplier. ukiah: 1.0 = ~5,000 NPIs (the default). national: 1.0 = ~9M NPIs, "
    "~10M service rows, ~25M drug rows, ~18 GB (default 0.01). A state: its share of national.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same bytes.")
@click.option(
    "--years",
    type=click.IntRange(2013, 2099),
    multiple=True,
    help="Data years of the Medicare files, one file each (repeatable). Default: 2023.",
)
@click.option("--quiet", is_flag=True, help="No progress bar or summary.")
def command(
    outdir: Path, region: str, scale: float | None, seed: int, years: tuple[int, ...], quiet: bool
) -> None:
    """Write fictional providers on real US geography into OUTDIR, in official layouts.

    Files: NPPES npidata and pl_pfile, Medicare by provider and service (MUP_PHY_...),
    Part D by provider and drug (MUP_DPR_...), Doctors & Clinicians, Hospital General
    Information, and manifest.json. Every person and organisation is invented and marked
    FICTIONAL DEMO PROVIDER / DEMO.
    """
    console = Console(stderr=True)
    chosen_years = years or DEFAULT_YEARS
    columns = (
        TextColumn("{task.description:<22}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    show_bar = not quiet and _large(region, scale)
    with Progress(*columns, console=console, disable=not show_bar) as progress:
        manifest = generate(outdir, region, scale, seed, chosen_years, _Bars(progress))
    if quiet:
        return
    console.print(
        f"Wrote {len(manifest.files)} files to {outdir} "
        f"(region {manifest.region}, scale {manifest.scale:g}, seed {seed}):"
    )
    for name, rows in manifest.files.items():
        console.print(f"  {name}: {rows:,} rows")


def _large(region: str, scale: float | None) -> bool:
    """Whether a run is big enough to deserve a progress bar."""
    return planned_npis(region, scale) >= _BAR_FROM_NPIS
