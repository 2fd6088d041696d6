"""Documents and their append-only versions; files stored by their SHA-256.

Database triggers (docgen.db) keep registered and cancelled documents, their versions,
the journal and the files unchangeable; these functions add readable refusals on top.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
from typing import Any

import sqlite_utils

from docgen.db import now_iso, transaction
from docgen.errors import Conflict, DocgenError, FieldErrors, NotFound
from docgen.paging import Found, Where, paged

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"


class CorruptFile(DocgenError):
    """A stored file no longer matches its checksum."""

    status = 500


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _put(conn: sqlite3.Connection, content: bytes, mime: str) -> str:
    if not isinstance(content, bytes | bytearray) or not content:
        raise FieldErrors("Файл пуст", fields={"file": ["Файл: пустой файл"]})
    sha = sha256_hex(bytes(content))
    conn.execute(
        "INSERT OR IGNORE INTO files (sha256, content, size, mime) VALUES (?, ?, ?, ?)",
        [sha, bytes(content), len(content), mime],
    )
    return sha


def put_pdf(conn: sqlite3.Connection, pdf: bytes) -> str:
    """Store a PDF inside the caller's transaction and return its hash."""
    return _put(conn, pdf, PDF_MIME)


def put_file(db: sqlite_utils.Database, content: bytes, mime: str) -> str:
    """Store bytes once under their SHA-256 and return the hash."""
    with transaction(db):
        return _put(db.conn, content, mime)


def get_file(db: sqlite_utils.Database, sha: str) -> bytes:
    """The stored bytes, after checking they still hash to `sha`."""
    row = next(db.query("SELECT content FROM files WHERE sha256 = ?", [sha]), None)
    if row is None:
        raise NotFound("Файл не найден в архиве")
    content = bytes(row["content"])
    if sha256_hex(content) != sha:
        raise CorruptFile(
            f"Файл архива {sha[:12]}… повреждён: контрольная сумма не совпадает с сохранённой"
        )
    return content


def _input_json(data: Any) -> str:
    # default=str keeps dates and Decimals readable instead of failing the archive write.
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=str)


def _version(row: dict) -> dict:
    return {**row, "input": json.loads(row["input_json"])}


def create_document(
    db: sqlite_utils.Database,
    *,
    org_id: int,
    kind: str,
    title: str,
    user_id: int | None,
    input: dict,
    docx: bytes,
    pdf: bytes | None = None,
    series_id: int | None = None,
) -> dict:
    """Create a draft document with its version 1; returns the document with `version`."""
    if not title or not title.strip():
        raise FieldErrors(
            "Заголовок документа: обязательное поле",
            fields={"title": ["Заголовок документа: обязательное поле"]},
        )
    with transaction(db):
        document_id = (
            db["documents"]
            .insert(
                {
                    "org_id": org_id,
                    "kind": kind,
                    "title": title.strip(),
                    "status": "draft",
                    "series_id": series_id,
                    "created_by": user_id,
                    "created_at": now_iso(),
                }
            )
            .last_pk
        )
        version = _insert_version(db, document_id, 1, input, docx, pdf, user_id, None)
    return {**get_document(db, document_id), "version": version}


def _insert_version(
    db: sqlite_utils.Database,
    document_id: int,
    n: int,
    input: Any,
    docx: bytes,
    pdf: bytes | None,
    user_id: int | None,
    note: str | None,
) -> dict:
    docx_sha = _put(db.conn, docx, DOCX_MIME)
    pdf_sha = _put(db.conn, pdf, PDF_MIME) if pdf else None
    version_id = (
        db["versions"]
        .insert(
            {
                "document_id": document_id,
                "n": n,
                "input_json": input if isinstance(input, str) else _input_json(input),
                "docx_sha256": docx_sha,
                "pdf_sha256": pdf_sha,
                "author_id": user_id,
                "created_at": now_iso(),
                "note": note,
            }
        )
        .last_pk
    )
    return _version(db["versions"].get(version_id))


