"""Script detection over every script of the 22 scheduled languages.

Expected values come from outside the code under test: Unicode character names (``unicodedata.name``:
every ``DEVANAGARI LETTER …`` is Devanagari) with the ISO 15924 code of each script name written out
below from the ISO 15924 register, and hand-written words in each language.
"""

from __future__ import annotations

import unicodedata

import pytest

from curate.text.scripts import (SCHEDULED_LANGUAGE_SCRIPTS, SCHEDULED_SCRIPTS, dominant_script, letter_counts,
                                 script_of_char, script_shares, significant_scripts)

# ISO 15924 code -> the script's name as Unicode character names spell it (ISO 15924 register, by hand).
NAME_PREFIX = {
    "Latn": "LATIN", "Deva": "DEVANAGARI", "Beng": "BENGALI", "Guru": "GURMUKHI", "Gujr": "GUJARATI",
    "Orya": "ORIYA", "Taml": "TAMIL", "Telu": "TELUGU", "Knda": "KANNADA", "Mlym": "MALAYALAM",
    "Arab": "ARABIC", "Olck": "OL CHIKI", "Mtei": "MEETEI MAYEK",
}
OTHER_PREFIX = {"Cyrl": "CYRILLIC", "Grek": "GREEK", "Thai": "THAI", "Sinh": "SINHALA", "Hebr": "HEBREW",
                "Ethi": "ETHIOPIC", "Tibt": "TIBETAN", "Geor": "GEORGIAN"}

# One hand-written phrase per scheduled language ("<language> language" or the language's own name).
PHRASES = {
    "as": "অসমীয়া ভাষা", "bn": "বাংলা ভাষা", "brx": "बर' राव", "doi": "डोगरी भाशा", "gu": "ગુજરાતી ભાષા",
    "hi": "हिन्दी भाषा", "kn": "ಕನ್ನಡ ಭಾಷೆ", "ks": "کٲشُر زَبان", "kok": "कोंकणी भास", "mai": "मैथिली भाषा",
    "ml": "മലയാളം ഭാഷ", "mni": "মৈতৈলোন্", "mr": "मराठी भाषा", "ne": "नेपाली भाषा", "or": "ଓଡ଼ିଆ ଭାଷା",
    "pa": "ਪੰਜਾਬੀ ਭਾਸ਼ਾ", "sa": "संस्कृतम्", "sat": "ᱥᱟᱱᱛᱟᱲᱤ ᱯᱟᱹᱨᱥᱤ", "sd": "سنڌي ٻولي", "ta": "தமிழ் மொழி",
    "te": "తెలుగు భాష", "ur": "اردو زبان",
}
# Scripts a scheduled language is also written in: Manipuri in Meetei Mayek, English/romanized in Latin.
ALSO = {"mni": ("ꯃꯩꯇꯩꯂꯣꯟ", "Mtei"), "en": ("English language", "Latn")}

# Named after one script but Script=Common in Unicode's Scripts.txt, because several scripts use them:
# the tatweel (a justification stroke of Arabic, Syriac, Mandaic, Manichaean ... text), the Greek numeral sign
# (also Coptic).
SHARED = {"ARABIC TATWEEL", "GREEK NUMERAL SIGN"}


def _chars(prefix: str):
    """Every assigned letter and mark whose Unicode name starts with ``prefix`` (e.g. 'TAMIL LETTER KA')."""
    for cp in range(0x30000):
        ch = chr(cp)
        if unicodedata.category(ch)[0] in "LM" and unicodedata.name(ch, "").startswith(prefix + " "):
            yield ch


@pytest.mark.parametrize("code", sorted(NAME_PREFIX) + sorted(OTHER_PREFIX))
def test_every_letter_and_mark_named_after_a_script_is_in_it(code):
    prefix = {**NAME_PREFIX, **OTHER_PREFIX}[code]
    chars = list(_chars(prefix))
    assert len(chars) >= 20, prefix
    wrong = [f"U+{ord(c):04X} {unicodedata.name(c)}" for c in chars
             if script_of_char(c) != code and unicodedata.name(c) not in SHARED]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("code", sorted(NAME_PREFIX))
def test_digits_and_punctuation_of_a_script_are_no_script(code):
    prefix = NAME_PREFIX[code]
    # 'DEVANAGARI DIGIT FOUR', 'ARABIC-INDIC DIGIT FOUR', 'EXTENDED ARABIC-INDIC DIGIT FOUR' ...
    digits = [chr(cp) for cp in range(0x30000)
              if unicodedata.category(chr(cp)) == "Nd" and prefix in unicodedata.name(chr(cp), "").split(" DIGIT ")[0]]
    assert len(digits) >= (20 if code == "Arab" else 10) or code == "Latn"
    assert all(script_of_char(d) == "Zyyy" for d in digits)


def test_common_characters_are_no_script():
    # Script=Common in Unicode: © × ÷ ₹ danda, double danda, Arabic comma, tatweel, Ol Chiki punctuation mucaad.
    for ch in "©×÷₹।॥،ـ᱾ 0123456789.,!?😀\u200d":
        assert script_of_char(ch) == "Zyyy", f"U+{ord(ch):04X} {unicodedata.name(ch, '?')}"
    assert script_shares("© 2024 × 3 = ₹ 99 ।") == {}


