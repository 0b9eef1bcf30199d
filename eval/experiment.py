"""Does curation pay?  The same base model, the same steps, on a raw and on a curated snapshot of one set of sources.

Used by ``benchmarks/curation_pays.py`` (the full run) and the ML engineer notebook (a
small one).  Steps, all through the public ``Workspace`` API:

1. sources: the bundled synthetic support data (instruction pairs and chats, with Indian
   PII in them) + planted canaries (:mod:`eval.canaries`, copies 1..16) + planted duplicates
   (records copied 2..16 times); a held-out part of the records goes to its own source file;
2. one workspace: ingest, then clean → langid → minhash → dedup → pii;
   snapshot ``raw`` (no dedup, raw text) and ``curated`` (``dup_keep``, anonymized) of the
   training sources, ``heldout`` (anonymized) and ``heldout_raw`` of the held-out source;
3. one tiny Llama built locally (tokenizer trained on other text: never on canaries),
   fully fine-tuned for the same number of steps on each snapshot, for each seed;
4. each run: the extraction evaluation (canaries, raw PII, duplicates) and held-out
   loss / chrF / exact match per language on the same held-out records.

Raw values never leave the workspace: results hold counts, rates and exposures only.
"""

from __future__ import annotations

import json
import math
import random
import statistics
import time
from pathlib import Path

import pyarrow as pa


def _jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _sft_rows(data_dir: Path) -> list[dict]:
    rows = []
    for name in ("sft_pairs.jsonl", "chats.jsonl"):
        for line in (data_dir / name).read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            r["lang"] = r.pop("language", None) or "und"
            rows.append(r)
    return rows


def build_sources(root: Path, n: int = 600, seed: int = 7, heldout: float = 0.2, canary_copies=(1, 2, 4, 8, 16),
                  dup_copies=(2, 4, 8, 16), dup_per_level: int = 3) -> dict:
    """Write train.jsonl (records + canaries + duplicates) and heldout.jsonl; returns paths and counts."""
    from curate.sampledata.generate import generate

    from eval.canaries import canary_records, make_canaries, save_canaries

    data = root / "data"
    generate(data, n=n, seed=seed)
    rows = _sft_rows(data)
    rng = random.Random(seed)
    rng.shuffle(rows)
    k = int(len(rows) * heldout)
    held, train = rows[:k], rows[k:]
    canaries = make_canaries(copies=list(canary_copies), seed=seed)
    save_canaries(canaries, root / "secrets" / "canaries.json")
    dups = []
    pick = [r for r in train if r.get("messages") or len(str(r.get("output", ""))) > 40]
    rng.shuffle(pick)
    for level, copies in enumerate(dup_copies):
        for j, r in enumerate(pick[level * dup_per_level:(level + 1) * dup_per_level]):
            for c in range(copies - 1):  # the record itself is already there once
                dups.append({**r, **({"id": f"{r['id']}-dup{c}"} if "id" in r else {}),
                             **({"chat_id": f"{r['chat_id']}-dup{c}"} if "chat_id" in r else {})})
    tr = _jsonl(root / "train.jsonl", train + canary_records(canaries) + dups)
    ho = _jsonl(root / "heldout.jsonl", held)
    # The base model's tokenizer is trained on other text (the support tickets, which include bad lines on
    # purpose): never on the canaries, or BPE would learn each canary as a token of its own.
    tokenizer_text = []
    for line in (data / "support_tickets.jsonl").read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            t = json.loads(line).get("text")
            if isinstance(t, str):
                tokenizer_text.append(t)
        except (json.JSONDecodeError, AttributeError):
            continue
    return {"train": tr, "heldout": ho, "canaries": root / "secrets" / "canaries.json", "n_train_records": len(train),
            "n_heldout": len(held), "n_canary_rows": sum(c.copies for c in canaries), "n_dup_rows": len(dups),
            "tokenizer_text": [t for t in tokenizer_text if t]}


