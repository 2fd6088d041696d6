"""An organisation's own template of a kind (a «вариант шаблона»): checked, stored, switched.

A variant is accepted only if it is a real DOCX within size limits, carries no DTD, compiles
in the sandboxed engine, has no obviously hostile loop or repetition, uses only the names the
kind provides and renders the kind's sample. Compiling and rendering happen in the sandbox's
worker processes, within its time, memory and output limits (docgen/rendering/sandbox.py).
The built-in template is never touched: variants live in the archive's files table, and a
deleted variant's file goes with it unless something else still refers to it.
"""

from __future__ import annotations

from typing import Any

import sqlite_utils

from docgen.db import now_iso, transaction
from docgen.documents import archive, compose
from docgen.errors import FieldErrors, NotFound
from docgen.kinds import catalog
from docgen.paging import Where
from docgen.registry import organisations
from docgen.rendering import docx as render
from docgen.rendering import sandbox
from docgen.safezip import Limits, open_package

LIMITS = Limits(max_compressed=5 * 1024 * 1024, max_total=30 * 1024 * 1024, max_ratio=100)
MAX_FILENAME = 200


def _refuse(message: str) -> FieldErrors:
    return FieldErrors(message, fields={"file": [message]})


def check(kind_slug: str, content: bytes) -> frozenset[str]:
    """The names the variant uses, or FieldErrors saying in Russian what is wrong with it.

    sandbox.Busy (503) passes through: the variant is not judged, the user tries again.
    """
    kind = catalog.get(kind_slug)
    open_package(
        content,
        what="документом DOCX",
        required=("[Content_Types].xml", "word/document.xml"),
        limits=LIMITS,
    ).close()
    try:
        inspection = sandbox.inspect(bytes(content))
    except sandbox.BrokenPackage as err:
        raise _refuse("Файл повреждён: он не является документом DOCX.") from err
    except render.TemplateInvalid as err:
        raise _refuse(err.message) from err
    if inspection.hostile:
        raise _refuse(inspection.hostile)
    unknown = sorted(inspection.variables - kind.variables)
    if unknown:
        names = ", ".join(f"«{name}»" for name in unknown)
        word = "переменную" if len(unknown) == 1 else "переменные"
        raise _refuse(f"Шаблон использует {word} {names}, которых нет в документе «{kind.title}».")
    try:
        values = compose.build_context(kind, compose.validate(kind, kind.sample()))
        sandbox.render_untrusted(bytes(content), values)
    except sandbox.LimitExceeded as err:
        raise _refuse(err.message) from err
    except render.TemplateInvalid as err:
        raise _refuse(f"Шаблон не заполняется на образце: {err.message}") from err
    return inspection.variables


def check_and_store(
    db: sqlite_utils.Database,
    org_id: int,
    kind_slug: str,
    content: bytes,
    user_id: int | None,
    filename: str,
) -> dict[str, Any]:
    """Check a variant and make it the organisation's active template of the kind."""
    organisations.get_organisation(db, org_id)
    kind = catalog.get(kind_slug)
    name = " ".join((filename or "").replace("/", " ").replace("\\", " ").split())[:MAX_FILENAME]
    if not name.lower().endswith(".docx"):
        raise _refuse("Шаблон должен быть файлом .docx.")
    check(kind.slug, content)
    sha = archive.put_file(db, bytes(content), archive.DOCX_MIME)
    with transaction(db):
        db.execute(
            "UPDATE template_variants SET active = 0 WHERE org_id = ? AND kind = ?",
            [org_id, kind.slug],
        )
        variant_id = (
            db["template_variants"]
            .insert(
                {
                    "org_id": org_id,
                    "kind": kind.slug,
                    "file_sha256": sha,
                    "filename": name,
                    "uploaded_by": user_id,
                    "uploaded_at": now_iso(),
                    "active": 1,
                }
            )
            .last_pk
        )
    return db["template_variants"].get(variant_id)


def list_variants(
    db: sqlite_utils.Database, org_id: int, kind_slug: str | None = None
) -> list[dict[str, Any]]:
    """The organisation's variants, newest first (kind, filename, uploaded_at, active)."""
    where = Where("org_id = ?", org_id).equal("kind", kind_slug)
    return list(
        db.query(
            f"SELECT * FROM template_variants WHERE {where.sql} ORDER BY id DESC", where.params
        )
    )


def deactivate(db: sqlite_utils.Database, org_id: int, variant_id: int) -> dict[str, Any]:
    """Switch a variant off: documents of its kind use the built-in template again."""
    row = next(
        db.query(
            "SELECT * FROM template_variants WHERE id = ? AND org_id = ?", [variant_id, org_id]
        ),
        None,
    )
    if row is None:
        raise NotFound("Вариант шаблона не найден")
    with transaction(db):
        db["template_variants"].update(variant_id, {"active": 0})
    return db["template_variants"].get(variant_id)


def activate(db: sqlite_utils.Database, org_id: int, variant_id: int) -> dict[str, Any]:
    """Make an earlier variant the active one again (after checking it still fits the kind)."""
    row = next(
        db.query(
            "SELECT * FROM template_variants WHERE id = ? AND org_id = ?", [variant_id, org_id]
        ),
        None,
    )
    if row is None:
        raise NotFound("Вариант шаблона не найден")
    check(row["kind"], archive.get_file(db, row["file_sha256"]))
    with transaction(db):
        db.execute(
            "UPDATE template_variants SET active = 0 WHERE org_id = ? AND kind = ?",
            [org_id, row["kind"]],
        )
        db["template_variants"].update(variant_id, {"active": 1})
    return db["template_variants"].get(variant_id)


def delete(db: sqlite_utils.Database, org_id: int, variant_id: int) -> dict[str, Any]:
    """Remove a variant; its stored file goes too unless a document version, a bulk job or
    another variant refers to the same bytes. Registered documents keep their own files."""
    row = next(
        db.query(
            "SELECT * FROM template_variants WHERE id = ? AND org_id = ?", [variant_id, org_id]
        ),
        None,
    )
    if row is None:
        raise NotFound("Вариант шаблона не найден")
    with transaction(db):
        db.execute("DELETE FROM template_variants WHERE id = ?", [variant_id])
        # The files_no_delete trigger (m007) refuses a file anything still refers to.
        db.execute(
            "DELETE FROM files WHERE sha256 = ? AND NOT EXISTS "
            "(SELECT 1 FROM template_variants WHERE file_sha256 = ?) AND NOT EXISTS "
            "(SELECT 1 FROM versions WHERE docx_sha256 = ? OR pdf_sha256 = ?) AND NOT EXISTS "
            "(SELECT 1 FROM bulk_jobs WHERE zip_sha256 = ? OR pdf_sha256 = ?)",
            [row["file_sha256"]] * 6,
        )
    return row
