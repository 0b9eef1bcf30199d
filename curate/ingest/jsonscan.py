"""The ingest fast path's one compiled pass per record: strict JSON check, shape fields, ``meta`` as written.

Why compiled: DuckDB's JSON functions parse a record once per question (valid? which fields? the
record less the text field?) and print numbers by value (``1.10`` → ``1.1``, ``1E5`` → ``100000.0``).
One pass over the bytes answers all of them for every record a chunk holds and keeps each value
as the record wrote it; ``nogil`` lets the reader thread scan the next chunk while DuckDB inserts
this one.  Compiled code is cached next to this file (``cache=True``).

:func:`scan` takes a record only when it is *plainly* fine: a standard JSON object (RFC 8259: no
trailing comma, no ``NaN``, no leading zeros, no raw control characters) nested at most
``max_depth`` deep, with unescaped, unique keys and no ``\\u0000``.  Every other record (blank line,
malformed JSON, an array, a NUL, too deep, a duplicate key ...) is left to the exact per-record
path, which gives its quarantine reason; so the fast path never decides a reason by itself.  Records
in none of its shapes (no text field, SFT fields or ``messages``) are left to that path too: it reads
the other formats of :mod:`curate.ingest.shapes` (ShareGPT, prompt/completion).

For a taken record it writes, as Arrow string columns:

* the text field, ``instruction``/``input``/``output`` (strings, unescaped) and the ``messages`` value;
* the id field (a string unescaped, any other value as JSON text);
* ``meta``: the record less the fields of its shape (text: the text field; SFT: instruction, input,
  output; chat: messages), as compact JSON text.

JSON text is written the way DuckDB's own writer (yyjson) writes it — no whitespace outside
strings, ``\\/`` and ``\\uXXXX`` escapes of printable characters decoded, control characters as
``\\b \\f \\n \\r \\t`` or ``\\u00XX`` — except numbers, which stay exactly as written (``1.10``,
``1E5``, ``-0.0``, integers beyond 2^64).  A per-record flag says whether any of the text values
may change under NFC (exactly the pre-check of :func:`curate.text.nfc.needs_nfc_pattern`).
"""

from __future__ import annotations

import numba as nb
import numpy as np
import pyarrow as pa

from curate.text.nfc import (NFC_ENDS_IN_MARK, NFC_MARK, NFC_PAIR_FIRST, NFC_PAIR_SECOND, NFC_TABLE_SIZE, NFC_UNSTABLE,
                             nfc_tables)

_JIT = dict(nogil=True, cache=True)

# JSON types of a field's value, as codes (0: the record has no such field) and as the prepare SQL names them.
T_ABSENT, T_STRING, T_NUMBER, T_OBJECT, T_ARRAY, T_NULL, T_BOOL = range(7)
TYPE_NAMES = (None, "VARCHAR", "NUMBER", "OBJECT", "ARRAY", "NULL", "BOOLEAN")

# Field slots (the keys looked for) and output columns.
F_TEXT, F_INSTRUCTION, F_INPUT, F_OUTPUT, F_MESSAGES, F_ID = range(6)
N_FIELDS = 6
OUT_COLUMNS = ("text_v", "instr_v", "in_v", "out_v", "mv", "rec_id", "kmeta")
O_META = 6
S_NONE, S_TEXT, S_SFT, S_CHAT = range(4)
MAX_MEMBERS = 256  # records with more top-level members take the per-record path


@nb.njit(**_JIT)
def _ws(data, p, e):
    while p < e:
        c = data[p]
        if c == 32 or c == 10 or c == 13 or c == 9:
            p += 1
        else:
            break
    return p


@nb.njit(**_JIT)
def _past(data, p, e, ch):
    """Skip whitespace, the byte ``ch`` and whitespace again: the position of what follows, or -1 when
    ``ch`` is not next or nothing follows it."""
    p = _ws(data, p, e)
    if p >= e or data[p] != ch:
        return -1
    p = _ws(data, p + 1, e)
    return p if p < e else -1


@nb.njit(**_JIT)
def _hex4(data, p, e):
    """The value of four hex digits at ``data[p]``, or -1."""
    if p + 4 > e:
        return -1
    v = 0
    for k in range(4):
        c = data[p + k]
        if 48 <= c <= 57:
            d = c - 48
        elif 97 <= c <= 102:
            d = c - 87
        elif 65 <= c <= 70:
            d = c - 55
        else:
            return -1
        v = v * 16 + d
    return v


