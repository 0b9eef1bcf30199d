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
from dataclasses import asdict, dataclass, field
from typing import Iterable

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from curate.langid.model import Model, load_model, posterior
from curate.langid.text import clauses, fold_token, normalize, strip_links, tokenize

# Scripts written by exactly one of the languages we cover (Konkani in Kannada script and
# Santali in other scripts exist, but are rare in enterprise text).
UNIQUE_SCRIPT_LANG = {"Gujr": "gu", "Guru": "pa", "Orya": "or", "Taml": "ta", "Telu": "te", "Knda": "kn",
                      "Mlym": "ml", "Olck": "sat", "Mtei": "mni", "Sinh": "si", "Hebr": "he", "Thai": "th",
                      "Hang": "ko", "Hira": "ja", "Kana": "ja", "Grek": "el", "Geor": "ka", "Armn": "hy",
                      "Khmr": "km", "Laoo": "lo", "Mymr": "my", "Tibt": "bo"}
INDIC_LANGS = frozenset({"as", "bn", "brx", "doi", "gu", "hi", "kn", "ks", "kok", "mai", "ml", "mni", "mr", "ne",
                         "or", "pa", "sa", "sat", "sd", "ta", "te", "ur"})
UND = "und"
HINDUSTANI = ("hi", "ur")

