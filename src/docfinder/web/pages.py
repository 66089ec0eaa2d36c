"""HTML routes for searching: home, the search form's target, results and near-me pages."""

from __future__ import annotations

from dataclasses import fields
from urllib.parse import urlencode

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from docfinder.geo import Place
from docfinder.search.query import parse
from docfinder.web import params, results, seo
from docfinder.web.render import Page
from docfinder.web.site import Site, results_path, site_of
from docfinder.web.sitedata import NEAR_ME, What

router = APIRouter(include_in_schema=False)

HOME_PLACES = 12
# Shown on the home page: common searches across kinds (procedures, a condition, a chronic one).
HOME_TREATMENTS = (
    "metastasectomy",
    "mohs-surgery",
    "psoriasis",
    "knee-replacement",
    "cataract-surgery",
    "diabetes",
)
# The results options the search form passes on (all but the page).
FILTER_KEYS = tuple(f.name for f in fields(params.ResultOptions) if f.name != "page")


@router.get("/")
def home(request: Request) -> Response:
    site = site_of(request)
    return _home(site, request)


def _home(
    site: Site, request: Request, status: int = 200, message: str = "", **form: object
) -> Response:
    page = Page(
        f"{site.settings.site_name}: the doctors who actually do your treatment, near you",
        "Find doctors near you by the treatment they actually perform, ranked from public "
        "Medicare and NPPES records, with the evidence for every ranking.",
        "/",
        noindex=bool(message),
    )
    page.jsonld.append(seo.website(site.base(request), site.settings.site_name))
    popular = [site.data.what(slug) for slug in HOME_TREATMENTS]
    return site.page(
        request,
        "home.html",
        page,
        status,
        message=message,
        form={"what": "", "where": "", **form},
        popular=[w for w in popular if w is not None],
        cities=site.data.cities()[:HOME_PLACES],
        suggestions=form.get("suggestions", []),
    )


@router.get("/search")
def search(request: Request) -> Response:
    """The search form's target: read what and where, then go to the canonical page."""
    site = site_of(request)
    query = request.query_params
    what_text, where_text = query.get("what", "").strip(), query.get("where", "").strip()
    try:
        point = params.coordinates(query)
        params.read_options(query)
    except params.ParamError as exc:
        return site.bad_request(request, exc.parameter, exc.message)
    if not what_text:
        return _home(
            site,
            request,
            400,
            "Say what you need: a treatment, condition or kind of doctor.",
            where=where_text,
        )
    matcher, places = site.data.tools()
    lat, lon = point if point else (None, None)
    parsed = parse(what_text, matcher, places, lat=lat, lon=lon)
    what = site.data.what_for_search(parsed.what.slug, parsed.what.name) if parsed.what else None
    if what is None:
        hints = [m.as_dict() for m in matcher.suggest(what_text, 5)]
        hints = [h for h in hints if site.data.what_for_search(str(h["slug"]), "")]
        return _home(
            site,
            request,
            404,
            f"Nothing we know matches “{what_text}”.",
            what=what_text,
            where=where_text,
            suggestions=hints,
        )
    keep = [(k, query[k]) for k in FILTER_KEYS if query.get(k, "").strip()]
    if where_text:
        found = places.resolve(where_text, limit=1, lat=lat, lon=lon)
        if not found:
            message = f"We could not find the place “{where_text}”. Try a city and state, or a ZIP."
            return _home(site, request, 404, message, what=what_text, where=where_text)
        return _to_place(what.slug, found[0].place, point, keep)
    return _to_place(what.slug, parsed.where, point, keep)


def _to_place(
    slug: str, place: Place | None, point: tuple[float, float] | None, keep: list[tuple[str, str]]
) -> Response:
    """303 to the place's page; a point or "near me" goes to the near-me page."""
    if place is not None and place.kind not in ("near_me", "coordinates"):
        return _redirect(results_path(slug, place.slug), keep)
    if place is not None and place.kind == "coordinates":
        point = (place.lat, place.lon)
    if point is not None:
        keep = [*keep, ("lat", f"{point[0]:.5f}"), ("lon", f"{point[1]:.5f}")]
    return _redirect(results_path(slug, NEAR_ME), keep)


def _redirect(path: str, pairs: list[tuple[str, str]]) -> Response:
    return RedirectResponse(path + ("?" + urlencode(pairs) if pairs else ""), status_code=303)


def _what_or_404(site: Site, request: Request, slug: str) -> What | Response:
    what = site.data.what(slug)
    if what is not None:
        return what
    text = slug.replace("-", " ")
    hints = [m.as_dict() for m in site.data.tools()[0].suggest(text, 5)]
    hints = [h for h in hints if site.data.what_for_search(str(h["slug"]), "")]
    return site.not_found(
        request,
        f"We have no treatment, condition or specialty called “{text}”.",
        suggestions=hints,
    )


@router.get("/best-doctors/{what_slug}")
def what_only(request: Request, what_slug: str) -> Response:
    return RedirectResponse(results_path(what_slug, NEAR_ME), status_code=302)


@router.get("/best-doctors/{what_slug}/near-me")
def near_me(request: Request, what_slug: str) -> Response:
    """Results near the browser's position (lat/lon), else a page asking where."""
    site = site_of(request)
    what = _what_or_404(site, request, what_slug)
    if isinstance(what, Response):
        return what
    try:
        point = params.coordinates(request.query_params)
        options = params.read_options(request.query_params)
    except params.ParamError as exc:
        return site.bad_request(request, exc.parameter, exc.message)
    if point is not None:
        debug = request.query_params.get("debug") == "1"
        return results.results_page(site, request, what, None, point, options, debug)
    page = Page(
        results.heading(what, None),
        f"The doctors near you for {what.name}, ranked from public Medicare and NPPES records.",
        results_path(what.slug, NEAR_ME),
        breadcrumbs=[("Home", "/"), (what.name, results_path(what.slug, NEAR_ME))],
    )
    return site.page(
        request, "near_me.html", page, what=what, cities=site.data.cities()[:HOME_PLACES]
    )


@router.get("/best-doctors/{what_slug}/{place_slug}")
def results_route(request: Request, what_slug: str, place_slug: str) -> Response:
    site = site_of(request)
    what = _what_or_404(site, request, what_slug)
    if isinstance(what, Response):
        return what
    place = site.data.place(place_slug)
    if place is None:
        text = place_slug.replace("-", " ")
        found = site.data.tools()[1].resolve(text, limit=5)
        return site.not_found(
            request,
            f"We do not know the place “{text}”.",
            places=[(m.place.name, results_path(what.slug, m.place.slug)) for m in found],
        )
    if place.slug != place_slug:
        target = results_path(what.slug, place.slug)
        query = request.url.query
        return RedirectResponse(target + (f"?{query}" if query else ""), status_code=301)
    try:
        options = params.read_options(request.query_params)
    except params.ParamError as exc:
        return site.bad_request(request, exc.parameter, exc.message)
    debug = request.query_params.get("debug") == "1"
    return results.results_page(site, request, what, place, None, options, debug)
