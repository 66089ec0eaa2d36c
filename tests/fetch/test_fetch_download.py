"""`docfinder fetch` against a local server: download, resume, restart, verify, skip."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from docfinder.fetch import RetryPolicy

SERVICE_2021 = "provider_service/mup_phy_prov_svc_2021_mohs_17311-17315.csv"
HOSPITALS = "hospitals/Hospital_General_Information_2025.csv"
NUCC = "taxonomy/nucc_taxonomy_251.csv"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leftovers(outdir: Path) -> list[str]:
    return sorted(p.name for p in outdir.iterdir() if ".part" in p.name)


@pytest.mark.shared_data
def test_full_download_writes_file_and_manifest(shared_data, server, run_fetch, tmp_path):
    body = (shared_data / HOSPITALS).read_bytes()
    url = server.add("/hgi/Hospital_General_Information.csv", body)
    out = tmp_path / "out"

    result, data = run_fetch("--datasets", "hospitals", "--url", f"hospitals={url}", str(out))

    assert result.exit_code == 0, result.output
    [entry] = data["files"]
    assert set(entry) == {"dataset", "url", "path", "size", "sha256", "status"}
    assert entry["status"] == "downloaded"
    assert entry["url"] == url
    assert entry["size"] == len(body)
    assert entry["sha256"] == sha256(body)
    path = Path(entry["path"])
    assert path == (out / "Hospital_General_Information.csv").resolve()
    assert path.read_bytes() == body
    assert leftovers(out) == []
    manifest = json.loads((out / "fetch-manifest.json").read_text())
    [record] = manifest["files"]
    assert record["dataset"] == "hospitals"
    assert record["url"] == url
    assert record["file"] == "Hospital_General_Information.csv"
    assert (record["size"], record["sha256"]) == (len(body), sha256(body))
    assert record["etag"] == '"v1"'
    assert record["last_modified"].endswith("GMT")
    assert record["fetched_at"].startswith("20")


@pytest.mark.shared_data
def test_resume_after_dropped_connection(shared_data, server, run_fetch, tmp_path):
    body = (shared_data / SERVICE_2021).read_bytes()
    url = server.add("/svc.csv", body, drop_after=100_000)

    result, data = run_fetch(
        "-d", "provider-service", "--url", f"provider-service={url}", str(tmp_path)
    )

    assert result.exit_code == 0, result.output
    [entry] = data["files"]
    assert entry["status"] == "resumed"
    assert Path(entry["path"]).read_bytes() == body
    assert entry["sha256"] == sha256(body)
    first, second = server.requests("/svc.csv")
    assert (first.range, first.status) == (None, 200)
    assert (second.range, second.if_range, second.status) == ("bytes=100000-", '"v1"', 206)
    assert leftovers(tmp_path) == []


@pytest.mark.shared_data
def test_resume_across_runs(shared_data, server, run_fetch, tmp_path):
    body = (shared_data / SERVICE_2021).read_bytes()
    url = server.add("/svc.csv", body, drop_after=250_000)
    args = ("-d", "provider-service", "--url", f"provider-service={url}", str(tmp_path))

    failed, data = run_fetch("--retries", "0", *args)
    assert failed.exit_code == 1
    assert data["files"][0]["status"] == "failed"
    assert "connection lost after 250,000 bytes" in data["files"][0]["error"]
    assert (tmp_path / "svc.csv.part").stat().st_size == 250_000
    assert not (tmp_path / "svc.csv").exists()

    resumed, data = run_fetch(*args)
    assert resumed.exit_code == 0, resumed.output
    assert data["files"][0]["status"] == "resumed"
    assert (tmp_path / "svc.csv").read_bytes() == body
    assert server.requests("/svc.csv")[-1].range == "bytes=250000-"


@pytest.mark.shared_data
def test_server_without_range_support_restarts_cleanly(shared_data, server, run_fetch, tmp_path):
    body = (shared_data / SERVICE_2021).read_bytes()
    url = server.add("/svc.csv", body, drop_after=100_000, ranges=False)

    result, data = run_fetch(
        "-d", "provider-service", "--url", f"provider-service={url}", str(tmp_path)
    )

    assert result.exit_code == 0, result.output
    assert data["files"][0]["status"] == "downloaded"
    assert (tmp_path / "svc.csv").read_bytes() == body
    _, second = server.requests("/svc.csv")
    assert (second.range, second.status) == ("bytes=100000-", 200)


@pytest.mark.shared_data
@pytest.mark.parametrize("honor_if_range", [True, False], ids=["if-range", "etag-check"])
def test_changed_file_restarts_instead_of_resuming(
    shared_data, server, run_fetch, tmp_path, honor_if_range
):
    old = (shared_data / "provider_service/mup_phy_prov_svc_2020_mohs_17311-17315.csv").read_bytes()
    new = (shared_data / SERVICE_2021).read_bytes()
    url = server.add("/svc.csv", old, drop_after=100_000)
    args = ("-d", "provider-service", "--url", f"provider-service={url}", str(tmp_path))
    assert run_fetch("--retries", "0", *args)[0].exit_code == 1

    server.add("/svc.csv", new, etag='"v2"', honor_if_range=honor_if_range)
    result, data = run_fetch(*args)

    assert result.exit_code == 0, result.output
    assert data["files"][0]["status"] == "downloaded"
    assert (tmp_path / "svc.csv").read_bytes() == new
    assert server.requests("/svc.csv")[1].range == "bytes=100000-"


@pytest.mark.shared_data
def test_checksum_mismatch_fails_and_leaves_no_file(shared_data, server, run_fetch, tmp_path):
    body = (shared_data / NUCC).read_bytes()
    url = server.add("/nucc_taxonomy_251.csv", body)
    urls_file = tmp_path / "urls.json"
    urls_file.write_text(json.dumps({"nucc": {"url": url, "sha256": "0" * 64}}))
    out = tmp_path / "out"

    result, data = run_fetch("-d", "nucc", str(out), env={"DOCFINDER_FETCH_URLS": str(urls_file)})

    assert result.exit_code == 1
    [entry] = data["files"]
    assert entry["status"] == "failed"
    assert f"sha256 is {sha256(body)}, expected {'0' * 64}" in entry["error"]
    assert sorted(p.name for p in out.iterdir()) == ["fetch-manifest.json"]
    assert json.loads((out / "fetch-manifest.json").read_text())["files"] == []


@pytest.mark.shared_data
def test_wrong_size_fails_and_leaves_no_file(shared_data, server, run_fetch, tmp_path):
    body = (shared_data / NUCC).read_bytes()
    url = server.add("/nucc.csv", body, truncate_to=len(body) - 1000)
    urls_file = tmp_path / "urls.toml"
    urls_file.write_text(f'[nucc]\nurl = "{url}"\nsize = {len(body)}\n')

    result, data = run_fetch(
        "-d", "nucc", str(tmp_path / "out"), env={"DOCFINDER_FETCH_URLS": str(urls_file)}
    )

    assert result.exit_code == 1
    assert f"expected {len(body):,}" in data["files"][0]["error"]
    assert not (tmp_path / "out" / "nucc.csv").exists()
    assert leftovers(tmp_path / "out") == []


@pytest.mark.shared_data
def test_rerun_skips_a_file_already_there(shared_data, server, run_fetch, tmp_path):
    body = (shared_data / HOSPITALS).read_bytes()
    url = server.add("/hgi.csv", body)
    args = ("-d", "hospitals", "--url", f"hospitals={url}", str(tmp_path))
    first = run_fetch(*args)[1]["files"][0]
    manifest = (tmp_path / "fetch-manifest.json").read_text()

    result, data = run_fetch(*args)

    assert result.exit_code == 0
    [entry] = data["files"]
    assert entry["status"] == "skipped"
    assert (entry["sha256"], entry["size"]) == (first["sha256"], first["size"])
    assert len(server.requests("/hgi.csv")) == 1  # the second run only asked HEAD
    assert len(server.requests("/hgi.csv", "HEAD")) == 1
    assert (tmp_path / "fetch-manifest.json").read_text() == manifest


@pytest.mark.shared_data
def test_rerun_downloads_again_when_the_remote_file_changed(
    shared_data, server, run_fetch, tmp_path
):
    body = (shared_data / HOSPITALS).read_bytes()
    url = server.add("/hgi.csv", body)
    args = ("-d", "hospitals", "--url", f"hospitals={url}", str(tmp_path))
    run_fetch(*args)
    server.add("/hgi.csv", body + b"10001,EXTRA ROW\n", etag='"v2"')

    entry = run_fetch(*args)[1]["files"][0]

    assert entry["status"] == "downloaded"
    assert (tmp_path / "hgi.csv").read_bytes().endswith(b"EXTRA ROW\n")


@pytest.mark.shared_data
def test_configured_sha256_skips_without_asking_the_server(
    shared_data, server, run_fetch, tmp_path
):
    body = (shared_data / NUCC).read_bytes()
    url = server.add("/nucc.csv", body)
    urls_file = tmp_path / "urls.json"
    urls_file.write_text(json.dumps({"nucc": {"url": url, "sha256": sha256(body)}}))
    env = {"DOCFINDER_FETCH_URLS": str(urls_file)}
    assert (
        run_fetch("-d", "nucc", str(tmp_path / "out"), env=env)[1]["files"][0]["status"]
        == "downloaded"
    )

    entry = run_fetch("-d", "nucc", str(tmp_path / "out"), env=env)[1]["files"][0]

    assert entry["status"] == "skipped"
    assert len(server.seen) == 1


@pytest.mark.shared_data
def test_a_missing_file_fails_with_what_to_do_and_others_continue(
    shared_data, server, run_fetch, tmp_path
):
    url = server.add("/hgi.csv", (shared_data / HOSPITALS).read_bytes())
    missing = server.url("/gone.csv")

    result, data = run_fetch(
        "-d",
        "nucc,hospitals",
        "--url",
        f"nucc={missing}",
        "--url",
        f"hospitals={url}",
        str(tmp_path),
    )

    assert result.exit_code == 1
    nucc, hospitals = data["files"]
    assert nucc["status"] == "failed"
    assert "HTTP 404" in nucc["error"]
    assert "check the URL given for nucc in --url" in nucc["error"]
    assert hospitals["status"] == "downloaded"


def test_a_web_page_instead_of_a_csv_is_rejected(server, run_fetch, tmp_path):
    url = server.add(
        "/nucc.csv", b"<!DOCTYPE html><html><body>Moved</body></html>", content_type="text/html"
    )

    result, data = run_fetch("-d", "nucc", "--url", f"nucc={url}", str(tmp_path))

    assert result.exit_code == 1
    assert "web page, not a CSV" in data["files"][0]["error"]
    assert not (tmp_path / "nucc.csv").exists()


@pytest.mark.parametrize(("failures", "status"), [(2, "downloaded"), (3, "failed")])
def test_transient_server_errors_are_retried_a_bounded_number_of_times(
    server, run_fetch, tmp_path, failures, status
):
    url = server.add("/flaky.csv", b"Code,Grouping\n101Y00000X,Behavioral\n", fail_first=failures)

    _, data = run_fetch("--retries", "2", "-d", "nucc", "--url", f"nucc={url}", str(tmp_path))

    assert data["files"][0]["status"] == status
    assert len(server.requests("/flaky.csv")) == 3


def test_a_permanent_error_is_not_retried(server, run_fetch, tmp_path):
    url = server.url("/gone.csv")

    run_fetch("--retries", "3", "-d", "nucc", "--url", f"nucc={url}", str(tmp_path))

    assert len(server.requests("/gone.csv")) == 1


@pytest.mark.shared_data
def test_progress_mode_prints_a_summary(shared_data, server, tmp_path):
    from click.testing import CliRunner

    from docfinder.commands.fetch import command

    url = server.add("/hgi.csv", (shared_data / HOSPITALS).read_bytes())
    result = CliRunner().invoke(
        command, ["-d", "hospitals", "--url", f"hospitals={url}", str(tmp_path)]
    )

    assert result.exit_code == 0, result.output
    assert "hospitals" in result.stdout
    assert "downloaded" in result.stdout


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(retries=5, wait_seconds=2.0, max_wait_seconds=10.0)
    assert [policy.wait_before(n, None) for n in range(4)] == [2.0, 4.0, 8.0, 10.0]
    assert policy.wait_before(0, 3.5) == 3.5  # the server's Retry-After wins, within the cap
    assert policy.wait_before(0, 600.0) == 10.0


def test_the_console_script_exits_non_zero_when_a_file_failed(server, tmp_path, monkeypatch):
    from docfinder import cli

    url = server.url("/gone.csv")
    argv = ["docfinder", "fetch", "--json", "-d", "nucc", "--url", f"nucc={url}", str(tmp_path)]
    monkeypatch.setattr("sys.argv", argv)

    with pytest.raises(SystemExit) as info:
        cli.main()

    assert info.value.code == 1


def test_tests_cannot_leave_the_loopback_address(run_fetch, tmp_path):
    # The default nucc URL names www.nucc.org: the guard in conftest must stop it.
    with pytest.raises(Exception, match=re.escape("a test tried to resolve 'www.nucc.org'")):
        run_fetch("-d", "nucc", str(tmp_path))
