"""The real Mohs surgery files of ../shared/data (2013-2021, as published) behind the site:
/best-doctors/mohs-surgery/ukiah-ca lists the dermatologic surgeons near Ukiah."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_support import SHARED_DATA, build_once, card_npis, parse_page

from docfinder import core
from docfinder.ingest import run_ingest
from docfinder.web import WebSettings, create_app

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

VALENTIC = 1104963008  # a dermatologist in Ukiah, CA, in every Mohs file 2013-2021


@pytest.fixture(scope="module")
def mohs_client(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[tuple[TestClient, str]]:
    def build(folder: Path) -> dict[str, str]:
        files = sorted(SHARED_DATA.glob("provider_service/mup_phy_prov_svc_*_mohs_*.csv"))
        files += sorted(SHARED_DATA.glob("taxonomy/*.csv"))
        db = folder / "mohs.duckdb"
        reports = run_ingest(str(db), files)
        assert all(r.status == "loaded" for r in reports), reports
        return {"db": str(db)}

    db = build_once(tmp_path_factory, request, "web-mohs", build)["db"]
    settings = WebSettings(db=db, tile_url="", base_url="https://docfinder.test")
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client, db


def test_mohs_near_ukiah_shows_the_real_surgeons(mohs_client: tuple[TestClient, str]) -> None:
    client, db = mohs_client
    response = client.get("/best-doctors/mohs-surgery/ukiah-ca")
    assert response.status_code == 200
    page = parse_page(response.text)
    assert page.heading == "Best Doctor List Near You for Mohs Surgery in Ukiah, CA"
    npis = card_npis(response.text)
    expected = core.search(db, "Mohs Surgery", near="Ukiah, CA", limit=20)["results"]
    assert npis == [r["npi"] for r in expected]
    assert VALENTIC in npis
    assert "Medicare Physician &amp; Other Practitioners, 2021" in response.text
    assert "Dermatolog" in response.text
    assert page.of_type("ItemList")["numberOfItems"] == len(npis)
    profile = client.get(f"/doctors/{VALENTIC}", follow_redirects=True)
    assert profile.status_code == 200 and "17311" in profile.text
