"""Jinja2 rendering: the environment, display filters and the page frame every view fills."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import HTMLResponse

from docfinder.web.settings import WebSettings

DISCLAIMER = (
    "docfinder shows what public records say about doctors; it is general information, not "
    "medical advice. Ask your own doctor about your care, and in an emergency call 911."
)


@dataclass
class Page:
    """What the frame of a page needs besides its content."""

    title: str
    description: str
    path: str  # canonical path with any canonical query ("/best-doctors/x/y?page=2")
    breadcrumbs: list[tuple[str, str]] = field(default_factory=list)  # (name, path)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    noindex: bool = False
    map: bool = False  # load Leaflet


def environment() -> jinja2.Environment:
    """The template environment: package templates, autoescaping, our filters."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("docfinder.web", "templates"),
        autoescape=jinja2.select_autoescape(("html", "xml")),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        phone=phone_text,
        tel=tel_href,
        miles=miles_text,
        title_case=title_case,
        number=lambda n: f"{n:,.0f}" if isinstance(n, int | float) else "",
        as_of=as_of_text,
        jsonld=jsonld_script,
    )
    return env


def origin(settings: WebSettings, request: Request) -> str:
    """The absolute origin of canonical links: the setting, else this request's."""
    return (settings.base_url or str(request.base_url)).rstrip("/")


def render(
    env: jinja2.Environment,
    settings: WebSettings,
    request: Request,
    template: str,
    page: Page,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A full HTML page: the frame (head, header, footer, disclaimer) around a template."""
    html = env.get_template(template).render(
        page=page,
        settings=settings,
        base=origin(settings, request),
        disclaimer=DISCLAIMER,
        static=static_path,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def static_path(name: str) -> str:
    return f"/static/{name}"


def phone_text(phone: str | None) -> str:
    digits = "".join(c for c in str(phone or "") if c.isdigit())
    if len(digits) == 10:
        return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
    return str(phone or "")


def tel_href(phone: str | None) -> str:
    digits = "".join(c for c in str(phone or "") if c.isdigit())
    return f"tel:+1{digits}" if len(digits) == 10 else f"tel:{digits}"


def miles_text(miles: float | None) -> str:
    if miles is None:
        return ""
    if miles < 1:
        return "under 1 mile"
    return f"{miles:.0f} mile{'' if round(miles) == 1 else 's'}"


_WORD = re.compile(r"(?<![0-9a-z])[a-z]+")
_SMALL = frozenset({"of", "and", "the", "at", "for", "in", "on"})


def title_case(text: str | None) -> str:
    """Registry capitals as a person writes them ("WINSTON-SALEM" → "Winston-Salem",
    "123 3RD ST" → "123 3rd St"); text already in mixed case is kept."""
    if not text:
        return ""
    if not text.isupper():
        return text

    def word(found: re.Match[str]) -> str:
        small = found.start() > 0 and found.group(0) in _SMALL
        return found.group(0) if small else found.group(0).capitalize()

    return _WORD.sub(word, text.lower())


def as_of_text(value: date | str | int | None) -> str:
    if value is None or value == "":
        return "date not published"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def jsonld_script(data: dict[str, Any]) -> Markup:
    """A JSON-LD block, safe inside <script> (no "</" can end it early)."""
    text = json.dumps(data, ensure_ascii=False, default=str, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def read_static(name: str) -> bytes:
    return resources.files("docfinder.web").joinpath("static", name).read_bytes()
