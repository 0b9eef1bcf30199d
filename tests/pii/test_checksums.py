"""Check-digit algorithms against published vectors, plus error-detection properties."""

import random

import pytest

from curate.pii import checksums as cs

# Verhoeff: "236"->3, "12345"->1, "142857"->0 and "75872"->2 are the worked examples in the literature
# (Wikipedia's Verhoeff article); a wrong table or position offset breaks them.
VERHOEFF_VECTORS = [("236", 3), ("12345", 1), ("142857", 0), ("75872", 2)]


@pytest.mark.parametrize("body,check", VERHOEFF_VECTORS)
def test_verhoeff_vectors(body, check):
    assert cs.verhoeff_checksum(body) == check
    assert cs.verhoeff_valid(body + str(check))
    assert not cs.verhoeff_valid(body + str((check + 1) % 10))


def test_verhoeff_catches_single_digit_errors_and_adjacent_transpositions():
    rng = random.Random(3)
    for _ in range(200):
        num = cs.fake_aadhaar(rng)
        assert cs.verhoeff_valid(num)
        i = rng.randrange(12)
        wrong = num[:i] + str((int(num[i]) + rng.randint(1, 9)) % 10) + num[i + 1:]
        assert not cs.verhoeff_valid(wrong)
        j = rng.randrange(11)
        if num[j] != num[j + 1]:
            swapped = num[:j] + num[j + 1] + num[j] + num[j + 2:]
            assert not cs.verhoeff_valid(swapped)


def test_verhoeff_rejects_non_digits():
    assert not cs.verhoeff_valid("23a3")
    assert not cs.verhoeff_valid("")
    with pytest.raises(ValueError):
        cs.verhoeff_checksum("12x")


@pytest.mark.parametrize("number", ["79927398713", "4111111111111111", "378282246310005", "5555555555554444"])
def test_luhn_known_valid(number):
    assert cs.luhn_valid(number)
    assert cs.luhn_checksum(number[:-1]) == int(number[-1])


def test_luhn_rejects_changed_digit():
    assert not cs.luhn_valid("79927398710")
    assert not cs.luhn_valid("4111111111111112")
    rng = random.Random(5)
    for _ in range(50):
        assert cs.luhn_valid(cs.fake_card_number(rng))


def test_aadhaar_forms():
    assert cs.aadhaar_valid("2363 2363 2363") is cs.verhoeff_valid("236323632363")
    rng = random.Random(11)
    num = cs.fake_aadhaar(rng)
    spaced = f"{num[:4]} {num[4:8]} {num[8:]}"
    deva = spaced.translate({ord(str(d)): chr(0x0966 + d) for d in range(10)})
    assert cs.aadhaar_valid(num) and cs.aadhaar_valid(spaced) and cs.aadhaar_valid(deva)
    assert cs.normalize_digits(deva) == num
    # UIDAI never issues numbers starting 0 or 1, even with a correct check digit.
    body = "1" + num[1:11]
    assert not cs.aadhaar_valid(body + str(cs.verhoeff_checksum(body)))
    assert not cs.aadhaar_valid(num[:11])  # wrong length


def test_vid():
    rng = random.Random(2)
    vid = cs.fake_vid(rng)
    assert len(vid) == 16 and cs.vid_valid(vid) and not cs.aadhaar_valid(vid)


@pytest.mark.parametrize("pan,ok", [
    ("ABCPE1234F", True), ("AAACI1195H", True), ("AAAHK0001Z", True),
    ("ABCXE1234F", False),   # X is not a holder type
    ("ABCP1234F", False),    # too short
    ("ABCPE12345", False),   # last char must be a letter
    ("ABCPE0000F", False),   # sequence 0000 is never issued
    ("abcpe1234f", False),   # PANs are upper case
])
def test_pan(pan, ok):
    assert cs.pan_valid(pan) is ok


# Two GSTINs published as examples by GST-registration guides; both carry correct mod-36 check characters.
@pytest.mark.parametrize("gstin", ["27AAPFU0939F1ZV", "29AAGCB7383J1Z4"])
def test_gstin_known_valid(gstin):
    assert cs.gstin_check_char(gstin[:14]) == gstin[14]
    assert cs.gstin_valid(gstin)
    assert cs.gstin_valid(gstin.lower())


def test_gstin_invalid():
    assert not cs.gstin_valid("27AAPFU0939F1ZW")   # wrong check char
    assert not cs.gstin_valid("39AAPFU0939F1ZV")   # state 39 does not exist
    assert not cs.gstin_valid("27AAPXU0939F1ZV")   # embedded PAN has bad holder type
    assert not cs.gstin_valid("27AAPFU0939F1YV")   # position 14 must be Z
    assert not cs.gstin_valid("27AAPFU0939F1Z")    # too short
    with pytest.raises(ValueError):
        cs.gstin_check_char("27AAPFU0939F1")


def test_generators_are_valid_and_seeded():
    a = random.Random(42)
    gstins = [cs.fake_gstin(a) for _ in range(200)]
    assert all(cs.gstin_valid(g) for g in gstins)
    assert gstins == [cs.fake_gstin(r) for r in [random.Random(42)] for _ in range(200)]
    assert len(set(gstins)) == 200
    for _ in range(50):
        pan = cs.fake_pan(a, holder="C", surname_initial="t")
        assert cs.pan_valid(pan) and pan[3] == "C" and pan[4] == "T"
        assert cs.ifsc_valid(cs.fake_ifsc(a, "HDFC"))
    with pytest.raises(ValueError):
        cs.fake_pan(a, holder="X")
