"""Issue 13: the common fine-tuning formats besides text/SFT/messages are read, not quarantined.

Every expectation is written by hand from the formats' documentation: ShareGPT (FastChat/Axolotl:
``conversations`` of ``{from: human|gpt|system, value}``), TRL's prompt-completion (two strings, or two
lists of messages), roles by another name (Gemini's ``model``, support transcripts' ``customer``/``agent``).
"""

from __future__ import annotations

import json

import pyarrow as pa

from curate.ingest.ingest import IngestOptions, ingest_file
from curate.ingest.jsonscan import scan
from tests.ingest.cases import check_cases

_ACCEPTED = ("system, user, assistant, tool, or an alias: developer, human, customer, prompter, gpt, chatgpt, bot, "
             "model, agent, function, observation, ipython; any case")
_PC_BAD = "schema violation: prompt/completion record needs two strings or two lists of messages"
_SHAREGPT_BAD = "schema violation: conversations must be a non-empty array of {from, value} with a known role"

# line -> (text, instruction, input, output, messages, meta) or the quarantine reason.
CASES = [
    ('{"conversations": [{"from": "system", "value": "Be brief."}, {"from": "human", "value": "hi"}, '
     '{"from": "gpt", "value": "hello", "weight": 1}], "id": "s1", "score": 0.50}',
     ("Be brief.\nhi\nhello", None, None, None,
      '[{"role":"system","content":"Be brief."},{"role":"user","content":"hi"},'
      '{"role":"assistant","content":"hello","weight":1}]',
      '{"id":"s1","score":0.50,"_source_shape":{"format":"sharegpt","roles":["system","human","gpt"]}}')),
    ('{"messages": [{"role": "customer", "content": "card blocked"}, {"role": "agent", "content": "unblocked"}], '
     '"ticket": 7.10}',
     ("card blocked\nunblocked", None, None, None,
      '[{"role":"user","content":"card blocked"},{"role":"assistant","content":"unblocked"}]',
      '{"ticket":7.10,"_source_shape":{"format":"messages","roles":["customer","agent"]}}')),
    ('{"messages": [{"role": "User", "content": "namaste"}, {"role": " model ", "content": "namaste!"}]}',
     ("namaste\nnamaste!", None, None, None,
      '[{"role":"user","content":"namaste"},{"role":"assistant","content":"namaste!"}]',
      '{"_source_shape":{"format":"messages","roles":["User"," model "]}}')),
    ('{"prompt": "2+2?", "completion": "4", "src": "math"}',
     ("2+2?\n\n4", "2+2?", None, "4", None, '{"src":"math","_source_shape":{"format":"prompt-completion"}}')),
    ('{"prompt": [{"role": "system", "content": "s"}, {"role": "user", "content": "hi"}], '
     '"completion": [{"role": "assistant", "content": "hey"}]}',
     ("s\nhi\nhey", None, None, None,
      '[{"role":"system","content":"s"},{"role":"user","content":"hi"},{"role":"assistant","content":"hey"}]',
      '{"_source_shape":{"format":"prompt-completion","prompt_turns":2}}')),
    # OpenAI's chat format (a newcomer's file): the developer role is the system role; an assistant turn that only
    # calls a tool has null content; content may be a list of parts (the text parts are the turn's text).
    ('{"messages": [{"role": "developer", "content": "You are a bank bot."}, {"role": "user", "content": "balance?"}, '
     '{"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": '
     '{"name": "get_balance", "arguments": "{}"}}]}, {"role": "tool", "tool_call_id": "c1", "content": "100"}]}',
     ("You are a bank bot.\nbalance?\n100", None, None, None,
      '[{"role":"system","content":"You are a bank bot."},{"role":"user","content":"balance?"},'
      '{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":'
      '{"name":"get_balance","arguments":"{}"}}]},{"role":"tool","content":"100","tool_call_id":"c1"}]',
      '{"_source_shape":{"format":"messages","roles":["developer","user","assistant","tool"]}}')),
    ('{"messages": [{"role": "user", "content": [{"type": "text", "text": "What is IMPS timing?"}, '
     '{"type": "image_url", "image_url": {"url": "x.png"}}, {"type": "text", "text": "Urgent."}]}, '
     '{"role": "assistant", "content": "24x7."}]}',
     ("What is IMPS timing?\nUrgent.\n24x7.", None, None, None,
      '[{"role":"user","content":[{"type":"text","text":"What is IMPS timing?"},'
      '{"type":"image_url","image_url":{"url":"x.png"}},{"type":"text","text":"Urgent."}]},'
      '{"role":"assistant","content":"24x7."}]', '{}')),
    ('{"messages": [{"role": "user", "content": null}, {"role": "assistant", "content": "ok"}]}',
     "schema violation: messages must be a non-empty array of {role, content} with role system/user/assistant/tool"),
    ('{"conversations": [{"from": "narrator", "value": "x"}]}',
     f"schema violation: conversations with unknown role 'narrator' (accepted: {_ACCEPTED})"),
    ('{"prompt": [{"role": "boss", "content": "x"}], "completion": [{"role": "assistant", "content": "y"}]}',
     f"schema violation: prompt/completion with unknown role 'boss' (accepted: {_ACCEPTED})"),
    ('{"conversations": [{"from": "human"}]}', _SHAREGPT_BAD),
    ('{"conversations": "nope"}', _SHAREGPT_BAD),
    ('{"conversations": []}', _SHAREGPT_BAD),
    ('{"prompt": "x", "completion": [{"role": "assistant", "content": "y"}]}', _PC_BAD),
    ('{"prompt": "only a prompt"}', _PC_BAD),
    ('{"completion": 5, "prompt": "p"}', _PC_BAD),
    # The first shape wins (text, SFT, messages, ShareGPT, prompt/completion); the others stay in meta as written.
    ('{"messages": [{"role": "user", "content": "m"}], "conversations": [{"from": "human", "value": "c"}]}',
     ("m", None, None, None, '[{"role":"user","content":"m"}]', '{"conversations":[{"from":"human","value":"c"}]}')),
    ('{"text": "t", "prompt": "p", "completion": "c"}',
     ("t", None, None, None, None, '{"prompt":"p","completion":"c"}')),
    ('{"instruction": "i", "output": "o", "prompt": "p"}', ("i\n\no", "i", None, "o", None, '{"prompt":"p"}')),
]




