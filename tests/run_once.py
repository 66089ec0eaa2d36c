"""Work done once per test run and shared by every xdist worker: a folder of the run, a file
lock, and `build_once` (run a builder once, hand every worker its JSON-able result)."""

from __future__ import annotations

import contextlib
import fcntl
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


def run_root(tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> Path:
    """A folder shared by every xdist worker of this run (and unique to the run)."""
    root = tmp_path_factory.getbasetemp()
    return root.parent if hasattr(request.config, "workerinput") else root


@contextlib.contextmanager
def exclusive(lock_path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `lock_path` (across processes) for the block."""
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def build_once(
    tmp_path_factory: pytest.TempPathFactory,
    request: pytest.FixtureRequest,
    name: str,
    build: Callable[[Path], dict[str, Any]],
    group: str,
) -> dict[str, Any]:
    """Run `build(folder)` once per test run, whatever the xdist worker; return its JSON."""
    root = run_root(tmp_path_factory, request) / group
    root.mkdir(exist_ok=True)
    with exclusive(root / f"{name}.lock"):
        done = root / f"{name}.json"
        if not done.exists():
            folder = root / name
            folder.mkdir(exist_ok=True)
            done.write_text(json.dumps(build(folder)))
        return dict(json.loads(done.read_text()))
