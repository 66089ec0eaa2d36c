"""OUTDIR/fetch-manifest.json: what was fetched, from where, when, and what it hashes to."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from docfinder.errors import InputError

MANIFEST_NAME = "fetch-manifest.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class ManifestEntry:
    """One fetched file; `file` is its name inside OUTDIR."""

    dataset: str
    url: str
    file: str
    size: int
    sha256: str
    fetched_at: str
    etag: str | None = None
    last_modified: str | None = None


def read_manifest(outdir: Path) -> dict[str, ManifestEntry]:
    """The manifest's entries by file name; empty when there is no manifest yet."""
    path = outdir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = [ManifestEntry(**entry) for entry in data["files"]]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"unreadable fetch manifest: {exc}", path, hint="delete it; the next fetch rewrites it"
        ) from exc
    return {entry.file: entry for entry in entries}


def write_manifest(outdir: Path, entries: dict[str, ManifestEntry]) -> Path:
    """Write the manifest atomically, entries sorted by dataset then file."""
    path = outdir / MANIFEST_NAME
    ordered = sorted(entries.values(), key=lambda e: (e.dataset, e.file))
    body = {"version": MANIFEST_VERSION, "files": [asdict(e) for e in ordered]}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path
