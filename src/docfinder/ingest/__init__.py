"""Loading the official files into a store: see `run_ingest`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from docfinder.ingest.pipeline import FileReport, Progress, ingest_planned, plan
from docfinder.store import open_store


def run_ingest(
    db: str,
    paths: Iterable[Path],
    *,
    year: int | None = None,
    force: bool = False,
    strict: bool = False,
    progress: Progress | None = None,
) -> list[FileReport]:
    """Load files into the store at `db`, atomically: the served store changes only at the end.

    Files that cannot be recognised are reported and not loaded. A file that fails while loading
    is rolled back alone; with `strict`, any failure leaves the served store as it was.
    """
    items = plan(paths, year)
    failed = [item for item in items if isinstance(item, FileReport)]
    if strict and failed:
        return failed
    reports: list[FileReport] = []
    try:
        with open_store(db).build() as builder:
            for item in items:
                report = (
                    item
                    if isinstance(item, FileReport)
                    else ingest_planned(builder, item, force=force, progress=progress)
                )
                reports.append(report)
                if strict and report.status == "failed":
                    raise _Abandon()
    except _Abandon:
        for report in reports:
            if report.status == "loaded":
                report.status = "rolled back"
    return reports


class _Abandon(Exception):
    """A strict run saw a failure: leave the served store as it was."""


__all__ = ["FileReport", "run_ingest"]
