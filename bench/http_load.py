"""The web server under load: `docfinder serve` on loopback, driven by wrk.

- `Server`: spawns `docfinder serve --workers N` on a free loopback port in its own process
  group and times its start-up: from spawn until it answers its first search with a 200.
- `load`: one wrk run of a fixed number of seconds (one client thread, a fixed number of
  connections) cycling through a fixed list of paths; while it runs, the
  server's memory (RSS and PSS of every server process) is sampled from /proc. The server's CPU
  time and wrk's own CPU time (the client's cost, measured by wait4) are recorded with it.

wrk (Debian package `wrk`) is the load generator: a small C program, so the client takes a
small share of the two cores. When it is not installed the suite says so and skips the load.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import docfinder_command

MARK = "BENCH_JSON "
_READY = "Application startup complete."
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The wrk script: cycle through the paths; report as JSON. (No stop after a count of
# responses: wrk's clock runs for the whole duration all the same, so its rate would be wrong.)
_SCRIPT = """
local paths = {%(paths)s}
local i = 0
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '%(mark)s{"requests": %%d, "duration_us": %%d, "bytes": %%d, "connect_errors": %%d, '
    .. '"read_errors": %%d, "write_errors": %%d, "status_errors": %%d, "timeouts": %%d, '
    .. '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%.1f}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
"""


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version() -> str | None:
    """wrk's own version line ("wrk debian/4.1.0-3+b2 [epoll] ..."), or None without wrk."""
    path = wrk_path()
    if path is None:
        return None
    shown = subprocess.run([path, "--version"], capture_output=True, text=True, check=False)
    found = re.search(r"wrk (\S+)", shown.stdout + shown.stderr)
    return found.group(1) if found else "unknown"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def get(url: str, timeout: float = 30.0) -> tuple[int, float]:
    """(status, milliseconds) of one GET; status 0 when nothing answered."""
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            answer.read()
            status = int(answer.status)
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        status = 0
    return status, (time.perf_counter() - started) * 1000


@dataclass
class Server:
    """A running `docfinder serve` and how long it took to answer its first search."""

    process: subprocess.Popen[bytes]
    base: str
    workers: int
    startup_seconds: float  # spawn until the first search answered
    ready_seconds: float  # spawn until every worker finished its start-up
    log: Path

    def restarts(self) -> int:
        """Workers uvicorn's supervisor found unresponsive and replaced (its log says "died")."""
        return self.log.read_text(errors="replace").count("died")

    def pids(self) -> list[int]:
        return process_tree(self.process.pid)


@contextlib.contextmanager
def serve(
    db: str,
    workers: int,
    probe_path: str,
    timeout: float = 120.0,
    workdir: Path | None = None,
    keep_log: Path | None = None,
) -> Iterator[Server]:
    """Start the server, wait until `probe_path` answers 200, yield it, then stop it (its log
    is moved to `keep_log` when given, else removed)."""
    port = free_port()
    command = [docfinder_command(), "serve", "--db", db, "--port", str(port)]
    command += ["--workers", str(workers)]
    env = {**os.environ, "DOCFINDER_TILE_URL": ""}
    folder = Path(workdir or tempfile.gettempdir())
    log = folder / f"serve-{port}.log"
    with log.open("wb") as sink:
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            status, _ = get(base + probe_path, timeout=timeout)
            if status == 200:
                break
            if process.poll() is not None:
                raise RuntimeError(f"docfinder serve exited: {log.read_text()[-2000:]}")
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"docfinder serve did not answer within {timeout:.0f} s")
            time.sleep(0.02)  # poll interval only; the figure is the time to the first 200
        seconds = time.perf_counter() - started
        # With several workers the first answer came from one: wait for all of them (uvicorn
        # logs each one's start-up), so that the load meets no worker still starting.
        while log.read_text(errors="replace").count(_READY) < workers:
            if process.poll() is not None or time.perf_counter() - started > timeout:
                raise RuntimeError(f"not every worker started: {log.read_text()[-2000:]}")
            time.sleep(0.05)
        ready = time.perf_counter() - started
        yield Server(process, base, workers, seconds, ready, log)
    finally:
        _stop(process)
        if keep_log is None:
            log.unlink(missing_ok=True)
        else:
            shutil.move(log, keep_log)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's own process group (uvicorn and its workers), then wait."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def process_tree(pid: int) -> list[int]:
    """The process and all its descendants, from /proc/<pid>/task/*/children."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in (task / "children").read_text().split()]
    return found


def memory_mb(pids: list[int]) -> tuple[float, float]:
    """Summed RSS and PSS (shared pages split between the processes) in MiB."""
    rss = pss = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
    return rss / 1024, pss / 1024


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
    return total / _CLOCK_TICKS


def load(
    server: Server,
    paths: list[str],
    seconds: float,
    connections: int,
    workdir: Path,
) -> dict[str, Any]:
    """One wrk run against the server; latency, throughput, errors, memory, CPU of both sides."""
    wrk = wrk_path()
    if wrk is None:
        raise RuntimeError("wrk is not installed")
    script = workdir / "bench-paths.lua"
    listed = ", ".join(json.dumps(p) for p in paths)
    script.write_text(_SCRIPT % {"paths": listed, "mark": MARK})
    duration = max(1, round(seconds))
    command = [wrk, "-t1", f"-c{connections}", f"-d{duration}s", "--timeout", "10s"]
    command += ["-s", str(script), server.base]
    pids = server.pids()
    cpu_before = cpu_seconds(pids)
    restarts_before = server.restarts()
    peak_rss = peak_pss = 0.0
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        while True:
            # Sampling only: wrk's own clock times the requests.
            rss, pss = memory_mb(server.pids())
            peak_rss, peak_pss = max(peak_rss, rss), max(peak_pss, pss)
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.25)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    server_cpu = cpu_seconds(server.pids()) - cpu_before
    line = next((x for x in text.splitlines() if x.startswith(MARK)), None)
    if child.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed (exit {child.returncode}): {text[-1500:]}")
    raw = json.loads(line[len(MARK) :])
    wall = raw["duration_us"] / 1e6
    requests = int(raw["requests"])
    if requests == 0:  # wrk reports zeros for the latency of no request
        for key in ("p50_us", "p95_us", "p99_us", "max_us", "mean_us"):
            raw[key] = None
    client_cpu = usage.ru_utime + usage.ru_stime
    errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "workers": server.workers,
        "connections": connections,
        "paths": len(paths),
        "requests": requests,
        "seconds": round(wall, 2),
        "requests_per_s": round(requests / wall, 1) if wall else 0.0,
        **{f"{k}_ms": _ms(raw[f"{k}_us"]) for k in ("p50", "p95", "p99", "max", "mean")},
        "non_2xx": int(raw["status_errors"]),
        "socket_errors": int(errors),
        "server_rss_mb_peak": round(peak_rss),
        "server_pss_mb_peak": round(peak_pss),
        "server_cpu_seconds": round(server_cpu, 2),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / requests, 2) if requests else None,
        "client_cpu_seconds": round(client_cpu, 2),
        "client_cpu_ms_per_request": round(client_cpu * 1000 / requests, 3) if requests else None,
        "client_core_share": round(client_cpu / wall, 3) if wall else None,
        "worker_restarts": server.restarts() - restarts_before,
    }


def _ms(microseconds: float | None) -> float | None:
    return None if microseconds is None else round(microseconds / 1000, 1)