@nb.njit(**_JIT)
def _escape(data, p, e):
    """At a backslash: (code point, length of the escape), or (-1, 0) for one the fast path does not
    take (not standard, ``\\u0000``, a lone surrogate)."""
    if p + 1 >= e:
        return -1, 0
    c = data[p + 1]
    if c == 117:  # \uXXXX
        v = _hex4(data, p + 2, e)
        if v <= 0:
            return -1, 0
        if 0xD800 <= v < 0xDC00:
            if p + 12 > e or data[p + 6] != 92 or data[p + 7] != 117:
                return -1, 0
            w = _hex4(data, p + 8, e)
            if not 0xDC00 <= w < 0xE000:
                return -1, 0
            return 0x10000 + ((v - 0xD800) << 10) + (w - 0xDC00), 12
        if 0xDC00 <= v < 0xE000:
            return -1, 0
        return v, 6
    if c == 34 or c == 92 or c == 47:
        return np.int64(c), 2
    if c == 98:
        return 8, 2
    if c == 102:
        return 12, 2
    if c == 110:
        return 10, 2
    if c == 114:
        return 13, 2
    if c == 116:
        return 9, 2
    return -1, 0


@nb.njit(**_JIT)
def _skip_string(data, p, e):
    """``data[p]`` is a quote: the position after the closing quote, or -1."""
    p += 1
    while p < e:
        c = data[p]
        if c == 34:
            return p + 1
        if c == 92:
            cp, n = _escape(data, p, e)
            if n == 0:
                return -1
            p += n
        elif c < 32:
            return -1
        else:
            p += 1
    return -1


@nb.njit(**_JIT)
def _digits(data, p, e):
    while p < e and 48 <= data[p] <= 57:
        p += 1
    return p


@nb.njit(**_JIT)
def _skip_number(data, p, e):
    """A standard JSON number at ``data[p]``: the position after it, or -1."""
    if data[p] == 45:
        p += 1
    if p >= e:
        return -1
    c = data[p]
    if c == 48:
        p += 1
    elif 49 <= c <= 57:
        p = _digits(data, p + 1, e)
    else:
        return -1
    if p < e and data[p] == 46:  # a fraction needs a digit
        q = _digits(data, p + 1, e)
        if q == p + 1:
            return -1
        p = q
    if p < e and (data[p] == 101 or data[p] == 69):  # so does an exponent
        p += 1
        if p < e and (data[p] == 43 or data[p] == 45):
            p += 1
        q = _digits(data, p, e)
        if q == p:
            return -1
        p = q
    return p


@nb.njit(**_JIT)
def _literal(data, p, e, word):
    n = len(word)
    if p + n > e:
        return -1
    for k in range(n):
        if data[p + k] != word[k]:
            return -1
    return p + n


_TRUE = np.frombuffer(b"true", np.uint8)
_FALSE = np.frombuffer(b"false", np.uint8)
_NULL = np.frombuffer(b"null", np.uint8)


@nb.njit(**_JIT)
def _scalar(data, p, e):
    """(end, type) of the string, number or literal at ``data[p]``; end -1 when it is none."""
    c = data[p]
    if c == 34:
        return _skip_string(data, p, e), T_STRING
    if c == 45 or 48 <= c <= 57:
        return _skip_number(data, p, e), T_NUMBER
    if c == 116:
        return _literal(data, p, e, _TRUE), T_BOOL
    if c == 102:
        return _literal(data, p, e, _FALSE), T_BOOL
    if c == 110:
        return _literal(data, p, e, _NULL), T_NULL
    return -1, T_ABSENT


@nb.njit(**_JIT)
def _skip_value(data, p, e, depth, max_depth, stack):
    """(end, type) of the JSON value at ``data[p]``, a member of a container at nesting ``depth``;
    end -1 when it is not standard JSON or nests deeper than ``max_depth``."""
    c = data[p]
    if c != 123 and c != 91:
        return _scalar(data, p, e)
    t = T_OBJECT if c == 123 else T_ARRAY
    if depth + 1 > max_depth:
        return -1, t
    sp = 0
    stack[0] = c
    p += 1
    state = 0  # 0: just opened, 1: after a comma, 2: after an element
    while True:
        p = _ws(data, p, e)
        if p >= e:
            return -1, t
        c = data[p]
        top = stack[sp]
        if state != 1:
            if c == (125 if top == 123 else 93):
                p += 1
                if sp == 0:
                    return p, t
                sp -= 1
                state = 2
                continue
            if state == 2:
                if c != 44:
                    return -1, t
                p += 1
                state = 1
                continue
        if top == 123:  # a member: key, colon, then its value
            if c != 34:
                return -1, t
            p = _skip_string(data, p, e)
            if p < 0:
                return -1, t
            p = _past(data, p, e, 58)
            if p < 0:
                return -1, t
            c = data[p]
        if c == 123 or c == 91:
            sp += 1
            if depth + 1 + sp > max_depth:
                return -1, t
            stack[sp] = c
            p += 1
            state = 0
            continue
        q, _ = _scalar(data, p, e)
        if q < 0:
            return -1, t
        p = q
        state = 2


