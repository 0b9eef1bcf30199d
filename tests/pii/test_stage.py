"""The pii stage over every field, operators, consistency, decrypt and fail-closed behaviour."""

import json

import pyarrow as pa
import pytest

from curate.errors import CurateError
import phonenumbers
from stdnum.in_ import aadhaar, gstin
from curate.pii.stage import PiiConfig, pii_batch

AADHAAR = "248063581782"  # issue 11's example; python-stdnum accepts it
CFG = PiiConfig(nlp="none")


def run(table_dict, cfg=CFG):
    return pii_batch(pa.table(table_dict), cfg).to_pylist()


def test_sft_chat_and_meta_fields_are_anonymized():
    out = run({
        "text": ["ticket"],
        "instruction": ["Customer Priya Verma asks about PAN ABCPD1234K"],
        "input": [f"aadhaar {AADHAAR}"],
        "output": ["Call us on +91 98765 43210"],
        "messages": [json.dumps([{"role": "user", "content": "mera naam Rahul Sharma hai"},
                                 {"role": "assistant", "content": "Rahul ji, email rahul@example.com pe bhejiye"}])],
        "meta": [json.dumps({"customer_name": "Kavya", "phone": "9876543210", "order": "A-17", "nested": {"email": "x@y.in"}})],
    })[0]
    assert "Priya Verma" not in out["pii_instruction"] and "<IN_PAN>" in out["pii_instruction"]
    assert out["pii_input"] == "aadhaar <IN_AADHAAR>"
    assert out["pii_output"] == "Call us on <IN_PHONE>"
    msgs = json.loads(out["pii_messages"])
    assert "Rahul" not in msgs[0]["content"] and "<EMAIL_ADDRESS>" in msgs[1]["content"]
    meta = json.loads(out["pii_meta"])
    assert meta["customer_name"] != "Kavya" and meta["phone"] == "<IN_PHONE>" and meta["order"] == "A-17"
    assert meta["nested"]["email"] == "<EMAIL_ADDRESS>"
    ents = json.loads(out["pii_entities"])
    assert {e["field"] for e in ents} >= {"instruction", "input", "output", "messages[0].content", "meta.phone"}
    assert out["pii_count"] == len(ents) and out["pii_covered"] is True
    # offsets are over the original strings, and no entity carries the value itself
    e = next(e for e in ents if e["field"] == "input")
    assert f"aadhaar {AADHAAR}"[e["start"]:e["end"]] == AADHAAR and AADHAAR not in out["pii_entities"]


def test_pseudonyms_are_consistent_across_documents_and_batches():
    texts = ["Mera naam Rahul Sharma hai", "Call Rahul Sharma tomorrow", "मेरा नाम राहुल शर्मा है"]
    a = run({"text": texts})
    b = run({"text": list(reversed(texts))})
    fake1 = a[0]["pii_text"].removeprefix("Mera naam ").removesuffix(" hai")
    assert fake1 != "Rahul Sharma" and fake1 in a[1]["pii_text"] and fake1 in b[1]["pii_text"]
    deva = a[2]["pii_text"]
    assert "राहुल" not in deva and deva.startswith("मेरा नाम ")  # fake name in Devanagari, grammar kept
    assert all("\u0900" <= ch <= "\u097f" or ch == " " for ch in deva)


def test_pseudonym_for_identifiers_is_checksum_valid_and_keeps_format():
    cfg = PiiConfig(nlp="none", policy={"default": {"operator": "pseudonym"}})
    spaced = f"{AADHAAR[:4]} {AADHAAR[4:8]} {AADHAAR[8:]}"
    deva = spaced.translate({ord(str(i)): chr(0x966 + i) for i in range(10)})
    out = run({"text": [f"aadhaar {spaced}", f"आधार {deva}", "GSTIN 27AAPFU0939F1ZV"]}, cfg)
    fake = out[0]["pii_text"].split(" ", 1)[1]
    assert fake != spaced and len(fake) == len(spaced) and fake[4] == " " and aadhaar.is_valid(fake.replace(" ", ""))
    fake_deva = out[1]["pii_text"].split(" ", 1)[1]
    assert fake_deva.translate({0x966 + i: str(i) for i in range(10)}) == fake  # same value, Devanagari digits
    g = out[2]["pii_text"].split()[1]
    assert gstin.is_valid(g) and g[:2] == "27" and g != "27AAPFU0939F1ZV"


def test_mask_hash_and_encrypt_round_trip(monkeypatch):
    from curate.pii.operators import decrypt

    monkeypatch.setenv("CURATE_PII_ENC_KEY", "enc-key-for-tests-0123456789")
    cfg = PiiConfig(nlp="none", policy={"operators": {"IN_AADHAAR": {"operator": "mask"},
                                                      "IN_PAN": {"operator": "hash"},
                                                      "IN_PHONE": {"operator": "encrypt"},
                                                      "PERSON": {"operator": "encrypt"}}})
    text = f"Mera naam Rahul Sharma hai, aadhaar {AADHAAR}, PAN ABCPD1234K, phone 9876543210"
    out = run({"text": [text, "PAN ABCPD1234K"]}, cfg)
    anon = out[0]["pii_text"]
    assert f"XXXXXXXX{AADHAAR[-4:]}" in anon
    token = anon.split("PAN ")[1].split(",")[0]
    assert token.startswith("<IN_PAN:") and out[1]["pii_text"] == f"PAN {token}"  # keyed hash is deterministic
    assert "9876543210" not in anon and "Rahul" not in anon and "<ENC:IN_PHONE:" in anon
    assert decrypt(anon) == text.replace(AADHAAR, f"XXXXXXXX{AADHAAR[-4:]}").replace("ABCPD1234K", token)
    monkeypatch.setenv("CURATE_PII_ENC_KEY", "another-key-entirely-0123456789")
    with pytest.raises(CurateError, match="cannot decrypt"):
        decrypt(anon)


