"""Document-level language identification: script, language, romanization, code-mixing.

Per document:
1. Tokens are maximal runs of letters of one script (Unicode blocks, exact); their lengths give
   the script shares. Digits, punctuation and emoji are not letters.
2. Tokens are grouped by script. A script used by one language decides it (Gujr→gu, Taml→ta,
   Olck→sat …). Shared scripts (Deva, Beng, Arab) are scored with the project's n-gram +
   function-word model (:mod:`curate.langid.model`). Scripts outside India fall back to langdetect.
3. Latin tokens are scored against English and the romanized Indic languages: the best Indic
   candidate I* is chosen over the whole document (preferring a language already seen in native
   script), then each token is tagged ``en`` or I*; glue words in both lexicons ("me", "to")
   and tokens with a small margin stay untagged and follow the matrix language.
4. Matrix language = the language of the grammatical frame: tags weighted, function words
   double. Then the embedded language, the code-mixing index (Das & Gambäck 2014) and the
   ``codemixed`` flag.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from operator import itemgetter
from types import SimpleNamespace
from typing import TYPE_CHECKING, Iterable

import numpy as np

from curate.langid.markers import MARKER_BONUS, MARKER_SCRIPTS, marker_langs
from curate.langid.model import Model, load_model, posterior
from curate.langid.text import (capitalised_words, clauses, fold_token, letter_runs, normalize, split_run,
                                 strip_acronyms, strip_links)

if TYPE_CHECKING:
    from curate.langid.config import DetectConfig

# Scripts written by exactly one of the languages we cover (Konkani in Kannada script and
# Santali in other scripts exist, but are rare in enterprise text).
UNIQUE_SCRIPT_LANG = {"Gujr": "gu", "Guru": "pa", "Orya": "or", "Taml": "ta", "Telu": "te", "Knda": "kn",
                      "Mlym": "ml", "Olck": "sat", "Mtei": "mni", "Sinh": "si", "Hebr": "he", "Thai": "th",
                      "Hang": "ko", "Hira": "ja", "Kana": "ja", "Grek": "el", "Geor": "ka", "Armn": "hy",
                      "Khmr": "km", "Laoo": "lo", "Mymr": "my", "Tibt": "bo"}
INDIC_LANGS = frozenset({"as", "bn", "brx", "doi", "gu", "hi", "kn", "ks", "kok", "mai", "ml", "mni", "mr", "ne",
                         "or", "pa", "sa", "sat", "sd", "ta", "te", "ur"})
# Names Indian English uses as its own (IDs, festivals, payment apps, banks, units): no evidence of the language
# around them, like people's names ("Never share your Aadhaar on chat" is English; "aadhaar link karo" is Hindi by
# its other words). Hand-written (CC0).
INDIAN_ENGLISH_NAMES = frozenset(
    "aadhaar aadhar aadhaarcard diwali deepavali holi navratri dussehra dasara pongal onam ugadi baisakhi lohri "
    "eid ramzan rakhi paytm phonepe gpay bhim irctc sbi hdfc icici lic rupay lakh lakhs crore crores".split())

UND = "und"
HINDUSTANI = ("hi", "ur")
DRAVIDIAN = frozenset(("ta", "ml", "kn", "te"))
FRAGMENT_SHARE = 0.5  # the frame share a Dravidian fan comment's score counts (see _dravidian_fragment)
# A native-script text too short for ``min_score`` still gets its language when the language is more
# probable than all others of its script together (see ``_decide``): short text is not "no language".
NATIVE_MIN_WITHIN = 0.5
# In an Indian script two letters are already a word — a consonant and its vowel sign: के, का, کی, ਦੇ, जी
# (the commonest postpositions and replies) — so ``min_chars`` (meant for Latin noise: "k", "ok") stops at
# this many letters for a text written in one of these scripts alone.
NATIVE_MIN_CHARS = 2
INDIC_SCRIPTS = frozenset({"Deva", "Beng", "Arab", "Guru", "Gujr", "Orya", "Taml", "Telu", "Knda", "Mlym", "Olck",
                           "Mtei"})

# Orthographic facts that n-gram counts from small seeds may not weigh enough: a letter that one
# language always uses and others never do. (letters, languages the presence of any of them rules out)
ORTHOGRAPHY_RULES: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = {
    # Assamese writes r as ৰ (U+09F0), Bengali and Meitei-in-Bengali-script as র (U+09B0); Assamese
    # (and Meitei) write w as ৱ (U+09F1), a letter Bengali orthography does not have.
    "Beng": [(frozenset("ৰ"), frozenset({"bn", "mni"})), (frozenset("র"), frozenset({"as"})),
             (frozenset("ৱ"), frozenset({"bn"}))],
    # Kashmiri vowel letters/marks (ٲ ٕ ۄ ؠ ٚ ۆ ێ) and Sindhi implosives/retroflexes (ڪ ٻ ڄ ڃ ڊ ڏ ڍ ڌ ڳ ڱ ڻ ۾ ٿ ٺ ٽ ڦ)
    # do not occur in Urdu, Persian or Arabic orthography.
    # Urdu, Kashmiri and Persian write Farsi yeh ی (U+06CC), Sindhi and Arabic Arabic yeh ي (U+064A): one
    # letter separates Urdu "جی" (ji) from Sindhi "جي" (of). Both in one text disable the two rules.
    "Arab": [(frozenset("ٲٕۄؠٚۆێ"), frozenset({"ur", "sd", "fa", "ar"})),
             (frozenset("ڪٻڄڃڊڏڍڌڳڱڻ۾ٿٺٽڦ"), frozenset({"ur", "ks", "fa", "ar"})),
             (frozenset("\u06cc"), frozenset({"sd", "ar"})), (frozenset("\u064a"), frozenset({"ur", "ks", "fa"}))],
}


# English words that make a clause's grammatical frame English (Myers-Scotton's matrix language
# supplies the finite verb and its subject): subject-case pronouns ("you" and "it" are objects as
# often: "so proud of you"), auxiliaries, modals, copulas and their negations (the tokenizer splits "don't" into "don" + "t"). "padam semma mass, waiting for the
# trailer" has none — its English part is an inserted phrase — while "they should give reward
# jaise ki last year kiya tha" has "they should".
ENGLISH_FRAME = frozenset(
    "i he she we they am is are was were be been being will would shall should can could may might must "
    "do does did have has had don doesn didn isn aren wasn weren won wouldn shouldn couldn can't cannot haven "
    "hasn im ive ill youre theyre thats its lets".split())
# Irregular English past tenses: with a subject they make a finite clause ("my sister got the job").
ENGLISH_PAST = frozenset(
    "got went came made gave took said told saw left won lost ate drank wrote bought brought thought felt kept "
    "met paid sent spent sold stood understood began broke chose drove forgot found heard knew ran sang sat slept "
    "spoke taught threw wore".split())
# Words that open a subordinate clause. The matrix language is the language of the main clause, so
# tokens of a subordinate clause weigh SUBORDINATE_WEIGHT in the matrix vote ("they should give reward
# | jaise ki last year kiya tha"). Indic subordination is mostly suffixal (Tamil -nu, -aa), so the
# Indic list is romanized Hindustani.
SUBORDINATORS = frozenset(
    "because since although though unless whereas whenever while if when which who whom whose "
    "jaise jaisa kyunki kyuki kyonki kyoki taaki taki agar jab jabki halanki halaanki jo jisse jiske".split())
# Hindustani relative-correlative pairs: "jaisa aapne bola | waisa hoga", "jab tum aaoge | tab baat karenge",
# "agar time mile | to call karna", "jo mehnat karta hai | wo jeetta hai". The subordinate clause ends where its
# correlative opens the main clause, so the words after it carry the frame.
CORRELATIVES: dict[str, frozenset[str]] = {
    **dict.fromkeys(("jaise", "jaisa", "jaisi"), frozenset("waise waisa waisi vaise vaisa vaisi wese vese wesa".split())),
    "jab": frozenset("tab tabhi to toh".split()),
    "agar": frozenset("to toh tab".split()),
    "jo": frozenset("wo woh vo voh vah".split()),
}
SUBORDINATE_WEIGHT = 0.5
SUBORDINATE_MAX_RATIO = 2.0
# English system morphemes (Myers-Scotton): pronouns, determiners, auxiliaries, modals, copulas,
# prepositions and conjunctions. Discourse words ("please", "ok", "lol") and content words are not.
ENGLISH_SYSTEM = frozenset(
    "i me my mine you your yours he him his she her hers it its we us our they them their this that these those "
    "a an the is am are was were be been being do does did have has had will would shall should can could may "
    "might must not don doesn didn isn aren wasn weren won wouldn shouldn couldn haven hasn of in on at for with "
    "from by to into about than and or but if because".split())
# Romanized Hindustani words that are also English words (में/me, है/he, इस/is, तो/to, और/or, थे/the, उस/us,
# दो/do). Letters cannot tell them apart; their neighbours can (see ``_hindustani_homographs``).
HINDUSTANI_HOMOGRAPHS = frozenset("me he is to or the us do".split())
# English words after which "me"/"us" is the English object pronoun ("tell me", "for us").
_EN_OBJECT_HEADS = frozenset(
    "for to with tell told give gave let help call show send sent remind text love miss like about of from without "
    "join follow trust believe excuse make made take ask asked pick forgive wake annoy pay paid get got hit dm ping "
    "message teach taught hear heard see saw watch understand inform notify guide allow "
    # verbs of a request with an indirect object: "play me a song", "bring me the bill", "book me a cab"
    "play bring brought buy bought find found sing read write wrote book order lend lent wish cost owe "
    "forward mail email whatsapp update".split())
# English determiners and possessives: "the/my/this <noun> is" is the English copula (see _hindustani_homographs).
_EN_DETERMINERS = frozenset("the a an my your his her our their its this that these those every each".split())
# Hindustani postpositions and particles that follow the noun after demonstrative इस/उस ("is song ko").
_HI_POSTPOSITIONS = frozenset("ko ka ki ke me mein main se par pe tak liye baar bar wala wali wale waqt time".split())
_FOLD_CACHE_LIMIT = 200_000
# word -> languages it is a marker of (``markers.marker_langs``); words of different scripts never collide
_MARKER_CACHE: dict[str, tuple[str, ...]] = {}


_first = itemgetter(0)


def _run_parts(run: str) -> tuple:
    """A letter run's tokens as scored (split where the script changes, elongations folded, laughter
    dropped): ``((token, script), letters)`` for a run that is one token, else ``(((token, script), ...), 0)``."""
    out = []
    for tok, sc in split_run(run):
        f = fold_token(tok)
        if f is not None:
            out.append((f, sc))
    if len(out) == 1:
        return out[0], len(out[0][0])
    return tuple(out), 0


def _english_past_verb(word: str | None) -> bool:
    """An English past tense or participle ("motivated", "helped", "asked"): its object follows it, so
    "she motivated me" is English "me", while Hindi में follows a noun ("route me", "speed me": -eed
    and three-letter words such as "bed" are nouns too often)."""
    return word is not None and len(word) > 4 and word.endswith("ed") and not word.endswith("eed")


def _hindustani_homographs(tokens: list[tuple[str, str]], tags: list[str | None], starts: list[int],
                           indic: str, numbered: frozenset[int] = frozenset()) -> None:
    """Tag the romanized Hindustani/English homographs (me he is to or the us do) from their neighbours.

    The nearest tagged token on each side within the clause decides, by where each reading can stand:
    Hindi में follows a noun ("route me"), English "me" an English verb or preposition ("tell me");
    English "he" is a subject, so a verb follows it, while Hindi है ends a clause or precedes Hindi;
    Hindi इस/उस is followed by a noun and a postposition ("is song ko"); English "the"/"to" never end a
    clause, Hindi थे/तो often do; Hindi दो follows a verb stem ("kar do"). Unresolved ones stay untagged
    (they follow the matrix language). ``tags`` is updated in place.
    """
    n = len(tokens)
    clause = [0] * n
    c = -1
    bounds = set(starts)
    for i in range(n):
        if i in bounds:
            c += 1
        clause[i] = c

    def near(i: int, step: int) -> tuple[str | None, str | None]:
        j = i + step
        while 0 <= j < n and clause[j] == clause[i]:
            if tokens[j][1] == "Latn" and tags[j] is not None and tags[j] != UND:
                return tokens[j][0], tags[j]
            j += step
        return None, None

    for i, (w, sc) in enumerate(tokens):
        if sc != "Latn" or w not in HINDUSTANI_HOMOGRAPHS or tags[i] is not None:
            continue
        pw, pt = near(i, -1)
        nw, nt = near(i, 1)
        after = [tokens[j][0] for j in range(i + 1, min(n, i + 4)) if clause[j] == clause[i]]
        # a number after it ("change the reminder to 6") means the clause goes on: English "to", not Hindi तो
        final = not any(clause[j] == clause[i] for j in range(i + 1, min(n, i + 2))) and i not in numbered
        tag: str | None = None
        if w in ("me", "us"):
            if (pw in _EN_OBJECT_HEADS or (pt is None and nt == "en") or (w == "us" and pt == "en" and nt == "en")
                    or (pt == "en" and _english_past_verb(pw))):
                tag = "en"
            elif w == "us" and not any(a in _HI_POSTPOSITIONS for a in after):
                tag = pt if pt is not None and pt == nt else None
            else:
                tag = indic
        elif w == "he":
            tag = "en" if nt == "en" and pt != indic else indic
        elif w == "is":
            if i >= 2 and pt == "en" and tokens[i - 1][0] == pw and tokens[i - 2][0] in _EN_DETERMINERS:
                # after an English determiner and its noun it is the copula: "the report is due kal tak",
                # "my phone is not working"; Hindi इस opens a noun phrase, it does not follow one
                tag = "en"
            elif any(a in _HI_POSTPOSITIONS for a in after):
                tag = indic
            elif pt == "en" or nt == "en":
                tag = "en"
        elif w in ("the", "to"):
            if final or nt == indic:
                tag = indic
            elif nt == "en":
                tag = "en" if pt != indic or w == "the" else None
        elif w == "or":
            if pt == "en" and nt == "en":
                tag = "en"
            elif nt == indic or pt == indic:
                tag = indic
        elif w == "do":
            tag = indic if pt == indic else "en"
        tags[i] = tag


# Romanized Punjabi function words that Hindi chat writes too (दे/de, तू/tu, ओह/oh, सी/si, लै/lai, इक/ik …):
# no evidence that a text is Punjabi rather than Hindi (checked by hand; written for curate).
PUNJABI_NOT_MARKERS = frozenset("de dee di tu oh uh ih si san bohat lai ik ikk kita ate noon tun".split())
_TRAILING_MARKS = " \t.,;:!?)]}'\"।॥"


def _ends_in_number(piece: str) -> bool:
    """Does a clause end in a number after its last word ("change the reminder to 6."; "at 5:30 pm" ends in
    letters)? A string test, not a regex: it runs once per clause of every text."""
    return piece.rstrip(_TRAILING_MARKS)[-1:].isdigit()

SANDWICH_MIN_LEN = 4  # shorter English-lexicon words are often Indic glue too: ko ka ki se na hai


def _english_between_english(tokens: list[tuple[str, str]], tags: list[str | None], starts: list[int],
                             group) -> None:
    """An English word tagged Indic between two English words of its clause is English ("my name is":
    Gujarati નામે romanizes to "name"). Only words of the English lexicon
    (:meth:`GroupModel.in_lexicon`) of at least SANDWICH_MIN_LEN letters that are not function words of the
    language they were tagged with: the short ones (ko, ka, se, hai) and some longer ones ("mere" मेरे) are
    Indic function words too. ``tags`` is updated in place."""
    kinds = set(tags)
    if "en" not in kinds or not kinds - {"en", None, UND}:
        return  # most rows: English only, or no English word
    # One pass: ``left`` is the tag of the nearest tagged word before i in its clause, ``pending`` a candidate
    # whose left neighbour is English, decided by the next tagged word. (A candidate changed to English never
    # becomes the left neighbour of another candidate: its right neighbour is English, so not a candidate.)
    bounds = set(starts)
    left: str | None = None
    pending = -1
    for i, t in enumerate(tags):
        if i in bounds:
            left, pending = None, -1
        if t is None or t == UND:
            continue
        if pending >= 0:
            w = tokens[pending][0]
            if t == "en" and group.in_lexicon(w) and w not in group.function_words.get(tags[pending], ()):
                tags[pending] = "en"
            pending = -1
        if left == "en" and t != "en" and tokens[i][1] == "Latn" and len(tokens[i][0]) >= SANDWICH_MIN_LEN:
            pending = i
        left = t


# Default thresholds (the single source: :class:`curate.langid.config.DetectConfig` takes its defaults
# from here). Kept free of pydantic so that a process that only detects does not import it.
DEFAULTS: dict[str, float | int] = {
    "min_chars": 3, "min_score": 0.3, "token_margin": 1.0, "unknown_word_margin": 3.0, "cm_min_share": 0.15,
    "cm_min_tokens": 1, "length_norm_chars": 20, "function_word_bonus": 0.25, "frame_min_tokens": 2,
    "frame_min_share": 0.25,
}


def __getattr__(name: str):  # DetectConfig is a pydantic model: imported on first use only
    if name == "DetectConfig":
        from curate.langid.config import DetectConfig

        return DetectConfig
    raise AttributeError(name)


@dataclass
class LangResult:
    lang: str
    script: str
    romanized: bool
    codemixed: bool
    lang_score: float
    embedded_lang: str | None
    cmi: float
    lang_alternatives: list[tuple[str, float]] = field(default_factory=list)
    script_shares: dict[str, float] = field(default_factory=dict)
    token_tags: list[tuple[str, str]] | None = None

    def to_row(self) -> dict:
        row = asdict(self)
        row.pop("token_tags")
        row["lang_alternatives"] = json.dumps([[a, s] for a, s in self.lang_alternatives])
        row["script_shares"] = json.dumps(self.script_shares)
        return row


def _und(script: str, shares: dict[str, float], alternatives=None) -> LangResult:
    return LangResult(UND, script, False, False, 0.0, None, 0.0, alternatives or [], shares)


def _langdetect_fallback(text: str) -> list[tuple[str, float]]:
    """Scripts we have no model for (Cyrillic, CJK …): ask seeded langdetect; rare, so its cost is fine."""
    try:
        from langdetect import DetectorFactory, detect_langs

        DetectorFactory.seed = 0
        return [(x.lang.split("-")[0], round(float(x.prob), 4)) for x in detect_langs(text)][:3]
    except Exception:  # langdetect raises on text without features
        return []


class LanguageIdentifier:
    def __init__(self, config: DetectConfig | None = None, model: Model | None = None):
        """``config``: a :class:`curate.langid.config.DetectConfig` (None: the defaults in ``DEFAULTS``)."""
        self.cfg = config if config is not None else SimpleNamespace(**DEFAULTS)
        self.model = model or load_model()
        # letter run -> its tokens as scored (``_run_parts``); a cache
        self._runs: dict[str, tuple] = {}
        latn = self.model.groups.get("Latn")
        fws = latn.function_words if latn is not None else {}
        # romanized languages a text is only with one of these words of their own (see _marked_best): Urdu-only
        # function words (kyunke, bohat, shukriya …: Urdu's romanized lexicon minus Hindi's), Punjabi grammar words
        urdu = fws.get("ur", frozenset()) - fws.get("hi", frozenset())
        self._needs_marker = ({lang: m for lang, m in (("ur", urdu), ("pa", self._punjabi_markers(latn)))
                               if lang in latn.lang_index} if latn is not None and "hi" in latn.lang_index else {})
        self._marked_columns = np.array([latn.lang_index[x] for x in self._needs_marker], dtype=np.int64)
        self._fw_of = {sc: g.function_words for sc, g in self.model.groups.items()}  # script -> lang -> words
        # proper names and the names Indian English uses as its own: no evidence of a language
        self._names = (latn.names if latn is not None else frozenset()) | INDIAN_ENGLISH_NAMES
        # romanized function words of the Indic languages: never a named entity by case ("Kya", "Mera")
        self._indic_fw = frozenset().union(*(w for lang, w in fws.items() if lang != "en"))

    def _unmarked_columns(self, words: list[str]) -> list[int]:
        """Latin-group columns of Punjabi when the text has no word of its own (``_needs_marker``): its
        probability is Hindi's then (Urdu's always is: ``HINDUSTANI``)."""
        index = self.model.groups["Latn"].lang_index
        return [index[lang] for lang, markers in self._needs_marker.items()
                if lang != "ur" and not any(w in markers for w in words)]

    def _marked_best(self, indic_total: np.ndarray, words: list[str]) -> int:
        """The best romanized language (column of ``indic_total``) a text may be: Urdu only with an Urdu-only
        word and Punjabi only with a word of Punjabi grammar, else Hindi."""
        group = self.model.groups["Latn"]
        best = int(np.argmax(indic_total))
        lang = group.langs[best]
        if lang in self._needs_marker and not any(w in self._needs_marker[lang] for w in words):
            best = group.lang_index["hi"]
        return best

    @staticmethod
    def _punjabi_markers(latn) -> frozenset[str]:
        """Romanized Punjabi function words that romanized Hindi does not write: Punjabi's lexicon minus
        Hindi's, less the words Hindi's training text has as words ("yaar", "de", "tu")."""
        if "pa" not in latn.lang_index or "hi" not in latn.lang_index:
            return frozenset()
        cand = sorted(latn.function_words.get("pa", frozenset()) - latn.function_words.get("hi", frozenset()))
        if not cand:
            return frozenset()
        seen_hi = latn.whole_word_scores(cand)[:, latn.lang_index["hi"]] > 0
        return frozenset(w for w, s in zip(cand, seen_hi.tolist()) if not s) - PUNJABI_NOT_MARKERS

    def detect(self, text: str | None, keep_tokens: bool = False) -> LangResult:
        return self.detect_many([text], keep_tokens)[0]

    def detect_many(self, texts: Iterable[str | None], keep_tokens: bool = False) -> list[LangResult]:
        """Detect a batch: tokenise everything, score all new words per script at once, then decide."""
        prepped = [self._prep(t) for t in texts]
        groups = self.model.groups
        # Texts in one script the model has a group for (most) are scored together per script, after all
        # their new words are scored at once; the others one by one.
        single: dict[str, list[int]] = {}
        words_of: dict[int, list[str]] = {}
        pending: dict[str, list[str]] = {}
        for i, p in enumerate(prepped):
            if isinstance(p, LangResult):
                continue
            if len(p[1]) == 1:
                if p[2] in groups:
                    words = words_of[i] = list(map(_first, p[0]))
                    single.setdefault(p[2], []).append(i)
                    pending.setdefault(p[2], []).extend(words)  # fill() skips the cached ones
            else:
                for tok, sc in p[0]:
                    if sc in groups:
                        pending.setdefault(sc, []).append(tok)
        for sc, toks in pending.items():
            groups[sc].fill(toks)
        out: list[LangResult | None] = [p if isinstance(p, LangResult) else None for p in prepped]
        for i, p in enumerate(prepped):
            if out[i] is None and i not in words_of:
                out[i] = self._decide(*p, keep_tokens=keep_tokens)
        for script, ids in single.items():
            if script == "Latn":
                for i, num in zip(ids, self._latin_numbers([words_of[i] for i in ids])):
                    out[i] = self._decide(*prepped[i], keep_tokens=keep_tokens, latin=num)
            else:
                for i, alts in zip(ids, self._score_native(script, [words_of[i] for i in ids])):
                    p = prepped[i]
                    out[i] = self._native_result(script, alts, p[0], p[1], p[3], keep_tokens)
        return out  # type: ignore[return-value]

    def _score_native(self, script: str, docs: list[list[str]]) -> list[list[tuple[str, float]]]:
        """Top-3 (language, probability) of each document of ``docs`` (its words, all in ``script``, a shared
        script the model has a group for, every word already scored): one gather, one ``reduceat`` and one
        batched posterior for all of them — the per-document numpy calls cost more than the sums."""
        group = self.model.groups[script]
        row, nf_of = group._row, group._nf
        rows: list[int] = []
        offsets: list[int] = []
        nfs: list[int] = []
        for words in docs:
            offsets.append(len(rows))
            r = list(map(row.__getitem__, words))
            rows.extend(r)
            nfs.append(sum(map(nf_of.__getitem__, r)))
        S = np.add.reduceat(group._V[rows], offsets, axis=0) + group.prior
        for k, words in enumerate(docs):
            extra = self._orthography(script, group, words, nfs[k]) + self._markers(script, group, words, nfs[k])
            if isinstance(extra, np.ndarray):
                S[k] += extra
        # posterior() for every row at once: softmax of the scores tempered by sqrt(#features)
        z = S / np.sqrt(np.maximum(np.array(nfs, dtype=np.float64), 1.0)).astype(S.dtype)[:, None]
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        P = e / e.sum(axis=1, keepdims=True)
        top = np.argsort(-P, axis=1, kind="stable")[:, :3]
        langs = group.langs
        return [[(langs[j], round(pr, 4)) for j, pr in zip(t, p)]
                for t, p in zip(top.tolist(), np.take_along_axis(P, top, axis=1).tolist())]

    def _native_result(self, script: str, alts: list[tuple[str, float]], tokens: list[tuple[str, str]],
                       shares: dict[str, float], total: int, keep_tokens: bool) -> LangResult:
        """The result of a text in one script whose language is ``alts[0]``: nothing is mixed."""
        lang = alts[0][0]
        if lang == UND:
            return _und(script, shares, alts)
        length_factor = min(1.0, total / self.cfg.length_norm_chars) ** 0.5
        score = round(float(alts[0][1] * length_factor), 4)
        token_tags = [(tok, lang) for tok, _ in tokens] if keep_tokens else None
        # Letters of an Indian script are language content however few they are: a one- or two-word
        # comment ("धन्यवाद", "ठीक है", "நன்றி") names the language its script and the model make more
        # likely than all others together, with the low score its length earns, instead of und.
        named = score >= self.cfg.min_score or (script != "Latn" and alts[0][1] >= NATIVE_MIN_WITHIN
                                                and lang in INDIC_LANGS)
        return LangResult(lang if named else UND, script, False, False, score, None, 0.0, alts, shares, token_tags)

    def _prep(self, text: str | None):
        if not text:
            return _und("Zyyy", {})
        tokens: list[tuple[str, str]] = []
        starts: list[int] = []  # index of the first token of each clause
        letters: dict[str, int] = {}
        runs = self._runs
        append = tokens.append
        text = strip_acronyms(text)
        caps = capitalised_words(text)
        numbered: set[int] = set()  # last tokens of clauses that end in a number
        for piece in clauses(strip_links(normalize(text))):
            starts.append(len(tokens))
            for run in letter_runs(piece):
                e = runs.get(run)
                if e is None:
                    if len(runs) > _FOLD_CACHE_LIMIT:
                        runs.clear()
                    e = runs[run] = _run_parts(run)
                pair, n = e
                if n:  # one token (most runs)
                    append(pair)
                    sc = pair[1]
                    letters[sc] = letters.get(sc, 0) + n
                else:  # several scripts, or laughter (none)
                    for pair in e[0]:
                        append(pair)
                        sc = pair[1]
                        letters[sc] = letters.get(sc, 0) + len(pair[0])
            if len(tokens) > starts[-1] and _ends_in_number(piece):
                numbered.add(len(tokens) - 1)
        total = sum(letters.values())
        if total == 0:
            return _und("Zyyy", {})
        ranked = sorted(letters.items(), key=lambda kv: -kv[1])
        shares = {sc: round(n / total, 4) for sc, n in ranked}
        if total < self.cfg.min_chars and not (total >= NATIVE_MIN_CHARS and len(ranked) == 1
                                                and ranked[0][0] in INDIC_SCRIPTS):
            return _und(ranked[0][0], shares)
        return tokens, shares, ranked[0][0], total, starts, caps, frozenset(numbered)

    def _decide(self, tokens: list[tuple[str, str]], shares: dict[str, float], main_script: str, total: int,
                starts: list[int], caps: frozenset[str] = frozenset(), numbered: frozenset[int] = frozenset(),
                keep_tokens: bool = False, latin: tuple | None = None) -> LangResult:
        """``caps``: the text's words capitalised in mid-sentence (:func:`text.capitalised_words`); ``numbered``:
        tokens that end their clause but for a number after them ("set the alarm to 6"); ``latin``:
        the document's Latin numbers from :meth:`_latin_numbers` (a text in Latin alone), or None."""
        groups = self.model.groups
        by_script: dict[str, list[int]] = {}
        if len(shares) == 1:  # the scripts of the tokens are those of the letters
            by_script[main_script] = list(range(len(tokens)))
        else:
            for i, (_, sc) in enumerate(tokens):
                by_script.setdefault(sc, []).append(i)

        tags: list[str | None] = [None] * len(tokens)
        script_result: dict[str, tuple[str, list[tuple[str, float]]]] = {}
        latin_alts: list[tuple[str, float]] = []
        latin_within = 1.0
        # Latin last: romanized words in a native-script document are most likely its own language.
        for script in sorted(by_script, key=lambda s: s == "Latn"):
            idx = by_script[script]
            words = [tokens[i][0] for i in idx]
            if script == "Latn" and "Latn" in groups:
                prefer = [lang for lang, _ in script_result.values()]
                latin_alts, latin_within = self._tag_latin_text(tokens, starts, numbered, words, idx, tags, prefer, latin)
                continue
            group = groups.get(script)
            if group is not None:
                V, nf = group.words(words)
                p = posterior(V.sum(axis=0) + group.prior + self._orthography(script, group, words, nf)
                              + self._markers(script, group, words, nf), nf)
                top = np.argsort(-p)[:3]
                alts = [(group.langs[j], round(float(p[j]), 4)) for j in top]
            elif script in UNIQUE_SCRIPT_LANG:
                alts = [(UNIQUE_SCRIPT_LANG[script], 1.0)]
            else:
                alts = _langdetect_fallback(" ".join(words)) or [(UND, 0.0)]
            lang = alts[0][0]
            script_result[script] = (lang, alts)
            for i in idx:
                tags[i] = lang

        if len(by_script) == 1 and script_result:
            # One script, one language (most native-script text): nothing is mixed.
            (script, (lang, alts)), = script_result.items()
            return self._native_result(script, alts, tokens, shares, total, keep_tokens)
        latin_idx = by_script.get("Latn")
        named = self._case_names(tokens, tags, latin_idx, caps) if caps and latin_idx else None
        if named:
            # Named entities by case (Das & Gambäck 2014 tag them NE: no language): in a row that is English-
            # framed once they are left out, a capitalised word in mid-sentence is a person, place, bank or
            # brand, not an embedded language ("Ramesh Kumar Srinivasan from Thiruvananthapuram called about
            # his Kotak Mahindra credit card"). The Latin words are tagged again with them as names, so they
            # do not choose the romanized language either (Telugu-looking "Chinchwad" made "branch" Telugu).
            # Where the rest is framed by an Indic language the first reading stands: "Rahul ne bola ki payment
            # ho gaya" is Hindi code-mixed whatever its capitals.
            ne_tags = [None if i in latin_idx else t for i, t in enumerate(tags)] if len(by_script) > 1 else [None] * len(tags)
            prefer = [lang for lang, _ in script_result.values()]
            extra = frozenset(tokens[i][0] for i in named)
            ne_alts, ne_within = self._tag_latin_text(tokens, starts, numbered, [tokens[i][0] for i in latin_idx], latin_idx,
                                                      ne_tags, prefer, None, extra)
            result, matrix = self._vote(ne_tags, tokens, shares, main_script, total, starts, keep_tokens,
                                        script_result, ne_alts, ne_within)
            if matrix == "en":
                return result
        return self._vote(tags, tokens, shares, main_script, total, starts, keep_tokens, script_result, latin_alts,
                          latin_within)[0]

    def _tag_latin_text(self, tokens: list[tuple[str, str]], starts: list[int], numbered: frozenset[int],
                        words: list[str], idx: list[int],
                        tags: list[str | None], prefer: list[str], latin: tuple | None,
                        extra_names: frozenset[str] = frozenset()) -> tuple[list[tuple[str, float]], float]:
        """Tag a text's Latin tokens (``idx``, their ``words``) in ``tags``: :meth:`_tag_latin`, then the
        homographs and English words between English words; ``extra_names``: more words to read as names.
        Returns (alternatives, P(I* | Indic))."""
        if extra_names:
            latin = self._latin_numbers_one(words, prefer, extra_names)
        latin_alts, latin_within, latin_best = self._tag_latin(words, idx, tags, prefer, latin)
        if latin_best in HINDUSTANI:
            _hindustani_homographs(tokens, tags, starts, latin_best, numbered)
        _english_between_english(tokens, tags, starts, self.model.groups["Latn"])
        return latin_alts, latin_within

    def _case_names(self, tokens: list[tuple[str, str]], tags: list[str | None], latin: list[int] | None,
                    caps: frozenset[str]) -> list[int]:
        """Indices of the Latin tokens that are named entities by case: written capitalised in mid-sentence
        (``caps``), tagged Indic or left untagged (a capitalised English word, "Credit Card", stays English),
        and not a word of an Indian language — not a romanized function word of any Indic language of the
        model ("Kya", "Mera" mid-sentence) and not a word of the romanized training text ("Semma", "Thalaivar",
        "Bhai": comments capitalise their words) unless the name list knows it. Empty when every language
        token of the text would be one (a text that is only names keeps its tags)."""
        if not latin:
            return []
        cand = [i for i in latin if tags[i] not in ("en", UND) and tokens[i][0] in caps
                and tokens[i][0] not in self._indic_fw]
        if not cand:
            return []
        group = self.model.groups["Latn"]
        seen = group.whole_word_scores([tokens[i][0] for i in cand])[:, group.indic_columns].max(axis=1) > 0
        names = self._names
        out = [i for i, s in zip(cand, seen.tolist()) if not s or tokens[i][0] in names]
        left = sum(t is not None and t != UND for t in tags) - len(out)
        return out if left > 0 else []

    def _dravidian_fragment(self, tokens: list[tuple[str, str]], tags: list[str | None], counts: dict[str, int],
                            weight: dict[str, float]) -> str | None:
        """The Dravidian language an English-voted row without a finite English frame is written in, or None.

        A label convention, not grammar: comment corpora of Tamil, Malayalam, Kannada and Telugu speakers
        (DravidianCodeMix, Chakravarthi et al. 2020–2022) label a comment by its Dravidian language whenever it
        writes one of its words, and so does issue 12 ("padam semma mass, waiting for the trailer" is Tamil);
        English-framed *Hinglish* ("they should give reward jaise ki last year kiya tha") has a finite English
        frame and stays English (the caller checks that there is none here). The word must be a word of the
        language's romanized training text (a whole-word feature), not only letters that look Tamil."""
        indic = max((k for k in counts if k in DRAVIDIAN), key=lambda k: (weight[k], k), default=None)
        if indic is None:
            return None
        group = self.model.groups["Latn"]
        j = group.lang_index.get(indic)
        words = [tok for (tok, sc), t in zip(tokens, tags) if t == indic and sc == "Latn"]
        if j is None or not words or not (group.whole_word_scores(words)[:, j] > 0).any():
            return None
        return indic

    def _vote(self, tags: list[str | None], tokens: list[tuple[str, str]], shares: dict[str, float],
              main_script: str, total: int, starts: list[int], keep_tokens: bool, script_result: dict,
              latin_alts: list[tuple[str, float]], latin_within: float) -> tuple[LangResult, str | None]:
        """The matrix language, embedded language, CMI and flags of a tagged text: ``(result, matrix)``
        (``matrix`` None when no token is tagged and there is no Latin decision)."""
        cfg = self.cfg

        # Token counts (for CMI and the code-mix flag) and frame weights (for the matrix language):
        # function words weigh 1 + bonus, so "kya mere work ke route me traffic he" is Hindi with
        # English nouns, not English (the Matrix Language Frame view of code-switching).
        counts: dict[str, int] = {}
        weight: dict[str, float] = {}
        n_ambiguous = 0
        n_en_frame = 0
        bonus = 1.0 + cfg.function_word_bonus
        sub = self._subordinate(tokens, starts)
        n_system: dict[str, int] = {}  # system morphemes per language, main clauses only
        system = [False] * len(tokens)
        fw_of = self._fw_of
        for k, ((tok, sc), t, is_sub) in enumerate(zip(tokens, tags, sub)):
            if t is None:
                n_ambiguous += 1
                continue
            if t == UND:
                continue
            counts[t] = counts.get(t, 0) + 1
            fws = fw_of.get(sc)
            fw = fws.get(t) if fws is not None else None
            is_fw = bool(fw and tok in fw)
            if t == "en":
                system[k] = tok in ENGLISH_SYSTEM
            else:
                # A word in an Indic script is written with its language's own morphology (case
                # suffixes, verb endings: "இருக்கிறேன்", "आहे", "ఉంది"; most Tamil or Telugu words have no
                # function-word list to look up at all), so it carries the frame and weighs as a function
                # word. Without this a Tamil or Marathi paragraph beside one English sentence with "the",
                # "what" and "will" was framed English although it had more words.
                is_fw = is_fw or (sc != "Latn" and t in INDIC_LANGS)
                system[k] = is_fw
            w = bonus if is_fw else 1.0
            weight[t] = weight.get(t, 0.0) + (w * SUBORDINATE_WEIGHT if is_sub else w)
            if not is_sub and system[k]:
                n_system[t] = n_system.get(t, 0) + 1
            if t == "en" and not is_sub and tok in ENGLISH_FRAME:
                n_en_frame += 1
        if not counts:
            if not latin_alts:
                return _und(main_script, shares), None
            # every token ambiguous: the document-level Latin decision names the language
            counts = {latin_alts[0][0]: n_ambiguous}
            weight = {latin_alts[0][0]: float(n_ambiguous)}
            n_ambiguous = 0
        # Ties go to the Indic language ("मेरा account block हो गया" is Hindi with English words) unless
        # the English words have a finite frame ("she sings so beautifully, dil khush ho gaya").
        matrix = min(weight, key=lambda k: (-weight[k], k == "en" and not n_en_frame, k))
        if n_system.get(matrix, 0) == 0:
            # Matrix Language Frame: the matrix language supplies the system morphemes (postpositions,
            # auxiliaries, pronouns, determiners). A vote winner without any, against a language that
            # has some, is a run of inserted content words: "eight minute ka timer set kare",
            # "accident ki report" are Hindi; "respect from tamil nadu" is English.
            alt = max((k for k in counts if k != matrix), key=lambda k: (n_system.get(k, 0), weight[k]), default=None)
            if alt is not None and n_system.get(alt, 0) >= 1:
                matrix = alt
        first_clause = 0  # not computed yet (None is a result)
        if (matrix != "en" and "en" in counts and counts["en"] >= cfg.frame_min_tokens
                and weight["en"] >= cfg.frame_min_share * sum(weight.values())
                and (first_clause := self._first_clause(tags, starts, system, tokens)) == "en"):
            # The mirror image of the rule below: an English first clause with its own system morphemes
            # ("my sister got the job, amra sobai khub khushi"; "we reached late, traffic thumba jasti
            # ittu") frames the comment, and the Indic clause after it is the embedded one, even when it
            # has more words: its words are what the comment adds, not the frame it is said in.
            matrix = "en"
        if matrix == "en" and n_en_frame == 0 and (
                first_clause if first_clause != 0 else self._first_clause(tags, starts, system, tokens)) not in (None, "en"):
            # Several clauses, one framed by an Indic language, and English words without a finite
            # frame (no subject, auxiliary or modal: "padam semma mass, waiting for the trailer"):
            # the English clause is a non-finite fragment attached to the Indic one. Within one
            # clause the token vote stands ("f true true apne teammate ko race jitwa di").
            indic = max((k for k in counts if k != "en"), key=lambda k: (weight[k], k), default=None)
            if (indic is not None and counts[indic] >= cfg.frame_min_tokens
                    and weight[indic] >= cfg.frame_min_share * sum(weight.values())):
                matrix = indic
        fragment_of = None
        if matrix == "en" and n_en_frame == 0:
            # An English fragment without a finite frame (no subject, auxiliary, modal or copula) around a
            # word of a Dravidian language's romanized training text: a fan comment in that language
            # ("Waiting for this movie da", "Semma trailer, waiting for the movie"; see _dravidian_fragment).
            fragment_of = self._dravidian_fragment(tokens, tags, counts, weight)
            if fragment_of is not None:
                matrix = fragment_of
        matrix_weight_share = weight[matrix] / sum(weight.values())
        if fragment_of is not None:
            # the row is the Dravidian language's by convention, whatever share of its words that word is
            matrix_weight_share = max(matrix_weight_share, FRAGMENT_SHARE)
        elif n_system:
            # a frame chosen by its system morphemes is as certain as their share
            matrix_weight_share = max(matrix_weight_share, n_system.get(matrix, 0) / sum(n_system.values()))
        others = sorted(((k, v) for k, v in counts.items() if k != matrix), key=lambda kv: (-kv[1], kv[0]))
        embedded, n_embedded = others[0] if others else (None, 0)
        n_matrix = counts[matrix] + n_ambiguous          # untagged tokens follow the matrix language
        n_lang = sum(counts.values()) + n_ambiguous
        codemixed = bool(embedded is not None and n_embedded >= cfg.cm_min_tokens
                         and n_embedded / n_lang >= cfg.cm_min_share)
        # A single "Indic" word in English text is far more often a name (Chennai, Priya) than a switch.
        if codemixed and matrix == "en" and n_embedded < 2:
            codemixed = False
        # CMI = 100 * (1 - max_i w_i / (n - u)); u = language-independent tokens (numbers here).
        cmi = 100.0 * (1.0 - n_matrix / n_lang) if n_lang else 0.0

        # Script of the matrix language: where most of its tokens are.
        per_script: dict[str, int] = {}
        for (_, sc), t in zip(tokens, tags):
            if t == matrix or (t is None and sc == "Latn"):
                per_script[sc] = per_script.get(sc, 0) + 1
        script = max(per_script, key=per_script.get) if per_script else main_script
        if script in script_result:
            alts = script_result[script][1]
            within = alts[0][1]
        else:
            alts = latin_alts
            within = 1.0 if matrix == "en" else latin_within
        # Confidence: which language within its script x how much of the frame is matrix x length.
        length_factor = min(1.0, total / cfg.length_norm_chars) ** 0.5
        score = round(float(within * matrix_weight_share ** 0.5 * length_factor), 4)
        # Romanized: Latin letters carry the Indic language; an English row with a Tamil-script sentence is not.
        romanized = script == "Latn" and (matrix in INDIC_LANGS or (codemixed and embedded in INDIC_LANGS and any(
            t == embedded and sc == "Latn" for (_, sc), t in zip(tokens, tags))))
        token_tags = [(tok, t or matrix) for (tok, _), t in zip(tokens, tags)] if keep_tokens else None
        # a Dravidian fan comment is named by its word (see _dravidian_fragment), with the low score it earns
        named = score >= cfg.min_score or fragment_of is not None
        return LangResult(matrix if named else UND, script, romanized, codemixed, score,
                          embedded if codemixed else None, round(cmi, 2), alts, shares, token_tags), matrix

    @staticmethod
    def _first_clause(tags: list[str | None], starts: list[int], system: list[bool],
                      tokens: list[tuple[str, str]]) -> str | None:
        """Of a text of several clauses, the language framing the first one: ``"indic"`` when the Indic
        languages have more system morphemes there than English (or as many, and more tokens); ``"en"``
        when English has more system morphemes and more tokens *and* a finite frame (a subject pronoun,
        auxiliary, modal or copula, or a past-tense verb: "my sister got the job"; "sooo proud of you"
        has none); else None, and None for a single clause. The first clause is the main
        one in a comment: "padam semma mass, waiting for the trailer" adds an English fragment to a
        Tamil sentence, while "my brother also works there, usko bhi yahi problem hai" adds Hindi to an
        English one."""
        ends = starts[1:] + [len(tags)]
        seen = 0
        first: str | None = None
        for a, b in zip(starts, ends):
            part = [(t, s) for t, s in zip(tags[a:b], system[a:b]) if t is not None and t != UND]
            if part:
                seen += 1
                if seen == 1:
                    sys_en = sum(s and t == "en" for t, s in part)
                    sys_in = sum(s and t != "en" for t, s in part)
                    n_en = sum(t == "en" for t, _ in part)
                    n_in = len(part) - n_en
                    if sys_in > sys_en or (sys_in == sys_en and n_in > n_en):
                        first = "indic"
                    elif sys_en > sys_in and n_en > n_in and any(
                            t == "en" and (w in ENGLISH_FRAME or w in ENGLISH_PAST or _english_past_verb(w))
                            for (w, _), t in zip(tokens[a:b], tags[a:b])):
                        first = "en"
        return first if seen >= 2 else None

    @staticmethod
    def _subordinate(tokens: list[tuple[str, str]], starts: list[int]) -> list[bool]:
        """Per token: is it in a subordinate clause (from a subordinator to the next punctuation)?

        A subordinate clause that runs to the end of the row without punctuation has no visible end, so
        it is taken as one only while it is at most SUBORDINATE_MAX_RATIO times as long as the text
        before it: "they should give reward | jaise ki last year kiya tha" (4 : 6) is, while a
        short English opening before "agar" and thirty Hindi words is not; that Hindi holds main clauses.
        A row that opens with a subordinator and has no punctuation marks nothing. A Hindustani relative
        clause (jaisa, jab, agar, jo) ends at its correlative (waisa, tab, to, wo: ``CORRELATIVES``).
        """
        out = [False] * len(tokens)
        ends = starts[1:] + [len(tokens)]
        for a, b in zip(starts, ends):
            k = next((i for i in range(a, b) if tokens[i][0] in SUBORDINATORS), None)
            if k is None or (k == 0 and len(starts) == 1):
                continue
            corr = CORRELATIVES.get(tokens[k][0])
            # the relative clause holds at least one word before its correlative ("jo wo kahe": wo is its subject)
            end = next((i for i in range(k + 2, b) if tokens[i][0] in corr), b) if corr else b
            last_piece = end == len(tokens)
            if last_piece and (end - k) > SUBORDINATE_MAX_RATIO * max(1, k):  # k tokens precede it
                continue
            for i in range(k, end):
                out[i] = True
        return out

    @staticmethod
    def _orthography(script: str, group, words: list[str], n_features: int) -> np.ndarray | float:
        """Large penalties for languages ruled out by letters they never use (see ORTHOGRAPHY_RULES).

        The penalty is scaled by sqrt(``n_features``), the factor :func:`posterior` divides by, so that it
        stays a rule on long text too (unscaled, -50 became -2.5 on a 20-word Kashmiri row and the n-grams
        of Urdu outvoted Kashmiri's own letters)."""
        rules = ORTHOGRAPHY_RULES.get(script)
        if not rules:
            return 0.0
        letters = set("".join(words))
        excluded: set[str] = set()
        for marks, langs in rules:
            if letters & marks:
                excluded |= langs
        if not excluded or all(lang in excluded for lang in group.langs):
            return 0.0  # nothing ruled out, or contradictory letters (mixed text, typos): let n-grams decide
        penalty = -50.0 * max(1.0, math.sqrt(n_features))
        return np.array([penalty if lang in excluded else 0.0 for lang in group.langs], dtype=np.float32)

    @staticmethod
    def _markers(script: str, group, words: list[str], n_features: int) -> np.ndarray | float:
        """``MARKER_BONUS`` per marker word of a language (:mod:`curate.langid.markers`: words one language
        of the script writes and its neighbours do not), scaled like the orthography penalties."""
        if script not in MARKER_SCRIPTS:
            return 0.0
        cache = _MARKER_CACHE
        found = []
        for w in words:
            langs = cache.get(w)
            if langs is None:
                if len(cache) > _FOLD_CACHE_LIMIT:
                    cache.clear()
                langs = cache[w] = marker_langs(script, w)
            if langs:
                found.append(langs)
        if not found:
            return 0.0
        bonus = np.zeros(len(group.langs), dtype=np.float32)
        index = group.lang_index
        for langs in found:
            for lang in langs:
                if lang in index:
                    bonus[index[lang]] += MARKER_BONUS
        return bonus * max(1.0, math.sqrt(n_features))

    def _latin_numbers(self, docs: list[list[str]]) -> list[tuple]:
        """For texts in Latin alone (``docs``: each one's words, every word already scored): what
        :meth:`_tag_latin` needs before it tags the words — ``(best, best_lang, is_name, diff, alts, within)``
        per text (see there) — computed for all texts at once: the same sums as one text at a time, but one
        numpy call each for all of them instead of ~25 small calls per text."""
        group = self.model.groups["Latn"]
        row, nf_of = group._row, group._nf
        names = self._names
        m = self.cfg.token_margin
        en = group.lang_index["en"]
        rows: list[int] = []
        offsets: list[int] = []
        nfs: list[int] = []
        is_name: list[bool] = []
        for words in docs:
            offsets.append(len(rows))
            r = list(map(row.__getitem__, words))
            rows.extend(r)
            nfs.append(sum(map(nf_of.__getitem__, r)))
            flags = [w in names for w in words]
            is_name.extend([False] * len(words) if all(flags) else flags)
        lens = np.diff(np.array(offsets + [len(rows)], dtype=np.int64))
        doc_of = np.repeat(np.arange(len(docs)), lens)
        V = group._V[rows]
        names_arr = np.array(is_name, dtype=bool)
        # I*: the best Indic language on the words that are not clearly English (see _tag_latin)
        maybe = (V[:, en] - V[:, group.indic_columns].max(axis=1) <= m) & ~names_arr
        all_sum = np.add.reduceat(V, offsets, axis=0)
        some = np.add.reduceat(maybe.astype(np.int64), offsets) > 0
        indic_total = np.where(some[:, None], np.add.reduceat(V * maybe[:, None], offsets, axis=0), all_sum)
        indic_total = indic_total + group.prior
        indic_total[:, en] = -np.inf
        best = np.argmax(indic_total, axis=1)
        langs = group.langs
        for k in np.flatnonzero(np.isin(best, self._marked_columns)).tolist():
            best[k] = self._marked_best(indic_total[k], docs[k])  # see _latin_numbers_one
        diff = V[:, en] - V[np.arange(len(rows)), best[doc_of]]
        not_en = diff <= m
        n_not_en = np.add.reduceat(not_en.astype(np.int64), offsets)
        S = np.where((n_not_en > 0)[:, None], np.add.reduceat(V * not_en[:, None], offsets, axis=0), all_sum)
        S = S + group.prior
        # posterior() for every text at once
        z = S / np.sqrt(np.maximum(np.array(nfs, dtype=np.float64), 1.0)).astype(S.dtype)[:, None]
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        P = e / e.sum(axis=1, keepdims=True)
        P[:, en] = 0.0
        P = P / P.sum(axis=1, keepdims=True)
        top = np.argsort(-P, axis=1, kind="stable")[:, :3].tolist()
        out = []
        diffl = diff.tolist()
        hindustani = [group.lang_index[x] for x in HINDUSTANI if x in group.lang_index]
        for k, (a, n, b) in enumerate(zip(offsets, lens.tolist(), best.tolist())):
            p = P[k]
            share_en = (n - int(n_not_en[k])) / n
            alts = sorted([("en", round(share_en, 4))] +
                          [(langs[j], round(float(p[j]) * (1 - share_en), 4)) for j in top[k] if j != en],
                          key=lambda kv: -kv[1])[:3]
            best_lang = langs[b]
            within = float(p[b])
            if best_lang in HINDUSTANI:
                within = sum(float(p[j]) for j in hindustani + self._unmarked_columns(docs[k]))
            out.append((b, best_lang, is_name[a:a + n], diffl[a:a + n], alts, within))
        return out

    def _latin_numbers_one(self, words: list[str], prefer: list[str], extra_names: frozenset[str] = frozenset()) -> tuple:
        """:meth:`_latin_numbers` for one text; ``prefer``: languages already seen in its native-script
        words, among which I* is chosen; ``extra_names``: words read as names besides the name list."""
        group = self.model.groups["Latn"]
        V, nf = group.words(words)
        en = group.lang_index["en"]
        # Proper names (the model's list: Indian given names, surnames, cities, states) are no evidence of
        # the language around them: "respect from tamil nadu" is English, not code-mixed; "priya ne kaha
        # ki wo kal aayegi" is Hindi, not code-mixed, whatever the name's letters look like. They are tagged und (left out of
        # the counts, like numbers) unless the text is nothing but names.
        names = self._names | extra_names if extra_names else self._names
        is_name = [w in names for w in words]
        if all(is_name):
            is_name = [False] * len(words)
        # I* is chosen on the tokens that are not clearly English against every Indic language, so
        # the English words of a Hinglish command ("alarm ko cancel kardo") do not pick the language.
        indic_best = V[:, group.indic_columns].max(axis=1)
        maybe_indic = V[:, en] - indic_best <= self.cfg.token_margin
        if any(is_name):
            maybe_indic &= ~np.array(is_name, dtype=bool)
        indic_total = (V[maybe_indic] if maybe_indic.any() else V).sum(axis=0) + group.prior
        indic_total[en] = -np.inf
        preferred = [group.lang_index[x] for x in prefer if x in group.lang_index and x != "en"]
        if preferred:
            mask = np.full(len(group.langs), -np.inf, dtype=np.float32)
            mask[preferred] = 0.0
            indic_total = indic_total + mask
        best = int(np.argmax(indic_total))
        best_lang = group.langs[best]
        if best in self._marked_columns:
            # Romanized Urdu and Hindi are the same spoken language in the same letters; n-grams
            # cannot separate them reliably, so Urdu needs an Urdu-only function word
            # (kyunke, bohat, shukriya …: Urdu's lexicon minus Hindi's), else it is Hindi. Romanized Punjabi
            # shares most of its content words with Hindi ("dil khush ho gaya"), so it too needs a word of
            # its own grammar (aa, nu, vich, sanu, tusi, veere …), else the next language is chosen.
            best = self._marked_best(indic_total, words)
            best_lang = group.langs[best]
        diff = V[:, en] - V[:, best]
        diffl = diff.tolist()
        m = self.cfg.token_margin
        # Which romanized language, scored on the tokens that are not clearly English, so that a
        # Hinglish sentence's Indic part is not drowned by its English words.
        not_en = diff <= m
        n_not_en = int(np.count_nonzero(not_en))
        p = posterior((V[not_en].sum(axis=0) if n_not_en else V.sum(axis=0)) + group.prior, nf)
        p[en] = 0.0
        p = p / p.sum()
        share_en = (len(diffl) - n_not_en) / len(diffl)
        alts = sorted([("en", round(share_en, 4))] +
                      [(group.langs[j], round(float(p[j]) * (1 - share_en), 4)) for j in np.argsort(-p)[:3] if j != en],
                      key=lambda kv: -kv[1])[:3]
        # Romanized Hindi and Urdu are one spoken language (Hindustani) told apart only by a few
        # loanwords, so their confidence is pooled: doubt between them is not "unknown language".
        within = float(p[best])
        if best_lang in HINDUSTANI:
            # ... and so is Punjabi's when the text has no word of Punjabi grammar (``_marked_best``)
            within = sum(float(p[j]) for j in [group.lang_index[x] for x in HINDUSTANI if x in group.lang_index]
                         + self._unmarked_columns(words))
        return best, best_lang, is_name, diffl, alts, within

    def _tag_latin(self, words: list[str], idx: list[int], tags: list[str | None],
                   prefer: list[str], numbers: tuple | None = None) -> tuple[list[tuple[str, float]], float, str]:
        """Tag Latin tokens en / best romanized Indic language I*; return (alternatives, P(I* | Indic)).

        ``numbers``: the text's :meth:`_latin_numbers` (a text in Latin alone: ``prefer`` is then empty), or
        None to compute them here."""
        group = self.model.groups["Latn"]
        if numbers is not None:
            best, best_lang, is_name, diffl, alts, within = numbers
        else:
            best, best_lang, is_name, diffl, alts, within = self._latin_numbers_one(words, prefer)
        m = self.cfg.token_margin
        unknown_margin = self.cfg.unknown_word_margin
        fw_en = group.function_words.get("en", frozenset())
        fw_best = group.function_words.get(best_lang, frozenset())
        glue: list[int] = []
        weak: list[int] = []
        common: list[int] = []
        common_en = group.common_english
        hindustani = best_lang in HINDUSTANI
        for k, i in enumerate(idx):
            w = words[k]
            if is_name[k]:
                tags[i] = UND
                continue
            if w in fw_en and w in fw_best or (hindustani and w in HINDUSTANI_HOMOGRAPHS):
                # Glue words of both languages ("me", "to", "is", "he"): Hindi में/तो/इस/है or
                # English. They are decided by their neighbours below, else follow the matrix language.
                glue.append(k)
                continue
            d = diffl[k]
            if m < d < unknown_margin and len(w) > 1 and not group.in_lexicon(w):
                # English-looking letters but not an English word ("sirf", "zinda", "dete" in chat
                # Hindi): not evidence of English; it follows the matrix language.
                continue
            if d > m:
                tags[i] = "en"
            elif d < -m:
                if w in common_en:
                    common.append(k)  # decided below, as the weak ones: English unless best_lang has the word
                    continue
                if d > -unknown_margin and len(w) > 1 and group.in_lexicon(w):
                    weak.append(k)  # decided below: is it a word of best_lang's training text?
                    continue
                tags[i] = best_lang
        if common:
            # An everyday English word ("manager", "said", "market") that best_lang's training text never had
            # as a word is English, however Indic its letters look: the English n-gram profile is thin at
            # 4-grams, the romanized profiles are not.
            seen = group.whole_word_scores([words[k] for k in common])[:, best] > 0
            for k, s in zip(common, seen.tolist()):
                tags[idx[k]] = best_lang if s else "en"
        if weak:
            # An English word whose letters only weakly look Indic ("market", "take", "again" beside
            # Hindi n-grams ke/tak/gai) and that best_lang's training text never had as a word is not
            # evidence of best_lang: it stays untagged and follows the matrix language, as a weakly
            # English-looking non-English word does above.
            seen = group.whole_word_scores([words[k] for k in weak])[:, best] > 0
            for k, s in zip(weak, seen.tolist()):
                if s:
                    tags[idx[k]] = best_lang
        for k in (() if hindustani else glue):
            # A glue word between two words of one language is that language ("this is the best
            # song": English; "mujhe to pata hai": Hindi). At the edge of a text one neighbour is not
            # enough: "is song ko like karen" starts with Hindi इस before an English noun.
            left = next((tags[idx[j]] for j in range(k - 1, -1, -1) if tags[idx[j]] not in (None, UND)), None)
            right = next((tags[idx[j]] for j in range(k + 1, len(idx)) if tags[idx[j]] not in (None, UND)), None)
            if left is not None and left == right:
                tags[idx[k]] = left
        return alts, within, best_lang
