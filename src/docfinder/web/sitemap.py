"""sitemap.xml (an index of sitemaps split by page type and size) and robots.txt."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from docfinder import core
from docfinder.search.engine import display_name
from docfinder.web.site import Site, doctor_path, results_path, site_of

router = APIRouter(include_in_schema=False)

URLS_PER_FILE = 50_000  # the sitemaps.org limit per file
RESULT_CITIES = 100  # results pages listed: every treatment x the cities with most doctors
STATIC_PATHS = (
    "/",
    "/treatments",
    "/specialties",
    "/places",
    "/how-we-rank",
    "/data-sources",
    "/about",
    "/disclaimer",
)
XML = "application/xml"


def page_paths(site: Site) -> list[str]:
    """Pages that are not about one doctor or one treatment-and-place."""
    paths = list(STATIC_PATHS)
    paths += [f"/treatments/{e.slug}" for e in site.data.treatments()]
    paths += [f"/specialties/{slug}" for slug in sorted(site.data.specialties)]
    paths += [f"/places/{c.place.slug}" for c in site.data.cities()]
    paths += [f"/places/{state.lower()}" for state in site.data.states()]
    return paths


def result_paths(site: Site, cities: int = RESULT_CITIES) -> list[str]:
    """Every treatment and specialty in the cities with the most doctors."""
    places = [c.place.slug for c in site.data.cities()[:cities]]
    whats = [e.slug for e in site.data.treatments()] + sorted(site.data.specialties)
    return [results_path(w, p) for p in places for w in whats]


def doctor_paths(site: Site, offset: int, limit: int) -> Iterator[tuple[str, str | None]]:
    """Doctor pages with the date their registry record was last updated (the lastmod)."""
    for row in core.listed_providers(site.db, offset, limit):
        updated = row["last_update_date"]
        yield doctor_path(int(row["npi"]), display_name(row)), str(updated) if updated else None


def _urlset(base: str, paths: Iterable[str | tuple[str, str | None]]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for item in paths:
        path, lastmod = item if isinstance(item, tuple) else (item, None)
        modified = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        lines.append(f"<url><loc>{escape(base + path)}</loc>{modified}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def sitemap_names(site: Site) -> list[str]:
    """The child sitemaps: pages, then results and doctors in files of at most 50,000 URLs."""
    results = math.ceil(len(result_paths(site)) / URLS_PER_FILE)
    doctors = math.ceil(site.data.listed_doctors() / URLS_PER_FILE)
    return (
        ["pages"]
        + [f"results-{i + 1}" for i in range(results)]
        + [f"doctors-{i + 1}" for i in range(doctors)]
    )


def sitemap_index(site: Site, base: str) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [
        f"<sitemap><loc>{escape(base)}/sitemaps/{name}.xml</loc></sitemap>"
        for name in sitemap_names(site)
    ]
    lines.append("</sitemapindex>")
    return "\n".join(lines) + "\n"


def sitemap_file(site: Site, base: str, name: str) -> str | None:
    """One child sitemap by name ("pages", "results-1", "doctors-2"), None when unknown."""
    if name == "pages":
        return _urlset(base, page_paths(site))
    kind, _, number = name.partition("-")
    if kind not in ("results", "doctors") or not number.isdigit() or int(number) < 1:
        return None
    start = (int(number) - 1) * URLS_PER_FILE
    if kind == "results":
        chunk = result_paths(site)[start : start + URLS_PER_FILE]
        return _urlset(base, chunk) if chunk else None
    paths = list(doctor_paths(site, start, URLS_PER_FILE))
    return _urlset(base, paths) if paths else None


@router.get("/sitemap.xml")
def sitemap(request: Request) -> Response:
    site = site_of(request)
    return Response(sitemap_index(site, site.base(request)), media_type=XML)


@router.get("/sitemaps/{name}.xml")
def sitemap_child(request: Request, name: str) -> Response:
    site = site_of(request)
    body = sitemap_file(site, site.base(request), name)
    if body is None:
        return site.not_found(request, f"There is no sitemap called {name}.xml.")
    return Response(body, media_type=XML)


@router.get("/robots.txt")
def robots(request: Request) -> Response:
    base = site_of(request).base(request)
    text = (
        "User-agent: *\n"
        "Disallow: /search\n"
        "Disallow: /api/\n"
        "Disallow: /*?*debug=\n"
        f"Sitemap: {base}/sitemap.xml\n"
    )
    return PlainTextResponse(text)
