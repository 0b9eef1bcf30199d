"""A small, casual (chat-style) romaniser for the Brahmic scripts of India.

Used only at build time, to turn the project's own native-script seed sentences into
romanized training text. The scheme is Hunterian-like and informal on purpose,
because that is how people type Hindi or Tamil in Latin letters: no diacritics,
``sh``/``ch``/``th``, and the inherent vowel dropped at the end of Indo-Aryan words
(``राम`` -> ``ram``) but kept in Dravidian ones (``ಮನೆ`` -> ``mane``).

The Unicode blocks Deva…Mlym share one layout (ISCII heritage), so one table of
offsets from the block start serves every script; a few per-script overrides
follow the way each language is usually typed (Bengali ব = b, Tamil ச = s …).
``long_vowels`` chooses between ``aa/ee/oo`` and ``a/i/u``, the two spellings
people actually use; the builder emits both variants.
"""

from __future__ import annotations

import re
import unicodedata

from curate.text.scripts import ISCII_BLOCK_START as BLOCKS

DRAVIDIAN = {"Taml", "Telu", "Knda", "Mlym"}

_VOWELS = {0x05: "a", 0x06: "aa", 0x07: "i", 0x08: "ee", 0x09: "u", 0x0A: "oo", 0x0B: "ri", 0x0C: "li",
           0x0D: "e", 0x0E: "e", 0x0F: "e", 0x10: "ai", 0x11: "o", 0x12: "o", 0x13: "o", 0x14: "au"}
_MATRAS = {0x3E: "aa", 0x3F: "i", 0x40: "ee", 0x41: "u", 0x42: "oo", 0x43: "ri", 0x44: "ri", 0x45: "e",
           0x46: "e", 0x47: "e", 0x48: "ai", 0x49: "o", 0x4A: "o", 0x4B: "o", 0x4C: "au", 0x62: "li", 0x63: "li"}
_CONS = {0x15: "k", 0x16: "kh", 0x17: "g", 0x18: "gh", 0x19: "ng", 0x1A: "ch", 0x1B: "chh", 0x1C: "j",
         0x1D: "jh", 0x1E: "ny", 0x1F: "t", 0x20: "th", 0x21: "d", 0x22: "dh", 0x23: "n", 0x24: "t",
         0x25: "th", 0x26: "d", 0x27: "dh", 0x28: "n", 0x29: "n", 0x2A: "p", 0x2B: "ph", 0x2C: "b",
         0x2D: "bh", 0x2E: "m", 0x2F: "y", 0x30: "r", 0x31: "r", 0x32: "l", 0x33: "l", 0x34: "zh",
         0x35: "v", 0x36: "sh", 0x37: "sh", 0x38: "s", 0x39: "h",
         0x58: "q", 0x59: "kh", 0x5A: "gh", 0x5B: "z", 0x5C: "d", 0x5D: "rh", 0x5E: "f", 0x5F: "y"}
_OVERRIDES = {
    "Beng": {0x2F: "j", 0x5F: "y", 0x5C: "r", 0x5D: "rh", 0x70: "r", 0x71: "w"},
    "Taml": {0x1A: "s", 0x24: "th", 0x1F: "t", 0x2A: "p", 0x31: "r", 0x29: "n", 0x1C: "j"},
    "Mlym": {0x31: "r", 0x34: "zh", 0x33: "l"},
    "Guru": {0x5C: "r", 0x59: "kh", 0x5A: "gh", 0x5B: "z", 0x5E: "f"},
}
# Length marks that act as vowel signs in some scripts (Malayalam au mark, Telugu/Kannada ai length mark).
_EXTRA_MATRAS = {"Mlym": {0x57: "au"}, "Telu": {0x56: "ai"}, "Knda": {0x56: "ai"}, "Taml": {0x57: "au"}}
_CHILLU = {0x7A: "n", 0x7B: "n", 0x7C: "r", 0x7D: "l", 0x7E: "l", 0x7F: "k"}  # Malayalam
_VIRAMA, _ANUSVARA, _CANDRA, _VISARGA, _NUKTA = 0x4D, 0x02, 0x01, 0x03, 0x3C
_GURU_TIPPI, _GURU_ADDAK = 0x70, 0x71


def _script_of(ch: str) -> str | None:
    cp = ord(ch)
    for script, base in BLOCKS.items():
        if base <= cp < base + 0x80:
            return script
    return None


def _short(s: str) -> str:
    return {"aa": "a", "ee": "i", "oo": "u"}.get(s, s)


