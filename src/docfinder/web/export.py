"""Static export: the site's pages as HTML files for any static host.

Pages are rendered by the app itself (in-process, through ASGI), so an exported page is the
page the server would send, minus what needs a server: search forms, filters and paging.
Links to pages that were not exported are turned into plain text, so every link resolves.
Incremental: a file whose bytes are unchanged is not rewritten.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path

import httpx

from docfinder.errors import InputError
from docfinder.web.app import create_app
from docfinder.web.settings import WebSettings
from docfinder.web.site import Site, results_path
from docfinder.web.sitedata import NEAR_ME, SiteData
from docfinder.web.sitemap import STATIC_PATHS

_LINK = re.compile(r'<a ([^>]*?)href="(/[^"#]*)(#[^"]*)?"([^>]*)>(.*?)</a>', re.DOTALL)
_DOCTOR_LINK = re.compile(r'href="(/doctors/\d{10}-[a-z0-9-]+)"')
ORIGIN = "http://export.invalid"
CONCURRENT_PAGES = 4


@dataclass
class ExportReport:
    """What an export did."""

    outdir: Path
    pages: int = 0
    written: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    failed: list[tuple[str, int]] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def choose_places(data: SiteData, spec: str) -> list[str]:
    """Place slugs from "top:N" (the N cities with most doctors), "all", or "slug,slug"."""
    cities = [c.place.slug for c in data.cities()]
    if spec == "all":
        return cities
    if spec.startswith("top:"):
        count = spec.removeprefix("top:")
        if not count.isdigit():
            raise InputError(f"--places {spec}: say top:N with a number, e.g. top:20")
        return cities[: int(count)]
    slugs = [s.strip().lower() for s in spec.split(",") if s.strip()]
    unknown = [s for s in slugs if data.place(s) is None]
    if unknown:
        raise InputError(f"--places: no place with slug {', '.join(unknown)} (see /places)")
    return slugs


def choose_whats(data: SiteData, spec: str) -> list[str]:
    """Treatment and specialty slugs from "all" or "slug,slug"."""
    if spec == "all":
        return [e.slug for e in data.treatments()] + sorted(data.specialties)
    slugs = [s.strip().lower() for s in spec.split(",") if s.strip()]
    unknown = [s for s in slugs if data.what(s) is None]
    if unknown:
        raise InputError(f"--treatments: no treatment or specialty {', '.join(unknown)}")
    return slugs


def output_file(outdir: Path, path: str) -> Path:
    """/ → index.html; /best-doctors/x/y → best-doctors/x/y/index.html; *.xml, *.txt as named."""
    relative = path.strip("/")
    if relative.endswith((".xml", ".txt")):
        return outdir / relative
    return outdir / relative / "index.html" if relative else outdir / "index.html"


def keep_exported_links(html: str, exported: set[str]) -> str:
    """Links to pages outside the export become their text; the rest stay."""

    def swap(found: re.Match[str]) -> str:
        path = found.group(2)
        if path.startswith("/static/") or path in exported:
            return found.group(0)
        return f"<span>{found.group(5)}</span>"

    return _LINK.sub(swap, html)


def export_site(
    settings: WebSettings,
    outdir: Path,
    treatments: str = "all",
    places: str = "top:20",
) -> ExportReport:
    """Write the pages for these treatments and places, their doctors, assets and sitemaps."""
    static = replace(settings, static_export=True, base_url=settings.base_url or "/")
    app = create_app(static)
    site: Site = app.state.site
    site.data.warm_up()
    whats, place_slugs = choose_whats(site.data, treatments), choose_places(site.data, places)
    report = ExportReport(outdir)
    started = time.perf_counter()
    outdir.mkdir(parents=True, exist_ok=True)
    # A thread of its own: the caller may already run an event loop (a notebook, a test).
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _export(app, site, whats, place_slugs, report)).result()
    _copy_assets(outdir)
    report.seconds = time.perf_counter() - started
    return report


def _planned(site: Site, whats: list[str], places: list[str]) -> tuple[list[str], list[str]]:
    pages = list(STATIC_PATHS)
    pages += [f"/treatments/{w}" for w in whats if site.data.catalog.get(w)]
    pages += [f"/specialties/{w}" for w in whats if w in site.data.specialties]
    pages += [f"/places/{p}" for p in places]
    # With JavaScript, a static near-me page goes to the nearest exported place.
    pages += [results_path(w, NEAR_ME) for w in whats]
    results = [results_path(w, p) for p in places for w in whats]
    return pages, results


async def _export(
    app: object, site: Site, whats: list[str], places: list[str], report: ExportReport
) -> None:
    pages, results = _planned(site, whats, places)
    exported = set(pages) | set(results) | {"/sitemap.xml"}
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as client:
        doctors: dict[str, None] = {}
        for batch in _batches(results):
            for path, html in zip(batch, await _fetch_all(client, batch, report), strict=True):
                if html is not None:
                    doctors.update(dict.fromkeys(_DOCTOR_LINK.findall(html)))
                    exported.update(doctors)
                    _write(report, path, keep_exported_links(html, exported))
        for batch in _batches([*pages, *doctors]):
            for path, html in zip(batch, await _fetch_all(client, batch, report), strict=True):
                if html is not None:
                    _write(report, path, keep_exported_links(html, exported))
        missing = await client.get("/this-page-does-not-exist")
        _write(report, "/404.html", keep_exported_links(missing.text, exported), count=False)
    failed = {path for path, _ in report.failed}
    if failed:
        _unlink_failed(report, [*results, *pages, *doctors], exported - failed)
    _write_sitemap(site, report, sorted(exported - failed - {"/sitemap.xml"}))


def _unlink_failed(report: ExportReport, paths: list[str], exported: set[str]) -> None:
    """Turn links to pages that could not be exported into text, in the pages written."""
    for path in paths:
        target = output_file(report.outdir, path)
        if target.exists():
            text = target.read_text("utf-8")
            fixed = keep_exported_links(text, exported)
            if fixed != text:
                target.write_text(fixed, "utf-8")


def _batches(paths: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(paths), CONCURRENT_PAGES):
        yield paths[start : start + CONCURRENT_PAGES]


async def _fetch_all(
    client: httpx.AsyncClient, paths: list[str], report: ExportReport
) -> list[str | None]:
    """Pages rendered side by side: store queries run in the app's worker threads."""
    return list(await asyncio.gather(*(_fetch(client, p, report) for p in paths)))


