from __future__ import annotations


def test_schema_file_is_in_sync():
    from curate.schemas import generated

    for path, text in generated().items():
        assert path.exists() and path.read_text() == text, f"{path} is stale: run python -m curate.schemas"
