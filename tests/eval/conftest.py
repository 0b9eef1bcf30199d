"""Fixtures for the eval tests (builders live in tests/train/sft_kit)."""

from __future__ import annotations

import pytest

from tests.train import sft_kit


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
