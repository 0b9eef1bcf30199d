"""Recognizers for Indian government and financial identifiers."""

from __future__ import annotations

from presidio_analyzer import Pattern

from curate.pii import checksums
from curate.pii.recognizers.base import NUM_L, NUM_R, IndiaRecognizer, L, R

# Two-letter state/UT codes used on vehicle plates and driving licences (old and new).
STATE_CODES = set(
    "AN AP AR AS BR CG CH DD DL DN GA GJ HP HR JH JK KA KL LA LD MH ML MN MP MZ NL OD OR PB PY RJ SK TN TR TS "
    "UK UA UP WB".split()
)


def _digits(s: str) -> str:
    return "".join(c for c in s if c.isdigit())


class AadhaarRecognizer(IndiaRecognizer):
    """Aadhaar: 12 digits, first 2-9, Verhoeff check digit (stdnum); written plain or in 4-4-4 groups.

    The pattern takes any 12 digits so that a mistyped number next to "Aadhaar"/"आधार" is still found
    (fail closed); without context only checksum-valid numbers are kept.
    """

    ENTITY = "IN_AADHAAR"
    PATTERNS = [Pattern("aadhaar", NUM_L + r"[0-9]{4}([ \u00a0\-.]?)[0-9]{4}\1[0-9]{4}" + NUM_R, 0.5)]
    priority = 90
    checked = True
    strong_check = True
    valid_score = 0.99

    def check(self, pattern_text: str) -> bool:
        return checksums.aadhaar_valid(pattern_text)


# Twelve or sixteen digits with separators in other places than 4-4-4(-4): "23 45 67 89 01 24", "23456 7890 124",
# "2345/6789/0124", "2345_6789_0124", "2345 - 6789 - 0124" (spaces and dashes of every kind are folded to ASCII
# on the scanning copy, curate.pii.engine.scan_copy).
_ANY_SEP = r"[ \u00a0\-./_]{0,3}"


class AadhaarGroupedRecognizer(AadhaarRecognizer):
    """An Aadhaar number grouped in any other way: the same check (Verhoeff) and the same policy as
    :class:`AadhaarRecognizer` (a valid number is kept without context, a mistyped one only beside its word)."""

    PATTERNS = [Pattern("aadhaar grouped", NUM_L + r"[0-9](?:" + _ANY_SEP + r"[0-9]){11}" + NUM_R, 0.3)]
    priority = 89


class VidRecognizer(IndiaRecognizer):
    """Aadhaar Virtual ID: 16 digits (4 groups of 4) with a Verhoeff check digit."""

    ENTITY = "IN_VID"
    PATTERNS = [Pattern("vid", NUM_L + r"[0-9]{4}([ \u00a0\-.]?)[0-9]{4}\1[0-9]{4}\1[0-9]{4}" + NUM_R, 0.3)]
    priority = 80
    checked = True
    # Verhoeff-valid is necessary but one random 16-digit number in ten passes it (cards included): keep
    # the pattern score (below threshold) so that a VID needs its context word ("VID", "virtual id").
    valid_score = None

    def check(self, pattern_text: str) -> bool:
        return checksums.vid_valid(pattern_text)


class VidGroupedRecognizer(VidRecognizer):
    """A VID grouped in any other way (still only with its context word)."""

    PATTERNS = [Pattern("vid grouped", NUM_L + r"[0-9](?:" + _ANY_SEP + r"[0-9]){15}" + NUM_R, 0.3)]
    priority = 79


class PanRecognizer(IndiaRecognizer):
    """PAN: AAA + holder-type letter (stdnum's table: P, C, H, F, A, T, B, L, J, G, K) + letter + 4 digits +
    letter. Any ``AAAAA9999A`` is matched; one with an unknown holder type counts only next to "PAN"."""

    ENTITY = "IN_PAN"
    PATTERNS = [
        Pattern("pan", L + r"[A-Z]{5}[0-9]{4}[A-Z]" + R, 0.85),
        # Lowercase PANs occur in chats ("mera pan abcpd1234k hai"): needs a context word.
        Pattern("pan lowercase", L + r"[a-z]{5}[0-9]{4}[a-z]" + R, 0.3),
        # Split in its parts ("ABCPD 1234 K", "abcpd-1234-k"): needs a context word too.
        Pattern("pan spaced", L + r"(?i:[A-Z]{5}[ \-]{1,2}[0-9]{4}[ \-]{0,2}[A-Z]|[A-Z]{5}[0-9]{4}[ \-]{1,2}[A-Z])" + R,
                0.3),
    ]
    priority = 80
    checked = True

    def check(self, pattern_text: str) -> bool:
        return checksums.pan_valid(pattern_text)


