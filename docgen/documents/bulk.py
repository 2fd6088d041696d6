"""Bulk generation: one document per person or pair, as a ZIP of DOCX and one merged PDF.

Memory stays flat whatever the count: each DOCX is written into a zip on disk as soon as it
is rendered; PDFs are made by the job queue's render workers in chunks (each document laid
out on its own, so its page numbers start again; the chunk comes back as one PDF, written to a
temp file) and the chunks are merged into one file on disk; both files go into the archive's files table through SQLite's
incremental blob I/O, never as one bytes object. Progress is reported through a callback and
the `bulk_jobs` row, which a page can poll.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import shutil
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import sqlite_utils
from marshmallow import ValidationError

from docgen.accounts import audit, users
from docgen.db import connect, now_iso, transaction
from docgen.documents import archive, chosen, compose
from docgen.documents import service as documents
from docgen.errors import DocgenError, FieldErrors, NotFound, field_paths
from docgen.kinds import catalog
from docgen.registry import bases, organisations, people
from docgen.rendering import context as ctx
from docgen.rendering.pdf import Concatenation

ZIP_MIME = "application/zip"
CHUNK = 50
# How long a PDF chunk may take in the render workers, and how often they are asked.
CHUNK_SECONDS = 10 * 60
POLL_SECONDS = 0.2
MAX_ITEMS = 5000
# The job's row is written at most this often while documents are made (and at the first and
# the last): each write is a commit, and a page polling the row needs no more.
REPORT_SECONDS = 0.5
# The people of this many documents are read together (see _resolver).
RESOLVE_BATCH = 200
# (done, total, phase) with phase 'docx' or 'pdf'.
Progress = Callable[[int, int, str], None]
# Hands DOCX files to a renderer; the answer is polled: (who rendered it, PDF) or None yet.
PdfChunks = Callable[[list[bytes]], Callable[[], tuple[str, bytes] | None]]


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


# (db, org_id, on, common) -> one input per document.
Items = Callable[[sqlite_utils.Database, int, dt.date, Mapping[str, Any]], list[dict]]


@dataclass(frozen=True)
class Action:
    """A bulk action a school starts with one button (a kind's `bulk`, see the catalog)."""

    kind: str
    title: str
    items: Items
    common: Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]
    person: tuple[str, ...] = ()
    choosable: Items | None = None


ACTIONS = {
    kind.bulk.code: Action(
        kind.slug,
        kind.bulk.title,
        kind.bulk.items,
        kind.bulk.common,
        kind.bulk.person,
        kind.bulk.choosable,
    )
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
    *,
    enqueue: Callable[[int], Any],
    person_ids: list[int] | None = None,
) -> int:
    """Write a bulk job as queued and hand it to `enqueue`; returns the job to poll with get_job.

    With `person_ids` the documents are for those people of the organisation only (each must
    be one the action can be for, see `chosen.candidates`); without, for the action's own list.
    """
    action = ACTIONS.get(action_code)
    if action is None:
        raise NotFound("Нет такого массового действия.")
    db = connect(db_path)
    try:
        kind = catalog.get(action.kind)
        documents.require_create(db, user, kind, org_id)
        items, errors = [], {}  # every wrong choice told at once: the curator and the people
        try:
            common = action.common(choices or {}, kind.sample())
        except FieldErrors as err:
            common, errors = {}, dict(err.fields)
        try:
            if person_ids is not None:
                items = chosen.items_for(db, org_id, on, action, common, person_ids)
            elif not errors:
                items = action.items(db, org_id, on, common)
        except FieldErrors as err:
            errors |= err.fields
        if errors:
            messages = [m for ms in errors.values() for m in ms]
            raise FieldErrors(
                messages[0] if len(messages) == 1 else "Исправьте выбор.", fields=errors
            )
        if not items:
            message = "Формировать нечего: у всех участников документы уже есть."
            raise FieldErrors(message, fields={"action": [message]})
        if len(items) > MAX_ITEMS:
            message = f"Не больше {MAX_ITEMS} документов за раз."
            raise FieldErrors(message, fields={"action": [message]})
        job_id = start_job(
            db, org_id, kind.slug, len(items), user.get("id"), items=items, on=on, queued=True
        )
    finally:
        db.conn.close()
    enqueue(job_id)
    return job_id


def run_job(
    db: sqlite_utils.Database, job: Mapping[str, Any], tmp: Path, pdf_chunks: PdfChunks
) -> BulkResult:
    """Run a job claimed from the queue from the input on its row (see start)."""
    given = json.loads(job["input_json"])
    user = users.get_user(db, given["user_id"]) if given["user_id"] is not None else None
    if user is None:
        message = "Пользователь, начавший задание, не найден."
        _update_job(db, job["id"], status="failed", message=message, finished_at=now_iso())
        raise NotFound(message)
    return generate(
        db,
        user,
        job["kind"],
        given["items"],
        on=dt.date.fromisoformat(given["on"]),
        org_id=job["org_id"],
        pdf=given.get("pdf", True),
        job_id=job["id"],
        tmp=tmp,
        pdf_chunks=pdf_chunks,
    )


