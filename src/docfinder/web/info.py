"""HTML routes about docfinder itself: how we rank, data sources and freshness, about, the
medical disclaimer. The method pages render the project's own docs (docs/*.md)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import Response

from docfinder import core
from docfinder.web.profile import DATASETS
from docfinder.web.render import Page
from docfinder.web.site import site_of

router = APIRouter(include_in_schema=False)

_NOT_WORD = re.compile(r"[^\w\- ]+")


def anchor(text: str) -> str:
    """GitHub's heading anchors: "1. The method" → "1-the-method"."""
    return _NOT_WORD.sub("", text.strip().lower()).replace(" ", "-")


def _heading_open(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    inline = tokens[idx + 1]
    tokens[idx].attrSet("id", anchor(inline.content))
    return self.renderToken(tokens, idx, options, env)


def _link_open(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    # Links into the source tree (src/..., tests/...) mean nothing on the site: keep the text.
    href = str(tokens[idx].attrGet("href") or "")
    if href.startswith(("http://", "https://", "#", "mailto:")):
        return self.renderToken(tokens, idx, options, env)
    env["dropped_links"] = env.get("dropped_links", 0) + 1
    tokens[idx].meta["dropped"] = True
    return ""


def _link_close(
    self: RendererHTML, tokens: list[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    opening = next(
        (
            t
            for t in reversed(tokens[:idx])
            if t.type == "link_open" and t.level == tokens[idx].level
        ),
        None,
    )
    if opening is not None and opening.meta.get("dropped"):
        return ""
    return self.renderToken(tokens, idx, options, env)


@cache
def markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    md.add_render_rule("heading_open", _heading_open)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    return md


def render_markdown(path: Path) -> Markup:
    """A Markdown file as safe HTML (raw HTML in it is escaped, not passed through)."""
    text = path.read_text("utf-8")
    text = re.sub(r"^# .*\n", "", text, count=1)  # the page has its own H1
    return Markup(markdown().render(text))


def _doc(docs: Path | None, name: str) -> Markup | None:
    if docs is None or not (docs / name).is_file():
        return None
    return render_markdown(docs / name)


@router.get("/how-we-rank")
def how_we_rank(request: Request) -> Response:
    site = site_of(request)
    page = Page(
        "How docfinder ranks doctors",
        "The ranking method in full: what counts as evidence, every weight, and what the "
        "public data cannot tell.",
        "/how-we-rank",
        breadcrumbs=[("Home", "/"), ("How we rank", "/how-we-rank")],
    )
    body = _doc(site.settings.docs_dir, "ranking.md")
    return site.page(request, "document.html", page, body=body, heading=page.title)


@router.get("/data-sources")
def data_sources(request: Request) -> Response:
    site = site_of(request)
    page = Page(
        "Data sources and how fresh they are",
        "The public files behind docfinder, when each was published and how many rows it gave.",
        "/data-sources",
        breadcrumbs=[("Home", "/"), ("Data sources", "/data-sources")],
    )
    stats = core.stats(site.db)
    return site.page(
        request,
        "data_sources.html",
        page,
        datasets=[_dataset(d) for d in stats["datasets"]],
        providers=stats["providers_by_status"],
        body=_doc(site.settings.docs_dir, "data-sources.md"),
    )


def _dataset(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "label": DATASETS.get(str(row["dataset"]), str(row["dataset"]))}


@router.get("/about")
def about(request: Request) -> Response:
    site = site_of(request)
    page = Page(
        "About docfinder",
        "Who makes docfinder, what it is for, and what it never does.",
        "/about",
        breadcrumbs=[("Home", "/"), ("About", "/about")],
    )
    return site.page(request, "about.html", page)


@router.get("/disclaimer")
def disclaimer(request: Request) -> Response:
    site = site_of(request)
    page = Page(
        "Medical disclaimer",
        "docfinder's pages are general information from public records, not medical advice.",
        "/disclaimer",
        breadcrumbs=[("Home", "/"), ("Medical disclaimer", "/disclaimer")],
    )
    return site.page(request, "disclaimer.html", page)
