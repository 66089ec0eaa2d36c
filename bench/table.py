"""The suite's report as a plain-text table (what `python -m bench` prints)."""

from __future__ import annotations

from typing import Any

from bench.targets import dig

Report = dict[str, Any]


def _num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, int) or (isinstance(value, float) and value >= 1000):
        return f"{value:,.0f}"
    return f"{value:,.{digits}f}"


def _mark(met: bool | None) -> str:
    return {True: "met", False: "NOT met", None: "not measured"}[met]


def render(report: Report) -> str:
    lines: list[str] = []
    add = lines.append
    m = report["machine"]
    add(
        f"docfinder bench — {report['label']}: {m['cores']} cores, {m['memory_gb']} GB, "
        f"Python {m['python']}, DuckDB {m.get('duckdb')}, commit {m['commit']}"
    )
    data = report.get("data") or {}
    if data:
        add(
            f"data: {data.get('region')} scale {data.get('scale')} seed {data.get('seed')}, "
            f"{len(data.get('files', []))} files, {_num(data.get('total_mb'))} MB"
        )
    store = report.get("store") or {}
    add(f"store: {store.get('location')} {_num(store.get('size_mb'))} MB")
    _ingest(report, add)
    _search(report, add)
    _http(report, add)
    _web(report, add)
    _ratios(report, add)
    _targets(report, add)
    for note in report.get("notes", []):
        add(f"note: {note}")
    return "\n".join(lines)


def _ingest(report: Report, add: Any) -> None:
    build = dig(report, "ingest", "full_build")
    if build:
        add("")
        add(
            f"full build: {_num(build['seconds'])} s (median of {len(build['runs'])}), "
            f"peak {_num(build['peak_rss_mb'])} MiB, finalize and the rest "
            f"{_num(build['finalize_seconds'])} s"
        )
        add(f"  {'dataset':18} {'rows':>12} {'MB':>9} {'s':>8} {'rows/s':>10} {'MB/s':>7}")
        for row in build["datasets"]:
            add(
                f"  {row['dataset']:18} {row['rows']:>12,} {_num(row['size_mb']):>9} "
                f"{_num(row['seconds'], 2):>8} {_num(row['rows_per_s'], 0):>10} "
                f"{_num(row['mb_per_s']):>7}"
            )
    weekly = dig(report, "ingest", "weekly_update")
    if weekly:
        add(
            f"weekly NPPES update ({weekly['rows']:,} rows, {_num(weekly['size_mb'])} MB): "
            f"{_num(weekly['seconds'])} s (median of {len(weekly['runs'])}), "
            f"file {_num(weekly['file_seconds'], 2)} s, peak {_num(weekly['peak_rss_mb'])} MiB"
        )
    for name, title in (
        ("duckdb_read", "bare DuckDB read_csv"),
        ("pandas_sqlite", "pandas→SQLite"),
    ):
        base = dig(report, "baselines", name)
        if base and "seconds" in base:
            add(
                f"baseline {title} of NPPES ({base['columns']} columns): "
                f"{_num(base['seconds'], 2)} s, {_num(base['rows_per_s'], 0)} rows/s, "
                f"peak {_num(base['peak_rss_mb'])} MiB"
            )
        elif base:
            add(f"baseline {title}: skipped ({base.get('skipped')})")


def _search(report: Report, add: Any) -> None:
    search = report.get("search")
    if not search:
        return
    add("")
    add(f"search, {search['queries']} queries x {search['rounds']} warm rounds (ms):")
    add(f"  {'':34} {'p50':>8} {'p95':>8} {'p99':>8}")
    rows = [
        ("engine, warm", dig(search, "engine_ms", "warm")),
        ("engine, cold (first round)", dig(search, "engine_ms", "cold")),
        ("whole call, warm", dig(search, "full_call_ms", "warm")),
        ("whole call, first round", dig(search, "full_call_ms", "cold")),
        ("baseline plain SQL, warm", dig(search, "baseline_plain_sql_ms", "warm")),
        ("baseline plain SQL, cold", dig(search, "baseline_plain_sql_ms", "cold")),
    ]
    for density, figures in (search.get("engine_warm_ms_by_density") or {}).items():
        rows.append((f"engine, warm, {density}", figures))
    for name, figures in rows:
        if figures:
            add(
                f"  {name:34} {_num(figures['p50']):>8} {_num(figures['p95']):>8} "
                f"{_num(figures['p99']):>8}"
            )
    cpu = search.get("cpu_ms_warm") or {}
    if cpu:
        shown = ", ".join(f"{k.replace('_', ' ')} {_num(v['p50'])}" for k, v in cpu.items())
        add(f"  CPU time per warm query, p50 (ms, all threads): {shown}")


def _http(report: Report, add: Any) -> None:
    http = report.get("http")
    if not http:
        return
    add("")
    if "skipped" in http:
        add(f"HTTP: skipped — {http['skipped']}")
        return
    add(f"HTTP ({http['client']}, {http['connections']} connections, one client thread):")
    add(
        f"  {'scenario':8} {'workers':>7} {'req/s':>8} {'p50':>8} {'p95':>8} {'p99':>8} "
        f"{'requests':>8} {'non-2xx':>7} {'RSS MiB':>8} {'CPU ms/req':>10} {'client':>7}"
    )
    for run in http["runs"]:
        add(
            f"  {run['scenario']:8} {run['workers']:>7} {_num(run['requests_per_s']):>8} "
            f"{_num(run['p50_ms']):>8} {_num(run['p95_ms']):>8} {_num(run['p99_ms']):>8} "
            f"{run['requests']:>8} {run['non_2xx']:>7} {_num(run['server_rss_mb_peak']):>8} "
            f"{_num(run['server_cpu_ms_per_request']):>10} {run['client_core_share'] * 100:>6.1f}%"
        )
    add("  (CPU ms/req: the server's CPU time per answered request; client: wrk's share of a core)")


def _web(report: Report, add: Any) -> None:
    startup = report.get("startup")
    if startup:
        add(
            f"start-up to first search: {_num(startup['median_seconds'], 2)} s "
            f"(median of {len(startup['runs'])})"
        )
    export = report.get("export")
    if export:
        add(
            f"static export: {export['pages']} pages in {_num(export['seconds'], 2)} s, "
            f"{_num(export['pages_per_s'])} pages/s (command wall {_num(export['wall_seconds'])} s)"
        )


def _ratios(report: Report, add: Any) -> None:
    ratios = report.get("ratios") or {}
    if ratios:
        add("")
        add("ratios (docfinder / baseline; below 1 means docfinder is faster):")
        for name, value in ratios.items():
            add(f"  {name:40} {_num(value, 2):>8}")


def _targets(report: Report, add: Any) -> None:
    add("")
    applies = "" if report.get("targets_apply") else " (set for national scale; for reference)"
    add(f"targets{applies}:")
    for t in report.get("targets", []):
        value = "—" if t["value"] is None else f"{_num(t['value'], 1)} {t['unit']}"
        add(f"  {t['label']:46} {value:>16}  {t['target']:>14}  {_mark(t['met'])}")
