"""Keyed identifiers: what leaves the raw zone carries ids that cannot be inverted.

A document's ``doc_id`` is ``md5(source, row, md5(raw text))`` and ``content_hash`` is the MD5 of
the raw text: with the anonymized text as a template, a redacted phone number is found by hashing
every candidate (10^5 completions of a known prefix take milliseconds). Exports therefore carry
``HMAC-SHA256(workspace key, id)`` instead, truncated to the width of a doc_id (20 hex = 80 bits),
so a consumer can still join two exports of the same workspace but nobody without the key can test
a guess.

The key is the workspace's PII key, ``WORKSPACE/secrets/pii.key`` (the file the PII stage reads
resolved on the driver, see ``curate.pii.keys``): created 0600 with 32 random bytes (hex)
on first use. Each use derives its own sub-key (``purpose``), so an export id never equals a PII
pseudonym of the same string.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb
from duckdb.typing import VARCHAR
import pyarrow as pa

from curate.errors import CurateError

KEY_FILE = "pii.key"
ID_CHARS = 20  # the width of an ingest doc_id: 80 bits, collision-free far beyond a billion rows


def read_key_file(path: Path, create: bool, label: str = "key file") -> bytes:
    """Bytes of a 0600 key file's stripped text; created with 32 random bytes (hex) when missing and ``create``.

    The one reader of key files (the PII stage's ``curate.pii.keys`` and the export's keyed ids use it).
    Raises ``CurateError`` when the file is missing and ``create`` is false, cannot be created, is readable
    by others, or holds fewer than 16 characters. Never puts the key in a message.
    """
    path = Path(path).expanduser()
    if not path.exists():
        if not create:
            raise CurateError(f"{label} {path} does not exist")
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # a concurrent process (e.g. a PII worker) created it first: use theirs
        except OSError as exc:
            raise CurateError(f"cannot create {label} {path}: {exc.strerror}") from None
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise CurateError(f"{label} {path} is readable by others (mode {mode:o}); run: chmod 600 {path}")
    key = path.read_text().strip()
    if len(key) < 16:
        raise CurateError(f"{label} {path} holds a key shorter than 16 characters")
    return key.encode()


def workspace_key(secrets_dir: Path, create: bool = True) -> bytes:
    """The workspace's HMAC key (the file ``curate.pii.keys`` reads, see :func:`read_key_file`)."""
    return read_key_file(Path(secrets_dir) / KEY_FILE, create, "workspace key file")


def _subkey(key: bytes, purpose: str) -> bytes:
    return hmac.new(key, f"curate-keyed-id-v1\x00{purpose}".encode(), hashlib.sha256).digest()


def keyed_id(key: bytes, value: str | None, purpose: str = "id", chars: int = ID_CHARS) -> str | None:
    """``HMAC-SHA256(HMAC(key, purpose), value)`` as ``chars`` hex digits; ``None`` stays ``None``."""
    if value is None:
        return None
    return hmac.new(_subkey(key, purpose), value.encode(), hashlib.sha256).hexdigest()[:chars]


@contextmanager
def keyed_id_function(con: duckdb.DuckDBPyConnection, key: bytes, purpose: str = "id") -> Iterator[str]:
    """A SQL function ``NAME(VARCHAR) -> VARCHAR`` computing :func:`keyed_id` on ``con``, for a ``with`` block.

    Yields the function's (unique) name and removes it afterwards. The key lives only in the
    function's closure: it never appears in SQL text, so no error message or query log can quote it.
    """
    sub = _subkey(key, purpose)

    def fn(values: pa.Array) -> pa.Array:
        return pa.array([None if v is None else hmac.new(sub, v.encode(), hashlib.sha256).hexdigest()[:ID_CHARS]
                         for v in values.to_pylist()], pa.string())

    name = f"curate_keyed_id_{secrets.token_hex(6)}"
    con.create_function(name, fn, [VARCHAR], VARCHAR, type="arrow", null_handling="special", side_effects=False)
    try:
        yield name
    finally:
        con.remove_function(name)
