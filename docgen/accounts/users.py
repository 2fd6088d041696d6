"""Users: accounts, passwords, sessions, blocking and API tokens."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import secrets

import sqlite_utils
from werkzeug.security import check_password_hash, generate_password_hash

from docgen.accounts import throttle
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
# Wrong passwords in a row after which a login is locked from that client address.
MAX_FAILED_LOGINS = throttle.MAX_FAILED_LOGINS
MIN_PASSWORD_LENGTH = 8
LOGIN_RE = re.compile(r"^[A-Za-z0-9._@-]{3,64}$")
TOKEN_LIFETIME = dt.timedelta(days=30)


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the login is unknown, so both paths cost one hash check."""
    return generate_password_hash("not-a-real-password")


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
    errors |= _role_errors(db, role, org_id)
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


def _role_errors(db: sqlite_utils.Database, role: str, org_id: int | None) -> dict[str, list[str]]:
    """The role must be known and the organisation of the kind the role belongs to."""
    if role not in ROLES:
        return {"role": ["Роль: допустимые значения — " + ", ".join(ROLES.values())]}
    needed = ROLE_ORG_KIND[role]
    org = (
        next(db.query("SELECT * FROM organisations WHERE id = ?", [org_id]), None)
        if org_id is not None
        else None
    )
    if needed is None and org_id is not None:
        return {"org_id": ["Организация: администратор не привязывается к организации"]}
    if needed is not None and (org is None or org["kind"] != needed):
        what = "школу" if needed == "school" else "орган управления образованием"
        return {"org_id": [f"Организация: для роли «{ROLES[role]}» выберите {what}"]}
    return {}


def update_user(
    db: sqlite_utils.Database, user_id: int, *, role: str, org_id: int | None, full_name: str
) -> None:
    """An administrator's edit of the role, the organisation and the name (checked as on create).

    Permissions are read from the users row on every request, so the change takes effect at once.
    """
    get_user(db, user_id)
    full_name = " ".join((full_name or "").split())
    errors: dict[str, list[str]] = {}
    if not full_name:
        errors["full_name"] = ["ФИО: обязательное поле"]
    errors |= _role_errors(db, role, org_id)
    if errors:
        raise _errors(errors)
    with transaction(db):
        db["users"].update(user_id, {"role": role, "org_id": org_id, "full_name": full_name})


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


def _now(now: dt.datetime | None) -> dt.datetime:
    return throttle.aware(now) if now is not None else dt.datetime.now(dt.UTC)


def _password_errors(field: str, label: str, password: str) -> dict[str, list[str]]:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return {field: [f"{label}: не короче {MIN_PASSWORD_LENGTH} символов"]}
    return {}


def _end_sessions(db: sqlite_utils.Database, user_id: int, changes: dict | None = None) -> int:
    """Bump the session version and drop the API token, in the caller's transaction."""
    db.execute(
        "UPDATE users SET session_version = session_version + 1, api_token_hash = NULL, "
        "api_token_expires_at = NULL WHERE id = ?",
        [user_id],
    )
    if changes:
        db["users"].update(user_id, changes)
    return db.execute("SELECT session_version FROM users WHERE id = ?", [user_id]).fetchone()[0]


def set_password(db: sqlite_utils.Database, user_id: int, password: str) -> int:
    """An administrator's reset: new password, every session and token ended, locks lifted.

    Returns the new session version.
    """
    errors = _password_errors("password", "Пароль", password)
    if errors:
        raise _errors(errors)
    user = get_user(db, user_id)
    with transaction(db):
        version = _end_sessions(db, user_id, {"password_hash": generate_password_hash(password)})
        throttle.clear_login(db, user["login"])
    return version


def change_password(db: sqlite_utils.Database, user_id: int, old: str, new: str) -> int:
    """The user's own change: the current password first; every other session and token ends.

    Returns the new session version, for the session that made the change to keep.
    """
    row = next(db.query("SELECT password_hash FROM users WHERE id = ?", [user_id]), None)
    if row is None:
        raise NotFound("Пользователь не найден")
    errors: dict[str, list[str]] = {}
    if not check_password_hash(row["password_hash"], old or ""):
        errors["old_password"] = ["Текущий пароль: неверный"]
    errors |= _password_errors("new_password", "Новый пароль", new)
    if not errors and new == old:
        errors["new_password"] = ["Новый пароль: должен отличаться от текущего"]
    if errors:
        raise _errors(errors)
    with transaction(db):
        return _end_sessions(db, user_id, {"password_hash": generate_password_hash(new)})


