"""An Excel import killed with SIGKILL in the middle leaves nothing once a process starts next.

A real process imports a workbook in one-row batches and stops (blocked on its stdin) when it
is about to begin batch N+1, so N batches are committed; the test kills it there with SIGKILL,
sees the committed rows, then starts the application's init-db as an operator would and finds
the registry as it was, the import marked failed with a Russian message and its log empty.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from registry_factory import consent, department, person, school
from test_excel import PEOPLE_ROWS, fill, valid_file

from docgen import create_app
from docgen.db import connect
from docgen.registry.excel import batches, exporting, importing, sheets

ROOT = Path(__file__).resolve().parent.parent
BATCHES_BEFORE_KILL = 5

CHILD = textwrap.dedent(
    """
    import datetime as dt
    import sys

    from docgen.db import connect
    from docgen.registry.excel import batches, importing

    batches.BATCH_SECONDS = 0.0  # every row its own committed batch
    begin = batches.Writer._begin


    def stop_before_the_next_batch(writer):
        if writer.batches == int(sys.argv[4]):
            print("committed", flush=True)
            sys.stdin.read()  # the test kills this process here
        begin(writer)


    batches.Writer._begin = stop_before_the_next_batch
    db = connect(sys.argv[1])
    content = open(sys.argv[3], "rb").read()
    importing.import_workbook(db, int(sys.argv[2]), content, on=dt.date(2024, 9, 10))
    print("finished", flush=True)
    """
)


def registry_rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of the tables an import writes (people, consents, pairs and their mentees)."""
    conn = connect(path).conn
    try:
        return {
            table: conn.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
            for table in batches.WRITTEN_TABLES
        }
    finally:
        conn.close()


def kill_mid_import(
    tmp_path: Path, db_path: Path, org: int, content: bytes, after: int = BATCHES_BEFORE_KILL
) -> None:
    workbook = tmp_path / "реестр.xlsx"
    workbook.write_bytes(content)
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, str(script), str(db_path), str(org), str(workbook)] + [str(after)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "committed"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdin.close()
        child.stdout.close()


def test_an_import_killed_mid_way_is_taken_back_by_init_db(tmp_path, db, db_path):
    org = school(db, department(db))
    existing = person(db, org, "Чернова", "Наталья", "Викторовна", birth_date="1980-05-02")
    consent(db, existing, "2024-09-02")
    before = registry_rows(db_path)

    kill_mid_import(tmp_path, db_path, org, valid_file())

    # The kill came in the middle: rows of the import are committed, the record says running.
    assert registry_rows(db_path) != before
    record = next(db.query("SELECT * FROM imports"))
    assert record["status"] == "running"
    assert db["import_undo"].count >= BATCHES_BEFORE_KILL - 1

    app = create_app(
        {"TESTING": True, "DATABASE": str(db_path), "SECRET_KEY": "t"}
        | {"INSTANCE_PATH": str(tmp_path / "instance")}
    )
    result = app.test_cli_runner().invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert f"прерванный импорт № {record['id']} отменён" in result.output

    assert registry_rows(db_path) == before
    record = next(db.query("SELECT * FROM imports"))
    assert record["status"] == "failed" and record["message"] == batches.INTERRUPTED
    assert record["content"] is None
    assert db["import_undo"].count == 0
    # A second start finds nothing to do.
    assert batches.recover(str(db_path)) == []


def test_an_update_killed_mid_way_is_taken_back_too(tmp_path, db, db_path):
    """Rows the import changed (not only added) get their old values back."""
    org = school(db, department(db))
    rows = [list(row) for row in PEOPLE_ROWS]
    first = fill(exporting.blank_workbook(), {sheets.PEOPLE: rows})
    assert importing.import_workbook(db, org, first, on=dt.date(2024, 9, 10)).written
    before = registry_rows(db_path)
    for row in rows:
        row[6] = "новая должность"
    kill_mid_import(
        tmp_path, db_path, org, fill(exporting.blank_workbook(), {sheets.PEOPLE: rows}), after=2
    )
    assert registry_rows(db_path) != before
    assert len(batches.recover(str(db_path))) == 1
    assert registry_rows(db_path) == before


def test_an_import_of_a_live_process_is_left_alone(db, db_path):
    org = school(db, department(db))
    import_id = batches.create(db, org)
    assert batches.recover(str(db_path)) == []
    assert batches.get(db, import_id)["status"] == "running"


def test_a_queued_import_the_queue_lost_is_queued_again(db, db_path):
    org = school(db, department(db))
    import_id = batches.create(db, org, status="queued", content=valid_file())
    handed: list[int] = []
    soon = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=1)
    assert batches.recover(str(db_path), now=soon, enqueue=handed.append) == []
    assert handed == []
    later = dt.datetime.now(dt.UTC) + batches.LOST_IN_QUEUE + dt.timedelta(minutes=1)
    batches.recover(str(db_path), now=later, enqueue=handed.append)
    assert handed == [import_id]
    assert batches.get(db, import_id)["status"] == "queued"


def test_an_import_survives_kill_9_of_the_server(tmp_path):
    """The server is killed while its import job writes: the import's child process dies with
    it, and the restarted server takes the committed rows back and says why in Russian."""
    from jobs_support import demo_database, environment, session_processes, wait_for
    from liveserver import LiveServer, csrf
    from test_attack_server import large_workbook

    database = tmp_path / "docgen.sqlite"
    demo_database(database, extra=0)
    # every row in its own transaction: the import is still writing when the test looks
    env = environment(database, tmp_path / "instance", DOCGEN_IMPORT_BATCH_SECONDS="0")
    before = registry_rows(database)
    server = LiveServer(env, tmp_path / "server1.log")
    try:
        page = server.signed_in("curator")
        token = csrf(page.get(f"{server.url}/registry/import", timeout=60).text)
        answer = page.post(
            f"{server.url}/registry/import",
            data={"csrf_token": token},
            files={"file": ("реестр.xlsx", large_workbook(3000))},
            timeout=60,
        )
        assert 'id="import-running"' in answer.text, answer.text[:500]

        # The server is killed while this connection holds the write lock, between two of the
        # import's batches: it cannot finish first, however fast the machine.
        holder = sqlite3.connect(database, timeout=30, isolation_level=None)

        def midway() -> bool:
            holder.execute("BEGIN IMMEDIATE")
            (status,) = holder.execute("SELECT status FROM imports").fetchone()
            (logged,) = holder.execute("SELECT count(*) FROM import_undo").fetchone()
            assert status in ("queued", "running"), f"the import ended first: {status}"
            if status == "running" and logged:
                return True
            holder.execute("ROLLBACK")
            return False

        wait_for(midway, 120, "the import committed rows", every=0.02)
        server.kill()
        holder.execute("ROLLBACK")
        holder.close()
    finally:
        server.stop()
    wait_for(lambda: session_processes(server.process.pid) == [], 10, "no process left")
    assert registry_rows(database) != before

    again = LiveServer(env, tmp_path / "server2.log")  # its first request starts the consumer
    try:

        def ended() -> dict | None:
            row = next(connect(database).query("SELECT * FROM imports"))
            return row if row["status"] == "failed" else None

        row = wait_for(ended, 60, "the interrupted import is taken back")
        assert row["message"] == batches.INTERRUPTED
        assert registry_rows(database) == before
        page = again.signed_in("curator")
        shown = page.get(f"{again.url}/registry/import/{row['id']}", timeout=60)
        assert shown.status_code == 422 and "Импорт прерван" in shown.text
    finally:
        again.stop()