def test_sharegpt_prompt_completion_and_role_aliases_are_read(ws, tmp_path):
    path = tmp_path / "formats.jsonl"
    path.write_text("\n".join(line for line, _ in CASES) + "\n", encoding="utf-8")
    check_cases(ws, path, CASES)


def test_the_raw_record_is_kept_unchanged_where_quarantined(ws, tmp_path):
    line = next(line for line, _ in CASES if "narrator" in line)
    path = tmp_path / "q.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    ingest_file(ws, path, IngestOptions())
    assert ws.con.execute("SELECT raw FROM lake.quarantine").fetchall() == [(line,)]


def test_fast_and_per_record_paths_give_the_same_result(ws, tmp_path):
    """A chat with aliased roles is taken by the compiled scan; the same record with an escaped key
    (``\\u0074ag`` = ``tag``) is left to the per-record SQL: both must store the same thing."""
    plain = '{"messages": [{"role": "Human", "content": "a"}, {"role": "bot", "content": "b"}], "tag": 1.50}'
    escaped = plain.replace('"tag"', '"\\u0074ag"')
    taken, _ = scan(pa.array([plain, escaped]), None, ["text", "instruction", "input", "output", "messages", None],
                    False, 64, 1 << 20)
    assert taken.tolist() == [True, False]  # the premise: one record on each path
    want = ("a\nb", None, None, None, '[{"role":"user","content":"a"},{"role":"assistant","content":"b"}]',
            '{"tag":1.50,"_source_shape":{"format":"messages","roles":["Human","bot"]}}')
    path = tmp_path / "paths.jsonl"
    path.write_text(plain + "\n" + escaped + "\n", encoding="utf-8")
    check_cases(ws, path, [(plain, want), (escaped, want)])