# Spoken-form spellings that chat writers use for the Dravidian languages, applied to a word the
# letter-by-letter scheme produced (``casual=True``). Tamil script has one letter for k/g, t/d, th/dh,
# p/b, and writers spell the sound: voiced between vowels and after a nasal (படம் patam -> padam,
# ரொம்ப rompa -> romba, வந்து vanthu -> vandhu, எங்கே engke -> enge), ச்ச is "ch" (vanthuchu).
# Malayalam words ending in a virama end in a spoken "u" (എനിക്ക് enikk -> enikku). An anusvara
# before p/b is "m" in every script (ತುಂಬ tunba -> tumba). Tamil/Malayalam ழ is "zh" or "l".
_V = "aeiou"
_CASUAL: dict[str, list[tuple[re.Pattern, str]]] = {
    "Taml": [(re.compile(p), r) for p, r in [
        (r"ngk", "ng"), (r"nj?s", "nj"), (r"(?<=[aeiou])k(?=[aeiouy])", "g"), (r"(?<=[aeiou])t(?=[aeiouy])", "d"),
        (r"nth", "ndh"), (r"(?<=[aeiou])th(?=[aeiouy])", "dh"), (r"mp", "mb"), (r"nt(?!h)", "nd"),
        (r"ss", "ch"), (r"nr", "ndr")]],
    "Mlym": [(re.compile(p), r) for p, r in [(r"ngk", "ng"), (r"nt$", "nd")]],
    "Knda": [(re.compile(p), r) for p, r in [(r"n(?=[pb])", "m"), (r"chch", "ch")]],
    "Telu": [(re.compile(p), r) for p, r in [(r"n(?=[pb])", "m"), (r"chch", "ch")]],
}
_ZH_AS_L = re.compile("zh")


def romanize(text: str, long_vowels: bool = True, casual: bool = False, zh_as_l: bool = False) -> str:
    """Romanise every Brahmic-script run of ``text``; other characters pass through.

    ``casual`` respells Dravidian words the way they sound (see ``_CASUAL``); ``zh_as_l`` writes
    ழ/ഴ as "l" (tamil, vala), as many writers do.
    """
    text = unicodedata.normalize("NFC", text).replace("\u200c", "").replace("\u200d", "")
    out: list[str] = []
    for word in text.split(" "):
        w = _romanize_word(word, long_vowels)
        if casual and w:
            script = next((sc for sc in map(_script_of, word) if sc), None)
            for pat, rep in _CASUAL.get(script, ()):
                w = pat.sub(rep, w)
            if script == "Mlym" and word.endswith("\u0d4d"):
                w += "u"  # a final virama (not a chillu) is the spoken "u"
        if zh_as_l:
            w = _ZH_AS_L.sub("l", w)
        out.append(w)
    return " ".join(out)


def _romanize_word(word: str, long_vowels: bool) -> str:
    res: list[str] = []
    pending_a = False  # an inherent vowel is owed after the last consonant
    double_next = False
    script = None
    for ch in word:
        sc = _script_of(ch)
        if sc is None:
            if pending_a:
                res.append("a")
                pending_a = False
            res.append(ch)
            continue
        script = sc
        off = ord(ch) - BLOCKS[sc]
        over = _OVERRIDES.get(sc, {})
        if off in (_VIRAMA,):
            pending_a = False
            continue
        if off == _NUKTA:
            continue
        if sc == "Guru" and off == _GURU_ADDAK:
            if pending_a:
                res.append("a")
                pending_a = False
            double_next = True
            continue
        if off in _MATRAS or off in _EXTRA_MATRAS.get(sc, {}):
            v = _MATRAS.get(off) or _EXTRA_MATRAS[sc][off]
            res.append(v if long_vowels else _short(v))
            pending_a = False
            continue
        if off in (_ANUSVARA, _CANDRA) or (sc == "Guru" and off == _GURU_TIPPI):
            if pending_a:
                res.append("a")
                pending_a = False
            res.append("M" if sc in DRAVIDIAN else "n")  # resolved below: m word-finally, else n
            continue
        if off == _VISARGA:
            if pending_a:
                res.append("a")
                pending_a = False
            res.append("h")
            continue
        if sc == "Mlym" and off in _CHILLU:
            if pending_a:
                res.append("a")
                pending_a = False
            res.append(_CHILLU[off])
            continue
        cons = over.get(off, _CONS.get(off))
        if cons is not None:
            if pending_a:
                res.append("a")
            if double_next:
                res.append(cons[0])
                double_next = False
            res.append(cons)
            pending_a = True
            continue
        if off in _VOWELS:
            if pending_a:
                res.append("a")
                pending_a = False
            v = _VOWELS[off]
            if off in (0x0F, 0x10) and res and res[-1] and res[-1][-1] in "aeiou":
                v = "y" + v  # लिए -> liye, गए -> gaye: the glide people type
            res.append(v if long_vowels else _short(v))
            continue
        # digits, dandas, signs: keep as-is (digits are dropped by the tokenizer anyway)
        if pending_a:
            res.append("a")
            pending_a = False
        res.append(ch)
    if pending_a and script in DRAVIDIAN:
        res.append("a")  # Dravidian words keep their final vowel; Indo-Aryan drop the schwa
    out = "".join(res)
    if out.endswith("M"):  # word-final anusvara is m (படம் padam), any other is n (అందం andam)
        out = out[:-1] + "m"
    return out.replace("M", "n")
