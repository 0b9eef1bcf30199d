"""Reader errors are one line that names positions and counts, never the input's values."""

from __future__ import annotations

import io

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

from curate.errors import reader_error


def _arrow_error(data: bytes, **convert) -> pa.ArrowException:
    with pytest.raises(pa.ArrowException) as info:
        pacsv.read_csv(io.BytesIO(data), convert_options=pacsv.ConvertOptions(**convert))
    return info.value


def test_column_count_error_keeps_counts_and_drops_the_row():
    exc = _arrow_error(b"a,b,c\n1,2,3\n0002,9876543211,extra,ABCPK1234F Ravi\n")
    assert "ABCPK1234F" in str(exc)  # Arrow itself quotes the row
    assert reader_error(exc) == "expected 3 columns, got 4"


def test_conversion_error_drops_the_value():
    exc = _arrow_error(b"a\n1\nRavi9876543211\n", column_types={"a": pa.int64()})
    assert "Ravi9876543211" in str(exc)
    msg = reader_error(exc)
    assert "Ravi" not in msg and "9876543211" not in msg and msg


def test_decode_error_names_the_offset_not_the_text():
    exc = pytest.raises(UnicodeDecodeError, b"Ravi \xff".decode, "utf-8").value
    assert reader_error(exc) == "invalid utf-8 byte(s) at offset 5 (invalid start byte)"
