"""PDFs made after the version is stored: pending, made once by a worker, or failed with a reason.

Registration (and saving a draft) stores the DOCX in a short write transaction and asks here
for the PDF; a worker of the job queue (or the caller itself, outside its transaction) makes
it from the stored DOCX and fills the version's `pdf_sha256` — for a registered version the
triggers allow that once, from NULL to a value, and nothing else (m010).
"""

from __future__ import annotations

import os
import socket
import sqlite3
from collections.abc import Callable
from typing import Any

import sqlite_utils

from docgen.db import now_iso, transaction
from docgen.documents import archive
from docgen.errors import Conflict, DocgenError

PENDING = "PDF готовится: обновите страницу через несколько секунд."
FAILED = "PDF не удалось сделать: {reason}"
Render = Callable[[bytes], bytes]


class RenderFailed(DocgenError):
    """The PDF of a stored DOCX could not be made."""

    status = 500


def worker_name() -> str:
    """This process as a worker: «host:pid»."""
    return f"{socket.gethostname()}:{os.getpid()}"


def request(conn: sqlite3.Connection, version_id: int) -> None:
    """Ask for a version's PDF (inside the caller's transaction); its pdf_sha256 stays NULL."""
    conn.execute(
        "INSERT OR REPLACE INTO pdf_renders (version_id, status, message, attempts, worker, "
        "requested_at, started_at) VALUES (?, 'pending', NULL, 0, NULL, ?, NULL)",
        [version_id, now_iso()],
    )


def row(db: sqlite_utils.Database, version_id: int) -> dict[str, Any] | None:
    """The pending or failed PDF of a version, or None (made, or never asked for)."""
    return next(db.query("SELECT * FROM pdf_renders WHERE version_id = ?", [version_id]), None)


def state(db: sqlite_utils.Database, version: dict[str, Any]) -> dict[str, Any]:
    """{"status": "ready"|"pending"|"failed"|"none", "message": …} of a version's PDF."""
    if version.get("pdf_sha256"):
        return {"status": "ready", "message": None}
    found = row(db, version["id"])
    if found is None:
        return {"status": "none", "message": None}
    if found["status"] == "failed":
        return {"status": "failed", "message": FAILED.format(reason=found["message"])}
    return {"status": "pending", "message": PENDING}


def states(db: sqlite_utils.Database, document_id: int) -> dict[int, dict[str, Any]]:
    """The PDF state of every version of a document, by version number."""
    return {version["n"]: state(db, version) for version in archive.versions(db, document_id)}


def refuse_unready(db: sqlite_utils.Database, version: dict[str, Any]) -> None:
    """Conflict (409) with a Russian message when the version's PDF is pending or failed."""
    found = state(db, version)
    if found["status"] in ("pending", "failed"):
        raise Conflict(found["message"])


def pending(db: sqlite_utils.Database) -> list[dict[str, Any]]:
    """Every PDF still to make, oldest request first."""
    return list(
        db.query("SELECT * FROM pdf_renders WHERE status = 'pending' ORDER BY requested_at, rowid")
    )


def of_document(db: sqlite_utils.Database, document_ids: list[int]) -> list[int]:
    """The versions of these documents whose PDF is pending."""
    marks = ", ".join("?" for _ in document_ids)
    return [
        r["version_id"]
        for r in db.query(
            "SELECT pdf_renders.version_id FROM pdf_renders JOIN versions "
            "ON versions.id = pdf_renders.version_id WHERE pdf_renders.status = 'pending' "
            f"AND versions.document_id IN ({marks})",
            document_ids,
        )
    ]


def claim(db: sqlite_utils.Database, version_id: int, worker: str, previous: str | None) -> bool:
    """Take a pending PDF for `worker` if it is still held by `previous` (no one, or a worker
    that died); False if another worker got it first or it is no longer pending."""
    with transaction(db):
        return bool(
            db.execute(
                "UPDATE pdf_renders SET worker = ?, started_at = ?, attempts = attempts + 1 "
                "WHERE version_id = ? AND status = 'pending' AND worker IS ?",
                [worker, now_iso(), version_id, previous],
            ).rowcount
        )


