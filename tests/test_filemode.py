"""File mode reads what workspace ingest reads: mixed types, BOMs, SFT and chat files, identifiers as written."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys

import pyarrow as pa
import pytest

from curate.errors import CurateError
from curate.filemode import apply_stage, read_table, run_stage_on_file, stage_input, write_table
from curate.stage import StageConfig


def _lines(path):
    return [json.loads(ln) for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]


def test_mixed_types_in_a_field_round_trip(tmp_path):
    rows = [{"text": "hello world", "id": "0042", "n": 1},
            {"text": 5, "id": 7, "n": "two"},
            {"text": "bye", "id": None, "n": [1, 2]}]
    src = tmp_path / "mixed.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    table = read_table(src)
    # Stages read the field as text: strings as they are, other values as their JSON text.
    assert table.column("text").to_pylist() == ["hello world", "5", "bye"]
    assert table.column("id").to_pylist() == ["0042", "7", None]
    out = tmp_path / "out.jsonl"
    write_table(table, out)
    assert _lines(out) == rows


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_keys_a_row_never_had_are_not_added(tmp_path, fmt):
    """A newcomer's rows came back with "pin": null, "ts": null, "nested": null they never had; a key written as
    null stays null."""
    from curate.stage import get_stage

    rows = [{"id": 1, "text": "call me", "pin": "411001"}, {"id": 2, "text": "hello", "ts": "2024-01-01"},
            {"id": 3, "text": "x", "nested": {"a": 1}, "pin": None}]
    src, dst = tmp_path / f"in.{fmt}", tmp_path / f"out.{fmt}"
    src.write_text(json.dumps(rows) if fmt == "json" else "".join(json.dumps(r) + "\n" for r in rows))
    write_table(read_table(src), dst)
    back = json.loads(dst.read_text()) if fmt == "json" else _lines(dst)
    assert back == rows
    stage = get_stage("langid")
    run_stage_on_file(stage, src, dst, stage.config_model())
    back = json.loads(dst.read_text()) if fmt == "json" else _lines(dst)
    assert [{k: v for k, v in r.items() if k in rows[i]} for i, r in enumerate(back)] == rows
    assert "pin" not in back[1] and "ts" not in back[0] and "nested" not in back[0] and back[2]["pin"] is None


@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_utf8_bom_is_accepted(tmp_path, fmt):
    rows = [{"text": "नमस्ते"}, {"text": "hello"}]
    body = json.dumps(rows, ensure_ascii=False) if fmt == "json" else "".join(
        json.dumps(r, ensure_ascii=False) + "\r\n" for r in rows)
    src = tmp_path / f"bom.{fmt}"
    src.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    assert read_table(src).column("text").to_pylist() == ["नमस्ते", "hello"]


def test_csv_identifiers_keep_leading_zeros(tmp_path):
    src = tmp_path / "ids.csv"
    src.write_text("text,pin,acct,amount\nhello,011001,0042,1.50\n")
    table = read_table(src)
    assert table.to_pylist() == [{"text": "hello", "pin": "011001", "acct": "0042", "amount": "1.50"}]
    out = tmp_path / "out.csv"
    write_table(table, out)
    assert "011001" in out.read_text() and "0042" in out.read_text()


def test_sft_and_chat_text_is_derived_like_the_workspace(tmp_path, ws):
    from curate.ingest.ingest import IngestOptions, ingest_file

    sft = {"instruction": "Translate to Hindi", "input": "card blocked", "output": "कार्ड ब्लॉक"}
    sft_no_input = {"instruction": "Say hi", "input": "", "output": "hi"}
    chat = {"messages": [{"role": "user", "content": "UPI failed"}, {"role": "assistant", "content": "Sorry!"}]}
    src = tmp_path / "mix.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in (sft, sft_no_input)))
    chat_src = tmp_path / "chat.jsonl"
    chat_src.write_text(json.dumps(chat) + "\n")
    # Hand-written renderings (document schema: "instruction\n\ninput\n\noutput"; chat contents by newline).
    expected = ["Translate to Hindi\n\ncard blocked\n\nकार्ड ब्लॉक", "Say hi\n\nhi", "UPI failed\nSorry!"]
    cfg = StageConfig()
    got = stage_input(read_table(src), cfg).column("text").to_pylist() + \
        stage_input(read_table(chat_src), cfg).column("text").to_pylist()
    assert got == expected
    # … and the workspace stores the same text for the same records.
    ingest_file(ws, src, IngestOptions())
    ingest_file(ws, chat_src, IngestOptions())
    stored = [r[0] for r in ws.con.execute("SELECT text FROM lake.documents ORDER BY source DESC, source_row").fetchall()]
    assert stored == expected


def test_stage_on_chat_file_keeps_columns_and_adds_outputs(tmp_path):
    from curate.stage import get_stage

    stage = get_stage("langid")
    chat = {"messages": [{"role": "user", "content": "mera paisa kat gaya, jaldi refund karo"}]}
    src, dst = tmp_path / "chat.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps(chat) + "\n")
    run_stage_on_file(stage, src, dst, stage.config_model())
    (row,) = _lines(dst)
    assert row["messages"] == chat["messages"] and "lang" in row and "text" not in row


def test_gzipped_jsonl_is_read(tmp_path):
    src = tmp_path / "t.jsonl.gz"
    with gzip.open(src, "wt") as fh:
        fh.write(json.dumps({"text": "zipped"}) + "\n")
    assert read_table(src).column("text").to_pylist() == ["zipped"]


def test_json_documents_that_are_not_arrays_in_file_mode(tmp_path):
    pretty = tmp_path / "pretty.json"
    pretty.write_text(json.dumps({"text": "one pretty printed ticket", "id": "0042"}, indent=2))
    wrap = tmp_path / "wrap.json"
    wrap.write_text(json.dumps({"version": 2, "data": [{"text": "a"}, {"text": "b", "id": "007"}]}, indent=1))
    two = tmp_path / "two.json"   # two arrays of objects: which one is meant is not clear, so the object is a record
    two.write_text(json.dumps({"train": [{"text": "a"}], "test": [{"text": "b"}]}, indent=1))
    assert read_table(pretty).to_pylist() == [{"text": "one pretty printed ticket", "id": "0042"}]
    assert read_table(wrap).to_pylist() == [{"text": "a", "id": None}, {"text": "b", "id": "007"}]
    assert read_table(two).num_rows == 1


def test_excel_trailing_empty_columns_are_read_in_file_mode(tmp_path):
    src = tmp_path / "crm.csv"
    src.write_bytes(b"id,text,,\r\n0042,hello there friend,,\r\n7,another note,,call back\r\n")
    rows = read_table(src).to_pylist()
    assert rows == [
        {"id": "0042", "text": "hello there friend", "column_3": "", "column_4": ""},
        {"id": "7", "text": "another note", "column_3": "", "column_4": "call back"}]


@pytest.mark.parametrize("name,content,message", [
    ("bad.jsonl", b'{"text": "a"}\n{"text": [1,\n', "bad.jsonl:2: malformed JSON"),
    ("scalar.jsonl", b'{"text": "a"}\n42\n', "record 2 is a JSON number"),
    ("dupkey.jsonl", b'{"text": "a"}\n{"text": "b", "text": "c"}\n', "dupkey.jsonl:2: a key appears twice"),
    ("deep.json", b"[" * 5000 + b"]" * 5000, "nested too deeply"),
    ("dup.csv", b"text,text\na,b\n", "more than once"),
    ("trunc.parquet", b"PAR1\x00\x00garbage", "cannot read parquet"),
    ("latin.txt", b"x", "unsupported file type"),
])
def test_bad_files_are_one_line_errors(tmp_path, name, content, message):
    src = tmp_path / name
    src.write_bytes(content)
    with pytest.raises(CurateError, match=message):
        read_table(src)


def test_cli_errors_exit_2_without_traceback(tmp_path):
    src = tmp_path / "bad.jsonl"
    src.write_bytes(b'{"text": 1}\n{"text": \x00\n')
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    for cmd, path in (("langid", src), ("dedup", src), ("pii", src), ("langid", fifo)):
        proc = subprocess.run([sys.executable, "-m", "curate.cli.main", cmd, str(path), "--output",
                               str(tmp_path / "o.jsonl")], capture_output=True, text=True, timeout=120, env=env)
        assert proc.returncode == 2, (cmd, proc.stderr)
        assert "Traceback" not in proc.stderr and proc.stderr.strip().count("\n") == 0


def test_apply_stage_with_mixed_text_field(tmp_path):
    from curate.stage import get_stage

    table = read_table(_write(tmp_path / "m.jsonl", [{"text": "मेरा कार्ड ब्लॉक हो गया है"}, {"text": 12345}]))
    stage = get_stage("langid")
    out = apply_stage(stage, table, stage.config_model())
    assert out.num_rows == 2 and out.column("lang").to_pylist()[0] == "hi"


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return path


def test_write_refuses_compressed_output(tmp_path):
    with pytest.raises(CurateError, match="compressed"):
        write_table(pa.table({"text": ["a"]}), tmp_path / "o.jsonl.gz")


def _late_column_rows(n=5000):
    """Columns that first appear in row 2, row 3 and far past the first block of the file."""
    rows = [{"text": "the first row has only text"},
            {"text": "second row adds a column", "extra": 5},
            {"text": "third row adds messages", "messages": [{"role": "user", "content": "hi"}]},
            {"messages": [{"role": "user", "content": "weighted", "weight": 0}], "prompt": "p", "completion": "c"}]
    rows += [{"text": f"filler row number {i} with words"} for i in range(n)]
    rows.append({"text": "the last row", "late": {"k": [1, "two"]}, "extra": "now text"})
    return rows


def _as_written(rows, out_rows):
    """Output rows restricted to the input's columns, in the input's column order; a key a row never had stays
    absent (it was written back as ``"key": null`` before)."""
    names = list(dict.fromkeys(k for r in rows for k in r))
    assert all([k for k in o if k in names] == [k for k in names if k in r] for o, r in zip(out_rows, rows))
    return [{k: o[k] for k in names if k in o} for o in out_rows], [{k: r[k] for k in names if k in r} for r in rows]


@pytest.mark.parametrize("cmd", [["langid"], ["dedup", "run"], ["pii", "run"]], ids=["langid", "dedup", "pii"])
def test_cli_keeps_columns_that_appear_after_the_first_row(tmp_path, cmd):
    rows = _late_column_rows()
    src = _write(tmp_path / "late.jsonl", rows)
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.run([sys.executable, "-m", "curate.cli.main", *cmd, str(src), "--output", str(out)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    got, want = _as_written(rows, _lines(out))
    assert got == want


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_file_keeps_every_column_as_written(tmp_path, fmt):
    from curate.stage import get_stage

    rows = _late_column_rows()
    src = tmp_path / f"late.{fmt}"
    if fmt == "json":
        src.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    else:
        _write(src, rows)
    out = tmp_path / f"out.{fmt}"
    stage = get_stage("pii")
    run_stage_on_file(stage, src, out, stage.config_model())
    out_rows = json.loads(out.read_text(encoding="utf-8")) if fmt == "json" else _lines(out)
    got, want = _as_written(rows, out_rows)
    assert got == want


def test_csv_file_keeps_columns_first_filled_late(tmp_path):
    import csv

    from curate.stage import get_stage

    header = ["text", "extra", "late"]
    rows = [{"text": f"row {i}", "extra": "" if i < 3 else f"0{i}", "late": "" if i < 20000 else "x,y"}
            for i in range(20001)]
    src = tmp_path / "late.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, header)
        w.writeheader()
        w.writerows(rows)
    out = tmp_path / "out.csv"
    stage = get_stage("langid")
    run_stage_on_file(stage, src, out, stage.config_model())
    with open(out, newline="", encoding="utf-8") as fh:
        got = [{k: r[k] for k in header} for r in csv.DictReader(fh)]
    assert got == rows


_SECRET_ROW = ["0002", "9876543211", "extra", "ABCPK1234F Ravi Kumar"]


@pytest.mark.parametrize("cmd", [["langid"], ["dedup", "run"], ["pii", "run"]], ids=["langid", "dedup", "pii"])
@pytest.mark.parametrize("sep,ext", [(",", "csv"), ("\t", "tsv")])
def test_malformed_csv_row_error_names_the_line_not_its_values(tmp_path, cmd, sep, ext):
    src = tmp_path / f"rows.{ext}"
    src.write_text(sep.join(["id", "phone", "text"]) + "\n" + sep.join(["0001", "9876543210", "hello"]) + "\n"
                   + sep.join(_SECRET_ROW) + "\n")
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.run([sys.executable, "-m", "curate.cli.main", *cmd, str(src), "--output", str(tmp_path / "o.jsonl")],
                          capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert err.count("\n") == 0 and "line 3" in err and "4 columns" in err, err
    for value in _SECRET_ROW + ["Ravi", "ABCPK1234F"]:
        assert value not in err, err


def test_malformed_csv_row_deep_in_a_multiline_file_gets_its_line(tmp_path):
    src = tmp_path / "m.csv"
    src.write_text('text,city\n"two\nlines",Pune\nok,Goa\nbroken,9876543211,ABCPK1234F\nfine,Agra\n')
    with pytest.raises(CurateError) as info:
        read_table(src)
    assert str(info.value) == f"{src}: line 5 has 3 columns, the header 2"


@pytest.mark.parametrize("name,data", [
    ("plain.csv", b"id,text\r\n0042,hello\r\n0043,a,b\r\n"),
    ("zipped.csv.gz", gzip.compress(b"id,text\n0042,hello\n0043,a,b\n")),
    ("excel.csv", "id,text\n0042,caf\u00e9 \u20ac5\n0043,a,b\n".encode("cp1252") * 20),
    ("bom.csv", b"\xef\xbb\xbfid,text\n0042,hello\n0043,a,b\n"),
])
def test_csv_reader_gets_no_python_object_to_free(tmp_path, monkeypatch, name, data):
    """Arrow's threaded CSV reader can free its input on a worker thread after ``read_csv`` returned; a Python file
    object (or Arrow's Python transcoder for a cp1252 file) then needs the GIL, and at interpreter exit that aborted
    ``curate langid ragged.csv`` ("terminate called without an active exception", exit 134 instead of the one-line
    error's 2; about 1 run in 5 on a loaded machine)."""
    import pyarrow.csv as pacsv

    seen = []
    for fn in ("read_csv", "open_csv"):
        real = getattr(pacsv, fn)

        def spy(source, *args, _real=real, **kwargs):
            opts = kwargs.get("read_options")
            seen.append((type(source).__name__, opts.encoding if opts is not None else "utf8"))
            return _real(source, *args, **kwargs)

        monkeypatch.setattr(pacsv, fn, spy)
    src = tmp_path / name
    src.write_bytes(data)
    with pytest.raises(CurateError, match="line 3 has 3 columns, the header 2"):
        read_table(src)
    assert seen and all(s == ("BufferReader", "utf8") for s in seen), seen


def test_csv_values_survive_the_utf8_copy(tmp_path):
    src = tmp_path / "excel.csv"
    src.write_bytes("\ufeffCustomer ID;PIN;text\r\n0042;011001;\"caf\u00e9 \u20ac5\r\nline two\"\r\n".encode("utf-8"))
    assert read_table(src).to_pylist() == [{"Customer ID": "0042", "PIN": "011001", "text": "caf\u00e9 \u20ac5\r\nline two"}]


@pytest.mark.parametrize("cmd", [["langid"], ["dedup", "run"], ["pii", "run"], ["pii", "scan"]],
                         ids=["langid", "dedup", "pii", "pii-scan"])
def test_empty_and_missing_files_are_one_error_line_in_every_command(tmp_path, cmd):
    (tmp_path / "empty.jsonl").write_text("\n")
    (tmp_path / "header.csv").write_text("id,text\n")
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    out = [] if cmd[-1] == "scan" else ["--output", str(tmp_path / "o.jsonl")]
    for name, message in (("empty.jsonl", "holds no rows"), ("header.csv", "holds no rows"),
                          ("missing.jsonl", "no such file")):
        proc = subprocess.run([sys.executable, "-m", "curate.cli.main", *cmd, str(tmp_path / name), *out],
                              capture_output=True, text=True, timeout=120, env=env)
        err = proc.stderr.strip()
        assert proc.returncode == 2 and err.count("\n") == 0, (name, err)
        assert err.startswith("error: ") and message in err, (name, err)
    assert not (tmp_path / "o.jsonl").exists()


def test_other_chat_formats_are_read_like_the_workspace(tmp_path, ws):
    """Issue 13: ShareGPT, prompt/completion (strings or message lists) and aliased roles, one file each."""
    from curate.ingest.ingest import IngestOptions, ingest_file

    files = {
        "sharegpt.jsonl": ({"conversations": [{"from": "human", "value": "UPI failed"}, {"from": "gpt", "value": "Sorry!"}]},
                           "UPI failed\nSorry!"),
        "pc.jsonl": ({"prompt": "Translate: card", "completion": "कार्ड"}, "Translate: card\n\nकार्ड"),
        "pc_chat.jsonl": ({"prompt": [{"role": "user", "content": "hi"}],
                           "completion": [{"role": "assistant", "content": "hello"}]}, "hi\nhello"),
        "alias.jsonl": ({"messages": [{"role": "customer", "content": "refund?"}, {"role": "agent", "content": "done"}]},
                        "refund?\ndone"),
    }
    for name, (record, want) in files.items():
        src = _write(tmp_path / name, [record])
        assert stage_input(read_table(src), StageConfig()).column("text").to_pylist() == [want], name
        ingest_file(ws, src, IngestOptions())
        assert ws.con.execute("SELECT text FROM lake.documents WHERE source = ?", [name]).fetchall() == [(want,)], name


def test_unknown_chat_role_in_file_mode_is_a_one_line_error(tmp_path):
    rows = [{"conversations": [{"from": "human", "value": "a"}]},
            {"conversations": [{"from": "narrator", "value": "b"}]}]
    src, out = _write(tmp_path / "bad.jsonl", rows), tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.run([sys.executable, "-m", "curate.cli.main", "langid", str(src), "--output", str(out)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "record 2: schema violation: conversations with unknown role 'narrator'" in proc.stderr
    assert not out.exists()


@pytest.mark.parametrize("cmd", [["langid"], ["dedup", "run"], ["pii", "run"]], ids=["langid", "dedup", "pii"])
def test_output_in_a_missing_folder_is_a_one_line_error_before_any_work(tmp_path, cmd):
    """Issue 13: a mistyped output folder is not created (as cp or sort -o)."""
    src = _write(tmp_path / "in.jsonl", [{"text": "hello there"}])
    out = tmp_path / "nonexistent" / "dir" / "out.csv"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.run([sys.executable, "-m", "curate.cli.main", *cmd, str(src), "-o", str(out)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"the folder {out.parent} does not exist" in proc.stderr
    assert not (tmp_path / "nonexistent").exists()


@pytest.mark.parametrize("cmd", [["langid"], ["dedup", "run"]], ids=["langid", "dedup"])
def test_text_field_in_ingests_per_source_form_names_the_column(tmp_path, cmd):
    """Issue 13: ``--text-field FILE:FIELD`` as ingest takes it (README: ``--text-field feedback.csv:comment``) works on
    that file in file mode; it was refused ("needs column(s) feedback.csv:comment")."""
    src = tmp_path / "feedback.csv"
    src.write_text("Customer ID,comment\n0042,the app keeps logging me out\n0043,refund still not received\n")
    out = tmp_path / "out.jsonl"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    proc = subprocess.run([sys.executable, "-m", "curate.cli.main", *cmd, str(src), "-o", str(out),
                           "--text-field", "feedback.csv:comment"], capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    rows = _lines(out)
    assert [(r["Customer ID"], r["comment"]) for r in rows] == [("0042", "the app keeps logging me out"),
                                                                 ("0043", "refund still not received")]


def test_source_text_field_splits_only_a_prefix_naming_the_input():
    from curate.filemode import source_text_field

    assert source_text_field("data/feedback.csv", "feedback.csv:comment") == "comment"
    assert source_text_field("data/feedback.csv", "data/feedback.csv:comment") == "comment"
    assert source_text_field("data/feedback.csv", "Note:Internal") == "Note:Internal"  # a column named so
    assert source_text_field("data/feedback.csv", "other.csv:comment") == "other.csv:comment"
    assert source_text_field("data/feedback.csv", "text") == "text"
    assert source_text_field("data/feedback.csv", None) is None


def test_jsonl_records_end_only_at_line_breaks_as_in_ingest(tmp_path):
    """U+2028/U+2029/U+0085 may stand unescaped inside a JSON string; ingest reads such a file, file mode cut the
    record there (str.splitlines) and refused it as malformed JSON."""
    src = tmp_path / "ls.jsonl"
    src.write_bytes('{"text": "para one\u2028para two"}\r\n{"text": "nel \u0085 x\u2029y"}\r{"text": "ff \\f"}\n'
                    .encode("utf-8"))
    assert read_table(src).column("text").to_pylist() == ["para one\u2028para two", "nel \u0085 x\u2029y", "ff \f"]


@pytest.mark.parametrize("name,body,where", [
    ("n.jsonl", '{"text": "a"}\n{"text": "b", "amount": NaN}\n', "n.jsonl:2"),
    ("i.jsonl", '{"text": "b", "amount": -Infinity}\n', "i.jsonl:1"),
    ("a.json", '[{"text": "a", "amount": Infinity}]', "a.json"),
])
def test_nan_and_infinity_are_not_json_in_file_mode_either(tmp_path, name, body, where):
    """Ingest quarantines NaN/Infinity as malformed JSON; file mode read them and wrote ``NaN`` back, a JSONL output
    no strict JSON reader loads."""
    src = tmp_path / name
    src.write_text(body)
    with pytest.raises(CurateError, match=f"^{tmp_path}/{where}.*(NaN|Infinity|malformed)"):
        read_table(src)


@pytest.mark.parametrize("first", [True, False], ids=["first-row", "later-row"])
def test_csv_value_longer_than_arrows_block_is_read(tmp_path, first):
    """A 3 MB value (a long document) stopped file mode with Arrow's "straddling object straddles two block
    boundaries (try to increase block size?)"."""
    big = "y" * 3_000_000
    rows = [("0042", big), ("0043", "short")] if first else [("0042", "short"), ("0043", big)]
    src = tmp_path / "big.csv"
    src.write_text("id,text\n" + "".join(f"{i},{t}\n" for i, t in rows))
    assert [tuple(r.values()) for r in read_table(src).to_pylist()] == rows


@pytest.mark.parametrize("body,kind", [('[{"text": "a"}, 5]', "number"), ('[{"text": "a"}, "x"]', "string"),
                                       ('[{"text": "a"}, null]', "null"), ('[{"text": "a"}, [1]]', "array"),
                                       ('[{"text": "a"}, true]', "boolean")])
def test_a_record_that_is_not_an_object_is_named_with_jsons_type(tmp_path, body, kind):
    """The same words as ingest's quarantine reason ("record is a JSON string, not an object"); it said "a JSON int",
    "a JSON str", "a JSON NoneType"."""
    src = tmp_path / "a.json"
    src.write_text(body)
    with pytest.raises(CurateError) as info:
        read_table(src)
    assert str(info.value) == f"{src}: record 2 is a JSON {kind}, not an object"
