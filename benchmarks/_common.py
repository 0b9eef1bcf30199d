"""Shared benchmark helpers: machine description and running a measured step in a fresh process."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import date


def machine() -> str:
    import psutil

    cpu = platform.processor() or platform.machine()
    return (f"{platform.system()} {platform.machine()} ({cpu}), {os.cpu_count()} cores, "
            f"{psutil.virtual_memory().total / 2**30:.0f} GiB RAM, Python {platform.python_version()}, {date.today()}")


def run_measured(code: str, timeout: int = 3600) -> dict:
    """Run ``code`` in a new interpreter; it must print one JSON line. Adds wall time and peak RSS (MiB)."""
    wrapper = code + "\nimport resource, json as _j\nprint('__PEAK__', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", wrapper], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-3000:])
    result: dict = {}
    for line in proc.stdout.splitlines():
        if line.startswith("__PEAK__"):
            result["peak_rss_mib"] = int(line.split()[1]) / 1024
        elif line.startswith("{"):
            result.update(json.loads(line))
    result.setdefault("seconds", wall)
    return result
