"""Fixtures for the eval tests: the same tiny model and trained run as tests/train (built once per session)."""

from tests.train.conftest import _one_torch_thread, shared_run, shared_ws, tiny_base  # noqa: F401