# Orthographic facts that n-gram counts from small seeds may not weigh enough: a letter that one
# language always uses and others never do. (letters, languages the presence of any of them rules out)
ORTHOGRAPHY_RULES: dict[str, list[tuple[frozenset[str], frozenset[str]]]] = {
    # Assamese writes r as ৰ (U+09F0), Bengali and Meitei-in-Bengali-script as র (U+09B0).
    "Beng": [(frozenset("ৰ"), frozenset({"bn", "mni"})), (frozenset("র"), frozenset({"as"}))],
    # Kashmiri vowel letters/marks (ٲ ٕ ۄ ؠ ٚ ۆ ێ) and Sindhi implosives/retroflexes (ڪ ٻ ڄ ڃ ڊ ڏ ڍ ڌ ڳ ڱ ڻ ۾ ٿ ٺ ٽ ڦ)
    # do not occur in Urdu, Persian or Arabic orthography.
    "Arab": [(frozenset("ٲٕۄؠٚۆێ"), frozenset({"ur", "sd", "fa", "ar"})),
             (frozenset("ڪٻڄڃڊڏڍڌڳڱڻ۾ٿٺٽڦ"), frozenset({"ur", "ks", "fa", "ar"}))],
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
# Words that open a subordinate clause. The matrix language is the language of the main clause, so
# tokens of a subordinate clause weigh SUBORDINATE_WEIGHT in the matrix vote ("they should give reward
# | jaise ki last year kiya tha"). Indic subordination is mostly suffixal (Tamil -nu, -aa), so the
# Indic list is romanized Hindustani.
SUBORDINATORS = frozenset(
    "because since although though unless whereas whenever while if when which who whom whose "
    "jaise jaisa kyunki kyuki kyonki kyoki taaki taki agar jab jabki halanki halaanki jo jisse jiske".split())
SUBORDINATE_WEIGHT = 0.5
_FOLD_CACHE_LIMIT = 200_000


class DetectConfig(BaseModel):
    """Thresholds of the detector (shared by the stage config and the Python API)."""

    model_config = ConfigDict(extra="forbid")

    min_chars: int = Field(3, ge=1, description="Fewer letters than this gives 'und'.")
    min_score: float = Field(0.3, ge=0.0, le=1.0, description="lang_score below this gives 'und' (ambiguous text).")
    token_margin: float = Field(1.0, ge=0.0, description=(
        "A Latin token is tagged English or romanized-Indic only when the log-likelihood ratio exceeds this."))
    cm_min_share: float = Field(0.15, ge=0.0, le=1.0, description=(
        "Share of language tokens the embedded language needs for the document to count as code-mixed."))
    cm_min_tokens: int = Field(1, ge=1, description="Tokens the embedded language needs for 'codemixed'.")
    length_norm_chars: int = Field(20, ge=1, description="lang_score is scaled by sqrt(min(1, letters / this)).")
    function_word_bonus: float = Field(0.25, ge=0.0, description=(
        "Extra weight of a function word when choosing the matrix language (0.25: token majority decides, "
        "function words break near-ties; chosen on the tuning half of the dev file)."))
    frame_min_tokens: int = Field(2, ge=1, description=(
        "Indic tokens needed to make an Indic language the matrix of a row whose English words have no "
        "English frame (no subject pronoun, auxiliary or modal)."))
    frame_min_share: float = Field(0.25, ge=0.0, le=1.0, description=(
        "Share of the matrix-vote weight those Indic tokens need (with frame_min_tokens)."))


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
        self.cfg = config or DetectConfig()
        self.model = model or load_model()
        self._fold: dict[str, str | None] = {}  # token -> folded token (None: laughter); a cache

    def detect(self, text: str | None, keep_tokens: bool = False) -> LangResult:
        return self.detect_many([text], keep_tokens)[0]

    def detect_many(self, texts: Iterable[str | None], keep_tokens: bool = False) -> list[LangResult]:
        """Detect a batch: tokenise everything, score all new words per script at once, then decide."""
        prepped = [self._prep(t) for t in texts]
        pending: dict[str, list[str]] = {}
        groups = self.model.groups
        for p in prepped:
            if not isinstance(p, LangResult):
                for tok, sc in p[0]:
                    if sc in groups:
                        pending.setdefault(sc, []).append(tok)
        for sc, toks in pending.items():
            groups[sc].fill(toks)
        return [p if isinstance(p, LangResult) else self._decide(*p, keep_tokens=keep_tokens) for p in prepped]

    def _prep(self, text: str | None):
        if not text:
            return _und("Zyyy", {})
        tokens: list[tuple[str, str]] = []
        starts: list[int] = []  # index of the first token of each clause
        fold = self._fold
        for piece in clauses(strip_links(normalize(text))):
            starts.append(len(tokens))
            for tok, sc in tokenize(piece):
                f = fold.get(tok, 0)
                if f == 0:
                    if len(fold) > _FOLD_CACHE_LIMIT:
                        fold.clear()
                    f = fold[tok] = fold_token(tok)
                if f is not None:
                    tokens.append((f, sc))
        letters: dict[str, int] = {}
        for tok, sc in tokens:
            letters[sc] = letters.get(sc, 0) + len(tok)
        total = sum(letters.values())
        if total == 0:
            return _und("Zyyy", {})
        ranked = sorted(letters.items(), key=lambda kv: -kv[1])
        shares = {sc: round(n / total, 4) for sc, n in ranked}
        if total < self.cfg.min_chars:
            return _und(ranked[0][0], shares)
        return tokens, shares, ranked[0][0], total, starts

    def _decide(self, tokens: list[tuple[str, str]], shares: dict[str, float], main_script: str, total: int,
                starts: list[int], keep_tokens: bool = False) -> LangResult:
        cfg = self.cfg
        groups = self.model.groups
        by_script: dict[str, list[int]] = {}
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
                latin_alts, latin_within = self._tag_latin(words, idx, tags, prefer)
                continue
            group = groups.get(script)
            if group is not None:
                V, nf = group.words(words)
                p = posterior(V.sum(axis=0) + group.prior + self._orthography(script, group, words), nf)
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
            if lang == UND:
                return _und(script, shares, alts)
            length_factor = min(1.0, total / cfg.length_norm_chars) ** 0.5
            score = round(float(alts[0][1] * length_factor), 4)
            token_tags = [(tok, lang) for tok, _ in tokens] if keep_tokens else None
            return LangResult(lang if score >= cfg.min_score else UND, script, False, False, score, None, 0.0,
                              alts, shares, token_tags)

        # Token counts (for CMI and the code-mix flag) and frame weights (for the matrix language):
        # function words weigh 1 + bonus, so "kya mere work ke route me traffic he" is Hindi with
        # English nouns, not English (the Matrix Language Frame view of code-switching).
        counts: dict[str, int] = {}
        weight: dict[str, float] = {}
        n_ambiguous = 0
        n_en_frame = 0
        bonus = 1.0 + cfg.function_word_bonus
        sub = self._subordinate(tokens, starts)
        for (tok, sc), t, is_sub in zip(tokens, tags, sub):
            if t is None:
                n_ambiguous += 1
                continue
            if t == UND:
                continue
            counts[t] = counts.get(t, 0) + 1
            g = groups.get(sc)
            fw = g.function_words.get(t) if g is not None else None
            w = bonus if fw and tok in fw else 1.0
            weight[t] = weight.get(t, 0.0) + (w * SUBORDINATE_WEIGHT if is_sub else w)
            if t == "en" and not is_sub and tok in ENGLISH_FRAME:
                n_en_frame += 1
        if not counts:
            if not latin_alts:
                return _und(main_script, shares)
            # every token ambiguous: the document-level Latin decision names the language
            counts = {latin_alts[0][0]: n_ambiguous}
            weight = {latin_alts[0][0]: float(n_ambiguous)}
            n_ambiguous = 0
        # Ties go to the Indic language: "मेरा account block हो गया" is Hindi with English words.
        matrix = min(weight, key=lambda k: (-weight[k], k == "en", k))
        if matrix == "en" and n_en_frame == 0:
            # English words without an English frame (no subject, auxiliary or modal: "waiting for the
            # trailer", "set alarm for") are phrases inserted into the Indic sentence.
            indic = max((k for k in counts if k != "en"), key=lambda k: (weight[k], k), default=None)
            if (indic is not None and counts[indic] >= cfg.frame_min_tokens
                    and weight[indic] >= cfg.frame_min_share * sum(weight.values())):
                matrix = indic
        matrix_weight_share = weight[matrix] / sum(weight.values())
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
        romanized = script == "Latn" and (matrix in INDIC_LANGS or (codemixed and embedded in INDIC_LANGS))
        token_tags = [(tok, t or matrix) for (tok, _), t in zip(tokens, tags)] if keep_tokens else None
        return LangResult(matrix if score >= cfg.min_score else UND, script, romanized, codemixed, score,
                          embedded if codemixed else None, round(cmi, 2), alts, shares, token_tags)

    @staticmethod
    def _subordinate(tokens: list[tuple[str, str]], starts: list[int]) -> list[bool]:
        """Per token: is it in a subordinate clause (from a subordinator to the next punctuation)?"""
        out = [False] * len(tokens)
        bounds = set(starts)
        inside = False
        for i, (tok, _) in enumerate(tokens):
            if i in bounds:
                inside = False
            if tok in SUBORDINATORS:
                inside = True
            out[i] = inside
        return out

    @staticmethod
    def _orthography(script: str, group, words: list[str]) -> np.ndarray | float:
        """Large penalties for languages ruled out by letters they never use (see ORTHOGRAPHY_RULES)."""
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
        return np.array([-50.0 if lang in excluded else 0.0 for lang in group.langs], dtype=np.float32)

    def _tag_latin(self, words: list[str], idx: list[int], tags: list[str | None],
                   prefer: list[str]) -> tuple[list[tuple[str, float]], float]:
        """Tag Latin tokens en / best romanized Indic language I*; return (alternatives, P(I* | Indic))."""
        group = self.model.groups["Latn"]
        V, nf = group.words(words)
        en = group.lang_index["en"]
        # I* is chosen on the tokens that are not clearly English against every Indic language, so
        # the English words of a Hinglish command ("alarm ko cancel kardo") do not pick the language.
        indic_best = V[:, group.indic_columns].max(axis=1)
        maybe_indic = V[:, en] - indic_best <= self.cfg.token_margin
        indic_total = (V[maybe_indic] if maybe_indic.any() else V).sum(axis=0) + group.prior
        indic_total[en] = -np.inf
        preferred = [group.lang_index[x] for x in prefer if x in group.lang_index and x != "en"]
        if preferred:
            mask = np.full(len(group.langs), -np.inf, dtype=np.float32)
            mask[preferred] = 0.0
            indic_total = indic_total + mask
        best = int(np.argmax(indic_total))
        best_lang = group.langs[best]
        if best_lang == "ur" and "hi" in group.lang_index:
            # Romanized Urdu and Hindi are the same spoken language in the same letters; n-grams
            # cannot separate them reliably, so Urdu needs an Urdu-only function word
            # (kyunke, bohat, shukriya …: Urdu's lexicon minus Hindi's), else it is Hindi.
            fws = group.function_words
            markers = fws.get("ur", frozenset()) - fws.get("hi", frozenset())
            if not any(w in markers for w in words):
                best, best_lang = group.lang_index["hi"], "hi"
        diff = V[:, en] - V[:, best]
        m = self.cfg.token_margin
        fw_en = group.function_words.get("en", frozenset())
        fw_best = group.function_words.get(best_lang, frozenset())
        glue: list[int] = []
        for k, i in enumerate(idx):
            w = words[k]
            if w in fw_en and w in fw_best:
                # Glue words of both languages ("me", "to", "is", "he"): Hindi में/तो/इस/है or
                # English. They are decided by their neighbours below, else follow the matrix language.
                glue.append(k)
                continue
            d = diff[k]
            if d > m:
                tags[i] = "en"
            elif d < -m:
                tags[i] = best_lang
        for k in glue:
            # A glue word between two words of one language is that language ("this is the best
            # song": English; "mujhe to pata hai": Hindi). At the edge of a text one neighbour is not
            # enough: "is song ko like karen" starts with Hindi इस before an English noun.
            left = next((tags[idx[j]] for j in range(k - 1, -1, -1) if tags[idx[j]] is not None), None)
            right = next((tags[idx[j]] for j in range(k + 1, len(idx)) if tags[idx[j]] is not None), None)
            if left is not None and left == right:
                tags[idx[k]] = left
        # Which romanized language, scored on the tokens that are not clearly English, so that a
        # Hinglish sentence's Indic part is not drowned by its English words.
        not_en = diff <= m
        p = posterior((V[not_en].sum(axis=0) if not_en.any() else V.sum(axis=0)) + group.prior, nf)
        p[en] = 0.0
        p = p / p.sum()
        share_en = float((diff > m).mean())
        alts = sorted([("en", round(share_en, 4))] +
                      [(group.langs[j], round(float(p[j]) * (1 - share_en), 4)) for j in np.argsort(-p)[:3] if j != en],
                      key=lambda kv: -kv[1])[:3]
        # Romanized Hindi and Urdu are one spoken language (Hindustani) told apart only by a few
        # loanwords, so their confidence is pooled: doubt between them is not "unknown language".
        within = float(p[best])
        if best_lang in HINDUSTANI:
            within = sum(float(p[group.lang_index[x]]) for x in HINDUSTANI if x in group.lang_index)
        return alts, within