@nb.njit(**_JIT)
def _members(data, s, e, max_depth, stack, ks, ke, vs, ve, vt):
    """Parse the record ``data[s:e]``: its number of top-level members (spans in ks/ke, vs/ve, types in
    vt), or -1 when the fast path does not take it."""
    p = _past(data, s, e, 123)
    if p < 0:
        return -1
    m = 0
    if data[p] == 125:
        p += 1
    else:
        while True:
            if data[p] != 34 or m >= len(ks):
                return -1
            q = _skip_string(data, p, e)
            if q < 0:
                return -1
            for r in range(p + 1, q - 1):
                if data[r] == 92:  # an escaped key: compared by value only on the per-record path
                    return -1
            ks[m] = p + 1
            ke[m] = q - 1
            p = _past(data, q, e, 58)
            if p < 0:
                return -1
            q, t = _skip_value(data, p, e, 1, max_depth, stack)
            if q < 0:
                return -1
            vs[m] = p
            ve[m] = q
            vt[m] = t
            m += 1
            p = _ws(data, q, e)
            if p >= e:
                return -1
            c = data[p]
            if c == 44:
                p = _ws(data, p + 1, e)
                if p >= e:
                    return -1
                continue
            if c == 125:
                p += 1
                break
            return -1
    if _ws(data, p, e) != e:
        return -1
    return m


@nb.njit(**_JIT)
def _same(data, a0, a1, b, b0, b1):
    if a1 - a0 != b1 - b0:
        return False
    for k in range(a1 - a0):
        if data[a0 + k] != b[b0 + k]:
            return False
    return True


@nb.njit(**_JIT)
def _nfc_step(cp, prev_cp, prev_f, flags, pairs):
    """(needs NFC here?, flags of cp) for code point ``cp`` after ``prev_cp`` (flags ``prev_f``)."""
    f = flags[cp] if cp < NFC_TABLE_SIZE else np.uint8(0)
    if f == 0:
        return False, f
    if f & NFC_UNSTABLE:
        return True, f
    if (f & NFC_MARK) and (prev_f & (NFC_MARK | NFC_ENDS_IN_MARK)):
        return True, f
    if (f & NFC_PAIR_SECOND) and (prev_f & NFC_PAIR_FIRST):
        key = (np.int64(cp) << 21) | np.int64(prev_cp)
        i = np.searchsorted(pairs, key)
        if i < len(pairs) and pairs[i] == key:
            return True, f
    return False, f


@nb.njit(**_JIT)
def _put_utf8(out, w, cp):
    if cp < 0x80:
        out[w] = cp
        return w + 1
    if cp < 0x800:
        out[w] = 0xC0 | (cp >> 6)
        out[w + 1] = 0x80 | (cp & 0x3F)
        return w + 2
    if cp < 0x10000:
        out[w] = 0xE0 | (cp >> 12)
        out[w + 1] = 0x80 | ((cp >> 6) & 0x3F)
        out[w + 2] = 0x80 | (cp & 0x3F)
        return w + 3
    out[w] = 0xF0 | (cp >> 18)
    out[w + 1] = 0x80 | ((cp >> 12) & 0x3F)
    out[w + 2] = 0x80 | ((cp >> 6) & 0x3F)
    out[w + 3] = 0x80 | (cp & 0x3F)
    return w + 4


