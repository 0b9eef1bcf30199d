"""Recognizers for phone numbers, UPI IDs, e-mail, cards, IP addresses and URLs.

Presidio's e-mail and URL recognizers call ``tldextract``, which downloads the public
suffix list on first use; curate must run offline, so these recognizers validate the
top-level domain by shape instead.
"""

from __future__ import annotations

import ipaddress

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


class IndiaPhoneRecognizer(IndiaRecognizer):
    """Indian mobile and landline numbers, validated against libphonenumber's metadata for region IN.

    Forms: +91 / 0091 / 91 / 0 prefixes, spaced or dashed groups, (0xx) area codes.
    """

    ENTITY = "IN_PHONE"
    PATTERNS = [
        Pattern("mobile", r"(?<![0-9A-Za-z+])(?:(?:\+|00)91[ \-]?|91[ \-]|0)?[6-9](?:[ \-]?[0-9]){9}" + NUM_R, 0.65),
        Pattern("landline", r"(?<![0-9A-Za-z+])(?:(?:\+|00)91[ \-]?\(?0?|\(?0)[1-9][0-9]{1,4}\)?[ \-]?[2-9][0-9]{2,3}[ \-]?[0-9]{3,4}"
                + NUM_R, 0.55),
    ]
    priority = 50

    def validate_result(self, pattern_text: str) -> bool | None:
        try:
            num = phonenumbers.parse(pattern_text, "IN")
        except phonenumbers.NumberParseException:
            return False
        if num.country_code != 91 or not phonenumbers.is_valid_number(num):
            return False
        kind = phonenumbers.number_type(num)
        ok = kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
                      phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
        # Keep the pattern score (context still matters: ten digits can be an order number) or reject.
        return None if ok else False


class UpiRecognizer(IndiaRecognizer):
    """UPI virtual payment address: name@handle (no dot after the handle, unlike an e-mail)."""

    ENTITY = "IN_UPI"
    PATTERNS = [Pattern("vpa", L + r"[A-Za-z0-9][A-Za-z0-9._\-]{1,63}@[A-Za-z][A-Za-z0-9]{1,31}(?![A-Za-z0-9@]|\.[A-Za-z0-9])", 0.4)]
    needs = "at"
    priority = 70

    def validate_result(self, pattern_text: str) -> bool | None:
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

    def validate_result(self, pattern_text: str) -> bool:
        d = _digits(pattern_text)
        return 13 <= len(d) <= 19 and d.startswith(self._PREFIXES) and len(set(d)) > 2 and checksums.luhn_valid(d)


class CurateIpRecognizer(IndiaRecognizer):
    ENTITY = "IP_ADDRESS"
    PATTERNS = [
        Pattern("ipv4", r"(?<![0-9A-Za-z.])(?:[0-9]{1,3}\.){3}[0-9]{1,3}(?![0-9A-Za-z]|\.[0-9])", 0.6),
        Pattern("ipv6", r"(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}(?![0-9A-Za-z:])", 0.6),
        Pattern("ipv6 compressed", r"(?<![0-9A-Za-z:])(?:[0-9A-Fa-f]{1,4}:){1,6}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,5})?(?![0-9A-Za-z:])", 0.6),
    ]
    priority = 45

    def validate_result(self, pattern_text: str) -> bool | None:
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
