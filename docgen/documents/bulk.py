"""Bulk generation: one document per person or pair, as a ZIP of DOCX and one merged PDF.

Memory stays flat whatever the count: each DOCX is written into a zip on disk as soon as it
is rendered; PDFs are made by worker processes in chunks (each document rendered on its own,
so its page numbers start again, then the chunk merged into a temp file) and the chunks are
merged into one file on disk; both files go into the archive's files table through SQLite's
incremental blob I/O, never as one bytes object. Progress is reported through a callback and
the `bulk_jobs` row, which a page can poll.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import gc
import hashlib
import json
import multiprocessing
import os
import shutil
import sqlite3
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils
from marshmallow import ValidationError

from docgen.accounts import audit
from docgen.db import connect, now_iso, transaction
from docgen.documents import archive, compose
from docgen.documents import service as documents
from docgen.errors import DocgenError, FieldErrors, NotFound, field_paths
from docgen.kinds import catalog
from docgen.registry import organisations
from docgen.rendering import context as ctx

ZIP_MIME = "application/zip"
CHUNK = 50
MAX_ITEMS = 5000
# (done, total, phase) with phase 'docx' or 'pdf'.
Progress = Callable[[int, int, str], None]


@dataclass
class BulkResult:
    job_id: int | None
    count: int
    zip_sha256: str | None
    pdf_sha256: str | None
    errors: list[str] = field(default_factory=list)
    seconds_docx: float = 0.0
    seconds_pdf: float = 0.0


# --- items ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """A bulk action a school starts with one button (a kind's `bulk`, see the catalog)."""

    kind: str
    title: str
    items: Callable[[sqlite_utils.Database, int, dt.date, Mapping[str, Any]], list[dict]]
    common: Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]


ACTIONS = {
    kind.bulk.code: Action(kind.slug, kind.bulk.title, kind.bulk.items, kind.bulk.common)
    for kind in catalog.KINDS
    if kind.bulk is not None
}


def start(
    db_path: str,
    user: Mapping[str, Any],
    action_code: str,
    org_id: int,
    on: dt.date,
    choices: Mapping[str, Any] | None = None,
) -> int:
    """Start a bulk action in the background; returns the job to poll with get_job."""
    action = ACTIONS.get(action_code)
    if action is None:
        raise NotFound("Нет такого массового действия.")
    db = connect(db_path)
    try:
        kind = catalog.get(action.kind)
        documents.require_create(db, user, kind, org_id)
        items = action.items(db, org_id, on, action.common(choices or {}, kind.sample()))
        if not items:
            message = "Формировать нечего: у всех участников документы уже есть."
            raise FieldErrors(message, fields={"action": [message]})
        job_id = start_job(db, org_id, kind.slug, len(items), user.get("id"))
    finally:
        db.conn.close()
    worker = threading.Thread(
        target=_run, args=(db_path, dict(user), kind.slug, items, on, org_id, job_id), daemon=True
    )
    worker.start()
    return job_id


def _run(
    db_path: str,
    user: dict,
    kind_slug: str,
    items: list[dict],
    on: dt.date,
    org_id: int,
    job_id: int,
) -> None:
    db = connect(db_path)
    try:
        generate(db, user, kind_slug, items, on=on, org_id=org_id, job_id=job_id)
    except DocgenError:
        pass  # recorded on the job row, which the page shows
    finally:
        db.conn.close()


def start_job(
    db: sqlite_utils.Database, org_id: int, kind: str, total: int, user_id: int | None
) -> int:
    with transaction(db):
        return (
            db["bulk_jobs"]
            .insert(
                {
                    "org_id": org_id,
                    "kind": kind,
                    "status": "running",
                    "phase": "docx",
                    "total": total,
                    "done": 0,
                    "created_by": user_id,
                    "created_at": now_iso(),
                }
            )
            .last_pk
        )


def get_job(db: sqlite_utils.Database, job_id: int, org_id: int | None = None) -> dict[str, Any]:
    """A job with its progress; `errors` parsed."""
    row = next(db.query("SELECT * FROM bulk_jobs WHERE id = ?", [job_id]), None)
    if row is None or (org_id is not None and row["org_id"] != org_id):
        raise NotFound("Задание массовой генерации не найдено")
    return {**row, "errors": json.loads(row["errors_json"] or "[]")}


def _update_job(db: sqlite_utils.Database, job_id: int | None, **values: Any) -> None:
    if job_id is None:
        return
    with transaction(db):
        db["bulk_jobs"].update(job_id, values)


# --- rendering ------------------------------------------------------------------------------