@nb.njit(**_JIT)
def _nfc_of(out, w0, w1, flags, pairs):
    """Whether the UTF-8 bytes ``out[w0:w1]`` may change under NFC."""
    prev_cp = 0
    prev_f = np.uint8(0)
    p = w0
    while p < w1:
        b = out[p]
        if b < 0x80:
            prev_cp = b
            prev_f = flags[b]  # ASCII never needs NFC itself, but letters start composing pairs
            p += 1
            continue
        if b < 0xE0:
            cp = ((np.int64(b) & 0x1F) << 6) | (np.int64(out[p + 1]) & 0x3F)
            p += 2
        elif b < 0xF0:
            cp = ((np.int64(b) & 0x0F) << 12) | ((np.int64(out[p + 1]) & 0x3F) << 6) | (np.int64(out[p + 2]) & 0x3F)
            p += 3
        else:
            cp = (((np.int64(b) & 0x07) << 18) | ((np.int64(out[p + 1]) & 0x3F) << 12)
                  | ((np.int64(out[p + 2]) & 0x3F) << 6) | (np.int64(out[p + 3]) & 0x3F))
            p += 4
        hit, prev_f = _nfc_step(cp, prev_cp, prev_f, flags, pairs)
        if hit:
            return True
        prev_cp = cp
    return False


@nb.njit(**_JIT)
def _put_string(data, p, q, out, w):
    """The JSON string ``data[p:q]`` (quotes included, already checked) unescaped into ``out`` at ``w``."""
    p += 1
    q -= 1
    while p < q:
        r = p
        while r < q and data[r] != 92:
            r += 1
        out[w:w + r - p] = data[p:r]  # the run up to the next escape, in one copy
        w += r - p
        if r == q:
            break
        cp, n = _escape(data, r, q)
        w = _put_utf8(out, w, cp)
        p = r + n
    return w


@nb.njit(**_JIT)
def _put_text(data, p, q, out, w, flags, pairs):
    """:func:`_put_string` and the NFC pre-check of what it writes in one pass: (end in ``out``, needs NFC?)."""
    p += 1
    q -= 1
    prev_cp = np.int64(0)
    prev_f = np.uint8(0)
    while p < q:
        c = data[p]
        if c < 0x80:
            if c != 92:
                out[w] = c
                w += 1
                p += 1
                prev_cp = np.int64(c)
                prev_f = flags[c]  # ASCII never needs NFC itself, but letters start composing pairs
                continue
            cp, n = _escape(data, p, q)
            w = _put_utf8(out, w, cp)
            p += n
        elif c < 0xE0:
            cp = ((np.int64(c) & 0x1F) << 6) | (np.int64(data[p + 1]) & 0x3F)
            out[w] = c
            out[w + 1] = data[p + 1]
            w += 2
            p += 2
        elif c < 0xF0:
            cp = ((np.int64(c) & 0x0F) << 12) | ((np.int64(data[p + 1]) & 0x3F) << 6) | (np.int64(data[p + 2]) & 0x3F)
            out[w] = c
            out[w + 1] = data[p + 1]
            out[w + 2] = data[p + 2]
            w += 3
            p += 3
        else:
            cp = (((np.int64(c) & 0x07) << 18) | ((np.int64(data[p + 1]) & 0x3F) << 12)
                  | ((np.int64(data[p + 2]) & 0x3F) << 6) | (np.int64(data[p + 3]) & 0x3F))
            out[w:w + 4] = data[p:p + 4]
            w += 4
            p += 4
        hit, prev_f = _nfc_step(cp, prev_cp, prev_f, flags, pairs)
        if hit:  # the rest needs no look
            return _put_string(data, p - 1, q + 1, out, w), True
        prev_cp = cp
    return w, False


_HEX = np.frombuffer(b"0123456789ABCDEF", np.uint8)


@nb.njit(**_JIT)
def _put_json(data, p, q, out, w):
    """The JSON value ``data[p:q]`` (already checked) as compact JSON text into ``out`` at ``w``: no
    whitespace outside strings, string escapes as DuckDB writes them, numbers as written."""
    while p < q:
        c = data[p]
        if c == 32 or c == 10 or c == 13 or c == 9:
            p += 1
            continue
        out[w] = c
        w += 1
        p += 1
        if c != 34:
            continue
        while True:  # inside a string, up to and including its closing quote
            c = data[p]
            if c == 34:
                out[w] = 34
                w += 1
                p += 1
                break
            if c != 92:
                out[w] = c
                w += 1
                p += 1
                continue
            cp, n = _escape(data, p, q)
            p += n
            if cp == 34 or cp == 92:
                out[w] = 92
                out[w + 1] = cp
                w += 2
            elif cp >= 32:
                w = _put_utf8(out, w, cp)
            else:
                out[w] = 92
                short = (98 if cp == 8 else 102 if cp == 12 else 110 if cp == 10 else 114 if cp == 13
                         else 116 if cp == 9 else 0)
                if short:
                    out[w + 1] = short
                    w += 2
                else:
                    out[w + 1] = 117
                    out[w + 2] = 48
                    out[w + 3] = 48
                    out[w + 4] = _HEX[cp >> 4]
                    out[w + 5] = _HEX[cp & 15]
                    w += 6
    return w


