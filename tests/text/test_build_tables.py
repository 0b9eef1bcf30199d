"""The generated Unicode tables are what the generator makes from the pinned Unicode data."""

from curate.text import build_tables


def test_regenerating_gives_the_shipped_file():
    assert build_tables.TARGET.read_text(encoding="utf-8") == build_tables.generate(), \
        "run: python -m curate.text.build_tables"
