import json

from click.testing import CliRunner

from curate.cli.main import cli


def _write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


def test_file_mode_keeps_columns_and_order(tmp_path):
    src, dst = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    rows = [{"id": i, "body": t, "n": i * 2} for i, t in enumerate(
        ["mera naam Rahul Sharma hai", "Order 9876543210 for Rs 500", "PAN ABCPD1234K"])]
    _write(src, rows)
    res = CliRunner().invoke(cli, ["pii", str(src), "--output", str(dst), "--text-field", "body", "--nlp", "none",
                                   "--workers", "1", "--json"])
    assert res.exit_code == 0, res.output
    out = [json.loads(line) for line in dst.read_text().splitlines()]
    assert [r["id"] for r in out] == [0, 1, 2] and [r["n"] for r in out] == [0, 2, 4]
    assert "Rahul" not in out[0]["body"] and out[1]["body"] == rows[1]["body"] and out[2]["body"] == "PAN <IN_PAN>"
    spans = json.loads(out[2]["pii"])
    assert spans[0]["type"] == "IN_PAN" and rows[2]["body"][spans[0]["start"]:spans[0]["end"]] == "ABCPD1234K"


def test_scan_reports_without_writing(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text("text\nPAN ABCPD1234K\nhello\n")
    res = CliRunner().invoke(cli, ["pii", "scan", str(src), "--nlp", "none", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["by_type"] == {"IN_PAN": 1} and data["rows"] == 2
    assert src.read_text() == "text\nPAN ABCPD1234K\nhello\n"


def test_decrypt_command_round_trip(tmp_path, monkeypatch):
    monkeypatch.setenv("CURATE_PII_ENC_KEY", "enc-key-for-tests-0123456789")
    src, enc, dec, pol = (tmp_path / n for n in ("in.jsonl", "enc.jsonl", "dec.jsonl", "p.yaml"))
    pol.write_text("default: {operator: encrypt}\n")
    _write(src, [{"text": "phone 9876543210 and PAN ABCPD1234K"}])
    r1 = CliRunner().invoke(cli, ["pii", str(src), "-o", str(enc), "--policy", str(pol), "--nlp", "none", "--workers", "1"])
    assert r1.exit_code == 0, r1.output
    assert "9876543210" not in enc.read_text()
    r2 = CliRunner().invoke(cli, ["pii", "decrypt", str(enc), "-o", str(dec), "--field", "text"])
    assert r2.exit_code == 0, r2.output
    assert json.loads(dec.read_text())["text"] == "phone 9876543210 and PAN ABCPD1234K"


# --- every column ---------------------------------------------------------------------------------------------
import phonenumbers  # noqa: E402
from stdnum import luhn, verhoeff  # noqa: E402
from stdnum.in_ import aadhaar  # noqa: E402

AADHAAR = "23456789012" + verhoeff.calc_check_digit("23456789012")
MOBILES = ["9845012345", "8123456789", "7012345678"]
assert aadhaar.is_valid(AADHAAR) and all(phonenumbers.is_valid_number(phonenumbers.parse(m, "IN")) for m in MOBILES)
CRM = [
    {"id": 1, "customer_name": "Rahul Sharma", "mobile": int(MOBILES[0]), "email": "rahul.s@gmail.com",
     "Aadhaar No.": f"{AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}", "comment": "card blocked", "amount": 500},
    {"id": 2, "customer_name": "Kavya Iyer", "mobile": int("91" + MOBILES[1]), "email": "kavya@yahoo.co.in",
     "Aadhaar No.": AADHAAR, "comment": f"wants refund, call {MOBILES[2]}", "amount": 1200},
]


def _run(args):
    res = CliRunner().invoke(cli, ["pii", *args, "--nlp", "none", "--workers", "1", "--json"])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def _assert_crm_anonymized(out_rows, summary, mobile=None):
    secrets = [r["customer_name"] for r in CRM] + [r["email"] for r in CRM] + MOBILES + [AADHAAR, AADHAAR[:4] + " "]
    blob = json.dumps(out_rows, ensure_ascii=False)
    for s in secrets:
        assert s not in blob, s
    assert [str(r["id"]) for r in out_rows] == ["1", "2"] and [str(r["amount"]) for r in out_rows] == ["500", "1200"]
    # A JSON number column stays numbers: a phone replaced by a placeholder is null there (the `pii` column says
    # what stood there); a CSV column is text and takes the placeholder.
    assert [r["mobile"] for r in out_rows] == [mobile] * 2 and [r["Aadhaar No."] for r in out_rows] == ["<IN_AADHAAR>"] * 2
    assert summary["by_column"]["customer_name"] == {"PERSON": 2} and summary["by_column"]["mobile"] == {"IN_PHONE": 2}
    assert summary["by_column"]["email"] == {"EMAIL_ADDRESS": 2} and summary["by_column"]["Aadhaar No."] == {"IN_AADHAAR": 2}
    # CSV values are read as text (identifiers keep their leading zeros), so a CSV's amount column is scanned
    # like any string column; what matters is that it is not taken for an identifier column and stays intact.
    assert summary["by_column"]["comment"] == {"IN_PHONE": 1} and "amount" not in summary["columns_by_identity"]
    assert summary["not_covered"] == 0 and all(r["pii_covered"] for r in out_rows)


def test_crm_jsonl_every_column_is_anonymized(tmp_path):
    src, dst = tmp_path / "crm.jsonl", tmp_path / "out.jsonl"
    _write(src, CRM)
    summary = _run([str(src), "-o", str(dst)])
    _assert_crm_anonymized([json.loads(x) for x in dst.read_text().splitlines()], summary)


def test_crm_csv_every_column_is_anonymized(tmp_path):
    import csv

    src, dst = tmp_path / "crm.csv", tmp_path / "out.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(CRM[0]))
        w.writeheader()
        w.writerows(CRM)
    summary = _run([str(src), "-o", str(dst)])
    with open(dst, encoding="utf-8") as fh:
        _assert_crm_anonymized(list(csv.DictReader(fh)), summary, mobile="<IN_PHONE>")
    scan = _run(["scan", str(src)])
    assert scan["entities"] == summary["entities"] and scan["by_column"] == summary["by_column"]


def test_numeric_columns_identified_by_their_values(tmp_path):
    # Unnamed columns: valid Indian mobiles (phonenumbers), Aadhaar (stdnum Verhoeff), cards (stdnum Luhn); a column
    # of ordinary numbers is left alone.
    card = "4111111111111111"
    assert luhn.is_valid(card)
    rows = [{"c1": int(m), "c2": int(AADHAAR), "c3": int(card), "c4": 1000 + i} for i, m in enumerate(MOBILES)]
    src, dst = tmp_path / "n.jsonl", tmp_path / "o.jsonl"
    _write(src, rows)
    summary = _run([str(src), "-o", str(dst)])
    assert summary["columns_by_identity"] == {"c1": "IN_PHONE", "c2": "IN_AADHAAR", "c3": "CREDIT_CARD"}
    out = [json.loads(x) for x in dst.read_text().splitlines()]
    # Number columns keep their type: the placeholder cannot be a number, so the values are null.
    assert [r["c4"] for r in out] == [1000, 1001, 1002] and all(r[c] is None for r in out for c in ("c1", "c2", "c3"))


def test_sft_and_chat_files_without_a_text_column(tmp_path):
    sft, chat = tmp_path / "sft.jsonl", tmp_path / "chat.jsonl"
    _write(sft, [{"instruction": "Customer Asha Verma, PAN AFZPK7190K", "input": "", "output": f"Call {MOBILES[0]}"}])
    _write(chat, [{"messages": [{"role": "user", "content": f"mera naam Rahul Sharma hai, phone {MOBILES[1]}"},
                                {"role": "assistant", "content": "Ji, note kar liya"}],
                   "meta": {"cust.mobile": int(MOBILES[2]), "Aadhaar No.": AADHAAR}}])
    s1 = _run([str(sft), "-o", str(tmp_path / "o1.jsonl")])
    o1 = json.loads((tmp_path / "o1.jsonl").read_text())
    assert "Asha" not in o1["instruction"] and "<IN_PAN>" in o1["instruction"] and o1["output"] == "Call <IN_PHONE>"
    assert set(s1["by_column"]) == {"instruction", "output"}
    s2 = _run([str(chat), "-o", str(tmp_path / "o2.jsonl")])
    o2 = json.loads((tmp_path / "o2.jsonl").read_text())
    assert "Rahul" not in o2["messages"][0]["content"] and "<IN_PHONE>" in o2["messages"][0]["content"]
    assert o2["meta"] == {"cust.mobile": None, "Aadhaar No.": "<IN_AADHAAR>"}  # a number stays a number (or null)
    assert s2["by_column"] == {"messages": {"PERSON": 1, "IN_PHONE": 1}, "meta": {"IN_PHONE": 1, "IN_AADHAAR": 1}}


def test_held_back_rows_are_counted_by_reason(tmp_path):
    src = tmp_path / "t.jsonl"
    _write(src, [{"text": "Меня зовут Иван Петров"}, {"text": "నా ఫోన్ నంబర్ " + MOBILES[0]}, {"text": "ok"}])
    summary = _run(["scan", str(src)])
    assert summary["not_covered"] == 1 and summary["not_covered_by_reason"] == {"script:Cyrl": 1}


def test_explicit_missing_text_field_is_a_user_error(tmp_path):
    src = tmp_path / "t.jsonl"
    _write(src, [{"body": "x"}])
    res = CliRunner().invoke(cli, ["pii", "scan", str(src), "--text-field", "text", "--nlp", "none"])
    from curate.errors import CurateError

    assert isinstance(res.exception, CurateError) and "no column 'text'" in str(res.exception)


def test_non_text_columns_keep_their_type(tmp_path):
    """Number, big-integer, mixed and nested columns come out as they went in (hand-written rows): a number that
    held PII is null under a placeholder policy and a valid number of the same kind under pseudonyms."""
    import pyarrow.parquet as pq

    big = 123456789012345678901234567890  # beyond int64: read as a mixed (JSON text) column
    assert not any(luhn.is_valid(str(v)) or verhoeff.is_valid(str(v)) for v in (4000000000000001, 3000000000000008))
    rows = [
        {"text": "hello", "order_id": 4000000000000001, "mixed": int(MOBILES[0]), "big": big, "meta": {"n": 3, "cust_mobile": int(MOBILES[1])}},
        {"text": "hi", "order_id": 3000000000000008, "mixed": "abc", "big": big + 1, "meta": {"n": 4, "cust_mobile": int(MOBILES[2])}},
    ]
    src = tmp_path / "in.jsonl"
    _write(src, rows)
    for dst in (tmp_path / "o.jsonl", tmp_path / "o.parquet"):
        _run([str(src), "-o", str(dst)])
        out = [json.loads(x) for x in dst.read_text().splitlines()] if dst.suffix == ".jsonl" else pq.read_table(dst).to_pylist()
        assert [r["order_id"] for r in out] == [4000000000000001, 3000000000000008]  # no check digit passes (stdnum)
        assert [r["meta"]["n"] for r in out] == [3, 4] and [r["meta"]["cust_mobile"] for r in out] == [None, None]
        if dst.suffix == ".jsonl":
            assert [r["mixed"] for r in out] == [None, "abc"] and [r["big"] for r in out] == [big, big + 1]
    pol = tmp_path / "p.yaml"
    pol.write_text("default: {operator: pseudonym}\n")
    _run([str(src), "-o", str(tmp_path / "p.jsonl"), "--policy", str(pol)])
    out = [json.loads(x) for x in (tmp_path / "p.jsonl").read_text().splitlines()]
    fakes = [out[0]["mixed"], out[0]["meta"]["cust_mobile"], out[1]["meta"]["cust_mobile"]]
    assert all(isinstance(f, int) and str(f) not in MOBILES for f in fakes)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(str(f), "IN")) for f in fakes)
