"""``python -m curate …`` runs the CLI, like the ``curate`` command."""

from curate.cli.main import main

main()
