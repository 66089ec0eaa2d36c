"""Where files come from: the registry, URL overrides and their precedence, page resolvers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from docfinder.errors import InputError
from docfinder.fetch import (
    DATASETS,
    DEFAULT_SELECTION,
    FetchRequest,
    Override,
    RetryPolicy,
    Source,
    fetch_all,
    load_urls_file,
    parse_url_flags,
    select_sources,
)
from docfinder.fetch.errors import FetchError
from docfinder.fetch.resolve import resolve_file_url

PUBLISHER_HOSTS = {"download.cms.gov", "data.cms.gov", "www.nucc.org", "www2.census.gov"}


def test_every_default_is_an_https_publisher_address():
    for dataset in DATASETS.values():
        parts = urlsplit(dataset.url)
        assert parts.scheme == "https", dataset.name
        assert parts.hostname in PUBLISHER_HOSTS, dataset.name
        assert urlsplit(dataset.landing_page).scheme == "https", dataset.name
        assert (dataset.resolver == "index-page") == (dataset.link_pattern is not None)
        for spec in dataset.state_columns:
            assert spec.columns, dataset.name
            if spec.member_pattern:
                re.compile(spec.member_pattern)


def test_the_default_selection_leaves_out_the_weekly_increment():
    assert "nppes-weekly" not in DEFAULT_SELECTION
    assert set(DEFAULT_SELECTION) == set(DATASETS) - {"nppes-weekly"}


def test_precedence_is_defaults_then_file_then_flag():
    from_file = {
        "nucc": Override("https://file.example/nucc.csv", sha256="a" * 64, size=10),
        "dac": Override("https://file.example/dac.csv"),
    }
    from_flags = {"nucc": Override("https://flag.example/nucc.csv")}

    nucc, dac, hospitals = select_sources(["nucc", "dac", "hospitals"], from_file, from_flags)

    # The flag replaces the whole entry: the file's checksum belonged to the file's URL.
    assert nucc == Source("nucc", "https://flag.example/nucc.csv", "direct", origin="--url")
    assert dac == Source("dac", "https://file.example/dac.csv", "direct", origin="URL file")
    assert hospitals == Source("hospitals", DATASETS["hospitals"].url, "cms-metastore")


def test_urls_file_in_json_and_toml(tmp_path):
    as_json = tmp_path / "urls.json"
    as_json.write_text(
        json.dumps(
            {
                "nucc": "https://m.example/n.csv",
                "dac": {"url": "https://m.example/d.csv", "size": 5},
            }
        )
    )
    as_toml = tmp_path / "urls.toml"
    as_toml.write_text(
        'nucc = "https://m.example/n.csv"\n[dac]\nurl = "https://m.example/d.csv"\n'
        f'sha256 = "{"AB" * 32}"\n'
    )

    assert load_urls_file(as_json) == {
        "nucc": Override("https://m.example/n.csv"),
        "dac": Override("https://m.example/d.csv", size=5),
    }
    assert load_urls_file(as_toml)["dac"] == Override("https://m.example/d.csv", sha256="ab" * 32)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"nope": "https://x.example/a.csv"}', "unknown dataset 'nope'"),
        ('{"nucc": "ftp://x.example/a.csv"}', "expected an http(s) URL"),
        ('{"nucc": {"url": "https://x.example/a", "sha256": "xyz"}}', "64 hexadecimal digits"),
        ('{"nucc": {"url": "https://x.example/a", "size": -1}}', "whole number of bytes"),
        ('{"nucc": {"url": "https://x.example/a", "md5": "x"}}', "unknown keys"),
        ("[1, 2]", "expected a table"),
        ("{nucc", "not valid JSON"),
    ],
)
def test_a_bad_urls_file_says_where_and_what(tmp_path, text, message):
    path = tmp_path / "urls.json"
    path.write_text(text)
    with pytest.raises(InputError, match=re.escape(message)) as info:
        load_urls_file(path)
    assert str(path) in str(info.value)


def test_url_flags():
    flags = parse_url_flags(["nucc=https://a.example/1.csv", "nucc = https://a.example/2.csv"])
    assert flags == {"nucc": Override("https://a.example/2.csv")}
    with pytest.raises(InputError, match="expected DATASET=URL"):
        parse_url_flags(["https://a.example/1.csv"])
    with pytest.raises(InputError, match="unknown dataset 'nuc'"):
        parse_url_flags(["nuc=https://a.example/1.csv"])


def test_cli_uses_the_flag_over_the_file_over_the_default(server, run_fetch, tmp_path):
    from_file = server.add("/from-file/nucc.csv", b"Code,Grouping\n101Y00000X,Behavioral\n")
    from_flag = server.add("/from-flag/nucc.csv", b"Code,Grouping\n207N00000X,Allopathic\n")
    urls_file = tmp_path / "urls.json"
    urls_file.write_text(json.dumps({"nucc": from_file}))
    env = {"DOCFINDER_FETCH_URLS": str(urls_file)}

    _, with_flag = run_fetch(
        "-d", "nucc", "--url", f"nucc={from_flag}", str(tmp_path / "a"), env=env
    )
    _, file_only = run_fetch("-d", "nucc", str(tmp_path / "b"), env=env)

    assert with_flag["files"][0]["url"] == from_flag
    assert (tmp_path / "a" / "nucc.csv").read_bytes().endswith(b"Allopathic\n")
    assert file_only["files"][0]["url"] == from_file
    assert (tmp_path / "b" / "nucc.csv").read_bytes().endswith(b"Behavioral\n")
    assert [s.path for s in server.seen] == ["/from-flag/nucc.csv", "/from-file/nucc.csv"]


def test_cli_rejects_bad_configuration_before_any_download(run_fetch, tmp_path):
    result, _ = run_fetch("-d", "nope", str(tmp_path))
    assert result.exit_code == 2
    assert "unknown dataset 'nope'" in result.stderr
    result, _ = run_fetch("--states", "California", str(tmp_path))
    assert result.exit_code == 2
    assert "two-letter state code" in result.stderr


NPPES_LISTING = """<html><body>
<a href='./NPPES_Data_Dissemination_August_2026_V2.zip'>Aug</a>
<a href='./NPPES_Data_Dissemination_September_2026_V2.zip'>Sep</a>
<a href='./NPPES_Data_Dissemination_December_2025_V2.zip'>Dec</a>
<a href='./NPPES_Data_Dissemination_111026_111626_Weekly_V2.zip'>w1</a>
<a href='./NPPES_Data_Dissemination_110326_110926_Weekly_V2.zip'>w2</a>
<a href='./NPPES_Data_Dissemination_122925_010426_Weekly_V2.zip'>w3</a>
<a href='./NPPES_Deactivated_NPI_Report_111026_V2.zip'>deactivated</a>
</body></html>"""


@pytest.mark.parametrize(
    ("dataset", "newest"),
    [
        ("nppes", "NPPES_Data_Dissemination_September_2026_V2.zip"),
        ("nppes-weekly", "NPPES_Data_Dissemination_111026_111626_Weekly_V2.zip"),
    ],
)
def test_index_page_resolves_to_the_newest_file(server, dataset, newest):
    page = server.add("/nppes/NPI_Files.html", NPPES_LISTING.encode(), content_type="text/html")
    with httpx.Client() as client:
        url = resolve_file_url(client, Source(dataset, page, "index-page"))
    assert url == server.url(f"/nppes/{newest}")


@pytest.mark.parametrize("nested", [False, True], ids=["flat", "reference-expanded"])
def test_metastore_item_resolves_to_its_csv(server, nested):
    csv_url = server.url("/resources/abc_123/Hospital_General_Information.csv")
    fields = {"mediaType": "text/csv", "downloadURL": csv_url}
    pdf = {"mediaType": "application/pdf", "downloadURL": server.url("/dictionary.pdf")}
    distribution = [pdf, {"data": fields} if nested else fields]
    item = server.add("/items/xubh-q36u", json.dumps({"distribution": distribution}).encode())
    with httpx.Client() as client:
        assert resolve_file_url(client, Source("hospitals", item, "cms-metastore")) == csv_url


def test_a_listing_without_the_file_says_so(server):
    page = server.add("/nppes/NPI_Files.html", b"<html>maintenance</html>")
    with httpx.Client() as client, pytest.raises(FetchError, match="no link matching"):
        resolve_file_url(client, Source("nppes", page, "index-page"))


def test_a_resolved_dataset_downloads_end_to_end(server, tmp_path: Path):
    body = b"Facility ID,Facility Name,State\n10001,SOUTHEAST HEALTH MEDICAL CENTER,AL\n"
    csv_url = server.add("/resources/abc_123/Hospital_General_Information.csv", body)
    item = {"distribution": [{"mediaType": "text/csv", "downloadURL": csv_url}]}
    item_url = server.add("/items/xubh-q36u", json.dumps(item).encode())
    request = FetchRequest(
        outdir=tmp_path,
        sources=(Source("hospitals", item_url, "cms-metastore"),),
        states=("AL",),
        policy=RetryPolicy(retries=0, wait_seconds=0),
    )

    [report] = fetch_all(request)

    assert report.status == "downloaded"
    assert report.url == csv_url
    assert report.path == tmp_path / "Hospital_General_Information.csv"
    [copy] = report.filtered
    assert copy.rows == 1
    assert copy.path.read_bytes() == body


def test_a_failed_default_address_points_to_the_publisher_page(server, tmp_path):
    source = Source("dac", server.url("/items/mj5m-pzi6"), "cms-metastore")
    request = FetchRequest(tmp_path, (source,), policy=RetryPolicy(retries=0))

    [report] = fetch_all(request)

    assert report.status == "failed"
    assert "HTTP 404" in (report.error or "")
    assert DATASETS["dac"].landing_page in (report.error or "")
    assert "--url dac=URL" in (report.error or "")
