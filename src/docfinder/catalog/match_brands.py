"""Brand names for the what-matcher: a drug or device read as the entry it is for.

``brands.yaml`` is docfinder's own reviewed list, keyed by catalog slug: "ozempic" reads as
type 2 diabetes, "watchman" as left atrial appendage closure. A brand with no single clear
use is left out of the file rather than guessed.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from docfinder.errors import InputError

BRANDS_FILE = "brands.yaml"


def parse_brands(text: str, path: str = BRANDS_FILE) -> dict[str, str]:
    """Brand -> catalog slug from a brands file: a mapping of slug to a list of brands."""
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise InputError("must map catalog slugs to lists of brand names", path=path)
    found: dict[str, str] = {}
    for slug, brands in data.items():
        if not isinstance(slug, str) or not isinstance(brands, list):
            raise InputError("each slug needs a list of brand names", path=path, field=str(slug))
        for brand in brands:
            if not isinstance(brand, str) or not brand.strip():
                raise InputError(f"not a brand name: {brand!r}", path=path, field=slug)
            key = " ".join(brand.casefold().split())
            if found.get(key, slug) != slug:
                message = f"{brand!r} is listed for {found[key]!r} and {slug!r}"
                raise InputError(message, path=path, field=slug)
            found[key] = slug
    return found


@cache
def read_brands() -> dict[str, str]:
    """The brands shipped with docfinder, brand -> catalog slug."""
    text = resources.files("docfinder.catalog").joinpath(BRANDS_FILE).read_text("utf-8")
    return parse_brands(text)
