"""The task functions of the queue, registered on the huey instances by `register`.

`render_pdf` and `render_one` need no database: DOCX bytes in, PDF bytes out, so render
workers can run on other machines. `run_bulk` and `sweep` read and write the registry: they run
on the `jobs` queue, whose consumer runs where the database file is; `make_pdf` (the PDF of a
version just stored, e.g. registered) too, on a queue of its own so that it never waits behind
a bulk job.
"""

from __future__ import annotations

import datetime as dt
import shutil
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from huey import Huey, crontab
from huey.exceptions import HueyException, TaskException

from docgen.db import connect
from docgen.documents import bulk, pdfs
from docgen.errors import DocgenError
from docgen.jobs import state
from docgen.registry.excel import batches

if TYPE_CHECKING:
    from docgen.jobs.queue import Settings

# A PDF chunk not rendered by then is dropped from the queue (its job has failed meanwhile).
CHUNK_EXPIRES_SECONDS = 15 * 60


def render_pdf(docxs: list[bytes]) -> tuple[str, bytes]:
    """Lay out each DOCX on its own and write them as one PDF; who rendered it, and the PDF."""
    from docgen.rendering.pdf import docxs_to_pdf

    return state.worker_name(), docxs_to_pdf(docxs)


def render_one(docx: bytes) -> bytes:
    """The PDF of one DOCX, as the document's own download."""
    from docgen.rendering.pdf import docx_to_pdf

    return docx_to_pdf(docx)


def make_pdf(settings: Settings, render: pdfs.Render, version_id: int) -> None:
    """Make a version's pending PDF; nothing if it is made, failed, or taken by a live worker."""
    db = connect(settings.database)
    try:
        row = pdfs.row(db, version_id)
        if row is None or row["status"] != "pending":
            return
        if row["worker"] is not None and not state.worker_gone(
            row["worker"],
            row["started_at"],
            socket.gethostname(),
            dt.datetime.now(dt.UTC),
            state.PDF_STALE,
        ):
            return
        if pdfs.claim(db, version_id, state.worker_name(), row["worker"]):
            pdfs.make(db, version_id, render)
    finally:
        db.close()


def run_bulk(settings: Settings, submit: Callable[[list[bytes]], Any], job_id: int) -> None:
    """Run a queued bulk job to its end; nothing if it is not queued (idempotent)."""
    db = connect(settings.database)
    try:
        row = state.claim(db, job_id)
        if row is None:
            return
        tmp = settings.tmp_root / str(job_id)
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        try:
            with state.heartbeat(settings.database, job_id):
                bulk.run_job(db, row, tmp, submit)
        except DocgenError:
            pass  # recorded on the job row, which the page and the API show
        except Exception:
            # A defect: the job must still end, and the consumer logs the traceback.
            state.fail(db, job_id, "Внутренняя ошибка: задание не выполнено.")
            raise
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    finally:
        db.close()


@dataclass(frozen=True)
class Tasks:
    run_bulk: Callable[..., Any]
    render_pdf: Callable[..., Any]
    sweep: Callable[..., Any]
    make_pdf: Callable[..., Any]
    render_one: Callable[..., Any]
    run_import: Callable[..., Any]


def register(jobs: Huey, render: Huey, settings: Settings, files: Huey | None = None) -> Tasks:
    """The task functions bound to the queues and to the settings (`files`: the queue of
    make_pdf, the jobs queue if not given)."""
    render_task = render.task(name="render_pdf", expires=CHUNK_EXPIRES_SECONDS)(render_pdf)
    one_task = render.task(name="render_one", expires=CHUNK_EXPIRES_SECONDS)(render_one)
    wait = state.RENDER_WAIT.total_seconds()

    def render_waiting(docx: bytes) -> bytes:
        """One PDF from a render worker (another process, or another machine)."""
        try:
            return one_task(docx).get(blocking=True, timeout=wait)
        except TaskException as exc:
            raise pdfs.RenderFailed(
                f"ошибка при вёрстке ({exc.metadata.get('error') or 'неизвестна'}). "
                "Попробуйте ещё раз."
            ) from exc
        except HueyException as exc:
            raise pdfs.RenderFailed(
                f"обработчик PDF не ответил за {wait / 60:.0f} мин. Попробуйте ещё раз."
            ) from exc

    @(files or jobs).task(name="make_pdf")
    def pdf_task(version_id: int) -> None:
        make_pdf(settings, render_waiting, version_id)

    def submit(docxs: list[bytes]) -> Callable[[], tuple[str, bytes] | None]:
        result = render_task(docxs)
        return result.get

    @jobs.task(name="run_bulk")
    def bulk_task(job_id: int) -> None:
        run_bulk(settings, submit, job_id)

    @jobs.periodic_task(crontab(), name="sweep")
    def sweep() -> None:
        state.recover(settings.database, settings.tmp_root, bulk_task)
        state.recover_pdfs(settings.database, pdf_task)
        batches.recover(settings.database)  # an import whose process was still dying at start

    @jobs.task(name="run_import")
    def import_task(import_id: int) -> None:
        from docgen.jobs import imports

        imports.run(settings.database, import_id)

    return Tasks(bulk_task, render_task, sweep, pdf_task, one_task, import_task)
