"""The benchmark suite: one command, one JSON result, one table.

    python -m bench [--scale 0.01|0.1|1.0] [--data DIR] [--db STORE] [--work DIR] [--out FILE]
                    [--only STAGES] [--skip STAGES] [more options: --help]

Data: `--data DIR` (files in the official layouts, as `docfinder generate` writes them), else
`docfinder generate --region national --scale S --seed 11` into the work folder (kept there,
and reused when its manifest matches). Store: `--db` (a path or URL, as `docfinder --db` takes
it; the suite never changes it), else the suite builds one in the work folder.

Stages, in order (all by default):
  build      the full build: one `docfinder ingest` of every data file into a new store
  weekly     a weekly NPPES update file (derived, see bench/weekly.py) into a copy of the store
  baselines  the NPPES file read by bare DuckDB read_csv, and by pandas chunks into SQLite
  search     in-process latency of the seeded query mix, and the plain-SQL baseline
  startup    `docfinder serve` from spawn to its first answered search
  http       wrk against `docfinder serve` with 1 and 2 workers: the API and a results page
  export     `docfinder export` of a bounded set of pages

The result goes to bench/results/suite-<region>-<scale>.json unless --out says otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from bench import bench_export, http_load
from bench.bench_ingest import ingest
from bench.bench_search import mix, page_slug, text_of
from bench.common import REPO, file_mb, machine, run_child
from bench.table import render
from bench.targets import mark_all
from bench.weekly import derive_weekly, weekly_rows

DEFAULT_SCALE = 0.01
STAGES = ("build", "weekly", "baselines", "search", "startup", "http", "export")
SEED = 11
RESULTS = REPO / "bench" / "results"
DATA_SUFFIXES = (".csv", ".zip")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="docfinder's benchmark suite: ingest, search, HTTP, start-up and export, "
        "with baselines and targets, into one JSON result.",
    )
    parser.add_argument(
        "--scale",
        type=float,
        help="national scale to generate (default 0.01; with --data, "
        "the data's own scale from its manifest)",
    )
    parser.add_argument("--data", type=Path, help="data files to use instead of generating")
    parser.add_argument("--region", default="national", help="region to generate")
    parser.add_argument("--seed", type=int, default=SEED, help="seed of the generated data")
    parser.add_argument("--db", help="an existing store (path or URL): no build, left unchanged")
    parser.add_argument("--work", type=Path, help="work folder (default: a folder in $TMPDIR)")
    parser.add_argument("--out", type=Path, help="the JSON result (default: bench/results/…)")
    parser.add_argument("--label", help="a name for this run (default: region and scale)")
    parser.add_argument("--only", help=f"comma-separated stages to run, of {','.join(STAGES)}")
    parser.add_argument("--skip", help="comma-separated stages to leave out")
    parser.add_argument(
        "--repeat",
        type=int,
        help="runs of the build, weekly update and ingest baselines "
        "(default: 3 up to scale 0.01, else 1); the median is reported",
    )
    parser.add_argument("--search-rounds", type=int, default=3, help="warm rounds of the mix")
    parser.add_argument("--startup-runs", type=int, default=3)
    parser.add_argument("--workers", default="1,2", help="server worker counts to load")
    parser.add_argument("--http-seconds", type=float, default=10, help="each load run at most")
    parser.add_argument(
        "--http-requests",
        type=int,
        default=5000,
        help="each load run about at most (its duration is cut to this at the warm-up's rate)",
    )
    parser.add_argument("--http-connections", type=int, default=8)
    parser.add_argument("--weekly-rows", type=int, help="rows of the weekly file (default 0.5%%)")
    parser.add_argument("--export-treatments", default=bench_export.TREATMENTS)
    parser.add_argument("--export-places", default=bench_export.PLACES)
    parser.add_argument("--keep", action="store_true", help="keep the built store and copies")
    return parser.parse_args(argv)


def chosen_stages(args: argparse.Namespace) -> list[str]:
    only = [s.strip() for s in args.only.split(",")] if args.only else list(STAGES)
    skip = {s.strip() for s in args.skip.split(",")} if args.skip else set()
    unknown = [s for s in [*only, *skip] if s not in STAGES]
    if unknown:
        raise SystemExit(f"unknown stage {', '.join(unknown)}; stages are {', '.join(STAGES)}")
    return [s for s in STAGES if s in only and s not in skip]


class Run:
    """One run of the suite: its arguments, folders, store, and the report being filled."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.stages = chosen_stages(args)
        self.work = (args.work or Path(tempfile.gettempdir()) / "docfinder-bench").resolve()
        self.work.mkdir(parents=True, exist_ok=True)
        self.report: dict[str, Any] = {"suite": "docfinder bench", "format": 1, "notes": []}
        self.files: list[Path] = []
        self.manifest: dict[str, Any] = {}
        self.scale = DEFAULT_SCALE if args.scale is None else args.scale
        self.db = args.db or str(self.work / f"bench-{args.region}-{self.scale:g}.duckdb")
        self.built_here = args.db is None
        self.repeat = args.repeat or 1  # set again once the data's scale is known

    def note(self, text: str) -> None:
        print(f"bench: {text}", file=sys.stderr)
        self.report["notes"].append(text)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[dict[str, Any]]:
        """Time a stage and record the load average around it (other work on the machine)."""
        print(f"bench: {name} …", file=sys.stderr, flush=True)
        record: dict[str, Any] = {"load_average_before": round(os.getloadavg()[0], 2)}
        started = time.perf_counter()
        yield record
        record["stage_seconds"] = round(time.perf_counter() - started, 1)
        record["load_average_after"] = round(os.getloadavg()[0], 2)
        self.report.setdefault("stages", {})[name] = record


