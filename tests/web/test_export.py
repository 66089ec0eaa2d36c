"""Static export: the pages as files, every link resolving, sitemaps, incremental rewrites."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
from web_support import card_npis, parse_page

from docfinder.errors import InputError
from docfinder.web import WebSettings
from docfinder.web.export import ExportReport, export_site, output_file

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(scope="module")
def exported(
    settings: WebSettings, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, ExportReport, ExportReport]:
    out = tmp_path_factory.mktemp("site")
    options = {"treatments": "metastasectomy,psoriasis", "places": "ukiah-ca,santa-rosa-ca"}
    first = export_site(settings, out, **options)
    second = export_site(settings, out, **options)
    return out, first, second


def _resolves(out: Path, href: str) -> bool:
    path = href.split("#")[0]
    if path.startswith("/static/"):
        return (out / path.lstrip("/")).is_file()
    return output_file(out, path).is_file()


def test_pages_are_written_and_every_link_resolves(
    exported: tuple[Path, ExportReport, ExportReport],
) -> None:
    out, first, _ = exported
    assert not first.failed
    results = output_file(out, "/best-doctors/metastasectomy/ukiah-ca")
    page = parse_page(results.read_text())
    assert page.heading == "Best Doctor List Near You for Metastasectomy in Ukiah, CA"
    assert card_npis(results.read_text())
    assert page.canonical == "https://docfinder.test/best-doctors/metastasectomy/ukiah-ca"
    for name in (
        "index.html",
        "treatments/psoriasis/index.html",
        "places/ukiah-ca/index.html",
        "how-we-rank/index.html",
        "404.html",
        "robots.txt",
    ):
        assert (out / name).is_file(), name
    doctors = list((out / "doctors").glob("*/index.html"))
    assert len(doctors) >= len(card_npis(results.read_text()))
    broken = []
    for html_file in out.rglob("*.html"):
        parsed = parse_page(html_file.read_text())
        for href in [h for h in parsed.links + parsed.assets if h.startswith("/")]:
            if not _resolves(out, href):
                broken.append((str(html_file.relative_to(out)), href))
    assert not broken, broken[:10]


def test_no_server_features_in_static_pages(
    exported: tuple[Path, ExportReport, ExportReport],
) -> None:
    out, _, _ = exported
    html = output_file(out, "/best-doctors/psoriasis/santa-rosa-ca").read_text()
    assert 'action="/search"' not in html and "data-live" not in html
    assert 'rel="next"' not in html


def test_sitemap_lists_the_exported_pages(
    exported: tuple[Path, ExportReport, ExportReport],
) -> None:
    out, first, _ = exported
    urls = [u.text or "" for u in ET.parse(out / "sitemap.xml").iter(f"{SITEMAP}loc")]
    assert "https://docfinder.test/best-doctors/psoriasis/ukiah-ca" in urls
    assert len(urls) == first.pages
    for url in urls:
        assert output_file(out, url.removeprefix("https://docfinder.test")).is_file(), url


def test_incremental(exported: tuple[Path, ExportReport, ExportReport]) -> None:
    _, first, second = exported
    assert first.written > 0 and first.pages_per_second > 0
    assert second.written == 0 and second.unchanged == first.written


def test_bad_choices_say_what_to_do(settings: WebSettings, tmp_path: Path) -> None:
    quick = replace(settings, warm_up=False)
    with pytest.raises(InputError, match="top:N"):
        export_site(quick, tmp_path, treatments="psoriasis", places="top:lots")
    with pytest.raises(InputError, match="nowhere-zz"):
        export_site(quick, tmp_path, treatments="psoriasis", places="nowhere-zz")
    with pytest.raises(InputError, match="no-such-treatment"):
        export_site(quick, tmp_path, treatments="no-such-treatment", places="ukiah-ca")
