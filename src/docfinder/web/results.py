"""Results pages: "Best Doctor List Near You for <treatment> in <place>" and near me."""

from __future__ import annotations

import math
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from docfinder import core
from docfinder.geo import Place
from docfinder.search.scoring import specialty_name
from docfinder.web import seo
from docfinder.web.params import ResultOptions
from docfinder.web.render import Page
from docfinder.web.site import Site, doctor_path, results_path
from docfinder.web.sitedata import NEAR_ME, What

RELATED_LIMIT = 6


SMALL_WORDS = frozenset(
    {"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"}
)


def headline(name: str) -> str:
    """A name in headline case ("Mohs surgery" → "Mohs Surgery"); acronyms and small words
    after the first are kept as written ("CT scan of the chest" → "CT Scan of the Chest")."""
    words = name.split(" ")
    out = []
    for i, word in enumerate(words):
        keep = any(c.isupper() for c in word[1:]) or (i and word.lower() in SMALL_WORDS)
        out.append(word if keep else word[:1].upper() + word[1:])
    return " ".join(out)


def heading(what: What, place: Place | None) -> str:
    """The H1 and title: "Best Doctor List Near You for Metastasectomy in Ukiah, CA"."""
    if place is None:
        return f"Best Doctor List Near You for {headline(what.name)}"
    return f"Best Doctor List Near You for {headline(what.name)} in {place.name}"


def run_search(
    site: Site,
    what: What,
    place: Place | None,
    point: tuple[float, float] | None,
    options: ResultOptions,
    explain: bool,
) -> dict[str, Any]:
    """core.search for a page: the what's own text, near the place or the point."""
    size = site.settings.page_size
    near, lat, lon = None, None, None
    if place is not None and site.data.resolve_place(place.name) == place:
        near = place.name
    else:
        lat, lon = point if point else (place.lat, place.lon) if place else (None, None)
    return core.search(
        site.db,
        site.data.search_text(what),
        near=near,
        lat=lat,
        lon=lon,
        radius_miles=options.radius,
        limit=size,
        offset=(options.page - 1) * size,
        sort=options.sort,
        filters=options.filters(),
        explain=explain,
    )


