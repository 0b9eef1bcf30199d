"""Fixtures for the eval tests (builders live in tests/train/sft_kit)."""

from __future__ import annotations

import pytest

from tests.train import sft_kit


@pytest.fixture(scope="session", autouse=True)
def _one_torch_thread():
    """The test models are tiny: thread synchronisation dominates their matmuls, and on a shared
    2-core machine two torch threads per process oversubscribe the CPU (measured 20x slower)."""
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="session")
def tiny_base(tmp_path_factory):
    return sft_kit.tiny_model(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def shared_run(tmp_path_factory):
    return sft_kit.shared_trained_workspace(tmp_path_factory)


@pytest.fixture
def shared_ws(shared_run):
    from curate import Workspace

    ws = Workspace(shared_run["ws_path"])
    yield ws
    ws.close()
