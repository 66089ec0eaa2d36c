"""The doctor profile page: every fact with its source and as-of date."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from docfinder import core
from docfinder.errors import StoreError
from docfinder.geo import Place
from docfinder.geo.text import place_slug
from docfinder.search.engine import display_name
from docfinder.search.scoring import specialty_name
from docfinder.web import charts, seo
from docfinder.web.render import Page, title_case
from docfinder.web.site import Site, doctor_path, results_path, site_of

router = APIRouter(include_in_schema=False)

_DOCTOR_PATH = re.compile(r"^(\d{10})(?:-.*)?$")
DRUGS_SHOWN = 25
PROCEDURES_SHOWN = 60  # rows, newest year first; the API lists them all
DATASETS = {
    "nppes": "NPPES NPI Registry",
    "nppes_pl": "NPPES secondary practice locations",
    "provider_service": "Medicare Physician & Other Practitioners",
    "partd": "Medicare Part D Prescribers",
    "dac": "Doctors and Clinicians",
    "hospitals": "Hospital General Information",
}
LOCATION_KINDS = {
    "practice": "NPPES practice location",
    "secondary": "NPPES secondary practice location",
    "dac": "Doctors and Clinicians address",
    "claims": "Medicare claims address",
}


def source_text(row: dict[str, Any]) -> str:
    """ "Medicare Part D Prescribers, 2023 data (file …)": where a fact comes from, and when."""
    dataset = DATASETS.get(str(row.get("source_dataset")), str(row.get("source_dataset") or "?"))
    when = []
    if row.get("source_year"):
        when.append(f"{row['source_year']} data")
    if row.get("source_as_of"):
        when.append(f"as of {row['source_as_of']}")
    if not when:
        when.append("no as-of date published")
    return f"{dataset}, {', '.join(when)}"


@router.get("/doctors/{key}")
def doctor(request: Request, key: str) -> Response:
    site = site_of(request)
    found = _DOCTOR_PATH.match(key)
    if not found:
        return site.not_found(request, "A doctor's address starts with a 10-digit NPI.")
    npi = int(found.group(1))
    try:
        record = core.provider(site.db, npi)
    except StoreError:
        return site.not_found(request, f"No provider with NPI {npi} is in our data.")
    name = display_name(record)
    path = doctor_path(npi, name)
    if request.url.path != path:
        return RedirectResponse(path, status_code=301)
    return _render(site, request, record, name, path)


def _render(site: Site, request: Request, record: dict[str, Any], name: str, path: str) -> Response:
    locations = grouped_locations(record["locations"])
    specialties = [
        {
            **t,
            "name": t["specialization"]
            or t["classification"]
            or specialty_name(t["taxonomy_code"]),
        }
        for t in record["taxonomies"]
    ]
    primary = next((s["name"] for s in specialties if s["is_primary"]), None)
    title = name + (f", {record['credential']}" if record.get("credential") else "")
    page = Page(
        f"{title}: {primary or 'provider'} — evidence from public records",
        f"{title}{', ' + primary if primary else ''}: locations, specialties, Medicare volumes "
        "and hospital affiliations, each with its source and date.",
        path,
        breadcrumbs=_crumbs(site, locations, name, path),
        map=any(loc["lat"] is not None for loc in locations),
        noindex=record.get("status") != "active",
    )
    base = site.base(request)
    page.jsonld.append(_jsonld(base + path, record, name, locations, primary))
    return site.page(
        request,
        "doctor.html",
        page,
        record=record,
        name=name,
        title=title,
        source=source_text,
        specialties=specialties,
        locations=locations,
        procedures=_procedures(site, record["procedures"][:PROCEDURES_SHOWN]),
        procedures_more=max(0, len(record["procedures"]) - PROCEDURES_SHOWN),
        drugs=record["drugs"][:DRUGS_SHOWN],
        drugs_more=max(0, len(record["drugs"]) - DRUGS_SHOWN),
        charts=_charts(record),
        treatments=_treatments(site, record, locations),
        report=_report_link(site, base + path, record["npi"], name),
    )


def _crumbs(
    site: Site, locations: list[dict[str, Any]], name: str, path: str
) -> list[tuple[str, str]]:
    """Home › the city of the first practice address (when known) › the provider."""
    crumbs = [("Home", "/")]
    city = _city(site, locations)
    if city is not None:
        crumbs.append((city.name, f"/places/{city.slug}"))
    return [*crumbs, (name, path)]


def _city(site: Site, locations: list[dict[str, Any]]) -> Place | None:
    for loc in locations:
        if loc["city"] and loc["state"]:
            city = site.data.place(place_slug(str(loc["city"]), str(loc["state"])))
            if city is not None:
                return city
    return None


def grouped_locations(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Current addresses once each, with every source that lists them (mailing left out)."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        if row["kind"] == "mailing":
            continue
        key = (str(row["address_1"] or "").upper(), str(row["zip5"] or ""))
        group = groups.setdefault(key, {**row, "sources": [], "phones": []})
        label = LOCATION_KINDS.get(str(row["kind"]), str(row["kind"]))
        group["sources"].append(f"{label} — {source_text(row)}")
        if row["phone"] and row["phone"] not in group["phones"]:
            group["phones"].append(row["phone"])
        if group["lat"] is None and row["lat"] is not None:
            group["lat"], group["lon"] = row["lat"], row["lon"]
    return list(groups.values())


def _procedures(site: Site, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "entries": site.data.entries_for_code(str(r["hcpcs_code"]))} for r in rows]


def _charts(record: dict[str, Any]) -> list[dict[str, Any]]:
    services: dict[int, float] = defaultdict(float)
    for r in record["procedures"]:
        services[int(r["data_year"])] += float(r["services"] or 0)
    claims: dict[int, float] = defaultdict(float)
    for r in record["drugs"]:
        claims[int(r["data_year"])] += float(r["claims"] or 0)
    out = []
    if services:
        out.append(charts.bars("Medicare services billed per year", services, "services"))
    if claims:
        out.append(charts.bars("Part D prescriptions per year", claims, "prescriptions"))
    return out


def _treatments(
    site: Site, record: dict[str, Any], locations: list[dict[str, Any]]
) -> list[tuple[str, str]]:
    """Treatments this provider's claims or prescriptions evidence, linked near their city."""
    found: dict[str, str] = {}
    for r in record["procedures"]:
        for e in site.data.entries_for_code(str(r["hcpcs_code"])):
            found.setdefault(e.slug, e.name)
    for r in record["drugs"]:
        for e in site.data.entries_for_drug(str(r["generic_name"])):
            found.setdefault(e.slug, e.name)
    city = _city(site, locations)
    return [
        (name, results_path(slug, city.slug) if city else f"/treatments/{slug}")
        for slug, name in sorted(found.items(), key=lambda kv: kv[1])
    ]


