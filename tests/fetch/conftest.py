"""Helpers for the fetch tests: a local HTTP server on 127.0.0.1, and a guard against any other.

The server serves bytes (real files from ../shared/data) and can misbehave on purpose: refuse
Range requests, drop the connection once after N bytes, serve a file of the wrong size, or
ignore If-Range. It records every request it answers.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from docfinder.commands.fetch import command
from docfinder.fetch import URLS_ENV

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
LOOPBACK = "127.0.0.1"
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")


@dataclass
class Route:
    """One served file and how the server misbehaves when serving it."""

    body: bytes
    content_type: str = "application/octet-stream"
    ranges: bool = True
    drop_after: int | None = None  # close the connection after this many body bytes, once
    truncate_to: int | None = None  # serve only this many bytes: a file of the wrong size
    fail_first: int = 0  # answer this many GETs with 503 before serving the file
    honor_if_range: bool = True
    etag: str = '"v1"'
    last_modified: str = "Wed, 01 Jul 2026 00:00:00 GMT"


@dataclass(frozen=True)
class Seen:
    """One request the server answered."""

    method: str
    path: str
    range: str | None
    if_range: str | None
    status: int


class LocalServer(ThreadingHTTPServer):
    """A threaded HTTP/1.1 server on 127.0.0.1 with an ephemeral port."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__((LOOPBACK, 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.seen: list[Seen] = []
        self._lock = threading.Lock()

    def url(self, path: str) -> str:
        return f"http://{LOOPBACK}:{self.server_port}{path}"

    def add(self, path: str, body: bytes, **behaviour: Any) -> str:
        """Serve `body` at `path`; returns its URL."""
        self.routes[path] = Route(body, **behaviour)
        return self.url(path)

    def record(self, seen: Seen) -> None:
        with self._lock:
            self.seen.append(seen)

    def requests(self, path: str, method: str = "GET") -> list[Seen]:
        with self._lock:
            return [s for s in self.seen if s.path == path and s.method == method]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_HEAD(self) -> None:
        self._serve(send_body=False)

    def do_GET(self) -> None:
        self._serve(send_body=True)

    def _serve(self, send_body: bool) -> None:
        route = self.server.routes.get(self.path)
        if route is None:
            self._answer(404, b"not found", {"Content-Type": "text/plain"}, send_body)
            return
        if send_body and route.fail_first > 0:
            route.fail_first -= 1
            self._answer(503, b"busy", {"Retry-After": "0"}, send_body)
            return
        data = route.body if route.truncate_to is None else route.body[: route.truncate_to]
        start = self._range_start(route)
        if start is not None and start >= len(data):
            self._answer(416, b"", {"Content-Range": f"bytes */{len(data)}"}, send_body)
            return
        headers = {
            "Content-Type": route.content_type,
            "ETag": route.etag,
            "Last-Modified": route.last_modified,
            "Accept-Ranges": "bytes" if route.ranges else "none",
        }
        if start is None:
            self._answer(200, data, headers, send_body, route)
            return
        headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        self._answer(206, data[start:], headers, send_body, route)

    def _range_start(self, route: Route) -> int | None:
        value = self.headers.get("Range")
        if not value or not route.ranges or not value.startswith("bytes="):
            return None
        if_range = self.headers.get("If-Range")
        if route.honor_if_range and if_range and if_range not in (route.etag, route.last_modified):
            return None  # the client's copy is of another version: send the whole file
        return int(value[6:].split("-")[0])

    def _answer(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str],
        send_body: bool,
        route: Route | None = None,
    ) -> None:
        # Recorded before answering, so a test that saw the answer also sees the record.
        method = "GET" if send_body else "HEAD"
        self.server.record(
            Seen(method, self.path, self.headers.get("Range"), self.headers.get("If-Range"), status)
        )
        self.send_response(status)
        for name, value in {**headers, "Content-Length": str(len(body))}.items():
            self.send_header(name, value)
        self.end_headers()
        if not send_body:
            return
        if route is not None and route.drop_after is not None:
            body, route.drop_after = body[: route.drop_after], None
            self.close_connection = True  # the client sees the body end early
        self.wfile.write(body)
        self.wfile.flush()


class NetworkBlocked(Exception):
    """A test tried to reach an address other than 127.0.0.1."""


@pytest.fixture(autouse=True)
def only_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reaches any address but 127.0.0.1; no proxy, no URL file from the environment."""
    real_getaddrinfo = socket.getaddrinfo
    real_connect = socket.socket.connect

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host != LOOPBACK:
            raise NetworkBlocked(f"a test tried to resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    def connect(self: socket.socket, address: Any) -> None:
        if not (isinstance(address, tuple) and address[0] == LOOPBACK):
            raise NetworkBlocked(f"a test tried to connect to {address!r}")
        real_connect(self, address)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", connect)
    for name in (*_PROXY_VARS, URLS_ENV):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def shared_data() -> Path:
    """../shared/data, or a skip that says why."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent: these tests serve real files from ../shared/data")
    return SHARED_DATA


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A running LocalServer, shut down after the test."""
    httpd = LocalServer()
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


FetchRunner = Callable[..., tuple[Result, dict[str, Any]]]


@pytest.fixture
def run_fetch() -> FetchRunner:
    """Run `docfinder fetch --json --retry-wait 0 ARGS…`; returns the result and parsed JSON."""

    def run(*args: str, env: dict[str, str] | None = None) -> tuple[Result, dict[str, Any]]:
        result = CliRunner().invoke(command, ["--json", "--retry-wait", "0", *args], env=env)
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        data = json.loads(result.stdout) if result.stdout.strip() else {}
        return result, data

    return run
