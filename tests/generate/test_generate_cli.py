"""`docfinder generate` through the CLI parser."""

from __future__ import annotations

import csv
from pathlib import Path

from click.testing import CliRunner

from docfinder.cli import cli
from docfinder.errors import InputError
from docfinder.generate import layouts


def test_state_region_with_two_years(tmp_path: Path) -> None:
    args = ["generate", str(tmp_path), "--region", "ri", "--scale", "0.001", "--seed", "3",
            "--years", "2022", "--years", "2023", "--quiet"]  # fmt: skip
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    for year in (2022, 2023):
        assert (tmp_path / layouts.mup_service_file(year)).is_file()
        assert (tmp_path / layouts.partd_file(year)).is_file()
    with (tmp_path / layouts.NPPES_FILE).open(newline="", encoding="utf-8") as handle:
        states = {r["Provider Business Practice Location Address State Name"]
                  for r in csv.DictReader(handle) if r["Entity Type Code"]}  # fmt: skip
    assert states == {"RI"}


def test_summary_lists_the_files(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", str(tmp_path), "--region", "de",
                                      "--scale", "0.0005"])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert layouts.NPPES_FILE in result.output


def test_unknown_region_says_what_to_do(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["generate", str(tmp_path), "--region", "atlantis"])
    assert isinstance(result.exception, InputError)
    assert "state code" in str(result.exception)
