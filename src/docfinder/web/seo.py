"""schema.org JSON-LD for the pages: people and organisations, treatments, lists, breadcrumbs."""

from __future__ import annotations

from typing import Any

from docfinder.catalog.model import Entry
from docfinder.geo import Place

CONTEXT = "https://schema.org"

_ENTRY_TYPES = {
    "procedure": "MedicalProcedure",
    "condition": "MedicalCondition",
    "symptom": "MedicalSignOrSymptom",
}


def breadcrumbs(base: str, crumbs: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": base + path}
            for i, (name, path) in enumerate(crumbs, start=1)
        ],
    }


def address(street: str, city: str, state: str, zip5: str) -> dict[str, Any]:
    return {
        "@type": "PostalAddress",
        "streetAddress": street,
        "addressLocality": city,
        "addressRegion": state,
        "postalCode": zip5,
        "addressCountry": "US",
    }


def geo(lat: float | None, lon: float | None) -> dict[str, Any] | None:
    if lat is None or lon is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": round(lat, 5), "longitude": round(lon, 5)}


def provider(
    *,
    url: str,
    name: str,
    organization: bool,
    npi: int,
    street: str,
    city: str,
    state: str,
    zip5: str,
    phone: str | None,
    lat: float | None,
    lon: float | None,
    specialty: str | None = None,
) -> dict[str, Any]:
    """A Physician (a person) or MedicalOrganization with its address and position."""
    node: dict[str, Any] = {
        "@type": "MedicalOrganization" if organization else "Physician",
        "@id": url,
        "url": url,
        "name": name,
        "identifier": {"@type": "PropertyValue", "propertyID": "NPI", "value": str(npi)},
        "address": address(street, city, state, zip5),
    }
    point = geo(lat, lon)
    if point:
        node["geo"] = point
    if phone:
        node["telephone"] = phone
    if specialty:
        node["description"] = specialty
    return node


def treatment(entry: Entry, url: str) -> dict[str, Any]:
    """A catalog entry as MedicalProcedure, MedicalCondition or MedicalSignOrSymptom."""
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": _ENTRY_TYPES.get(str(entry.kind), "MedicalEntity"),
        "@id": url,
        "url": url,
        "name": entry.name,
        "description": entry.summary,
    }
    if entry.icd10:
        node["code"] = [
            {"@type": "MedicalCode", "codeValue": code, "codingSystem": "ICD-10-CM"}
            for code in entry.icd10
        ]
    return node


def item_list(name: str, url: str, items: list[dict[str, Any]]) -> dict[str, Any]:
    """An ordered ItemList of result nodes (rank order)."""
    return {
        "@context": CONTEXT,
        "@type": "ItemList",
        "name": name,
        "url": url,
        "itemListOrder": "https://schema.org/ItemListOrderAscending",
        "numberOfItems": len(items),
        "itemListElement": [
            {"@type": "ListItem", "position": i, "item": item}
            for i, item in enumerate(items, start=1)
        ],
    }


def place_node(place: Place) -> dict[str, Any]:
    node: dict[str, Any] = {"@type": "Place", "name": place.name}
    point = geo(place.lat, place.lon)
    if point:
        node["geo"] = point
    return node


def website(base: str, name: str) -> dict[str, Any]:
    """The site, with the search action search engines can offer."""
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": name,
        "url": base + "/",
        "potentialAction": {
            "@type": "SearchAction",
            "target": base + "/search?what={what}",
            "query-input": "required name=what",
        },
    }
