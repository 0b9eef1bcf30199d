"""Secrets for the keyed operators. Keys come from the environment or a 0600 file, never from the workspace.

* HMAC key (keyed hash, pseudonyms): env ``CURATE_PII_KEY``; else the file named by the policy's
  ``key_file``, env ``CURATE_PII_KEY_FILE``, ``$CURATE_SECRETS_DIR/pii.key`` (the workspace's secrets
  folder, set by the runner) or ``~/.config/curate/pii.key`` (created 0600 with a random key on first
  use, so pseudonyms stay consistent across runs and processes).
* Encryption key (reversible operator): env ``CURATE_PII_ENC_KEY`` only; it is never written anywhere.
"""

from __future__ import annotations

import base64
import os
import secrets
import stat
from pathlib import Path

from curate.errors import CurateError

DEFAULT_KEY_FILE = Path("~/.config/curate/pii.key")


def _read_key_file(path: Path, create: bool) -> bytes:
    path = path.expanduser()
    if not path.exists():
        if not create:
            raise CurateError(f"PII key file {path} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker created it first: read theirs
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32) + "\n")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise CurateError(f"PII key file {path} is readable by others (mode {mode:o}); run: chmod 600 {path}")
    key = path.read_text().strip()
    if len(key) < 16:
        raise CurateError(f"PII key file {path} holds a key shorter than 16 characters")
    return key.encode()


def hmac_key(key_file: str | None = None) -> bytes:
    env = os.environ.get("CURATE_PII_KEY")
    if env:
        if len(env) < 16:
            raise CurateError("CURATE_PII_KEY must be at least 16 characters")
        return env.encode()
    if key_file:
        return _read_key_file(Path(key_file), create=False)
    env_file = os.environ.get("CURATE_PII_KEY_FILE")
    secrets_dir = os.environ.get("CURATE_SECRETS_DIR")
    default = Path(secrets_dir) / "pii.key" if secrets_dir else DEFAULT_KEY_FILE
    return _read_key_file(Path(env_file) if env_file else default, create=True)


def enc_key() -> bytes:
    """64 bytes for AES-SIV, derived from ``CURATE_PII_ENC_KEY`` (any high-entropy string)."""
    env = os.environ.get("CURATE_PII_ENC_KEY")
    if not env:
        raise CurateError("the encrypt operator needs CURATE_PII_ENC_KEY in the environment "
                          "(e.g. export CURATE_PII_ENC_KEY=$(python -c 'import secrets;print(secrets.token_urlsafe(32))'))")
    if len(env) < 16:
        raise CurateError("CURATE_PII_ENC_KEY must be at least 16 characters")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=64, salt=None, info=b"curate-pii-enc-v1").derive(env.encode())


def new_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode().rstrip("=")