def add_version(
    db: sqlite_utils.Database,
    document_id: int,
    *,
    input: dict,
    docx: bytes,
    pdf: bytes | None,
    user_id: int | None,
    note: str | None = None,
) -> dict:
    """Append the next version to a draft; a registered document is refused."""
    with transaction(db):
        doc = get_document(db, document_id)
        _require_draft(db, doc)
        last = next(
            db.query("SELECT max(n) AS n FROM versions WHERE document_id = ?", [document_id])
        )
        return _insert_version(
            db, document_id, (last["n"] or 0) + 1, input, docx, pdf, user_id, note
        )


def _require_draft(db: sqlite_utils.Database, doc: dict) -> None:
    if doc["status"] == "registered":
        order = approving_order(db, doc["id"])
        if order is not None:
            raise Conflict(approved_message(order))
        raise Conflict(
            f"Документ зарегистрирован (№ {doc['number']} от "
            f"{dt.date.fromisoformat(doc['reg_date']):%d.%m.%Y}) и не может быть изменён; "
            "создайте новую редакцию"
        )
    if doc["status"] == "cancelled":
        raise Conflict("Документ аннулирован и не может быть изменён")


def get_document(db: sqlite_utils.Database, document_id: int) -> dict:
    row = next(db.query("SELECT * FROM documents WHERE id = ?", [document_id]), None)
    if row is None:
        raise NotFound("Документ не найден")
    return row


def list_documents(
    db: sqlite_utils.Database,
    org_id: int,
    *,
    kind: str | None = None,
    status: str | None = None,
) -> list[dict]:
    """An organisation's documents, newest first."""
    where = Where("org_id = ?", org_id).equal("kind", kind).equal("status", status)
    sql = "SELECT * FROM documents WHERE " + where.sql + " ORDER BY created_at DESC, id DESC"
    return list(db.query(sql, where.params))


def search_documents(
    db: sqlite_utils.Database,
    org_id: int,
    *,
    text: str = "",
    kind: str | None = None,
    status: str | None = None,
    author_id: int | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    page: int = 1,
    per_page: int = 25,
) -> Found:
    """An organisation's documents matching a filter, newest first, one page of them.

    `text` is looked for in the title and the registration number; the dates bound the
    registration date of a registered document and the creation date of any other.
    """
    sql = (
        "SELECT documents.*, users.full_name AS author_name FROM documents "
        "LEFT JOIN users ON users.id = documents.created_by WHERE "
    )
    where = Where("documents.org_id = ?", org_id)
    where.text(db, ["documents.title", "documents.number"], text)
    where.equal("documents.kind", kind).equal("documents.status", status)
    where.equal("documents.created_by", author_id or None)
    day = "coalesce(documents.reg_date, substr(documents.created_at, 1, 10))"
    where.days(day, date_from, date_to)
    order = "documents.created_at DESC, documents.id DESC"
    return paged(db, sql + where.sql, where.params, order, page, per_page)


def authors(db: sqlite_utils.Database, org_id: int) -> list[dict]:
    """The users who created documents of an organisation (for the author filter)."""
    return list(
        db.query(
            "SELECT DISTINCT users.id, users.full_name FROM documents "
            "JOIN users ON users.id = documents.created_by WHERE documents.org_id = ? "
            "ORDER BY users.full_name",
            [org_id],
        )
    )


def versions(db: sqlite_utils.Database, document_id: int) -> list[dict]:
    """All versions of a document, oldest first, each with its parsed `input`."""
    get_document(db, document_id)
    return [
        _version(row)
        for row in db.query(
            "SELECT * FROM versions WHERE document_id = ? ORDER BY n", [document_id]
        )
    ]


def get_version(db: sqlite_utils.Database, document_id: int, n: int | None = None) -> dict:
    """Version n of a document (the latest if n is None), with its parsed `input`."""
    if n is None:
        row = next(
            db.query(
                "SELECT * FROM versions WHERE document_id = ? ORDER BY n DESC LIMIT 1",
                [document_id],
            ),
            None,
        )
    else:
        row = next(
            db.query("SELECT * FROM versions WHERE document_id = ? AND n = ?", [document_id, n]),
            None,
        )
    if row is None:
        raise NotFound("Версия документа не найдена")
    return _version(row)