def start_job(
    db: sqlite_utils.Database,
    org_id: int,
    kind: str,
    total: int,
    user_id: int | None,
    *,
    items: list[Mapping[str, Any]] | None = None,
    on: dt.date | None = None,
    queued: bool = False,
) -> int:
    """The job's row: queued with its input (to run again if its worker dies), or running."""
    given = None
    if items is not None and on is not None:
        given = json.dumps(
            {"user_id": user_id, "items": items, "on": on.isoformat(), "pdf": True},
            ensure_ascii=False,
        )
    with transaction(db):
        return (
            db["bulk_jobs"]
            .insert(
                {
                    "org_id": org_id,
                    "kind": kind,
                    "status": "queued" if queued else "running",
                    "phase": "docx",
                    "total": total,
                    "done": 0,
                    "created_by": user_id,
                    "created_at": now_iso(),
                    "input_json": given,
                    "attempts": 0 if queued else 1,
                    "started_at": None if queued else now_iso(),
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


def _person_ids(value: Any) -> Iterator[int]:
    """Every integer under an «id» key of an item: the registry people it may name."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            if key == "id" and type(inner) is int:
                yield inner
            else:
                yield from _person_ids(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _person_ids(inner)


def _resolver(
    db: sqlite_utils.Database,
    on: dt.date,
    items: list[Mapping[str, Any]],
    allowed: set[int],
    exact: ctx.PersonResolver,
) -> ctx.PersonResolver:
    """`exact` (`documents.resolver` of the organisations `allowed`) with the items' people and
    their withdrawn consents read at once: two queries for RESOLVE_BATCH documents instead of
    four a document. A person it has not read, of another organisation, or whose consent was
    withdrawn goes to `exact` itself, so every refusal and its message stay the same."""
    ids = sorted(set(chain.from_iterable(_person_ids(item) for item in items)))
    known = people.get_people(db, ids)
    withdrawn = bases.withdrawn_among(db, list(known), on)

    def resolve(person_id: int) -> Mapping[str, Any]:
        record = known.get(person_id)
        if record is None or record["org_id"] not in allowed or person_id in withdrawn:
            return exact(person_id)
        return record

    return resolve


def _safe(text: str) -> str:
    text = text.replace("\u00a0", " ")
    return "".join(ch for ch in text if ch.isalnum() or ch in " .-_«»")[:80].strip()


def render_here(docxs: list[bytes]) -> Callable[[], tuple[str, bytes]]:
    """PDF chunks rendered at once in this thread (no queue): for the command line and tests."""
    from docgen.rendering.pdf import docxs_to_pdf

    pdf = docxs_to_pdf(docxs)
    return lambda: ("", pdf)


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
    workers: int = 4,
    tmp: Path | None = None,
    pdf_chunks: PdfChunks = render_here,
) -> BulkResult:
    """One document of `kind_slug` per item, as a ZIP of DOCX and (if `pdf`) one merged PDF.

    Items that fail (bad input, a person who withdrew consent) are skipped and reported by
    number and reason; the rest are generated. PDF chunks go to `pdf_chunks` (the queue's
    render workers), at most 2 × `workers` at a time. Both files are stored in the archive
    and recorded on the `bulk_jobs` row (created if `job_id` is None). Temporary files go
    to `tmp` (a new temporary folder if None), which the caller removes.
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
    exact = documents.resolver(db, org_id, on)
    allowed = {org_id} | {school["id"] for school in organisations.list_schools(db, org_id)}
    schema = kind.form
    schema_fields = list(schema.fields)
    if job_id is None:
        job_id = start_job(db, org_id, kind.slug, len(items), user.get("id"))
    total = len(items)
    errors: list[str] = []
    own_tmp = tmp is None
    tmp = Path(tempfile.mkdtemp(prefix="docgen-bulk-")) if tmp is None else tmp
    # Enough chunks for every render worker to take some, none larger than CHUNK.
    size = max(1, min(CHUNK, math.ceil(total / 8)))
    merged = tmp / "documents.pdf"
    chunks = _Chunks(tmp, pdf_chunks, 2 * max(1, workers), merged) if pdf else None
    try:
        started = time.perf_counter()
        zip_path = tmp / "documents.zip"
        pending: list[bytes] = []
        count = 0
        reported = 0.0
        with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_STORED) as package:
            for index, payload in enumerate(items, start=1):
                if (index - 1) % RESOLVE_BATCH == 0:
                    # Read shortly before use: a consent withdrawn during a long job still
                    # keeps the person out of the documents made after it.
                    batch = items[index - 1 : index - 1 + RESOLVE_BATCH]
                    resolve = _resolver(db, on, batch, allowed, exact)
                try:
                    data = _validate(schema, payload)
                    documents.refuse_withdrawn_inline(db, kind, data, org_id, on)
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
                # «Белова М.А.» ends with a dot: no «М.А..docx».
                name = _safe(_item_name(values, schema_fields)).rstrip(". ")
                package.writestr(f"{count:04d} {name}.docx".replace("  ", " "), docx)
                if chunks is not None:
                    pending.append(docx)
                    if len(pending) == size:
                        # Bounded: rendering waits for the workers instead of piling up DOCX.
                        chunks.submit(pending)
                        pending = []
                if index in (1, total) or time.monotonic() - reported >= REPORT_SECONDS:
                    _report(db, job_id, progress, index, total, "docx")
                    reported = time.monotonic()
        seconds_docx = time.perf_counter() - started
        if count == 0:
            raise FieldErrors(
                "Ни один документ не сформирован: " + "; ".join(errors[:5]),
                fields={"items": errors},
            )
        zip_sha = _store_file(db, zip_path, ZIP_MIME)
        pdf_sha = None
        if chunks is not None:
            if pending:
                chunks.submit(pending)
            for done in chunks.finish():
                _report(db, job_id, progress, min(done, total), total, "pdf")
            pdf_sha = _store_file(db, merged, archive.PDF_MIME)
        seconds_pdf = time.perf_counter() - started - seconds_docx
        summary = f"Сформировано документов: {count} из {total}."
        if errors:
            summary += f" Не сформировано: {len(errors)} (причины ниже)."
        _update_job(
            db,
            job_id,
            status="done",
            phase="done",
            done=total,
            zip_sha256=zip_sha,
            pdf_sha256=pdf_sha,
            errors_json=json.dumps(errors, ensure_ascii=False),
            message=summary,
            renderers=",".join(sorted(chunks.renderers)) if chunks else None,
            input_json=None,
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
            message=message,
            input_json=None,
            finished_at=now_iso(),
        )
        raise
    finally:
        if chunks is not None:
            chunks.close()
        if own_tmp:
            shutil.rmtree(tmp, ignore_errors=True)


class ChunkLost(DocgenError):
    """A PDF chunk did not come back from the render workers in time."""

    status = 503


class _Chunks:
    """PDF chunks handed to the render workers and added to the merged PDF `target` in order
    as they come back (each is on disk only until its turn), so the merge runs while the
    workers render and memory holds one chunk at a time.

    A chunk not back in CHUNK_SECONDS (its render worker died, say) is handed out once more.
    """

    def __init__(self, tmp: Path, submit: PdfChunks, limit: int, target: Path) -> None:
        self.tmp = tmp
        self.submit_one = submit
        self.limit = limit
        self.waiting: dict[int, _Chunk] = {}
        self.renderers: set[str] = set()
        self.documents = 0
        self.next = 0
        self.next_merged = 0
        self.out = open(target, "wb")  # closed by close(), also when the job fails
        self.merged = Concatenation(self.out)

    def submit(self, docxs: list[bytes]) -> None:
        chunk = _Chunk(list(docxs), self.submit_one(list(docxs)), time.monotonic() + CHUNK_SECONDS)
        self.waiting[self.next] = chunk
        self.next += 1
        while len(self.waiting) > self.limit:
            self._collect()

    def finish(self) -> Iterable[int]:
        """Wait for every chunk; yields the documents in PDF so far as chunks come back. The
        merged PDF is complete when it ends."""
        while self.waiting:
            if self._collect() and self.waiting:
                yield self.documents
        self.merged.finish()
        self.close()
        yield self.documents

    def close(self) -> None:
        self.out.close()

    def _path(self, number: int) -> Path:
        return self.tmp / f"chunk-{number:05d}.pdf"

    def _collect(self) -> bool:
        """Write the chunks that came back and merge those whose turn it is; wait a little
        if none came."""
        came = False
        for number, chunk in list(self.waiting.items()):
            answer = chunk.poll()
            if answer is None:
                if time.monotonic() > chunk.deadline:
                    if chunk.tries > 1:
                        raise ChunkLost(
                            "PDF не собран: обработчики очереди не ответили вовремя. "
                            "Запустите задание снова."
                        )
                    chunk.poll = self.submit_one(chunk.docxs)
                    chunk.deadline = time.monotonic() + CHUNK_SECONDS
                    chunk.tries += 1
                continue
            renderer, pdf = answer
            self._path(number).write_bytes(pdf)
            if renderer:
                self.renderers.add(renderer)
            self.documents += len(chunk.docxs)
            del self.waiting[number]
            came = True
        while self.next_merged < self.next and self.next_merged not in self.waiting:
            path = self._path(self.next_merged)
            self.merged.add(path)
            path.unlink()
            self.next_merged += 1
        if not came:
            time.sleep(POLL_SECONDS)
        return came


@dataclass
class _Chunk:
    docxs: list[bytes]
    poll: Callable[[], tuple[str, bytes] | None]
    deadline: float
    tries: int = 1


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
