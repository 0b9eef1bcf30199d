"""The end-to-end demo: sample data → workspace → recipe → snapshot → audit → approval → export → QLoRA → eval.

Everything runs offline on the bundled generator's data, with embedded defaults and no
server to start.  Each step is a call into the public API, the same one the CLI and the
notebooks use, so the demo doubles as a worked example.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable

from curate.errors import CurateError

RECIPE = Path(__file__).with_name("recipe.yaml")
POLICY = Path(__file__).with_name("audit_policy.yaml")


def _mix(ws, ref: str, column: str) -> dict[str, int]:
    snap = ws.snapshot(ref)
    if column not in snap.manifest.schema_:
        return {}
    rows = ws.con.execute(f'SELECT CAST("{column}" AS VARCHAR), count(*) FROM lake."{snap.manifest.table_name}" '
                          "GROUP BY 1 ORDER BY 2 DESC").fetchall()
    return {str(k): v for k, v in rows}


def _entities_by_type(ws) -> dict[str, int]:
    if "pii" not in ws.signals():
        return {}
    rows = ws.con.execute("""
        SELECT e->>'type' AS t, count(*) FROM lake.signal_pii,
               unnest(CAST(pii_entities AS JSON[])) AS u(e)
        WHERE NOT coalesce(CAST(e->>'repeat' AS BOOLEAN), FALSE)  -- each entity once per document
        GROUP BY 1 ORDER BY 2 DESC""").fetchall()
    return {k: v for k, v in rows}


def run_demo(out: Path, n: int = 3000, train: bool = True, log: Callable[[str], None] = print,
             progress_factory=None) -> dict[str, Any]:
    from curate.sampledata.generate import generate
    from curate.workspace import Workspace

    out = out.resolve()
    if out.exists():
        if not (out / "demo.json").exists() and any(out.iterdir()):
            raise CurateError(f"{out} exists and is not a previous demo folder; choose another --output")
        shutil.rmtree(out)
    out.mkdir(parents=True)
    summary: dict[str, Any] = {"output": str(out)}

    log("1/7 generating sample data (synthetic Indian support & banking records)")
    manifest = generate(out / "data", n=n)
    summary["sample_data"] = {"path": str(out / "data"), "languages": manifest["languages"],
                              "planted_bad_rows": sum(manifest["malformed"].values())}

    log("2/7 running the recipe: ingest → clean → langid → minhash → dedup → quality → pii → snapshot")
    shutil.copy(RECIPE, out / "recipe.yaml")
    ws = Workspace.init(out / "workspace")
    try:
        from curate.recipe import run_recipe

        result = run_recipe(ws, out / "recipe.yaml", progress_factory=progress_factory, log=lambda s: log("    " + s))
        ref = f"{result['snapshot']['name']}@{result['snapshot']['version']}"
        read = sum(i["rows_read"] for i in result["ingests"])
        summary["ingest"] = {
            "rows_read": read,
            "ingested": sum(i["ingested"] for i in result["ingests"]),
            "duplicates": sum(i["duplicates"] for i in result["ingests"]),
            "quarantined": sum(i["quarantined"] for i in result["ingests"]),
        }
        docs = ws.count("documents")
        dup_removed = ws.con.execute("SELECT count(*) FROM lake.signal_dedup WHERE NOT dup_keep").fetchone()[0]
        exact = ws.con.execute("SELECT count(*) FROM lake.signal_dedup WHERE dup_reason = 'exact'").fetchone()[0]
        flagged = ws.con.execute("SELECT count(*) FROM lake.signal_quality WHERE NOT quality_ok").fetchone()[0]
        m = ws.snapshot(ref).manifest
        summary["dedup"] = {"documents": docs, "removed": dup_removed, "exact": exact, "near": dup_removed - exact}
        summary["quality"] = {"flagged": flagged}
        summary["languages"] = _mix(ws, ref, "lang")
        summary["scripts"] = _mix(ws, ref, "script")
        summary["romanized"] = _mix(ws, ref, "romanized")
        summary["codemixed"] = _mix(ws, ref, "codemixed")
        summary["pii_entities"] = _entities_by_type(ws)
        summary["snapshot"] = {"ref": ref, "rows": m.row_count, "held_back": m.held_back,
                               "pii_policy_passed": m.pii_policy_passed, "content_hash": m.content_hash}

        log("3/7 SFT snapshot (instruction/response pairs, anonymized) for training")
        sft = ws.create_snapshot("support-sft", where="instruction IS NOT NULL AND dup_keep", text="anonymized")
        summary["sft_snapshot"] = {"ref": sft.ref, "rows": sft.row_count}

        log("4/7 steward audit (HTML + JSON + Markdown, with policy gates) and approval of what passed")
        from curate.approvals import approve
        from curate.audit.runs import audit_snapshot
        from curate.audit.policy import load_policy

        policy = load_policy(POLICY)
        audit = audit_snapshot(ws, ref, policy, out / "reports" / "audit")
        summary["audit"] = {"report": str(out / "reports" / "audit" / "report.html"), "passed": audit.passed,
                            "failed_gates": audit.failed_gates}
        sft_audit = audit_snapshot(ws, sft.ref, policy, out / "reports" / "audit-sft")
        summary["sft_audit"] = {"passed": sft_audit.passed, "failed_gates": sft_audit.failed_gates}
        for r, a in ((ref, audit), (sft.ref, sft_audit)):
            if a.passed:  # the demo plays the steward; a failed audit leaves the snapshot unapproved
                approve(ws, r, by="demo-steward", note="curate demo")
        summary["approvals"] = {r: a.passed for r, a in ((ref, audit), (sft.ref, sft_audit))}

        log("5/7 exporting the approved snapshot as a Hugging Face dataset")
        exp = ws.export(ref, "hf", out / "exports" / "support", splits="train=0.9,validation=0.05,test=0.05")
        summary["export"] = exp.as_dict()

        if train:
            log("6/7 QLoRA: tiny Llama built locally, 4-bit NF4 base + LoRA, a few steps on the SFT snapshot")
            summary["train"] = _train_and_eval(ws, sft.ref, out, log)
        else:
            log("6/7 training skipped (--no-train)")
    finally:
        ws.close()
    (out / "demo.json").write_text(json.dumps(summary, indent=2, default=str, ensure_ascii=False))
    log("7/7 done")
    return summary


def _train_and_eval(ws, ref: str, out: Path, log) -> dict:
    from eval.config import EvalConfig
    from eval.runs import eval_run
    from train.config import TrainConfig
    from train.runs import train_on_snapshot
    from train.tiny import build_tiny_llama

    texts = [t for t in ws.snapshot(ref).table().column("text").to_pylist() if t]
    base = build_tiny_llama(out / "models" / "tiny-llama", texts, vocab_size=1024, hidden=64, layers=2)
    cfg = TrainConfig.model_validate({
        "mode": "qlora", "device": "cpu",
        "training": {"max_steps": 30, "batch_size": 8, "grad_accum": 1, "eval_steps": 10, "learning_rate": 3e-3},
        "data": {"max_seq_len": 384},  # the 1k-token tiny vocabulary spells Indic text out: 192 cut 15 % of the prompts
    })
    run = train_on_snapshot(ws, ref, str(base), out / "runs" / "demo-qlora", cfg, progress=False)
    log(f"    run {run['run_id']}: train loss {run.get('metrics', {}).get('train_loss')}")
    report = eval_run(ws, run["run_id"], split="test", output=out / "reports" / "eval", cfg=EvalConfig(max_samples=40))
    return {"run_id": run["run_id"], "adapter": run.get("adapter_path"), "metrics": run.get("metrics"),
            "eval_report": report["paths"]["html"], "eval_overall": report["metrics"]["overall"]}
