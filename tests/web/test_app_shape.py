"""The app's shape: a factory without globals, settings from the environment, dependencies
pointing one way (nothing outside the web app and the CLI imports docfinder.web)."""

from __future__ import annotations

import ast
from pathlib import Path

from fastapi.testclient import TestClient

from docfinder.web import WebSettings, create_app
from docfinder.web.headers import content_security_policy

SRC = Path(__file__).resolve().parents[2] / "src" / "docfinder"


def test_settings_from_the_environment() -> None:
    env = {
        "DOCFINDER_DB": "/data/x.duckdb",
        "DOCFINDER_CORS_ORIGINS": "https://a.test, https://b.test",
        "DOCFINDER_PAGE_SIZE": "15",
        "DOCFINDER_TILE_URL": "",
        "DOCFINDER_WARM_UP": "no",
    }
    settings = WebSettings.from_env(env, report_email="fix@x.test")
    assert settings.db == "/data/x.duckdb"
    assert settings.cors_origins == ("https://a.test", "https://b.test")
    assert settings.page_size == 15 and settings.tile_url == "" and settings.warm_up is False
    assert settings.report_email == "fix@x.test"


def test_two_apps_are_independent(settings: WebSettings) -> None:
    other = WebSettings(
        db=settings.db,
        tile_url="https://tiles.test/{z}/{x}/{y}.png",
        report_email="other@x.test",
        warm_up=False,
    )
    first, second = create_app(settings), create_app(other)
    assert first.state.site is not second.state.site
    with TestClient(second) as client:
        html = client.get("/best-doctors/metastasectomy/ukiah-ca").text
    assert 'data-tiles="https://tiles.test/{z}/{x}/{y}.png"' in html


def test_nothing_outside_web_and_commands_imports_the_web_app() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        relative = path.relative_to(SRC).as_posix()
        if relative.startswith(("web/", "commands/")) or relative == "cli.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            offenders += [(relative, n) for n in names if n.startswith("docfinder.web")]
    assert not offenders, offenders


def test_static_assets_are_served_and_vendored_with_licences(client: TestClient) -> None:
    for path in (
        "/static/css/site.css",
        "/static/js/site.js",
        "/static/vendor/leaflet-1.9.4/leaflet.js",
        "/static/vendor/leaflet-1.9.4/LICENSE",
    ):
        assert client.get(path).status_code == 200, path
    readme = (SRC / "web" / "static" / "vendor" / "README.md").read_text()
    assert "Leaflet | 1.9.4 | BSD-2-Clause" in readme


def test_security_headers(client: TestClient) -> None:
    headers = client.get("/best-doctors/psoriasis/ukiah-ca").headers
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    assert "geolocation=(self)" in headers["permissions-policy"]


def test_tile_server_is_allowed_by_the_policy() -> None:
    policy = content_security_policy("https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' data: https://*.tiles.example.org;" in policy
    assert "img-src 'self' data:;" in content_security_policy("")


def test_a_missing_store_is_a_503_that_says_so(tmp_path: Path) -> None:
    settings = WebSettings(db=str(tmp_path / "gone.duckdb"), tile_url="")
    with TestClient(create_app(settings)) as client:
        for path in ("/", "/best-doctors/psoriasis/ukiah-ca", "/places", "/sitemap.xml"):
            page = client.get(path)
            assert page.status_code == 503 and "no store at" in page.text, path
        api = client.get("/api/v1/search", params={"q": "psoriasis", "near": "Ukiah"})
        assert api.status_code == 503 and api.json()["error"]["code"] == "store_unavailable"
