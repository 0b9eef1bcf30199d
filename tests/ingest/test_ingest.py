"""Ingestion as a user runs it: every format, idempotency, quarantine with reasons, counts that add up."""

from __future__ import annotations

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from curate.errors import CurateError
from curate.ingest.ingest import IngestOptions, ingest_file
from tests.conftest import write_jsonl
from tests.ingest.cases import check_cases


def _docs(ws):
    return ws.con.execute("SELECT text, instruction, input, output, messages, meta, source_row FROM lake.documents "
                          "ORDER BY source, source_row").fetchall()


def test_jsonl_rows_become_documents_with_provenance(ws, tickets):
    res = ingest_file(ws, tickets, IngestOptions())
    assert (res.rows_read, res.ingested, res.duplicates, res.quarantined) == (6, 6, 0, 0)
    row = ws.con.execute("SELECT source, source_uri, source_row, content_hash, ingest_id, ingested_at, meta "
                         "FROM lake.documents WHERE source_row = 2").fetchone()
    assert row[0] == "tickets.jsonl" and row[1].endswith("tickets.jsonl") and row[2] == 2
    assert len(row[3]) == 32 and row[4] == res.ingest_id and row[5] is not None
    assert json.loads(row[6]) == {"id": "T1", "channel": "chat"}


def test_reingest_same_file_adds_nothing(ws, tickets):
    first = ingest_file(ws, tickets, IngestOptions())
    again = ingest_file(ws, tickets, IngestOptions())
    assert again.ingested == 0 and again.duplicates == first.ingested
    assert ws.count("documents") == first.ingested
    ids_before = {r[0] for r in ws.con.execute("SELECT doc_id FROM lake.documents").fetchall()}
    # Appending rows keeps the old doc_ids stable and adds only the new rows.
    with open(tickets, "a") as fh:
        fh.write(json.dumps({"text": "new ticket about KYC"}) + "\n")
    third = ingest_file(ws, tickets, IngestOptions())
    assert (third.ingested, third.duplicates) == (1, 6)
    ids_after = {r[0] for r in ws.con.execute("SELECT doc_id FROM lake.documents").fetchall()}
    assert ids_before < ids_after


def test_every_kind_of_bad_row_is_quarantined_with_its_reason(ws, tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [{"text": "good one"}], extra_lines=[
        "{not json\n",
        json.dumps({"other": "no text"}) + "\n",
        json.dumps({"text": "   "}) + "\n",
        json.dumps({"text": ["a", "list"]}) + "\n",
        b'{"text": "bad \xff\xfe bytes"}\n',
        json.dumps({"text": "x" * 5000}) + "\n",
        json.dumps({"messages": [{"role": "narrator", "content": "hi"}]}) + "\n",
        "\n",  # blank lines are not records
        json.dumps({"text": "good two"}) + "\n",
    ])
    res = ingest_file(ws, path, IngestOptions(max_record_bytes=2000))
    assert res.rows_read == 9
    assert res.ingested == 2
    assert res.ingested + res.duplicates + res.quarantined == res.rows_read
    reasons = dict(ws.con.execute("SELECT source_row, reason FROM lake.quarantine").fetchall())
    assert reasons[2] == "malformed JSON"
    assert reasons[3].startswith("missing text field")
    assert reasons[4] == "empty text"
    assert reasons[5].startswith("schema violation: field 'text'")
    assert reasons[6].startswith("undecodable bytes")
    assert reasons[7].startswith("oversize record")
    assert reasons[8].startswith("schema violation: messages")
    raw = ws.con.execute("SELECT raw FROM lake.quarantine WHERE source_row = 2").fetchone()[0]
    assert raw == "{not json"
    # Re-ingesting counts the bad rows again as quarantined but does not duplicate them.
    again = ingest_file(ws, path, IngestOptions(max_record_bytes=2000))
    assert again.quarantined == 7 and ws.count("quarantine") == 7


