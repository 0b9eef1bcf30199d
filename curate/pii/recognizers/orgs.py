"""Organisations named after people: "Bajaj Allianz", "Aditya Birla Capital", "Kotak Mahindra Bank".

Indian companies, banks and trusts carry their founders' family names, so the name recognizer (or spaCy) finds
a person where a company stands, and the pseudonym operator turned "Bajaj Allianz policy renewal pending" into
"Krishna Shankar policy renewal pending". A company is not personal data: a "person" whose last word, or the word
right after it, is a word of a company name (Finance, Capital, Bank, Insurance, Motors, Ltd …) is left alone.
The word list was written for curate from the legal and trade forms of Indian company names.
"""

from __future__ import annotations

import regex as re

# Only words that name a company and nothing else: "General", "Life", "Group", "Trust", "Services", "Co" follow a
# person's name too ("Rahul Sharma General Manager", "Ramesh Kumar Co-ordinator"), and leaving that name in clear
# would be a leak.
ORG_WORDS = frozenset((
    "finance finserv fincorp capital bank insurance assurance allianz securities motors industries enterprises ltd "
    "limited pvt llp inc corp corporation pharma pharmaceuticals textiles cement realty developers builders "
    "constructions logistics airlines airways telecom infotech infosystems technologies sahakari holdings ventures "
    "मोटर्स फाइनेंस बैंक इंश्योरेंस लिमिटेड कैपिटल"
).split())
_WORD_AFTER = re.compile(r"^[ \t]+([\p{L}\p{M}]+)")
_LAST_WORD = re.compile(r"([\p{L}\p{M}]+)\W*$")


def is_org(text: str, start: int, end: int) -> bool:
    """Is the "person" ``text[start:end]`` the name of an organisation (its last word, or the next one, is a
    word of a company name)?"""
    last = _LAST_WORD.search(text[start:end])
    nxt = _WORD_AFTER.match(text[end:])
    return bool((last and last.group(1).lower() in ORG_WORDS) or (nxt and nxt.group(1).lower() in ORG_WORDS))
