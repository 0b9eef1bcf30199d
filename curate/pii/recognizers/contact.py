"""Recognizers for phone numbers, UPI IDs, e-mail, cards, IP addresses and URLs.

Presidio's e-mail and URL recognizers call ``tldextract``, which downloads the public
suffix list on first use; curate must run offline, so these recognizers validate the
top-level domain by shape instead.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

import phonenumbers
import regex as re
from presidio_analyzer import Pattern

from curate.pii import checksums
from curate.pii.recognizers.base import NUM_R, IndiaRecognizer, L, Match, R

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
        # not the tail of a longer number ("2024/98765/43210"), except after a whole mobile and a slash:
        # "9845012345/9876543210" lists two phones
        Pattern("mobile", r"(?<![0-9A-Za-z+])(?:(?<![0-9][ \-./])|(?<=(?<![0-9])[6-9][0-9]{9}/))(?:" + _PREFIX + _PSEP + r")?[6-9](?:" + _PSEP + r"[0-9]){9}" + NUM_R, 0.65),
        # glued to its word in chat: "call9845012345", "mob9845012345", "ph:9845012345" is the mobile pattern's
        Pattern("mobile glued", r"(?i:(?<![A-Za-z])(?:ph|phn|mob|mobile|call|tel|phone|whatsapp|wa|contact|cell|no|num))"
                r"\K(?:\+?91)?[6-9][0-9]{9}" + NUM_R, 0.65),
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


# Digits written as words: English, romanized Hindi (Hinglish) and Hindi in Devanagari. People spell a number out
# to get it past filters, or a speech-to-text transcript does ("nine eight four five zero …", "नौ आठ चार …").
_DIGIT_WORDS = {
    **dict.fromkeys(["zero", "oh", "o", "shunya", "sunya", "शून्य", "जीरो"], "0"),
    **dict.fromkeys(["one", "ek", "एक"], "1"), **dict.fromkeys(["two", "do", "दो"], "2"),
    **dict.fromkeys(["three", "teen", "tin", "तीन"], "3"), **dict.fromkeys(["four", "char", "chaar", "चार"], "4"),
    **dict.fromkeys(["five", "paanch", "panch", "pach", "पांच", "पाँच"], "5"),
    **dict.fromkeys(["six", "chhe", "chhah", "che", "cheh", "छह", "छः", "छे"], "6"),
    **dict.fromkeys(["seven", "saat", "sat", "सात"], "7"), **dict.fromkeys(["eight", "aath", "ath", "आठ"], "8"),
    **dict.fromkeys(["nine", "nau", "nou", "नौ"], "9"),
}
_REPEAT = {"double": 2, "triple": 3, "डबल": 2, "ट्रिपल": 3}
_WORD = "(?:" + "|".join(sorted(map(re.escape, _DIGIT_WORDS), key=len, reverse=True)) + "|[0-9])"
_TOKEN = "(?:(?:" + "|".join(_REPEAT) + r")[\s\-]+)?" + _WORD
_SPELLED = r"(?i)(?<![\p{L}\p{M}0-9])" + _TOKEN + r"(?:[\s,\-]+" + _TOKEN + r"){4,15}(?![\p{L}\p{M}0-9])"
_QUICK = re.compile(r"(?i)(?<![\p{L}\p{M}])(?:" + "|".join(w for w in _DIGIT_WORDS if len(w) > 2) + r")[\s,\-]+"
                    + _TOKEN)


def spelled_digits(text: str) -> str:
    """The digits a run of digit words stands for ("double nine eight" -> "998")."""
    return "".join(d for _, _, d in _tokens(text, 0))


_TOKEN_RX = re.compile(r"(?i)(?:(" + "|".join(_REPEAT) + r")[\s\-]+)?(" + _WORD + ")")


def _tokens(text: str, offset: int) -> list[tuple[int, int, str]]:
    """(start, end, digits) of each token of a run of digit words."""
    out = []
    for m in _TOKEN_RX.finditer(text):
        d = _DIGIT_WORDS.get(m.group(2).lower(), m.group(2))
        out.append((offset + m.start(), offset + m.end(), d * _REPEAT.get((m.group(1) or "").lower(), 1)))
    return out


class SpelledPhoneRecognizer(IndiaRecognizer):
    """A phone number written in words, whole or in part ("nine eight four five zero one two three four five",
    "nau aath chaar …", "double nine 8 …"): the words are read as digits and libphonenumber decides, as for a
    written number. Within a longer run of number words every window of consecutive words is tried (longest
    first); a run with no valid Indian phone in it stays, and so does a run of plain digits (the written-number
    patterns' job)."""

    ENTITY = "IN_PHONE"
    PATTERNS = [Pattern("spelled", _SPELLED, 0.6)]
    needs = "any"
    priority = 49
    checked = True
    valid_score = 0.6

    def scan(self, text: str):
        if _QUICK.search(text) is None:  # most text holds no two number words in a row
            return
        for rx, score in self._compiled:
            for m in rx.finditer(text):
                toks = _tokens(m.group(), m.start())
                i = 0
                while i < len(toks):
                    for j in range(len(toks), i, -1):
                        window = toks[i:j]
                        digits = "".join(d for _, _, d in window)
                        if 10 <= len(digits) <= 13 and any(not text[a:b].isdigit() for a, b, _ in window) \
                                and national_number(digits) is not None:
                            yield Match(window[0][0], window[-1][1], score, True)
                            i = j
                            break
                    else:
                        i += 1

    def check(self, pattern_text: str) -> bool:
        return national_number(spelled_digits(pattern_text)) is not None

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


# E-mail addresses written to get past filters: "ravi.kumar [at] gmail [dot] com", "ravi dot kumar at gmail dot com",
# "ravi(at)example.co.in", "ravi.kumar @ gmail.com". The bracketed words are unambiguous; the bare words " at " and
# " dot " only count together and when the address ends in a top-level domain people use.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9_\-]*[A-Za-z0-9])?"
_B_AT = r"\s*[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]\s*"
_B_DOT = r"\s*[\[\(\{<]\s*(?:dot|\.)\s*[\]\)\}>]\s*"
_TLD = r"(?:com|in|org|net|co|edu|gov|io|info|biz|me|ac|nic|res|ai|app|dev|us|uk)"
_LOCAL = _LABEL + r"(?:(?:[._%+\-]|" + _B_DOT + r"|\s+dot\s+)" + _LABEL + r")*"


class ObfuscatedEmailRecognizer(IndiaRecognizer):
    """An e-mail address spelled to get past filters (``[at]``/``(at)``/`` at `` with ``[dot]``/`` dot ``, or
    spaces around ``@``), anonymized whole as ``EMAIL_ADDRESS``: the name recognizer alone replaced the given
    name and left the surname and the domain."""

    ENTITY = "EMAIL_ADDRESS"
    PATTERNS = [
        Pattern("bracketed", r"(?i)" + L + _LOCAL + _B_AT + _LABEL + r"(?:(?:\.|" + _B_DOT + r"|\s+dot\s+)" + _LABEL
                + r")+" + R, 0.85),
        Pattern("words", r"(?i)" + L + _LOCAL + r"\s+at\s+" + _LABEL + r"(?:\s+dot\s+" + _LABEL + r")*\s+dot\s+"
                + _TLD + R, 0.85),
        # URL-encoded ("mailto:ravi.kumar%40gmail.com")
        Pattern("%40", L + r"[A-Za-z0-9][A-Za-z0-9._+\-]*%40[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
                r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}" + R, 0.85),
        # a space after "@"; with a space before it only, "me @Priya.Verma" is a mention unless a mail TLD ends it
        Pattern("spaced @", L + r"[A-Za-z0-9][A-Za-z0-9._%+\-]*\s*@\s+[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
                r"(?:\s*\.\s*[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\s*\.\s*[A-Za-z]{2,24}" + R, 0.85),
        Pattern("space before @", L + r"[A-Za-z0-9][A-Za-z0-9._%+\-]*\s+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?"
                r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.(?i:" + _TLD + ")" + R, 0.85),
    ]
    needs = "any"
    priority = 74
    _QUICK = re.compile(r"(?i)[\[\(\{<]\s*(?:at|@)\s*[\]\)\}>]|\sat\s.*\sdot\s|\s@|@\s|%40")

    def scan(self, text: str):
        if self._QUICK.search(text) is not None:
            yield from super().scan(text)


class SpacedUpiRecognizer(IndiaRecognizer):
    """A UPI address written with spaces around ``@`` ("ravikumar @ okaxis"), when the handle is a known PSP's."""

    ENTITY = "IN_UPI"
    # A space after "@" (with or without one before): "cc @HDFC_Cares" is a mention, not a payment address.
    PATTERNS = [Pattern("vpa spaced", L + r"[A-Za-z0-9][A-Za-z0-9._\-]{1,63}\s*@\s+[A-Za-z][A-Za-z0-9]{1,31}"
                        r"(?![A-Za-z0-9@_]|\.[A-Za-z0-9])", 0.3)]
    needs = "at"
    priority = 69
    valid_score = 0.9

    def check(self, pattern_text: str) -> bool | None:
        return pattern_text.rsplit("@", 1)[1].strip().lower() in UPI_HANDLES or None


class CurateCardRecognizer(IndiaRecognizer):
    """Payment card: 13-19 digits, issuer prefix (Visa, Mastercard, RuPay, Amex, Diners, JCB, Discover), Luhn."""

    ENTITY = "CREDIT_CARD"
    # Groups split by spaces, dashes, dots, slashes or underscores, up to three characters ("4532.0151.1283.0366",
    # "4532 - 0151 - 1283 - 0366")
    PATTERNS = [Pattern("card", r"(?<![0-9A-Za-z])(?:[0-9][ \-./_]{0,3}){12,18}[0-9]" + NUM_R, 0.5)]
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