def test_sft_and_chat_shapes_are_mapped(ws, tmp_path):
    path = write_jsonl(tmp_path / "sft.jsonl", [
        {"instruction": "Translate to Hindi", "input": "card blocked", "output": "कार्ड ब्लॉक", "lang": "hi"},
        {"messages": [{"role": "user", "content": "UPI failed"}, {"role": "assistant", "content": "Sorry!"}]},
    ])
    ingest_file(ws, path, IngestOptions())
    rows = _docs(ws)
    assert rows[0][0] == "Translate to Hindi\n\ncard blocked\n\nकार्ड ब्लॉक"
    assert rows[0][1:4] == ("Translate to Hindi", "card blocked", "कार्ड ब्लॉक")
    assert json.loads(rows[0][5]) == {"lang": "hi"}
    assert rows[1][0] == "UPI failed\nSorry!"
    assert json.loads(rows[1][4])[1] == {"role": "assistant", "content": "Sorry!"}


def test_html_and_unicode_are_normalised(ws, tmp_path):
    decomposed = "क\u093c"  # क + nukta: NFC keeps it decomposed (composition exclusion)
    precomposed = "\u0958"
    path = write_jsonl(tmp_path / "h.jsonl", [{"text": "<p>Hello&nbsp;<b>there</b></p><br>Bye &amp; thanks"},
                                              {"text": "cafe\u0301 " + precomposed}])
    ingest_file(ws, path, IngestOptions())
    texts = [r[0] for r in _docs(ws)]
    assert texts[0] == "Hello there\n\nBye & thanks"
    assert texts[1] == "café " + decomposed


def test_placeholders_of_pre_masked_data_are_kept_as_written(ws, tmp_path):
    """A newcomer's pre-masked records: "<NAME>", "<otp>" are template slots, not HTML; ingest stripped them, which
    changed an SFT pair's training target ("Dear , your OTP is .")."""
    path = write_jsonl(tmp_path / "m.jsonl", [
        {"text": "Customer <NAME> called from <PHONE> about card <CARD_NUMBER>."},
        {"instruction": "Write the SMS", "input": "otp", "output": "Dear <name>, your OTP is <otp>."},
        {"text": "<p>Real <b>markup</b> goes</p>"}])
    ingest_file(ws, path, IngestOptions())
    rows = _docs(ws)
    assert rows[0][0] == "Customer <NAME> called from <PHONE> about card <CARD_NUMBER>."
    assert rows[1][3] == "Dear <name>, your OTP is <otp>."
    assert rows[2][0].strip() == "Real markup goes"


def test_csv_tsv_parquet_json_text_and_hf_formats(ws, tmp_path):
    import datasets

    (tmp_path / "a.csv").write_text('text,city\n"hello, world",Pune\nbye,Delhi\n"broken,row,extra",x,y\n')
    (tmp_path / "b.tsv").write_text("body\tcity\nनमस्ते\tPatna\n")
    pq.write_table(pa.table({"text": ["from parquet"], "n": [3]}), tmp_path / "c.parquet")
    (tmp_path / "d.json").write_text(json.dumps([{"text": "from json array"}, {"text": "second"}]))
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "one.txt").write_text("first note")
    (folder / "two.txt").write_bytes("second note caf\xe9".encode("cp1252"))
    datasets.Dataset.from_dict({"text": ["hf row one", "hf row two"]}).save_to_disk(str(tmp_path / "hfds"))

    res = {p: ingest_file(ws, tmp_path / p, IngestOptions()) for p in ["a.csv", "d.json", "c.parquet", "notes", "hfds"]}
    res["b.tsv"] = ingest_file(ws, tmp_path / "b.tsv", IngestOptions(text_field="body"))
    assert {k: (v.format, v.ingested, v.quarantined) for k, v in res.items()} == {
        "a.csv": ("csv", 2, 1), "b.tsv": ("tsv", 1, 0), "c.parquet": ("parquet", 1, 0),
        "d.json": ("json", 2, 0), "notes": ("text", 2, 0), "hfds": ("hf", 2, 0)}
    texts = {r[0] for r in ws.con.execute("SELECT text FROM lake.documents").fetchall()}
    assert {"hello, world", "नमस्ते", "from parquet", "second note café", "hf row two"} <= texts
    reason = ws.con.execute("SELECT reason FROM lake.quarantine").fetchone()[0]
    assert reason.startswith("malformed CSV row")


