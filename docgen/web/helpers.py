"""What the views share: the database of the request, the signed-in user, the organisation."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

import sqlite_utils
from flask import current_app, flash, g, redirect, request, session, url_for

from docgen import dates
from docgen import db as database
from docgen.accounts import permissions, users
from docgen.errors import DocgenError, FieldErrors, Forbidden
from docgen.registry import organisations
from docgen.web import security


def get_db() -> sqlite_utils.Database:
    """The database of this request: the thread's own connection, kept between requests."""
    if "db" not in g:
        g.db = database.thread_connection(current_app.config["DATABASE"])
    return g.db


def close_db(_error: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        database.release(db)


def current_user() -> dict | None:
    """The user of this request: by API token (Authorization: Bearer …) or by session.

    A session counts only while its session version is the user's: logout, a password change
    and blocking bump the version, which ends every session of the user at once.
    """
    if "user" in g:
        return g.user
    user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = users.user_by_token(get_db(), header.removeprefix("Bearer ").strip())
    elif session.get("user_id"):
        user = users.session_user(get_db(), session["user_id"], session.get("session_version"))
        if user is None:
            session.clear()
    g.user = user
    return user


def start_session(user: dict, version: int) -> None:
    """Sign the user in on this browser with their current session version."""
    session.clear()
    session["user_id"] = user["id"]
    session["session_version"] = version
    g.user = user


def end_session() -> None:
    session.clear()
    g.user = None


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send a visitor who is not signed in to the sign-in page, then back."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_user() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def user() -> dict:
    found = current_user()
    if found is None:
        raise Forbidden("Войдите в систему")
    return found


def org() -> dict:
    """The organisation the user works on: their own, or the one an admin/municipal chose."""
    if "org" in g:
        return g.org
    me = user()
    db = get_db()
    chosen = session.get("org_id")
    found = None
    if chosen is not None:
        try:
            candidate = organisations.get_organisation(db, int(chosen))
        except DocgenError:
            candidate = None
        if candidate is not None and permissions.can(me, "read", candidate):
            found = candidate
    if found is None and me.get("org_id") is not None:
        found = organisations.get_organisation(db, me["org_id"])
    if found is None:
        schools = organisations.list_organisations(db, kind="school")
        if not schools:
            raise Forbidden("В реестре нет ни одной организации")
        found = schools[0]
    permissions.require(me, "read", found, db)
    g.org = found
    return found


def can(action: str, on: dict | None = None) -> bool:
    me = current_user()
    return bool(me) and permissions.can(me, action, on or org())


def switchable_orgs() -> list[dict]:
    """Organisations the user may switch to (admin: all; municipal: department and schools)."""
    me = current_user()
    if me is None or me["role"] not in ("admin", "municipal"):
        return []
    return [o for o in organisations.list_organisations(get_db()) if permissions.can(me, "read", o)]


def parse_date(text: str | None, field_name: str, label: str) -> dt.date:
    """A date typed as ДД.ММ.ГГГГ (or ISO); «Метка: такой даты нет.» for «31.02.2026»."""
    value = (text or "").strip()
    try:
        if not value:
            raise dates.DateError("укажите дату (ДД.ММ.ГГГГ)")
        return dates.check_year(dates.parse(value))
    except dates.DateError as err:
        message = f"{label}: {err}."
        raise FieldErrors(message, fields={field_name: [message]}) from None


def back(default: str) -> Any:
    """Redirect to the page the form came from when it is ours, else to `default`."""
    return redirect(security.local_path(request.form.get("back")) or default)


def flash_error(err: DocgenError) -> None:
    flash(err.message, "error")
