"""The ``curate`` command line.

Capability packages add their commands without touching this file: any
``curate.<package>.cli`` (and ``train.cli``, ``eval.cli``) module exposing a
``commands`` list of click commands/groups is picked up here.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import signal
import sys

import click

from curate import __version__
from curate.errors import CurateError, describe_exception, scrub

# Nothing in curate may reach the network at run time.
for _var, _val in {"HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                   "HF_HUB_DISABLE_TELEMETRY": "1", "TOKENIZERS_PARALLELISM": "false"}.items():
    os.environ.setdefault(_var, _val)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="curate")
@click.option("--wait", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="How long a writing command waits for another writer (default: $CURATE_LOCK_WAIT or 60). "
                   "Reading commands never wait.")
def cli(wait: float | None) -> None:
    """curate: build fine-tuning datasets for Indian enterprise data.

    Workspace mode: init, ingest, run RECIPE, snapshot …, audit, label, train, eval.
    File mode: dedup|langid|pii IN --output OUT keeps every column and row order.
    """
    if wait is not None:
        from curate import workspace

        workspace.set_default_lock_wait(wait)


def _plugin_modules() -> list[str]:
    import curate

    names = [f"curate.{m.name}.cli" for m in pkgutil.iter_modules(curate.__path__) if m.ispkg and m.name != "cli"]
    return names + ["train.cli", "eval.cli"]


def _load_plugins() -> None:
    for modname in _plugin_modules():
        try:
            mod = importlib.import_module(modname)
        except ModuleNotFoundError as exc:
            if exc.name == modname or modname.startswith(f"{exc.name}."):
                continue
            raise
        for command in getattr(mod, "commands", []):
            cli.add_command(command)


from curate.cli import core_commands  # noqa: E402  (registers init/ingest/run/snapshot/…)

for _c in core_commands.commands:
    cli.add_command(_c)
_load_plugins()


def _fail(message: str, code: int) -> None:
    click.echo(f"error: {scrub(message)}", err=True)
    sys.exit(code)


class Terminated(KeyboardInterrupt):
    """SIGTERM/SIGHUP, raised in the main thread like Ctrl-C's KeyboardInterrupt."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _on_terminate(signum, frame) -> None:
    # Unwind like Ctrl-C: open transactions roll back, worker pools are stopped, the writer lock is
    # released. The default action is restored first, so a second signal ends the process at once.
    signal.signal(signum, signal.SIG_DFL)
    raise Terminated(signum)


def _install_signal_handlers() -> None:
    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(sig, _on_terminate)
        except ValueError:  # not the main thread (the CLI embedded somewhere): leave the host's handlers
            return


def main() -> None:
    """Run the CLI. Every failure is one ``error: …`` line on stderr with a non-zero exit code.

    Messages never quote values (``curate.errors.describe_exception``) and known secrets are
    scrubbed from them; unexpected exceptions name their type and line. ``CURATE_DEBUG=1``
    re-raises them with the traceback, for developers. SIGINT (Ctrl-C), SIGTERM and SIGHUP stop
    the command cleanly — transactions roll back, worker processes end, the writer lock is
    released — and exit with 128 + the signal number (130, 143, 129).
    """
    _install_signal_handlers()
    # Private by default for every command, not only inside a workspace: file mode writes raw records too
    # (`curate dedup run` output, its HTML page of clusters with names and numbers), so what curate creates
    # gets no group/other access whatever the shell's umask (a newcomer's 0644 cluster page).
    os.umask(0o077)
    try:
        cli.main(standalone_mode=False)
    except (click.exceptions.Abort, Terminated) as exc:
        # click turns KeyboardInterrupt (and so Terminated) into Abort, keeping it as the cause
        term = exc if isinstance(exc, Terminated) else exc.__cause__
        if isinstance(term, Terminated):
            click.echo("terminated", err=True)
            sys.exit(128 + term.signum)
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.exit(0)
    except CurateError as exc:
        _fail(str(exc), exc.exit_code)
    except Exception as exc:
        if os.environ.get("CURATE_DEBUG") == "1":
            raise
        _fail(*describe_exception(exc))


if __name__ == "__main__":
    main()