def cards(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Results with their profile link and other locations listed once each."""
    return [
        {
            **r,
            "url": doctor_path(int(r["npi"]), r["name"]),
            "other_locations": distinct_others(r),
            "organization": r.get("entity") == "organization",
        }
        for r in result["results"]
    ]


def distinct_others(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Other locations once each: sources spell one address in different cases."""
    shown = str(result["address"]).upper()
    seen: set[tuple[str, str]] = set()
    out = []
    for other in result["other_locations"]:
        key = (str(other["address"] or "").upper(), str(other["zip"] or ""))
        if key in seen or (key[1] == result["zip"] and shown.startswith(key[0])):
            continue
        seen.add(key)
        out.append(other)
    return out


def related(site: Site, what: What, place: Place | None) -> dict[str, list[tuple[str, str]]]:
    """Related treatments here, and this treatment in nearby places: (label, path) pairs."""
    here = place.slug if place else NEAR_ME
    if what.entry is not None:
        others = site.data.related(what.entry)
    elif what.specialty is not None:
        others = site.data.entries_for_specialty(what.specialty.code)
    else:
        others = []
    treatments = [(e.name, results_path(e.slug, here)) for e in others[:RELATED_LIMIT]]
    nearby: list[tuple[str, str]] = []
    if place is not None:
        cities = site.data.nearby(place.lat, place.lon, RELATED_LIMIT, exclude=place.slug)
        nearby = [
            (f"{what.name} in {c.place.name}", results_path(what.slug, c.place.slug))
            for c in cities
        ]
    return {"treatments": treatments, "places": nearby}


def specialty_choices(what: What, options: ResultOptions) -> list[tuple[str, str]]:
    """The specialties a treatment names, for the filter (a typed code stays a choice)."""
    named = sorted(what.entry.specialties, key=lambda s: -s.weight) if what.entry else []
    codes = [s.code for s in named]
    if options.specialty and options.specialty not in codes:
        codes.append(options.specialty)
    return [(code, specialty_name(code)) for code in codes]


def page_links(options: ResultOptions, total: int, size: int) -> dict[str, Any]:
    pages = max(1, math.ceil(total / size))
    return {
        "pages": pages,
        "previous": options.query(page=options.page - 1) if options.page > 1 else None,
        "next": options.query(page=options.page + 1) if options.page < pages else None,
    }


def results_page(
    site: Site,
    request: Request,
    what: What,
    place: Place | None,
    point: tuple[float, float] | None,
    options: ResultOptions,
    debug: bool,
) -> Response:
    """The page: search, then render the ranked cards, filters, map and related searches."""
    try:
        result = run_search(site, what, place, point, options, explain=debug)
    except core.QueryError as exc:
        return site.not_found(request, str(exc))
    base_path = results_path(what.slug, place.slug if place else NEAR_ME)
    paging = page_links(options, int(result["query"]["total"]), site.settings.page_size)
    if options.page > paging["pages"]:
        return _past_the_end(site, request, paging["pages"], options.page, base_path)
    title = heading(what, place)
    found = cards(result)
    canonical = base_path + (f"?page={options.page}" if options.page > 1 else "")
    page = Page(
        title=title,
        description=_description(what, place, result),
        path=canonical,
        breadcrumbs=_crumbs(what, place, base_path),
        noindex=options.narrowed or place is None or debug,
        map=any(c["lat"] is not None for c in found),
    )
    base = site.base(request)
    page.jsonld += [_list_jsonld(base, title, canonical, found), _what_jsonld(base, what)]
    return site.page(
        request,
        "results.html",
        page,
        what=what,
        place=place,
        result=result,
        cards=found,
        options=options,
        paging=paging,
        related=related(site, what, place),
        specialty_choices=specialty_choices(what, options),
        debug=debug,
        analysis=_analysis(site, what, place) if debug else None,
        base_path=base_path,
        point=point,
    )


def _past_the_end(site: Site, request: Request, pages: int, asked: int, path: str) -> Response:
    message = f"This list has {pages} page{'s' * (pages > 1)}, not {asked}."
    return site.not_found(
        request, message, places=[("The first page", path)], links_title="Instead"
    )


def _description(what: What, place: Place | None, result: dict[str, Any]) -> str:
    total = int(result["query"]["total"])
    where = f"near {place.name}" if place else "near you"
    return (
        f"{total} doctors {where} for {what.name}, ranked by what public Medicare and NPPES "
        "records show they do, with the evidence, distance and phone number of each."
    )


def _crumbs(what: What, place: Place | None, path: str) -> list[tuple[str, str]]:
    crumbs = [("Home", "/")]
    if what.entry is not None:
        crumbs.append((what.name, f"/treatments/{what.slug}"))
    elif what.specialty is not None:
        crumbs.append((what.name, f"/specialties/{what.slug}"))
    crumbs.append((place.name if place else "Near you", path))
    return crumbs


def _list_jsonld(base: str, title: str, path: str, found: list[dict[str, Any]]) -> dict[str, Any]:
    items = [
        seo.provider(
            url=base + c["url"],
            name=c["name"] + (f", {c['credentials']}" if c["credentials"] else ""),
            organization=bool(c["organization"]),
            npi=int(c["npi"]),
            street=str(c["address"]),
            city=str(c["city"] or ""),
            state=str(c["state"] or ""),
            zip5=str(c["zip"] or ""),
            phone=c["phone"],
            lat=c["lat"],
            lon=c["lon"],
            specialty=c["specialty"],
        )
        for c in found
    ]
    return seo.item_list(title, base + path, items)


def _what_jsonld(base: str, what: What) -> dict[str, Any]:
    if what.entry is not None:
        return seo.treatment(what.entry, f"{base}/treatments/{what.slug}")
    return {
        "@context": seo.CONTEXT,
        "@type": "MedicalSpecialty" if what.specialty else "MedicalEntity",
        "name": what.name,
        "url": f"{base}/specialties/{what.slug}",
    }


def _analysis(site: Site, what: What, place: Place | None) -> dict[str, Any]:
    """How the text was read: the what readings and the place readings, best first."""
    matcher, places = site.data.tools()
    text = site.data.search_text(what)
    return {
        "text": text,
        "what": [m.as_dict() for m in matcher.match(text, 5)],
        "where": [m.as_dict() for m in places.resolve(place.name, 5)] if place else [],
    }
