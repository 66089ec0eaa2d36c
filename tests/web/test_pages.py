"""Treatment, specialty, place, doctor and information pages; sitemaps and robots.txt."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient
from web_support import parse_page

from docfinder import core
from docfinder.web import WebSettings

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _top_npi(settings: WebSettings) -> int:
    return int(core.search(settings.db, "metastasectomy", near="Ukiah, CA")["results"][0]["npi"])


def test_treatment_page(client: TestClient) -> None:
    response = client.get("/treatments/metastasectomy")
    assert response.status_code == 200
    page = parse_page(response.text)
    assert page.heading == "Metastasectomy"
    assert "What it is" in response.text and "Questions to ask your doctor" in response.text
    assert "lung metastases surgery" in response.text and "metastectomy" not in response.text
    assert page.of_type("MedicalProcedure")["name"] == "Metastasectomy"
    assert "BreadcrumbList" in page.types()
    assert "/treatments/lung-metastases" in page.links
    assert "/best-doctors/metastasectomy/ukiah-ca" in page.links
    assert "/best-doctors/metastasectomy/near-me" in page.links
    condition = parse_page(client.get("/treatments/psoriasis").text)
    assert condition.of_type("MedicalCondition")["name"] == "Psoriasis"
    assert client.get("/treatments/no-such-thing").status_code == 404


def test_doctor_profile(client: TestClient, settings: WebSettings) -> None:
    npi = _top_npi(settings)
    record = core.provider(settings.db, npi)
    short = client.get(f"/doctors/{npi}")
    assert short.status_code == 301
    path = short.headers["location"]
    assert re.fullmatch(rf"/doctors/{npi}-[a-z0-9-]+", path)
    wrong = client.get(f"/doctors/{npi}-someone-else")
    assert wrong.status_code == 301 and wrong.headers["location"] == path
    response = client.get(path)
    assert response.status_code == 200
    html = response.text
    page = parse_page(html)
    assert page.canonical == "https://docfinder.test" + path
    person = page.of_type("MedicalOrganization" if record["entity_type"] == "O" else "Physician")
    assert person["identifier"]["value"] == str(npi)
    assert person["address"]["postalCode"] and person["geo"]["latitude"]
    assert "NPPES NPI Registry, 2025 data, as of 2025-11-09" in html
    assert "Medicare Physician &amp; Other Practitioners, 2023 data" in html
    assert '<svg class="chart"' in html
    assert "of 5 CMS stars" in html
    assert "mailto:errors@docfinder.test?subject=" in html
    assert 'id="map"' in html and "data-lat=" in html
    for code in {str(p["hcpcs_code"]) for p in record["procedures"]}:
        assert f"<code>{code}</code>" in html


def test_unknown_doctor_is_a_helpful_404(client: TestClient) -> None:
    response = client.get("/doctors/1234567893-nobody")
    assert response.status_code == 404
    assert "No provider with NPI 1234567893" in response.text
    assert 'action="/search"' in response.text
    assert client.get("/doctors/not-an-npi").status_code == 404


def test_specialty_and_place_pages(client: TestClient) -> None:
    listing = client.get("/specialties")
    assert "/specialties/dermatologist" in parse_page(listing.text).links
    derm = client.get("/specialties/dermatologist")
    assert derm.status_code == 200
    assert "/best-doctors/dermatologist/ukiah-ca" in parse_page(derm.text).links
    places = parse_page(client.get("/places").text)
    assert "/places/ukiah-ca" in places.links and "/places/ca" in places.links
    ukiah = client.get("/places/ukiah-ca")
    assert parse_page(ukiah.text).heading == "Find doctors in Ukiah, CA"
    assert "/best-doctors/metastasectomy/ukiah-ca" in parse_page(ukiah.text).links
    state = parse_page(client.get("/places/ca").text)
    assert "/places/santa-rosa-ca" in state.links


def test_information_pages(client: TestClient) -> None:
    rank = client.get("/how-we-rank")
    assert rank.status_code == 200
    assert 'id="1-the-method"' in rank.text and 'href="#1-the-method"' in rank.text
    assert "<script>" not in rank.text.split("<main", 1)[1]
    sources = client.get("/data-sources")
    assert "NPPES NPI Registry" in sources.text and "2025-11-09" in sources.text
    for path in ("/about", "/disclaimer", "/", "/treatments", "/api/v1/docs"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "not medical advice" in response.text, path


def test_every_page_has_title_description_canonical_and_landmarks(client: TestClient) -> None:
    for path in (
        "/",
        "/best-doctors/psoriasis/ukiah-ca",
        "/treatments/psoriasis",
        "/places",
        "/specialties/dermatologist",
        "/how-we-rank",
    ):
        html = client.get(path).text
        assert re.search(r"<title>[^<]{10,}</title>", html), path
        assert re.search(r'<meta name="description" content="[^"]{20,}">', html), path
        assert parse_page(html).canonical == "https://docfinder.test" + path, path
        assert '<main id="main"' in html and '<nav aria-label="Main">' in html, path
        assert '<html lang="en">' in html and 'name="viewport"' in html, path


def test_sitemaps_list_the_pages(client: TestClient) -> None:
    index = ET.fromstring(client.get("/sitemap.xml").content)
    children = [loc.text or "" for loc in index.iter(f"{SITEMAP}loc")]
    assert children[0] == "https://docfinder.test/sitemaps/pages.xml"
    urls: list[str] = []
    for child in children:
        response = client.get(child.removeprefix("https://docfinder.test"))
        assert response.status_code == 200 and "xml" in response.headers["content-type"]
        urls += [loc.text or "" for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]
    assert "https://docfinder.test/best-doctors/metastasectomy/ukiah-ca" in urls
    assert "https://docfinder.test/treatments/metastasectomy" in urls
    assert "https://docfinder.test/places/ukiah-ca" in urls
    doctors = [u for u in urls if "/doctors/" in u]
    assert "<lastmod>" in client.get("/sitemaps/doctors-1.xml").text
    assert len(doctors) == core.count_listed_providers(client.app.state.site.db)
    sample = doctors[0].removeprefix("https://docfinder.test")
    assert client.get(sample).status_code == 200
    assert len(urls) == len(set(urls))
    assert client.get("/sitemaps/doctors-99.xml").status_code == 404


def test_robots(client: TestClient) -> None:
    text = client.get("/robots.txt").text
    assert "Sitemap: https://docfinder.test/sitemap.xml" in text
    assert "Disallow: /api/" in text
