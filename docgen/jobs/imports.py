"""An Excel import as a job: run in a child process with a time and a memory limit.

The job (on the `jobs` queue, where the database is) starts `python -m docgen.jobs.imports`,
which dies with its parent like the render workers (children.die_with_parent) and runs under an
address-space limit like the variants' sandbox; the job kills it at the time limit. Whatever
the child committed is taken back from the import's undo log (registry/excel/batches), and the
import ends failed with a message that says which limit it hit.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from dataclasses import dataclass

from docgen.accounts import audit
from docgen.db import connect
from docgen.jobs import children
from docgen.registry.excel import batches, importing
from docgen.rendering import sandbox

MB = 1024 * 1024
OUT_OF_MEMORY = 3


@dataclass(frozen=True)
class Limits:
    """What one import may take (app config IMPORT_SECONDS, IMPORT_MEMORY_MB)."""

    seconds: float = 300.0
    memory_mb: int = 1024


def too_long(limits: Limits) -> str:
    return (
        f"Импорт не уложился в {limits.seconds:g} с — разделите файл на части. Ничего не записано."
    )


def too_big(limits: Limits) -> str:
    return (
        f"Импорту не хватило {limits.memory_mb} МБ памяти — разделите файл на части. "
        "Ничего не записано."
    )


def run(database: str, import_id: int) -> None:
    """Run a queued import in a child process within its limits; idempotent."""
    db = connect(database)
    try:
        row = batches.get(db, import_id)
        if row is None or row["status"] != "queued":
            return
        limits = Limits(
            Limits.seconds if row["seconds"] is None else row["seconds"],
            Limits.memory_mb if row["memory_mb"] is None else row["memory_mb"],
        )
        child = subprocess.Popen(
            [sys.executable, "-m", "docgen.jobs.imports", database, str(import_id)]
            + [str(limits.memory_mb), str(os.getpid())],
            close_fds=True,
        )
        timed_out = False
        try:
            child.wait(limits.seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            child.kill()
            child.wait()
        row = batches.get(db, import_id)
        if row["status"] == "done" and json.loads(row["report_json"])["written"]:
            audit.record(
                db, row["user_id"], "import", "organisation", row["org_id"], row["filename"]
            )
        message = None
        if timed_out:
            message = too_long(limits)
        elif child.returncode == OUT_OF_MEMORY:
            message = too_big(limits)
        if row["status"] in ("queued", "running"):
            batches.undo(db, import_id)
            batches.fail(db, import_id, message or batches.INTERRUPTED)
        elif message and row["status"] == "failed":
            with db.conn:
                db.execute("UPDATE imports SET message = ? WHERE id = ?", [message, import_id])
    finally:
        db.close()


def _main(argv: list[str]) -> None:
    database, import_id, memory_mb, parent = argv[1], int(argv[2]), int(argv[3]), int(argv[4])
    children.die_with_parent(parent)
    # The database is opened first: SQLite maps its WAL index then, and a connection that
    # cannot map it fails with «disk I/O error» instead of the import meeting its limit.
    db = connect(database)
    limit = sandbox._vm_bytes() + memory_mb * MB
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        importing.run_queued(db, import_id)
    except MemoryError:
        os._exit(OUT_OF_MEMORY)
    finally:
        db.close()


if __name__ == "__main__":
    from docgen.jobs import imports as _module

    _module._main(sys.argv)
