"""Every script of the 22 scheduled languages: phones, Aadhaar numbers, PANs and e-mails are anonymized and the
row is not held back; only scripts no recognizer covers are held back, with the reason.

Expected values come from outside curate: the Aadhaar numbers are made valid with python-stdnum's Verhoeff,
the mobile number is phonenumbers' own example for India, digits are written with Unicode's digit blocks.
"""

import json
import unicodedata

import phonenumbers
import pyarrow as pa
import pytest
from stdnum import verhoeff
from stdnum.in_ import aadhaar, pan

from curate.pii.scripts import COVERED_SCRIPTS, LANG_SCRIPT, name_scripts
from curate.pii.stage import PiiConfig, pii_batch
from curate.text.scripts import significant_scripts

PHONE = phonenumbers.format_number(phonenumbers.example_number_for_type("IN", phonenumbers.PhoneNumberType.MOBILE),
                                   phonenumbers.PhoneNumberFormat.NATIONAL).replace(" ", "").lstrip("0")
assert phonenumbers.is_valid_number(phonenumbers.parse(PHONE, "IN"))


# Check digit computed by python-stdnum's Verhoeff (the checksum itself is tested in test_checksums.py).
AADHAAR = "23456789012" + verhoeff.calc_check_digit("23456789012")
assert aadhaar.is_valid(AADHAAR)
PAN = "AFZPK7190K"
assert pan.is_valid(PAN)
EMAIL = "asha.v@example.in"

# One short support sentence per script ("my phone number is …, Aadhaar …, PAN …, e-mail …").
SENTENCES = {
    "Latn": "my phone number is {p}, aadhaar {a}, PAN {n}, mail {e}",
    "Deva": "मेरा फ़ोन नंबर {p} है, आधार {a}, पैन {n}, ईमेल {e}",
    "Beng": "আমার ফোন নম্বর {p}, আধার {a}, প্যান {n}, ইমেল {e}",
    "Guru": "ਮੇਰਾ ਫ਼ੋਨ ਨੰਬਰ {p} ਹੈ, ਆਧਾਰ {a}, ਪੈਨ {n}, ਈਮੇਲ {e}",
    "Gujr": "મારો ફોન નંબર {p} છે, આધાર {a}, પાન {n}, ઈમેલ {e}",
    "Orya": "ମୋର ଫୋନ୍ ନମ୍ବର {p} ଅଟେ, ଆଧାର {a}, ପାନ {n}, ଇମେଲ {e}",
    "Taml": "என் தொலைபேசி எண் {p}, ஆதார் {a}, பான் {n}, மின்னஞ்சல் {e}",
    "Telu": "నా ఫోన్ నంబర్ {p}, ఆధార్ {a}, పాన్ {n}, ఈమెయిల్ {e}",
    "Knda": "ನನ್ನ ಫೋನ್ ಸಂಖ್ಯೆ {p}, ಆಧಾರ್ {a}, ಪ್ಯಾನ್ {n}, ಇಮೇಲ್ {e}",
    "Mlym": "എന്റെ ഫോൺ നമ്പർ {p} ആണ്, ആധാർ {a}, പാൻ {n}, ഇമെയിൽ {e}",
    "Arab": "میرا فون نمبر {p} ہے، آدھار {a}، پین {n}، ای میل {e}",
    "Olck": "ᱟᱢᱟᱜ ᱯᱷᱚᱱ ᱱᱚᱢᱵᱚᱨ {p} ᱠᱟᱱᱟ, ᱟᱫᱷᱟᱨ {a}, ᱯᱮᱱ {n}, ᱤᱢᱮᱞ {e}",
    "Mtei": "ꯑꯩꯒꯤ ꯐꯣꯟ ꯅꯝꯕꯔ {p} ꯅꯤ, ꯑꯥꯙꯥꯔ {a}, ꯄꯦꯟ {n}, ꯏꯃꯦꯜ {e}",
}
# Unicode digit zero of each script (Urdu writes Extended Arabic-Indic digits).
ZERO = {"Latn": "0", "Deva": "०", "Beng": "০", "Guru": "੦", "Gujr": "૦", "Orya": "୦", "Taml": "௦", "Telu": "౦",
        "Knda": "೦", "Mlym": "൦", "Arab": "۰", "Olck": "᱐", "Mtei": "꯰"}


def _digits(s: str, script: str) -> str:
    zero = ord(ZERO[script])
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in s)


def test_thirteen_scripts_of_the_scheduled_languages_are_covered():
    assert len(SENTENCES) == 13 and set(SENTENCES) == set(COVERED_SCRIPTS)
    for script, zero in ZERO.items():
        assert unicodedata.digit(zero) == 0  # the digit table above is Unicode's
    for script, text in SENTENCES.items():
        assert significant_scripts(text.format(p="", a="", n="", e="")) == [script]
    # every scheduled language maps to a covered script
    scheduled = ["as", "bn", "brx", "doi", "gu", "hi", "kn", "ks", "kok", "mai", "ml", "mni", "mr", "ne", "or", "pa",
                 "sa", "sat", "sd", "ta", "te", "ur"]
    assert len(scheduled) == 22 and all(LANG_SCRIPT[c] in COVERED_SCRIPTS for c in scheduled)
    assert set(name_scripts()) <= set(COVERED_SCRIPTS)


@pytest.mark.parametrize("native_digits", [False, True], ids=["ascii-digits", "script-digits"])
def test_identifiers_in_every_script_are_anonymized_and_not_held_back(native_digits):
    scripts = list(SENTENCES)
    texts = []
    for s in scripts:
        d = (lambda v, s=s: _digits(v, s)) if native_digits else (lambda v: v)
        texts.append(SENTENCES[s].format(p=d(PHONE), a=d(AADHAAR), n=PAN, e=EMAIL))
    out = pii_batch(pa.table({"text": texts}), PiiConfig(nlp="none")).to_pylist()
    for s, text, row in zip(scripts, texts, out):
        types = {e["type"] for e in json.loads(row["pii_entities"])}
        assert row["pii_covered"] is True and row["pii_reason"] is None, s
        assert {"IN_PHONE", "IN_AADHAAR", "IN_PAN", "EMAIL_ADDRESS"} <= types, (s, types)
        anon = row["pii_text"]
        for value in (PHONE, AADHAAR, PAN, EMAIL, _digits(PHONE, s), _digits(AADHAAR, s)):
            assert value not in anon, (s, value)


def test_held_back_only_for_text_nothing_covers_with_the_reason():
    rows = {"text": ["Меня зовут Иван, мой телефон " + PHONE, "ආයුබෝවන් මගේ නම සුනිල් " + PHONE,
                     SENTENCES["Telu"].format(p=PHONE, a=AADHAAR, n=PAN, e=EMAIL)],
            "lang": [None, None, "te"]}
    out = pii_batch(pa.table(rows), PiiConfig(nlp="none")).to_pylist()
    assert [r["pii_covered"] for r in out] == [False, False, True]
    assert [r["pii_reason"] for r in out] == ["script:Cyrl", "script:Sinh", None]
    # the phone is still anonymized in a held-back row (it never leaves through another path)
    assert PHONE not in out[0]["pii_text"]
    # a stricter deployment can narrow the covered scripts: then Telugu is held back too, by name
    strict = pii_batch(pa.table({"text": [rows["text"][2]]}), PiiConfig(nlp="none", covered_scripts=["Latn", "Deva"]))
    assert strict.column("pii_reason").to_pylist() == ["script:Telu"]
