"""Real-browser tests: Playwright driving Debian's chromium against a live server.

Skipped, with the reason, where /usr/bin/chromium is absent (`.ci/run` installs it). Screenshots
at 360 and 1280 px go to $DOCFINDER_SCREENSHOTS, else to this run's temporary folder.
"""

from __future__ import annotations

import functools
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from docfinder.web import WebSettings, create_app
from docfinder.web.export import export_site

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
UKIAH = {"latitude": 39.15, "longitude": -123.21}

if not CHROMIUM.exists():
    pytest.skip(
        f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium; .ci/run does)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package")

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(settings: WebSettings) -> Iterator[str]:
    """The app served by uvicorn in a thread of this process."""
    port = _free_port()
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    live = uvicorn.Server(config)
    thread = threading.Thread(target=live.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not live.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    live.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("DOCFINDER_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pick(page: Any, field: str, typed: str, wanted: str) -> None:
    """Type into a combobox, wait for the suggestion, choose it with the keyboard."""
    box = page.locator(f"#home-{field}")
    box.fill("")
    box.press_sequentially(typed, delay=30)
    option = page.locator(f"#home-{field}-list [role=option]", has_text=wanted).first
    option.wait_for(state="visible")
    count = page.locator(f"#home-{field}-list [role=option]").count()
    for _ in range(count):
        box.press("ArrowDown")
        active = page.locator(f"#home-{field}-list [aria-selected=true]")
        if wanted in active.inner_text():
            break
    box.press("Enter")
    assert box.input_value() == wanted


def _type_and_dismiss(page: Any, selector: str, text: str) -> None:
    """Type, let the suggestions open, and close them with Escape, as a person would."""
    box = page.locator(selector)
    box.fill(text)
    page.locator(f"#{box.get_attribute('aria-controls')} [role=option]").first.wait_for()
    box.press("Escape")


def test_autocomplete_misspelled_search_then_profile(page: Any, server: str) -> None:
    page.goto(server + "/")
    _pick(page, "what", "psoraisis", "Psoriasis")
    _pick(page, "where", "Ukia", "Ukiah, CA")
    page.get_by_role("button", name="Find doctors").click()
    page.wait_for_url(re.compile(r"/best-doctors/psoriasis/ukiah-ca$"))
    heading = page.locator("h1").inner_text()
    assert heading == "Best Doctor List Near You for Psoriasis in Ukiah, CA"
    cards = page.locator("li.card")
    assert cards.count() > 0
    name = cards.first.locator("h2 a").inner_text()
    cards.first.locator("h2 a").click()
    page.wait_for_url(re.compile(r"/doctors/\d{10}-"))
    assert page.locator("h1").inner_text().startswith(name)


def test_use_my_location_granted(browser: Any, server: str) -> None:
    context = browser.new_context(geolocation=UKIAH, permissions=["geolocation"])
    page = context.new_page()
    page.goto(server + "/")
    _type_and_dismiss(page, "#home-what", "psoriasis")
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_url(re.compile(r"/best-doctors/psoriasis/near-me\?lat=39\.15000&lon=-123\.21000"))
    assert page.locator("h1").inner_text() == "Best Doctor List Near You for Psoriasis"
    assert page.locator("li.card").count() > 0
    context.close()


def test_near_me_refused_falls_back_to_the_typed_place(browser: Any, server: str) -> None:
    context = browser.new_context()  # no permission: the browser refuses the position
    page = context.new_page()
    page.goto(server + "/")
    _type_and_dismiss(page, "#home-what", "psoriasis")
    page.get_by_role("button", name="Use my location").click()
    page.wait_for_function("document.querySelector('[data-status]').textContent.includes('not')")
    assert page.evaluate("document.activeElement.id") == "home-where"
    page.goto(server + "/best-doctors/psoriasis/near-me")
    status = page.locator("[data-status]").first
    status.wait_for(state="visible")
    page.wait_for_function("document.querySelector('[data-status]').textContent.includes('not')")
    assert "Type your city or ZIP code" in status.inner_text()
    where = page.locator("#near-where")
    assert where.evaluate("el => el === document.activeElement")
    where.fill("Ukiah, CA")
    where.press("Enter")
    page.wait_for_url(re.compile(r"/best-doctors/psoriasis/ukiah-ca$"))
    assert page.locator("li.card").count() > 0
    context.close()


def test_keyboard_only_search(page: Any, server: str) -> None:
    page.goto(server + "/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "home-what":
            break
    page.keyboard.type("metastasectomy")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "home-where"
    page.keyboard.type("Ukiah, CA")
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/best-doctors/metastasectomy/ukiah-ca$"))
    assert page.locator("li.card").count() > 0


def test_works_without_javascript(browser: Any, server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/")
    assert page.locator("[data-locate]").first.is_hidden()
    page.locator("#home-what").fill("metastasectomy")
    page.locator("#home-where").fill("Ukia")
    page.get_by_role("button", name="Find doctors").click()
    page.wait_for_url(re.compile(r"/best-doctors/metastasectomy/ukiah-ca$"))
    assert page.locator("li.card").count() > 0
    page.locator("details.filters summary").click()
    page.locator("select[name=sort]").select_option("distance")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"sort=distance"))
    page.goto(server + "/best-doctors/psoriasis/near-me")
    page.locator("#near-where").fill("Ukiah, CA")
    page.get_by_role("button", name="Find doctors").click()
    page.wait_for_url(re.compile(r"/best-doctors/psoriasis/ukiah-ca$"))
    context.close()


def test_live_filters_replace_the_results(page: Any, server: str) -> None:
    page.goto(server + "/best-doctors/metastasectomy/ukiah-ca")
    page.locator("details.filters summary").click()
    first = page.locator("li.card").first.get_attribute("data-npi")
    page.locator("select[name=sort]").select_option("distance")
    page.wait_for_url(re.compile(r"sort=distance"))
    page.wait_for_function(
        "n => document.querySelector('li.card') && "
        "document.querySelector('.lead').textContent.includes('nearest first')",
        arg=first,
    )
    assert page.locator("#map .leaflet-marker-icon").count() > 0


PAGES = {
    "home": "/",
    "results": "/best-doctors/metastasectomy/ukiah-ca",
    "treatment": "/treatments/metastasectomy",
    "near-me": "/best-doctors/psoriasis/near-me",
}


def test_axe_finds_no_serious_violations(browser: Any, server: str, settings: WebSettings) -> None:
    context = browser.new_context(bypass_csp=True)  # axe is injected as an inline script
    page = context.new_page()
    problems = []
    doctor = _first_doctor_path(page, server)
    for name, path in [*PAGES.items(), ("doctor", doctor)]:
        page.goto(server + path)
        page.add_script_tag(path=str(AXE))
        found = page.evaluate(
            """async () => (await axe.run(document, {runOnly: {type: 'tag',
                values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})).violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 3))"""
        )
        problems += [f"{name}: {v}" for v in found]
    context.close()
    assert not problems, problems


def _first_doctor_path(page: Any, server: str) -> str:
    page.goto(server + PAGES["results"])
    href = page.locator("li.card h2 a").first.get_attribute("href")
    assert href
    return str(href)


# Cumulative layout shift since the page started loading (Core Web Vitals: good below 0.1).
LAYOUT_SHIFT = """() => new Promise(resolve => {
    let total = 0;
    new PerformanceObserver(list => {
        for (const e of list.getEntries()) { if (!e.hadRecentInput) { total += e.value; } }
    }).observe({type: 'layout-shift', buffered: true});
    setTimeout(() => resolve(total), 300);
})"""


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots_and_no_sideways_scroll(
    browser: Any, server: str, shots: Path, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    doctor = _first_doctor_path(page, server)
    for name, path in [*PAGES.items(), ("doctor", doctor)]:
        page.goto(server + path)
        page.wait_for_load_state("load")
        page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
        shift = page.evaluate(LAYOUT_SHIFT)
        assert shift < 0.1, f"{name} shifts its layout by {shift:.3f} (CLS) at {width}px"
    context.close()
    assert (shots / f"results-{width}.png").stat().st_size > 10_000


class QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def static_site(settings: WebSettings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An export served by a plain static file server, as any static host would."""
    out = tmp_path_factory.mktemp("static-site")
    export_site(settings, out, treatments="psoriasis", places="ukiah-ca,santa-rosa-ca")
    handler = functools.partial(QuietFiles, directory=str(out))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    thread.join(timeout=10)


def test_static_export_near_me_goes_to_the_nearest_place(browser: Any, static_site: str) -> None:
    context = browser.new_context(geolocation=UKIAH, permissions=["geolocation"])
    page = context.new_page()
    page.goto(static_site + "/best-doctors/psoriasis/near-me/")
    page.wait_for_url(re.compile(r"/best-doctors/psoriasis/ukiah-ca/?$"))
    assert page.locator("h1").inner_text() == "Best Doctor List Near You for Psoriasis in Ukiah, CA"
    assert page.locator("li.card").count() > 0
    assert page.locator("#map .leaflet-marker-icon").count() > 0
    page.locator("li.card h2 a").first.click()
    page.wait_for_url(re.compile(r"/doctors/\d{10}-"))
    context.close()


def test_static_export_near_me_refused(browser: Any, static_site: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    page.goto(static_site + "/best-doctors/psoriasis/near-me/")
    page.wait_for_function("document.querySelector('[data-status]').textContent.includes('Pick')")
    assert page.evaluate("document.activeElement.tagName") == "A"
    context.close()
