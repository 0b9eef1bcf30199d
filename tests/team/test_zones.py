"""Raw zone apart, on a real PostgreSQL server with two database roles.

A steward (raw zone) ingests, snapshots, audits and approves; an engineer (curated zone, a role with no
privilege on the raw schema) trains and exports the approved snapshot, and gets a one-line error (exit 5)
for anything that needs raw records — also when it points its workspace at the raw zone itself, and also
when it bypasses curate and asks PostgreSQL or DuckLake directly.
"""

from __future__ import annotations

import os
import subprocess
import sys

import duckdb
import pyarrow as pa
import pytest

from curate.errors import OperationalError, PolicyError
from tests.conftest import write_jsonl


def _role(server, db, name, password):
    import psycopg

    with psycopg.connect(host=server["host"], port=server["port"], user=server["user"],
                         password=server["password"], dbname=db, autocommit=True) as conn:
        conn.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")


def _admin_sql(server, db, statements):
    import psycopg

    with psycopg.connect(host=server["host"], port=server["port"], user=server["user"],
                         password=server["password"], dbname=db, autocommit=True) as conn:
        for s in statements:
            conn.execute(s)


def _member(tmp_path, name, url, user, password, zone, shared):
    from curate import Workspace

    root = tmp_path / name
    (root / "secrets").mkdir(parents=True)
    pw = root / "secrets" / "catalog.password"
    pw.write_text(password)
    pw.chmod(0o600)
    return Workspace.init(root, catalog=url.replace(f"//{url.split('//')[1].split('@')[0]}@", f"//{user}@"),
                          shared_data_path=shared, zone=zone)


def _cli(*args):
    env = {k: v for k, v in os.environ.items() if k != "CURATE_CATALOG_PASSWORD"}
    return subprocess.run([sys.executable, "-m", "curate.cli.main", *map(str, args)], capture_output=True,
                          text=True, timeout=300, env=env)


@pytest.fixture
def zones(tmp_path, pg_server, pg_database, monkeypatch):
    from curate.team.zones import grant_statements

    monkeypatch.delenv("CURATE_CATALOG_PASSWORD", raising=False)
    db = pg_database.rsplit("/", 1)[1]
    # roles belong to the whole server (one per session): names of their own per test
    s_role, e_role = f"steward_{db[-8:]}", f"engineer_{db[-8:]}"
    _role(pg_server, db, s_role, "steward-pw-1")
    _role(pg_server, db, e_role, "engineer-pw-1")
    _admin_sql(pg_server, db, grant_statements([s_role], [e_role]))
    shared = tmp_path / "shared"
    steward = _member(tmp_path, "steward", pg_database, s_role, "steward-pw-1", "raw", shared)
    rows = [{"instruction": "Classify the ticket.", "input": f"card {i} blocked", "output": "card"} for i in range(40)]
    steward.ingest([write_jsonl(tmp_path / "t.jsonl", rows)])
    docs = steward.documents()
    # stand-in for the pii stage (tested in its package): these rows carry no PII, the variant equals the text
    pii = {"doc_id": docs.column("doc_id")}
    for f in ("text", "instruction", "input", "output", "messages", "meta"):
        pii[f"pii_{f}"] = docs.column(f)
    pii["pii_covered"] = pa.array([True] * docs.num_rows)
    steward.write_signal("pii", pa.table(pii))
    steward.write_signal("langid", pa.table({"doc_id": docs.column("doc_id"), "lang": ["en"] * docs.num_rows}))
    steward.create_snapshot("sft", text="anonymized")
    steward.create_snapshot("draft", text="anonymized")  # never approved: never published
    engineer = _member(tmp_path, "engineer", pg_database, e_role, "engineer-pw-1", "curated", shared)
    yield {"steward": steward, "engineer": engineer, "server": pg_server, "db": db, "tmp": tmp_path,
           "shared": shared, "engineer_role": e_role}
    steward.close()
    engineer.close()


def _audit_and_approve(ws, tmp_path, ref="sft@1", **gates):
    from curate.approvals import approve
    from curate.audit.runs import audit_snapshot
    from curate.audit.policy import AuditPolicy

    policy = AuditPolicy.model_validate({"name": "zones", "gates": gates or {"max_residual_pii": None}})
    result = audit_snapshot(ws, ref, policy, out_dir=tmp_path / f"audit-{len(os.listdir(tmp_path))}")
    if result.passed:
        approve(ws, ref, by="steward")
    return result


