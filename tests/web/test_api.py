"""The JSON API: the CLI's search shape, doctors, treatments, places, autocomplete, errors,
OpenAPI, CORS and HTTP caching."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

import pg_support
from docfinder import core
from docfinder.web import WebSettings

# Every API test runs against the app over each backend.
pytestmark = pytest.mark.parametrize(
    "web_backend", pg_support.BACKENDS, indirect=True, scope="session"
)


def _error(response_json: dict[str, object]) -> dict[str, object]:
    error = response_json["error"]
    assert isinstance(error, dict)
    assert set(error) == {"status", "code", "message", "parameter"}
    return error


def test_search_is_the_cli_json(client: TestClient, settings: WebSettings) -> None:
    response = client.get("/api/v1/search", params={"q": "psoraisis", "near": "Ukia"})
    assert response.status_code == 200
    expected = core.search(settings.db, "psoraisis", near="Ukia")
    assert response.json() == json.loads(json.dumps(expected, default=str))
    assert response.json()["query"]["what"]["slug"] == "psoriasis"
    assert response.json()["results"]


def test_search_options_pass_through(client: TestClient, settings: WebSettings) -> None:
    params = {
        "q": "metastasectomy",
        "lat": "39.15",
        "lon": "-123.21",
        "sort": "distance",
        "limit": "3",
        "offset": "2",
        "explain": "true",
    }
    got = client.get("/api/v1/search", params=params).json()
    expected = core.search(
        settings.db,
        "metastasectomy",
        lat=39.15,
        lon=-123.21,
        sort="distance",
        limit=3,
        offset=2,
        explain=True,
    )
    assert [r["npi"] for r in got["results"]] == [r["npi"] for r in expected["results"]]
    assert "breakdown" in got["results"][0]


def test_bad_parameters_name_themselves(client: TestClient) -> None:
    cases = [
        ({"q": "psoriasis", "near": "Ukiah", "limit": "0"}, 422, "limit"),
        ({"q": "psoriasis", "near": "Ukiah", "sort": "price"}, 422, "sort"),
        ({"near": "Ukiah"}, 422, "q"),
        ({"q": "psoriasis", "lat": "39.1"}, 400, "lon"),
        ({"q": "psoriasis", "near": "Qqqxxzz Nowhere"}, 400, "near"),
        ({"q": "zzzqqq xxyz", "near": "Ukiah"}, 400, "q"),
    ]
    for params, status, name in cases:
        response = client.get("/api/v1/search", params=params)
        assert response.status_code == status, (params, response.text)
        error = _error(response.json())
        assert error["parameter"] == name and error["status"] == status, (params, error)
        assert response.headers["content-type"].startswith("application/json")


def test_doctor_by_npi(client: TestClient, settings: WebSettings) -> None:
    npi = core.search(settings.db, "metastasectomy", near="Ukiah, CA")["results"][0]["npi"]
    got = client.get(f"/api/v1/doctors/{npi}").json()
    assert got["npi"] == npi and got["locations"] and got["source_dataset"] == "nppes"
    missing = client.get("/api/v1/doctors/1234567893")
    assert missing.status_code == 404 and _error(missing.json())["parameter"] == "npi"
    bad = client.get("/api/v1/doctors/12ab")
    assert bad.status_code == 422 and _error(bad.json())["parameter"] == "npi"


def test_treatments(client: TestClient) -> None:
    listed = client.get("/api/v1/treatments").json()["treatments"]
    assert len(listed) > 300 and {"slug", "name", "kind", "summary"} <= set(listed[0])
    detail = client.get("/api/v1/treatments/metastasectomy").json()
    assert detail["kind"] == "procedure" and detail["explanation"]["what_it_is"]
    assert {"208G00000X"} <= {s["code"] for s in detail["specialties"]}
    assert client.get("/api/v1/treatments/nope").status_code == 404


def test_places_and_autocomplete(client: TestClient) -> None:
    places = client.get("/api/v1/places/resolve", params={"q": "Ukia"}).json()["places"]
    assert places[0]["slug"] == "ukiah-ca"
    what = client.get("/api/v1/autocomplete/what", params={"q": "psoraisis"}).json()
    assert what["suggestions"][0]["slug"] == "psoriasis"
    assert what["suggestions"][0]["page_slug"] == "psoriasis"
    where = client.get("/api/v1/autocomplete/where", params={"q": "santa ros"}).json()
    assert any(s["slug"] == "santa-rosa-ca" for s in where["suggestions"])
    assert client.get("/api/v1/autocomplete/what", params={"q": ""}).json() == {"suggestions": []}


def test_openapi_and_docs_page(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    assert {
        "/api/v1/search",
        "/api/v1/doctors/{npi}",
        "/api/v1/treatments",
        "/api/v1/treatments/{slug}",
        "/api/v1/places/resolve",
        "/api/v1/autocomplete/what",
        "/api/v1/autocomplete/where",
    } <= set(spec["paths"])
    assert not any(p.startswith("/best-doctors") for p in spec["paths"])
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and "GET /api/v1/search" in docs.text
    assert '<script src="http' not in docs.text


def test_etag_and_cache_control(client: TestClient) -> None:
    for url in ("/api/v1/search?q=psoriasis&near=Ukiah", "/best-doctors/psoriasis/ukiah-ca"):
        first = client.get(url)
        etag = first.headers["etag"]
        assert "max-age=" in first.headers["cache-control"]
        again = client.get(url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        assert again.headers["etag"] == etag
        changed = client.get(url, headers={"If-None-Match": '"other"'})
        assert changed.status_code == 200
    head = client.head("/best-doctors/psoriasis/ukiah-ca")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"]
    error = client.get("/api/v1/search", params={"q": "x", "limit": "0"})
    assert "etag" not in error.headers and error.headers["cache-control"] == "no-store"


def test_cors(client: TestClient) -> None:
    allowed = client.get("/api/v1/treatments", headers={"Origin": "https://app.test"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.test"
    other = client.get("/api/v1/treatments", headers={"Origin": "https://evil.test"})
    assert "access-control-allow-origin" not in other.headers


def test_unknown_api_path_is_json(client: TestClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404 and _error(response.json())["status"] == 404
