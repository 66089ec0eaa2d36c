"""Download the official public files docfinder reads: the only network access docfinder makes."""

from docfinder.fetch.download import Expected, RetryPolicy, download
from docfinder.fetch.errors import FetchError, TransientFetchError
from docfinder.fetch.overrides import (
    URLS_ENV,
    Override,
    Source,
    load_urls_file,
    parse_url_flags,
    select_sources,
    urls_file_from_env,
)
from docfinder.fetch.registry import DATASETS, DEFAULT_SELECTION, Dataset, StateColumns
from docfinder.fetch.run import FetchRequest, FileReport, fetch_all, make_client
from docfinder.fetch.states import FilteredFile, filter_states, parse_states

__all__ = [
    "DATASETS",
    "DEFAULT_SELECTION",
    "URLS_ENV",
    "Dataset",
    "Expected",
    "FetchError",
    "FetchRequest",
    "FileReport",
    "FilteredFile",
    "Override",
    "RetryPolicy",
    "Source",
    "StateColumns",
    "TransientFetchError",
    "download",
    "fetch_all",
    "filter_states",
    "load_urls_file",
    "make_client",
    "parse_states",
    "parse_url_flags",
    "select_sources",
    "urls_file_from_env",
]
