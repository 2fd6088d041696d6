"""The audit log: who did what to which object, append-only (triggers in m001)."""

from __future__ import annotations

import sqlite_utils

from docgen.db import now_iso, transaction
from docgen.paging import Found, Where, paged
from docgen.registry.people import short_name


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


# Object types whose records the log names, and the columns a name is made of.
NAMED = {
    "person": ("people", "surname, name, patronymic"),
    "organisation": ("organisations", "short_name, full_name"),
    "document": ("documents", "title, number"),
}


def _name(object_type: str, row: dict) -> str:
    if object_type == "person":
        return short_name(row)
    if object_type == "organisation":
        return row["short_name"] or row["full_name"]
    return f"«{row['title']}»" + (f" № {row['number']}" if row["number"] else "")


def object_names(db: sqlite_utils.Database, lines: list[dict]) -> dict[tuple[str, str], str]:
    """Names of the people, organisations and documents that audit lines refer to, by
    (object_type, object_id): one query per object type, whatever the number of lines."""
    wanted: dict[str, set[int]] = {}
    for line in lines:
        object_id = str(line.get("object_id") or "")
        if line.get("object_type") in NAMED and object_id.isdigit():
            wanted.setdefault(line["object_type"], set()).add(int(object_id))
    names = {}
    for object_type, ids in wanted.items():
        table, columns = NAMED[object_type]
        marks = ", ".join("?" * len(ids))
        sql = f"SELECT id, {columns} FROM {table} WHERE id IN ({marks})"
        for row in db.query(sql, sorted(ids)):
            names[(object_type, str(row["id"]))] = _name(object_type, row)
    return names
