"""Issue 13: a CSV written with ``;`` (European exports) or tabs is read in columns, and the delimiter is said.

Expectations are written by hand from the files below; Python's ``csv`` module with the delimiter named by
hand is the reference reading.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from curate.filemode import read_table
from curate.ingest.ingest import IngestOptions, ingest_file
from curate.ingest.readers import sniff_delimiter

# A European export: ';' between fields, ',' as the decimal mark and inside the text, a quoted ';'.
SEMICOLON = ('id;text;amount\r\n0042;Karte gesperrt, bitte helfen;1,50\r\n'
             '0043;"Zahlung; fehlgeschlagen";2,00\r\n')
TAB = "id\ttext\n1\thello, world; again\n2\tsecond | row\n"
COMMA_WITH_SEMICOLONS = "id,text\n1,a;b;c\n2,d;e\n3,\"f,g\"\n"
ONE_COLUMN = "text\nhello; there, friend\nplain\n"


@pytest.mark.parametrize("name,content,want", [
    ("eu.csv", SEMICOLON, ";"), ("tabs.csv", TAB, "\t"), ("tabs.tsv", TAB, "\t"),
    ("comma.csv", COMMA_WITH_SEMICOLONS, ","), ("one.csv", ONE_COLUMN, ","), ("one.tsv", ONE_COLUMN, "\t"),
    ("pipe.csv", "a|b\n1|2\n", "|"), ("ragged.csv", "a;b;c\n1;2;3\n4;5\n6;7;8\n7;8;9\n1;2;3\n4;5;6\n7;8;9\n1;2;3\n"
                                      "4;5;6\n7;8;9\n", ";"),
])
def test_the_delimiter_is_sniffed_from_the_head(tmp_path, name, content, want):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8", newline="")
    assert sniff_delimiter(path, "tsv" if name.endswith(".tsv") else "csv") == want


def _reference(content: str, delimiter: str) -> list[dict]:
    return list(csv.DictReader(content.splitlines(), delimiter=delimiter))


def test_semicolon_and_tab_files_are_ingested_in_columns(ws, tmp_path):
    for name, content, delim in (("eu.csv", SEMICOLON, ";"), ("tabs.csv", TAB, "\t")):
        (tmp_path / name).write_text(content, encoding="utf-8", newline="")
        res = ingest_file(ws, tmp_path / name, IngestOptions())
        assert (res.rows_read, res.ingested, res.quarantined, res.delimiter) == (2, 2, 0, delim), name
        rows = ws.con.execute("SELECT text, meta FROM lake.documents WHERE source = ? ORDER BY source_row",
                              [name]).fetchall()
        want = _reference(content, delim)
        assert [r[0] for r in rows] == [w["text"] for w in want]
        assert [json.loads(r[1]) for r in rows] == [{k: v for k, v in w.items() if k != "text"} for w in want]
    # The hand-written reading of the European file: leading zeros and decimal commas kept as written.
    assert ws.con.execute("SELECT text, meta FROM lake.documents WHERE source = 'eu.csv' ORDER BY source_row"
                          ).fetchall() == [("Karte gesperrt, bitte helfen", '{"id":"0042","amount":"1,50"}'),
                                           ("Zahlung; fehlgeschlagen", '{"id":"0043","amount":"2,00"}')]


def test_file_mode_reads_the_same_columns(tmp_path):
    path = tmp_path / "eu.csv"
    path.write_text(SEMICOLON, encoding="utf-8", newline="")
    assert read_table(path).to_pylist() == _reference(SEMICOLON, ";")


def test_the_cli_says_which_delimiter_it_used(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.getcwd()}

    def curate(*args):
        return subprocess.run([sys.executable, "-m", "curate.cli.main", *map(str, args)], capture_output=True,
                              text=True, timeout=300, env=env)

    (tmp_path / "eu.csv").write_text(SEMICOLON, encoding="utf-8", newline="")
    assert curate("init", tmp_path / "ws").returncode == 0
    proc = curate("ingest", tmp_path / "eu.csv", "-w", tmp_path / "ws")
    assert proc.returncode == 0, proc.stderr
    assert "csv (semicolon)" in proc.stdout + proc.stderr  # the rich table goes to stderr
    proc = curate("ingest", tmp_path / "eu.csv", "-w", tmp_path / "ws", "--json")
    assert json.loads(proc.stdout)[0]["delimiter"] == ";"