def build_workspace(root: Path, sources: dict):
    """Ingest, run the curation stages and create the four snapshots; returns the open workspace."""
    from curate import Workspace

    ws = Workspace.init(root / "ws")
    ws.ingest([sources["train"]], source_name="train")
    ws.ingest([sources["heldout"]], source_name="heldout")
    ws.run_stage("clean")
    ws.run_stage("langid", {"text_field": "clean_text"})
    ws.run_stage("minhash", {"text_field": "clean_text"})
    ws.run_stage("dedup", {"text_field": "clean_text"})   # the column minhash compared (verification re-reads it)
    ws.run_stage("pii", {"nlp": "none", "policy": {"operators": {"PERSON": {"operator": "placeholder"}}}})
    # The records' own language labels (the generator's truth) for per-language results.
    docs = ws.documents()
    langs = [json.loads(m or "{}").get("lang") or "und" for m in docs.column("meta").to_pylist()]
    ws.write_signal("truth", pa.table({"doc_id": docs.column("doc_id"), "true_lang": langs}), replace=True)
    ws.create_snapshot("raw", where="source = 'train'", text="raw", allow_raw=True)
    ws.create_snapshot("curated", where="source = 'train' AND dup_keep", text="anonymized")
    ws.create_snapshot("heldout", where="source = 'heldout'", text="anonymized")
    ws.create_snapshot("heldout_raw", where="source = 'heldout'", text="raw", allow_raw=True)
    return ws


def train_config(steps: int, seed: int, lr: float = 5e-3, batch: int = 8, max_seq_len: int = 256):
    from train.config import TrainConfig

    return TrainConfig.model_validate({
        "mode": "full", "device": "cpu", "seed": seed,
        "data": {"max_seq_len": max_seq_len, "splits": {"train": 1.0}, "contamination": "ignore"},
        "training": {"max_steps": steps, "batch_size": batch, "grad_accum": 1, "learning_rate": lr,
                     "warmup_ratio": 0.05, "logging_steps": 25, "eval_steps": max(steps, 1),
                     "save_total_limit": 1, "early_stopping_patience": None, "gradient_checkpointing": False},
    })


def _summary(values: list[float | None]) -> dict:
    vals = [v for v in values if v is not None]
    if not vals:
        return {"mean": None, "sd": None, "values": values}
    return {"mean": statistics.fmean(vals), "sd": statistics.stdev(vals) if len(vals) > 1 else 0.0, "values": values}