@nb.njit(**_JIT)
def _scan(data, offsets, skip, keys, key_lo, key_hi, explicit, max_depth, max_bytes, flags, pairs,
          status, types, nfc, out, out_off, out_valid):
    n = len(offsets) - 1
    stack = np.empty(max_depth + 2, np.uint8)
    ks = np.empty(MAX_MEMBERS, np.int64)
    ke = np.empty(MAX_MEMBERS, np.int64)
    vs = np.empty(MAX_MEMBERS, np.int64)
    ve = np.empty(MAX_MEMBERS, np.int64)
    vt = np.empty(MAX_MEMBERS, np.int64)
    slot = np.empty(N_FIELDS, np.int64)
    drop = np.zeros(MAX_MEMBERS, np.uint8)
    pos = np.zeros(len(OUT_COLUMNS), np.int64)
    for i in range(n):
        for k in range(len(OUT_COLUMNS)):
            out_off[k, i] = pos[k]
            out_valid[k, i] = 0
        nfc[i] = 0
        for f in range(N_FIELDS):
            types[i, f] = T_ABSENT
        s = offsets[i]
        e = offsets[i + 1]
        status[i] = 1
        if skip[i] or e - s > max_bytes:
            continue
        m = _members(data, s, e, max_depth, stack, ks, ke, vs, ve, vt)
        if m < 0:
            continue
        dup = False
        for a in range(m):
            for b in range(a):
                if _same(data, ks[a], ke[a], data, ks[b], ke[b]):
                    dup = True
        if dup:
            continue
        for f in range(N_FIELDS):
            slot[f] = -1
            if key_hi[f] < key_lo[f]:
                continue
            for a in range(m):
                if _same(data, ks[a], ke[a], keys, key_lo[f], key_hi[f]):
                    slot[f] = a
                    break
        # The shape, as the prepare SQL decides it: a text field that is not null makes a text record
        # (whatever else it holds); without one, instruction/output make SFT, else messages make chat.
        if slot[F_TEXT] >= 0:
            shape = S_TEXT if vt[slot[F_TEXT]] != T_NULL else S_NONE
            for f in range(F_INSTRUCTION, F_MESSAGES + 1):
                slot[f] = -1
        elif not explicit and (slot[F_INSTRUCTION] >= 0 or slot[F_OUTPUT] >= 0):
            shape = S_SFT
        elif not explicit and slot[F_MESSAGES] >= 0:
            shape = S_CHAT
        else:
            shape = S_NONE
        if shape == S_NONE and not explicit and slot[F_TEXT] < 0:
            # No shape this scan knows: maybe ShareGPT or prompt/completion (curate.ingest.shapes), which
            # the per-record path converts (or quarantines with its reason).
            continue
        needs = False
        for f in range(N_FIELDS):
            a = slot[f]
            if a < 0:
                continue
            types[i, f] = vt[a]
            if f == F_ID and vt[a] == T_NULL:
                continue
            w0 = pos[f]
            if vt[a] == T_STRING and f != F_ID and not needs:
                pos[f], needs = _put_text(data, vs[a], ve[a], out[f], w0, flags, pairs)
            elif vt[a] == T_STRING:
                pos[f] = _put_string(data, vs[a], ve[a], out[f], w0)
            elif f == F_MESSAGES or f == F_ID:
                pos[f] = _put_json(data, vs[a], ve[a], out[f], w0)
                if f == F_MESSAGES and not needs:
                    needs = _nfc_of(out[f], w0, pos[f], flags, pairs)
            else:
                continue
            out_valid[f, i] = 1
        nfc[i] = needs
        if shape != S_NONE:
            for a in range(m):
                drop[a] = 0
            if shape == S_TEXT:
                drop[slot[F_TEXT]] = 1
            elif shape == S_CHAT:
                drop[slot[F_MESSAGES]] = 1
            else:
                for f in range(F_INSTRUCTION, F_OUTPUT + 1):
                    if slot[f] >= 0:
                        drop[slot[f]] = 1
            mo = out[O_META]
            w = pos[O_META]
            mo[w] = 123
            w += 1
            first = True
            for a in range(m):
                if drop[a]:
                    continue
                if not first:
                    mo[w] = 44
                    w += 1
                first = False
                for r in range(ks[a] - 1, ke[a] + 1):  # the key, quotes included (it has no escapes)
                    mo[w] = data[r]
                    w += 1
                mo[w] = 58
                w += 1
                w = _put_json(data, vs[a], ve[a], mo, w)
            mo[w] = 125
            pos[O_META] = w + 1
            out_valid[O_META, i] = 1
        status[i] = 0
    for k in range(len(OUT_COLUMNS)):
        out_off[k, n] = pos[k]


