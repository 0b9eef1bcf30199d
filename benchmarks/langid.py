"""Language-ID benchmark: curate vs plain seeded langdetect, same run, same documents.

    python benchmarks/langid.py                                  # dev TSV (if present) + own held-out split
    python benchmarks/langid.py --tsv PATH [--no-heldout] [--out results.md] [--repeat 3]

Inputs
* a labelled TSV with columns text, lang, script, romanized, codemixed (tab-separated, no quoting);
  default ``../shared/devdata/lid/lid_dev.tsv`` when it exists. It is read, never copied.
* the project's own held-out split: every fifth sentence of ``curate/langid/seed`` (never seen by
  the model builder): native sentences, hand-written romanized sentences, native sentences
  romanized by the project's transliterator, and synthetic code-mixed sentences
  (romanized Indic + an English phrase, English + romanized Indic words).

Metrics, for curate and for langdetect (DetectorFactory.seed = 0, ``detect``):
throughput is measured in process CPU time (the machine is shared, so wall clock is noisy; both
are single-threaded) and in wall clock; curate starts with an empty word cache every time.
accuracy by condition (native script / English / romanized / code-mixed: matrix language) and by
language, romanized-flag accuracy, code-mix precision/recall/F1 (positive = codemixed), and docs/s.
langdetect has no romanized or code-mix output: its code-mix F1 is not defined and its
"romanized" is counted as correct only when it says a non-English language for Latin text.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from curate.langid.detect import Detector  # noqa: E402
from curate.langid.seed import language_seeds, load_seeds  # noqa: E402
from curate.langid.translit import romanize  # noqa: E402

DEFAULT_TSV = Path(__file__).resolve().parent.parent.parent / "shared" / "devdata" / "lid" / "lid_dev.tsv"
COMMENTS_TSV = Path(__file__).resolve().parent.parent / "tests" / "langid" / "data" / "comments.tsv"
ROMANIZE_SCRIPT_LANGS = ("hi", "bn", "mr", "gu", "pa", "ta", "te", "kn", "ml")


def read_tsv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        rows = []
        for r in reader:
            rows.append({"text": r["text"], "lang": r["lang"], "script": r["script"],
                         "romanized": r["romanized"] in ("1", "true", "True"),
                         "codemixed": r["codemixed"] in ("1", "true", "True")})
    return rows


HELDOUT_SHARE = 2  # one row in HELDOUT_SHARE goes to the held-out part


def split_of(text: str) -> str:
    """``"heldout"`` or ``"dev"`` for a dev-file row, from a hash of its text (deterministic, no seed).

    Tuning (thresholds, seed words, rules) only ever looks at the ``dev`` part; results are reported
    on the ``heldout`` part, which no tuning step reads.
    """
    h = int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:4], "big")
    return "heldout" if h % HELDOUT_SHARE == 0 else "dev"


def read_comments(path: Path = COMMENTS_TSV) -> list[dict]:
    """The project's hand-labelled social-media comments (``tests/langid/data/comments.tsv``)."""
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    header = lines[0].split("\t")
    rows = []
    for ln in lines[1:]:
        r = dict(zip(header, ln.split("\t")))
        kind = r["kind"]
        rows.append({"text": r["text"], "lang": r["lang"], "script": "Latn" if r["lang"] != "und" else None,
                     "romanized": kind.startswith(("roman-", "hinglish")), "codemixed": r["codemixed"] == "1",
                     "embedded": None if r["embedded"] == "-" else r["embedded"], "kind": kind})
    return rows


def _loan_share(text: str, loans: set[str]) -> float:
    toks = [t for t in text.lower().replace(",", " ").replace(".", " ").replace("?", " ").split() if t.isalpha()]
    return sum(t in loans for t in toks) / max(1, len(toks))