def test_sharegpt_in_a_json_array_and_parquet(ws, tmp_path):
    """Other readers hand the same records to the same SQL."""
    import pyarrow.parquet as pq

    rec = {"conversations": [{"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}]}
    (tmp_path / "a.json").write_text(json.dumps([rec]), encoding="utf-8")
    pq.write_table(pa.Table.from_pylist([rec]), tmp_path / "a.parquet")
    for name in ("a.json", "a.parquet"):
        res = ingest_file(ws, tmp_path / name, IngestOptions())
        assert (res.ingested, res.quarantined) == (1, 0), name
    msgs = {r[0] for r in ws.con.execute("SELECT messages FROM lake.documents").fetchall()}
    assert msgs == {'[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]'}


def test_sharegpt_conversion_matches_trl(ws, tmp_path):
    """TRL's ``maybe_convert_to_chatml`` (from/value -> role/content, conversations -> messages) is the oracle
    for the keys; roles that are already standard are left as they are by both."""
    import copy

    from trl import maybe_convert_to_chatml

    records = [{"conversations": [{"from": "system", "value": "s"}, {"from": "user", "value": "u"},
                                  {"from": "assistant", "value": "a", "weight": 0}]},
               {"conversations": [{"from": "user", "value": "नमस्ते"}, {"from": "assistant", "value": "hello"}]}]
    path = tmp_path / "sg.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    ingest_file(ws, path, IngestOptions())
    stored = [json.loads(r[0]) for r in ws.con.execute("SELECT messages FROM lake.documents ORDER BY source_row")
              .fetchall()]
    assert stored == [maybe_convert_to_chatml(copy.deepcopy(r))["messages"] for r in records]


def test_file_mode_reads_openai_chats_and_a_row_that_is_no_chat_has_no_text(tmp_path):
    import subprocess
    import sys

    from curate.filemode import read_table, stage_input
    from curate.stage import get_stage

    src = tmp_path / "oa.jsonl"
    src.write_text("\n".join([
        '{"messages": [{"role": "developer", "content": "Be brief."}, {"role": "user", "content": '
        '[{"type": "text", "text": "IMPS timing?"}]}, {"role": "assistant", "content": null, "tool_calls": []}]}',
        '{"messages": "not a list"}',
        '{"messages": [{"role": "user", "content": "hi there"}]}']) + "\n")
    cfg = get_stage("langid").config_model()
    assert stage_input(read_table(src), cfg).column("text").to_pylist() == ["Be brief.\nIMPS timing?", None, "hi there"]
    for cmd in (["langid"], ["dedup", "run"]):
        proc = subprocess.run([sys.executable, "-m", "curate.cli.main", *cmd, str(src), "-o", str(tmp_path / "o.jsonl"),
                               "--json"], capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
        rows = [json.loads(line) for line in (tmp_path / "o.jsonl").read_text().splitlines()]
        assert [r["messages"] for r in rows][1] == "not a list"
        assert (rows[1].get("lang"), rows[1].get("dup_reason")) in (("und", None), (None, "no_text"))


def test_a_key_written_twice_is_quarantined_not_read_one_way(ws, tmp_path):
    """A newcomer's {"text": "dup key", "text": "dup key 2 9845077777"} was stored as "dup key" without a word:
    DuckDB reads the first value, Python's json the last; which one the writer meant is unknown."""
    reason = "schema violation: a key appears twice in the record (which value is meant is ambiguous)"
    lines = ['{"text": "dup key", "text": "dup key 2"}', '{"a": 1, "a": 2, "text": "x"}',
             '{"instruction": "i", "output": "o", "output": "p"}', '{"text": "fine"}']
    path = tmp_path / "dups.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    check_cases(ws, path, [(lines[0], reason), (lines[1], reason), (lines[2], reason),
                      (lines[3], ("fine", None, None, None, None, "{}"))])


def test_json_documents_that_are_not_arrays(ws, tmp_path):
    """A .json file as people save them: one pretty-printed object (one record), an export wrapper holding one
    array of records ({"version": 2, "data": [...]}), and JSON Lines under a .json name whose first line is
    broken (that line quarantined, the rest read). Expected counts written by hand from the files."""
    (tmp_path / "pretty.json").write_text(json.dumps({"text": "one pretty printed ticket", "id": "0042"}, indent=2))
    (tmp_path / "wrap.json").write_text(json.dumps(
        {"version": 2, "data": [{"text": "first wrapped row"}, {"text": "second wrapped row", "id": "007"}]}, indent=1))
    (tmp_path / "lines.json").write_text('{"text": "broken first line"\n'
                                         '{"text": "good second"}\n{"text": "good third"}\n')
    names = ("pretty.json", "wrap.json", "lines.json")
    got = {name: ingest_file(ws, tmp_path / name, IngestOptions()) for name in names}
    assert {k: (r.rows_read, r.ingested, r.quarantined) for k, r in got.items()} == {
        "pretty.json": (1, 1, 0), "wrap.json": (2, 2, 0), "lines.json": (3, 2, 1)}
    texts = sorted(r[0] for r in ws.con.execute("SELECT text FROM lake.documents").fetchall())
    assert texts == ["first wrapped row", "good second", "good third", "one pretty printed ticket",
                     "second wrapped row"]
    metas = {r[0]: json.loads(r[1]) for r in ws.con.execute("SELECT text, meta FROM lake.documents").fetchall()}
    assert metas["one pretty printed ticket"] == {"id": "0042"} and metas["second wrapped row"] == {"id": "007"}
