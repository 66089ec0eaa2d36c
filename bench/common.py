"""What every benchmark reports the same way: the machine it ran on, and percentiles."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import version
from typing import Any


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def machine(*packages: str) -> dict[str, Any]:
    """Cores, memory, Python, the git commit and the versions of `packages`."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        **{package: version(package) for package in packages},
        "commit": commit,
    }
