"""Recognizers for phone numbers, UPI IDs, e-mail, cards, IP addresses and URLs.

Presidio's e-mail and URL recognizers call ``tldextract``, which downloads the public
suffix list on first use; curate must run offline, so these recognizers validate the
top-level domain by shape instead.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

import phonenumbers
from presidio_analyzer import Pattern

from curate.pii import checksums
from curate.pii.recognizers.base import NUM_R, IndiaRecognizer, L, R

# UPI handles of the major PSPs and banks (the part after "@" in a VPA). Not exhaustive: an unknown handle
# still counts as UPI with a context word ("upi", "gpay" …).
UPI_HANDLES = set("""
okaxis oksbi okhdfcbank okicici ybl ibl axl paytm ptyes ptsbi pthdfc ptaxis upi apl yapl rapl waaxis wahdfcbank
wasbi waicici axisbank axisb sbi icici hdfcbank hdfc kotak kmbl jupiteraxis fbl federal ikwik freecharge
airtel airtelpaymentsbank jio abfspay idfcbank idfcfirst idfc pnb barodampay unionbank unionbankofindia cnrb
kbl rbl indus aubank dbs hsbc citi citigold sc boi cbin mahb uco psb iob idbi idbibank yesbank yesbankltd
timecosmos tapicici slice superyes niyoicici fam pingpay postbank dlb kvb tjsb cub equitas ubi allbank
indianbank centralbank syndicate vijb ezeepay mobikwik ikwik amazonpay apay naviaxis goaxb zoicici
""".split())


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


# Between the digits of a phone number people put a space, hyphen, dot, slash, underscore or brackets ("(0)22",
# "98765.43210", "+91-(98765)-43210", "98450_12345"); at most three such characters in a row ("98450 - 12345").
# Unicode dashes and spaces are folded to these on the scanning copy (curate.pii.engine.scan_copy).
_PSEP = r"[ \u00a0\-./()_]{0,3}"
# Country / trunk prefix: +91, 0091, 91 (WhatsApp and CRM exports), "(+91)", "+91 (0)", a bare trunk 0.
_PREFIX = r"(?:\(?(?:\+|00) ?91\)?(?:" + _PSEP + r"\(?0\)?)?|\(?91\)?|\(?0\)?)"


def national_number(text: str) -> str | None:
    """The 10-digit Indian national number written in ``text``, or None if it is no valid Indian phone.

    Any separators; prefixes +91 / 0091 / 91 / 0 / +91 (0). libphonenumber (region IN) decides validity
    and the kind (mobile or fixed line; toll-free and premium numbers identify nobody).
    """
    d = "".join(c for c in text if c.isdigit())
    plus = "+" in text
    for prefix in ("00910", "0091", "910", "91", "0", ""):
        if d.startswith(prefix) and len(d) - len(prefix) == 10 and (prefix != "" or not plus):
            if prefix in ("910", "91") and not (plus or len(d) == 12 or prefix == "910"):
                continue
            nsn = d[len(prefix):]
            break
    else:
        return None
    return nsn if _personal_number(nsn) else None


_PERSONAL = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
             phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


@lru_cache(maxsize=65536)
def _personal_number(nsn: str) -> bool:
    # Each number is matched by up to three patterns; libphonenumber's check is the costly part, so cache it.
    # number_type() is UNKNOWN for a number that is not valid, so it also decides validity.
    try:
        num = phonenumbers.parse("+91" + nsn, None)
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.number_type(num) in _PERSONAL


class IndiaPhoneRecognizer(IndiaRecognizer):
    """Indian mobile and landline numbers, validated against libphonenumber's metadata for region IN.

    Forms: +91 / 0091 / 91 / 0 / "+91 (0)" prefixes, with or without separators; groups split by
    spaces, hyphens, dots, slashes or brackets; landlines as STD code + subscriber number
    ("022-2345 6789", "(0120) 456 7890", "+91 80 4567 8901"). Indic digits are mapped to ASCII first.
    """

    ENTITY = "IN_PHONE"
    PATTERNS = [
        Pattern("mobile", r"(?<![0-9A-Za-z+])(?<![0-9][ \-./])(?:" + _PREFIX + _PSEP + r")?[6-9](?:" + _PSEP + r"[0-9]){9}" + NUM_R, 0.65),
        Pattern("landline", r"(?<![0-9A-Za-z+])(?<![0-9][ \-./])(?:\(?(?:\+|00) ?91\)?(?:" + _PSEP + r"\(?0\)?)?|\(?0)" + _PSEP
                + r"[1-9][0-9]{1,4}\)?" + _PSEP + r"[2-9][0-9]{1,3}" + _PSEP + r"[0-9]{2,4}(?:" + _PSEP + r"[0-9]{1,4})?"
                + NUM_R, 0.55),
        # Ten digits that no Indian numbering plan allows ("mobile 5876543210"): only ever kept as a typo next to
        # a phone word (fail closed); a valid number is matched by the patterns above.
        Pattern("phone-shaped", r"(?<![0-9A-Za-z+])(?<![0-9][ \-./])[0-9]{5}[ \-]?[0-9]{5}" + NUM_R, 0.3),
    ]
    priority = 50
    checked = True

    def check(self, pattern_text: str) -> bool:
        # Keep the pattern score when valid (context still matters: ten digits can be an order number).
        return national_number(pattern_text) is not None


class UpiRecognizer(IndiaRecognizer):
    """UPI virtual payment address: name@handle (no dot after the handle, unlike an e-mail)."""

    ENTITY = "IN_UPI"
    PATTERNS = [Pattern("vpa", L + r"[A-Za-z0-9][A-Za-z0-9._\-]{1,63}@[A-Za-z][A-Za-z0-9]{1,31}(?![A-Za-z0-9@]|\.[A-Za-z0-9])", 0.4)]
    needs = "at"
    priority = 70

    valid_score = 1.0

    def check(self, pattern_text: str) -> bool | None:
        handle = pattern_text.rsplit("@", 1)[1].lower()
        if handle in ("abdm", "sbx"):
            return False  # ABHA address, not a payment address
        return True if handle in UPI_HANDLES else None


class CurateEmailRecognizer(IndiaRecognizer):
    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = [Pattern("email", L + r"[A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
                        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}" + R, 0.9)]
    needs = "at"
    priority = 75


class CurateCardRecognizer(IndiaRecognizer):
    """Payment card: 13-19 digits, issuer prefix (Visa, Mastercard, RuPay, Amex, Diners, JCB, Discover), Luhn."""

    ENTITY = "CREDIT_CARD"
    PATTERNS = [Pattern("card", r"(?<![0-9A-Za-z])(?:[0-9][ \-]?){12,18}[0-9]" + NUM_R, 0.5)]
    priority = 75
    # Issuer digit: 2 (Mastercard 2-series), 3 (Amex, Diners, JCB), 4 (Visa), 5 (Mastercard, Maestro),
    # 6 (RuPay, Discover, Maestro), 8 (RuPay 81/82).
    _PREFIXES = ("2", "3", "4", "5", "6", "8")

    checked = True
    strong_check = True
    valid_score = 0.95  # Luhn plus an issuer prefix: a card without its context word too

    def invalidate_result(self, pattern_text: str) -> bool:
        # Only a run of one repeated digit is dropped: two distinct digits is the shape of real (test) cards
        # such as 4111 1111 1111 1111, and privacy fails closed.
        d = _digits(pattern_text)
        return not d.startswith(self._PREFIXES) or len(set(d)) <= 1

    def check(self, pattern_text: str) -> bool:
        d = _digits(pattern_text)
        return 13 <= len(d) <= 19 and checksums.luhn_valid(d)


class CurateIpRecognizer(IndiaRecognizer):
    ENTITY = "IP_ADDRESS"
    PATTERNS = [
        Pattern("ipv4", r"(?<![0-9A-Za-z.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9A-Za-z]|\.[0-9])", 0.6),
        Pattern("ipv6", r"(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![0-9A-Za-z:])", 0.6),
        Pattern("ipv6 compressed", r"(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,5})?(?![0-9A-Za-z:])", 0.6),
    ]
    priority = 45

    def check(self, pattern_text: str) -> bool | None:
        try:
            ip = ipaddress.ip_address(pattern_text)
        except ValueError:
            return False
        # Loopback / unspecified addresses identify nobody.
        return None if not (ip.is_loopback or ip.is_unspecified) else False


class CurateUrlRecognizer(IndiaRecognizer):
    ENTITY = "URL"
    PATTERNS = [Pattern("url", r"(?<![A-Za-z0-9@])(?:https?://|www\.)[^\s<>\"'`|]*[^\s<>\"'`|.,;:!?)\]}।]", 0.6)]
    needs = "url"
    priority = 35