def cancel(db: sqlite_utils.Database, document_id: int, user_id: int | None, reason: str) -> dict:
    """Cancel (аннулировать) a document; a registered one keeps its number in the journal."""
    if not reason or not reason.strip():
        raise FieldErrors(
            "Причина аннулирования: обязательное поле",
            fields={"reason": ["Причина аннулирования: обязательное поле"]},
        )
    with transaction(db):
        doc = get_document(db, document_id)
        if doc["status"] == "cancelled":
            raise Conflict("Документ уже аннулирован")
        db.execute(
            "UPDATE documents SET status = 'cancelled', cancelled_at = ?, cancel_reason = ? "
            "WHERE id = ?",
            [now_iso(), reason.strip(), document_id],
        )
    return get_document(db, document_id)


def revise(
    db: sqlite_utils.Database,
    document_id: int,
    user_id: int | None,
    *,
    input: Any = None,
    order_id: int | None = None,
) -> dict:
    """Start a new draft from a registered document, its version 1 copied from the frozen one.

    `input` replaces the frozen input (an order whose annexes are carried into new drafts);
    an annex approved by an order is revised only with that order (`order_id`).
    """
    with transaction(db):
        doc = get_document(db, document_id)
        if doc["status"] != "registered":
            raise Conflict("Новую редакцию можно создать только из зарегистрированного документа")
        order = approving_order(db, document_id)
        if order is not None and order["id"] != order_id:
            raise Conflict(approved_message(order))
        frozen = get_version(db, document_id, doc["registered_version"])
        new_id = (
            db["documents"]
            .insert(
                {
                    "org_id": doc["org_id"],
                    "kind": doc["kind"],
                    "title": doc["title"],
                    "status": "draft",
                    "series_id": doc["series_id"],
                    "revision_of": document_id,
                    "created_by": user_id,
                    "created_at": now_iso(),
                }
            )
            .last_pk
        )
        version_id = (
            db["versions"]
            .insert(
                {
                    "document_id": new_id,
                    "n": 1,
                    "input_json": frozen["input_json"] if input is None else _input_json(input),
                    "docx_sha256": frozen["docx_sha256"],
                    "pdf_sha256": frozen["pdf_sha256"],
                    "author_id": user_id,
                    "created_at": now_iso(),
                    "note": f"Новая редакция документа № {doc['number']} от "
                    f"{dt.date.fromisoformat(doc['reg_date']):%d.%m.%Y}",
                }
            )
            .last_pk
        )
        if frozen["pdf_sha256"] is None:
            # Copied while the registered PDF was still being made: the copy gets its own.
            db.execute(
                "INSERT INTO pdf_renders (version_id, status, attempts, requested_at) "
                "VALUES (?, 'pending', 0, ?)",
                [version_id, now_iso()],
            )
        version = _version(db["versions"].get(version_id))
    return {**get_document(db, new_id), "version": version}


def link_annex(db: sqlite_utils.Database, order_id: int, annex_id: int, position: int) -> None:
    """Attach a document as annex number `position` of a draft order."""
    with transaction(db):
        order = get_document(db, order_id)
        annex = get_document(db, annex_id)
        if order_id == annex_id:
            raise Conflict("Документ не может быть приложением к самому себе")
        if order["org_id"] != annex["org_id"]:
            raise Conflict("Приложение должно принадлежать той же организации, что и приказ")
        if order["status"] != "draft":
            raise Conflict("Приложения можно менять только у черновика приказа")
        if not isinstance(position, int) or position < 1:
            raise FieldErrors(
                "Номер приложения: целое число от 1",
                fields={"position": ["Номер приложения: целое число от 1"]},
            )
        taken = next(
            db.query(
                "SELECT child_document_id FROM links WHERE parent_document_id = ? "
                "AND role = 'annex' AND position = ?",
                [order_id, position],
            ),
            None,
        )
        if taken and taken["child_document_id"] != annex_id:
            raise Conflict(f"Приложение № {position} у этого приказа уже есть")
        db.execute(
            "DELETE FROM links WHERE parent_document_id = ? AND child_document_id = ?",
            [order_id, annex_id],
        )
        db["links"].insert(
            {
                "parent_document_id": order_id,
                "child_document_id": annex_id,
                "role": "annex",
                "position": position,
            }
        )


