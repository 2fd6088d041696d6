"""Short write transactions for an import, the undo log on disk that takes them back, and the
record of every import (m011) that lets the next process finish what a crash interrupted.

An import must not hold the database's lock for its whole run (other schools' writers would
wait) and must still be all or nothing for the user, a crash included: rows are committed in
batches of at most `BATCH_SECONDS`, and temporary triggers write the inverse of every write into
`import_undo` in the same transaction. So the log always holds exactly what the import has
committed: a failed import replays it backwards, and an import whose process died (kill -9, a
limit, a power cut) is replayed by `recover` when a process starts next (init-db, the job
consumer). Until then, and while an import runs, other readers may see its rows.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from typing import Any

import sqlite_utils

from docgen import processes
from docgen.db import connect, is_locked_error, now_iso, transaction

# How long one write transaction of an import may hold the database's lock (the environment's
# DOCGEN_IMPORT_BATCH_SECONDS, read here because the import runs in its own child process).
BATCH_SECONDS = float(os.environ.get("DOCGEN_IMPORT_BATCH_SECONDS") or 0.2)
# The tables an import writes (through the registry's own functions); the undo log covers them.
WRITTEN_TABLES = ("people", "consents", "mentoring_groups", "group_mentees")
# A running import on another host whose heartbeat is older than this has lost its process.
STALE = dt.timedelta(minutes=2)
# A queued import not started this long after it was (last) queued is queued again.
LOST_IN_QUEUE = dt.timedelta(minutes=10)
INTERRUPTED = (
    "Импорт прерван: процесс, который его выполнял, остановился. Ничего не записано — "
    "загрузите файл снова."
)
FAILED = "Внутренняя ошибка: импорт не выполнен, ничего не записано."


def worker_name() -> str:
    """This process as the one running an import: «host:pid»."""
    return f"{socket.gethostname()}:{os.getpid()}"


# --- the record of an import ---------------------------------------------------------------


def create(
    db: sqlite_utils.Database,
    org_id: int,
    *,
    status: str = "running",
    content: bytes | None = None,
    user_id: int | None = None,
    filename: str = "",
    valid_rows_only: bool = False,
    on: dt.date | None = None,
    seconds: float | None = None,
    memory_mb: int | None = None,
) -> int:
    """A new import's row: `running` for this process, or `queued` with the upload and the
    limits of the job that will run it."""
    running = status == "running"
    with transaction(db):
        return db.execute(
            "INSERT INTO imports (org_id, user_id, filename, valid_rows_only, on_date, seconds,"
            " memory_mb, status, content, worker, heartbeat_at, created_at, started_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                org_id,
                user_id,
                filename,
                int(valid_rows_only),
                on.isoformat() if on else None,
                seconds,
                memory_mb,
                status,
                content,
                worker_name() if running else None,
                now_iso(),
                now_iso(),
                now_iso() if running else None,
            ],
        ).lastrowid


def claim(db: sqlite_utils.Database, import_id: int) -> dict[str, Any] | None:
    """Take a queued import for this process; None if it is not queued (idempotent jobs)."""
    with transaction(db):
        taken = db.execute(
            "UPDATE imports SET status = 'running', worker = ?, heartbeat_at = ?, started_at = ?"
            " WHERE id = ? AND status = 'queued'",
            [worker_name(), now_iso(), now_iso(), import_id],
        ).rowcount
    if not taken:
        return None
    return get(db, import_id)


def get(db: sqlite_utils.Database, import_id: int) -> dict[str, Any] | None:
    return next(db.query("SELECT * FROM imports WHERE id = ?", [import_id]), None)


def fail(db: sqlite_utils.Database, import_id: int, message: str) -> None:
    """End an import that wrote nothing (its log replayed) with a message for the user."""
    with transaction(db):
        db.execute(
            "UPDATE imports SET status = 'failed', message = ?, content = NULL, finished_at = ?"
            " WHERE id = ? AND status IN ('queued', 'running')",
            [message, now_iso(), import_id],
        )


# --- the undo log and short transactions -----------------------------------------------------


class Writer:
    """Short write transactions for an import, and the undo log that can take them back.

    Rows go through `row()`; the open transaction is committed between rows once it has held
    the lock for `seconds`. Temporary triggers (this connection's only) write the inverse SQL
    of every insert, update and delete on WRITTEN_TABLES into `import_undo`; a row's failed
    savepoint takes its log entries back with it. `finish` marks the import done and drops its
    log in the transaction of the last batch. Called inside a transaction the caller owns, the
    import cannot commit: it runs in one savepoint that `undo` rolls back, with no log at all.
    """

    def __init__(
        self, db: sqlite_utils.Database, import_id: int | None, seconds: float | None = None
    ):
        self.db = db
        self.conn = db.conn
        self.import_id = import_id
        self.seconds = BATCH_SECONDS if seconds is None else seconds
        self.nested = self.conn.in_transaction
        self.started = 0.0
        self.batches = 0

    def _triggers(self) -> list[str]:
        out = []
        for table in WRITTEN_TABLES:
            columns = [row[1] for row in self.conn.execute(f"PRAGMA main.table_info({table})")]
            values = " || ',' || ".join(f"quote(old.{c})" for c in columns)
            sets = " || ',' || ".join(f"'{c}=' || quote(old.{c})" for c in columns)
            names = ",".join(columns)
            log = f"INSERT INTO import_undo (import_id, statement) VALUES ({int(self.import_id)},"
            out += [
                f"CREATE TEMP TRIGGER _import_undo_{table}_i AFTER INSERT ON main.{table} "
                f"BEGIN {log} 'DELETE FROM {table} WHERE rowid = ' || new.rowid); END",
                f"CREATE TEMP TRIGGER _import_undo_{table}_u AFTER UPDATE ON main.{table} "
                f"BEGIN {log} 'UPDATE {table} SET ' || {sets} || "
                f"' WHERE rowid = ' || old.rowid); END",
                f"CREATE TEMP TRIGGER _import_undo_{table}_d AFTER DELETE ON main.{table} "
                f"BEGIN {log} 'INSERT INTO {table} (rowid,{names}) VALUES (' || "
                f"old.rowid || ',' || {values} || ')'); END",
            ]
        return out

    def __enter__(self) -> Writer:
        if self.nested:
            self.conn.execute("SAVEPOINT _import")
            return self
        if self.import_id is None:
            raise ValueError("an import outside a transaction needs its record (batches.create)")
        for sql in self._triggers():
            self.conn.execute(sql)
        return self

    def __exit__(self, kind: type | None, error: BaseException | None, *rest: object) -> None:
        if self.nested:
            if kind is not None:
                self.conn.execute("ROLLBACK TO SAVEPOINT _import")
            self.conn.execute("RELEASE SAVEPOINT _import")
            return
        self._drop_triggers()
        if kind is not None:
            # An unexpected error: its batch is rolled back, the batches before it undone.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            with contextlib.suppress(sqlite3.Error):  # else the next start's recover does it
                undo(self.db, self.import_id)
                message = getattr(error, "message", None) or FAILED
                fail(self.db, self.import_id, message)

    def _drop_triggers(self) -> None:
        for table in WRITTEN_TABLES:
            for suffix in ("i", "u", "d"):
                self.conn.execute(f"DROP TRIGGER IF EXISTS temp._import_undo_{table}_{suffix}")

    def _begin(self) -> None:
        begin(self.conn)
        self.started = time.monotonic()
        self.batches += 1
        # The heartbeat: a process on another host can tell this import is alive.
        self.conn.execute(
            "UPDATE imports SET heartbeat_at = ? WHERE id = ?", [now_iso(), self.import_id]
        )

    @contextlib.contextmanager
    def row(self) -> Iterator[None]:
        """A row's writes: inside an open batch, which is committed once it is long enough."""
        if not self.nested and not self.conn.in_transaction:
            self._begin()
        yield
        if not self.nested and time.monotonic() - self.started >= self.seconds:
            self.conn.execute("COMMIT")

    def finish(self, report_json: str, *, keep: bool = True) -> None:
        """Mark the import done with its report and drop its log, with the last batch; without
        `keep` the record goes too (nobody will look for it: the caller has the report)."""
        if self.nested:
            return
        if not self.conn.in_transaction:
            self._begin()
        try:
            self.conn.execute("DELETE FROM import_undo WHERE import_id = ?", [self.import_id])
            if keep:
                self.conn.execute(
                    "UPDATE imports SET status = 'done', report_json = ?, content = NULL,"
                    " finished_at = ? WHERE id = ?",
                    [report_json, now_iso(), self.import_id],
                )
            else:
                self.conn.execute("DELETE FROM imports WHERE id = ?", [self.import_id])
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def undo(self) -> None:
        """Take back every write of the import so far, newest first, in short transactions."""
        if self.nested:
            self.conn.execute("ROLLBACK TO SAVEPOINT _import")
            return
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")
        self._drop_triggers()  # the undo's own writes need no undo
        undo(self.db, self.import_id)


def begin(conn: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, waiting out other writers' short transactions."""
    for attempt in range(50):
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as err:
            if not is_locked_error(err) or attempt == 49:
                raise
            time.sleep(0.05)


def undo(db: sqlite_utils.Database, import_id: int, seconds: float | None = None) -> None:
    """Replay an import's log newest first, in transactions of at most `seconds`; each
    transaction deletes the entries it replayed, so an undo cut short resumes where it stopped."""
    conn = db.conn
    limit = BATCH_SECONDS if seconds is None else seconds
    while True:
        begin(conn)
        started = time.monotonic()
        try:
            while True:  # at least one chunk per transaction, however short
                entries = conn.execute(
                    "SELECT seq, statement FROM import_undo WHERE import_id = ?"
                    " ORDER BY seq DESC LIMIT 200",
                    [import_id],
                ).fetchall()
                if not entries:
                    break
                for _, statement in entries:
                    conn.execute(statement)
                conn.execute(
                    "DELETE FROM import_undo WHERE import_id = ? AND seq >= ?",
                    [import_id, entries[-1][0]],
                )
                if time.monotonic() - started >= limit:
                    break
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        if not entries:
            return


# --- after a crash ---------------------------------------------------------------------------


def _lost(row: dict[str, Any], host: str, now: dt.datetime) -> bool:
    """The process of a running import is gone: dead on this host, or silent elsewhere."""
    worker_host, _, pid = (row["worker"] or "").rpartition(":")
    if worker_host == host and pid.isdigit():
        return not processes.alive(int(pid))
    beat = row["heartbeat_at"] or row["started_at"] or row["created_at"]
    return now - dt.datetime.fromisoformat(beat) > STALE


def recover(
    db_path: str,
    *,
    host: str | None = None,
    now: dt.datetime | None = None,
    enqueue: Callable[[int], Any] | None = None,
) -> list[int]:
    """Take back every running import whose process is gone and mark it failed; the ids.

    The import is first taken over by this process (so two processes starting together do not
    both replay it); if this process dies too, the next one finishes the replay. With
    `enqueue`, a queued import the queue lost (not started LOST_IN_QUEUE after it was queued)
    is handed to it again; a copy still in the queue finds it taken and does nothing.
    """
    host = host or socket.gethostname()
    now = now or dt.datetime.now(dt.UTC)
    db = connect(db_path)
    undone = []
    try:
        if not db["imports"].exists():
            return []
        for row in list(db.query("SELECT * FROM imports WHERE status = 'running'")):
            if not _lost(row, host, now):
                continue
            with transaction(db):
                taken = db.execute(
                    "UPDATE imports SET worker = ?, heartbeat_at = ?"
                    " WHERE id = ? AND status = 'running' AND worker IS ?",
                    [worker_name(), now_iso(), row["id"], row["worker"]],
                ).rowcount
            if not taken:
                continue
            undo(db, row["id"])
            fail(db, row["id"], INTERRUPTED)
            undone.append(row["id"])
        if enqueue is not None:
            for row in list(db.query("SELECT * FROM imports WHERE status = 'queued'")):
                if now - dt.datetime.fromisoformat(row["heartbeat_at"]) > LOST_IN_QUEUE:
                    with transaction(db):
                        db.execute(
                            "UPDATE imports SET heartbeat_at = ? WHERE id = ?",
                            [now_iso(), row["id"]],
                        )
                    enqueue(row["id"])
    finally:
        db.close()
    return undone
