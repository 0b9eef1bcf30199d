"""PII in JSON keys: a metadata object keyed by phone number, Aadhaar or customer name (a CRM export's
``{"calls": {"9845012345": …, "Ravi Kumar": …}}``) had its values anonymized and its keys passed through, into
``pii_meta``, anonymized snapshots and exports, and into the field paths of ``pii_entities``/``pii_inserted``.

Every identifier is made valid by an outside oracle (libphonenumber, python-stdnum's Verhoeff)."""

import json

import phonenumbers
import pyarrow as pa
import pyarrow.parquet as pq
from click.testing import CliRunner
from stdnum import verhoeff
from stdnum.in_ import aadhaar

from curate.cli.main import cli
from curate.pii.fields import KeyOf, field_strings, parse_path, path_str
from curate.pii.stage import PiiConfig, pii_batch
from tests.conftest import write_jsonl

PHONE, PHONE2 = "9845012345", "9123456780"
for _p in (PHONE, PHONE2):
    assert phonenumbers.is_valid_number(phonenumbers.parse(_p, "IN"))
AADHAAR = "23456789012" + verhoeff.calc_check_digit("23456789012")
assert aadhaar.is_valid(AADHAAR)
NAME = "Ravi Kumar"
CFG = PiiConfig(nlp="none")
META = {"calls": {PHONE: "asked for a refund", NAME: "escalated", AADHAAR: "kyc done", "total": 3}}


def _anon(meta):
    return pii_batch(pa.table({"text": ["customer called"], "meta": [json.dumps(meta, ensure_ascii=False)]}),
                     CFG).to_pylist()[0]


def test_keys_holding_pii_are_renamed_and_their_values_kept():
    row = _anon(META)
    out = json.loads(row["pii_meta"])["calls"]
    blob = json.dumps(row, ensure_ascii=False)
    for raw in (PHONE, AADHAAR, "Ravi", "Kumar"):
        assert raw not in blob  # not in pii_meta, nor in a field path of pii_entities / pii_inserted
    assert out["<IN_PHONE>"] == "asked for a refund" and out["<IN_AADHAAR>"] == "kyc done" and out["total"] == 3
    assert "escalated" in out.values() and len(out) == 4  # the name's key is a pseudonym; no value lost
    # the key's order is kept
    assert list(out)[0] == "<IN_PHONE>" and list(out)[2] == "<IN_AADHAAR>" and list(out)[3] == "total"
    ents = json.loads(row["pii_entities"])
    assert {e["type"] for e in ents} >= {"IN_PHONE", "IN_AADHAAR", "PERSON"}
    assert any(e["field"] == 'meta.calls{"<IN_PHONE>"}' for e in ents)


def test_two_keys_that_anonymize_alike_keep_both_values():
    row = _anon({"calls": {PHONE: "first", PHONE2: "second"}})
    out = json.loads(row["pii_meta"])["calls"]
    assert sorted(out.values()) == ["first", "second"]
    assert PHONE not in row["pii_meta"] and PHONE2 not in row["pii_meta"]
    assert set(out) == {"<IN_PHONE>", "<IN_PHONE>~2"}


def test_a_value_under_a_pii_key_is_found_and_its_path_quotes_no_raw_key():
    row = _anon({NAME: {"mobile": PHONE, "note": f"call back on {PHONE2}"}})
    assert PHONE not in json.dumps(row) and PHONE2 not in json.dumps(row) and "Ravi" not in json.dumps(row)
    fields = [e["field"] for e in json.loads(row["pii_entities"]) + json.loads(row["pii_inserted"])]
    assert fields and all("Ravi" not in f for f in fields)


def test_ordinary_keys_and_function_schemas_are_left_alone():
    meta = {"customer_name": NAME, "order_id": "T-1001",
            "tools": [{"type": "function", "function": {"name": "get_balance",
                                                        "parameters": {"properties": {"phone": {"type": "string"}}}}}]}
    out = json.loads(_anon(meta)["pii_meta"])
    assert list(out) == ["customer_name", "order_id", "tools"]
    assert out["tools"][0]["function"]["parameters"]["properties"] == {"phone": {"type": "string"}}


