"""The PII key travels in Ray's object store; when the store spills, it must not land where others can read it.

Ray Data puts a stage's constructor arguments (the stage context, holding the key bytes) into
the object store, and a full store spills objects to disk — by default into Ray's session
folder under /tmp/ray, which Ray creates world-readable. The engine's private instance
(``address: local``) spills into a 0700 folder of its own, removed on close. Checked in a fresh
interpreter (the test session may already be connected to the shared test cluster): a context
with marker key bytes is put into a 100 MiB store, 240 MiB of other objects force spilling, and
the files on disk are searched for the marker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent("""
    import json, os, numpy as np
    from curate.engines.ray_engine import RayEngine
    from curate.stage import StageContext

    MARK = b"KEYBYTES-" + os.urandom(16).hex().encode()
    eng = RayEngine("local", workers=1, object_store_mb=100)
    eng.connect()
    import ray

    def holders(root):
        out = []
        for dp, _, files in os.walk(root):
            for f in files:
                try:
                    with open(os.path.join(dp, f), "rb") as fh:
                        if MARK in fh.read():
                            out.append(os.path.join(dp, f))
                except OSError:
                    pass
        return out

    spill = eng.spill_dir
    ctx_ref = ray.put(StageContext(secrets={"hmac_key": MARK}))
    pressure = [ray.put(np.full(30 * 2**20, i, np.uint8)) for i in range(8)]
    session = ray._private.worker.global_worker.node.get_session_dir_path()
    out = {"mode": os.stat(spill).st_mode & 0o777, "in_private": holders(spill), "in_session": holders(session),
           "restored": ray.get(ctx_ref).secrets["hmac_key"] == MARK}
    eng.close()
    out["private_left"] = os.path.exists(spill)
    print("RESULT", json.dumps(out))
""")


def test_spilled_key_bytes_stay_in_a_private_folder_removed_on_close(tmp_path):
    pytest.importorskip("ray")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
           "RAY_USAGE_STATS_ENABLED": "0", "RAY_AUTH_MODE": "disabled"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], check=False, capture_output=True, text=True, env=env, timeout=600,
                          cwd=tmp_path)
    line = next((ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line, proc.stderr[-2000:]
    out = json.loads(line[len("RESULT "):])
    assert out["in_private"], "the store never spilled: the test did not test anything"
    assert out["mode"] == 0o700 and not out["in_session"]
    assert out["restored"]  # spilled and read back intact
    assert not out["private_left"]  # close() removed the spilled files with their folder
