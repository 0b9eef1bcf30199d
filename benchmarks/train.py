"""Peak memory and step time: QLoRA (NF4) vs 16-bit LoRA vs full fine-tuning, same model, same batch.

    .venv/bin/python benchmarks/train.py [--hidden 768 --layers 12 --vocab 16000] [--batch 2 --seq 128]
                                         [--steps 3] [--out benchmarks/results/train.md]

Builds a randomly initialised Llama of ~110M parameters locally (train.tiny, no download),
then measures each configuration in its own subprocess so that one's allocations cannot
inflate another's peak.  Each worker loads and prepares the model through the same code
as ``curate train`` (train.model.load_base_model + prepare_for_training: gradient
checkpointing on, LoRA r=16 on every projection), runs one warm-up step, resets the
peak counter, and times ``--steps`` optimizer steps on one fixed random batch.

Memory on CPU: peak resident set (VmHWM) during the timed steps, after resetting it via
/proc/self/clear_refs, and the same minus the RSS the process had before loading the model
(interpreter + torch + transformers), which is the part the training mode controls.  On
CUDA: torch.cuda.max_memory_allocated, plus tokens/s.

Target (issue 6): QLoRA peak memory <= 0.5 x 16-bit LoRA.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODES = {
    # name: (curate mode, dtype / compute dtype)
    "qlora_nf4": ("qlora", "auto"),       # our default: fp32 compute on CPU, bf16 on CUDA
    "qlora_nf4_bf16": ("qlora", "bf16"),  # bf16 compute on CPU too: the like-for-like comparison with 16-bit LoRA
    "lora_16bit": ("lora", "bf16"),
    "full": ("full", "auto"),             # fp32 weights + AdamW on CPU, bf16 on CUDA
}


def _status_mb(field: str) -> float:
    """A memory field of /proc/self/status (VmRSS: current, VmHWM: peak since the last reset), in MB."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _rss_mb() -> float:
    return _status_mb("VmRSS")


def _hwm_mb() -> float:
    return _status_mb("VmHWM")


def _reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")  # resets the peak-RSS counter (VmHWM) of this process
        return True
    except OSError:
        return False


def weights_mb(model) -> float:
    """Bytes held by parameters and buffers (4-bit weights count as their packed uint8 storage)."""
    total = sum(p.numel() * p.element_size() for p in model.parameters())
    total += sum(b.numel() * b.element_size() for b in model.buffers())
    return total / 2**20


