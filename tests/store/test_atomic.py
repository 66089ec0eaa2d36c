"""The served store changes only by an atomic swap: killed builds, locks, readers."""

from __future__ import annotations

import fcntl
import json
import os
import signal
import subprocess
import time

import duckdb
import pytest

from docfinder import core
from docfinder.errors import StoreError
from docfinder.store import DuckDBStore


def build_copies(db):
    return sorted(db.parent.glob(f".{db.name}.build-*"))


def big_claims(kit, name, rows):
    """A provider x service file of `rows` distinct NPIs, written fast from one template."""
    header = ",".join(kit.ps_row("1")) + "\n"
    template = kit.claims("one.csv", [kit.ps_row("NPI_HERE")]).read_text().split("\n")[1]
    body = "\n".join(template.replace("NPI_HERE", kit.npi(i)) for i in range(rows))
    return kit.raw(name, header + body + "\n")


@pytest.fixture
def served(kit, db):
    """A store that already serves one small file."""
    kit.ingest(db, kit.claims("first_2020.csv", [kit.ps_row(kit.npi(i)) for i in range(5)]))
    return db


@pytest.mark.slow
def test_a_killed_ingest_leaves_the_served_store_and_its_copy_is_cleaned(kit, served):
    before = kit.counts(served)
    big = big_claims(kit, "big_2021.csv", 100_000)
    process = subprocess.Popen(
        kit.cmd("ingest", "--db", str(served), "--json", str(big)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not build_copies(served) and process.poll() is None:
            assert time.monotonic() < deadline, "the ingest never started building"
            time.sleep(0.01)
        time.sleep(0.3)  # well into loading the big file
        assert process.poll() is None, "the ingest finished before it could be killed"
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    leftovers = build_copies(served)
    assert leftovers, "the killed build left its copy behind"
    # The served store still opens and answers with what it had.
    assert kit.counts(served) == before
    assert core.stats(str(served))["tables"]["procedure_volumes"] == 5
    # The next ingest removes the stray copy and succeeds.
    (report,) = kit.ingest(served, kit.claims("next_2022.csv", [kit.ps_row(kit.npi(9))]))
    assert report.status == "loaded"
    assert build_copies(served) == []
    assert kit.scalar(served, "SELECT count(*) FROM procedure_volumes") == 6


def test_a_successful_ingest_swaps_in_a_new_file(kit, served):
    inode = os.stat(served).st_ino
    kit.ingest(served, kit.claims("next_2022.csv", [kit.ps_row(kit.npi(9))]))
    assert os.stat(served).st_ino != inode
    assert build_copies(served) == []
    assert not served.with_name(served.name + ".wal").exists()


def test_a_second_build_is_refused_while_one_runs(kit, served):
    before = kit.counts(served)
    lock_path = served.with_name(f".{served.name}.lock")
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(StoreError, match="another ingest is building"):
            kit.ingest(served, kit.claims("next_2022.csv", [kit.ps_row(kit.npi(9))]))
    assert kit.counts(served) == before
    (report,) = kit.ingest(served, kit.claims("next_2022.csv", [kit.ps_row(kit.npi(9))]))
    assert report.status == "loaded"


def test_an_exception_inside_a_build_keeps_the_served_store(kit, served):
    before = kit.counts(served)
    with pytest.raises(RuntimeError), DuckDBStore(served).build() as builder:
        builder.execute("DELETE FROM procedure_volumes")
        raise RuntimeError("power cut")
    assert kit.counts(served) == before
    assert build_copies(served) == []


def test_a_reader_holding_the_old_file_keeps_reading_it(kit, served):
    old = duckdb.connect(str(served), read_only=True)
    try:
        query = """SELECT count(*), count(DISTINCT v.npi), min(l.file_name)
                   FROM procedure_volumes v JOIN ingest_log l USING (file_id)"""
        seen = old.execute(query).fetchone()
        assert seen == (5, 5, "first_2020.csv")
        more = kit.claims("more_2021.csv", [kit.ps_row(kit.npi(100 + i)) for i in range(3)])
        done = kit.run("ingest", "--db", str(served), "--json", str(more))
        assert done.returncode == 0, done.stderr
        # The old reader still sees the old, consistent store ...
        assert old.execute(query).fetchone() == seen
        # ... while a new reader (another process) sees the new one.
        stats = kit.run("stats", "--db", str(served), "--json")
        assert json.loads(stats.stdout)["tables"]["procedure_volumes"] == 8
    finally:
        old.close()


def test_a_new_connection_in_the_same_process_sees_the_swapped_in_store(kit, served):
    old = DuckDBStore(served).connect()
    try:
        more = kit.claims("more_2021.csv", [kit.ps_row(kit.npi(100 + i)) for i in range(3)])
        done = kit.run("ingest", "--db", str(served), "--json", str(more))
        assert done.returncode == 0, done.stderr
        assert core.stats(str(served))["tables"]["procedure_volumes"] == 8
    finally:
        old.close()
