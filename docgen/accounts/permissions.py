"""What each role may do where: the permission matrix as data, and the checks that read it."""

from __future__ import annotations

import sqlite_utils

from docgen.accounts.users import ROLES
from docgen.errors import Forbidden, NotFound

ACTIONS = {
    "read": "просматривать данные",
    "edit_registry": "изменять реестр",
    "create_document": "создавать документы",
    "register_document": "регистрировать документы",
    "approve": "утверждать документы",
    "manage": "настраивать журналы регистрации и шаблоны",
    "manage_users": "управлять пользователями",
}
# The permission matrix: (role, scope) -> allowed actions. Scope "own" is the user's
# organisation, "child" a school of the user's department, "any" every organisation.
PERMISSIONS: dict[tuple[str, str], frozenset[str]] = {
    ("admin", "any"): frozenset(ACTIONS),
    ("director", "own"): frozenset(
        {"read", "edit_registry", "create_document", "register_document", "approve", "manage"}
    ),
    ("curator", "own"): frozenset({"read", "edit_registry", "create_document"}),
    ("methodologist", "own"): frozenset({"read", "create_document"}),
    ("municipal", "own"): frozenset(
        {"read", "edit_registry", "create_document", "register_document"}
    ),
    ("municipal", "child"): frozenset({"read"}),
}


def _org(org: dict | int, db: sqlite_utils.Database | None) -> dict:
    if isinstance(org, dict):
        return org
    if db is None:
        raise ValueError("pass db to resolve an organisation id")
    row = next(db.query("SELECT * FROM organisations WHERE id = ?", [org]), None)
    if row is None:
        raise NotFound("Организация не найдена")
    return row


def scopes(user: dict, org: dict) -> set[str]:
    """How the user relates to the organisation: 'any', 'own', 'child'."""
    found = {"any"}
    if user.get("org_id") is not None:
        if org["id"] == user["org_id"]:
            found.add("own")
        if org.get("parent_id") is not None and org["parent_id"] == user["org_id"]:
            found.add("child")
    return found


def allowed_actions(
    user: dict, org: dict | int, db: sqlite_utils.Database | None = None
) -> set[str]:
    org = _org(org, db)
    allowed: set[str] = set()
    for scope in scopes(user, org):
        allowed |= PERMISSIONS.get((user["role"], scope), frozenset())
    return allowed


def can(
    user: dict | None, action: str, org: dict | int, db: sqlite_utils.Database | None = None
) -> bool:
    """Whether the user may do `action` on the organisation (a dict, or an id with db)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action: {action}")
    if not user:
        return False
    return action in allowed_actions(user, org, db)


def require(
    user: dict | None, action: str, org: dict | int, db: sqlite_utils.Database | None = None
) -> None:
    """Raise Forbidden with a Russian explanation unless can(...)."""
    if can(user, action, org, db):
        return
    if not user:
        raise Forbidden("Войдите в систему")
    org = _org(org, db)
    name = org.get("short_name") or org.get("full_name") or "этой организации"
    raise Forbidden(
        f"Недостаточно прав: роль «{ROLES.get(user['role'], user['role'])}» не позволяет "
        f"{ACTIONS[action]} в организации «{name}»"
    )


# Tables whose rows belong to an organisation, and how to reach it.
_OWNER_SQL = {
    "organisation": "SELECT id AS org_id FROM organisations WHERE id = ?",
    "person": "SELECT org_id FROM people WHERE id = ?",
    "document": "SELECT org_id FROM documents WHERE id = ?",
    "group": "SELECT org_id FROM mentoring_groups WHERE id = ?",
    "consent": "SELECT people.org_id FROM consents JOIN people ON people.id = person_id "
    "WHERE consents.id = ?",
    "series": "SELECT org_id FROM series WHERE id = ?",
    "template_variant": "SELECT org_id FROM template_variants WHERE id = ?",
    "survey": "SELECT org_id FROM surveys WHERE id = ?",
}


def owner_org(db: sqlite_utils.Database, object_type: str, object_id: int) -> dict:
    """The organisation a person/document/group/consent/series/variant belongs to."""
    if object_type not in _OWNER_SQL:
        raise ValueError(f"unknown object type: {object_type}")
    row = next(db.query(_OWNER_SQL[object_type], [object_id]), None)
    if row is None:
        raise NotFound("Запись не найдена")
    return _org(row["org_id"], db)


def require_on(
    db: sqlite_utils.Database, user: dict | None, action: str, object_type: str, object_id: int
) -> dict:
    """require() on the organisation owning the object; returns that organisation."""
    org = owner_org(db, object_type, object_id)
    require(user, action, org, db)
    return org
