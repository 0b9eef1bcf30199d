"""Place names that look like person names: "Priya Nagar", "Rajiv Gandhi Chowk", "Nehru Marg".

Indian localities, roads and housing societies are often named after people, so the name recognizer
finds a person where an address stands. :func:`retype_places` turns such a span into an ``ADDRESS``
span covering the place word too, so that it gets an address replacement (``<ADDRESS>`` by default)
and never a person's pseudonym:

* a name followed by a place word ("Rajiv Gandhi" + " Chowk") is an address;
* a name whose last word is a place word ("Shanti Nagar") is an address when the text around it reads as
  one (a house number or an address word before it, a PIN code after it), or when nothing marks it as a
  person (a name trigger or honorific before it, "called"/"ji"/"ने" after it, a place word that is also a
  surname in the lexicon): "Priya Nagar" the person keeps her pseudonym in "Smt. Priya Nagar called".

The word lists were written for curate from common Indian address forms (English and the major scripts).
"""

from __future__ import annotations

import regex as re

from presidio_analyzer import Pattern

from curate.pii.context import PLACE_WORDS
from curate.pii.lexicon import load_lexicon
from curate.pii.recognizers.base import NUM_R, IndiaRecognizer

ENTITY = "ADDRESS"


# Words before a place that say an address is being given.
_CUES = re.compile(r"(?i:(?<![\p{L}])(?:address|addr|flat|house|h\.? ?no|plot|door|near|opp|opposite|behind|"
                   r"beside|floor|wing|resident of|r/o|lives? (?:at|in)|located at|पता|मकान|फ्लैट|ঠিকানা|முகவரி|સરનામું)"
                   r"(?![\p{L}]))|\d")
_PIN_AFTER = re.compile(r"^[\s,\-]{0,3}(?:[\p{L}.]+[\s,\-]{1,3}){0,3}[1-9][0-9]{2}\s?[0-9]{3}(?![0-9])")
_WORD_AFTER = re.compile(r"^[ \t]+([\p{L}\p{M}]+)")
_LAST_WORD = re.compile(r"([\p{L}\p{M}]+)\W*$")
_CUE_WINDOW = 40
# What marks the words as a person after all: a name trigger or honorific right before, or a person's verb or
# "ji" right after ("mera naam Rahul Nagar hai", "Smt. Priya Nagar", "Priya Nagar called").
_PERSON_BEFORE = re.compile(r"(?i:(?<![\p{L}])(?:name(?: is)?|naam|nam|i am|i'm|this is|myself|mr|mrs|ms|miss|dr|shri|"
                            r"shree|sri|smt|kumari|नाम|श्री|श्रीमती|सुश्री)[\s.:,-]*)$")
_PERSON_AFTER = re.compile(r"(?i:^\s+(?:called|calls|said|says|wrote|writes|asked|replied|ji|ne|जी|ने)(?![\p{L}]))")


# "Bandra West", "Andheri East", "Delhi North": a locality's side is a place word at the end of a name.
_SIDES = frozenset({"west", "east", "north", "south"})
# A preposition of place right before the words: "ATM at Bandra", "lives in Kurla", "near Ameerpet".
_LOCATIVE = re.compile(r"(?i:(?<![\p{L}])(?:at|in|near|opp\.?|opposite|behind|beside)\s+)$")
# "from" also introduces a sender ("an e-mail from Jagvinder Oberoi"): a place only right after a person's name,
# "Customer Mohammed Irfan Shaikh from Kurla".
_FROM = re.compile(r"(?i:(?<![\p{L}])from\s+)$")


def _is_place(word: str) -> bool:
    return word.lower() in PLACE_WORDS or word.lower() in _SIDES


def locative(text: str, start: int, end: int, after_person: bool = False) -> bool:
    """Do the words ``text[start:end]``, none of them a name the lexicon knows, stand where a place stands: after
    "at"/"in"/"near"/"opposite"…, or after "from" when a person's name comes right before (``after_person``)?"""
    lex = load_lexicon()
    if any(lex.kind(w) for w in re.findall(r"[\p{L}\p{M}]+", text[start:end])):
        return False
    before = text[max(0, start - 12):start]
    return bool(_LOCATIVE.search(before) or (after_person and _FROM.search(before)))


def _reads_as_address(text: str, start: int, end: int) -> bool:
    line_start = max(text.rfind("\n", 0, start) + 1, start - _CUE_WINDOW)
    return bool(_CUES.search(text[line_start:start]) or _PIN_AFTER.match(text[end:end + 60]))


def place_end(text: str, start: int, end: int) -> int | None:
    """Where the place ends when the name ``text[start:end]`` is part of one, else None."""
    nxt = _WORD_AFTER.match(text[end:])
    if nxt and _is_place(nxt.group(1)):
        return end + nxt.end(1)
    last = _LAST_WORD.search(text[start:end])
    if last and _is_place(last.group(1)):
        if _reads_as_address(text, start, end):
            return end
        person = (_PERSON_BEFORE.search(text[max(0, start - 20):start]) or _PERSON_AFTER.match(text[end:end + 12])
                  or load_lexicon().kind(last.group(1)) is not None)
        if not person:
            return end
    return None


# The number of a house, flat or plot: 12, 12A, B-204, 3-4-567, 14/2.
_HOUSE_NO = r"[A-Za-z]?[0-9]+[A-Za-z]?(?:\s?[-/]\s?[A-Za-z]?[0-9]+[A-Za-z]?)*" + NUM_R


class HouseNumberRecognizer(IndiaRecognizer):
    """A house, flat or plot number: the part of an address that names one household ("Flat 12, Shanti
    Apartments", "H.No. 3-4-567", "मकान नंबर 45"). With "no."/"number"/"#" (or the Hindi word for it) the phrase
    is an address by itself; a bare "flat 12" needs an address word, a city or a PIN code near it ("room 12 is
    cold" is not one). The span covers the word and the number; the street and city around it stay."""

    ENTITY = ENTITY
    PATTERNS = [
        Pattern("house no", r"(?i:(?<![a-z])(?:h\.?\s?no|(?:house|flat|plot|door|quarter|qtr|khasra|survey|shop)\s?"
                r"(?:no|number|num|#)|d\.?\s?no)(?![a-z])\.?)\s*[:\-]?\s*" + _HOUSE_NO, 0.6),
        Pattern("house", r"(?i:(?<![a-z])(?:flat|house|plot|door|apartment|apt|villa|bungalow|quarter|qtr|"
                r"building|bldg)(?![a-z]))\s*[:\-]?\s*" + _HOUSE_NO, 0.3),
        Pattern("मकान नंबर", r"(?:मकान|फ्लैट|प्लॉट|घर)\s*(?:नंबर|नं\.?|संख्या|क्रमांक)\s*[:\-]?\s*" + _HOUSE_NO, 0.6),
    ]
    priority = 25