def logout_everywhere(db: sqlite_utils.Database, user_id: int) -> int:
    """End every session and the API token of the user; returns the new session version."""
    get_user(db, user_id)
    with transaction(db):
        return _end_sessions(db, user_id)


def block_user(db: sqlite_utils.Database, user_id: int, now: dt.datetime | None = None) -> None:
    """Refuse the user's logins, sessions and token until unblocked."""
    get_user(db, user_id)
    with transaction(db):
        _end_sessions(db, user_id, {"blocked_at": _now(now).isoformat(timespec="seconds")})


def unblock_user(db: sqlite_utils.Database, user_id: int) -> None:
    get_user(db, user_id)
    with transaction(db):
        db["users"].update(user_id, {"blocked_at": None})


def session_user(db: sqlite_utils.Database, user_id: int, version: int | None) -> dict | None:
    """The user of a session cookie, or None if it was ended (logout, password, block)."""
    row = next(db.query("SELECT * FROM users WHERE id = ?", [user_id]), None)
    if row is None or row["blocked_at"] or version != row["session_version"]:
        return None
    return _public(row)


def locked_until(
    db: sqlite_utils.Database, login: str, now: dt.datetime, address: str = ""
) -> dt.datetime | None:
    """When the lockout of the login from the address ends, if locked at `now` (for the message)."""
    return throttle.locked_until(db, login, now, address)


BLOCKED = "Учётная запись заблокирована. Обратитесь к администратору."


def authenticate(
    db: sqlite_utils.Database, login: str, password: str, now: dt.datetime, address: str = ""
) -> dict | None:
    """The user if the password is right and nothing locked, else None; Forbidden (BLOCKED)
    if the password is right but an administrator blocked the user.

    Unknown logins cost the same hash check and are throttled the same way (see throttle).
    """
    login = (login or "").strip()
    if throttle.locked_until(db, login, now, address) is not None:
        return None
    user = next(db.query("SELECT * FROM users WHERE login = ?", [login]), None)
    stored = user["password_hash"] if user else _dummy_hash()
    # The hash is checked outside the write transaction: scrypt takes a while, and the
    # write lock is shared by every writer of the database.
    right = check_password_hash(stored, password or "")
    if user is None or not right:
        throttle.record_failure(db, login, now, address)
        return None
    if user["blocked_at"]:  # told only to whoever knows the password
        raise Forbidden(BLOCKED)
    throttle.record_success(db, login, address)
    return _public(user)


def _token_hash(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough to make a leaked table useless.
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    db: sqlite_utils.Database,
    user_id: int,
    *,
    now: dt.datetime | None = None,
    lifetime: dt.timedelta = TOKEN_LIFETIME,
) -> str:
    """A new API token valid for `lifetime` (the previous one stops working); only its hash is kept."""
    user = get_user(db, user_id)
    if user["blocked_at"]:
        raise Forbidden(BLOCKED)
    token = secrets.token_urlsafe(32)
    expires = (_now(now) + lifetime).isoformat(timespec="seconds")
    with transaction(db):
        db["users"].update(
            user_id, {"api_token_hash": _token_hash(token), "api_token_expires_at": expires}
        )
    return token


def revoke_token(db: sqlite_utils.Database, user_id: int) -> None:
    with transaction(db):
        db["users"].update(user_id, {"api_token_hash": None, "api_token_expires_at": None})


def user_by_token(
    db: sqlite_utils.Database, token: str, now: dt.datetime | None = None
) -> dict | None:
    """The token's user, unless the token is unknown, expired or its user blocked."""
    if not token:
        return None
    row = next(db.query("SELECT * FROM users WHERE api_token_hash = ?", [_token_hash(token)]), None)
    if row is None or row["blocked_at"] or not row["api_token_expires_at"]:
        return None
    if _now(now) >= dt.datetime.fromisoformat(row["api_token_expires_at"]):
        return None
    return _public(row)
