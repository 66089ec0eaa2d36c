"""Display helpers of the templates."""

from __future__ import annotations

import json

import pytest

from docfinder.web.render import jsonld_script, miles_text, phone_text, tel_href, title_case
from docfinder.web.results import headline


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("123 3RD ST", "123 3rd St"),
        ("WINSTON-SALEM", "Winston-Salem"),
        ("O'NEIL DR", "O'Neil Dr"),
        ("UNIVERSITY OF CALIFORNIA, SAN FRANCISCO", "University of California, San Francisco"),
        ("McKinleyville", "McKinleyville"),
        (None, ""),
    ],
)
def test_title_case(raw: str | None, shown: str) -> None:
    assert title_case(raw) == shown


def test_headline_keeps_acronyms_and_small_words() -> None:
    assert headline("Mohs surgery") == "Mohs Surgery"
    assert headline("CT scan of the chest") == "CT Scan of the Chest"
    assert headline("COVID-19") == "COVID-19"


def test_phone_and_distance() -> None:
    assert phone_text("7075550180") == "(707) 555-0180"
    assert tel_href("707-555-0180") == "tel:+17075550180"
    assert miles_text(0.4) == "under 1 mile" and miles_text(1.2) == "1 mile"
    assert miles_text(12.6) == "13 miles"


def test_jsonld_cannot_close_its_script() -> None:
    block = str(jsonld_script({"name": "</script><script>alert(1)</script>"}))
    assert block.count("</script>") == 1
    inner = block.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(inner)["name"] == "</script><script>alert(1)</script>"