def test_encrypt_without_key_is_a_clear_error():
    cfg = PiiConfig(nlp="none", policy={"default": {"operator": "encrypt"}})
    with pytest.raises(CurateError, match="CURATE_PII_ENC_KEY"):
        run({"text": ["PAN ABCPD1234K"]}, cfg)


def test_fail_closed_only_for_scripts_and_languages_nothing_covers():
    # Urdu and Telugu are scheduled languages: anonymized, not held back. Russian and Thai text, and a row
    # declared Sinhala, have no recognizer at all: held back, with the reason.
    out = run({"text": ["میرا نام احمد ہے", "నా పేరు రాము", "Меня зовут Иван Петров", "สวัสดีครับ ผมชื่อสมชาย", "Hello there"],
               "lang": [None, "te", None, None, "si"]})
    assert [r["pii_covered"] for r in out] == [True, True, False, False, False]
    assert [r["pii_reason"] for r in out] == [None, None, "script:Cyrl", "script:Thai", "lang:si"]
    # a chat with one message in an uncovered script is held back as a whole
    chat = run({"text": ["x"], "messages": [json.dumps([{"role": "user", "content": "hi"},
                                                       {"role": "user", "content": "Меня зовут Иван, телефон"}])]})
    assert chat[0]["pii_covered"] is False and chat[0]["pii_reason"] == "script:Cyrl"


def test_policy_errors_are_user_errors(tmp_path):
    from curate.pii.policy import load_policy

    bad = tmp_path / "p.yaml"
    bad.write_text("operators:\n  PERSON: {operator: shred}\n")
    with pytest.raises(CurateError, match="operators.PERSON.operator"):
        load_policy(bad)
    good = tmp_path / "g.yaml"
    good.write_text("default: {operator: mask, keep_last: 2}\n")
    assert load_policy(good).spec("IN_PAN").keep_last == 2


def test_key_file_must_be_private(tmp_path, monkeypatch):
    from curate.pii.keys import hmac_key

    monkeypatch.delenv("CURATE_PII_KEY")
    key = tmp_path / "k"
    monkeypatch.setenv("CURATE_PII_KEY_FILE", str(key))
    first = hmac_key()
    assert key.stat().st_mode & 0o777 == 0o600 and hmac_key() == first
    key.chmod(0o644)
    with pytest.raises(CurateError, match="chmod 600"):
        hmac_key()


def test_workspace_stage_and_recipe_report_held_back_rows_by_reason(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from curate import Workspace
    from curate.cli.main import cli

    src = tmp_path / "t.jsonl"
    src.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in [
        "Меня зовут Иван Петров, звоните", "สวัสดีครับ ผมชื่อสมชาย ใจดี", "నా ఫోన్ నంబర్ 9845012345", "call me on 9845012345"]),
        encoding="utf-8")
    Workspace.init(tmp_path / "ws").close()
    run = CliRunner().invoke(cli, ["ingest", str(src), "-w", str(tmp_path / "ws")])
    assert run.exit_code == 0, run.output
    res = CliRunner().invoke(cli, ["stage", "pii", "-p", "nlp=none", "-w", str(tmp_path / "ws")])
    assert res.exit_code == 0, res.output
    assert "2 of 4 row(s) held back (pii_covered=false): script:Cyrl 1, script:Thai 1" in res.output
    res = CliRunner().invoke(cli, ["stage", "pii", "-p", "nlp=none", "-w", str(tmp_path / "ws"), "--json"])
    summary = json.loads(res.output)["summary"]
    assert summary["held_back"] == 2 and summary["held_back_by_reason"] == {"script:Cyrl": 1, "script:Thai": 1}
    # the recipe path reports the same, in its log and in --json
    recipe = tmp_path / "r.yaml"
    recipe.write_text(f"name: r\nsources: [{{path: {src}}}]\nstages: [{{stage: pii, params: {{nlp: none}}}}]\n"
                      "snapshot: {name: s, text: anonymized}\n")
    out = CliRunner().invoke(cli, ["run", str(recipe), "-w", str(tmp_path / "ws"), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["stages"][0]["summary"]["held_back"] == 2 and data["snapshot"]["held_back"] == 2


@pytest.mark.parametrize("operators,weak", [
    ({"IN_PHONE": {"operator": "mask", "keep_last": 8}}, True),     # 8 of 10 digits readable
    ({"IN_AADHAAR": {"operator": "mask", "keep_last": 8}}, True),
    ({"IN_AADHAAR": {"operator": "keep"}}, True),
    ({"PERSON": {"operator": "keep"}}, True),
    ({"IN_PHONE": {"operator": "mask", "keep_last": 4}}, False),    # UIDAI's masked Aadhaar shows 4
    ({"IN_IFSC": {"operator": "keep"}}, False),                      # a branch code, no person
])
def test_a_policy_that_keeps_identifiers_readable_anonymizes_nothing(operators, weak):
    """A newcomer's weakened policy (masks keeping 8 digits, ``keep`` on Aadhaar) still gave "PII policy passed"
    and an approvable snapshot; now every row is held back with the policy as its reason (fail closed)."""
    phone = "9845012345"
    assert phonenumbers.is_valid_number(phonenumbers.parse(phone, "IN"))
    out = run({"text": [f"Rahul Sharma, phone {phone}, aadhaar {AADHAAR}"]}, PiiConfig(nlp="none", policy={
        "operators": {"PERSON": {"operator": "pseudonym"}, **operators}}))
    assert out[0]["pii_covered"] is (not weak)
    assert (out[0]["pii_reason"] or "").startswith("policy:") is weak