def heldout_rows() -> list[dict]:
    seeds = load_seeds()
    # The hand-written romanized sentences contain English words, as real chat does; they are listed
    # in seed/roman/_english_loans.txt. A row whose listed English words reach 15% of its tokens is
    # labelled code-mixed (the labelling uses that human list, not the model).
    loans = set(seeds["roman"]["_english_loans"].function_words)
    rows: list[dict] = []
    for lang, sf in seeds["native"].items():
        script = "Latn" if lang == "en" else None
        for s in sf.heldout:
            rows.append({"text": s, "lang": lang, "script": script, "romanized": False, "codemixed": False,
                         "source": "heldout:native"})
    for lang, sf in language_seeds(seeds, "roman").items():
        for s in sf.heldout:
            rows.append({"text": s, "lang": lang, "script": "Latn", "romanized": True,
                         "codemixed": _loan_share(s, loans) >= 0.15, "source": "heldout:roman"})
    for lang in ROMANIZE_SCRIPT_LANGS:
        for s in seeds["native"][lang].heldout:
            rows.append({"text": romanize(s, long_vowels=False), "lang": lang, "script": "Latn", "romanized": True,
                         "codemixed": False, "source": "heldout:translit"})
    en = seeds["native"]["en"].heldout
    k = 0
    for lang, sf in language_seeds(seeds, "roman").items():
        for s in sf.heldout:
            e = en[k % len(en)].rstrip(".?!").split()
            k += 1
            words = s.split()
            # Indic matrix: an English phrase of ~1/3 the length inserted in the middle.
            phrase = e[: max(3, len(words) // 3)]
            mid = len(words) // 2
            rows.append({"text": " ".join(words[:mid] + phrase + words[mid:]), "lang": lang, "script": "Latn",
                         "romanized": True, "codemixed": True, "source": "heldout:cm-indic"})
            # English matrix: an English sentence with a few romanized words appended.
            rows.append({"text": " ".join(e + words[: max(3, len(e) // 3)]), "lang": "en", "script": "Latn",
                         "romanized": True, "codemixed": True, "source": "heldout:cm-en"})
    return rows


def condition(r: dict) -> str:
    if r["codemixed"]:
        return "code-mixed"
    if r["romanized"]:
        return "romanized"
    return "english" if r["lang"] == "en" else "native"


def run_curate(rows: list[dict]) -> tuple[list[dict], float]:
    det = Detector()
    det.model.clear_cache()  # cold: no word scored before, as for a fresh process on new data
    t0, c0 = time.perf_counter(), time.process_time()
    res = det.detect_many(r["text"] for r in rows)
    dt = (time.process_time() - c0, time.perf_counter() - t0)
    return [{"lang": x.lang, "romanized": x.romanized, "codemixed": x.codemixed, "script": x.script} for x in res], dt


def run_langdetect(rows: list[dict]) -> tuple[list[dict], float]:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0
    out = []
    t0, c0 = time.perf_counter(), time.process_time()
    for r in rows:
        try:
            lang = detect(r["text"]).split("-")[0]
        except LangDetectException:
            lang = "und"
        out.append({"lang": lang, "romanized": None, "codemixed": None, "script": None})
    return out, (time.process_time() - c0, time.perf_counter() - t0)


def f1(gold: list[bool], pred: list[bool]) -> tuple[float, float, float]:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum((not g) and p for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    return prec, rec, (2 * prec * rec / (prec + rec) if prec + rec else 0.0)


def evaluate(name: str, rows: list[dict], repeat: int = 1) -> str:
    cur, t_cur = run_curate(rows)
    for _ in range(repeat - 1):
        t_cur = min(t_cur, run_curate(rows)[1])
    ld, t_ld = run_langdetect(rows)
    for _ in range(repeat - 1):
        t_ld = min(t_ld, run_langdetect(rows)[1])
    (cpu_cur, wall_cur), (cpu_ld, wall_ld) = t_cur, t_ld
    n = len(rows)
    lines = [f"### {name} ({n} documents)", ""]
    # by condition
    by_cond: dict[str, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_cond[condition(r)].append(i)
    lines += ["| condition | n | curate acc | langdetect acc |", "|---|---:|---:|---:|"]
    for c in ("native", "english", "romanized", "code-mixed"):
        idx = by_cond.get(c, [])
        if not idx:
            continue
        a = sum(cur[i]["lang"] == rows[i]["lang"] for i in idx) / len(idx)
        b = sum(ld[i]["lang"] == rows[i]["lang"] for i in idx) / len(idx)
        lines.append(f"| {c} | {len(idx)} | {a:.3f} | {b:.3f} |")
    acc_all = sum(c["lang"] == r["lang"] for c, r in zip(cur, rows)) / n
    acc_ld = sum(c["lang"] == r["lang"] for c, r in zip(ld, rows)) / n
    lines.append(f"| **all** | {n} | {acc_all:.3f} | {acc_ld:.3f} |")
    lines.append("")
    # flags
    p, rc, f = f1([r["codemixed"] for r in rows], [c["codemixed"] for c in cur])
    rom_acc = sum(c["romanized"] == r["romanized"] for c, r in zip(cur, rows)) / n
    scripted = [(c, r) for c, r in zip(cur, rows) if r.get("script")]
    script_acc = sum(c["script"] == r["script"] for c, r in scripted) / max(1, len(scripted))
    lines += [f"- code-mix (curate): precision {p:.3f}, recall {rc:.3f}, **F1 {f:.3f}** "
              f"(langdetect: no code-mix output)",
              f"- romanized flag accuracy (curate): {rom_acc:.3f}; script accuracy: {script_acc:.3f}",
              f"- throughput (process CPU time, one core; best of {repeat}): curate **{n / cpu_cur:,.0f} docs/s**, "
              f"langdetect {n / cpu_ld:,.0f} docs/s, ratio **{cpu_ld / cpu_cur:.1f}x**; wall clock: curate "
              f"{n / wall_cur:,.0f} docs/s, langdetect {n / wall_ld:,.0f} docs/s, ratio {wall_ld / wall_cur:.1f}x", ""]
    # per language x condition
    cell: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        cell[(r["lang"], condition(r))].append(i)
    lines += ["| lang | condition | n | curate | langdetect | curate's top confusions |", "|---|---|---:|---:|---:|---|"]
    for (lang, c), idx in sorted(cell.items()):
        a = sum(cur[i]["lang"] == lang for i in idx) / len(idx)
        b = sum(ld[i]["lang"] == lang for i in idx) / len(idx)
        conf: dict[str, int] = defaultdict(int)
        for i in idx:
            if cur[i]["lang"] != lang:
                conf[cur[i]["lang"]] += 1
        top = ", ".join(f"{k}:{v}" for k, v in sorted(conf.items(), key=lambda kv: -kv[1])[:3])
        lines.append(f"| {lang} | {c} | {len(idx)} | {a:.3f} | {b:.3f} | {top} |")
    lines.append("")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tsv", type=Path, default=DEFAULT_TSV if DEFAULT_TSV.exists() else None)
    ap.add_argument("--no-heldout", action="store_true")
    ap.add_argument("--repeat", type=int, default=1,
                    help="time both (curate with a cold cache each time) this many times and keep the best")
    ap.add_argument("--out", type=Path, help="also write the report (markdown) here")
    args = ap.parse_args()
    parts = []
    if args.tsv:
        parts.append(evaluate(f"dev TSV {args.tsv.name}", read_tsv(args.tsv), args.repeat))
    if not args.no_heldout:
        parts.append(evaluate("own held-out split (curate/langid/seed, every 5th sentence)", heldout_rows(), args.repeat))
    from _common import machine

    header = (f"## Language ID (curate langid vs seeded langdetect)\n\nMachine: {machine()}\n\n"
              f"Command: `python benchmarks/langid.py{' --tsv ' + str(args.tsv) if args.tsv else ''}`\n\n")
    report = header + "\n".join(parts)
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