def test_key_paths_round_trip_and_the_audit_reads_keys():
    p = ("meta", "calls", KeyOf('a "key"'))
    assert path_str(p) == 'meta.calls{"a \\"key\\""}' and parse_path(path_str(p)) == p
    assert parse_path(path_str(p)) != ("meta", "calls", 'a "key"')  # a key's path is not its value's path
    strings = dict(field_strings("meta", json.dumps({"calls": {PHONE: "x"}}), as_json=True))
    assert strings['meta.calls{"9845012345"}'] == PHONE and strings['meta.calls["9845012345"]'] == "x"


def test_file_mode_struct_and_map_columns_with_pii_keys(tmp_path):
    src, dst = tmp_path / "in.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.table({
        "text": ["a", "b"],
        "phones": pa.array([{PHONE: "home"}, {PHONE: "office"}]),  # a struct whose field name is a phone number
        "calls": pa.array([[(PHONE2, "home"), (NAME, "x")], [("phone", PHONE)]], pa.map_(pa.string(), pa.string())),
    }), src)
    res = CliRunner().invoke(cli, ["pii", str(src), "--output", str(dst), "--nlp", "none", "--workers", "1"])
    assert res.exit_code == 0, res.output
    blob = dst.read_bytes()
    for raw in (PHONE, PHONE2, b"Ravi"):
        assert (raw.encode() if isinstance(raw, str) else raw) not in blob
    out = pq.read_table(dst).to_pylist()
    assert json.loads(out[0]["phones"]) == {"<IN_PHONE>": "home"}  # the struct's field names were PII: JSON text
    assert out[1]["calls"] == [("phone", "<IN_PHONE>")] and out[0]["calls"][0] == ("<IN_PHONE>", "home")


def test_workspace_keys_never_reach_snapshots_or_exports(ws, tmp_path):
    src = write_jsonl(tmp_path / "calls.jsonl", [{"text": "customer called about the refund", "meta": META}])
    ws.ingest([src])
    ws.run_stage("pii", {"nlp": "none"}, workers=1)
    ws.create_snapshot("anon")
    snap = json.dumps(ws.snapshot("anon@1").table().to_pylist(), default=str, ensure_ascii=False)
    out = tmp_path / "exp"
    ws.export("anon", "jsonl", out, contamination="ignore", allow_unapproved=True, with_signals=True)
    blobs = [snap.encode()] + [f.read_bytes() for f in out.rglob("*") if f.is_file()]
    for raw in (PHONE, AADHAAR, "Ravi Kumar"):
        assert not any(raw.encode() in b for b in blobs), raw
    assert any(b"asked for a refund" in b for b in blobs[1:])


def test_crm_header_keys_are_labels_not_names():
    # Role word + capitalised word is how a CRM names its columns; renaming them would break every record.
    meta = {"Customer Feedback": "good", "Agent Notes": "called twice", "Customer Name": NAME, "Manager Comments": "ok",
            "Customer Ravi": "a key that does hold a name after the role word"}
    out = json.loads(_anon(meta)["pii_meta"])
    assert list(out)[:4] == ["Customer Feedback", "Agent Notes", "Customer Name", "Manager Comments"]
    assert "Customer Ravi" not in out and out["Customer Name"] != NAME


def test_tool_call_parameter_names_stay_but_data_keys_inside_arguments_are_scanned():
    args = {"name": NAME, "contacts": {PHONE: "home"}}
    chat = [{"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "save_contacts", "arguments": json.dumps(args)}}]}]
    row = pii_batch(pa.table({"text": ["x"], "messages": [json.dumps(chat)]}), CFG).to_pylist()[0]
    out = json.loads(json.loads(row["pii_messages"])[0]["tool_calls"][0]["function"]["arguments"])
    assert list(out) == ["name", "contacts"] and out["contacts"] == {"<IN_PHONE>": "home"}
    assert PHONE not in row["pii_messages"] and PHONE not in row["pii_entities"] + row["pii_inserted"]
