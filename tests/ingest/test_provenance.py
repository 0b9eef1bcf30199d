"""Provenance first (issue 20, item 4): an ingest killed at any point leaves an ``ingests`` row and a
lineage entry for every ingest id its committed rows carry; the next writer closes it as
``interrupted``, and a re-run completes the data exactly as an uninterrupted run would."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from curate import Workspace
from tests.conftest import share_workspace_key
from curate.ingest.ingest import IngestOptions, ingest_file

# The child ingests with tiny chunks (many commits) and kills itself with SIGKILL at a chosen
# transaction: before its COMMIT (what it wrote is lost) or just after (it is kept).
_CHILD = r"""
import os, sys
from pathlib import Path
import curate.dbutil, curate.ingest.ingest as ing, curate.ingest.readers as rd
from curate import Workspace
rd.READ_BYTES, rd.CHUNK_BYTES = 2048, 4096
kill_at, when = int(sys.argv[3]), sys.argv[4]
real = curate.dbutil.transaction
count = [0]
from contextlib import contextmanager
@contextmanager
def killing(con):
    count[0] += 1
    with real(con):
        yield
        if count[0] == kill_at and when == "before":
            os.kill(os.getpid(), 9)
    if count[0] == kill_at and when == "after":
        os.kill(os.getpid(), 9)
ing.transaction = killing
with Workspace(sys.argv[1]) as ws:
    ing.ingest_file(ws, Path(sys.argv[2]), ing.IngestOptions())
print("finished")
"""


def _write_source(path) -> None:
    rng = random.Random(7)
    lines = []
    for i in range(400):
        if i % 37 == 5:
            lines.append('{"text": "broken ' + str(i))  # malformed: quarantined
        else:
            lines.append(json.dumps({"text": f"ticket {i} " + "x" * rng.randint(10, 60), "n": i}))
    path.write_text("\n".join(lines) + "\n")


def _data(ws) -> tuple:
    docs = ws.con.execute("SELECT doc_id, text, meta, source_row, content_hash FROM lake.documents "
                          "ORDER BY doc_id").fetchall()
    bad = ws.con.execute("SELECT source_row, reason, raw FROM lake.quarantine ORDER BY source_row").fetchall()
    return docs, bad


def _check_provenance(ws) -> None:
    ids = {r[0] for r in ws.con.execute("SELECT ingest_id FROM lake.documents UNION "
                                        "SELECT ingest_id FROM lake.quarantine").fetchall()}
    rows = dict(ws.con.execute("SELECT ingest_id, state FROM lake.ingests").fetchall())
    lineage = {r[0] for r in ws.con.execute("SELECT subject FROM lake.lineage WHERE kind = 'ingest'").fetchall()}
    assert ids <= set(rows), f"documents carry ingest ids without an ingests row: {ids - set(rows)}"
    assert {f"ingest:{i}" for i in rows} <= lineage
    assert set(rows.values()) <= {"done", "interrupted"}


def _run_child(ws_path, src, kill_at: int, when: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    return subprocess.run([sys.executable, "-c", _CHILD, str(ws_path), str(src), str(kill_at), when],
                          capture_output=True, text=True, timeout=300, env=env)


@pytest.mark.slow
def test_an_ingest_killed_at_any_commit_has_its_provenance_after_the_rerun(tmp_path):
    src = tmp_path / "tickets.jsonl"
    _write_source(src)
    ref = Workspace.init(tmp_path / "ref")
    from curate.ingest import ingest as ing
    from curate.ingest import readers

    count = [0]
    real = ing.transaction

    def counting(con):
        count[0] += 1
        return real(con)

    saved = readers.READ_BYTES, readers.CHUNK_BYTES, ing.transaction
    readers.READ_BYTES, readers.CHUNK_BYTES, ing.transaction = 2048, 4096, counting  # as in the child
    try:
        full = ingest_file(ref, src, IngestOptions())
    finally:
        readers.READ_BYTES, readers.CHUNK_BYTES, ing.transaction = saved
    expected = _data(ref)
    ref.close()
    assert full.rows_read == 400 and full.quarantined == 11 and count[0] >= 5
    # Transactions: the ingests row + lineage, one per chunk, the closing counts. Kill points: the first,
    # the last and a random sample between, each before or after its commit.
    rng = random.Random(20)
    points = [(1, "before"), (1, "after"), (count[0], "before")] + [
        (rng.randint(2, count[0] - 1), rng.choice(["before", "after"])) for _ in range(3)]
    for kill_at, when in points:
        ws_path = tmp_path / f"ws-{kill_at}-{when}"
        with Workspace.init(ws_path) as fresh:
            share_workspace_key(ref, fresh)  # the reference's doc_ids (their salt comes from the key)
        proc = _run_child(ws_path, src, kill_at, when)
        assert proc.returncode == -signal.SIGKILL, (kill_at, when, proc.stderr[-2000:])
        with Workspace(ws_path, read_only=True) as ws:
            left = ws.interrupted_ingests()
            # A kill after the first commit always leaves the running row that `curate status` shows.
            assert (kill_at, when) == (1, "before") or [r["state"] for r in left] == ["running"]
            assert ws.summary()["interrupted_ingests"] == left
        with Workspace(ws_path) as ws:
            again = ingest_file(ws, src, IngestOptions())
            assert again.rows_read == again.ingested + again.duplicates + again.quarantined == 400
            _check_provenance(ws)
            assert _data(ws) == expected, (kill_at, when)
            states = dict(ws.con.execute("SELECT ingest_id, state FROM lake.ingests").fetchall())
            assert states[again.ingest_id] == "done"
            if left:
                assert states[left[0]["ingest_id"]] == "interrupted"
                closed = ws.con.execute("SELECT details FROM lake.lineage WHERE subject = ?",
                                        [f"ingest:{left[0]['ingest_id']}"]).fetchone()[0]
                assert json.loads(closed)["state"] == "interrupted"
                done = json.loads(ws.con.execute("SELECT details FROM lake.lineage WHERE subject = ?",
                                                 [f"ingest:{again.ingest_id}"]).fetchone()[0])
                assert done["state"] == "done" and done["repaired"] == [left[0]["ingest_id"]]


@pytest.mark.slow
def test_a_kill_at_a_random_moment_keeps_provenance(tmp_path):
    """The same with a real outside kill -9 after a random delay (whatever the process was doing)."""
    src = tmp_path / "tickets.jsonl"
    _write_source(src)
    ws_path = tmp_path / "ws"
    Workspace.init(ws_path).close()
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    child = _CHILD.replace("kill_at, when = int(sys.argv[3]), sys.argv[4]", "kill_at, when = -1, ''")
    proc = subprocess.Popen([sys.executable, "-c", child, str(ws_path), str(src)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(random.Random(time.time_ns()).uniform(1.0, 6.0))
    proc.kill()
    proc.wait(timeout=60)
    with Workspace(ws_path) as ws:
        again = ingest_file(ws, src, IngestOptions())
        assert again.rows_read == again.ingested + again.duplicates + again.quarantined == 400
        _check_provenance(ws)
        assert ws.count("documents") == 400 - 11
