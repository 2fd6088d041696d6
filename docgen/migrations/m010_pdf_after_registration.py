"""A registered version gets its PDF after registration, made by the job queue outside the lock.

Registration stores the DOCX with its number in one short transaction and leaves the PDF to a
job: the version's `pdf_sha256` may then go from NULL to a value once, and nothing else of a
registered version may change. `pdf_renders` holds the state of a PDF still to make (pending,
or failed with a message for the person who retries it); the row goes when the PDF is stored.
"""

from __future__ import annotations

import sqlite_utils

from docgen.migrations.helpers import abort_trigger


def apply(db: sqlite_utils.Database) -> None:
    """The pdf_renders table, and the versions trigger that lets a missing PDF be filled once."""
    db["pdf_renders"].create(
        {
            "version_id": int,
            "status": str,
            "message": str,
            "attempts": int,
            "worker": str,
            "requested_at": str,
            "started_at": str,
        },
        pk="version_id",
        foreign_keys=[("version_id", "versions", "id")],
        not_null=["status", "attempts", "requested_at"],
        defaults={"status": "pending", "attempts": 0},
    )
    db["pdf_renders"].create_index(["status"])
    db.execute("DROP TRIGGER IF EXISTS versions_no_update_unless_draft")
    db.execute(
        abort_trigger(
            "versions_no_update_unless_draft",
            "BEFORE UPDATE ON versions",
            "(SELECT status FROM documents WHERE id = OLD.document_id) IS NOT 'draft' "
            "AND NOT (OLD.pdf_sha256 IS NULL AND NEW.pdf_sha256 IS NOT NULL "
            "AND NEW.docx_sha256 IS OLD.docx_sha256)",
            "Зарегистрированный документ изменять нельзя",
        )
    )
