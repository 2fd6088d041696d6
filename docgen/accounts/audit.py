"""The audit log: who did what to which object, append-only (triggers in m001)."""

from __future__ import annotations

import sqlite_utils

from docgen.db import now_iso, transaction
from docgen.paging import Found, Where, paged


def record(
    db: sqlite_utils.Database,
    user_id: int | None,
    action: str,
    object_type: str,
    object_id: int | str | None,
    detail: str = "",
) -> int:
    """Append a line to the audit log (joins the caller's transaction if one is open)."""
    with transaction(db):
        return (
            db["audit"]
            .insert(
                {
                    "at": now_iso(),
                    "user_id": user_id,
                    "action": action,
                    "object_type": object_type,
                    "object_id": None if object_id is None else str(object_id),
                    "detail": detail,
                }
            )
            .last_pk
        )


def entries(
    db: sqlite_utils.Database,
    *,
    object_type: str | None = None,
    object_id: int | str | None = None,
    limit: int = 200,
) -> list[dict]:
    """Audit lines, newest first, of one object or of every object."""
    where = Where("1 = 1").equal("object_type", object_type)
    where.equal("object_id", None if object_id is None else str(object_id))
    sql = "SELECT * FROM audit WHERE " + where.sql + " ORDER BY id DESC LIMIT ?"
    return list(db.query(sql, [*where.params, limit]))


def search(
    db: sqlite_utils.Database,
    *,
    user_id: int | None = None,
    action: str | None = None,
    object_type: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    text: str = "",
    page: int = 1,
    per_page: int = 50,
) -> Found:
    """One page of the audit log, newest first, filtered by who, what and when."""
    where = Where("1 = 1").equal("user_id", user_id or None).equal("action", action)
    where.equal("object_type", object_type).days("substr(at, 1, 10)", date_from, date_to)
    where.text(db, ["coalesce(detail, '')", "coalesce(object_id, '')"], text)
    sql = "SELECT * FROM audit WHERE " + where.sql
    return paged(db, sql, where.params, "id DESC", page, per_page)
