"""The CLI and the stage registry start fast: heavy libraries load only when a command needs them."""

import subprocess
import sys

HEAVY = ("torch", "transformers", "presidio_analyzer", "spacy", "datasets", "label_studio_sdk", "peft", "matplotlib")


def _loaded_after(code: str) -> list[str]:
    probe = code + f"\nimport sys\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return [m for m in out.stdout.strip().split(",") if m]


def test_cli_startup_imports_no_heavy_library():
    assert _loaded_after("import curate.cli.main") == []


def test_stage_registry_imports_no_heavy_library():
    assert _loaded_after("from curate.stage import all_stages\nall_stages()") == []
