"""Results pages over the generated Ukiah region: heading, ranking, evidence, structured data."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from web_support import card_npis, parse_page

from docfinder import core
from docfinder.catalog.loader import load_catalog
from docfinder.search.engine import Filters
from docfinder.web import WebSettings

UKIAH = "/best-doctors/metastasectomy/ukiah-ca"


def _search(settings: WebSettings, text: str, **options: Any) -> dict[str, Any]:
    return core.search(settings.db, text, limit=settings.page_size, **options)


def test_results_page_has_the_heading_ranked_doctors_and_evidence(
    client: TestClient, settings: WebSettings
) -> None:
    response = client.get(UKIAH)
    assert response.status_code == 200
    page = parse_page(response.text)
    assert page.heading == "Best Doctor List Near You for Metastasectomy in Ukiah, CA"
    expected = _search(settings, "Metastasectomy", near="Ukiah, CA")
    assert expected["results"], "the generated region plants metastasectomy surgeons near Ukiah"
    assert card_npis(response.text) == [r["npi"] for r in expected["results"]]
    first = expected["results"][0]
    assert first["evidence"][0]["text"] in response.text.replace("&amp;", "&")
    assert f'href="tel:+1{first["phone"]}"' in response.text
    assert len(response.content) < 100_000, "results HTML stays under ~100 KB for 20 results"


def test_results_page_structured_data(client: TestClient, settings: WebSettings) -> None:
    page = parse_page(client.get(UKIAH).text)
    assert page.canonical == "https://docfinder.test" + UKIAH
    assert {"ItemList", "MedicalProcedure", "BreadcrumbList"} <= set(page.types())
    items = page.of_type("ItemList")["itemListElement"]
    expected = _search(settings, "Metastasectomy", near="Ukiah, CA")["results"]
    assert [i["item"]["identifier"]["value"] for i in items] == [str(r["npi"]) for r in expected]
    first = items[0]["item"]
    assert first["@type"] in ("Physician", "MedicalOrganization")
    assert first["address"]["@type"] == "PostalAddress" and first["address"]["addressRegion"]
    assert first["geo"]["@type"] == "GeoCoordinates"
    crumbs = page.of_type("BreadcrumbList")["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Home", "Metastasectomy", "Ukiah, CA"]


def test_sort_filters_and_stable_pages(client: TestClient, settings: WebSettings) -> None:
    by_distance = client.get(UKIAH + "?sort=distance")
    expected = _search(settings, "Metastasectomy", near="Ukiah, CA", sort="distance")
    assert card_npis(by_distance.text) == [r["npi"] for r in expected["results"]]
    assert 'name="robots" content="noindex' in by_distance.text
    first, again = client.get(UKIAH + "?page=2"), client.get(UKIAH + "?page=2")
    assert card_npis(first.text) == card_npis(again.text)
    assert not set(card_npis(first.text)) & set(card_npis(client.get(UKIAH).text))
    assert parse_page(first.text).canonical == f"https://docfinder.test{UKIAH}?page=2"
    women = client.get(UKIAH + "?gender=F")
    only_women = Filters(gender="F")
    expected_f = _search(settings, "Metastasectomy", near="Ukiah, CA", filters=only_women)
    assert card_npis(women.text) == [r["npi"] for r in expected_f["results"]]


def test_specialty_filter_offers_the_treatments_specialties(client: TestClient) -> None:
    html = client.get(UKIAH + "?specialty=208G00000X").text
    assert '<option value="208G00000X" selected>' in html
    assert '<option value="2086X0206X" >' in html
    assert card_npis(html)


def test_routes_answer(client: TestClient) -> None:
    assert client.get("/best-doctors/psoriasis").headers["location"] == (
        "/best-doctors/psoriasis/near-me"
    )
    for path in (
        "/specialties/no-such-doctor",
        "/places/nowhere-zz",
        "/treatments/x-y-z",
        "/no/such/page",
        "/sitemaps/nothing.xml",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get("/best-doctors/psoriasis/near-me?lat=39").status_code == 400
    assert client.get("/places/UKIAH-CA").headers["location"] == "/places/ukiah-ca"
    beyond = client.get(UKIAH + "?page=500")
    assert beyond.status_code == 404 and f'href="{UKIAH}"' in beyond.text


def test_related_searches_summary_and_method_box(client: TestClient) -> None:
    page = parse_page(client.get(UKIAH).text)
    assert "/treatments/metastasectomy" in page.links
    assert "/how-we-rank" in page.links
    assert any(link.startswith("/best-doctors/lung-metastases/ukiah-ca") for link in page.links)
    nearby = [h for h in page.links if h.startswith("/best-doctors/metastasectomy/")]
    assert nearby and UKIAH not in nearby


def test_map_is_there_without_tiles(client: TestClient) -> None:
    html = client.get(UKIAH).text
    assert 'id="map"' in html and 'data-tiles=""' in html
    assert "/static/vendor/leaflet-1.9.4/leaflet.js" in html
    assert "unpkg.com" not in html and "cdn" not in html.lower()
    assert "data-lat=" in html


def test_nothing_found_suggests_a_wider_radius(client: TestClient) -> None:
    html = client.get(UKIAH + "?radius=1&gender=M&entity=organization").text
    assert "We found no doctors" in html
    assert "radius=500" in html


def test_debug_shows_query_analysis_and_breakdown(client: TestClient) -> None:
    html = client.get(UKIAH + "?debug=1").text
    assert "Debug: query analysis and score breakdown" in html
    assert "<th>experience</th>" in html and "<th>distance_factor</th>" in html
    assert "ukiah-ca" in html


def test_near_me_with_and_without_a_position(client: TestClient, settings: WebSettings) -> None:
    asking = client.get("/best-doctors/psoriasis/near-me")
    assert asking.status_code == 200
    assert parse_page(asking.text).heading == "Best Doctor List Near You for Psoriasis"
    assert 'name="where"' in asking.text and "data-locate" in asking.text
    found = client.get("/best-doctors/psoriasis/near-me?lat=39.15&lon=-123.21")
    expected = core.search(settings.db, "Psoriasis", lat=39.15, lon=-123.21, limit=20)
    assert expected["results"]
    assert card_npis(found.text) == [r["npi"] for r in expected["results"]]
    assert (
        parse_page(found.text).canonical == "https://docfinder.test/best-doctors/psoriasis/near-me"
    )


def test_specialty_results(client: TestClient) -> None:
    response = client.get("/best-doctors/dermatologist/ukiah-ca")
    assert response.status_code == 200
    assert parse_page(response.text).heading == (
        "Best Doctor List Near You for Dermatologist in Ukiah, CA"
    )
    assert card_npis(response.text)


def test_unknown_treatment_and_place_are_helpful_404s(client: TestClient) -> None:
    treatment = client.get("/best-doctors/metastasectomyy/ukiah-ca")
    assert treatment.status_code == 404
    assert "Did you mean" in treatment.text and "/treatments/metastasectomy" in treatment.text
    place = client.get("/best-doctors/metastasectomy/ukiahh-ca")
    assert place.status_code == 404
    assert "/best-doctors/metastasectomy/ukiah-ca" in place.text
    assert 'action="/search"' in place.text


def test_canonical_redirects(client: TestClient) -> None:
    upper = client.get("/Best-Doctors/Metastasectomy/Ukiah-CA/?sort=distance")
    assert upper.status_code == 301
    assert upper.headers["location"] == UKIAH + "?sort=distance"


def test_bad_parameters_answer_400_naming_them(client: TestClient) -> None:
    for query, name in (
        ("sort=cheapest", "sort"),
        ("page=0", "page"),
        ("radius=abc", "radius"),
        ("telehealth=maybe", "telehealth"),
    ):
        response = client.get(f"{UKIAH}?{query}")
        assert response.status_code == 400, query
        assert f"<code>{name}</code>" in response.text


def test_what_the_user_typed_is_escaped(client: TestClient) -> None:
    attack = "<script>alert(1)</script>"
    response = client.get("/search", params={"what": attack, "where": "Ukiah"})
    assert attack not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    place = client.get("/best-doctors/metastasectomy/%3Cb%3Ex%3C%2Fb%3E")
    assert "<b>x</b>" not in place.text


def test_search_form_goes_to_the_canonical_page(client: TestClient) -> None:
    typed = client.get("/search", params={"what": "metastasectomy", "where": "Ukia"})
    assert typed.status_code == 303 and typed.headers["location"] == UKIAH
    in_text = client.get("/search", params={"what": "psoraisis in Ukiah, CA"})
    assert in_text.headers["location"] == "/best-doctors/psoriasis/ukiah-ca"
    located = client.get("/search", params={"what": "psoriasis", "lat": "39.15", "lon": "-123.21"})
    assert (
        located.headers["location"] == "/best-doctors/psoriasis/near-me?lat=39.15000&lon=-123.21000"
    )
    nowhere = client.get("/search", params={"what": "psoriasis"})
    assert nowhere.headers["location"] == "/best-doctors/psoriasis/near-me"
    kept = client.get("/search", params={"what": "psoriasis", "where": "Ukiah", "sort": "distance"})
    assert kept.headers["location"] == "/best-doctors/psoriasis/ukiah-ca?sort=distance"
    code = client.get("/search", params={"what": "32480", "where": "Ukiah, CA"})  # billed here
    slug = code.headers["location"].split("/")[2]
    assert "32480" in [p.code for p in load_catalog()[slug].procedures]
    unknown = client.get("/search", params={"what": "zzzqqq xxyz"})
    assert unknown.status_code == 404 and "Nothing we know matches" in unknown.text