def scan(raw: pa.Array, skip: np.ndarray | None, fields: list[str | None], explicit: bool, max_depth: int,
         max_bytes: int) -> tuple[np.ndarray, pa.Table]:
    """Scan the records ``raw`` (an Arrow string array, a trailing newline allowed) in one compiled pass.

    Args:
        raw: one JSON record per value.
        skip: bool per record, True for records the fast path must leave alone (None: none).
        fields: the six keys looked for (text field, instruction, input, output, messages, id field),
            None for one not looked for.
        explicit: the text field was named by the user (the SFT and chat shapes are then not looked for).
        max_depth: deepest nesting taken (the record itself is level 1).
        max_bytes: longest record taken, in bytes.
    Returns:
        ``(taken, table)``: ``taken`` a bool array per record; ``table`` one row per taken record with
        int8 type codes ``t_text, t_instr, t_in, t_out, t_msg, t_id`` (``T_*``; 0 absent), ``nfc``
        (bool: a text value may change under NFC) and the string columns ``OUT_COLUMNS``.
    """
    raw = raw.combine_chunks() if isinstance(raw, pa.ChunkedArray) else raw
    if pa.types.is_large_string(raw.type):
        raw = raw.cast(pa.string())
    n = len(raw)
    off = np.frombuffer(raw.buffers()[1], np.int32, n + 1, raw.offset * 4).astype(np.int64)
    buf = raw.buffers()[2]
    data = np.frombuffer(buf, np.uint8) if buf is not None and buf.size else np.zeros(1, np.uint8)
    if raw.null_count:
        nulls = np.asarray(raw.is_null().to_numpy(zero_copy_only=False), bool)
        skip = nulls if skip is None else (skip | nulls)
    skip_u8 = np.zeros(n, np.uint8) if skip is None else np.asarray(skip, np.uint8)
    names = [(f or "").encode("utf-8") for f in fields]
    keys = np.frombuffer(b"".join(names) or b"\0", np.uint8)
    lo = np.zeros(N_FIELDS, np.int64)
    hi = np.zeros(N_FIELDS, np.int64)
    at = 0
    for k, (f, b) in enumerate(zip(fields, names)):
        lo[k], hi[k] = at, (at + len(b) if f is not None else at - 1)
        at += len(b)
    flags, pairs = nfc_tables()
    status = np.empty(n, np.uint8)
    types = np.empty((n, N_FIELDS), np.int8)
    nfc = np.empty(n, np.uint8)
    # Every output is at most as long as its record (escapes only shrink when decoded), so one buffer
    # of the chunk's size per column holds it; pages never written are never touched.
    cap = int(off[-1] - off[0]) + 16
    out = np.empty((len(OUT_COLUMNS), cap), np.uint8)
    out_off = np.empty((len(OUT_COLUMNS), n + 1), np.int64)
    out_valid = np.empty((len(OUT_COLUMNS), n), np.uint8)
    _scan(data, off, skip_u8, keys, lo, hi, explicit, max_depth, max_bytes, flags, pairs,
          status, types, nfc, out, out_off, out_valid)
    taken = status == 0
    idx = np.flatnonzero(taken)
    cols: dict[str, pa.Array] = {}
    for k, name in enumerate(("t_text", "t_instr", "t_in", "t_out", "t_msg", "t_id")):
        cols[name] = pa.array(types[idx, k])
    cols["nfc"] = pa.array(nfc[idx].astype(bool))
    for k, name in enumerate(OUT_COLUMNS):
        valid = out_valid[k]
        offsets32 = out_off[k].astype(np.int32)
        arr = pa.Array.from_buffers(pa.string(), n, [pa.py_buffer(np.packbits(valid, bitorder="little")),
                                                     pa.py_buffer(offsets32), pa.py_buffer(out[k])],
                                    null_count=int(n - valid.sum()))
        cols[name] = arr if len(idx) == n else arr.take(pa.array(idx))
    return taken, pa.table(cols)
