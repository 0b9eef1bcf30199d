"""`curate ingest` as a user runs it: a text field per source, and exit codes that tell the truth."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from curate.errors import CurateError
from curate.ingest.ingest import text_field_per_source


def _curate(*args, cwd=None):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    return subprocess.run([sys.executable, "-m", "curate.cli.main", *map(str, args)], capture_output=True, text=True,
                          timeout=300, env=env, cwd=cwd)


@pytest.fixture
def steward_files(tmp_path):
    (tmp_path / "tickets.jsonl").write_text("".join(json.dumps({"text": f"ticket {i}"}) + "\n" for i in range(3)))
    (tmp_path / "feedback.csv").write_text("comment,branch\nslow service at the branch,0042\nno queue,011001\n")
    assert _curate("init", tmp_path / "ws").returncode == 0
    return tmp_path


def test_readme_steward_example_with_a_text_field_per_source(steward_files):
    d = steward_files
    proc = _curate("ingest", d / "tickets.jsonl", d / "feedback.csv", "--text-field", "feedback.csv:comment",
                   "-w", d / "ws", "--json")
    assert proc.returncode == 0, proc.stderr
    got = {r["source"]: (r["rows_read"], r["ingested"], r["quarantined"]) for r in json.loads(proc.stdout)}
    assert got == {"tickets.jsonl": (3, 3, 0), "feedback.csv": (2, 2, 0)}


def test_a_source_with_every_row_quarantined_exits_non_zero(steward_files):
    d = steward_files
    # The old README line: one --text-field for both files quarantines every JSONL row.
    proc = _curate("ingest", d / "tickets.jsonl", d / "feedback.csv", "--text-field", "comment", "-w", d / "ws",
                   "--json")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "tickets.jsonl: all 3 rows were quarantined" in proc.stderr and "missing text field 'comment'" in proc.stderr
    # The summary still comes out first, with every row accounted for.
    results = json.loads(proc.stdout)
    assert [(r["rows_read"], r["ingested"] + r["duplicates"] + r["quarantined"]) for r in results] == [(3, 3), (2, 2)]


def test_text_field_resolution():
    srcs = ["data/tickets.jsonl", "feedback.csv"]
    assert text_field_per_source(srcs, []) == {"data/tickets.jsonl": None, "feedback.csv": None}
    assert text_field_per_source(srcs, ["body", "feedback.csv:comment"]) == {"data/tickets.jsonl": "body",
                                                                            "feedback.csv": "comment"}
    assert text_field_per_source(srcs, ["tickets.jsonl:msg"]) == {"data/tickets.jsonl": "msg", "feedback.csv": None}
    with pytest.raises(CurateError, match="not one of the sources"):
        text_field_per_source(srcs, ["other.csv:comment"])
    with pytest.raises(CurateError, match="without a source"):
        text_field_per_source(srcs, ["a", "b"])


def test_quarantine_listing_says_when_it_shows_only_part(steward_files):
    d = steward_files
    bad = d / "bad.jsonl"
    bad.write_text("".join("{broken %d\n" % i for i in range(5)) + json.dumps({"text": "fine"}) + "\n")
    assert _curate("ingest", bad, "-w", d / "ws").returncode == 0
    proc = _curate("quarantine", "--limit", "2", "-w", d / "ws", "--json")
    data = json.loads(proc.stdout)
    assert (data["total"], data["shown"], len(data["rows"])) == (5, 2, 2)
    shown = _curate("quarantine", "--limit", "2", "-w", d / "ws")
    assert "showing 2 of 5" in shown.stdout + shown.stderr
