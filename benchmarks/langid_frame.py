"""An independent label for the matrix language of a romanized Hindi–English row: which language's
function words frame it.

The dev file's English-matrix Hinglish rows are L3Cube-HingLID rows whose *tokens* are mostly tagged EN
(token majority; names and loans such as "nora fatehi", "channel" count as EN). Issue 12 defines the matrix
language as the language of the grammatical frame (Myers-Scotton's Matrix Language Frame: the matrix
language supplies the system morphemes — pronouns, determiners, auxiliaries, adpositions, conjunctions,
negation). This module gives a second label by that definition, so the benchmark can report both:

    frame_language(text) -> "en" | "hi" | None

It counts the closed-class words of each language in the row's main clauses (words of a subordinate clause,
from a subordinator to the next punctuation or Hindi correlative, do not count) and names the language with
more; a tie (or no function word at all) is ``None`` (undecided). The word lists are written from grammar
references, not from the detector (``curate.langid`` is not imported, and its lists are not read):

* English closed classes — Quirk, Greenbaum, Leech & Svartvik, *A Comprehensive Grammar of the English
  Language* (1985), §2.35–2.41 and ch. 6, 9, 13: personal/possessive/demonstrative/interrogative pronouns,
  articles and determiners, primary and modal auxiliaries with their negative contractions, simple
  prepositions, coordinators and subordinators; plus the chat spellings "u", "ur", "im", "dont".
* Hindi closed classes — R. S. McGregor, *Outline of Hindi Grammar* (3rd ed. 1995) and Y. Kachru,
  *Hindi* (2006): postpositions (का की के को से में पर तक ने लिए वाला), pronouns and their oblique and
  possessive forms, the copula and auxiliaries (है हैं था थी हो रहा), negation (नहीं न मत), conjunctions
  and particles (और या लेकिन कि भी ही तो), in the usual romanized chat spellings ("h" for है, "nhi"
  for नहीं, "k" for के, "mai" for मैं/में).

Words that are both an English and a romanized Hindi function word are counted for neither: "me" (में),
"he" (है), "is" (इस), "to" (तो), "or" (और), "the" (थे), "us" (उस), "do" (दो), "hi" (ही), "main" (मैं/में),
"par" (English "par"), "so" (सो). Content words — nouns, verbs, adjectives — never count, so names and
loans, the source of the token-majority disagreements, do not move the label.
"""

from __future__ import annotations

import re

# English closed-class words (Quirk et al. 1985), lower case; the homographs below are removed.
ENGLISH_FUNCTION = frozenset("""
i me my mine myself you your yours yourself he him his himself she her hers herself it its itself we us our ours
ourselves they them their theirs themselves this that these those who whom whose which what where when why how
a an the some any every each no none all both either neither
am is are was were be been being have has had having do does did will would shall should can could may might must
not don doesn didn isn aren wasn weren won wouldn shouldn couldn can't cannot haven hasn hadn
of in on at for with from by to into onto about above below over under after before between through during without
against among since until upon within than
and but or nor because if although though while unless whether so
u ur im ive dont cant wont doesnt didnt isnt thats theres
""".split())

# Romanized Hindi closed-class words (McGregor 1995; Kachru 2006), with common chat spellings.
HINDI_FUNCTION = frozenset("""
ka ki ke k ko se mein mai mei ne pe tak liye lie wala wali wale waala waali waale sath saath
mujhe mujhko mera meri mere hum hm hame hamein humein humko hamara hamari hamare tu tum tujhe tumhe tumko tera teri
tere tumhara tumhari tumhare aap ap aapko apko aapka aapki aapke apka apki apke apna apni apne wo woh vo voh ye yeh
yah vah usko isko uska uski uske iska iski iske unka unki unke inka inki inke unko inko unhe inhe unhone inhone
isne usne kya kaun kaise kaisa kaisi kab kahan kaha kyun kyu kyon jo jis jise jiska jinke koi kuch sab
hai h hain hu hoon hun tha thi thay ho hoga hogi honge hona raha rahi rahe rha rhi rhe
nahi nahin nhi na mat
aur ya lekin magar kyunki kyuki bhi toh jab jabki tab jaise jaisa agar taki taaki
""".split())

# Function words of both languages (see the module docstring): counted for neither.
HOMOGRAPHS = frozenset("me he is to or the us do hi main par so".split())

_WORD_RE = re.compile(r"[a-z]+")
# A letter typed three or more times is an elongation ("haiii", "nahiii"): read as one.
_ELONGATION_RE = re.compile(r"([a-z])\1{2,}")


# The frame is the main clause's (Myers-Scotton 1993: the matrix language is that of the main clause's
# system morphemes), so the words of a subordinate clause do not count: from a subordinating conjunction or
# relative word (Quirk et al. §14.11-12; McGregor ch. on relative-correlative clauses) to the next
# clause punctuation, or, for a Hindi relative clause, to its correlative ("jab ... tab", "agar ... to").
# "they should give reward | jaise ki last year kiya tha" is framed by "they should".
SUBORDINATORS = frozenset("""
because since although though unless whereas while whenever if when which who whom whose
jaise jaisa jaisi kyunki kyuki kyonki agar jab jabki taaki taki halanki jo jis jise jiske jinke
""".split())
CORRELATIVES = frozenset("tab tabhi to toh wo woh vo voh waise waisa vaise vaisa".split())
_PIECE_RE = re.compile(r"[.,!?;:|()\[\]{}\"\n]+")


def _main_clause_words(text: str) -> list[str]:
    """The words of ``text`` outside subordinate clauses; all its words when nothing else is left."""
    words_all: list[str] = []
    kept: list[str] = []
    for piece in _PIECE_RE.split(_ELONGATION_RE.sub(r"\1", text.lower())):
        words = _WORD_RE.findall(piece)
        words_all += words
        inside = False
        for i, w in enumerate(words):
            if w in SUBORDINATORS and (i > 0 or len(words) > 1):
                inside = True
            elif inside and w in CORRELATIVES:
                inside = False
            if not inside:
                kept.append(w)
    return kept or words_all


def function_counts(text: str) -> tuple[int, int]:
    """(English, Hindi) closed-class word counts of ``text``'s main clauses (lower-cased Latin letter runs)."""
    en = hi = 0
    for w in _main_clause_words(text):
        if w in HOMOGRAPHS:
            continue
        if w in ENGLISH_FUNCTION:
            en += 1
        elif w in HINDI_FUNCTION:
            hi += 1
    return en, hi


def frame_language(text: str) -> str | None:
    """``"en"`` or ``"hi"``: the language with more function words in ``text``; ``None`` on a tie."""
    en, hi = function_counts(text)
    if en == hi:
        return None
    return "en" if en > hi else "hi"
