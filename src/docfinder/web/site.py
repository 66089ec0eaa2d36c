"""The state one app holds (settings, site data, templates) and the helpers every view uses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse

from docfinder.geo.text import slugify
from docfinder.web import render, seo
from docfinder.web.render import Page
from docfinder.web.settings import WebSettings
from docfinder.web.sitedata import SiteData


@dataclass
class Site:
    settings: WebSettings
    data: SiteData
    env: jinja2.Environment

    @property
    def db(self) -> str:
        return self.settings.db

    def base(self, request: Request) -> str:
        """The absolute origin for canonical links and structured data."""
        return render.origin(self.settings, request)

    def page(
        self, request: Request, template: str, page: Page, status: int = 200, **context: Any
    ) -> HTMLResponse:
        base = render.origin(self.settings, request)
        if page.breadcrumbs:
            page.jsonld.append(seo.breadcrumbs(base, page.breadcrumbs))
        return render.render(
            self.env, self.settings, request, template, page, status=status, **context
        )

    def not_found(self, request: Request, message: str, **context: Any) -> HTMLResponse:
        """A 404 that helps: what was not found, suggestions, and the search form."""
        page = Page("Not found", message, request.url.path, noindex=True)
        context.setdefault("suggestions", [])
        context.setdefault("places", [])
        context.setdefault("links_title", "Places with a similar name")
        return self.page(request, "not_found.html", page, 404, message=message, **context)

    def bad_request(self, request: Request, parameter: str, message: str) -> HTMLResponse:
        page = Page("Bad request", message, request.url.path, noindex=True)
        return self.page(
            request, "bad_request.html", page, 400, parameter=parameter, message=message
        )


def site_of(request: Request) -> Site:
    site: Site = request.app.state.site
    return site


def doctor_path(npi: int, name: str) -> str:
    slug = slugify(name) or "provider"
    return f"/doctors/{npi}-{slug}"


def results_path(what_slug: str, place_slug: str) -> str:
    return f"/best-doctors/{what_slug}/{place_slug}"