def test_engineer_exports_the_approved_snapshot_and_cannot_read_documents(zones):
    from curate.approvals import require_approved

    steward, engineer, tmp = zones["steward"], zones["engineer"], zones["tmp"]
    assert engineer.snapshots() == []  # nothing published before an approval
    assert _audit_and_approve(steward, tmp).passed
    refs = [m.ref for m in engineer.snapshots()]
    assert refs == ["sft@1"]  # the unapproved 'draft' stays in the raw zone
    assert engineer.snapshot("sft@1").table().num_rows == 40
    assert engineer.snapshot("sft@1").manifest.content_hash == steward.snapshot("sft@1").manifest.content_hash
    assert require_approved(engineer, "sft@1", "export")["state"] == "approved"
    info = engineer.export("sft@1", "jsonl", tmp / "export")
    assert sum(info["splits"].values()) == 40 if isinstance(info.get("splits"), dict) else True
    # raw records: a clear, one-line refusal (exit 5), through the API and the command line
    for read in (engineer.documents, lambda: engineer.count("quarantine"), lambda: engineer.view(),
                 lambda: engineer.read_signal("pii"), lambda: engineer.ingest([tmp / "t.jsonl"])):
        with pytest.raises(OperationalError, match="no access to raw records"):
            read()
    for args in (["quarantine"], ["snapshot", "create", "x"], ["ingest", tmp / "t.jsonl"]):
        res = _cli(*args, "-w", engineer.path)
        assert res.returncode == 5 and res.stderr.startswith("error: ") and res.stderr.count("\n") == 1, res.stderr
        assert "raw" in res.stderr and "Traceback" not in res.stderr
    st = _cli("status", "-w", engineer.path, "--json")
    assert st.returncode == 0 and "sft@1" in st.stdout


def test_the_database_refuses_the_raw_zone_to_the_engineer_role(zones):
    import json

    import psycopg

    engineer, server, db = zones["engineer"], zones["server"], zones["db"]
    # curate pointed at the raw zone with the engineer's credentials: refused by PostgreSQL, said in one line
    marker = engineer.path / "curate.json"
    spec = json.loads(marker.read_text())
    spec["catalog"]["zone"] = "raw"
    marker.write_text(json.dumps(spec))
    res = _cli("status", "-w", engineer.path)
    assert res.returncode == 5 and "no access to the raw zone" in res.stderr and res.stderr.count("\n") == 1, \
        res.stderr
    # around curate: PostgreSQL itself denies the schema, and DuckLake cannot load the catalog
    with psycopg.connect(host=server["host"], port=server["port"], user=zones["engineer_role"],
                         password="engineer-pw-1",
                         dbname=db) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT count(*) FROM curate_raw.ducklake_table").fetchone()
    import duckdb_ext

    con = duckdb.connect(config={"extension_directory": duckdb_ext.get_extension_dir(),
                                 "autoinstall_known_extensions": False, "autoload_known_extensions": False})
    con.execute("LOAD ducklake; LOAD postgres")
    con.execute(f"CREATE TEMPORARY SECRET s (TYPE postgres, HOST '{server['host']}', PORT {server['port']}, "
                f"DATABASE '{db}', USER '{zones['engineer_role']}', PASSWORD 'engineer-pw-1')")
    with pytest.raises(duckdb.Error):
        con.execute(f"ATTACH 'ducklake:postgres:dbname={db}' AS raw (DATA_PATH '{zones['shared']}/raw/', "
                    "METADATA_SCHEMA 'curate_raw', METADATA_PARAMETERS MAP {'SECRET': 's'})")
        con.execute("SELECT count(*) FROM raw.documents").fetchone()
    con.close()


def test_a_failed_audit_or_a_revoke_reaches_the_curated_zone(zones):
    from curate.approvals import approve, require_approved

    steward, engineer, tmp = zones["steward"], zones["engineer"], zones["tmp"]
    assert _audit_and_approve(steward, tmp).passed
    assert require_approved(engineer, "sft@1", "training")["state"] == "approved"
    assert not _audit_and_approve(steward, tmp, required_languages=["ta"]).passed
    with pytest.raises(PolicyError, match="training refused: snapshot sft@1 failed its latest audit"):
        require_approved(engineer, "sft@1", "training")
    assert _audit_and_approve(steward, tmp).passed
    approve(steward, "sft@1", by="steward", revoke=True)
    with pytest.raises(PolicyError, match="had its approval revoked"):
        require_approved(engineer, "sft@1", "training")


def test_engineer_trains_on_the_approved_snapshot(zones, tmp_path):
    from tests.train.sft_kit import fast_config, make_rows, tiny_model
    from train.runs import get_run, train_on_snapshot

    steward, engineer, tmp = zones["steward"], zones["engineer"], zones["tmp"]
    assert _audit_and_approve(steward, tmp).passed
    base = tiny_model(tmp_path / "base", make_rows())
    run = train_on_snapshot(engineer, "sft@1", str(base), tmp_path / "runs" / "eng", fast_config(max_steps=1),
                            progress=False)
    assert run["status"] == "completed" and run["pii_override"] is False
    assert get_run(engineer, "eng")["snapshot_ref"] == "sft@1"
    assert any(e["kind"] == "run" and e["parent"] == "sft@1" for e in engineer.lineage("eng"))
