"""Run a local Label Studio server for a workspace: start, health-wait, stop.

Label Studio lives in its own virtual environment (it pins an older pyarrow than
curate), so we start its executable as a child process instead of importing it.
The process runs in its own session so that ``stop`` can end exactly the process
group it started, found by the PID recorded at start, and nothing else.

Credentials (admin e-mail, password, API token) are generated once per workspace
and kept in ``<workspace>/secrets/label_studio.json`` (mode 0600). They are passed
to Label Studio through its documented environment variables, never on the
command line (where ``ps`` would show them) and never printed.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable

from pydantic import BaseModel

from curate.errors import CurateError

CREDENTIALS_FILE = "label_studio.json"
DEFAULT_PORT = 8080
HOST = "127.0.0.1"

# Keep Label Studio off the network: no PyPI version check, no Sentry, no analytics.
OFFLINE_ENV = {
    "LATEST_VERSION_CHECK": "false",
    "SENTRY_DSN": "",
    "FRONTEND_SENTRY_DSN": "",
    "COLLECT_ANALYTICS": "false",
    "FEATURE_FLAGS_OFFLINE": "true",
    "LOG_LEVEL": "WARNING",
    "DEBUG": "false",
}


class ServerInfo(BaseModel):
    """What ``serve`` records about the server it started (the secrets file's content)."""

    url: str
    port: int
    username: str
    password: str
    token: str
    data_dir: str
    pid: int | None = None
    log_file: str | None = None
    started_at: float | None = None


def label_studio_bin() -> Path:
    """The Label Studio executable: $CURATE_LABEL_STUDIO_BIN, else ``<repo>/.venv-ls/bin/label-studio``."""
    env = os.environ.get("CURATE_LABEL_STUDIO_BIN")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / ".venv-ls" / "bin" / "label-studio"


def new_credentials(port: int, data_dir: Path) -> ServerInfo:
    """Fresh admin credentials. The token is 40 hex chars, the shape of Label Studio's own tokens."""
    return ServerInfo(url=f"http://{HOST}:{port}", port=port,
                      username=f"admin-{secrets.token_hex(3)}@curate.local",
                      password=secrets.token_urlsafe(18), token=secrets.token_hex(20), data_dir=str(data_dir))


def write_private_json(path: Path, data: dict) -> None:
    """Write ``data`` to ``path`` with mode 0600 from the first byte (no window where it is world-readable)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump(data, fh, indent=2)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def read_info(secrets_dir: Path) -> ServerInfo | None:
    path = secrets_dir / CREDENTIALS_FILE
    if not path.exists():
        return None
    return ServerInfo.model_validate_json(path.read_text())


def port_free(port: int, host: str = HOST) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def pid_alive(pid: int | None) -> bool:
    """True when ``pid`` is a live process that is a Label Studio server (guards against PID reuse)."""
    if not pid:
        return False
    try:
        import psutil

        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        cmd = " ".join(proc.cmdline())
    except Exception:
        return False
    return "label-studio" in cmd or "label_studio" in cmd


def healthy(url: str, token: str | None = None, timeout: float = 3.0) -> bool:
    """The server answers /health, and (when a token is given) accepts the token."""
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as r:
            if r.status != 200:
                return False
        if token:
            req = urllib.request.Request(f"{url}/api/current-user/whoami",
                                         headers={"Authorization": f"Token {token}"})
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status == 200
        return True
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _log_tail(log_file: Path, n: int = 6) -> str:
    try:
        lines = log_file.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(lines[-n:])


def start(info: ServerInfo, timeout: float = 240.0, progress: Callable[[int], None] | None = None) -> ServerInfo:
    """Start Label Studio for ``info`` and wait until it is healthy and accepts the token.

    ``progress(s)`` is called with the seconds waited so far since the last call (a fresh data folder
    takes about a minute: Label Studio migrates its database before it answers).
    """
    exe = label_studio_bin()
    if not exe.exists():
        raise CurateError(f"Label Studio is not installed at {exe} (install label-studio==1.23.2 into .venv-ls, "
                          "or point CURATE_LABEL_STUDIO_BIN at its executable)")
    if not port_free(info.port):
        raise CurateError(f"port {info.port} on {HOST} is in use: choose another with --port")
    data_dir = Path(info.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)  # its SQLite database holds the raw task texts
    log_file = data_dir / "server.log"
    env = {**os.environ, **OFFLINE_ENV,
           "LABEL_STUDIO_USERNAME": info.username, "LABEL_STUDIO_PASSWORD": info.password,
           "LABEL_STUDIO_USER_TOKEN": info.token, "LABEL_STUDIO_BASE_DATA_DIR": str(data_dir)}
    # Our own venv must not leak into Label Studio's interpreter.
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    cmd = [str(exe), "start", "--no-browser", "--data-dir", str(data_dir), "--port", str(info.port),
           "--internal-host", HOST, "--host", info.url, "--enable-legacy-api-token"]
    with open(log_file, "ab") as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, start_new_session=True, cwd=str(data_dir))
    info = info.model_copy(update={"pid": proc.pid, "log_file": str(log_file), "started_at": time.time()})
    (data_dir / "server.pid").write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    last = time.monotonic()
    while time.monotonic() < deadline:
        if progress is not None:
            now = time.monotonic()
            if now - last >= 1.0:
                progress(int(now - last))
                last += int(now - last)
        if proc.poll() is not None:
            raise CurateError(f"Label Studio exited with code {proc.returncode} while starting; "
                              f"log {log_file}: {_log_tail(log_file)}")
        if healthy(info.url, info.token):
            return info
        time.sleep(1.0)
    stop_pid(proc.pid)
    raise CurateError(f"Label Studio did not become healthy within {timeout:.0f}s; see {log_file}")


def stop_pid(pid: int | None, grace: float = 20.0) -> bool:
    """Stop the process group led by ``pid`` (started with its own session). True if something was stopped."""
    if not pid_alive(pid):
        return False
    try:
        pgid = os.getpgid(pid)
    except ProcessLookupError:
        return False
    # Only signal the group if it is the one we created (the leader is the server itself).
    target = (lambda sig: os.killpg(pgid, sig)) if pgid == pid else (lambda sig: os.kill(pid, sig))
    try:
        target(signal.SIGTERM)
    except ProcessLookupError:
        return True
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            break
        time.sleep(0.2)
    else:
        try:
            target(signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:  # reap if it is our child
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
    return True


def serve(secrets_dir: Path, data_dir: Path, port: int = DEFAULT_PORT, timeout: float = 240.0,
          progress: Callable[[int], None] | None = None) -> tuple[ServerInfo, bool]:
    """Start (or find running) the workspace's server. Returns (info, started_now); ``progress`` as in :func:`start`."""
    info = read_info(secrets_dir)
    if info and pid_alive(info.pid) and healthy(info.url, info.token):
        return info, False
    if info is None or Path(info.data_dir) != data_dir:
        info = new_credentials(port, data_dir)
    elif info.port != port:
        # Same users and token (they live in the data dir's database); only the address changes.
        info = info.model_copy(update={"port": port, "url": f"http://{HOST}:{port}"})
    write_private_json(secrets_dir / CREDENTIALS_FILE, info.model_dump())
    info = start(info, timeout=timeout, progress=progress)
    write_private_json(secrets_dir / CREDENTIALS_FILE, info.model_dump())
    return info, True


def stop(secrets_dir: Path) -> bool:
    info = read_info(secrets_dir)
    if info is None:
        return False
    stopped = stop_pid(info.pid)
    write_private_json(secrets_dir / CREDENTIALS_FILE, info.model_copy(update={"pid": None}).model_dump())
    pidfile = Path(info.data_dir) / "server.pid"
    if pidfile.exists():
        pidfile.unlink()
    return stopped


if __name__ == "__main__":  # pragma: no cover - manual debugging aid
    print(label_studio_bin(), file=sys.stderr)