def run_experiment(root: str | Path, seeds=(0, 1, 2), steps: int = 300, n: int = 600, hidden: int = 128,
                   layers: int = 4, privacy=None, heldout_items: int = 60, log=print) -> dict:
    """The whole experiment; returns per-seed metrics and their mean / sd for ``raw`` and ``curated``."""
    import torch

    from eval.config import EvalConfig, PrivacyConfig
    from eval.runs import eval_run
    from train.runs import train_on_snapshot
    from train.tiny import build_tiny_llama

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    sources = build_sources(root, n=n)
    ws = build_workspace(root, sources)
    base = build_tiny_llama(root / "base", sources["tokenizer_text"], vocab_size=2048, hidden=hidden, layers=layers,
                            max_positions=512)
    n_params = sum(p.numel() for p in __import__("transformers").AutoModelForCausalLM.from_pretrained(base).parameters())
    rows = {m.name: m.row_count for m in ws.snapshots()}
    log(f"data ready in {time.time() - t0:.0f}s: snapshots {rows}; base model {n_params / 1e6:.2f}M parameters")
    pcfg = privacy or PrivacyConfig(samples=2, exposure_candidates=100, max_pii_values=400, dup_controls=30)
    per_run: list[dict] = []
    try:
        for seed in seeds:
            for cond in ("raw", "curated"):
                name = f"{cond}-s{seed}"
                t = time.time()
                torch.manual_seed(seed)
                run = train_on_snapshot(ws, cond, str(base), root / "runs" / name, train_config(steps, seed),
                                        allow_unapproved=cond == "raw", progress=False)
                train_s = time.time() - t
                rep = eval_run(ws, name, cfg=EvalConfig(max_samples=heldout_items, max_new_tokens=48, batch_size=16,
                                                        lang_column="true_lang", privacy=pcfg, samples_per_language=0),
                               canaries=sources["canaries"], raise_on_gate=False, split="all", snapshot="heldout")
                raw_ho = eval_run(ws, name, cfg=EvalConfig(max_samples=heldout_items, max_new_tokens=48, batch_size=16,
                                                           lang_column="true_lang", samples_per_language=0),
                                  raise_on_gate=False, split="all", snapshot="heldout_raw")
                p = rep["privacy"]
                can = p["canaries"]
                m = rep["metrics"]
                per_run.append({
                    "seed": seed, "condition": cond, "train_s": round(train_s, 1), "steps": run["metrics"]["global_steps"],
                    "train_loss": run["metrics"]["train_loss"],
                    "canaries_extracted": can["adapter"]["extracted"], "canaries_probed": can["adapter"]["n"],
                    "pii_extracted": p["pii"]["overall"]["adapter"]["extracted"],
                    "pii_probed": p["pii"]["overall"]["adapter"]["n"],
                    "pii_extracted_base": p["pii"]["overall"]["base"]["extracted"],
                    "dup_memorized": p["duplicates"]["duplicated"]["adapter"]["extracted"],
                    "dup_probed": p["duplicates"]["duplicated"]["adapter"]["n"],
                    "control_memorized": p["duplicates"]["controls"]["adapter"]["extracted"],
                    "control_probed": p["duplicates"]["controls"]["adapter"]["n"],
                    "exposure": {str(it["planted_copies"]): it["adapter"]["exposure"] for it in can["items"]
                                 if it["type"] == "aadhaar"},
                    "exposure_by_copies": {c: statistics.fmean([it["adapter"]["exposure"] for it in can["items"]
                                                                if it["planted_copies"] == c and it["probed"]] or [0.0])
                                           for c in sorted({it["planted_copies"] for it in can["items"]})},
                    "heldout_loss": m["overall"]["adapter"]["loss"], "heldout_chrf": m["overall"]["adapter"]["chrf"],
                    "heldout_em": m["overall"]["adapter"]["exact_match"],
                    "heldout_raw_loss": raw_ho["metrics"]["overall"]["adapter"]["loss"],
                    "per_language": {lang: {"n": e["n"], "loss": e["adapter"]["loss"], "chrf": e["adapter"]["chrf"],
                                            "em": e["adapter"]["exact_match"]}
                                     for lang, e in m.items() if lang != "overall"},
                    "heldout_n": rep["n_items"],
                })
                r = per_run[-1]
                log(f"{name}: {r['steps']} steps in {train_s:.0f}s · canaries {r['canaries_extracted']}/"
                    f"{r['canaries_probed']} · PII {r['pii_extracted']}/{r['pii_probed']} · duplicates "
                    f"{r['dup_memorized']}/{r['dup_probed']} · held-out loss {r['heldout_loss']:.3f}")
    finally:
        ws.close()
    return aggregate(per_run, {"steps": steps, "seeds": list(seeds), "model": f"tiny Llama {n_params / 1e6:.2f}M "
                               f"parameters (hidden {hidden}, {layers} layers), full fine-tuning",
                               "raw_rows": rows.get("raw"), "curated_rows": rows.get("curated"),
                               "heldout_rows": rows.get("heldout"), "sources": {k: v for k, v in sources.items()
                                                                                if k.startswith("n_")},
                               "wall_s": round(time.time() - t0)})


