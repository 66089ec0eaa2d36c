"""HTTP caching and canonical URLs, as ASGI middleware around the whole app.

- Every successful GET answer (HTML or JSON) gets a strong ETag of its body and a
  Cache-Control max-age; a request whose If-None-Match names it gets 304 with no body.
- A page path with capitals or a trailing slash answers 301 to its one lowercase form.
"""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_UNCACHED_PREFIXES = ("/static/",)  # StaticFiles sets its own ETag and Last-Modified
_CASE_KEPT_PREFIXES = ("/api/", "/static/")


class CanonicalPaths:
    """301 from /Best-Doctors/X/ to /best-doctors/x (query string kept)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        target = path
        if not path.startswith(_CASE_KEPT_PREFIXES):
            target = target.lower()
        if len(target) > 1 and target.endswith("/"):
            target = target.rstrip("/") or "/"
        if target == path:
            await self.app(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        location = target + (f"?{query}" if query else "")
        await send(
            {
                "type": "http.response.start",
                "status": 301,
                "headers": [(b"location", location.encode("utf-8")), (b"content-length", b"0")],
            }
        )
        await send({"type": "http.response.body", "body": b""})


class ETags:
    """Strong ETags of response bodies, Cache-Control, and 304 on If-None-Match."""

    def __init__(self, app: ASGIApp, max_age_seconds: int) -> None:
        self.app = app
        self.max_age = max_age_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        cacheable = (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and not str(scope["path"]).startswith(_UNCACHED_PREFIXES)
        )
        if not cacheable:
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    await self._finish(scope, start, b"".join(chunks), send)

        await self.app(scope, receive, buffer)

    async def _finish(self, scope: Scope, start: dict[str, Any], body: bytes, send: Send) -> None:
        status = int(start["status"])
        headers = MutableHeaders(raw=list(start.get("headers", [])))
        if status == 200 and "cache-control" not in headers:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers["etag"] = etag
            headers["cache-control"] = f"public, max-age={self.max_age}"
            wanted = Headers(scope=scope).get("if-none-match", "")
            if etag in [t.strip().removeprefix("W/") for t in wanted.split(",")]:
                del headers["content-length"]
                await send({"type": "http.response.start", "status": 304, "headers": headers.raw})
                await send({"type": "http.response.body", "body": b""})
                return
        elif status >= 400 and "cache-control" not in headers:
            headers["cache-control"] = "no-store"
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body})


class HeadRequests:
    """HEAD answered as GET without the body (same status, ETag and Content-Length)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
