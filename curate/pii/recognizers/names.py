"""Person names in Latin and the scripts of the scheduled languages (Devanagari, Bengali, Gurmukhi, Gujarati,
Odia, Tamil, Telugu, Kannada, Malayalam, Perso-Arabic), and in Hinglish.

Three kinds of evidence, strongest first:

1. **Triggers**: a phrase that introduces a name — "my name is", "mera naam … hai",
   "मेरा नाम … है", "माझे नाव", "আমার নাম", "என் பெயர்", honorifics (Shri, Smt., Dr., श्री,
   श्रीमती, শ্রী, திரு …), "… ji"/"… जी", "s/o", "Name:" labels. The words that follow are
   taken as the name even when they are not in any lexicon.
   Role words work the same way ("Customer Jagrati Oza called", "agent X", "ग्राहक X"), and so do
   verbs right after a capitalised name ("Jagrati Oza called/said/wrote …", "X ने").
2. **Lexicon**: runs of adjacent tokens where a known given name appears, or two known
   name tokens stand together ("Asha Verma"). Names that are also ordinary words (आशा = hope)
   never count alone.
3. **NLP** (optional, Latin script only): spaCy PERSON entities, filtered; see
   :class:`SpacyPersonRecognizer`.

Capitalised words alone are not names: "Please call Support on Monday" stays intact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult

from curate.pii.lexicon import Lexicon, load_lexicon
from curate.text.scripts import SCHEDULED_SCRIPTS, letter_class, script_of_char

ENTITY = "PERSON"
# Scripts whose names this recognizer finds, each measured by benchmarks/pii.py (PERSON recall per script on names
# it has never seen): triggers, roles and honorifics in all of them, lexicons in Latin, Devanagari, Bengali and
# Tamil, carried over to Gujarati, Gurmukhi, Odia, Telugu, Kannada and Malayalam. Ol Chiki and Meetei Mayek have a
# trigger phrase but no measurement: rows in them are reported as "names not checked".
NAME_SCRIPTS = ("Latn", "Deva", "Beng", "Taml", "Gujr", "Guru", "Orya", "Telu", "Knda", "Mlym", "Arab")

# Letters (and combining marks) of the non-Latin scripts of the scheduled languages (not their digits or
# dandas: curate.text.scripts), and ZWNJ/ZWJ.
_IND = letter_class([s for s in SCHEDULED_SCRIPTS if s != "Latn"]) + "\u200c\u200d"
TOKEN = re.compile(rf"[A-Za-z]+(?:['’][A-Za-z]+)?|[{_IND}]+(?:['’][{_IND}]+)?")  # D’Souza, डी’सोउज़ा

# Trigger phrases; the name starts right after the match. (pattern, strength): "strong" accepts
# lowercase/unknown words, "weak" needs a capitalised word or a lexicon word.
_TRIGGERS = [
    (r"(?i:(?<![a-z])(?:my name is|my name's|name is|mera naam|mera nam|meraa naam|mera name|mujhe|naam hai|myself|"
     r"i am|i'm|im|this is|it's|main|mai|hum|speaking to|ask for|s/o|d/o|w/o|c/o|son of|daughter of|wife of|"
     r"husband of|father's name|father name|mother's name|mother name|nominee|account holder|holder name|"
     r"customer name|beneficiary|applicant|patient|name|naam)(?![a-z])\s*[:\-–]?\s*)", "latin"),
    (r"(?<![A-Za-z])(?:Shri|Shree|Sri|Smt|Shrimati|Srimati|Kumari|Km|Sushri|Dr|Mr|Mrs|Ms|Miss|Prof|Late|Capt|Col|"
     r"Adv|Er|Thiru|Tiru|Thirumathi|Selvi|Babu|Janab|Begum|Sardar)\.?\s+", "honorific"),
    (r"(?i:(?<![a-z])(?:dear|hi|hello|hey|regards|thanks|namaste|namaskar|thank you)(?![a-z])[,!]?\s+)", "weak"),
    (r"(?:मेरा नाम|मेरा नम|(?:पिता|पिताजी|माता|माँ|मां|पति|पत्नी|बेटे|बेटी|नॉमिनी|ग्राहक) का नाम|(?:वडिलांचे|आईचे) नाव|"
     r"नाम|मैं|माझे नाव|माझं नाव|माझा नाव|नाव|मी|पुत्र|पुत्री|पत्नी|पति|पिता|खाताधारक|नामांकित)\s*[:\-–]?\s*", "indic"),
    (r"(?:श्रीमती|श्रीमान|श्री|सुश्री|कुमारी|डॉ\.?|डा\.|डॉक्टर|स्व\.|सौ\.|चि\.|जनाब|बेगम|सरदार)\s*", "indic_honorific"),
    (r"(?:আমার নাম|নাম|আমি)\s*[:\-–]?\s*", "indic"),
    (r"(?:শ্রীমতী|শ্রীমান|শ্রী|ডাঃ|ডঃ|ড\.|কুমারী)\s*", "indic_honorific"),
    (r"(?:என் பெயர்|என்னுடைய பெயர்|பெயர்|நான்)\s*[:\-–]?\s*", "indic"),
    (r"(?:திருமதி|திரு\.?|செல்வி|டாக்டர்|முனைவர்)\s*", "indic_honorific"),
    (r"(?:મારું નામ|નામ|હું)\s*[:\-–]?\s*", "indic"),
    (r"(?:શ્રીમતી|શ્રી|ડૉ\.?)\s*", "indic_honorific"),
    (r"(?:मेरो नाम|ਮੇਰਾ ਨਾਮ|ਨਾਮ|ਮੈਂ|ମୋ ନାମ|ମୋର ନାମ|ନାମ|ମୁଁ|నా పేరు|పేరు|నేను|ನನ್ನ ಹೆಸರು|ಹೆಸರು|ನಾನು|എന്റെ പേര്|"
     r"പേര്|ഞാൻ|میرا نام|نام|میں|ᱤᱧᱟᱜ ᱧᱩᱛᱩᱢ|ꯑꯩꯒꯤ ꯃꯃꯤꯡ)\s*[:\-–]?\s*", "indic"),
    (r"(?:ਸ਼੍ਰੀਮਤੀ|ਸ੍ਰੀਮਤੀ|ਸ਼੍ਰੀ|ਸ੍ਰੀ|ਸਰਦਾਰ|ଶ୍ରୀମତୀ|ଶ୍ରୀ|శ్రీమతి|శ్రీ|ಶ್ರೀಮತಿ|ಶ್ರೀ|ശ്രീമതി|ശ്രീ|جناب|محترمہ|محترم|بیگم)\s*",
     "indic_honorific"),
    # Role words: the person's name follows ("Customer Jagrati Oza called", "ग्राहक X का मोबाइल").
    (r"(?:(?<![A-Za-z])(?:[Cc]ustomer|[Cc]lient|[Aa]gent|[Cc]aller|[Ee]xecutive|[Rr]epresentative|[Aa]dvisor|[Oo]fficer|"
     r"[Mm]anager|[Tt]echnician|[Cc]ourier|[Dd]elivery (?:boy|partner|agent)|[Ss]poke (?:to|with)|[Tt]alked to|"
     r"[Aa]ssisted by|[Hh]andled by|[Ee]scalated to|[Aa]ssigned to|[Cc]alled by|[Rr]eferred by)"
     r"(?![A-Za-z])(?: (?:name|named|called))?:?[ \t]+)", "role"),
    # "ग्राहक X" and the form label "ग्राहक: X" (a KYC note, a CRM export pasted into text).
    (r"(?:ग्राहक|उपभोक्ता|एजेंट|कर्मचारी|খাতাধারী|গ্রাহক|வாடிக்கையாளர்|ગ્રાહક|ਗਾਹਕ|ଗ୍ରାହକ|వినియోగదారు|ಗ್ರಾಹಕ|ഉപഭോക്താവ്|"
     r"گاہک)(?:\s*[:\-–]\s*|\s+)", "indic_role"),
]
# Titles that precede a name but are not part of it (the walk back from a verb stops at them).
HONORIFICS = {"shri", "shree", "sri", "smt", "shrimati", "srimati", "kumari", "km", "sushri", "dr", "mr", "mrs", "ms",
               "miss", "prof", "late", "capt", "col", "adv", "er", "thiru", "tiru", "selvi", "janab", "begum", "sardar",
               "श्री", "श्रीमती", "श्रीमान", "सुश्री", "कुमारी", "डॉ", "स्व", "सौ", "चि", "जनाब", "बेगम", "सरदार", "শ্রী",
               "শ্রীমতী", "শ্রীমান", "திரு", "திருமதி", "செல்வி", "શ્રી", "શ્રીમતી", "ਸ਼੍ਰੀ", "ਸ੍ਰੀ", "ਸ਼੍ਰੀਮਤੀ", "ਸਰਦਾਰ", "ଶ୍ରୀ",
               "ଶ୍ରୀମତୀ", "శ్రీ", "శ్రీమతి", "ಶ್ರೀ", "ಶ್ರೀಮತಿ", "ശ്രീ", "ശ്രീമതി", "جناب", "محترمہ", "محترم", "بیگم"}
def _context_tokens() -> frozenset[str]:
    from curate.pii.context import CONTEXT, NEGATIVE_CONTEXT

    words = [w for ws in CONTEXT.values() for w in ws] + NEGATIVE_CONTEXT
    return frozenset(tok.lower() for w in words for tok in w.split())


# Words that name an identifier or a look-alike ("पैन", "பான்", "मोबाइल", "order"): never part of a name.
_CONTEXT_TOKENS = _context_tokens()
# Verbs and particles right after a name: "Jagrati Oza called", "X said", "X ने फोन किया", "X here".
_AFTER_VERB = re.compile(r"[ ](?:called|calls|rang|said|says|asked|asks|wrote|writes|complained|reported|mentioned|"
                         r"requested|emailed|messaged|visited|replied|confirmed|informed|here|has called|is calling)"
                         r"(?![A-Za-z])|[ ](?:ने|ने\b|जी ने)(?![" + _IND + r"])")
_TRIGGER_RE = [(re.compile(p), kind) for p, kind in _TRIGGERS]
# Suffix honorifics: the name is right before them.
_SUFFIX_RE = re.compile(r"(?:[ \-](?:ji|jee|saab|sahab|sahib|bhai|babu|garu|avargal)(?![A-Za-z]))|(?:[ \-]?(?:जी|साहब|बाबू|ভাই|বাবু|দা|গারু|அவர்கள்|ஜி)(?![" + _IND + r"]))")
_HINGLISH_CLOSE = {"hai", "h", "he", "hain", "hu", "hoon", "hun", "hai.", "है", "हूँ", "हूं", "हैं", "आहे", "છે", "আছে",
                   "हो", "ਹੈ", "ਹਾਂ", "ہے", "ہوں", "ହେଉଛି", "ଅଟେ"}
# Sentence punctuation that also ends a name after "my name is" (scripts without a closing copula: "নাম X Y।").
_END_PUNCT = set(".,;:!?।॥۔،\n")
# Postpositions and particles that follow a full name and end it (Hindi/Marathi, Punjabi, Gujarati): "X Y का".
_NAME_END_PARTICLES = {"का", "की", "के", "ने", "को", "से", "जी", "चा", "ची", "चे", "ला", "नी", "ਦਾ", "ਦੀ", "ਦੇ", "ਨੇ",
                       "ਨੂੰ", "નો", "ની", "ના", "ને"}
# Words that label a name field in a form ("Name: …", "नाम: …") when a colon or dash follows them.
_LABEL_WORDS = {"name", "naam", "नाम", "नाव", "নাম", "பெயர்", "નામ", "ਨਾਮ", "ନାମ", "పేరు", "ಹೆಸರು", "പേര്", "نام"}
# Tokens that end a name run: function words + verbs of speech.
_MAX_TOKENS = 3


@dataclass
class Tok:
    start: int
    end: int
    text: str
    latin: bool


def tokenize(text: str) -> list[Tok]:
    return [Tok(m.start(), m.end(), m.group(), m.group()[0].isascii()) for m in TOKEN.finditer(text)]


def _is_cap(tok: Tok) -> bool:
    t = tok.text
    return t[0].isupper() and (len(t) == 1 or t[1:].islower() or t[1] in "'’")


def _adjacent(text: str, a: Tok, b: Tok) -> bool:
    """Two tokens belong to one name only if separated by a space (or an initial's dot and a space)."""
    gap = text[a.end:b.start]
    return gap == " " or (len(a.text) == 1 and gap in (". ", "."))


class IndianNameRecognizer(EntityRecognizer):
    """Trigger + lexicon person-name recognizer for Indian names in several scripts."""

    def __init__(self, supported_language: str = "en"):
        super().__init__(supported_entities=[ENTITY], supported_language=supported_language,
                         name="IndianNameRecognizer")
        self.lex: Lexicon = load_lexicon()

    def load(self) -> None:  # noqa: D102 - lexicon is loaded in __init__
        pass

    # ---------------------------------------------------------------- helpers
    def _namey(self, tok: Tok, strong: bool) -> bool:
        """Could this token be part of a name after a trigger?"""
        low = tok.text.lower()
        if low in self.lex.not_names or len(tok.text) < 2 and not (tok.latin and tok.text.isupper()):
            return False
        if self.lex.kind(tok.text):
            return True
        if tok.latin:
            return _is_cap(tok) or (strong and tok.text.islower() and len(tok.text) > 2)
        return strong

    def _take(self, text: str, toks: list[Tok], i: int, strong: bool) -> list[Tok]:
        """Up to three adjacent name-like tokens starting at toks[i]."""
        out: list[Tok] = []
        while i < len(toks) and len(out) < _MAX_TOKENS:
            t = toks[i]
            if out and not _adjacent(text, out[-1], t):
                break
            # After the first word, unknown lowercase Latin words continue a name only if they are lexicon
            # names ("rahul sharma"), so "my name is rahul need help" takes just "rahul".
            # Indic words have no case: after the first word only lexicon names continue ("திரு செந்தில் குமார்
            # வந்தார்" stops before the verb).
            cont_strong = strong and not (out and not self.lex.kind(t.text) and (t.text.islower() or not t.latin))
            if not self._namey(t, cont_strong if out else strong):
                break
            out.append(t)
            i += 1
        return out

    # ---------------------------------------------------------------- evidence
    def _triggered(self, text: str, toks: list[Tok]) -> Iterable[tuple[int, int, float, str]]:
        starts = {t.start: i for i, t in enumerate(toks)}
        for rx, kind in _TRIGGER_RE:
            for m in rx.finditer(text):
                i = starts.get(m.end())
                if i is None:
                    continue
                strong = kind in ("latin", "honorific", "indic", "indic_honorific", "indic_role")
                trig = m.group().strip().lower()
                # "Name: X", "नाम: X": a form label, not the word "name" in a sentence; what follows is the name.
                label = trig[-1:] in (":", "-", "–") and trig.rstrip(":-– ") in _LABEL_WORDS
                if kind == "latin" and not label and trig.rstrip(":-– ") in (
                        "i am", "i'm", "im", "this is", "it's", "main", "mai", "hum", "mujhe", "name", "naam"):
                    strong = False  # "I am going", "main ghar": only capitalised or known names
                if kind == "indic" and not label and trig.rstrip(":-– ") in ("मैं", "मी", "আমি", "நான்", "હું", "नाम",
                                                                            "नाव", "নাম", "பெயர்", "નામ"):
                    # "मैं राहुल बोल रहा हूँ" vs "मैं घर जा रहा हूँ": only lexicon names or a Hinglish close.
                    got = self._take(text, toks, i, strong=True)
                    if got and (any(self.lex.kind(t.text) for t in got) or self._closed(toks, i + len(got))):
                        yield got[0].start, got[-1].end, 0.75, f"trigger:{trig}"
                    continue
                got = self._closed_run(text, toks, i) if strong and kind in ("latin", "indic") else []
                if kind in ("role", "indic_role") and toks[i].text.lower() in HONORIFICS:
                    continue  # "Spoke to Mr. X": the honorific trigger takes the name
                ended = False
                if not got and strong and kind in ("latin", "indic", "indic_role") and not self._is_weak_latin(trig):
                    got = self._punct_run(text, toks, i)
                    ended = bool(got)
                if not got and (kind in ("indic_honorific", "indic_role") or (label and kind == "indic")):
                    got = self._take_indic(text, toks, i)
                got = got or self._take(text, toks, i, strong)
                if not got:
                    continue
                if kind == "weak" and not (any(self.lex.kind(t.text) in ("G", "S") for t in got) or len(got) >= 2
                                           or text[got[-1].end:got[-1].end + 1] in (",", "!", "\n")):
                    continue  # "Dear Nidra," / "Regards,\nEkavir\n" count; "Hi Support team" does not
                if kind in ("latin", "indic") and strong and not ended and not self._closed(toks, i + len(got)) and len(got) > 1:
                    # "mera naam X Y Z ..." with no closing "hai": keep the lexicon-backed prefix only
                    while len(got) > 1 and not self.lex.kind(got[-1].text) and not (got[-1].latin and _is_cap(got[-1])):
                        got.pop()
                score = {"latin": 0.85, "honorific": 0.85, "indic": 0.85, "indic_honorific": 0.85, "weak": 0.6,
                         "role": 0.7, "indic_role": 0.75}[kind]
                if not strong:
                    score = 0.7
                yield got[0].start, got[-1].end, score, f"trigger:{trig}"
        for m in _SUFFIX_RE.finditer(text):
            # Walk back over up to two name tokens before "ji"/"जी".
            j = max((k for k, t in enumerate(toks) if t.end <= m.start()), default=None)
            if j is None or toks[j].end != m.start():
                continue
            got: list[Tok] = []
            while j >= 0 and len(got) < 2:
                t = toks[j]
                if got and not _adjacent(text, t, got[0]):
                    break
                known = self.lex.kind(t.text)
                # Hinglish chats write names in lowercase ("aashi ubayd ji"): before "ji" that still counts.
                hinglish = t.latin and t.text.islower() and len(t.text) > 2 and m.group().strip() in ("ji", "jee")
                if not (known or (t.latin and (_is_cap(t) or hinglish) and t.text.lower() not in self.lex.not_names)
                        or (not t.latin and len(got) == 0 and t.text.lower() not in self.lex.not_names)):
                    break
                if t.text.lower() in self.lex.not_names:
                    break
                if got and not known and self.lex.kind(got[0].text) == "G":
                    break  # a given name starts the name: "Done Priya ji" is "Priya ji"
                got.insert(0, t)
                j -= 1
            if got:
                yield got[0].start, got[-1].end, 0.75, "suffix:" + m.group().strip()

    def _take_indic(self, text: str, toks: list[Tok], i: int) -> list[Tok]:
        """After an Indic honorific or role word ("श्री", "திரு", "ग्राहक"): a given name and a surname, neither
        in any lexicon, up to the first function word, title or context word ("का", "பான்", "मोबाइल")."""
        run: list[Tok] = []
        for k in range(i, min(i + 2, len(toks))):
            t = toks[k]
            low = t.text.lower()
            if t.latin or (run and not _adjacent(text, run[-1], t)) or low in self.lex.not_names or low in HONORIFICS \
                    or low in _CONTEXT_TOKENS:
                break
            run.append(t)
        return run

    @staticmethod
    def _is_weak_latin(trig: str) -> bool:
        return trig.rstrip(":-– ") in ("i am", "i'm", "im", "this is", "it's", "main", "mai", "hum", "mujhe")

    def _punct_run(self, text: str, toks: list[Tok], i: int) -> list[Tok]:
        """"my name is X Y." / "নাম X Y।": up to three adjacent name-like words ended by sentence punctuation."""
        run: list[Tok] = []
        for k in range(i, min(i + _MAX_TOKENS, len(toks))):
            t = toks[k]
            if run and not _adjacent(text, run[-1], t):
                return []
            if t.text.lower() in self.lex.not_names or (t.latin and not (_is_cap(t) or t.text.islower())):
                return []
            run.append(t)
            rest = text[t.end:t.end + 3].lstrip(" ")
            if not rest or rest[0] in _END_PUNCT:
                return run
        return []

    def _verb_after(self, text: str, toks: list[Tok]) -> Iterable[tuple[int, int, float, str]]:
        """"Jagrati Oza called", "X said", "X ने": capitalised (or, before ने, Indic) words right before the verb."""
        ends = {t.end: k for k, t in enumerate(toks)}
        for m in _AFTER_VERB.finditer(text):
            k = ends.get(m.start())
            got: list[Tok] = []
            while k is not None and k >= 0 and len(got) < _MAX_TOKENS:
                t = toks[k]
                if got and not _adjacent(text, t, got[0]):
                    break
                if t.text.lower() in self.lex.not_names or t.text.lower() in HONORIFICS or (t.latin and not _is_cap(t)):
                    break
                got.insert(0, t)
                k -= 1
            if got and (got[0].latin or len(got) >= 1) and all(t.latin == got[0].latin for t in got):
                if not got[0].latin and not m.group().strip().startswith("ने"):
                    continue
                yield got[0].start, got[-1].end, 0.7, "verb:" + m.group().strip()

    def _closed_run(self, text: str, toks: list[Tok], i: int) -> list[Tok]:
        """"mera naam X Y hai" / "मेरा नाम X Y है": every word up to the closing verb is the name (≤ 3 words)."""
        for k in range(1, _MAX_TOKENS + 1):
            if self._closed(toks, i + k):
                run = toks[i:i + k]
                ok = all(self._namey(t, True) for t in run) and all(
                    _adjacent(text, a, b) for a, b in zip(run, run[1:] + [toks[i + k]]))
                return run if ok else []
        return []

    def _closed(self, toks: list[Tok], i: int) -> bool:
        return i < len(toks) and toks[i].text.lower() in _HINGLISH_CLOSE

    def _indic_surname(self, text: str, toks: list[Tok], j: int, given: Tok) -> bool:
        """Is ``toks[j]``, right after the Indic given name ``given``, its surname though no lexicon knows it?

        Indic scripts have no capital letters to mark a surname, so the word must be in the given name's
        script, not a function, title or context word, and end the phrase: the text ends or breaks (punctuation,
        a new line, a comma; not a full stop, where a verb stands) after it, or a postposition follows ("स्नेहा सुब्रमण्यन का खाता", "… ने"). A verb after a
        name ("राहुल बोल रहा है") is followed by more words, so it stays out."""
        w = toks[j]
        low = w.text.lower()
        if w.latin or given.latin or script_of_char(w.text[0]) != script_of_char(given.text[0]) or low in self.lex.not_names \
                or low in HONORIFICS or low in _CONTEXT_TOKENS or low in _HINGLISH_CLOSE or len(w.text) < 3:
            return False
        after = text[w.end:w.end + 2].lstrip(" ")
        # Not a full stop or danda: a Hindi sentence ends with its verb ("आज राहुल आया।").
        if not after or after[0] in ",;:\n)]\"'،":
            return True
        return j + 1 < len(toks) and _adjacent(text, w, toks[j + 1]) and toks[j + 1].text in _NAME_END_PARTICLES

    def _lexical(self, text: str, toks: list[Tok]) -> Iterable[tuple[int, int, float, str]]:
        lex = self.lex
        n = len(toks)
        i = 0
        while i < n:
            t = toks[i]
            kind = lex.kind(t.text)
            if not kind or (t.latin and not (_is_cap(t) or t.text.islower() or t.text.isupper())):
                i += 1
                continue
            # Grow a run of adjacent tokens around a lexicon token.
            run = [t]
            kinds = [kind]
            j = i + 1
            while j < n and len(run) < 4 and _adjacent(text, run[-1], toks[j]):
                nxt = toks[j]
                k = lex.kind(nxt.text)
                same_case = (not t.latin) or (nxt.latin and (_is_cap(nxt) or nxt.text.isupper()) == (_is_cap(t) or t.text.isupper()))
                if k and same_case and nxt.latin == t.latin:
                    run.append(nxt)
                    kinds.append(k)
                elif (not k and nxt.latin and t.latin and _is_cap(nxt) and _is_cap(t) and kinds[-1] == "G"
                      and nxt.text.lower() not in lex.not_names):
                    run.append(nxt)  # "Rahul Khandelwal": unknown capitalised surname
                    kinds.append("U")
                    j += 1
                    break
                elif not k and kinds[-1] == "G" and self._indic_surname(text, toks, j, t):
                    run.append(nxt)  # "स्नेहा सुब्रमण्यन।": an unknown surname in the given name's script
                    kinds.append("U")
                    j += 1
                    break
                else:
                    break
                j += 1
            # An unknown word right before a surname: "Ishaan Sharma", "ईशान शर्मा".
            if i > 0 and kinds[0] == "S" and _adjacent(text, toks[i - 1], t):
                p = toks[i - 1]
                if p.text.lower() not in lex.not_names and not lex.kind(p.text) and p.latin == t.latin and (
                        not p.latin or (_is_cap(p) and _is_cap(t))):
                    run.insert(0, p)
                    kinds.insert(0, "U")
            named = [k for k in kinds if k != "U"]
            if "G" in kinds or len(named) >= 2 or (len(named) == 1 and "U" in kinds and named[0] == "S"):
                lower = run[0].latin and run[0].text.islower()
                if len(run) == 1 and lower:
                    score = 0.55
                else:
                    score = 0.8 if len(run) > 1 else 0.6
                yield run[0].start, run[-1].end, score, "lexicon"
            i = max(j, i + 1)

    # ---------------------------------------------------------------- Presidio API
    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:
        if entities and ENTITY not in entities:
            return []
        toks = tokenize(text)
        if not toks:
            return []
        results = []
        found = list(self._triggered(text, toks)) + list(self._lexical(text, toks)) + list(self._verb_after(text, toks))
        for start, end, score, how in found:
            results.append(RecognizerResult(ENTITY, start, end, score,
                                            recognition_metadata={RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                                                                  "how": how}))
        return results
