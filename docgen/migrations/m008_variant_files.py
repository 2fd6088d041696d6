"""Files of the archive may be deleted once nothing refers to them (a deleted template variant).

Registered documents keep their bytes in their own versions' files, so the trigger still
refuses to delete any file a version, a bulk job or a template variant refers to.
"""

from __future__ import annotations

import sqlite_utils

from docgen.migrations.helpers import abort_trigger


def apply(db: sqlite_utils.Database) -> None:
    """Replace the unconditional files_no_delete trigger by one that guards referenced files."""
    db.execute("DROP TRIGGER IF EXISTS files_no_delete")
    db.execute(
        abort_trigger(
            "files_no_delete",
            "BEFORE DELETE ON files",
            "EXISTS (SELECT 1 FROM versions WHERE docx_sha256 = OLD.sha256 "
            "OR pdf_sha256 = OLD.sha256) "
            "OR EXISTS (SELECT 1 FROM bulk_jobs WHERE zip_sha256 = OLD.sha256 "
            "OR pdf_sha256 = OLD.sha256) "
            "OR EXISTS (SELECT 1 FROM template_variants WHERE file_sha256 = OLD.sha256)",
            "Файлы архива, на которые ссылаются документы, удалять нельзя",
        )
    )