async def _fetch(client: httpx.AsyncClient, path: str, report: ExportReport) -> str | None:
    response = await client.get(path)
    if response.status_code != 200:
        report.failed.append((path, response.status_code))
        return None
    return response.text


def _write(report: ExportReport, path: str, text: str, count: bool = True) -> None:
    target = report.outdir / "404.html" if path == "/404.html" else output_file(report.outdir, path)
    data = text.encode("utf-8")
    if count:
        report.pages += 1
    if target.exists() and target.read_bytes() == data:
        report.unchanged += 1
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(target)
    report.written += 1


def _write_sitemap(site: Site, report: ExportReport, paths: Iterable[str]) -> None:
    """sitemap.xml of the exported pages (absolute URLs need --base-url) and robots.txt."""
    base = site.settings.base_url.rstrip("/")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    lines += [f"<url><loc>{base}{p}</loc></url>" for p in paths]
    lines.append("</urlset>")
    _write(report, "/sitemap.xml", "\n".join(lines) + "\n", count=False)
    robots = "User-agent: *\nDisallow:\n" + (f"Sitemap: {base}/sitemap.xml\n" if base else "")
    _write(report, "/robots.txt", robots, count=False)


def _copy_assets(outdir: Path) -> None:
    source = resources.files("docfinder.web").joinpath("static")
    with resources.as_file(source) as folder:
        shutil.copytree(folder, outdir / "static", dirs_exist_ok=True)
