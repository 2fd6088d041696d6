"""Connections a web thread keeps between requests, and the writers' gate beside the file."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading

import pytest

from docgen import db as database
from docgen.db import connect, migrate, release, thread_connection, transaction


def _count(path) -> int:
    other = connect(path)
    try:
        return other.execute("SELECT COUNT(*) FROM _migrations").fetchone()[0]
    finally:
        other.close()


def test_a_thread_reuses_its_connection_and_another_thread_gets_its_own(db, db_path):
    mine = thread_connection(db_path)
    assert thread_connection(db_path) is mine
    theirs: list = []
    worker = threading.Thread(target=lambda: theirs.append(thread_connection(db_path)))
    worker.start()
    worker.join()
    assert theirs[0] is not mine
    # sqlite3's own guard stays on: a connection is never used by two threads.
    with pytest.raises(sqlite3.ProgrammingError):
        theirs[0].execute("SELECT 1")


def test_a_transaction_left_open_is_rolled_back_at_release(db, db_path):
    before = _count(db_path)
    mine = thread_connection(db_path)
    mine.conn.execute("BEGIN")
    mine.conn.execute("INSERT INTO _migrations (name, applied_at) VALUES ('x', 'now')")
    release(mine)
    again = thread_connection(db_path)
    assert not again.conn.in_transaction
    assert _count(db_path) == before


def test_a_new_file_at_the_same_path_is_opened_anew(db_path):
    first = thread_connection(db_path)
    first.execute("CREATE TABLE old (x)")
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{db_path}{suffix}")
    sqlite3.connect(db_path).execute("CREATE TABLE new (x)").connection.close()
    second = thread_connection(db_path)
    assert second is not first
    assert second.table_names() == ["new"]


def test_a_thread_keeps_only_its_last_few_files_open(tmp_path):
    paths = [tmp_path / f"{i}.db" for i in range(database.THREAD_CONNECTIONS + 1)]
    opened = [thread_connection(path) for path in paths]
    with pytest.raises(sqlite3.ProgrammingError):  # the oldest was closed
        opened[0].execute("SELECT 1")
    for kept in opened[1:]:
        assert kept.execute("SELECT 1").fetchone() == (1,)
        kept.close()


HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(600)
"""


def test_the_gate_of_a_killed_process_does_not_block_writers(db, db_path):
    """The lock file is only an optimisation: a writer that died holding it leaves nothing."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, f"{db_path}-writer.lock"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        holder.stdout.close()
    with transaction(db):
        db.execute("INSERT INTO _migrations (name, applied_at) VALUES ('after', 'now')")
    assert db.execute("SELECT COUNT(*) FROM _migrations WHERE name = 'after'").fetchone()[0] == 1


def test_writers_of_several_connections_and_threads_all_commit(db, db_path):
    def write(i: int) -> None:
        own = connect(db_path)
        try:
            for j in range(20):
                with transaction(own):
                    own.execute(
                        "INSERT INTO _migrations (name, applied_at) VALUES (?, 'now')",
                        [f"w{i}-{j}"],
                    )
        finally:
            own.close()

    threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    names = [r[0] for r in db.execute("SELECT name FROM _migrations WHERE name LIKE 'w%'")]
    assert sorted(names) == sorted(f"w{i}-{j}" for i in range(6) for j in range(20))
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    migrate(db)  # nested use of the gate by the same thread: still fine


def test_the_gates_of_closed_connections_leave_no_open_files(tmp_path):
    """Each test (and each instance folder) has its own database file: the gate of a file
    is let go with the last connection to it, not kept open for the life of the process."""

    def open_files() -> int:
        return len(os.listdir("/proc/self/fd"))

    def one(i: int) -> None:
        own = connect(tmp_path / f"{i}.db")
        with transaction(own):
            own.execute("CREATE TABLE t (x)")
        own.close()

    one(0)
    before = open_files()
    for i in range(1, 40):
        one(i)
    assert open_files() <= before


def test_a_select_reads_rows_as_sqlite_utils_does_and_other_statements_keep_its_guard(db):
    db.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    db.execute("INSERT INTO t VALUES (1, 'x'), (2, 'y')")
    rows = list(db.query("  select a, b, a FROM t WHERE a > ? ORDER BY a", [0]))
    assert rows == [{"a": 1, "b": "x", "a_2": 1}, {"a": 2, "b": "y", "a_2": 2}]
    assert list(db.query("SELECT b FROM t WHERE a = :a", {"a": 2})) == [{"b": "y"}]
    # A statement that returns no rows is refused and undone, as sqlite_utils does.
    with pytest.raises(ValueError):
        db.query("UPDATE t SET b = 'z'")
    assert [r["b"] for r in db.query("SELECT b FROM t ORDER BY a")] == ["x", "y"]
    # A write that returns rows still commits through sqlite_utils' own guard.
    assert list(db.query("INSERT INTO t VALUES (3, 'w') RETURNING a")) == [{"a": 3}]
    assert (
        connect(db.conn.execute("PRAGMA database_list").fetchone()[2])
        .execute("SELECT COUNT(*) FROM t")
        .fetchone()[0]
        == 3
    )