def store(db: sqlite_utils.Database, version_id: int, pdf: bytes, docx_sha256: str) -> bool:
    """Fill the version's missing PDF, made from the DOCX `docx_sha256`; False if the version
    has a PDF already (made by another worker: the request is done) or its DOCX is no longer
    that one (a registration replaced the draft's DOCX while this PDF was made: the PDF would
    lack the number, and the registration's own request stays for its own render)."""
    with transaction(db):
        current = next(
            db.query("SELECT docx_sha256, pdf_sha256 FROM versions WHERE id = ?", [version_id]),
            None,
        )
        if current is not None and not current["pdf_sha256"]:
            if current["docx_sha256"] != docx_sha256:
                return False
            sha = archive.put_pdf(db.conn, pdf)
            db.execute("UPDATE versions SET pdf_sha256 = ? WHERE id = ?", [sha, version_id])
            db.execute("DELETE FROM pdf_renders WHERE version_id = ?", [version_id])
            return True
        db.execute("DELETE FROM pdf_renders WHERE version_id = ?", [version_id])
    return False


def fail(db: sqlite_utils.Database, version_id: int, reason: str) -> None:
    """Mark a pending PDF failed; the page shows the reason and offers to try again."""
    with transaction(db):
        db.execute(
            "UPDATE pdf_renders SET status = 'failed', message = ?, worker = NULL "
            "WHERE version_id = ? AND status = 'pending'",
            [reason, version_id],
        )


def retry(db: sqlite_utils.Database, version_id: int) -> bool:
    """A failed PDF is pending again; False if it was not failed."""
    with transaction(db):
        return bool(
            db.execute(
                "UPDATE pdf_renders SET status = 'pending', message = NULL, worker = NULL, "
                "requested_at = ?, started_at = NULL WHERE version_id = ? AND status = 'failed'",
                [now_iso(), version_id],
            ).rowcount
        )


def reason(exc: BaseException) -> str:
    """What a person reads about a failed render."""
    if isinstance(exc, DocgenError):
        return exc.message
    return f"ошибка при вёрстке ({type(exc).__name__}). Попробуйте ещё раз."


def make(db: sqlite_utils.Database, version_id: int, render: Render) -> str:
    """Render a claimed version's PDF from its stored DOCX and store it, or record the failure.

    Returns "ready" or "failed". The render runs outside any transaction of this connection.
    """
    version = next(db.query("SELECT * FROM versions WHERE id = ?", [version_id]), None)
    if version is None or version["pdf_sha256"]:
        with transaction(db):
            db.execute("DELETE FROM pdf_renders WHERE version_id = ?", [version_id])
        return "ready"
    try:
        pdf = render(archive.get_file(db, version["docx_sha256"]))
    except Exception as exc:  # any render failure is shown on the page and can be retried
        if _same_docx(db, version_id, version["docx_sha256"]):
            fail(db, version_id, reason(exc))
        return "failed"
    store(db, version_id, pdf, version["docx_sha256"])
    return "ready"


def _same_docx(db: sqlite_utils.Database, version_id: int, docx_sha256: str) -> bool:
    """The version still holds this DOCX (a registration may have replaced it meanwhile)."""
    found = db.execute("SELECT docx_sha256 FROM versions WHERE id = ?", [version_id]).fetchone()
    return found is not None and found[0] == docx_sha256


def make_now(db: sqlite_utils.Database, version_ids: list[int], render: Render) -> None:
    """Make these pending PDFs in this process (no queue: scripts and library callers)."""
    for version_id in version_ids:
        found = row(db, version_id)
        if found is not None and found["status"] == "pending":
            if claim(db, version_id, worker_name(), found["worker"]):
                make(db, version_id, render)
