"""Synthetic Indian customer-support and banking sample data (the demo's and tests' input).

``generate(out_dir, n=3000, seed=7)`` writes several files (JSONL with planted bad rows, UTF-8 and
cp1252 CSV, a folder of .txt notes, SFT pairs, chats) plus ``MANIFEST.json`` with the ground truth.
"""

from curate.sampledata.generate import generate

__all__ = ["generate"]
