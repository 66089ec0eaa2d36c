"""Helpers for reading the pages the tests get: JSON-LD blocks, links, the H1."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

import run_once


class PageParser(HTMLParser):
    """Collects the H1 text, hrefs, JSON-LD blocks, canonical link and element ids."""

    def __init__(self) -> None:
        super().__init__()
        self.h1: list[str] = []
        self.links: list[str] = []
        self.assets: list[str] = []
        self.jsonld: list[Any] = []
        self.canonical: str | None = None
        self.ids: set[str] = set()
        self._in_h1 = False
        self._in_jsonld = False
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "h1":
            self._in_h1 = True
        elif tag == "a" and a.get("href"):
            self.links.append(str(a["href"]))
        elif tag == "link" and a.get("rel") == "canonical":
            self.canonical = a.get("href")
        elif tag == "link" and a.get("href"):
            self.assets.append(str(a["href"]))
        elif tag == "script" and a.get("src"):
            self.assets.append(str(a["src"]))
        elif tag == "script" and a.get("type") == "application/ld+json":
            self._in_jsonld = True
            self._buffer = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "h1":
            self._in_h1 = False
        elif tag == "script" and self._in_jsonld:
            self._in_jsonld = False
            self.jsonld.append(json.loads("".join(self._buffer)))

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1.append(data)
        if self._in_jsonld:
            self._buffer.append(data)

    @property
    def heading(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.h1)).strip()

    def types(self) -> list[str]:
        return [str(block["@type"]) for block in self.jsonld]

    def of_type(self, kind: str) -> dict[str, Any]:
        found = [b for b in self.jsonld if b["@type"] == kind]
        assert found, f"no {kind} JSON-LD in {self.types()}"
        return dict(found[0])


def parse_page(html: str) -> PageParser:
    parser = PageParser()
    parser.feed(html)
    parser.close()
    return parser


def card_npis(html: str) -> list[int]:
    """The NPIs of the result cards, in page order."""
    return [int(n) for n in re.findall(r'<li class="card" id="npi-(\d{10})"', html)]


# ../shared/data beside the repository (tests that need it are marked shared_data).
SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def build_once(
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
    name: str,
    build: Callable[[Path], dict[str, Any]],
    group: str = "web",
) -> dict[str, Any]:
    """Run `build(folder)` once per test run, whatever the xdist worker; return its JSON."""
    return run_once.build_once(tmp_path_factory, request, name, build, group)
