"""Organisations in the registry: schools and the education departments they answer to.

Every write validates first and raises FieldErrors (Russian, per field) before touching
the database.
"""

from __future__ import annotations

import sqlite_utils

from docgen.db import now_iso, transaction
from docgen.errors import NotFound
from docgen.registry.common import field_error, first_row
from docgen.registry.schemas import OrganisationSchema, stored


def create_organisation(db: sqlite_utils.Database, data: dict) -> int:
    """Add a school or an education department; a school may name its department."""
    clean = OrganisationSchema().load_or_raise(data)
    _check_parent(db, clean)
    record = {**clean, "head_acting": int(clean["head_acting"]), "created_at": now_iso()}
    with transaction(db):
        return db["organisations"].insert(record).last_pk


def update_organisation(db: sqlite_utils.Database, org_id: int, data: dict) -> None:
    """Change an organisation's requisites (fields not given stay as they are)."""
    current = get_organisation(db, org_id)
    schema = OrganisationSchema()
    merged = {k: v for k, v in stored(current, schema).items() if k not in ("id", "created_at")}
    clean = schema.load_or_raise(merged | data)
    if clean.get("parent_id") == org_id:
        raise field_error(
            "parent_id", "Орган управления образованием: не может быть самой организацией"
        )
    _check_parent(db, clean)
    with transaction(db):
        db["organisations"].update(org_id, {**clean, "head_acting": int(clean["head_acting"])})


def _check_parent(db: sqlite_utils.Database, clean: dict) -> None:
    parent_id = clean.get("parent_id")
    if parent_id is None:
        return
    if clean["kind"] != "school":
        raise field_error(
            "parent_id", "Орган управления образованием: указывается только для школы"
        )
    parent = first_row(db, "SELECT * FROM organisations WHERE id = ?", [parent_id])
    if parent is None or parent["kind"] != "department":
        raise field_error(
            "parent_id", "Орган управления образованием: такого органа управления нет в реестре"
        )


def get_organisation(db: sqlite_utils.Database, org_id: int) -> dict:
    org = first_row(db, "SELECT * FROM organisations WHERE id = ?", [org_id])
    if org is None:
        raise NotFound("Организация не найдена")
    return org


def list_schools(db: sqlite_utils.Database, department_id: int) -> list[dict]:
    """Schools subordinate to an education department, by name."""
    return list(
        db.query(
            "SELECT * FROM organisations WHERE kind = 'school' AND parent_id = ? "
            "ORDER BY full_name",
            [department_id],
        )
    )


def list_organisations(db: sqlite_utils.Database, *, kind: str | None = None) -> list[dict]:
    sql = "SELECT * FROM organisations"
    params: list = []
    if kind:
        sql += " WHERE kind = ?"
        params.append(kind)
    return list(db.query(sql + " ORDER BY kind, full_name", params))
