"""Core commands."""
commands: list = []
