"""Turn a dataset's default address into the URL of the file itself (see registry docstring)."""

from __future__ import annotations

import calendar
import re
from datetime import datetime
from urllib.parse import urljoin

import httpx

from docfinder.fetch.errors import FetchError
from docfinder.fetch.overrides import Source
from docfinder.fetch.registry import get_dataset

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MAX_INDEX_BYTES = 5_000_000


def resolve_file_url(client: httpx.Client, source: Source) -> str:
    """The URL of the file to download for `source`, looking it up when the address is a page."""
    if source.resolver == "direct":
        return source.url
    if source.resolver == "cms-metastore":
        return _from_metastore(client, source.url)
    pattern = get_dataset(source.dataset).link_pattern
    if pattern is None:
        raise FetchError("no link pattern to look for", source.url)
    return _from_index_page(client, source.url, pattern)


def _get_text(client: httpx.Client, url: str) -> httpx.Response:
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise FetchError(f"cannot read the publisher's listing: {exc}", url) from exc
    if response.status_code != 200:
        raise FetchError(f"the publisher's listing answered HTTP {response.status_code}", url)
    if len(response.content) > _MAX_INDEX_BYTES:
        raise FetchError("the publisher's listing is unexpectedly large", url)
    return response


def _from_metastore(client: httpx.Client, url: str) -> str:
    """The CSV named by a CMS Provider Data Catalog metastore item (flat or nested shape)."""
    try:
        item = _get_text(client, url).json()
    except ValueError as exc:
        raise FetchError("the metastore item is not JSON", url) from exc
    distributions = item.get("distribution") if isinstance(item, dict) else None
    for entry in distributions if isinstance(distributions, list) else []:
        # The reference-expanded view nests the fields under "data".
        fields = entry.get("data", entry) if isinstance(entry, dict) else {}
        download = fields.get("downloadURL") if isinstance(fields, dict) else None
        media = str(fields.get("mediaType", "")) if isinstance(fields, dict) else ""
        if isinstance(download, str) and ("csv" in media or download.lower().endswith(".csv")):
            return urljoin(url, download)
    raise FetchError("the metastore item names no CSV distribution", url)


def _from_index_page(client: httpx.Client, url: str, pattern: str) -> str:
    """The newest file on a listing page whose name matches `pattern`."""
    matches = list(re.finditer(pattern, _get_text(client, url).text))
    if not matches:
        raise FetchError(f"no link matching {pattern!r} on the listing page", url)
    newest = max(matches, key=release_key)
    return urljoin(url, newest.group(0))


def release_key(match: re.Match[str]) -> tuple[int, int, int]:
    """A sortable release date from a file name's named groups (year/month name, or end MMDDYY)."""
    groups = match.groupdict()
    end = groups.get("end")
    if end:
        day = datetime.strptime(end, "%m%d%y")
        return (day.year, day.month, day.day)
    year = int(groups.get("year") or 0)
    return (year, _MONTHS.get((groups.get("month") or "").lower(), 0), 0)
