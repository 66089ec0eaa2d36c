"""`docfinder serve` and `docfinder export` / `build-site` through the CLI's parser."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from docfinder.cli import cli
from docfinder.web import WebSettings


def test_serve_says_what_to_do_without_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code != 0
    assert "make demo" in str(result.exception) or "make demo" in result.output


def test_serve_and_export_are_registered() -> None:
    for name in ("serve", "export", "build-site"):
        result = CliRunner().invoke(cli, [name, "--help"])
        assert result.exit_code == 0, name
    assert "--workers" in CliRunner().invoke(cli, ["serve", "--help"]).output
    assert "top:N" in CliRunner().invoke(cli, ["build-site", "--help"]).output


def test_build_site_reports_pages_per_second(settings: WebSettings, tmp_path: Path) -> None:
    out = tmp_path / "site"
    args = [
        "build-site",
        str(out),
        "--db",
        settings.db,
        "--treatments",
        "psoriasis",
        "--places",
        "ukiah-ca",
        "--base-url",
        "https://docfinder.test",
    ]
    first = CliRunner().invoke(cli, args)
    assert first.exit_code == 0, first.output
    assert "pages/s" in first.output and "0 unchanged" in first.output
    assert (out / "best-doctors" / "psoriasis" / "ukiah-ca" / "index.html").is_file()
    again = CliRunner().invoke(cli, args)
    assert " 0 written" in again.output
