"""A bulk job's row as the queue sees it: claimed by one worker, kept alive by its heartbeat,
and recovered when that worker died (queued again once, then failed), never running forever."""

from __future__ import annotations

import contextlib
import datetime as dt
import shutil
import socket
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import sqlite_utils

from docgen import processes
from docgen.db import connect, now_iso, transaction
from docgen.documents import pdfs
from docgen.documents.pdfs import worker_name

# A running job whose heartbeat is older than this has lost its worker.
STALE = dt.timedelta(seconds=60)
HEARTBEAT_SECONDS = 5.0
# A job queued this long ago and not started is handed to the queue again.
LOST_IN_QUEUE = dt.timedelta(minutes=10)
# Runs of one job: the first, and one more after its worker died.
MAX_ATTEMPTS = 2
INTERRUPTED = "Задание прервано: сервер был перезапущен. Запустите его снова."
# A PDF render has no heartbeat: its worker waits at most RENDER_WAIT for the render queue.
RENDER_WAIT = dt.timedelta(minutes=10)
PDF_STALE = RENDER_WAIT + dt.timedelta(minutes=1)
# A pending PDF nobody took this long after it was asked for is handed to the queue again.
PDF_LOST_IN_QUEUE = dt.timedelta(minutes=2)


def claim(db: sqlite_utils.Database, job_id: int) -> dict[str, Any] | None:
    """Take a queued job for this process; None if it is done, failed or run by another."""
    with transaction(db):
        taken = db.execute(
            "UPDATE bulk_jobs SET status = 'running', phase = 'docx', done = 0, worker = ?,"
            " heartbeat_at = ?, started_at = ?, attempts = attempts + 1"
            " WHERE id = ? AND status = 'queued'",
            [worker_name(), now_iso(), now_iso(), job_id],
        ).rowcount
    if not taken:
        return None
    return next(db.query("SELECT * FROM bulk_jobs WHERE id = ?", [job_id]))


def fail(db: sqlite_utils.Database, job_id: int, message: str) -> None:
    """Mark this worker's running job failed with a message for the person who started it."""
    with transaction(db):
        db.execute(
            "UPDATE bulk_jobs SET status = 'failed', message = ?, input_json = NULL,"
            " finished_at = ? WHERE id = ? AND status = 'running' AND worker = ?",
            [message, now_iso(), job_id, worker_name()],
        )


def enqueued(db: sqlite_utils.Database, job_id: int) -> None:
    """Note when a queued job was last handed to the queue (in its heartbeat column)."""
    with transaction(db):
        db.execute(
            "UPDATE bulk_jobs SET heartbeat_at = ? WHERE id = ? AND status = 'queued'",
            [now_iso(), job_id],
        )


@contextlib.contextmanager
def heartbeat(db_path: str, job_id: int, every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Tell the others this job's worker is alive, from a thread of its own, while the block runs."""
    stop = threading.Event()
    me = worker_name()

    def beat() -> None:
        db = connect(db_path)
        try:
            while not stop.wait(every):
                try:
                    with transaction(db):
                        db.execute(
                            "UPDATE bulk_jobs SET heartbeat_at = ?"
                            " WHERE id = ? AND worker = ? AND status = 'running'",
                            [now_iso(), job_id, me],
                        )
                except sqlite3.OperationalError:
                    continue  # a long writer elsewhere: the next beat is in time (STALE ≫ every)
        finally:
            db.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def worker_gone(
    worker: str | None, since: str, host: str, now: dt.datetime, stale: dt.timedelta
) -> bool:
    """A worker «host:pid» is gone: a dead process on this host, or not seen since `stale`."""
    worker_host, _, pid = (worker or "").rpartition(":")
    if worker_host == host and pid.isdigit() and not processes.alive(int(pid)):
        return True
    return now - dt.datetime.fromisoformat(since) > stale


def _lost(row: dict[str, Any], host: str, now: dt.datetime) -> bool:
    """The worker of a running job is gone: a dead process on this host, or a stale heartbeat."""
    beat = row["heartbeat_at"] or row["started_at"] or row["created_at"]
    return worker_gone(row["worker"], beat, host, now, STALE)


def recover_pdfs(
    db_path: str,
    enqueue: Callable[[int], Any],
    *,
    host: str | None = None,
    now: dt.datetime | None = None,
    waited: dt.timedelta = PDF_LOST_IN_QUEUE,
) -> list[int]:
    """Queue again every pending PDF nobody is making: never taken for `waited` (lost with the
    queue, or its process died before queueing it), or taken by a worker that is gone."""
    host = host or socket.gethostname()
    now = now or dt.datetime.now(dt.UTC)
    db = connect(db_path)
    try:
        again = []
        for row in pdfs.pending(db):
            if row["worker"] is None:
                lost = now - dt.datetime.fromisoformat(row["requested_at"]) >= waited
            else:
                lost = worker_gone(row["worker"], row["started_at"], host, now, PDF_STALE)
            if lost:
                again.append(row["version_id"])
    finally:
        db.close()
    for version_id in again:
        enqueue(version_id)
    return again


def recover(
    db_path: str,
    tmp_root: Path,
    enqueue: Callable[[int], Any],
    *,
    host: str | None = None,
    now: dt.datetime | None = None,
) -> list[int]:
    """Queue again (once) or fail every running job whose worker is gone; remove the
    temporary files of every job that is finished. Returns the jobs queued again."""
    host = host or socket.gethostname()
    now = now or dt.datetime.now(dt.UTC)
    db = connect(db_path)
    requeued: list[int] = []
    try:
        for row in list(db.query("SELECT * FROM bulk_jobs WHERE status = 'running'")):
            if not _lost(row, host, now):
                continue
            again = row["attempts"] < MAX_ATTEMPTS and row["input_json"]
            with transaction(db):
                if again:
                    changes = {"status": "queued", "phase": "docx", "worker": None}
                    changes |= {"done": 0, "heartbeat_at": now_iso()}
                else:
                    changes = {"status": "failed", "message": INTERRUPTED, "input_json": None}
                    changes |= {"finished_at": now_iso()}
                # Only if no other sweeper got there first.
                sets = ", ".join(f"{key} = ?" for key in changes)
                taken = db.execute(
                    f"UPDATE bulk_jobs SET {sets} WHERE id = ? AND status = 'running'"
                    " AND worker IS ?",
                    [*changes.values(), row["id"], row["worker"]],
                ).rowcount
            shutil.rmtree(tmp_root / str(row["id"]), ignore_errors=True)
            if taken and again:
                requeued.append(row["id"])
                enqueue(row["id"])
        # A queued job lost by the queue (a Redis restarted without its data, a process that
        # died between writing the row and queueing it) is queued again; a copy that is
        # still in the queue finds the job taken and does nothing.
        for row in list(db.query("SELECT * FROM bulk_jobs WHERE status = 'queued'")):
            since = row["heartbeat_at"] or row["created_at"]
            if now - dt.datetime.fromisoformat(since) > LOST_IN_QUEUE:
                enqueued(db, row["id"])
                enqueue(row["id"])
        # A queued job's files went with its last run; a running one's are in use.
        alive = {
            row["id"]
            for row in db.query("SELECT id FROM bulk_jobs WHERE status IN ('queued', 'running')")
        }
    finally:
        db.close()
    if tmp_root.is_dir():
        for path in tmp_root.iterdir():
            if not (path.name.isdigit() and int(path.name) in alive):
                shutil.rmtree(path, ignore_errors=True)
    return requeued
