"""User SQL is confined: one expression, evaluated where it can reach no file, setting or catalog.

Each injection or file-access form is tried through the real command line (``curate snapshot create
--where``), a recipe's ``where``, ``label push``'s sampling and the Python API: exit 2, one line,
no snapshot, no file written anywhere, and nothing read (a planted canary file would change the
selection if it were read). The second fence (the confined connection) is also tested on its own, as
if an expression had slipped past the parser.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from curate import usersql
from curate.errors import CurateError
from curate.label import sampling
from tests.conftest import write_jsonl

ROWS = [
    {"text": "card blocked, please help", "label": "card", "priority": 2},
    {"text": "UPI payment failed", "label": "upi", "priority": 1},
    {"text": "मेरा कार्ड ब्लॉक हो गया है", "label": "card", "priority": 3},
    {"text": "refund not received", "label": "refund", "priority": 1},
]


def _forms(canary: Path, target: Path) -> list[str]:
    c, t = str(canary), str(target)
    return [
        # a second statement, with and without a parenthesis escape, and hidden behind comments
        f"1=1; COPY (SELECT 42) TO '{t}'",
        f"1=1); COPY (SELECT 42) TO '{t}'; SELECT (1",
        f"1=1 /* x */; ATTACH '{t}' AS x",
        f"1=1 -- comment\n; COPY (SELECT 1) TO '{t}'",
        f"TRUE); ATTACH '{t}' AS x; SELECT (1",
        "1=1; SET enable_external_access = true",
        "1=1; PRAGMA enable_profiling",
        "1=1; PRAGMA threads=1",
        "1=1; INSTALL httpfs; LOAD httpfs",
        # set operations and subqueries over tables, files and table functions
        "1=1 UNION SELECT * FROM lake.documents",
        "1=1 UNION ALL SELECT 1",
        "doc_id IN (SELECT doc_id FROM lake.documents)",
        f"length((SELECT content FROM read_text('{c}'))) > 0",
        f"EXISTS (SELECT * FROM read_csv('{c}'))",
        f"EXISTS (FROM glob('{c}'))",
        f"(SELECT count(*) FROM read_blob('{c}')) > 0",
        "EXISTS (SELECT * FROM query('SELECT 1'))",
        f"doc_id = ANY (SELECT content FROM read_text('{c}'))",
        # table functions used as if scalar, and scalar functions that read the environment or settings
        f"read_text('{c}') IS NOT NULL",
        f"glob('{c}') IS NOT NULL",
        "getenv('HOME') IS NOT NULL",
        "current_setting('threads') > 0",
        "current_setting('temp_directory') IS NOT NULL",
        # clauses that are not an expression
        "1=1 ORDER BY doc_id",
        "1=1 LIMIT 1",
        "1=1 GROUP BY doc_id",
        "",
        "   ",
    ]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from curate import Workspace

    tmp = tmp_path_factory.mktemp("usersql")
    canary = tmp / "canary.txt"
    canary.write_text("canary\n")
    ws = Workspace.init(tmp / "ws")
    ws.ingest([write_jsonl(tmp / "t.jsonl", ROWS)])
    ws.close()
    return {"tmp": tmp, "ws": str(tmp / "ws"), "canary": canary}


def _files(root: Path) -> set[str]:
    return {str(p) for p in root.rglob("*") if not p.is_dir() and "lake" not in p.relative_to(root).parts}


def _cli(args: list[str], monkeypatch, capsys, cwd: Path) -> tuple[int, str]:
    """The real ``curate`` entry point in this process (fast enough to try every form)."""
    from curate.cli.main import main

    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "argv", ["curate", *args])
    with pytest.raises(SystemExit) as exit_:
        main()
    code = exit_.value.code or 0
    return code, capsys.readouterr().err


@pytest.mark.parametrize("i", range(len(_forms(Path("c"), Path("t")))))
def test_snapshot_where_forms_are_refused_and_touch_nothing(setup, monkeypatch, capsys, i):
    tmp = setup["tmp"]
    target = tmp / f"pwned_{i}.csv"
    where = _forms(setup["canary"], target)[i]
    before = _files(tmp)
    code, err = _cli(["snapshot", "create", "x", "--text", "raw", "--where", where, "-w", setup["ws"]],
                     monkeypatch, capsys, tmp)
    assert code == 2, err
    assert err.startswith("error: bad --where") and err.strip().count("\n") == 0, err
    assert "canary" not in err and str(setup["canary"]) not in err
    assert _files(tmp) == before and not target.exists()
    from curate import Workspace

    with Workspace(setup["ws"], read_only=True) as ws:
        assert ws.snapshots() == [] and ws.count("documents") == len(ROWS)


def test_the_copy_form_from_the_issue_writes_no_file_in_a_fresh_process(setup):
    """``--where "1=1); COPY (SELECT 42) TO 'some/file.csv'; SELECT (1"`` through the installed entry point."""
    tmp = setup["tmp"]
    (tmp / "some").mkdir(exist_ok=True)
    for where in ["1=1); COPY (SELECT 42) TO 'some/file.csv'; SELECT (1",
                  "length((SELECT content FROM read_text('/etc/hostname'))) > 0"]:
        res = subprocess.run([sys.executable, "-m", "curate.cli.main", "snapshot", "create", "x", "--text", "raw",
                              "--where", where, "-w", setup["ws"]], capture_output=True, text=True, timeout=300,
                             cwd=tmp, env={**os.environ, "PYTHONPATH": os.getcwd()})
        assert res.returncode == 2 and res.stderr.startswith("error: bad --where"), res.stderr
        assert "Traceback" not in res.stderr
    assert not (tmp / "some" / "file.csv").exists()


@pytest.mark.parametrize("i", range(len(_forms(Path("c"), Path("t")))))
def test_label_push_sampling_refuses_the_same_forms(setup, tmp_path, i):
    target = tmp_path / "pwned.csv"
    where = _forms(setup["canary"], target)[i]
    con = duckdb.connect()
    rel = con.from_arrow(pa.table({"doc_id": ["a", "b"], "text": ["x", "yy"]}))
    with pytest.raises(CurateError, match="bad --where"):
        sampling.select(rel, ["doc_id"], "lang", where, 1)
    assert list(tmp_path.iterdir()) == []
    con.close()


def test_recipe_where_is_confined_too(setup, monkeypatch, capsys):
    tmp = setup["tmp"]
    target = tmp / "recipe_pwned.csv"
    recipe = tmp / "shared-recipe.yaml"
    recipe.write_text("name: shared\n"
                      f"snapshot: {{name: shared, text: raw, where: \"1=1); COPY (SELECT 42) TO '{target}'; "
                      "SELECT (1\"}\n")
    code, err = _cli(["run", str(recipe), "-w", setup["ws"]], monkeypatch, capsys, tmp)
    assert code == 2 and "bad --where" in err, err
    assert not target.exists()


# -- legitimate filters still work, and select what an independent reading of the data says ----------------

@pytest.mark.parametrize("where, expected", [
    ("text LIKE '%card%' OR text LIKE '%कार्ड%'", {0, 2}),
    ("TEXT ILIKE '%UPI%'", {1}),                                               # identifiers are case-insensitive
    ("json_extract_string(meta, '$.label') = 'card'", {0, 2}),                # the label kept in meta
    ("CAST(json_extract(meta, '$.priority') AS INT) >= 2 -- high priority", {0, 2}),
    ("regexp_matches(text, '^(refund|UPI)')", {1, 3}),
    ("len(list_filter(string_split(text, ' '), x -> length(x) > 6)) > 0", {0, 1, 3}),  # a lambda parameter
    ("source_row IN (1, 4)", {0, 3}),
])
def test_legitimate_filters_select_the_expected_rows(setup, where, expected):
    from curate import Workspace

    with Workspace(setup["ws"], read_only=True) as ws:
        keys = set(usersql.select_keys(ws.view(), where).column("doc_id").to_pylist())
        by_row = dict(ws.con.execute("SELECT source_row, doc_id FROM lake.documents").fetchall())
    assert keys == {by_row[i + 1] for i in expected}  # source_row counts from 1 (line numbers)


def test_unknown_column_is_an_error_even_with_no_rows():
    con = duckdb.connect()
    rel = con.from_arrow(pa.table({"doc_id": pa.array([], pa.string())}))
    with pytest.raises(CurateError, match="unknown column"):
        usersql.select_keys(rel, "no_such_column = 1")


def test_filter_errors_do_not_quote_values():
    con = duckdb.connect()
    rel = con.from_arrow(pa.table({"doc_id": ["a"], "text": ["Ramesh 9812345678"]}))
    for where in ("CAST(text AS INT) > 0", "error(text) IS NULL"):
        with pytest.raises(CurateError) as err:
            usersql.select_keys(rel, where)
        assert "9812345678" not in str(err.value) and "Ramesh" not in str(err.value)


def test_large_sources_stream_in_batches(monkeypatch):
    monkeypatch.setattr(usersql, "BATCH_ROWS", 7)
    con = duckdb.connect()
    rel = con.sql("SELECT range::VARCHAR AS doc_id, range AS n FROM range(100)")
    got = usersql.select_keys(rel, "n % 3 = 0").column("doc_id").to_pylist()
    assert got == [str(n) for n in range(0, 100, 3)]


# -- the second fence on its own: the confined connection, as if an expression had slipped past the parser --------

@pytest.mark.parametrize("stmt", [
    "SELECT * FROM read_text('{c}')",
    "SELECT * FROM read_csv('{c}')",
    "SELECT * FROM glob('{c}')",
    "SELECT * FROM read_blob('{c}')",
    "COPY (SELECT 42) TO '{t}'",
    "ATTACH '{t}' AS x",
    "EXPORT DATABASE '{d}'",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "SET threads = 1",
    "PRAGMA threads = 1",
    "RESET enable_external_access",
    "SELECT getenv('HOME')",
    "LOAD sqlite",
    "INSTALL httpfs",
])
def test_confined_connection_reaches_no_file_and_no_setting(tmp_path, stmt):
    canary = tmp_path / "canary.txt"
    canary.write_text("canary")
    sql = stmt.format(c=canary, t=tmp_path / "out.csv", d=tmp_path / "exp")
    con = usersql.confined_connection()
    with pytest.raises(duckdb.Error):
        con.execute(sql).fetchall()
    con.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["canary.txt"]


def test_confined_connection_has_no_catalog_and_no_python_scans():
    secret_table = pa.table({"x": [1]})  # noqa: F841 - a Python replacement scan would find it by name
    con = usersql.confined_connection()
    for sql in ("SELECT * FROM secret_table", "SELECT * FROM lake.documents"):
        with pytest.raises(duckdb.CatalogException):
            con.execute(sql)
    assert con.execute("SELECT value FROM duckdb_settings() WHERE name = 'enable_external_access'").fetchone()[0] \
        == "false"
    con.close()


def test_unknown_column_error_names_the_unknown_one():
    """Issue 13: DuckDB's binder names a candidate (lang), not the culprit (foo); the error names foo."""
    con = duckdb.connect()
    rel = con.from_arrow(pa.table({"doc_id": ["a"], "lang": ["hi"], "st": [{"f": 1}]}))
    with pytest.raises(CurateError) as err:
        usersql.select_keys(rel, "lang='hi' AND foo=1")
    assert str(err.value) == "bad --where: unknown column 'foo' (columns: doc_id, lang, st)"
    with pytest.raises(CurateError, match="unknown columns 'foo', 'bar'"):
        usersql.select_keys(rel, "foo = 1 OR bar = 2 OR lang = 'hi'")
    # Struct fields and lambda parameters are not unknown columns.
    assert usersql.select_keys(rel, "st.f = 1 AND len(list_filter([lang], x -> x = 'hi')) = 1"
                               ).column("doc_id").to_pylist() == ["a"]