def set_annexes(db: sqlite_utils.Database, order_id: int, listed: list[tuple[int, int]]) -> None:
    """The draft order's annexes become exactly `listed` (position, document id)."""
    with transaction(db):
        db.execute("DELETE FROM links WHERE parent_document_id = ? AND role = 'annex'", [order_id])
        for position, annex_id in listed:
            link_annex(db, order_id, annex_id, position)


def approving_order(db: sqlite_utils.Database, annex_id: int) -> dict | None:
    """The registered order that approved this document as its annex, if any."""
    return next(
        db.query(
            "SELECT documents.* FROM links JOIN documents "
            "ON documents.id = links.parent_document_id WHERE links.child_document_id = ? "
            "AND links.role = 'annex' AND documents.status = 'registered' "
            "ORDER BY documents.reg_date DESC LIMIT 1",
            [annex_id],
        ),
        None,
    )


def approved_message(order: dict) -> str:
    return (
        f"Документ утверждён приказом № {order['number']} от "
        f"{dt.date.fromisoformat(order['reg_date']):%d.%m.%Y}; изменить его можно только через "
        "изменение приказа."
    )


def freeze_annex(
    conn: sqlite3.Connection,
    info: dict,
    annex_id: int,
    docx: bytes,
    pdf: bytes | None,
) -> int:
    """Register an annex with its order inside numbering.register's before_commit hook.

    The annex takes the order's number and date (no journal line of its own) and its latest
    version is frozen with the files rendered as the order's annex; returns that version's id.
    """
    if not conn.in_transaction:
        raise RuntimeError("freeze_annex must run inside numbering.register")
    version = conn.execute(
        "SELECT id, n FROM versions WHERE document_id = ? ORDER BY n DESC LIMIT 1", [annex_id]
    ).fetchone()
    replace_frozen_files(conn, version[0], docx, pdf)
    cursor = conn.execute(
        "UPDATE documents SET status = 'registered', number = ?, reg_date = ?, "
        "registered_version = ? WHERE id = ? AND status = 'draft'",
        [info["number"], info["reg_date"], version[1], annex_id],
    )
    if cursor.rowcount != 1:
        raise Conflict("Приложение уже не черновик: приказ не зарегистрирован.")
    return version[0]


def annexes(db: sqlite_utils.Database, order_id: int) -> list[dict]:
    """The order's annexes as documents with their `position`, in order."""
    return list(
        db.query(
            "SELECT documents.*, links.position FROM links "
            "JOIN documents ON documents.id = links.child_document_id "
            "WHERE links.parent_document_id = ? AND links.role = 'annex' ORDER BY links.position",
            [order_id],
        )
    )


def replace_frozen_files(
    conn: sqlite3.Connection, version_id: int, docx: bytes, pdf: bytes | None
) -> dict:
    """Swap a version's files inside numbering.register's before_commit hook.

    The triggers allow it only while the document is still a draft, which is the case
    inside that hook (the status changes after it returns); anywhere else it fails.
    """
    if not conn.in_transaction:
        raise RuntimeError("replace_frozen_files must run inside numbering.register")
    docx_sha = _put(conn, docx, DOCX_MIME)
    pdf_sha = _put(conn, pdf, PDF_MIME) if pdf else None
    cursor = conn.execute(
        "UPDATE versions SET docx_sha256 = ?, pdf_sha256 = ? WHERE id = ?",
        [docx_sha, pdf_sha, version_id],
    )
    if cursor.rowcount != 1:
        raise NotFound("Версия документа не найдена")
    return {"docx_sha256": docx_sha, "pdf_sha256": pdf_sha}
