"""Output helpers shared by every command: --json for scripts, rich for people."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

console = Console(stderr=True)

json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")


def emit(data: Any, as_json: bool, render: Callable[[Any], None] | None = None) -> None:
    """Print ``data`` as JSON (for scripts) or through ``render`` (for people)."""
    if as_json or render is None:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        return
    # The result goes to stdout (``curate status | less``, ``> file``); progress and messages stay on stderr.
    # Rich resolves sys.stderr at each print unless a file is pinned (``_file``); restore exactly that, so a
    # later command in the same process (a test's CliRunner) still writes to its own stderr.
    saved = console._file
    console.file = click.get_text_stream("stdout")
    try:
        render(data)
    finally:
        console._file = saved


@contextmanager
def progress_bar(description: str, total: int | None, enabled: bool = True) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr; yields an ``advance(n)`` callback. Silent when not a TTY or disabled."""
    if not enabled or not sys.stderr.isatty():
        yield lambda n: None
        return
    with Progress(TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=False) as prog:
        task = prog.add_task(description, total=total)
        yield lambda n: prog.advance(task, n)
