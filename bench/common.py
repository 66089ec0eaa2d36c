"""What every benchmark reports the same way: the machine it ran on, percentiles, and the cost
of a child process (wall time, peak resident memory, CPU time)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def machine(*packages: str) -> dict[str, Any]:
    """Cores, memory, Python, the git commit and the versions of `packages`."""
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    ).stdout.strip()
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        **{package: _version(package) for package in packages},
        "commit": commit,
    }


def _version(package: str) -> str | None:
    try:
        return version(package)
    except PackageNotFoundError:
        return None


def docfinder_command() -> str:
    """The `docfinder` script of the Python running the benchmarks."""
    return str(Path(sys.executable).parent / "docfinder")


@dataclass(frozen=True)
class ChildRun:
    """What one child process cost, measured by the kernel (wait4), not sampled."""

    seconds: float
    peak_rss_mb: float  # the child's own peak resident set (MiB)
    cpu_seconds: float  # user + system
    returncode: int
    stdout: str
    stderr: str

    def check(self, what: str) -> ChildRun:
        if self.returncode != 0:
            tail = "\n".join(self.stderr.strip().splitlines()[-15:])
            raise RuntimeError(f"{what} failed (exit {self.returncode}):\n{tail}")
        return self


def run_child(
    command: Sequence[str], env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> ChildRun:
    """Run a command to completion; wait4 reaps it, so its own peak memory is known."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(
            list(command),
            stdout=out,
            stderr=err,
            env=None if env is None else dict(env),
            cwd=cwd or REPO,
        )
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return ChildRun(
            seconds=seconds,
            peak_rss_mb=usage.ru_maxrss / 1024,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            returncode=child.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )


def file_mb(path: Path) -> float:
    """A store's size on disk in MB (10^6 bytes), with its write-ahead log when present."""
    wal = path.with_name(path.name + ".wal")
    return (path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)) / 1e6
