"""Identifiers stored as JSON numbers: scanned as their written digits in every field, metadata object and
file column, replaced like a string match (in the stage's JSON text the value becomes the placeholder string; in
file mode a number column stays numbers, the replaced value null); counts, amounts and numbers whose check digit
fails stay numbers. Expected checksums come from python-stdnum."""

import csv
import json

import pyarrow as pa
from click.testing import CliRunner
from stdnum import luhn, verhoeff
from stdnum.in_ import aadhaar

from curate.cli.main import cli
from curate.pii.stage import PiiConfig, pii_batch

AADHAAR = 234567890124
CARD = 4111111111111111  # the published Visa test number
BAD_AADHAAR = 234567890125
assert aadhaar.is_valid(str(AADHAAR)) and luhn.is_valid(str(CARD)) and not aadhaar.is_valid(str(BAD_AADHAAR))
# Another Aadhaar with stdnum's own check digit, and a 19-digit RuPay-style card written as a bare number.
AADHAAR2 = int("98765432109" + verhoeff.calc_check_digit("98765432109"))
CARD19 = int("622126000000000123" + luhn.calc_check_digit("622126000000000123"))
assert aadhaar.is_valid(str(AADHAAR2)) and luhn.is_valid(str(CARD19))
CFG = PiiConfig(nlp="none")


def test_numbers_in_meta_are_scanned_whatever_the_key():
    meta = {"val": AADHAAR, "nested": {"deep": [CARD, 7]}, "ref": AADHAAR2, "big": CARD19,
            "amount": 1.10, "count": 2, "bad": BAD_AADHAAR}
    row = pii_batch(pa.table({"text": ["customer called"], "meta": [json.dumps(meta)]}), CFG).to_pylist()[0]
    out = json.loads(row["pii_meta"])
    assert out["val"] == "<IN_AADHAAR>" and out["ref"] == "<IN_AADHAAR>"
    assert out["nested"]["deep"] == ["<CREDIT_CARD>", 7] and out["big"] == "<CREDIT_CARD>"
    assert out["amount"] == 1.10 and out["count"] == 2 and out["bad"] == BAD_AADHAAR
    for n in (AADHAAR, CARD, AADHAAR2, CARD19):
        assert str(n) not in row["pii_meta"]
    fields = {e["field"]: e["type"] for e in json.loads(row["pii_entities"])}
    assert fields == {"meta.val": "IN_AADHAAR", "meta.nested.deep[0]": "CREDIT_CARD", "meta.ref": "IN_AADHAAR",
                      "meta.big": "CREDIT_CARD"}


def test_parsed_meta_objects_too():
    row = pii_batch(pa.table({"text": ["x"], "meta": [json.dumps({"k": [{"v": AADHAAR}]})]}), CFG).to_pylist()[0]
    assert json.loads(row["pii_meta"]) == {"k": [{"v": "<IN_AADHAAR>"}]}


def _run(tmp_path, rows):
    src, dst = tmp_path / "F.jsonl", tmp_path / "out.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    res = CliRunner().invoke(cli, ["pii", "run", str(src), "-o", str(dst), "--nlp", "none", "--workers", "1", "--json"])
    assert res.exit_code == 0, res.output
    return [json.loads(x) for x in dst.read_text().splitlines()]


def test_file_mode_numeric_columns_with_a_few_identifiers(tmp_path):
    # Too few identifiers for the column to be typed by its values: each value is still scanned.
    rows = [{"text": "hello", "val": AADHAAR, "amount": 1.10, "count": 2, "bad": BAD_AADHAAR},
            {"text": "hi", "val": CARD, "amount": 2.5, "count": 3, "bad": 5},
            {"text": "yo", "val": 17, "amount": 3.0, "count": 4, "bad": 6}]
    out = _run(tmp_path, rows)
    # The column keeps its type (it used to become text): a number replaced by a placeholder is null, and the
    # `pii` column says what stood there.
    assert [r["val"] for r in out] == [None, None, 17]
    assert [r["amount"] for r in out] == [1.10, 2.5, 3.0] and [r["count"] for r in out] == [2, 3, 4]
    assert [r["bad"] for r in out] == [BAD_AADHAAR, 5, 6]
    assert [json.loads(r["pii"])[0]["type"] if json.loads(r["pii"]) else None for r in out] == [
        "IN_AADHAAR", "CREDIT_CARD", None]


def test_file_mode_nested_numbers(tmp_path):
    out = _run(tmp_path, [{"text": "a", "meta": {"x": {"y": [AADHAAR, 5]}, "n": CARD}},
                          {"text": "b", "meta": {"x": {"y": [1]}, "n": 3}}])
    dumped = json.dumps(out)
    assert str(AADHAAR) not in dumped and str(CARD) not in dumped
    # Numbers inside a nested column stay numbers (null once replaced by a placeholder); `pii` names them.
    assert [r["meta"] for r in out] == [{"x": {"y": [None, 5]}, "n": None}, {"x": {"y": [1]}, "n": 3}]
    assert {e["field"]: e["type"] for e in json.loads(out[0]["pii"])} == {"meta.x.y[0]": "IN_AADHAAR",
                                                                          "meta.n": "CREDIT_CARD"}


# ------------------------------------------------------------------ columns named for an identifier
def test_name_typed_values_are_typed_by_their_format(tmp_path):
    from stdnum.in_ import pan

    pan_no = "AFZPK7190K"
    assert pan.is_valid(pan_no)
    bad = str(BAD_AADHAAR)  # a mistyped Aadhaar in an Aadhaar column is still someone's Aadhaar (fail closed)
    meta = [{"pan_aadhaar": pan_no}, {"pan_aadhaar": str(AADHAAR)}, {"pan_aadhaar": f"PAN {pan_no}"},
            {"pan_aadhaar": bad}, {"pan_aadhaar": "1.10"}, {"pan_aadhaar": "00012"}, {"pan_aadhaar": 7}]
    rows = pii_batch(pa.table({"text": ["x"] * len(meta), "meta": [json.dumps(m) for m in meta]}), CFG).to_pylist()
    got = [json.loads(r["pii_meta"])["pan_aadhaar"] for r in rows]
    assert got == ["<IN_PAN>", "<IN_AADHAAR>", "<IN_PAN>", "<IN_AADHAAR>", "1.10", "00012", 7]
    # file mode, a CSV column of the same values
    src, dst = tmp_path / "p.csv", tmp_path / "p.out.csv"
    src.write_text("id,pan_aadhaar\n" + "".join(f"{i},{m['pan_aadhaar']}\n" for i, m in enumerate(meta[:5])))
    res = CliRunner().invoke(cli, ["pii", "run", str(src), "-o", str(dst), "--nlp", "none", "--workers", "1", "--json"])
    assert res.exit_code == 0, res.output
    with open(dst, encoding="utf-8", newline="") as fh:
        col = [r["pan_aadhaar"] for r in csv.DictReader(fh)]
    assert col == ["<IN_PAN>", "<IN_AADHAAR>", "<IN_PAN>", "<IN_AADHAAR>", "1.10"]


def test_rewritten_meta_keeps_other_numbers_as_written():
    raw = '{"val": 234567890124, "amount": 1.10, "rate": 2.50e1, "count": 2, "code": 12.000, "s": "1.10"}'
    row = pii_batch(pa.table({"text": ["x"], "meta": [raw]}), CFG).to_pylist()[0]
    assert row["pii_meta"] == ('{"val": "<IN_AADHAAR>", "amount": 1.10, "rate": 2.50e1, "count": 2, "code": 12.000, '
                               '"s": "1.10"}')
