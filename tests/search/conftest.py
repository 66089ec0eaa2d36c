"""Query-understanding fixtures: the default matcher and the real national place index."""

from __future__ import annotations

import pytest

from docfinder.catalog.matcher import Matcher
from docfinder.geo import PlaceIndex


@pytest.fixture(scope="session")
def matcher() -> Matcher:
    """The catalog, curated specialties and ICD-10-CM conditions (built once)."""
    return Matcher.default()


@pytest.fixture(scope="session")
def places() -> PlaceIndex:
    """The offline national place index (ZIPs, cities, counties, states)."""
    return PlaceIndex.default()