def _item_name(values: Mapping[str, Any], schema_fields: Iterable[str]) -> str:
    """The first person of the document, «Савченко Д.А.», to name its file."""
    for name in schema_fields:
        value = values.get(name)
        if isinstance(value, Mapping):
            value = value.get("person")
        if isinstance(value, ctx.Person) and value.surname:
            return value.short()
    return ""


def _safe(text: str) -> str:
    text = text.replace("\u00a0", " ")
    return "".join(ch for ch in text if ch.isalnum() or ch in " .-_«»")[:80].strip()


def _pdf_chunk(args: tuple[list[bytes], str]) -> tuple[str, int]:
    """Worker: lay out each DOCX of a chunk on its own and write them as one PDF file."""
    from docgen.rendering.pdf import docxs_to_pdf

    docxs, path = args
    with open(path, "wb") as out:
        out.write(docxs_to_pdf(docxs))
    return path, len(docxs)


def _merge(paths: list[str], target: Path) -> None:
    """The chunk PDFs as one file. pypdf holds the merged page tree (about twice the PDF's
    size) in reference cycles: they are collected at once rather than whenever gc runs."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for path in paths:
        writer.append(path)
    with open(target, "wb") as out:
        writer.write(out)
    del writer
    gc.collect()


def _store_file(db: sqlite_utils.Database, path: Path, mime: str) -> str:
    """Put a file from disk into the archive in 1 MB pieces (incremental blob I/O)."""
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as src:
        while piece := src.read(1 << 20):
            digest.update(piece)
            size += len(piece)
    sha = digest.hexdigest()
    if size == 0:
        raise FieldErrors("Файл пуст", fields={"file": ["Файл: пустой файл"]})
    conn: sqlite3.Connection = db.conn
    with transaction(db):
        cursor = conn.execute(
            "INSERT OR IGNORE INTO files (sha256, content, size, mime) VALUES (?, zeroblob(?), ?, ?)",
            [sha, size, size, mime],
        )
        if cursor.rowcount:
            rowid = conn.execute("SELECT rowid FROM files WHERE sha256 = ?", [sha]).fetchone()[0]
            with conn.blobopen("files", "content", rowid) as blob, open(path, "rb") as src:
                while piece := src.read(1 << 20):
                    blob.write(piece)
    return sha


def _workers() -> int:
    return max(1, min(os.cpu_count() or 1, 4))


def generate(
    db: sqlite_utils.Database,
    user: Mapping[str, Any],
    kind_slug: str,
    items: list[Mapping[str, Any]],
    *,
    on: dt.date,
    org_id: int | None = None,
    pdf: bool = True,
    progress: Progress | None = None,
    job_id: int | None = None,
    workers: int | None = None,
) -> BulkResult:
    """One document of `kind_slug` per item, as a ZIP of DOCX and (if `pdf`) one merged PDF.

    Items that fail (bad input, a person who withdrew consent) are skipped and reported by
    number and reason; the rest are generated. Both files are stored in the archive and
    recorded on the `bulk_jobs` row (created if `job_id` is None).
    """
    org_id = org_id if org_id is not None else user.get("org_id")
    kind = catalog.get(kind_slug)
    documents.require_create(db, user, kind, org_id)
    if not items:
        raise FieldErrors("Нет ни одного документа для формирования.", fields={"items": ["Пусто."]})
    if len(items) > MAX_ITEMS:
        raise FieldErrors(
            f"Не больше {MAX_ITEMS} документов за раз.", fields={"items": ["Слишком много."]}
        )
    organisation = organisations.get_organisation(db, org_id)
    template = documents.variant(db, kind, org_id)
    resolve = documents.resolver(db, org_id, on)
    schema = kind.form
    schema_fields = list(schema.fields)
    if job_id is None:
        job_id = start_job(db, org_id, kind.slug, len(items), user.get("id"))
    total = len(items)
    errors: list[str] = []
    tmp = Path(tempfile.mkdtemp(prefix="docgen-bulk-"))
    try:
        started = time.perf_counter()
        zip_path = tmp / "documents.zip"
        chunks: list[list[bytes]] = [[]]
        pool = None
        futures: list[cf.Future] = []
        pdf_done = 0
        if pdf:
            pool = cf.ProcessPoolExecutor(
                max_workers=workers or _workers(),
                mp_context=multiprocessing.get_context("spawn"),
            )
        count = 0
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_STORED) as package:
            for index, payload in enumerate(items, start=1):
                try:
                    data = _validate(schema, payload)
                    values = compose.build_context(
                        kind,
                        data,
                        organisation=organisation,
                        resolve=resolve,
                        sources=compose.Sources(db, org_id, on),
                        today=on,
                    )
                    docx = compose.render_docx(kind, values, template)
                except DocgenError as err:
                    errors.append(f"Документ {index}: {_explain(schema, err)}")
                    continue
                count += 1
                name = _safe(_item_name(values, schema_fields))
                package.writestr(f"{count:04d} {name}.docx".replace("  ", " "), docx)
                if pool is not None:
                    chunks[-1].append(docx)
                    if len(chunks[-1]) == CHUNK:
                        futures.append(_submit(pool, chunks.pop(), tmp, len(futures)))
                        chunks.append([])
                        # Bounded: rendering waits for the workers instead of piling up DOCX.
                        _wait_below(futures, 2 * (workers or _workers()))
                if index % 25 == 0 or index == total:
                    _report(db, job_id, progress, index, total, "docx")
        seconds_docx = time.perf_counter() - started
        if count == 0:
            raise FieldErrors(
                "Ни один документ не сформирован: " + "; ".join(errors[:5]),
                fields={"items": errors},
            )
        zip_sha = _store_file(db, zip_path, ZIP_MIME)
        pdf_sha = None
        if pool is not None:
            try:
                if chunks[-1]:
                    futures.append(_submit(pool, chunks.pop(), tmp, len(futures)))
                for future in cf.as_completed(list(futures)):
                    future.result()
                    pdf_done += 1
                    _report(db, job_id, progress, min(pdf_done * CHUNK, count), count, "pdf")
            finally:
                pool.shutdown()
            ordered = sorted(str(p) for p in tmp.glob("chunk-*.pdf"))
            merged = tmp / "documents.pdf"
            _merge(ordered, merged)
            pdf_sha = _store_file(db, merged, archive.PDF_MIME)
        seconds_pdf = time.perf_counter() - started - seconds_docx
        _update_job(
            db,
            job_id,
            status="done",
            phase="done",
            # The PDF phase counted the documents made, not the items asked for: end on the
            # same total (it was «31 done of 27» when 4 of 31 items were refused).
            done=count,
            total=count,
            zip_sha256=zip_sha,
            pdf_sha256=pdf_sha,
            errors_json=json.dumps(errors, ensure_ascii=False),
            finished_at=now_iso(),
        )
        audit.record(db, user.get("id"), "bulk", "bulk_job", job_id, f"{kind.slug}: {count}")
        return BulkResult(job_id, count, zip_sha, pdf_sha, errors, seconds_docx, seconds_pdf)
    except BaseException as err:
        message = err.message if isinstance(err, DocgenError) else "Внутренняя ошибка"
        _update_job(
            db,
            job_id,
            status="failed",
            errors_json=json.dumps(errors + [message], ensure_ascii=False),
            finished_at=now_iso(),
        )
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _validate(schema: Any, payload: Any) -> dict[str, Any]:
    """compose.validate with a schema built once."""
    if not isinstance(payload, Mapping):
        raise FieldErrors(
            "Ожидается объект с полями формы.", fields={"_schema": ["Ожидается объект."]}
        )
    try:
        return schema.load(payload)
    except ValidationError as err:
        raise FieldErrors("Исправьте ошибки в полях формы.", fields=err.messages) from err


def _explain(schema: Any, err: DocgenError) -> str:
    """The error with each field named by its Russian title: «Адрес субъекта: Обязательное поле.»."""
    details = []
    for name, messages in err.fields.items():
        schema_field = schema.fields.get(name)
        title = schema_field.metadata.get("title") if schema_field is not None else None
        text = " ".join(m for ms in field_paths(messages).values() for m in ms)
        details.append(f"{title}: {text}" if title and not text.startswith(title) else text)
    if not details:
        return err.message
    return f"{err.message} ({'; '.join(details)})"


def _submit(pool: cf.ProcessPoolExecutor, docxs: list[bytes], tmp: Path, n: int) -> cf.Future:
    return pool.submit(_pdf_chunk, (docxs, str(tmp / f"chunk-{n:05d}.pdf")))


def _wait_below(futures: list[cf.Future], limit: int) -> None:
    """Wait until at most `limit` chunks are in flight."""
    pending = [f for f in futures if not f.done()]
    if len(pending) > limit:
        cf.wait(pending, return_when=cf.FIRST_COMPLETED)


def _report(
    db: sqlite_utils.Database,
    job_id: int | None,
    progress: Progress | None,
    done: int,
    total: int,
    phase: str,
) -> None:
    done = min(done, total)  # progress never counts past its total
    _update_job(db, job_id, done=done, total=total, phase=phase)
    if progress is not None:
        progress(done, total, phase)