def test_legacy_encoding_is_detected(ws, tmp_path):
    path = tmp_path / "latin.csv"
    path.write_bytes("text,city\nRésumé submitted for café loan,Goa\nNaïve question about façade,Pune\n".encode("cp1252"))
    res = ingest_file(ws, path, IngestOptions())
    assert res.ingested == 2
    texts = sorted(r[0] for r in ws.con.execute("SELECT text FROM lake.documents").fetchall())
    assert texts[1] == "Résumé submitted for café loan"


def test_id_field_gives_stable_ids_across_sources(ws, tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", [{"id": "X1", "text": "one"}, {"id": "X1", "text": "one"}])
    res = ingest_file(ws, a, IngestOptions(id_field="id", source_name="crm"))
    assert (res.ingested, res.duplicates) == (1, 1)


def test_same_id_with_new_text_is_a_quarantined_conflict_not_a_duplicate(ws, tmp_path):
    """Issue 20: an update to a ticket must never vanish as a "duplicate"."""
    a = write_jsonl(tmp_path / "a.jsonl", [{"id": "T1", "text": "card blocked"}, {"id": 7, "text": "seven"},
                                           {"id": "T1", "text": "card blocked"},          # true duplicate
                                           {"id": "T1", "text": "card unblocked now"}])   # an update
    res = ingest_file(ws, a, IngestOptions(id_field="id", source_name="crm"))
    assert (res.rows_read, res.ingested, res.duplicates, res.quarantined) == (4, 2, 1, 1)
    b = write_jsonl(tmp_path / "b.jsonl", [{"id": "T1", "text": "card blocked"}, {"id": "7", "text": "seven, edited"},
                                           {"id": "T2", "text": "new ticket"}])
    res2 = ingest_file(ws, b, IngestOptions(id_field="id", source_name="crm"))
    assert (res2.ingested, res2.duplicates, res2.quarantined) == (1, 1, 1)
    q = ws.con.execute("SELECT reason, raw FROM lake.quarantine ORDER BY raw").fetchall()
    assert [r[0] for r in q] == ["id conflict: id already ingested with different content"] * 2
    assert {json.loads(r[1])["text"] for r in q} == {"card unblocked now", "seven, edited"}
    assert ws.count("documents") == 3


def test_missing_source_is_a_clear_error(ws, tmp_path):
    with pytest.raises(CurateError, match="no such file"):
        ingest_file(ws, tmp_path / "nope.jsonl", IngestOptions())


def test_same_id_with_new_text_can_be_kept_as_a_linked_version(ws, tmp_path):
    """Issue 20: with on_id_conflict="version" an update is kept under its own doc_id, linked to the
    record's earlier version, counted as ingested (never a duplicate), and shown by snapshot diff."""
    a = write_jsonl(tmp_path / "a.jsonl", [{"id": "T1", "text": "card blocked"}, {"id": "T2", "text": "two"}])
    opts = IngestOptions(id_field="id", source_name="crm", on_id_conflict="version")
    first = ingest_file(ws, a, opts)
    assert (first.ingested, first.versions) == (2, 0)
    ws.create_snapshot("tickets", text="raw", allow_raw=True)
    b = write_jsonl(tmp_path / "b.jsonl", [{"id": "T1", "text": "card blocked"},          # same: duplicate
                                           {"id": "T1", "text": "card unblocked now"},    # version 2
                                           {"id": "T1", "text": "card unblocked now"},    # same update again
                                           {"id": "T1", "text": "closed"},                # version 3
                                           {"id": "T3", "text": "new ticket"}])
    res = ingest_file(ws, b, opts)
    assert (res.rows_read, res.ingested, res.duplicates, res.quarantined, res.versions) == (5, 3, 2, 0, 2)
    assert ws.count("quarantine") == 0
    texts = dict(ws.con.execute("SELECT text, doc_id FROM lake.documents").fetchall())
    assert set(texts) == {"card blocked", "two", "card unblocked now", "closed", "new ticket"}
    links = ws.con.execute("SELECT doc_id, record_doc_id, previous_doc_id, version FROM lake.record_versions "
                           "ORDER BY version").fetchall()
    v1 = texts["card blocked"]
    assert links == [(texts["card unblocked now"], v1, v1, 2), (texts["closed"], v1, texts["card unblocked now"], 3)]
    # Ingesting the same updates again adds nothing; a later file's update continues the chain.
    again = ingest_file(ws, b, opts)
    assert (again.ingested, again.duplicates, again.versions) == (0, 5, 0)
    c = write_jsonl(tmp_path / "c.jsonl", [{"id": "T1", "text": "reopened"}])
    assert ingest_file(ws, c, opts).versions == 1
    last = ws.con.execute("SELECT previous_doc_id, version FROM lake.record_versions ORDER BY version DESC").fetchone()
    assert last == (texts["closed"], 4)
    ws.create_snapshot("tickets", text="raw", allow_raw=True)
    d = ws.diff("tickets@1", "tickets@2")
    assert (d["added"], d["removed"], d["updated"]) == (4, 0, 3)
    assert {u["doc_id"] for u in d["samples"]["updated"]} == {texts["card unblocked now"], texts["closed"],
                                                            ws.con.execute("SELECT doc_id FROM lake.documents WHERE "
                                                                           "text = 'reopened'").fetchone()[0]}


def test_unknown_id_conflict_choice_is_a_clear_error(ws, tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", [{"id": "T1", "text": "x"}])
    with pytest.raises(CurateError, match="on_id_conflict"):
        ingest_file(ws, a, IngestOptions(id_field="id", on_id_conflict="merge"))


# Each line with the reason or the fields a reader of the shapes in schemas/document.schema.json expects,
# written by hand: the single-parse prepare SQL must give exactly these (types, shapes, nulls, numbers).
_NO_SFT = "schema violation: SFT record needs string instruction and output (input optional)"
_BAD_CHAT = ("schema violation: messages must be a non-empty array of {role, content} with role "
             "system/user/assistant/tool")
_SHAPE_CASES = [
    ('{"text": "plain", "n": 1.10, "big": 123456789012345678901234567890, "e": 1E5, "z": -0.0}',
     ("plain", None, None, None, None, '{"n":1.10,"big":123456789012345678901234567890,"e":1E5,"z":-0.0}')),
    ('{"text": null, "instruction": "i", "output": "o"}', "missing text: field 'text' is null"),
    ('{"text": 5}', "schema violation: field 'text' is a number, expected a string"),
    ('{"text": -1.5e3}', "schema violation: field 'text' is a number, expected a string"),
    ('{"text": false}', "schema violation: field 'text' is boolean, expected a string"),
    ('{"text": {"x": 1}}', "schema violation: field 'text' is object, expected a string"),
    ('{"text": ["x"]}', "schema violation: field 'text' is array, expected a string"),
    ('{"instruction": "do", "input": "", "output": "done", "k": "v"}', ("do\n\ndone", "do", "", "done", None, '{"k":"v"}')),
    ('{"instruction": "do", "input": null, "output": "done"}', ("do\n\ndone", "do", None, "done", None, "{}")),
    ('{"output": "only output"}', ("only output", None, None, "only output", None, "{}")),
    ('{"instruction": 3, "output": "done"}', _NO_SFT),
    ('{"instruction": "no out"}', _NO_SFT),
    ('{"instruction": "i", "input": 4, "output": "o"}', _NO_SFT),
    ('{"messages": [{"role": "user", "content": "hi", "name": "u1"}, {"role": "assistant", "content": "yo"}], "w": 0.50}',
     ("hi\nyo", None, None, None, '[{"role":"user","content":"hi","name":"u1"},{"role":"assistant","content":"yo"}]',
      '{"w":0.50}')),
    ('{"messages": []}', _BAD_CHAT),
    # Issue 13: an unknown role is named, with the roles accepted.
    ('{"messages": [{"role": "boss", "content": "x"}]}',
     "schema violation: messages with unknown role 'boss' (accepted: system, user, assistant, tool, or an alias: "
     "developer, human, customer, prompter, gpt, chatgpt, bot, model, agent, function, observation, ipython; any case)"),
    ('{"messages": [{"role": "user"}]}', _BAD_CHAT),
    ('{"messages": "nope"}', _BAD_CHAT),
    ('[1, 2]', "schema violation: record is a JSON array, not an object"),
    # JSON's own type names, not DuckDB's ("a JSON varchar", "a JSON ubigint").
    ('"just a string"', "schema violation: record is a JSON string, not an object"),
    ('42', "schema violation: record is a JSON number, not an object"),
    ('-4.5', "schema violation: record is a JSON number, not an object"),
    ('true', "schema violation: record is a JSON boolean, not an object"),
    ('null', "schema violation: record is a JSON null, not an object"),
    ('{"other": 1}', "missing text field 'text' (and no instruction/output, messages, conversations or "
                     "prompt/completion)"),
    ('{"text": "\\u00a0 \\u200b"}', "empty text"),
    ('{"text": "esc \\"q\\" \\\\ \\u0915", "m": {"v": [1, 2.50, "3.10"]}}',
     ('esc "q" \\ क', None, None, None, None, '{"m":{"v":[1,2.50,"3.10"]}}')),
]


def test_each_record_shape_from_one_parse_gives_the_expected_fields_and_reasons(ws, tmp_path):
    """Every field (text, SFT, chat, id) comes from one parse of the record; numbers in meta stay as written."""
    path = tmp_path / "shapes.jsonl"
    path.write_text("\n".join(line for line, _ in _SHAPE_CASES) + "\n", encoding="utf-8")
    check_cases(ws, path, _SHAPE_CASES)


def test_id_field_is_read_from_the_same_parse(ws, tmp_path):
    path = tmp_path / "ids.jsonl"
    path.write_text('{"text": "a", "id": 7}\n{"text": "b", "id": "7"}\n{"text": "c", "id": null}\n'
                    '{"instruction": "i", "output": "o", "id": "x"}\n', encoding="utf-8")
    res = ingest_file(ws, path, IngestOptions(id_field="id"))
    # 7 and "7" are the same id (its text), so the second is a conflict; a null id falls back to line + content.
    assert (res.ingested, res.quarantined) == (3, 1)
    reason = ws.con.execute("SELECT source_row, reason FROM lake.quarantine").fetchone()
    assert reason == (2, "id conflict: id already ingested with different content")


def test_raw_numbers_puts_back_the_numbers_as_written():
    from curate.ingest.ingest import raw_numbers

    assert raw_numbers('{"a":1.1,"b":[100000.0,"1.5"]}', '{"text": "x 2.0", "a": 1.10, "b": [1E5, "1.5"]}',
                       '{"text": null}') == '{"a":1.10,"b":[1E5,"1.5"]}'
    # Numbers inside a dropped field are skipped; a record whose numbers do not line up keeps meta as given.
    assert raw_numbers('{"k":2.5}', '{"messages": [{"n": 1.0}], "k": 2.50}', '{"messages": null}') == '{"k":2.50}'
    assert raw_numbers('{"k":2.5}', '{"k": 1.0, "k": 2.50}', '{"text": null}') == '{"k":2.50}'
    assert raw_numbers('{"k":2.5,"j":1.0}', '{"k": 2.50}', '{"text": null}') == '{"k":2.5,"j":1.0}'
