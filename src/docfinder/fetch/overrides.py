"""Where each dataset is fetched from. Precedence: registry defaults < URL file < --url flags.

The URL file is named by the DOCFINDER_FETCH_URLS environment variable. It is JSON or TOML and
maps a dataset name to a URL, or to a table ``{url, sha256, size}``::

    nucc = "https://mirror.example.org/nucc_taxonomy_261.csv"
    [hospitals]
    url = "https://mirror.example.org/Hospital_General_Information.csv"
    sha256 = "…64 hex digits…"
    size = 1234567
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from docfinder.errors import InputError
from docfinder.fetch.registry import DATASETS, Resolver

URLS_ENV = "DOCFINDER_FETCH_URLS"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class Override:
    """A configured address for one dataset, with what the file is expected to be."""

    url: str
    sha256: str | None = None
    size: int | None = None


@dataclass(frozen=True)
class Source:
    """Where one dataset comes from in this run, and how its address is turned into a file."""

    dataset: str
    url: str
    resolver: Resolver
    sha256: str | None = None
    size: int | None = None
    origin: str = "default"


def urls_file_from_env(environ: Mapping[str, str] | None = None) -> Path | None:
    """The URL file named by DOCFINDER_FETCH_URLS, or None when it is unset or empty."""
    value = (os.environ if environ is None else environ).get(URLS_ENV, "").strip()
    return Path(value).expanduser() if value else None


def load_urls_file(path: Path) -> dict[str, Override]:
    """Read a JSON or TOML URL file (TOML when the name ends in .toml)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read the URL file: {exc.strerror}", path, hint=f"check {URLS_ENV}"
        ) from exc
    data = _parse_urls_text(text, path)
    return {name: _override_from(value, path, name) for name, value in data.items()}


def _parse_urls_text(text: str, path: Path) -> dict[str, object]:
    try:
        data: object = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"not valid {_format_name(path)}: {exc}", path) from exc
    if not isinstance(data, dict):
        raise InputError("expected a table mapping dataset names to URLs", path)
    for name in data:
        _check_dataset_name(name, path)
    return data


def _format_name(path: Path) -> str:
    return "TOML" if path.suffix == ".toml" else "JSON"


def _override_from(value: object, path: Path, name: str) -> Override:
    if isinstance(value, str):
        return Override(_checked_url(value, path, name))
    if not isinstance(value, dict):
        raise InputError("expected a URL or a table {url, sha256, size}", path, field=name)
    unknown = set(value) - {"url", "sha256", "size"}
    if unknown:
        raise InputError(f"unknown keys {sorted(unknown)}", path, field=name)
    return Override(
        url=_checked_url(value.get("url"), path, name),
        sha256=_checked_sha256(value.get("sha256"), path, name),
        size=_checked_size(value.get("size"), path, name),
    )


def _checked_url(value: object, path: Path | str, name: str) -> str:
    if not isinstance(value, str) or urlsplit(value).scheme not in ("http", "https"):
        raise InputError(f"expected an http(s) URL, got {value!r}", path, field=name)
    return value


def _checked_sha256(value: object, path: Path, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not _SHA256.match(value.lower()):
        raise InputError("sha256 must be 64 hexadecimal digits", path, field=f"{name}.sha256")
    return value.lower()


def _checked_size(value: object, path: Path, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InputError("size must be a whole number of bytes", path, field=f"{name}.size")
    return value


def _check_dataset_name(name: str, where: Path | str) -> None:
    if name not in DATASETS:
        raise InputError(
            f"unknown dataset {name!r}", where, hint=f"known datasets: {', '.join(DATASETS)}"
        )


def parse_url_flags(flags: Iterable[str]) -> dict[str, Override]:
    """Turn repeated ``--url DATASET=URL`` values into overrides; the last one of a name wins."""
    overrides: dict[str, Override] = {}
    for flag in flags:
        name, sep, url = flag.partition("=")
        name = name.strip()
        if not sep:
            raise InputError(f"expected DATASET=URL, got {flag!r}", "--url")
        _check_dataset_name(name, "--url")
        overrides[name] = Override(_checked_url(url.strip(), "--url", name))
    return overrides


def select_sources(
    names: Sequence[str],
    from_file: Mapping[str, Override],
    from_flags: Mapping[str, Override],
    file_label: str = "URL file",
) -> list[Source]:
    """The source of each named dataset after applying defaults < file < flags.

    A flag replaces the whole entry: a checksum given in the file belongs to the file's URL.
    """
    sources = []
    for name in names:
        _check_dataset_name(name, "--datasets")
        if name in from_flags:
            sources.append(_from_override(name, from_flags[name], "--url"))
        elif name in from_file:
            sources.append(_from_override(name, from_file[name], file_label))
        else:
            dataset = DATASETS[name]
            sources.append(Source(name, dataset.url, dataset.resolver))
    return sources


def _from_override(name: str, override: Override, origin: str) -> Source:
    return Source(name, override.url, "direct", override.sha256, override.size, origin)