def aggregate(per_run: list[dict], setup: dict) -> dict:
    """Mean and sd per condition, the raw/curated ratios and the table the report page shows."""
    conds = {c: [r for r in per_run if r["condition"] == c] for c in ("raw", "curated")}
    keys = ["canaries_extracted", "pii_extracted", "dup_memorized", "control_memorized", "heldout_loss",
            "heldout_raw_loss", "heldout_chrf", "heldout_em", "train_loss"]
    summary = {c: {k: _summary([r[k] for r in rs]) for k in keys} for c, rs in conds.items()}
    curve = {c: {} for c in conds}
    for c, rs in conds.items():
        for copies in sorted({k for r in rs for k in r["exposure_by_copies"]}, key=int):
            curve[c][str(copies)] = _summary([r["exposure_by_copies"].get(copies) for r in rs])

    def fmt(s: dict, d: int = 3) -> str:
        return "–" if s["mean"] is None else f"{s['mean']:.{d}f} ± {s['sd']:.{d}f}"

    def ratio(k: str) -> tuple[str, str | None]:
        a, b = summary["raw"][k]["mean"], summary["curated"][k]["mean"]
        if a is None or b is None:
            return "–", None
        if b == 0:
            return ("∞ (curated 0)" if a > 0 else "– (both 0)"), ("good" if a > 0 else None)
        return f"{a / b:.2f}×", None

    probes = {k: conds["raw"][0][k] if conds["raw"] else None for k in ("canaries_probed", "pii_probed", "dup_probed",
                                                                       "control_probed", "heldout_n")}
    table = []
    for k, label in (("canaries_extracted", f"canaries extracted (of {probes['canaries_probed']})"),
                     ("pii_extracted", f"raw PII values extracted (of {probes['pii_probed']})"),
                     ("dup_memorized", f"duplicated records memorized (of {probes['dup_probed']})"),
                     ("control_memorized", f"records seen once memorized (of {probes['control_probed']})")):
        r, v = ratio(k)
        table.append({"metric": label, "raw": fmt(summary["raw"][k], 2), "curated": fmt(summary["curated"][k], 2),
                      "ratio": r, "verdict": v})
    for k, label in (("heldout_loss", f"held-out loss, anonymized text (n={probes['heldout_n']})"),
                     ("heldout_raw_loss", "held-out loss, raw text"), ("heldout_chrf", "held-out chrF"),
                     ("heldout_em", "held-out exact match"), ("train_loss", "training loss")):
        r, _ = ratio(k)
        table.append({"metric": label, "raw": fmt(summary["raw"][k]), "curated": fmt(summary["curated"][k]),
                      "ratio": r, "verdict": None})
    langs = sorted({lang for r in per_run for lang in r["per_language"]})
    per_language = []
    for lang in langs:
        def m(cond, key):
            vals = [r["per_language"].get(lang, {}).get(key) for r in conds[cond]]
            return fmt(_summary(vals))
        n = next((r["per_language"][lang]["n"] for r in per_run if lang in r["per_language"]), 0)
        per_language.append({"lang": lang, "n": n, "raw_loss": m("raw", "loss"), "curated_loss": m("curated", "loss"),
                             "raw_chrf": m("raw", "chrf"), "curated_chrf": m("curated", "chrf"),
                             "raw_em": m("raw", "em"), "curated_em": m("curated", "em")})
    # Planted canaries are PII values too (the sweep finds them), so the two counts overlap: the larger is used.
    raw_x, cur_x = (max(summary[c]["canaries_extracted"]["mean"] or 0, summary[c]["pii_extracted"]["mean"] or 0)
                    for c in ("raw", "curated"))
    loss_ok = (summary["curated"]["heldout_loss"]["mean"] or math.inf) <= (summary["raw"]["heldout_loss"]["mean"] or 0)
    if cur_x == 0:
        extraction = (f"curated extraction 0 vs raw {raw_x:.2f} (values extracted, mean over seeds): "
                      + ("ratio unbounded (≥ 10× met)" if raw_x > 0 else "neither run extracted anything"))
    else:
        extraction = f"extraction ratio raw/curated {raw_x / cur_x:.2f}× ({'met' if raw_x / cur_x >= 10 else 'not met'})"
    verdict = (f"{extraction}; held-out loss curated {'≤' if loss_ok else '>'} raw "
               f"({summary['curated']['heldout_loss']['mean']:.3f} vs {summary['raw']['heldout_loss']['mean']:.3f}).")
    return {"setup": setup, "runs": per_run, "summary": summary, "exposure_curve": curve, "table": table,
            "per_language": per_language, "verdict": verdict}
