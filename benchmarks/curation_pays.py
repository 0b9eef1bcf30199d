"""Does curation pay?  Same tiny base model, same steps, raw vs curated snapshot of the same sources (issue 16).

    .venv/bin/python benchmarks/curation_pays.py [--seeds 0 1 2] [--steps 300] [--n 600]
                                                 [--hidden 128 --layers 4] [--out benchmarks/results/curation_pays]

Raw: no dedup, no anonymization, with planted canaries (checksum-valid Aadhaar/PAN/phone values
inserted 1, 2, 4, 8, 16 times) and planted duplicates (records copied 2..16 times).  Curated: the
same sources through clean → langid → minhash → dedup → pii, ``dup_keep``, anonymized.  Each run
is evaluated with ``curate eval --privacy`` (canaries, raw PII values, duplicated records, greedy
and sampled) and on the same held-out records (loss / chrF / exact match per language).

Writes ``results.json`` (counts, rates, exposures; no raw values), ``report.html`` (the
raw-vs-curated page, Jinja2) and ``results.md`` into ``--out``.  Targets: curated extraction
≥ 10× lower than raw, held-out loss equal or better.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The script's own folder holds benchmarks/train.py, which would shadow the ``train`` package.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))


def machine() -> str:
    import importlib.util

    spec = importlib.util.spec_from_file_location("_bench_common", ROOT / "benchmarks" / "_common.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.machine()


def markdown(res: dict) -> str:
    s = res["setup"]
    lines = ["# Does curation pay? (issue 16)", "", f"Machine: {s['machine']}", "",
             f"Model: {s['model']}; {s['steps']} optimizer steps (batch 8) per run; seeds {s['seeds']}. "
             f"Raw snapshot {s['raw_rows']} rows, curated {s['curated_rows']} rows, held-out {s['heldout_rows']} "
             f"records (same for both). Wall time {s['wall_s']} s.", "",
             "| metric | raw | curated | raw / curated |", "|---|---|---|---|"]
    lines += [f"| {r['metric']} | {r['raw']} | {r['curated']} | {r['ratio']} |" for r in res["table"]]
    lines += ["", "Mean ± sample standard deviation over seeds.", "", "Canary exposure (bits, adapter, mean over "
              "the three identifier types and seeds; max = log2(101) = 6.66):", "",
              "| planted copies | raw | curated |", "|---|---|---|"]
    for copies in res["exposure_curve"]["raw"]:
        r, c = res["exposure_curve"]["raw"][copies], res["exposure_curve"]["curated"].get(copies, {})
        lines.append(f"| {copies} | {r['mean']:.2f} ± {r['sd']:.2f} | {c.get('mean', 0):.2f} ± {c.get('sd', 0):.2f} |")
    lines += ["", "Per language (held-out, anonymized text):", "",
              "| language | n | raw loss | curated loss | raw chrF | curated chrF | raw EM | curated EM |",
              "|---|---|---|---|---|---|---|---|"]
    lines += [f"| {r['lang']} | {r['n']} | {r['raw_loss']} | {r['curated_loss']} | {r['raw_chrf']} | "
              f"{r['curated_chrf']} | {r['raw_em']} | {r['curated_em']} |" for r in res["per_language"]]
    lines += ["", f"Verdict: {res['verdict']}", "", "Per run:", "", "| run | steps | train s | canaries | PII | "
              "dups | held-out loss |", "|---|---|---|---|---|---|---|"]
    lines += [f"| {r['condition']}-s{r['seed']} | {r['steps']} | {r['train_s']} | {r['canaries_extracted']}/"
              f"{r['canaries_probed']} | {r['pii_extracted']}/{r['pii_probed']} | {r['dup_memorized']}/{r['dup_probed']}"
              f" | {r['heldout_loss']:.3f} |" for r in res["runs"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--steps", type=int, default=200)
    ap.add_argument("--n", type=int, default=400, help="sample-data size (support tickets; SFT rows scale with it)")
    ap.add_argument("--hidden", type=int, default=96)
    ap.add_argument("--layers", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (the dev machine has 2 shared cores)")
    ap.add_argument("--work", help="work folder (default: a temporary folder, removed afterwards)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "curation_pays"))
    args = ap.parse_args()
    for var in ("HF_HUB_OFFLINE", "HF_DATASETS_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ.setdefault(var, "1")
    import torch
    from transformers.utils import logging as hf_logging

    from eval.experiment import run_experiment
    from eval.privacy_report import render_comparison

    torch.set_num_threads(args.threads)
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.work) if args.work else Path(tmp)
        res = run_experiment(work, seeds=args.seeds, steps=args.steps, n=args.n, hidden=args.hidden,
                             layers=args.layers, log=lambda m: print(m, flush=True))
    res["setup"]["machine"] = machine()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(res, indent=1, ensure_ascii=False, default=str))
    (out / "report.html").write_text(render_comparison(res), encoding="utf-8")
    (out / "results.md").write_text(markdown(res), encoding="utf-8")
    print(markdown(res))


if __name__ == "__main__":
    main()