def worker(args) -> dict:
    import torch

    from train.config import TrainConfig
    from train.model import load_base_model, prepare_for_training, resolve_device

    # Everything the process needs besides the model itself, loaded before the baseline RSS.
    import peft  # noqa: F401
    from transformers import LlamaForCausalLM  # noqa: F401

    if MODES[args.worker][0] == "qlora":
        import bitsandbytes  # noqa: F401

    torch.manual_seed(0)
    mode, dtype = MODES[args.worker]
    device = resolve_device("auto")
    cfg = TrainConfig(mode=mode, dtype=dtype if mode != "qlora" else "auto",
                      quant={"compute_dtype": dtype if mode == "qlora" else "auto"})
    rss_before = _rss_mb()
    model = load_base_model(args.model, mode, cfg, device)
    load_peak = _hwm_mb()
    model = prepare_for_training(model, cfg)
    model.train()
    rss_prepared = _rss_mb()
    trainable = [p for p in model.parameters() if p.requires_grad]
    if device == "cuda":
        import bitsandbytes as bnb

        opt = bnb.optim.PagedAdamW8bit(trainable, lr=1e-4) if mode != "full" else torch.optim.AdamW(trainable, lr=1e-5)
    else:
        opt = torch.optim.AdamW(trainable, lr=1e-4 if mode != "full" else 1e-5)
    dev = next(model.parameters()).device
    g = torch.Generator().manual_seed(1234)  # the same batch in every worker
    ids = torch.randint(10, model.config.vocab_size, (args.batch, args.seq), generator=g).to(dev)
    autocast = (torch.autocast("cuda", dtype=torch.bfloat16) if device == "cuda" else
                torch.autocast("cpu", dtype=torch.bfloat16, enabled=False))

    def step() -> float:
        with autocast:
            loss = model(input_ids=ids, labels=ids).loss
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        if device == "cuda":
            torch.cuda.synchronize()
        return float(loss)

    step()  # warm-up: optimizer state allocated, kernels chosen
    if device == "cuda":
        torch.cuda.reset_peak_memory_stats()
    reset_ok = _reset_hwm()
    times, losses = [], []
    for _ in range(args.steps):
        t = time.perf_counter()
        losses.append(step())
        times.append(time.perf_counter() - t)
    s_per_step = sorted(times)[len(times) // 2]
    out = {
        "config": args.worker, "mode": mode, "device": device,
        "params": sum(p.numel() for p in model.parameters()), "trainable": sum(p.numel() for p in trainable),
        "s_per_step": s_per_step, "tokens_per_s": args.batch * args.seq / s_per_step,
        "rss_before_model_mb": rss_before, "load_peak_rss_mb": load_peak,
        "train_peak_rss_mb": _hwm_mb() if reset_ok else None, "hwm_reset": reset_ok,
        "losses": losses, "weights_mb": weights_mb(model), "resident_after_prepare_mb": rss_prepared - rss_before,
    }
    if out["train_peak_rss_mb"] is not None:
        out["train_peak_minus_runtime_mb"] = out["train_peak_rss_mb"] - rss_before
    if device == "cuda":
        out["cuda_peak_allocated_mb"] = torch.cuda.max_memory_allocated() / 2**20
        out["gpu"] = torch.cuda.get_device_name(0)
    return out


def build_model(args, out_dir: Path) -> Path:
    from train.tiny import build_tiny_llama

    texts = [f"ticket {i}: card blocked, refund, kyc update, UPI payment failed, मेरा कार्ड ब्लॉक है {i}"
             for i in range(2000)]
    return build_tiny_llama(out_dir, texts, vocab_size=4096, hidden=args.hidden, layers=args.layers,
                            heads=args.heads, intermediate=args.intermediate, model_vocab_size=args.vocab,
                            max_positions=max(512, args.seq))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--hidden", type=int, default=768)
    ap.add_argument("--layers", type=int, default=12)
    ap.add_argument("--heads", type=int, default=12)
    ap.add_argument("--intermediate", type=int, default=2048)
    ap.add_argument("--vocab", type=int, default=16000)
    ap.add_argument("--batch", type=int, default=2)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--steps", type=int, default=3)
    ap.add_argument("--modes", default=",".join(MODES))
    ap.add_argument("--out", default=None, help="Write a markdown result file here.")
    ap.add_argument("--worker", choices=list(MODES), help=argparse.SUPPRESS)
    ap.add_argument("--model", help=argparse.SUPPRESS)
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    if args.worker:
        print("RESULT " + json.dumps(worker(args)))
        return

    with tempfile.TemporaryDirectory(prefix="curate-bench-train-") as tmp:
        t = time.time()
        model_dir = build_model(args, Path(tmp) / "model")
        print(f"built model in {time.time() - t:.1f}s", file=sys.stderr)
        results = []
        for name in args.modes.split(","):
            cmd = [sys.executable, __file__, "--worker", name, "--model", str(model_dir), "--batch", str(args.batch),
                   "--seq", str(args.seq), "--steps", str(args.steps)]
            t = time.time()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            line = next((l for l in proc.stdout.splitlines() if l.startswith("RESULT ")), None)
            if proc.returncode != 0 or line is None:
                print(f"{name} failed:\n{proc.stderr[-3000:]}", file=sys.stderr)
                results.append({"config": name, "error": proc.stderr.strip().splitlines()[-1:] or ["?"]})
                continue
            res = json.loads(line[len("RESULT "):])
            res["wall_s"] = time.time() - t
            results.append(res)
            print(json.dumps(res), file=sys.stderr)
    report = summarise(args, results)
    print(report)
    if args.out:
        Path(args.out).write_text(report)


def _ratio(results, key, a, b):
    ra = next((r for r in results if r["config"] == a and r.get(key) is not None), None)
    rb = next((r for r in results if r["config"] == b and r.get(key) is not None), None)
    return ra[key] / rb[key] if ra and rb else None


def summarise(args, results) -> str:
    ok = [r for r in results if "error" not in r]
    device = ok[0]["device"] if ok else "?"
    lines = [
        "# Benchmark: training memory and speed (issue 6)", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, "
        f"{round(os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30)} GB RAM; device {device}"
        + (f" ({ok[0].get('gpu')})" if device == "cuda" else "") + f"; date {date.today().isoformat()}.", "",
        "Command: `.venv/bin/python benchmarks/train.py " + " ".join(
            f"--{k} {v}" for k, v in [("hidden", args.hidden), ("layers", args.layers), ("vocab", args.vocab),
                                      ("batch", args.batch), ("seq", args.seq), ("steps", args.steps)]) + "`", "",
        f"Model: random-init Llama, hidden {args.hidden}, {args.layers} layers, vocab {args.vocab} "
        f"({max(r['params'] for r in ok) / 1e6:.0f}M parameters). " if ok else "",
        f"Batch: {args.batch} x {args.seq} tokens, same ids in every config; gradient checkpointing on; "
        "LoRA r=16 on q/k/v/o/gate/up/down.", "",
        "| config | trainable | weights MB | s/step | tokens/s | train peak RSS MB | peak minus runtime MB "
        "| load peak RSS MB |" + (" CUDA peak alloc MB |" if device == "cuda" else ""),
        "|---|---|---|---|---|---|---|---|" + ("---|" if device == "cuda" else ""),
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['config']} | failed: {r['error'][0][:80]} |")
            continue
        row = (f"| {r['config']} | {r['trainable'] / 1e6:.2f}M | {r['weights_mb']:.0f} | {r['s_per_step']:.2f} | "
               f"{r['tokens_per_s']:.0f} | "
               f"{r['train_peak_rss_mb']:.0f} | {r.get('train_peak_minus_runtime_mb', float('nan')):.0f} | "
               f"{r['load_peak_rss_mb']:.0f} |")
        if device == "cuda":
            row += f" {r['cuda_peak_allocated_mb']:.0f} |"
        lines.append(row)
    lines.append("")
    key = "cuda_peak_allocated_mb" if device == "cuda" else "train_peak_minus_runtime_mb"
    for q in ("qlora_nf4", "qlora_nf4_bf16"):
        ratio = _ratio(ok, key, q, "lora_16bit")
        if ratio is not None:
            lines.append(f"- {q} / lora_16bit peak memory ({key}): **{ratio:.2f}x** (target <= 0.5x: "
                         f"{'met' if ratio <= 0.5 else 'NOT met'})")
    ratio = _ratio(ok, "train_peak_rss_mb", "qlora_nf4", "lora_16bit")
    if ratio is not None:
        lines.append(f"- qlora_nf4 / lora_16bit whole-process peak RSS: {ratio:.2f}x")
    for q in ("qlora_nf4", "qlora_nf4_bf16"):
        ratio = _ratio(ok, "weights_mb", q, "lora_16bit")
        if ratio is not None:
            lines.append(f"- {q} / lora_16bit weights held in memory: {ratio:.2f}x")
    sp = _ratio(ok, "s_per_step", "qlora_nf4", "lora_16bit")
    if sp is not None:
        lines.append(f"- qlora_nf4 / lora_16bit seconds per step: {sp:.2f}x")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
