"""The app factory: `create_app(settings)` builds one independent ASGI app (no globals)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.staticfiles import StaticFiles

from docfinder import __version__, core
from docfinder.errors import StoreError
from docfinder.web import api, browse, info, pages, profile, render, sitemap
from docfinder.web.caching import CanonicalPaths, ETags, HeadRequests
from docfinder.web.headers import SecurityHeaders
from docfinder.web.render import Page
from docfinder.web.settings import WebSettings
from docfinder.web.site import Site, site_of
from docfinder.web.sitedata import SiteData

API_DESCRIPTION = (
    "Ranked, explained doctors for a treatment near a place, from public US data. The search "
    "answers in the same shape as `docfinder search --json`. Errors share one body: "
    '`{"error": {"status", "code", "message", "parameter"}}`.'
)


def create_app(settings: WebSettings) -> FastAPI:
    """A new app over the store `settings.db`."""
    site = Site(settings, SiteData(settings.db), render.environment())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.warm_up and core.store_exists(settings.db):
            site.data.warm_up()
        yield

    app = FastAPI(
        title="docfinder API",
        version=__version__,
        description=API_DESCRIPTION,
        openapi_url=f"{api.PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.site = site
    static = resources.files("docfinder.web").joinpath("static")
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    for router in (
        api.router,
        pages.router,
        browse.router,
        profile.router,
        info.router,
        sitemap.router,
    ):
        app.include_router(router)
    app.add_api_route(f"{api.PREFIX}/docs", api_docs, include_in_schema=False)
    app.add_exception_handler(RequestValidationError, api.validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(StoreError, _store_error)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET"],
            allow_headers=["*"],
        )
    app.add_middleware(ETags, max_age_seconds=settings.cache_seconds)
    app.add_middleware(SecurityHeaders, tile_url=settings.tile_url)
    app.add_middleware(CanonicalPaths)
    app.add_middleware(HeadRequests)
    return app


def create_app_from_env() -> FastAPI:
    """The factory uvicorn's workers call: settings from DOCFINDER_* variables."""
    return create_app(WebSettings.from_env())


def api_docs(request: Request) -> Response:
    """The API reference, rendered from the OpenAPI document (no external scripts)."""
    site = site_of(request)
    spec: dict[str, Any] = request.app.openapi()
    page = Page(
        "docfinder API reference",
        "The JSON API: search, doctors, treatments, places and autocomplete.",
        f"{api.PREFIX}/docs",
        breadcrumbs=[("Home", "/"), ("API", f"{api.PREFIX}/docs")],
    )
    operations = [
        {
            "method": method.upper(),
            "path": path,
            "summary": op.get("summary", ""),
            "parameters": [_parameter(p) for p in op.get("parameters", [])],
        }
        for path, methods in spec["paths"].items()
        for method, op in methods.items()
    ]
    return site.page(
        request, "api_docs.html", page, spec=spec, operations=operations, prefix=api.PREFIX
    )


def _parameter(p: dict[str, Any]) -> dict[str, str]:
    """One OpenAPI parameter as the reference page shows it: type, allowed values, default."""
    schema = p.get("schema", {})
    choices = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    first = choices[0] if choices else {}
    allowed = [str(v) for v in first.get("enum", [])]
    bounds = [
        f"{k} {first[key]}"
        for key, k in (
            ("minimum", "≥"),
            ("exclusiveMinimum", ">"),
            ("maximum", "≤"),
            ("minLength", "length ≥"),
            ("maxLength", "length ≤"),
        )
        if key in first
    ]
    return {
        "name": str(p["name"]),
        "where": str(p["in"]),
        "required": "yes" if p.get("required") else "no",
        "type": str(first.get("type", "")),
        "allowed": " | ".join(allowed) or ", ".join(bounds),
        "default": "" if schema.get("default") is None else str(schema["default"]).lower(),
        "description": str(p.get("description") or schema.get("description") or ""),
    }


async def _store_error(request: Request, exc: Exception) -> Response:
    """No store, or one that cannot be read: 503 saying so (JSON under /api)."""
    message = str(exc)
    if request.url.path.startswith("/api/"):
        return JSONResponse(api.error_body(503, "store_unavailable", message, None), 503)
    page = Page("Data unavailable", message, request.url.path, noindex=True)
    site = site_of(request)
    return site.page(request, "bad_request.html", page, 503, parameter=None, message=message)


async def _http_error(request: Request, exc: Exception) -> Response:
    """404s and 405s: JSON under /api, a helpful page elsewhere."""
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/"):
        body = api.error_body(
            exc.status_code,
            "not_found" if exc.status_code == 404 else "error",
            str(exc.detail),
            None,
        )
        return JSONResponse(body, status_code=exc.status_code)
    if exc.status_code == 404:
        return site_of(request).not_found(request, "There is no page at this address.")
    return Response(str(exc.detail), status_code=exc.status_code)
