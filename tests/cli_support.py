"""The `docfinder` command in a subprocess, and where the shared data folder is: imported by
conftest.py and by test modules that sit beside a conftest of their own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# The shared data folder sits beside the repository: ../shared/data from the project root.
SHARED = REPO.parent / "shared" / "data"
SHARED_MISSING = f"needs the shared data folder {SHARED} (../shared/data beside the repo)"


def docfinder_cmd(*args: str) -> list[str]:
    """The `docfinder` console command, run with this interpreter."""
    return [sys.executable, "-c", "from docfinder.cli import main; main()", *args]


def run_docfinder(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        docfinder_cmd(*args), capture_output=True, text=True, timeout=120, check=False, **kwargs
    )
