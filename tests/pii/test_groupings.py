"""Checksum-validated identifiers in any grouping, and identifiers and dates of birth in their looser forms.

Aadhaar/VID check digits come from python-stdnum's Verhoeff, cards from stdnum's Luhn, the EPIC from stdnum's
validator; the passport number is the specimen printed in India's passport."""

import pytest
from stdnum import luhn, verhoeff
from stdnum.in_ import aadhaar, epic

from curate.pii.stage import PiiConfig, run_rows

AADHAAR = "23456789012" + verhoeff.calc_check_digit("23456789012")
CARD = "453201511283036" + luhn.calc_check_digit("453201511283036")
assert aadhaar.is_valid(AADHAAR) and luhn.is_valid(CARD)
EPIC = next("ABC123456" + c for c in "0123456789" if epic.is_valid("ABC123456" + c))
CFG = PiiConfig(nlp="none")


def _out(text):
    return run_rows([{"text": text}], CFG, ["text"], keys={"hmac_key": b"k" * 16})[0].fields["text"]


def _groups(number, sizes, sep):
    out, i = [], 0
    for n in sizes:
        out.append(number[i:i + n])
        i += n
    return sep.join(out)


@pytest.mark.parametrize("sizes", [(4, 4, 4), (2, 2, 2, 2, 2, 2), (5, 4, 3), (3, 3, 3, 3), (6, 6), (4, 8)])
@pytest.mark.parametrize("sep", [" ", ".", "/", "_", " - ", "-"])
def test_a_valid_aadhaar_in_any_grouping_without_context(sizes, sep):
    written = _groups(AADHAAR, sizes, sep)
    assert _out(f"ref {written} noted") in ("ref <IN_AADHAAR> noted",), written


@pytest.mark.parametrize("sep", [" ", ".", "/", " - ", "_"])
def test_a_valid_card_in_any_grouping(sep):
    assert _out(f"card {_groups(CARD, (4, 4, 4, 4), sep)} blocked") == "card <CREDIT_CARD> blocked"


@pytest.mark.parametrize("text,typ", [
    ("pan ABCPD 1234 K", "IN_PAN"), ("PAN: abcpd-1234-k", "IN_PAN"), (f"voter id {EPIC[:3]} {EPIC[3:]}", "IN_VOTER"),
    ("passport J-8369854", "IN_PASSPORT"),
    ("DOB 14.03.87", "DATE_OF_BIRTH"), ("dob: 14 Mar 87", "DATE_OF_BIRTH"),
    ("date of birth 03/14/1987", "DATE_OF_BIRTH"), ("DOB 14031987", "DATE_OF_BIRTH"),
])
def test_loose_forms_next_to_their_word(text, typ):
    out = _out(text)
    assert f"<{typ}>" in out and not any(ch.isdigit() for ch in out.split("<")[0][-3:]), out


@pytest.mark.parametrize("text", ["meeting on 2024 03 14 at 10 30", "Order 12 34 56 78 90 12 ok", "version 4.0.1.2",
                                  "invoice 14.03.87 paid", "ABCPD 1234 K without the word"])
def test_look_alikes_stay(text):
    assert _out(text) == text