@pytest.mark.parametrize("lang", sorted(PHRASES))
def test_each_scheduled_language_phrase_is_all_its_script(lang):
    text = PHRASES[lang]
    script = SCHEDULED_LANGUAGE_SCRIPTS[lang]
    assert script_shares(text) == {script: 1.0}
    assert dominant_script(text) == script
    letters = sum(1 for ch in text if unicodedata.category(ch)[0] in "LM")
    assert letter_counts(text) == {script: letters}  # every letter and vowel sign counted, nothing else


def test_scheduled_languages_and_their_scripts():
    assert len(SCHEDULED_LANGUAGE_SCRIPTS) == 22
    assert set(SCHEDULED_LANGUAGE_SCRIPTS.values()) | {s for _, s in ALSO.values()} == set(SCHEDULED_SCRIPTS)
    for text, script in ALSO.values():
        assert script_shares(text) == {script: 1.0}


def test_mixed_text_shares_and_significance():
    text = "मेरा UPI payment fail हो गया"  # UPI payment fail: 3 + 7 + 4 Latin letters; म े र ा, ह ो, ग य ा: 9
    assert list(letter_counts(text).items()) == [("Latn", 14), ("Deva", 9)]
    assert script_shares(text) == {"Latn": round(14 / 23, 4), "Deva": round(9 / 23, 4)}
    assert significant_scripts(text) == ["Deva", "Latn"]
    assert significant_scripts("नमस्ते दोस्तों, my name is Priyanka Sharma", min_letters=8) == ["Deva", "Latn"]
    assert significant_scripts("नमस्ते दोस्तों, aaa") == ["Deva"]       # three Latin letters are not a script


def test_astral_and_inherited():
    assert script_of_char("\U00020000") == "Hani"             # CJK Extension B
    assert script_of_char("\U0010FFFF") == "Zyyy"             # beyond the table
    assert script_of_char("\u064e") == "Arab"                 # ARABIC FATHA: Inherited, in the Arabic block
    assert script_of_char("\u0301") == "Zyyy"                 # COMBINING ACUTE ACCENT: Inherited, no script
    assert dominant_script("") is None and dominant_script("१२३ …") is None



def test_generated_ranges_are_what_the_table_holds():
    from curate.text._unicode_tables import LETTER_RANGES

    for lo, hi, code in LETTER_RANGES:
        assert script_of_char(chr(lo)) == code and script_of_char(chr(hi)) == code
        assert script_of_char(chr(hi + 1)) != code  # runs are maximal


def test_iscii_blocks_align_letters():
    from curate.text.scripts import ISCII_BLOCK_START

    # The letter KA of each Brahmic script sits at the same offset (0x15) from its block's start.
    names = {"Deva": "DEVANAGARI", "Beng": "BENGALI", "Guru": "GURMUKHI", "Gujr": "GUJARATI", "Orya": "ORIYA",
             "Taml": "TAMIL", "Telu": "TELUGU", "Knda": "KANNADA", "Mlym": "MALAYALAM"}
    for code, name in names.items():
        assert ord(unicodedata.lookup(f"{name} LETTER KA")) == ISCII_BLOCK_START[code] + 0x15


def test_viramas_and_letter_classes():
    import re

    from curate.text.scripts import INDIC_BLOCKS_RANGE, VIRAMAS, letter_class

    for name in ("DEVANAGARI SIGN VIRAMA", "BENGALI SIGN VIRAMA", "GURMUKHI SIGN VIRAMA", "GUJARATI SIGN VIRAMA",
                 "ORIYA SIGN VIRAMA", "TAMIL SIGN VIRAMA", "TELUGU SIGN VIRAMA", "KANNADA SIGN VIRAMA",
                 "MALAYALAM SIGN VIRAMA", "SINHALA SIGN AL-LAKUNA", "MEETEI MAYEK APUN IYEK"):
        assert unicodedata.lookup(name) in VIRAMAS, name
    assert "\u093e" not in VIRAMAS  # DEVANAGARI VOWEL SIGN AA
    ol_chiki = re.compile(f"[{letter_class(['Olck'])}]+")
    letters = "".join(_chars("OL CHIKI"))
    assert ol_chiki.fullmatch(letters)
    assert not ol_chiki.search("\u1c50\u1c59 abc \u0915")  # OL CHIKI DIGIT ZERO/NINE, Latin, Devanagari
    indic = re.compile(f"[{INDIC_BLOCKS_RANGE}]")
    assert indic.match(unicodedata.lookup("DEVANAGARI LETTER KA"))
    assert indic.match(unicodedata.lookup("SINHALA LETTER AYANNA"))
    assert not indic.match("a") and not indic.match(unicodedata.lookup("ARABIC LETTER ALEF"))


def test_block_range_is_the_whole_block():
    import re

    from curate.text.scripts import block_range

    deva = re.compile(f"[{block_range('Deva')}]")
    # DEVANAGARI SIGN INVERTED CANDRABINDU (first), DANDA and DIGIT ZERO (Common / digits), LETTER UUE (last)
    for name in ("DEVANAGARI SIGN INVERTED CANDRABINDU", "DEVANAGARI DANDA", "DEVANAGARI DIGIT ZERO",
                 "DEVANAGARI LETTER UUE"):
        assert deva.match(unicodedata.lookup(name)), name
    assert not deva.match(unicodedata.lookup("BENGALI LETTER KA"))
