"""Look-alike words reach only the number they stand before (cases found by the demo's independent audit)."""

from __future__ import annotations

import phonenumbers
import pyarrow as pa
import pytest
from stdnum import verhoeff

from curate.filemode import apply_stage
from curate.pii.context import has_negative_context
from curate.stage import SecretSources, get_stage, stage_context

# Valid per libphonenumber (outside oracle), checked below.
PHONES = ["096441 70929", "904-427-9348", "+91-69579-77442", "+916387995082"]
VID = "898964006309231" + verhoeff.calc_check_digit("898964006309231")  # 16 digits, Verhoeff-valid


@pytest.fixture(scope="module")
def anonymize(tmp_path_factory):
    key = tmp_path_factory.mktemp("k") / "pii.key"
    key.write_text("0123456789abcdef0123456789abcdef")
    key.chmod(0o600)
    stage = get_stage("pii")
    cfg = stage.make_config({"nlp": "none"})
    ctx = stage_context(stage, cfg, SecretSources(files={"hmac_key": str(key)}))
    return lambda texts: apply_stage(stage, pa.table({"text": texts}), cfg, ctx=ctx).column("pii_text").to_pylist()


@pytest.mark.parametrize("phone", PHONES)
def test_phone_after_an_amount_in_an_earlier_sentence_is_anonymized(anonymize, phone):
    assert phonenumbers.is_valid_number(phonenumbers.parse(phone, "IN"))
    texts = [f"আমার লোনের ইএমআই কেন ₹44257 হয়ে গেল? আমাকে {phone} নম্বরে ফোন করুন।",
             f"माझा हप्ता ₹96,623 का वाढला? मला {phone} वर फोन करा.",
             f"₹785528 পাঠিয়েছিলাম, কিন্তু টাকা কেটে গেছে। আমাকে {phone} নম্বরে ফোন করুন।",
             f"EMI of Rs 4500 was debited twice, call me on {phone}"]
    for out in anonymize(texts):
        assert phone not in out and "<IN_PHONE>" in out, out


def test_vid_named_by_aadhaar_words_and_loose_spacing(anonymize):
    outs = anonymize([f"My Aadhaar Virtual  ID is {VID}. Please", f"माझा आधार {VID} आहे"])
    assert all(VID not in o and "<IN_VID>" in o for o in outs), outs


@pytest.mark.parametrize("text", ["order no. 9876543210", "₹ 9876543210", "txn 9876543210", "ऑर्डर 9876543210"])
def test_look_alike_word_right_before_still_keeps_the_number(anonymize, text):
    assert has_negative_context(text.lower(), text.index("9876"))
    assert anonymize([text]) == [text]


def test_look_alike_reach_ends_at_another_number_or_a_sentence_end():
    for text in ["₹44257 हो गया। मला 9876543210", "order 123 and my phone 9876543210", "₹ kyu? 9876543210"]:
        assert not has_negative_context(text.lower(), text.index("9876543210")), text
