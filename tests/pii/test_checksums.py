import random

from curate.pii import checksums as c


def test_verhoeff_known_values():
    assert c.verhoeff_checksum("236") == 3
    assert c.verhoeff_valid("2363") and not c.verhoeff_valid("2364")


def test_gstin_known_value_and_generated():
    assert c.gstin_check_char("27AAPFU0939F1Z") == "V"
    assert c.gstin_valid("27AAPFU0939F1ZV") and not c.gstin_valid("27AAPFU0939F1ZW")
    assert not c.gstin_valid("45AAPFU0939F1Z" + c.gstin_check_char("45AAPFU0939F1Z"))  # no state 45
    rng = random.Random(3)
    assert all(c.gstin_valid(c.make_gstin(rng)) for _ in range(50))


def test_aadhaar_rules():
    rng = random.Random(1)
    for _ in range(50):
        a = c.make_aadhaar(rng)
        assert c.aadhaar_valid(a)
        assert not c.aadhaar_valid(a[:-1] + str((int(a[-1]) + 1) % 10))  # Verhoeff catches single-digit errors
    body = "12345678901"
    assert not c.aadhaar_valid(body + str(c.verhoeff_checksum(body)))  # leading 1 never issued


def test_luhn_and_pan():
    assert c.luhn_valid("4111 1111 1111 1111") and not c.luhn_valid("4111 1111 1111 1112")
    assert c.pan_valid("ABCPD1234K") and not c.pan_valid("ABCXD1234K")  # X is no holder type
