"""Stream one URL to one file: resume with Range, verify size, sha256 and kind, retry with backoff.

The body goes to ``NAME.part``; ``NAME.part.json`` remembers the URL and the validators
(ETag, Last-Modified) of the response that started it, so that a later run resumes only the
same file. The finished file is renamed into place, so ``NAME`` is always complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal, Protocol, TypeVar

import httpx

from docfinder.fetch.errors import FetchError, TransientFetchError
from docfinder.fetch.manifest import ManifestEntry
from docfinder.fetch.registry import FileKind

CHUNK_BYTES = 1 << 20
_TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
_CHANGED_HINT = "the publisher changed the file, or the configured size/sha256 is out of date"

Status = Literal["downloaded", "resumed", "skipped"]
T = TypeVar("T")


@dataclass(frozen=True)
class Expected:
    """What the finished file must be; None means unknown."""

    size: int | None = None
    sha256: str | None = None
    kind: FileKind | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently to retry a transient failure."""

    retries: int = 4
    wait_seconds: float = 2.0
    max_wait_seconds: float = 60.0

    def wait_before(self, retry: int, retry_after_seconds: float | None) -> float:
        """Seconds to wait before retry number `retry` (0-based): doubling, capped."""
        wait = self.wait_seconds * 2**retry if retry_after_seconds is None else retry_after_seconds
        return min(self.max_wait_seconds, max(0.0, wait))


class ProgressSink(Protocol):
    """Receives byte counts while a file downloads."""

    def start(self, total_bytes: int | None, completed_bytes: int) -> None: ...

    def advance(self, n_bytes: int) -> None: ...


class NoProgress:
    """A ProgressSink that shows nothing."""

    def start(self, total_bytes: int | None, completed_bytes: int) -> None:
        """Ignore the start of a transfer."""

    def advance(self, n_bytes: int) -> None:
        """Ignore progress."""


@dataclass(frozen=True)
class Downloaded:
    """A file in place and verified."""

    path: Path
    size: int
    sha256: str
    status: Status
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class _PartMeta:
    """What started a .part file: enough to tell whether a resumed body is the same file."""

    url: str
    total: int | None
    etag: str | None
    last_modified: str | None

    def validator(self) -> str | None:
        # If-Range needs a strong validator: a weak ETag cannot vouch for byte ranges.
        if self.etag and not self.etag.startswith("W/"):
            return self.etag
        return self.last_modified


