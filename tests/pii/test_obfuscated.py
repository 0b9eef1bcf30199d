"""Identifiers written to get past filters or in loose forms: e-mail addresses with [at]/(at)/" at " and
[dot]/" dot " or spaces around "@", a UPI address with spaces around "@", an IFSC in lowercase or in groups.
Each is anonymized whole; the words "at" and "dot" in ordinary sentences are not."""

import pytest

from curate.pii.stage import PiiConfig, run_rows

CFG = PiiConfig(nlp="none")


def _out(text):
    return run_rows([{"text": text}], CFG, ["text"], keys={"hmac_key": b"k" * 16})[0].fields["text"]


@pytest.mark.parametrize("written", [
    "ravi dot kumar at gmail dot com", "ravi.kumar[at]gmail[dot]com", "ravi.kumar [at] gmail [dot] com",
    "ravi(at)example.co.in", "ravi.kumar{at}example{dot}in", "ravi.kumar @ gmail.com", "ravi.kumar@ gmail.com",
    "RAVI.KUMAR (AT) GMAIL (DOT) COM", "ravi.kumar%40gmail.com",
])
def test_obfuscated_email_is_one_email(written):
    out = _out(f"write to {written} today")
    assert out == "write to <EMAIL_ADDRESS> today", out


def test_spaced_upi_and_loose_ifsc():
    assert _out("pay to ravikumar @ okaxis now") == "pay to <IN_UPI> now"
    for ifsc in ("sbin0000300", "SBIN 0000 300", "SBIN-0000300"):  # SBI's published Mumbai main branch code
        assert _out(f"IFSC {ifsc} for the refund") == "IFSC <IN_IFSC> for the refund"


@pytest.mark.parametrize("text", ["look at this dot on the screen", "we met at the office and had a dot matrix printer",
                                  "reply @ 5 pm please", "meet at 5 dot 30", "abcd0123456 without a context word"])
def test_ordinary_at_and_dot_stay(text):
    assert _out(text) == text
