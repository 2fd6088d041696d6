"""Users, roles, permissions, API tokens and the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

import sqlite_utils
from werkzeug.security import check_password_hash, generate_password_hash

from docgen.db import now_iso, transaction
from docgen.errors import FieldErrors, Forbidden, NotFound

ROLES = {
    "director": "Директор",
    "curator": "Куратор",
    "methodologist": "Методист",
    "municipal": "Специалист органа управления образованием",
    "admin": "Администратор",
}
# Which organisation kind a user of the role belongs to (None: no organisation).
ROLE_ORG_KIND = {
    "director": "school",
    "curator": "school",
    "methodologist": "school",
    "municipal": "department",
    "admin": None,
}
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

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 8
LOGIN_RE = re.compile(r"^[A-Za-z0-9._@-]{3,64}$")
# Checked against when the login is unknown, so both paths cost one hash check.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


def _public(user: dict | None) -> dict | None:
    if user is None:
        return None
    return {k: v for k, v in user.items() if k not in ("password_hash", "api_token_hash")} | {
        "role_title": ROLES.get(user["role"], user["role"])
    }


def _errors(fields: dict[str, list[str]]) -> FieldErrors:
    return FieldErrors("; ".join(m for ms in fields.values() for m in ms), fields=fields)


def create_user(
    db: sqlite_utils.Database,
    login: str,
    password: str,
    role: str,
    org_id: int | None,
    full_name: str,
) -> int:
    """Add a user; the role decides which kind of organisation they must belong to."""
    login = (login or "").strip()
    full_name = " ".join((full_name or "").split())
    errors: dict[str, list[str]] = {}
    if not LOGIN_RE.match(login):
        errors["login"] = [
            "Логин: от 3 до 64 символов — латинские буквы, цифры, точка, дефис, @, подчёркивание"
        ]
    elif db["users"].count_where("login = ?", [login]):
        errors["login"] = ["Логин: такой логин уже занят"]
    if len(password or "") < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"Пароль: не короче {MIN_PASSWORD_LENGTH} символов"]
    if not full_name:
        errors["full_name"] = ["ФИО: обязательное поле"]
    if role not in ROLES:
        errors["role"] = ["Роль: допустимые значения — " + ", ".join(ROLES.values())]
    else:
        needed = ROLE_ORG_KIND[role]
        org = (
            next(db.query("SELECT * FROM organisations WHERE id = ?", [org_id]), None)
            if org_id is not None
            else None
        )
        if needed is None and org_id is not None:
            errors["org_id"] = ["Организация: администратор не привязывается к организации"]
        elif needed is not None and (org is None or org["kind"] != needed):
            what = "школу" if needed == "school" else "орган управления образованием"
            errors["org_id"] = [f"Организация: для роли «{ROLES[role]}» выберите {what}"]
    if errors:
        raise _errors(errors)
    with transaction(db):
        return (
            db["users"]
            .insert(
                {
                    "login": login,
                    "password_hash": generate_password_hash(password),
                    "full_name": full_name,
                    "role": role,
                    "org_id": org_id,
                    "failed_logins": 0,
                    "created_at": now_iso(),
                }
            )
            .last_pk
        )


def get_user(db: sqlite_utils.Database, user_id: int) -> dict:
    """The user without secrets, plus `role_title`."""
    row = next(db.query("SELECT * FROM users WHERE id = ?", [user_id]), None)
    if row is None:
        raise NotFound("Пользователь не найден")
    return _public(row)


def list_users(db: sqlite_utils.Database, *, org_id: int | None = None) -> list[dict]:
    sql = "SELECT * FROM users"
    params: list = []
    if org_id is not None:
        sql += " WHERE org_id = ?"
        params.append(org_id)
    return [_public(row) for row in db.query(sql + " ORDER BY login", params)]


def set_password(db: sqlite_utils.Database, user_id: int, password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise _errors({"password": [f"Пароль: не короче {MIN_PASSWORD_LENGTH} символов"]})
    get_user(db, user_id)
    with transaction(db):
        db["users"].update(
            user_id,
            {
                "password_hash": generate_password_hash(password),
                "failed_logins": 0,
                "locked_until": None,
            },
        )


def locked_until(db: sqlite_utils.Database, login: str, now: dt.datetime) -> dt.datetime | None:
    """When the login's lockout ends, if it is locked at `now` (for the message to show)."""
    row = next(db.query("SELECT locked_until FROM users WHERE login = ?", [login]), None)
    if row is None or not row["locked_until"]:
        return None
    until = dt.datetime.fromisoformat(row["locked_until"])
    return until if _aware(now) < until else None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def authenticate(
    db: sqlite_utils.Database, login: str, password: str, now: dt.datetime
) -> dict | None:
    """The user if the password is right and the login not locked; None otherwise.

    Five wrong passwords in a row lock the login for 15 minutes (see locked_until()).
    """
    now = _aware(now)
    with transaction(db):
        user = next(db.query("SELECT * FROM users WHERE login = ?", [(login or "").strip()]), None)
        if user is None:
            check_password_hash(_DUMMY_HASH, password or "")
            return None
        if user["locked_until"] and now < dt.datetime.fromisoformat(user["locked_until"]):
            return None
        if check_password_hash(user["password_hash"], password or ""):
            db["users"].update(user["id"], {"failed_logins": 0, "locked_until": None})
            return _public({**user, "failed_logins": 0, "locked_until": None})
        failed = user["failed_logins"] + 1
        if failed >= MAX_FAILED_LOGINS:
            db["users"].update(
                user["id"],
                {"failed_logins": 0, "locked_until": (now + LOCKOUT).isoformat()},
            )
        else:
            db["users"].update(user["id"], {"failed_logins": failed})
        return None


def _token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough to make a leaked table useless.
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(db: sqlite_utils.Database, user_id: int) -> str:
    """A new API token for the user (the previous one stops working); only its hash is kept."""
    get_user(db, user_id)
    token = secrets.token_urlsafe(32)
    with transaction(db):
        db["users"].update(user_id, {"api_token_hash": _token_hash(token)})
    return token


def revoke_token(db: sqlite_utils.Database, user_id: int) -> None:
    with transaction(db):
        db["users"].update(user_id, {"api_token_hash": None})


def user_by_token(db: sqlite_utils.Database, token: str) -> dict | None:
    if not token:
        return None
    row = next(db.query("SELECT * FROM users WHERE api_token_hash = ?", [_token_hash(token)]), None)
    return _public(row)


# --- permissions ----------------------------------------------------------------


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


def audit(
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


def audit_log(
    db: sqlite_utils.Database,
    *,
    object_type: str | None = None,
    object_id: int | str | None = None,
    limit: int = 200,
) -> list[dict]:
    sql = "SELECT * FROM audit WHERE 1 = 1"
    params: list = []
    if object_type:
        sql += " AND object_type = ?"
        params.append(object_type)
    if object_id is not None:
        sql += " AND object_id = ?"
        params.append(str(object_id))
    return list(db.query(sql + " ORDER BY id DESC LIMIT ?", [*params, limit]))
