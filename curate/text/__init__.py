"""The text toolkit: one implementation of each text primitive the stages share.

* :mod:`curate.text.scripts` -- which ISO 15924 script each letter belongs to (one table, generated from
  the Unicode Script property by :mod:`curate.text.build_tables`);
* :mod:`curate.text.digits` -- decimal digits of every script to ASCII and back;
* :mod:`curate.text.html` -- HTML remnants to text;
* :mod:`curate.text.nfc` -- Unicode NFC and a fast "may change under NFC" test for SQL.

It imports nothing from curate outside itself, so every stage package (ingest, clean, langid, dedup, pii,
quality) can use it.
"""