def run(args: argparse.Namespace) -> dict[str, Any]:
    r = Run(args)
    started = time.perf_counter()
    report = r.report
    report["started_at"] = datetime.now().isoformat(timespec="seconds")
    report["machine"] = {
        **machine("duckdb", "pyarrow", "numpy", "fastapi", "uvicorn", "pandas"),
        "sqlite": _sqlite_version(),
        "wrk": http_load.wrk_version(),
        "niceness": os.nice(0),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    report["stages_run"] = r.stages
    prepare_data(r)
    if "build" in r.stages and r.built_here:
        with r.stage("build"):
            build(r)
    elif r.built_here and not Path(r.db).exists():
        with r.stage("build"):
            r.note("no --db and the build stage left out: building the store unmeasured")
            ingest(r.db, r.files)
    describe_store(r)
    steps: dict[str, Callable[[Run], None]] = {
        "weekly": weekly,
        "baselines": baselines,
        "search": search,
        "startup": startup,
        "http": http,
        "export": export,
    }
    for name, step in steps.items():
        if name in r.stages:
            with r.stage(name) as record:
                try:
                    step(r)
                except Exception as exc:  # one stage failing leaves the others' figures
                    record["error"] = f"{type(exc).__name__}: {exc}"[:2000]
                    r.note(f"stage {name} failed: {record['error'][:300]}")
    report["ratios"] = ratios(report)
    report["targets_apply"] = report["data"].get("scale") == 1.0 and (
        report["data"].get("region") == "national"
    )
    report["targets"] = mark_all(report)
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["seconds"] = round(time.perf_counter() - started, 1)
    if r.built_here and not args.keep:
        _remove_store(Path(r.db))
    return report


def _sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def prepare_data(r: Run) -> None:
    """The data files: --data, else generated into the work folder (reused when present)."""
    args = r.args
    folder = args.data
    if folder is None:
        folder = r.work / f"data-{args.region}-{r.scale:g}-seed{args.seed}"
        manifest = folder / "manifest.json"
        if not manifest.exists():
            with r.stage("generate"):
                command = [str(Path(sys.executable).parent / "docfinder"), "generate"]
                command += [str(folder), "--region", args.region, "--scale", f"{r.scale:g}"]
                command += ["--seed", str(args.seed), "--quiet"]
                run_child(command).check("docfinder generate")
    folder = folder.resolve()
    r.files = sorted(p for p in folder.iterdir() if p.suffix.lower() in DATA_SUFFIXES)
    if not r.files:
        raise SystemExit(f"no data files (.csv, .zip) in {folder}")
    manifest_path = folder / "manifest.json"
    r.manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    region = r.manifest.get("region", args.region if args.data is None else None)
    scale = r.manifest.get("scale", r.scale if args.data is None else args.scale)
    if args.data is not None and None not in (scale, args.scale) and scale != args.scale:
        r.note(f"--data holds scale {scale:g}: reported as such (not --scale {args.scale:g})")
    # Repeats cost little on small data: three runs, the median reported.
    small = scale is not None and scale <= DEFAULT_SCALE and region == "national"
    r.repeat = args.repeat or (3 if small else 1)
    r.report["label"] = args.label or f"{region or 'data'}-{scale if scale is not None else '?'}"
    r.report["data"] = {
        "source": "docfinder generate" if r.manifest else "given files",
        "region": region,
        "scale": scale,
        "seed": r.manifest.get("seed"),
        "files": [
            {
                "file": p.name,
                "size_mb": round(p.stat().st_size / 1e6, 1),
                "rows": r.manifest.get("files", {}).get(p.name),
            }
            for p in r.files
        ],
        "total_mb": round(sum(p.stat().st_size for p in r.files) / 1e6, 1),
        "counts": r.manifest.get("counts", {}),
    }


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ordered = sorted(runs, key=lambda x: x["seconds"])
    return ordered[(len(ordered) - 1) // 2]


def build(r: Run) -> None:
    """The full build, `repeat` times into a new store each time; the median run reported."""
    runs = []
    for _ in range(r.repeat):
        _remove_store(Path(r.db))
        runs.append(ingest(r.db, r.files))
    chosen = _median_run(runs)
    datasets = []
    for f in chosen["files"]:
        size_mb = f["size_bytes"] / 1e6
        seconds = f["seconds"]
        datasets.append(
            {
                "dataset": f["dataset"],
                "file": Path(f["path"]).name,
                "rows": f["rows_read"],
                "rejected": f["rows_rejected"],
                "size_mb": round(size_mb, 1),
                "seconds": round(seconds, 3),
                "rows_per_s": round(f["rows_read"] / seconds) if seconds else None,
                "mb_per_s": round(size_mb / seconds, 1) if seconds else None,
            }
        )
    loading = sum(f["seconds"] for f in chosen["files"])
    r.report.setdefault("ingest", {})["full_build"] = {
        "seconds": round(statistics.median(x["seconds"] for x in runs), 2),
        "peak_rss_mb": round(max(x["peak_rss_mb"] for x in runs)),
        "cpu_seconds": round(chosen["cpu_seconds"], 1),
        "loading_seconds": round(loading, 2),
        "finalize_seconds": round(chosen["seconds"] - loading, 2),
        "rows": sum(d["rows"] for d in datasets),
        "input_mb": round(sum(d["size_mb"] for d in datasets), 1),
        "runs": [
            {"seconds": round(x["seconds"], 2), "peak_rss_mb": round(x["peak_rss_mb"])}
            for x in runs
        ],
        "datasets": datasets,
    }


def describe_store(r: Run) -> None:
    """The store's size and the row counts of its main tables."""
    store: dict[str, Any] = {
        "location": "built by the suite" if r.built_here else _shown(r.db),
        "size_mb": None,
        "tables": {},
    }
    if "://" not in r.db:
        path = Path(r.db)
        store["size_mb"] = round(file_mb(path), 1)
        import duckdb

        con = duckdb.connect(str(path), read_only=True)
        try:
            for table in (
                "providers",
                "locations",
                "provider_taxonomies",
                "procedure_volumes",
                "drug_volumes",
                "clinicians",
                "search_locations",
                "code_locations",
            ):
                count = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
                store["tables"][table] = int(count)
        finally:
            con.close()
    r.report["store"] = store


def _shown(location: str) -> str:
    """A store location as a result records it: a file's name, a URL's scheme."""
    return location.split("://", 1)[0] + "://…" if "://" in location else Path(location).name


def nppes_file(r: Run) -> Path | None:
    found = [p for p in r.files if p.name.lower().startswith("npidata_pfile")]
    return found[0] if found else None


def weekly(r: Run) -> None:
    """A weekly NPPES file into a copy of the store, `repeat` times (a fresh copy each)."""
    monthly = nppes_file(r)
    if monthly is None:
        r.note("weekly update skipped: no npidata_pfile in the data")
        return
    if "://" in r.db:
        r.note("weekly update skipped: it runs on a copy of the store, and a URL has no copy")
        return
    registry = r.manifest.get("counts", {}).get("npis_in_nppes") or _nppes_rows(r)
    rows = r.args.weekly_rows or weekly_rows(int(registry))
    made = derive_weekly(monthly, r.work / "weekly", rows, seed=r.args.seed)
    copy = r.work / f"weekly-{Path(r.db).name}"
    runs = []
    try:
        for _ in range(r.repeat):
            _remove_store(copy)
            shutil.copyfile(r.db, copy)
            runs.append(ingest(str(copy), [made.path]))
    finally:
        _remove_store(copy)
        made.path.unlink(missing_ok=True)
    chosen = _median_run(runs)
    r.report.setdefault("ingest", {})["weekly_update"] = {
        "file": made.path.name,
        "rows": made.rows,
        "size_mb": round(made.size_mb, 2),
        "registry_rows": int(registry),
        "seconds": round(statistics.median(x["seconds"] for x in runs), 2),
        "file_seconds": round(chosen["files"][0]["seconds"], 3),
        "peak_rss_mb": round(max(x["peak_rss_mb"] for x in runs)),
        "store_mb_after": round(chosen["store_mb"], 1) if chosen["store_mb"] else None,
        "runs": [round(x["seconds"], 2) for x in runs],
    }


def _nppes_rows(r: Run) -> int:
    build_report = r.report.get("ingest", {}).get("full_build", {})
    for d in build_report.get("datasets", []):
        if d["dataset"] == "nppes":
            return int(d["rows"])
    return int(r.report["store"]["tables"].get("providers", 0)) or 100_000


def baselines(r: Run) -> None:
    """Bare DuckDB read_csv and pandas→SQLite of the NPPES file, each in a child process."""
    monthly = nppes_file(r)
    if monthly is None:
        r.note("ingest baselines skipped: no npidata_pfile in the data")
        return
    found: dict[str, Any] = {}
    kinds = [("duckdb_read", "duckdb-read", ".duckdb"), ("pandas_sqlite", "pandas-sqlite", ".db")]
    for key, kind, suffix in kinds:
        if kind == "pandas-sqlite" and importlib.util.find_spec("pandas") is None:
            found[key] = {
                "skipped": "pandas is not installed: pip install -e '.[dev,bench]' (make bench)"
            }
            r.note("pandas baseline skipped: pandas is not installed (make bench installs it)")
            continue
        out = r.work / f"baseline{suffix}"
        runs = []
        try:
            for _ in range(r.repeat):
                command = [sys.executable, "-m", "bench.baselines", kind, str(monthly)]
                child = run_child([*command, "--db", str(out)]).check(f"baseline {kind}")
                runs.append({**json.loads(child.stdout), "peak_rss_mb": child.peak_rss_mb})
        finally:
            out.unlink(missing_ok=True)
            out.with_name(out.name + ".wal").unlink(missing_ok=True)
        seconds = statistics.median(x["seconds"] for x in runs)
        found[key] = {
            **{k: v for k, v in runs[0].items() if k not in ("seconds", "peak_rss_mb")},
            "file": monthly.name,
            "size_mb": round(monthly.stat().st_size / 1e6, 1),
            "seconds": round(seconds, 3),
            "rows_per_s": round(runs[0]["rows"] / seconds) if seconds else None,
            "mb_per_s": round(monthly.stat().st_size / 1e6 / seconds, 1) if seconds else None,
            "peak_rss_mb": round(max(x["peak_rss_mb"] for x in runs)),
            "runs": [round(x["seconds"], 3) for x in runs],
        }
    r.report["baselines"] = {**r.report.get("baselines", {}), **found}


def search(r: Run) -> None:
    """bench_search in a child process (a fresh DuckDB instance: its first round is cold)."""
    out = r.work / "search.json"
    command = [sys.executable, "-m", "bench.bench_search", "--db", r.db, "--out", str(out)]
    command += ["--rounds", str(r.args.search_rounds)]
    child = run_child(command).check("bench_search")
    figures = json.loads(out.read_text())
    out.unlink()
    figures.pop("machine", None)
    figures["peak_rss_mb"] = round(child.peak_rss_mb)
    plain = figures.pop("baseline_plain_sql_ms", None)
    if plain is not None:
        r.report.setdefault("baselines", {})["plain_sql_search_ms"] = plain
    r.report["search"] = figures


def http_paths(scenario: str, seed: int = 7) -> list[str]:
    """The search mix as URLs: the JSON API, or the results pages, with the same filters."""
    from docfinder.geo import PlaceIndex

    places = PlaceIndex.default()
    paths = []
    for what, _density, name, filters in mix(seed):
        extra: dict[str, str] = {}
        if filters.gender is not None:
            extra["gender"] = filters.gender
        if filters.accepts_medicare_assignment is not None:
            flag = filters.accepts_medicare_assignment
            key = "accepts_medicare" if scenario == "api" else "medicare"
            extra[key] = ("true" if flag else "false") if scenario == "api" else "yes"
        if scenario == "api":
            query = {"q": text_of(what), "near": name, **extra}
            paths.append("/api/v1/search?" + urlencode(query))
        else:
            slug = places.resolve(name, limit=1)[0].place.slug
            tail = f"?{urlencode(extra)}" if extra else ""
            paths.append(f"/best-doctors/{page_slug(what)}/{slug}{tail}")
    return paths


def _probe() -> str:
    return "/api/v1/search?" + urlencode({"q": "psoriasis", "near": "Ukiah, CA"})


def startup(r: Run) -> None:
    runs = []
    for _ in range(r.args.startup_runs):
        with http_load.serve(r.db, 1, _probe(), workdir=r.work) as server:
            runs.append(round(server.startup_seconds, 3))
    r.report["startup"] = {
        "median_seconds": round(statistics.median(runs), 3),
        "runs": runs,
        "workers": 1,
        "probe": "GET " + _probe(),
    }


def http(r: Run) -> None:
    if http_load.wrk_path() is None:
        text = "wrk is not installed (Debian: apt-get install wrk); HTTP load not measured"
        r.note(text)
        r.report["http"] = {"skipped": text}
        return
    scenarios = {"api": http_paths("api"), "page": http_paths("page")}
    args = r.args
    result: dict[str, Any] = {
        "client": f"wrk {http_load.wrk_version()}",
        "connections": args.http_connections,
        "seconds_limit": args.http_seconds,
        "requests_limit": args.http_requests,
        "paths_per_scenario": {k: len(v) for k, v in scenarios.items()},
        "runs": [],
        "startup_seconds": {},
    }
    for workers in [int(w) for w in args.workers.split(",")]:
        with http_load.serve(r.db, workers, _probe(), workdir=r.work) as server:
            result["startup_seconds"][str(workers)] = {
                "first_search": round(server.startup_seconds, 3),
                "all_workers_ready": round(server.ready_seconds, 3),
                "worker_restarts": server.restarts(),
            }
            for scenario, paths in scenarios.items():
                status, _ = http_load.get(server.base + paths[0])
                if status != 200:
                    raise RuntimeError(f"{scenario}: {paths[0]} answered {status}")
                # Warm-up, not reported: each worker's caches and first connections. Its rate
                # also bounds the count: the run is shortened when --http-seconds at that rate
                # would exceed --http-requests.
                warm = min(3.0, args.http_seconds)
                rate = http_load.load(server, paths, warm, args.http_connections, r.work)
                seconds = args.http_seconds
                if rate["requests_per_s"] > 0:
                    seconds = min(seconds, args.http_requests / rate["requests_per_s"])
                figures = http_load.load(server, paths, seconds, args.http_connections, r.work)
                result["runs"].append({"scenario": scenario, **figures})
                if figures["worker_restarts"]:
                    r.note(
                        f"HTTP {scenario}, {workers} workers: uvicorn replaced "
                        f"{figures['worker_restarts']} unresponsive worker(s) during the run"
                    )
                if figures["non_2xx"] or figures["socket_errors"]:
                    r.note(
                        f"HTTP {scenario}, {workers} workers: {figures['non_2xx']} non-2xx "
                        f"answers, {figures['socket_errors']} socket errors"
                    )
    r.report["http"] = result


def export(r: Run) -> None:
    r.report["export"] = bench_export.export(
        r.db, r.work, r.args.export_treatments, r.args.export_places
    )


def ratios(report: dict[str, Any]) -> dict[str, float]:
    """docfinder's figure over the baseline's, measured in the same run."""
    found: dict[str, float] = {}

    def ratio(name: str, mine: Any, theirs: Any) -> None:
        if mine is not None and theirs:
            found[name] = round(float(mine) / float(theirs), 2)

    nppes = next(
        (
            d["seconds"]
            for d in (report.get("ingest", {}).get("full_build", {}).get("datasets", []))
            if d["dataset"] == "nppes"
        ),
        None,
    )
    bases = report.get("baselines", {})
    ratio("nppes_ingest_vs_duckdb_read", nppes, bases.get("duckdb_read", {}).get("seconds"))
    ratio("nppes_ingest_vs_pandas_sqlite", nppes, bases.get("pandas_sqlite", {}).get("seconds"))
    plain = bases.get("plain_sql_search_ms", {}).get("warm")
    search = report.get("search", {})
    if plain:
        for figure in ("p50", "p99"):
            engine = search.get("engine_ms", {}).get("warm", {}).get(figure)
            whole = search.get("full_call_ms", {}).get("warm", {}).get(figure)
            ratio(f"search_engine_{figure}_vs_plain_sql", engine, plain[figure])
            ratio(f"search_whole_call_{figure}_vs_plain_sql", whole, plain[figure])
    return found


def _remove_store(path: Path) -> None:
    for candidate in (path, path.with_name(path.name + ".wal")):
        candidate.unlink(missing_ok=True)


def result_path(report: dict[str, Any]) -> Path:
    return RESULTS / f"suite-{report['label']}.json"


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    report = run(args)
    out = args.out or result_path(report)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2) + "\n")
    print(render(report))
    shown = os.path.relpath(out)
    print(f"\nwritten: {out if shown.startswith('..') else shown}")