class GstinRecognizer(IndiaRecognizer):
    """GSTIN: state code 01-38 + PAN + entity number + Z + mod-36 check character."""

    ENTITY = "IN_GSTIN"
    PATTERNS = [Pattern("gstin", L + r"[0-9]{2}[A-Z]{5}[0-9]{4}[A-Z][0-9A-Z]{3}" + R, 0.5)]
    needs = "upper"
    priority = 95
    checked = True
    valid_score = 0.99

    def check(self, pattern_text: str) -> bool:
        return checksums.gstin_valid(pattern_text)


class IfscRecognizer(IndiaRecognizer):
    """IFSC: 4-letter bank code + 0 + 6-character branch code."""

    ENTITY = "IN_IFSC"
    PATTERNS = [Pattern("ifsc", L + r"[A-Z]{4}0[A-Z0-9]{6}" + R, 0.6)]
    needs = "upper"
    priority = 60


class IfscLooseRecognizer(IndiaRecognizer):
    """IFSC in lowercase or split in groups ("sbin0000300", "SBIN 0000 300"): only next to its context word."""

    ENTITY = "IN_IFSC"
    PATTERNS = [Pattern("ifsc loose", L + r"(?i:[A-Z]{4}[ \-]?0(?:[ \-]?[A-Z0-9]){6})" + R, 0.3)]
    needs = "digit"
    priority = 59


class VoterIdRecognizer(IndiaRecognizer):
    """EPIC (voter ID): 3 letters + 7 digits, the last a Luhn check digit (stdnum). Invoice and ticket ids
    share the shape and one in ten passes Luhn by chance, so it always needs a context word."""

    ENTITY = "IN_VOTER"
    PATTERNS = [Pattern("epic", L + r"[A-Z]{3}[0-9]{7}" + R, 0.4),
                Pattern("epic spaced", L + r"(?i:[A-Z]{3})[ \-/]{1,2}[0-9]{7}" + R, 0.3)]
    priority = 40
    checked = True

    def check(self, pattern_text: str) -> bool:
        return checksums.epic_valid("".join(c for c in pattern_text if c.isalnum()).upper())


class PassportRecognizer(IndiaRecognizer):
    """Indian passport: a series letter + 7 digits (first and last not 0). Needs a context word; next to one,
    any letter + 7 digits counts (fail closed)."""

    ENTITY = "IN_PASSPORT"
    PATTERNS = [Pattern("passport", L + r"[A-Za-z][ \-]?[0-9]{7}" + R, 0.3)]
    priority = 40
    checked = True

    def check(self, pattern_text: str) -> bool:
        return checksums.passport_valid(pattern_text.replace(" ", "").replace("-", ""))


class DrivingLicenceRecognizer(IndiaRecognizer):
    """Driving licence: state code + 2-digit RTO + year of issue + 7-digit number."""

    ENTITY = "IN_DRIVING_LICENCE"
    PATTERNS = [Pattern("dl", L + r"[A-Z]{2}[ \-]?[0-9]{2}[ \-]?(?:19[5-9][0-9]|20[0-4][0-9])[ \-]?[0-9]{7}" + R, 0.7)]
    priority = 65

    def check(self, pattern_text: str) -> bool | None:
        return None if pattern_text[:2] in STATE_CODES else False


class VehicleRegistrationRecognizer(IndiaRecognizer):
    """Vehicle registration: state code + RTO number + series letters + 4 digits, or the BH series."""

    ENTITY = "IN_VEHICLE_REGISTRATION"
    PATTERNS = [
        Pattern("vehicle", L + r"[A-Z]{2}[ \-]?[0-9]{1,2}[ \-]?[A-Z]{1,3}[ \-]?[0-9]{4}" + R, 0.6),
        Pattern("vehicle bh", L + r"[0-9]{2}[ \-]?BH[ \-]?[0-9]{4}[ \-]?[A-Z]{1,2}" + R, 0.6),
    ]
    priority = 55

    def check(self, pattern_text: str) -> bool | None:
        if pattern_text[:2].isdigit():
            return None
        return None if pattern_text[:2] in STATE_CODES else False


