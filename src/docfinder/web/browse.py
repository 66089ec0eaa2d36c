"""HTML routes for browsing: treatments, specialties and places."""

from __future__ import annotations

from collections import defaultdict

from fastapi import APIRouter
from rapidfuzz import fuzz
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from docfinder.catalog.model import Entry
from docfinder.search.scoring import specialty_name
from docfinder.web import seo
from docfinder.web.render import Page
from docfinder.web.site import Site, site_of
from docfinder.web.sitedata import What

router = APIRouter(include_in_schema=False)

POPULAR_PLACES = 12
MISSPELLING_SIMILARITY = 80  # rapidfuzz ratio from which a synonym reads as a misspelling
CITIES_PER_STATE = 40  # on /places; a state's own page lists them all
SECTION_TITLES = {
    "what_it_is": "What it is",
    "when_needed": "When it is needed",
    "how_it_works": "How it works",
    "risks_and_recovery": "Risks and recovery",
    "who_provides": "Who provides it",
}
KIND_TITLES = {
    "procedure": "Treatments and tests",
    "condition": "Conditions",
    "symptom": "Symptoms",
}


@router.get("/treatments")
def treatments(request: Request) -> Response:
    site = site_of(request)
    groups: dict[str, list[Entry]] = defaultdict(list)
    for entry in site.data.treatments():
        groups[str(entry.kind)].append(entry)
    page = Page(
        "Treatments, conditions and symptoms",
        "Every treatment, condition and symptom docfinder explains and finds doctors for.",
        "/treatments",
        breadcrumbs=[("Home", "/"), ("Treatments", "/treatments")],
    )
    ordered = [(KIND_TITLES[k], groups[k]) for k in KIND_TITLES if groups.get(k)]
    return site.page(request, "treatments.html", page, groups=ordered)


@router.get("/treatments/{slug}")
def treatment(request: Request, slug: str) -> Response:
    site = site_of(request)
    entry = site.data.catalog.get(slug)
    if entry is None:
        if slug in site.data.specialties:
            return RedirectResponse(f"/specialties/{slug}", status_code=301)
        return site.not_found(request, f"We have no page about “{slug.replace('-', ' ')}”.")
    path = f"/treatments/{entry.slug}"
    page = Page(
        f"{entry.name}: what it is and who does it near you",
        entry.summary[:300],
        path,
        breadcrumbs=[("Home", "/"), ("Treatments", "/treatments"), (entry.name, path)],
    )
    page.jsonld.append(seo.treatment(entry, site.base(request) + path))
    specialties = [
        (specialty_name(s.code), _specialty_slug(site, s.code), s.weight)
        for s in sorted(entry.specialties, key=lambda s: -s.weight)
    ]
    return site.page(
        request,
        "treatment.html",
        page,
        entry=entry,
        sections=[(SECTION_TITLES[n], t) for n, t in entry.explanation.sections() if t],
        specialties=specialties,
        searched_as=searched_as(entry.name, entry.synonyms),
        related=site.data.related(entry),
        cities=site.data.cities()[:POPULAR_PLACES],
    )


def searched_as(name: str, phrases: tuple[str, ...], limit: int = 6) -> list[str]:
    """Phrases people search this by, without the misspellings the catalog also lists
    ("metastectomy") and without the name inside a longer phrase ("psoriasis doctor")."""
    name = name.casefold()
    shown = []
    for phrase in phrases:
        folded = phrase.casefold()
        if name in folded or fuzz.ratio(folded, name) >= MISSPELLING_SIMILARITY:
            continue
        shown.append(phrase)
    return shown[:limit]


def _specialty_slug(site: Site, code: str) -> str | None:
    return next(
        (
            w.slug
            for w in site.data.specialties.values()
            if w.specialty and w.specialty.code == code
        ),
        None,
    )


@router.get("/specialties")
def specialties(request: Request) -> Response:
    site = site_of(request)
    page = Page(
        "Kinds of doctors",
        "Specialties docfinder finds doctors by, with the names people use for them.",
        "/specialties",
        breadcrumbs=[("Home", "/"), ("Specialties", "/specialties")],
    )
    listed = sorted(site.data.specialties.values(), key=lambda w: w.name)
    return site.page(request, "specialties.html", page, specialties=listed)


@router.get("/specialties/{slug}")
def specialty(request: Request, slug: str) -> Response:
    site = site_of(request)
    what = site.data.specialties.get(slug)
    if what is None or what.specialty is None:
        return site.not_found(request, f"We have no specialty called “{slug.replace('-', ' ')}”.")
    path = f"/specialties/{what.slug}"
    page = Page(
        f"{what.name}: what they treat and who is near you",
        f"What a {what.name.lower()} treats, and the ones near you ranked from public records.",
        path,
        breadcrumbs=[("Home", "/"), ("Specialties", "/specialties"), (what.name, path)],
    )
    page.jsonld.append(_specialty_jsonld(site.base(request) + path, what))
    return site.page(
        request,
        "specialty.html",
        page,
        what=what,
        lay=searched_as(what.name, what.specialty.phrases[1:], limit=12),
        entries=site.data.entries_for_specialty(what.specialty.code)[:30],
        cities=site.data.cities()[:POPULAR_PLACES],
    )


def _specialty_jsonld(url: str, what: What) -> dict[str, object]:
    return {"@context": seo.CONTEXT, "@type": "MedicalSpecialty", "name": what.name, "url": url}


@router.get("/places")
def places(request: Request) -> Response:
    site = site_of(request)
    page = Page(
        "Places",
        "Every state and city where docfinder knows doctors, to browse by place.",
        "/places",
        breadcrumbs=[("Home", "/"), ("Places", "/places")],
    )
    states = site.data.states(per_state=CITIES_PER_STATE)
    return site.page(request, "places.html", page, states=states, counts=site.data.city_counts())


@router.get("/places/{slug}")
def place(request: Request, slug: str) -> Response:
    """A place's hub: popular treatments and specialties there, and its nearby cities."""
    site = site_of(request)
    found = site.data.place(slug)
    if found is None or found.kind in ("near_me", "coordinates"):
        return site.not_found(request, f"We do not know the place “{slug.replace('-', ' ')}”.")
    if found.slug != slug:
        return RedirectResponse(f"/places/{found.slug}", status_code=301)
    path = f"/places/{found.slug}"
    page = Page(
        f"Find doctors in {found.name}",
        f"Doctors in {found.name} by treatment and specialty, ranked from public records.",
        path,
        breadcrumbs=[("Home", "/"), ("Places", "/places"), (found.name, path)],
    )
    page.jsonld.append({"@context": seo.CONTEXT, **seo.place_node(found)})
    in_state = [
        c for c in site.data.cities() if found.kind == "state" and c.place.state == found.state
    ]
    return site.page(
        request,
        "place.html",
        page,
        place=found,
        treatments=site.data.treatments(),
        specialties=sorted(site.data.specialties.values(), key=lambda w: w.name),
        cities=in_state or site.data.nearby(found.lat, found.lon, 12, exclude=found.slug),
    )