def download(
    client: httpx.Client,
    url: str,
    dest: Path,
    expected: Expected,
    *,
    previous: ManifestEntry | None = None,
    policy: RetryPolicy | None = None,
    progress: ProgressSink | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> Downloaded:
    """Fetch `url` to `dest` unless a matching file is already there."""
    if dest.exists():
        kept = _check_existing(client, url, dest, expected, previous)
        if kept is not None:
            return kept
    sink = progress or NoProgress()
    return _with_retries(
        lambda: _transfer(client, url, dest, expected, sink), policy or RetryPolicy(), sleep
    )


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file, read in chunks."""
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(CHUNK_BYTES):
            hasher.update(chunk)
    return hasher.hexdigest()


def _with_retries(
    attempt: Callable[[], T], policy: RetryPolicy, sleep: Callable[[float], None]
) -> T:
    retry = 0
    while True:
        try:
            return attempt()
        except TransientFetchError as exc:
            if retry >= policy.retries:
                raise
            sleep(policy.wait_before(retry, exc.retry_after_seconds))
            retry += 1


# --- an existing file ---------------------------------------------------------------------------


def _check_existing(
    client: httpx.Client,
    url: str,
    dest: Path,
    expected: Expected,
    previous: ManifestEntry | None,
) -> Downloaded | None:
    """A `skipped` result when the file already there is the one wanted, else None.

    A configured sha256 or size decides on its own. Otherwise the server is asked (HEAD) and
    the file is kept when its size, and the ETag the manifest recorded, still agree.
    """
    size = dest.stat().st_size
    if previous is not None and (previous.url != url or previous.size != size):
        previous = None
    if expected.sha256 is not None:
        digest = sha256_file(dest)
        same = digest == expected.sha256 and expected.size in (None, size)
        return _skipped(dest, size, digest, previous) if same else None
    if expected.size is not None:
        if size != expected.size:
            return None
        digest = previous.sha256 if previous else sha256_file(dest)
        return _skipped(dest, size, digest, previous)
    remote = _probe(client, url)
    if previous is not None:
        return (
            _skipped(dest, size, previous.sha256, previous)
            if _unchanged(previous, remote)
            else None
        )
    if remote is not None and remote.total == size:
        return _skipped(dest, size, sha256_file(dest), None, remote)
    return None


def _unchanged(previous: ManifestEntry, remote: _PartMeta | None) -> bool:
    # Offline, the manifest is the best evidence there is.
    if remote is None:
        return True
    if remote.total is not None and remote.total != previous.size:
        return False
    return not (remote.etag and previous.etag and remote.etag != previous.etag)


def _skipped(
    dest: Path,
    size: int,
    digest: str,
    previous: ManifestEntry | None,
    remote: _PartMeta | None = None,
) -> Downloaded:
    source = previous or remote
    etag = source.etag if source else None
    last_modified = source.last_modified if source else None
    return Downloaded(dest, size, digest, "skipped", etag, last_modified)


def _probe(client: httpx.Client, url: str) -> _PartMeta | None:
    """Size and validators from a HEAD request; None when the server cannot say."""
    try:
        response = client.head(url)
    except httpx.HTTPError:
        return None
    if response.status_code != 200:
        return None
    return _meta_of(url, response, _total_of(response, 0))


# --- a transfer ---------------------------------------------------------------------------------


def _transfer(
    client: httpx.Client, url: str, dest: Path, expected: Expected, progress: ProgressSink
) -> Downloaded:
    part, meta_path = _part_paths(dest)
    response, offset = _start(client, url, _resumable(part, meta_path, url))
    try:
        total = _total_of(response, offset)
        meta = _meta_of(url, response, total)
        if offset == 0:
            meta_path.write_text(json.dumps(asdict(meta)), encoding="utf-8")
        hasher = _hash_prefix(part, offset)
        written = _stream_body(response, part, offset, hasher, progress, total)
    finally:
        response.close()
    _verify(url, part, meta_path, written, total, hasher.hexdigest(), expected)
    os.replace(part, dest)
    meta_path.unlink(missing_ok=True)
    status: Status = "resumed" if offset else "downloaded"
    return Downloaded(dest, written, hasher.hexdigest(), status, meta.etag, meta.last_modified)


def _part_paths(dest: Path) -> tuple[Path, Path]:
    return dest.with_name(dest.name + ".part"), dest.with_name(dest.name + ".part.json")


def _resumable(part: Path, meta_path: Path, url: str) -> tuple[_PartMeta, int] | None:
    """The .part left by an earlier attempt at this same URL, with its size."""
    if not part.exists() or not meta_path.exists():
        return None
    try:
        meta = _PartMeta(**json.loads(meta_path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    size = part.stat().st_size
    return (meta, size) if meta.url == url and size > 0 else None


def _start(
    client: httpx.Client, url: str, resume: tuple[_PartMeta, int] | None
) -> tuple[httpx.Response, int]:
    """An open streaming response, and the offset in the file where its body starts."""
    if resume is None:
        response = _send(client, url, {})
        _check_status(response, url, ok=200)
        return response, 0
    meta, offset = resume
    response = _send(client, url, _range_headers(meta, offset))
    if response.status_code == 206 and _continues(response, meta, offset):
        return response, offset
    # 200: no Range support, or If-Range saw a changed file: the body is the whole new file.
    if response.status_code == 200:
        return response, 0
    if response.status_code in (206, 416):
        response.close()
        return _start(client, url, None)
    _check_status(response, url, ok=200)
    return response, 0  # pragma: no cover - _check_status raised


def _send(client: httpx.Client, url: str, headers: dict[str, str]) -> httpx.Response:
    try:
        return client.send(client.build_request("GET", url, headers=headers), stream=True)
    except httpx.UnsupportedProtocol as exc:
        raise FetchError(f"unsupported address: {exc}", url) from exc
    except httpx.TransportError as exc:
        raise TransientFetchError(f"connection failed: {exc}", url) from exc


def _check_status(response: httpx.Response, url: str, ok: int) -> None:
    if response.status_code == ok:
        return
    response.close()
    message = f"the server answered HTTP {response.status_code}"
    if response.status_code in _TRANSIENT_STATUS:
        retry_after = _retry_after(response.headers.get("Retry-After"))
        raise TransientFetchError(message, url, retry_after_seconds=retry_after)
    raise FetchError(message, url)


def _retry_after(value: str | None) -> float | None:
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _range_headers(meta: _PartMeta, offset: int) -> dict[str, str]:
    headers = {"Range": f"bytes={offset}-"}
    validator = meta.validator()
    if validator:
        headers["If-Range"] = validator
    return headers


def _continues(response: httpx.Response, meta: _PartMeta, offset: int) -> bool:
    """Whether a 206 body is the rest of the file the .part started."""
    content_range = _parse_content_range(response.headers.get("Content-Range"))
    if content_range is None or content_range[0] != offset:
        return False
    total = content_range[1]
    if meta.total is not None and total is not None and total != meta.total:
        return False
    etag = response.headers.get("ETag")
    if meta.etag and etag and etag != meta.etag:
        return False
    modified = response.headers.get("Last-Modified")
    return not (meta.last_modified and modified and modified != meta.last_modified)


def _parse_content_range(value: str | None) -> tuple[int, int | None] | None:
    """(first byte, total or None) from ``bytes FIRST-LAST/TOTAL``; None when malformed."""
    if not value or not value.startswith("bytes "):
        return None
    span, _, total = value[6:].partition("/")
    first, _, _ = span.partition("-")
    try:
        return int(first), (None if total.strip() == "*" else int(total))
    except ValueError:
        return None


def _encoded(response: httpx.Response) -> bool:
    return str(response.headers.get("Content-Encoding", "identity")).lower() != "identity"


def _total_of(response: httpx.Response, offset: int) -> int | None:
    """The whole file's size announced by the server; None when it does not say."""
    if _encoded(response):
        return None  # Content-Length counts compressed bytes
    if response.status_code == 206:
        content_range = _parse_content_range(response.headers.get("Content-Range"))
        if content_range is not None and content_range[1] is not None:
            return content_range[1]
    length = response.headers.get("Content-Length")
    return offset + int(length) if length and length.isdigit() else None


def _meta_of(url: str, response: httpx.Response, total: int | None) -> _PartMeta:
    headers = response.headers
    return _PartMeta(url, total, headers.get("ETag"), headers.get("Last-Modified"))


def _hash_prefix(part: Path, offset: int) -> hashlib._Hash:
    hasher = hashlib.sha256()
    if offset:
        with part.open("rb") as stream:
            while chunk := stream.read(CHUNK_BYTES):
                hasher.update(chunk)
    return hasher


def _stream_body(
    response: httpx.Response,
    part: Path,
    offset: int,
    hasher: hashlib._Hash,
    progress: ProgressSink,
    total: int | None,
) -> int:
    """Append the body to the .part file; the file size after it."""
    progress.start(total, offset)
    written = offset
    with part.open("ab" if offset else "wb") as out:
        try:
            # Chunks as received: a re-chunker would hold back bytes that a dropped link loses.
            for chunk in response.iter_bytes():
                out.write(chunk)
                hasher.update(chunk)
                written += len(chunk)
                progress.advance(len(chunk))
        except httpx.TransportError as exc:
            message = f"connection lost after {written:,} bytes: {exc}"
            raise TransientFetchError(message, str(response.request.url)) from exc
    return written


# --- verification -------------------------------------------------------------------------------


def _verify(
    url: str,
    part: Path,
    meta_path: Path,
    written: int,
    total: int | None,
    digest: str,
    expected: Expected,
) -> None:
    """Raise when the finished .part is not the file wanted; a bad file is deleted."""
    if total is not None and written < total:
        raise TransientFetchError(f"connection closed after {written:,} of {total:,} bytes", url)
    problem, hint = _problem(part, written, total, digest, expected)
    if problem is not None:
        part.unlink(missing_ok=True)
        meta_path.unlink(missing_ok=True)
        raise FetchError(f"{problem}; the file was deleted", url, hint)


def _problem(
    part: Path, written: int, total: int | None, digest: str, expected: Expected
) -> tuple[str | None, str | None]:
    if total is not None and written != total:
        return f"received {written:,} bytes, the server announced {total:,}", None
    if expected.size is not None and written != expected.size:
        return f"size is {written:,} bytes, expected {expected.size:,}", _CHANGED_HINT
    if expected.sha256 is not None and digest != expected.sha256:
        return f"sha256 is {digest}, expected {expected.sha256}", _CHANGED_HINT
    return (_kind_problem(part, expected.kind) if expected.kind else None), None


def _kind_problem(path: Path, kind: FileKind) -> str | None:
    """Catch the commonest silent failure: an HTML error page served as the file."""
    if kind == "zip":
        return None if zipfile.is_zipfile(path) else "the file is not a zip archive"
    with path.open("rb") as stream:
        head = stream.read(1024).lstrip().lower()
    if not head:
        return "the file is empty"
    if head.startswith((b"<!doctype", b"<html", b"<?xml")):
        return "the server sent a web page, not a CSV file"
    return None