class PinCodeRecognizer(IndiaRecognizer):
    """PIN code: 6 digits, first 1-9. Any 6-digit number fits, so only with a context word."""

    ENTITY = "IN_PIN_CODE"
    PATTERNS = [Pattern("pin", NUM_L + r"[1-9][0-9]{2} ?[0-9]{3}" + NUM_R, 0.2)]
    priority = 20


_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:19|20)[0-9]{2}"
_MONTH_NAME = (r"(?:[Jj]an(?:uary)?|[Ff]eb(?:ruary)?|[Mm]ar(?:ch)?|[Aa]pr(?:il)?|[Mm]ay|[Jj]une?|[Jj]uly?|"
               r"[Aa]ug(?:ust)?|[Ss]ep(?:t(?:ember)?)?|[Oo]ct(?:ober)?|[Nn]ov(?:ember)?|[Dd]ec(?:ember)?)\.?")


class DateOfBirthRecognizer(IndiaRecognizer):
    """Date of birth: a calendar date (day-month-year, ISO year-month-day, "5 March 1979", "March 5, 1979").
    Any date fits, so only with a birth word (DOB, date of birth, born, जन्म तिथि …) or a key that names it."""

    ENTITY = "DATE_OF_BIRTH"
    PATTERNS = [Pattern("dmy", NUM_L + _DAY + r"([/.\-])" + _MONTH + r"\1" + _YEAR + NUM_R, 0.2),
                Pattern("iso", NUM_L + _YEAR + r"([/.\-])" + _MONTH + r"\1" + _DAY + NUM_R, 0.2),
                Pattern("d month y",
                        NUM_L + _DAY + r"(?:st|nd|rd|th)?\s+" + _MONTH_NAME + r",?\s+" + _YEAR + NUM_R, 0.2),
                Pattern("month d y", L + _MONTH_NAME + r"\s+" + _DAY + r"(?:st|nd|rd|th)?,?\s+" + _YEAR + NUM_R, 0.2),
                # "14.03.87", "14 Mar 87", US order "03/14/1987", run together "14031987": a birth word still needed
                Pattern("dmy short", NUM_L + _DAY + r"([/.\-])" + _MONTH + r"\1[0-9]{2}" + NUM_R, 0.2),
                Pattern("d month yy", NUM_L + _DAY + r"(?:st|nd|rd|th)?\s+" + _MONTH_NAME + r",?\s+'?[0-9]{2}" + NUM_R,
                        0.2),
                Pattern("mdy", NUM_L + _MONTH + r"([/.\-])" + _DAY + r"\1" + _YEAR + NUM_R, 0.2),
                Pattern("ddmmyyyy", NUM_L + r"(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])" + _YEAR + NUM_R, 0.2)]
    needs = "digit"
    priority = 15
    context_gated = True


class BankAccountRecognizer(IndiaRecognizer):
    """Bank account number: 9-18 digits. Only with a context word (account, a/c, खाता, khata …)."""

    ENTITY = "IN_BANK_ACCOUNT"
    PATTERNS = [Pattern("account", NUM_L + r"[0-9]{9,18}" + NUM_R, 0.2),
                Pattern("account grouped", NUM_L + r"[0-9]{4}(?:[ \-][0-9]{4}){2,3}(?:[ \-][0-9]{1,4})?" + NUM_R, 0.15)]
    priority = 30

    def invalidate_result(self, pattern_text: str) -> bool:
        return len(set(_digits(pattern_text))) == 1


class AbhaRecognizer(IndiaRecognizer):
    """ABHA (Ayushman Bharat Health Account) number: 14 digits as XX-XXXX-XXXX-XXXX; plain needs context."""

    ENTITY = "IN_ABHA"
    PATTERNS = [Pattern("abha", NUM_L + r"[0-9]{2}-[0-9]{4}-[0-9]{4}-[0-9]{4}" + NUM_R, 0.75),
                Pattern("abha plain", NUM_L + r"[0-9]{2} ?[0-9]{4} ?[0-9]{4} ?[0-9]{4}" + NUM_R, 0.2)]
    priority = 60


class AbhaAddressRecognizer(IndiaRecognizer):
    """ABHA address: user@abdm (or @sbx in the sandbox)."""

    ENTITY = "IN_ABHA"
    PATTERNS = [Pattern("abha address", L + r"[A-Za-z0-9][A-Za-z0-9._]{2,31}@(?:abdm|sbx)" + R, 0.85)]
    needs = "at"
    priority = 60
