"""The stage contract: picklable stages, secrets only through the context, per-row isolation."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import pickle
from collections.abc import MutableMapping

import pyarrow as pa
import pytest

from curate.errors import CurateError
from curate.stage import (SecretSources, Stage, StageConfig, StageContext, all_stages, apply_batch,
                          describe_error, stage_context)

SAMPLE = pa.table({
    "doc_id": ["a", "b"],
    "text": ["Mera naam Rahul Sharma hai, phone 9876543210", "मेरा कार्ड ब्लॉक हो गया है"],
    "meta": ['{"channel": "chat"}', None],
})


def test_every_registered_stage_pickles_and_round_trips():
    stages = all_stages()
    assert {"clean", "langid", "quality", "minhash", "dedup", "pii"} <= set(stages)
    for name, stage in stages.items():
        back = pickle.loads(pickle.dumps(stage))
        assert back == stage, name
        cfg = stage.make_config({})
        assert back.inputs(cfg) == stage.inputs(cfg)


class _EnvGuard(MutableMapping):
    """os.environ stand-in that fails the test when anything reads a CURATE_* variable."""

    def __init__(self, real):
        self.real = real
        self.reads: list[str] = []

    def __getitem__(self, key):
        if str(key).startswith("CURATE_"):
            self.reads.append(key)
            raise AssertionError(f"a stage read {key} from the environment")
        return self.real[key]

    def __setitem__(self, key, value):
        self.real[key] = value

    def __delitem__(self, key):
        del self.real[key]

    def __iter__(self):
        return (k for k in self.real if not str(k).startswith("CURATE_"))

    def __len__(self):
        return len(self.real)


def test_no_stage_reads_the_environment(monkeypatch, tmp_path):
    """Setup and batch functions of every per-document stage run with CURATE_* reads forbidden.

    Decoy values are set first: a stage that read them would be caught (or, through a
    library that swallows the AssertionError, produce the decoy's pseudonyms, checked below).
    """
    monkeypatch.setenv("CURATE_PII_KEY", "decoy-key-from-the-environment-0123")
    monkeypatch.setenv("CURATE_SECRETS_DIR", str(tmp_path / "decoy"))
    key = b"context-key-0123456789abcdef"
    guard = _EnvGuard(os.environ)
    monkeypatch.setattr(os, "environ", guard)
    policy = {"operators": {"IN_PHONE": {"operator": "hash"}}}
    for name, stage in all_stages().items():
        if stage.kind != "per_document":
            continue
        cfg = stage.make_config({"nlp": "none", "policy": policy} if name == "pii" else {})
        ctx = StageContext(secrets={"hmac_key": key})
        if stage.setup is not None:
            ctx = ctx.with_state(stage.setup(cfg, ctx))
        out = apply_batch(stage, cfg, ctx, SAMPLE)
        assert out.column(stage.error_column).null_count == SAMPLE.num_rows, (name, out.column(stage.error_column))
        if name == "pii":
            # Independent oracle: HMAC-SHA256 of "IN_PHONE\0<digits>" with the context's key, 12 hex chars.
            digest = hmac.new(key, b"IN_PHONE\x00" + b"9876543210", hashlib.sha256).hexdigest()[:12]
            text = out.column("pii_text")[0].as_py()
            assert f"<IN_PHONE:{digest}>" in text, text
    assert guard.reads == []


def test_pii_context_without_a_key_fails_closed():
    stage = all_stages()["pii"]
    with pytest.raises(CurateError, match="HMAC key"):
        apply_batch(stage, stage.make_config({"nlp": "none"}), StageContext(), SAMPLE)


def test_driver_resolves_the_workspace_key_into_bytes(tmp_path, monkeypatch):
    monkeypatch.delenv("CURATE_PII_KEY", raising=False)
    monkeypatch.delenv("CURATE_PII_KEY_FILE", raising=False)
    stage = all_stages()["pii"]
    folder = tmp_path / "secrets"
    folder.mkdir(mode=0o700)
    (folder / "pii.key").write_text("workspace-key-0123456789\n")
    os.chmod(folder / "pii.key", 0o600)
    ctx = stage_context(stage, stage.make_config({}), SecretSources(folder=folder))
    assert ctx.secrets == {"hmac_key": b"workspace-key-0123456789"}
    # The context pickles with its secrets, never with worker state.
    back = pickle.loads(pickle.dumps(ctx.with_state(object())))
    assert back.secrets == ctx.secrets and back.state is None


class _Cfg(StageConfig):
    pass


def _fragile(batch: pa.Table, cfg: _Cfg, ctx: StageContext) -> pa.Table:
    out = []
    for t in batch.column("text").to_pylist():
        if t.startswith("deep"):
            json.loads("[" * 100_000 + "]" * 100_000)  # RecursionError, like a deeply nested record
        if t.startswith("bad"):
            int(t)  # ValueError quoting the value: must not be stored
        out.append(t.upper())
    return pa.table({"up": out})


def _config_error(batch: pa.Table, cfg: _Cfg, ctx: StageContext) -> pa.Table:
    raise CurateError("missing model")


FRAGILE = Stage(name="fragile_test", kind="per_document", config_model=_Cfg, fn=_fragile, outputs={"up": pa.string()})


def test_a_row_that_raises_is_isolated_and_the_batch_goes_on():
    batch = pa.table({"doc_id": ["1", "2", "3", "4"],
                      "text": ["ok one", "deep record", "bad secret-value-42", "ok two"]})
    out = apply_batch(FRAGILE, _Cfg(), StageContext(), batch)
    assert out.column("doc_id").to_pylist() == ["1", "2", "3", "4"]
    assert out.column("up").to_pylist() == ["OK ONE", None, None, "OK TWO"]
    errors = out.column("fragile_test_error").to_pylist()
    assert errors[0] is None and errors[3] is None
    assert errors[1].startswith("RecursionError at ") and errors[2].startswith("ValueError at ")
    assert "secret-value-42" not in errors[2]


def test_describe_error_names_kind_and_place_not_value():
    try:
        int("9876543210x")
    except ValueError as exc:
        text = describe_error(exc)
    assert text.startswith("ValueError at ") and "9876543210" not in text and "test_stage.py:" in text


def test_configuration_errors_are_not_row_errors():
    stage = Stage(name="config_error_test", kind="per_document", config_model=_Cfg, fn=_config_error,
                  outputs={"up": pa.string()})
    with pytest.raises(CurateError, match="missing model"):
        apply_batch(stage, _Cfg(), StageContext(), pa.table({"doc_id": ["1"], "text": ["x"]}))


def test_two_argument_stage_functions_still_work():
    stage = Stage(name="old_style_test", kind="per_document", config_model=_Cfg,
                  fn=_old_style, outputs={"up": pa.string()})
    out = apply_batch(stage, _Cfg(), StageContext(), pa.table({"doc_id": ["1"], "text": ["x"]}))
    assert out.column("up").to_pylist() == ["X"] and out.column("old_style_test_error").to_pylist() == [None]


def _old_style(batch, cfg):
    return pa.table({"up": [t.upper() for t in batch.column("text").to_pylist()]})
