"""One fetch run: resolve each source, download it, filter it by state, update the manifest."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Literal
from urllib.parse import unquote, urlsplit

import httpx

from docfinder import __version__
from docfinder.errors import DocfinderError
from docfinder.fetch.download import (
    Downloaded,
    Expected,
    NoProgress,
    ProgressSink,
    RetryPolicy,
    download,
)
from docfinder.fetch.errors import FetchError
from docfinder.fetch.manifest import ManifestEntry, read_manifest, write_manifest
from docfinder.fetch.overrides import Source
from docfinder.fetch.registry import Dataset, get_dataset
from docfinder.fetch.resolve import resolve_file_url
from docfinder.fetch.states import FilteredFile, filter_states

FileStatus = Literal["downloaded", "resumed", "skipped", "failed"]
ProgressFor = Callable[[str, str], ProgressSink]
_TIMEOUT = httpx.Timeout(30.0, read=120.0)


@dataclass(frozen=True)
class FetchRequest:
    """Everything one run needs to know."""

    outdir: Path
    sources: tuple[Source, ...]
    states: tuple[str, ...] = ()
    policy: RetryPolicy = field(default_factory=RetryPolicy)


@dataclass(frozen=True)
class FileReport:
    """The outcome for one dataset."""

    dataset: str
    url: str
    path: Path | None
    size: int | None
    sha256: str | None
    status: FileStatus
    error: str | None = None
    filtered: tuple[FilteredFile, ...] = ()

    def as_json(self) -> dict[str, object]:
        """The report as printed by ``fetch --json``."""
        data: dict[str, object] = {
            "dataset": self.dataset,
            "url": self.url,
            "path": str(self.path) if self.path else None,
            "size": self.size,
            "sha256": self.sha256,
            "status": self.status,
        }
        if self.error is not None:
            data["error"] = self.error
        if self.filtered:
            data["filtered"] = [
                {"path": str(f.path), "column": f.column, "states": list(f.states), "rows": f.rows}
                for f in self.filtered
            ]
        return data


def make_client() -> httpx.Client:
    """The HTTP client of a fetch run: redirects followed, bytes untouched, patient timeouts."""
    # identity: Content-Length and Range must count the file's own bytes, not compressed ones.
    headers = {"User-Agent": f"docfinder/{__version__}", "Accept-Encoding": "identity"}
    return httpx.Client(follow_redirects=True, timeout=_TIMEOUT, headers=headers)


def fetch_all(
    request: FetchRequest,
    client: httpx.Client | None = None,
    progress_for: ProgressFor | None = None,
) -> list[FileReport]:
    """Fetch every source of `request` in turn; one failure does not stop the others."""
    outdir = request.outdir.resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    manifest = read_manifest(outdir)
    reports = []
    with _client(client) as http:
        for source in request.sources:
            reports.append(_fetch_one(http, source, request, outdir, manifest, progress_for))
            # Written after every file, so an interrupted run keeps what it finished.
            write_manifest(outdir, manifest)
    return reports


@contextlib.contextmanager
def _client(client: httpx.Client | None) -> Iterator[httpx.Client]:
    if client is not None:
        yield client
        return
    with make_client() as own:
        yield own


def file_name_for(url: str, dataset: Dataset) -> str:
    """The local name of a file: the last segment of its URL path."""
    name = PurePosixPath(unquote(urlsplit(url).path)).name
    if name in ("", ".", "..") or "\\" in name:
        return f"{dataset.name}.{dataset.kind}"
    return name


def _fetch_one(
    client: httpx.Client,
    source: Source,
    request: FetchRequest,
    outdir: Path,
    manifest: dict[str, ManifestEntry],
    progress_for: ProgressFor | None,
) -> FileReport:
    dataset = get_dataset(source.dataset)
    url = source.url
    try:
        url = resolve_file_url(client, source)
        name = file_name_for(url, dataset)
        sink = progress_for(dataset.name, name) if progress_for else NoProgress()
        expected = Expected(source.size, source.sha256, dataset.kind)
        previous = manifest.get(name)
        result = download(
            client,
            url,
            outdir / name,
            expected,
            previous=previous,
            policy=request.policy,
            progress=sink,
        )
    except (DocfinderError, OSError) as exc:
        return FileReport(dataset.name, url, None, None, None, "failed", _describe(exc, source))
    manifest[name] = _entry(dataset.name, url, result, manifest.get(name))
    return _with_states(_report(dataset.name, url, result), dataset, request.states)


def _with_states(report: FileReport, dataset: Dataset, states: Sequence[str]) -> FileReport:
    if not states or not dataset.state_columns or report.path is None:
        return report
    try:
        filtered = tuple(filter_states(report.path, dataset.state_columns, states))
    except (DocfinderError, OSError) as exc:
        error = f"state filter failed: {exc}"
        return replace(report, status="failed", error=error)
    return replace(report, filtered=filtered)


def _report(dataset: str, url: str, result: Downloaded) -> FileReport:
    return FileReport(dataset, url, result.path, result.size, result.sha256, result.status)


def _entry(
    dataset: str, url: str, result: Downloaded, previous: ManifestEntry | None
) -> ManifestEntry:
    keep_time = result.status == "skipped" and previous is not None and previous.url == url
    fetched_at = previous.fetched_at if keep_time and previous else _now()
    return ManifestEntry(
        dataset=dataset,
        url=url,
        file=result.path.name,
        size=result.size,
        sha256=result.sha256,
        fetched_at=fetched_at,
        etag=result.etag,
        last_modified=result.last_modified,
    )


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _describe(exc: Exception, source: Source) -> str:
    """The error, with what to do next when it does not already say."""
    if isinstance(exc, OSError):
        return f"{exc.filename or 'file'}: {exc.strerror or exc}"
    if not isinstance(exc, FetchError) or exc.hint:
        return str(exc)
    dataset = get_dataset(source.dataset)
    if source.origin == "default":
        hint = f"find the current file at {dataset.landing_page} and pass --url {dataset.name}=URL"
    else:
        hint = f"check the URL given for {dataset.name} in {source.origin}"
    return f"{exc} ({hint})"
