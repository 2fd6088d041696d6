"""Bulk jobs run by the job queue: what to do, who runs it, and when it was last seen alive."""

from __future__ import annotations

import sqlite_utils


def apply(db: sqlite_utils.Database) -> None:
    """The job's input (to run it again after a crash), its worker, heartbeat and message.

    Jobs left running by the threads of earlier versions died with their process: they are
    marked failed here, since nothing will ever finish them.
    """
    jobs = db["bulk_jobs"]
    jobs.add_column("input_json", str)
    jobs.add_column("worker", str)
    jobs.add_column("heartbeat_at", str)
    jobs.add_column("started_at", str)
    jobs.add_column("attempts", int, not_null_default=0)
    jobs.add_column("message", str)
    jobs.add_column("renderers", str)
    db.execute(
        "UPDATE bulk_jobs SET status = 'failed', message = ? WHERE status = 'running'",
        ["Задание прервано: сервер был перезапущен. Запустите его снова."],
    )
    jobs.create_index(["status"])