def _report_link(site: Site, url: str, npi: int, name: str) -> str:
    subject = f"Error on docfinder: {name} (NPI {npi})"
    body = f"Page: {url}\n\nWhat is wrong, and what is right:\n"
    return f"mailto:{site.settings.report_email}?subject={quote(subject)}&body={quote(body)}"


def _jsonld(
    url: str,
    record: dict[str, Any],
    name: str,
    locations: list[dict[str, Any]],
    primary: str | None,
) -> dict[str, Any]:
    first = locations[0] if locations else {}
    node = seo.provider(
        url=url,
        name=name,
        organization=record.get("entity_type") == "O",
        npi=int(record["npi"]),
        street=" ".join(str(p) for p in (first.get("address_1"), first.get("address_2")) if p),
        city=title_case(first.get("city")),
        state=str(first.get("state") or ""),
        zip5=str(first.get("zip5") or ""),
        phone=first.get("phone"),
        lat=first.get("lat"),
        lon=first.get("lon"),
        specialty=primary,
    )
    hospitals = [a["hospital"] for a in record["affiliations"] if a.get("hospital")]
    if hospitals and record.get("entity_type") != "O":
        node["hospitalAffiliation"] = [{"@type": "Hospital", "name": h} for h in hospitals]
    return {"@context": seo.CONTEXT, **node}
