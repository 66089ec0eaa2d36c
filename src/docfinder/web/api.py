"""The JSON API, /api/v1: the same facade as the CLI, in the same shapes.

Every error has one body: {"error": {"status", "code", "message", "parameter"}}.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from docfinder import core
from docfinder.catalog.model import Entry
from docfinder.errors import StoreError
from docfinder.search.engine import Filters
from docfinder.web.site import site_of

PREFIX = "/api/v1"
router = APIRouter(prefix=PREFIX, tags=["api"])

Text = Annotated[str, Query(min_length=1, max_length=200)]
Limit = Annotated[int, Query(ge=1, le=50, description="How many suggestions.")]


def error_body(status: int, code: str, message: str, parameter: str | None) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message, "parameter": parameter}}


def error_response(status: int, code: str, message: str, parameter: str | None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, parameter), status_code=status)


def validation_error(request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 in our error body, naming the first bad parameter."""
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {}
    location = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body")]
    parameter = location[-1] if location else None
    message = str(first.get("msg", "invalid value"))
    return error_response(422, "invalid_parameter", f"{parameter}: {message}", parameter)


class JSONText(JSONResponse):
    """JSON that also serialises dates and decimals, as the CLI's --json does."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, default=str, ensure_ascii=False).encode("utf-8")


@router.get("/search", summary="Ranked, explained doctors for a query (the CLI's --json shape)")
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=300, description="What, and maybe where.")],
    near: Annotated[str | None, Query(max_length=200, description="Place: city, ZIP…")] = None,
    lat: Annotated[
        float | None, Query(ge=-90, le=90, description="Your latitude (near me).")
    ] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180, description="Your longitude.")] = None,
    radius_miles: Annotated[
        float | None, Query(gt=0, le=500, description="Look no further.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Results per page.")] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000, description="Results to skip.")] = 0,
    sort: Literal["best", "distance", "experience"] = "best",
    specialty: Annotated[
        str | None, Query(max_length=10, description="NUCC code or prefix")
    ] = None,
    entity: Literal["individual", "organization"] | None = None,
    gender: Literal["F", "M"] | None = None,
    telehealth: Annotated[bool | None, Query(description="Offers telehealth.")] = None,
    accepts_medicare: Annotated[
        bool | None, Query(description="Accepts Medicare assignment.")
    ] = None,
    hospital: Annotated[str | None, Query(max_length=100, description="Name or CCN.")] = None,
    explain: Annotated[bool, Query(description="Add each score's breakdown.")] = False,
) -> Response:
    if (lat is None) != (lon is None):
        missing = "lon" if lon is None else "lat"
        return error_response(
            400, "invalid_parameter", f"{missing}: give both lat and lon", missing
        )
    filters = Filters(specialty, entity, gender, telehealth, accepts_medicare, hospital)
    try:
        result = core.search(
            site_of(request).db,
            q,
            near=near,
            lat=lat,
            lon=lon,
            radius_miles=radius_miles,
            limit=limit,
            offset=offset,
            sort=sort,
            filters=filters,
            explain=explain,
        )
    except core.QueryError as exc:
        where = str(exc).startswith(("no place", "say where"))
        parameter = "near" if where else "q"
        return error_response(400, "bad_query", str(exc), parameter)
    return JSONText(result)


@router.get("/doctors/{npi}", summary="Everything the store holds about one NPI, with sources")
def doctor(request: Request, npi: str) -> Response:
    if not (npi.isdigit() and len(npi) == 10):
        return error_response(422, "invalid_parameter", "npi: must be 10 digits", "npi")
    try:
        return JSONText(core.provider(site_of(request).db, int(npi)))
    except StoreError as exc:
        return error_response(404, "not_found", str(exc), "npi")


def entry_summary(entry: Entry) -> dict[str, Any]:
    return {
        "slug": entry.slug,
        "name": entry.name,
        "kind": str(entry.kind),
        "body_system": entry.body_system,
        "summary": entry.summary,
        "url": f"/treatments/{entry.slug}",
    }


@router.get("/treatments", summary="Every treatment, condition and symptom in the catalog")
def treatments(request: Request) -> Response:
    data = site_of(request).data
    return JSONText({"treatments": [entry_summary(e) for e in data.treatments()]})


@router.get("/treatments/{slug}", summary="One catalog entry with its explanation and evidence")
def treatment(request: Request, slug: str) -> Response:
    entry = site_of(request).data.catalog.get(slug)
    if entry is None:
        return error_response(404, "not_found", f"no treatment {slug!r}", "slug")
    detail = {
        **entry_summary(entry),
        "synonyms": list(entry.synonyms),
        "explanation": dict(entry.explanation.sections()),
        "questions": list(entry.explanation.questions),
        "specialties": [{"code": s.code, "weight": s.weight} for s in entry.specialties],
        "procedures": [{"code": p.code, "weight": p.weight} for p in entry.procedures],
        "drugs": [{"name": d.name, "weight": d.weight} for d in entry.drugs],
        "icd10": list(entry.icd10),
        "related": list(entry.related),
    }
    return JSONText(detail)


@router.get("/places/resolve", summary="Places a text may name, best first")
def places(request: Request, q: Text, limit: Limit = 5) -> Response:
    return JSONText({"places": site_of(request).data.suggest_where(q, limit)})


@router.get("/autocomplete/what", summary="Suggestions for the what box")
def autocomplete_what(
    request: Request, q: Annotated[str, Query(max_length=200)], limit: Limit = 8
) -> Response:
    return JSONText({"suggestions": site_of(request).data.suggest_what(q, limit)})


@router.get("/autocomplete/where", summary="Suggestions for the where box")
def autocomplete_where(
    request: Request, q: Annotated[str, Query(max_length=200)], limit: Limit = 8
) -> Response:
    return JSONText({"suggestions": site_of(request).data.suggest_where(q, limit)})
