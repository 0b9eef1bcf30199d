"""Error paths never quote values: planted secrets and PII are searched for in every output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from curate.errors import describe_db_error, describe_exception, note_secrets_dir, scrub
from tests.conftest import write_jsonl

KEY = "7f3a9c1e5b2d8f4a6c0e9b1d3f5a7c9e"      # planted workspace key (hex: castable-looking)
ENV_KEY = "9181726354453627"                  # planted env key, all digits: a cast would succeed or quote it
PHONE = "9812345678"
NAME = "Ramesh Kumar"


def curate(*args, env=None):
    return subprocess.run([sys.executable, "-m", "curate.cli.main", *args], capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("errs")
    ws = str(tmp / "ws")
    assert curate("init", ws).returncode == 0
    key = Path(ws) / "secrets" / "pii.key"
    key.write_text(KEY + "\n")
    key.chmod(0o600)
    src = write_jsonl(tmp / "calls.jsonl", [{"text": f"{NAME} called from {PHONE}", "note": "{bad json"},
                                            {"text": "2020-13-45 card blocked"}])
    assert curate("ingest", str(src), "-w", ws).returncode == 0
    return ws


def _assert_clean(res, ws):
    out = res.stdout + res.stderr
    assert res.returncode != 0, out
    assert "Traceback" not in out and res.stderr.startswith("error: ") and res.stderr.strip().count("\n") == 0, out
    for planted in (KEY, ENV_KEY, PHONE, NAME, "Ramesh", "{bad", "2020-13-45"):
        assert planted not in out, (planted, out)
    # Nothing outside the lake and the secrets folder (logs, run folders) picked the values up either.
    for p in Path(ws).rglob("*"):
        if p.is_file() and not {"lake", "secrets"} & set(p.relative_to(ws).parts):
            assert KEY.encode() not in p.read_bytes() and PHONE.encode() not in p.read_bytes(), p


@pytest.mark.parametrize("where", [
    "CAST((SELECT content FROM read_text('secrets/pii.key')) AS INT) > 0",   # the key file, cast to an int
    "getenv('CURATE_PII_KEY')::TINYINT > 0",
    "CAST(text AS INT) > 0",                                                  # a record's text in a cast error
    "CAST(text AS DATE) IS NULL",
    "CAST(split_part(text, ' ', 4) AS TINYINT) > 0",                          # a bare number out of range
    "json_extract(json_extract_string(meta, '$.note'), '$.a') IS NULL",      # malformed JSON quoted by DuckDB
    "strptime(text, '%Y') IS NULL",                                           # format errors quote the input
    "error(text) IS NULL",                                                    # the value as the message itself
    "regexp_matches('x', '(' || text)",                                       # the value in a bad pattern
    "text = 1) OR (1=1",
])
def test_snapshot_where_errors_quote_no_value(workspace, where):
    as_json = len(where) % 2 == 0  # half the cases also through --json (errors go to stderr either way)
    args = ["snapshot", "create", "x", "--text", "raw", "--where", where, "-w", workspace] + (["--json"] if as_json else [])
    _assert_clean(curate(*args, env={"CURATE_PII_KEY": ENV_KEY}), workspace)


def test_bad_stage_parameter_quotes_no_value(workspace):
    _assert_clean(curate("stage", "langid", "-p", f"min_chars={PHONE}x", "-w", workspace), workspace)


def test_conversion_error_names_the_type_and_columns_not_the_value():
    con = duckdb.connect()
    with pytest.raises(duckdb.ConversionException) as err:
        con.execute(f"SELECT CAST('{PHONE}' AS TINYINT)")
    assert PHONE in str(err.value)  # DuckDB quotes it: the rewrite is needed
    msg = describe_db_error(err.value, ["text"])
    assert PHONE not in msg and "INT8" in msg and "text" in msg


@pytest.mark.parametrize("exc", [KeyError(PHONE), ValueError(f"bad value {NAME}"), UnicodeDecodeError(
    "utf-8", PHONE.encode(), 0, 1, "invalid start byte")])
def test_unexpected_errors_withhold_their_message(exc):
    msg, code = describe_exception(exc)
    assert code == 1 and PHONE not in msg and NAME not in msg and type(exc).__name__ in msg


def test_validation_errors_name_fields_not_inputs():
    from pydantic import BaseModel, ValidationError

    class Cfg(BaseModel):
        min_chars: int

    with pytest.raises(ValidationError) as err:
        Cfg(min_chars=PHONE + "x")
    msg, _ = describe_exception(err.value)
    assert "min_chars" in msg and PHONE not in msg


def test_scrub_hides_secret_files_and_variables(tmp_path, monkeypatch):
    d = tmp_path / "secrets"
    d.mkdir()
    (d / "pii.key").write_text(KEY + "\n")
    (d / "label-studio.json").write_text('{"url": "http://localhost:8080", "api_token": "tok-1234567890abc"}')
    note_secrets_dir(d)
    monkeypatch.setenv("CURATE_PII_ENC_KEY", "enc-key-abcdefgh")
    out = scrub(f"x {KEY} y tok-1234567890abc z enc-key-abcdefgh http://localhost:8080")
    assert KEY not in out and "tok-" not in out and "enc-key" not in out and "http://localhost:8080" in out


def test_wrapped_database_errors_are_rewritten_centrally():
    """Code elsewhere wraps DuckDB errors as ``CurateError(f"…{exc}") from None``: main still drops the value."""
    from curate.errors import CurateError

    con = duckdb.connect()
    try:
        try:
            con.execute(f"SELECT CAST('{NAME} {PHONE}' AS INT)")
        except duckdb.Error as exc:
            raise CurateError(f"bad --where: {str(exc).splitlines()[0]}") from None
    except CurateError as wrapped:
        msg, code = describe_exception(wrapped)
    assert code == 2 and msg.startswith("bad --where: a value could not be converted to INT32")
    assert PHONE not in msg and NAME not in msg
