"""A CRM export's bare identifier columns (no context words in the values), in file mode and through the
workspace (ingest → pii → snapshot → export). Valid values come from python-stdnum / phonenumbers or are
published sample values; their invalid-checksum look-alikes follow the documented policy: a value in a column
named for an identifier is replaced whole (a mistyped Aadhaar in an ``aadhaar`` column is still someone's), while
a short number or an amount stays."""

import csv
import json
import random

import phonenumbers
from click.testing import CliRunner
from stdnum import verhoeff
from stdnum.in_ import aadhaar, epic, pan

from curate.cli.main import cli

RNG = random.Random(11)
UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _aadhaar():
    while True:
        base = str(RNG.randint(2, 9)) + "".join(str(RNG.randint(0, 9)) for _ in range(10))
        if aadhaar.is_valid(base + verhoeff.calc_check_digit(base)):
            return base + verhoeff.calc_check_digit(base)


def _mobile():
    while True:
        n = RNG.choice("6789") + "".join(str(RNG.randint(0, 9)) for _ in range(9))
        if phonenumbers.is_valid_number(phonenumbers.parse(n, "IN")):
            return n


def _pan():
    while True:
        p = "".join(RNG.choice(UPPER) for _ in range(3)) + "P" + RNG.choice(UPPER) + f"{RNG.randint(0, 9999):04d}" + RNG.choice(UPPER)
        if pan.is_valid(p):
            return p


def _epic():
    while True:
        base = "".join(RNG.choice(UPPER) for _ in range(3)) + f"{RNG.randint(0, 999999):06d}"
        ok = [base + c for c in "0123456789" if epic.is_valid(base + c)]
        if ok:
            return ok[0]


def _bad(value, valid):
    """The value with its last digit changed until the outside validator rejects it."""
    for d in "0123456789":
        v = value[:-1] + d
        if not valid(v):
            return v
    raise AssertionError(value)


def _rows():
    rows = []
    for i in range(3):
        rows.append({"comment": "Customer asked about the refund status.", "pan": _pan(), "aadhaar": _aadhaar(),
                     "aadhaar_no": _aadhaar(), "mobile": _mobile(), "phone": "+91 " + _mobile(),
                     "email": f"cust{i}.kumar@example.co.in", "dob": f"{1980 + i}-03-14",
                     "account_no": f"5010012345678{i}", "ifsc": "SBIN0000300",  # SBI's published Mumbai main branch
                     "voter_id": _epic(), "passport": "J8369854",  # the specimen number of India's passport page
                     "dl_no": "MH14 20110062821",  # the Sarathi format's published example
                     "upi": f"cust{i}kumar@okaxis"})
    look = dict(rows[0])
    look.update(aadhaar=_bad(rows[0]["aadhaar"], aadhaar.is_valid), aadhaar_no=_bad(rows[0]["aadhaar_no"], aadhaar.is_valid),
                voter_id=_bad(rows[0]["voter_id"], epic.is_valid), mobile="1111122222", phone="5555555555")
    assert not any(phonenumbers.is_valid_number(phonenumbers.parse(look[c], "IN")) for c in ("mobile", "phone"))
    rows.append(look)
    return rows


ID_COLUMNS = ["pan", "aadhaar", "aadhaar_no", "mobile", "phone", "email", "dob", "account_no", "ifsc", "voter_id",
              "passport", "dl_no", "upi"]


def _write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def test_bare_crm_columns_in_file_mode(tmp_path):
    rows = _rows()
    src, dst = _write(tmp_path / "crm.csv", rows), tmp_path / "out.csv"
    res = CliRunner().invoke(cli, ["pii", str(src), "--output", str(dst), "--text-field", "comment", "--nlp", "none",
                                   "--workers", "1"])
    assert res.exit_code == 0, res.output
    out = list(csv.DictReader(open(dst, encoding="utf-8")))
    blob = dst.read_text(encoding="utf-8")
    for r, o in zip(rows, out):
        for c in ID_COLUMNS:
            assert o[c] != r[c] and o[c].startswith("<"), (c, o[c])
            assert r[c] not in blob, c


def test_bare_crm_columns_through_the_workspace(ws, tmp_path):
    rows = _rows()
    src = _write(tmp_path / "crm.csv", rows)
    ws.ingest([src], text_field="comment")
    ws.run_stage("pii", {"nlp": "none"}, workers=1)
    ws.create_snapshot("anon")
    out = tmp_path / "exp"
    ws.export("anon", "jsonl", out, contamination="ignore", allow_unapproved=True, with_signals=True)
    exported = [json.loads(line) for p in sorted(out.glob("*.jsonl")) for line in p.read_text().splitlines()]
    blob = "\n".join(p.read_text() for p in out.glob("*.jsonl"))
    assert len(exported) == len(rows)
    for r in rows:
        for c in ID_COLUMNS:
            assert r[c] not in blob, c
    for e in exported:
        meta = json.loads(e["meta"])
        assert all(str(meta[c]).startswith("<") for c in ID_COLUMNS), meta


def test_identifiers_a_spreadsheet_wrote_as_floats(tmp_path):
    """Excel writes a phone column as 9845012345.0 or 9.845012345E+09; the '.0' made it read as an amount."""
    mobile, aadhaar_no = _mobile(), _aadhaar()
    src, dst = tmp_path / "xl.csv", tmp_path / "out.csv"
    src.write_text(f"comment,mobile,aadhaar,notes\nhi,{mobile}.0,{aadhaar_no}.0,call {mobile}.0\n"
                   f"yo,{mobile[0]}.{mobile[1:]}E+09,1500.50,amount 1500000.00\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["pii", str(src), "--output", str(dst), "--text-field", "comment", "--nlp", "none",
                                   "--workers", "1"])
    assert res.exit_code == 0, res.output
    out = list(csv.DictReader(open(dst, encoding="utf-8")))
    assert out[0]["mobile"] == "<IN_PHONE>" and out[0]["aadhaar"] == "<IN_AADHAAR>" and mobile not in out[0]["notes"]
    assert out[1]["mobile"] == "<IN_PHONE>"
    assert out[1]["aadhaar"] == "1500.50" and out[1]["notes"] == "amount 1500000.00"  # amounts stay
