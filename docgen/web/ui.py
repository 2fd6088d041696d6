"""What the web pages share: sign-in guard, the organisation being worked on, CSRF, filters."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect

from docgen.accounts import permissions, users
from docgen.errors import DocgenError, FieldErrors, Forbidden
from docgen.registry import organisations
from docgen.web.base import current_user, error_response, get_db

csrf = CSRFProtect()


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
    value = (text or "").strip()
    try:
        if len(value) == 10 and value[2] == ".":
            return dt.datetime.strptime(value, "%d.%m.%Y").date()
        return dt.date.fromisoformat(value)
    except ValueError:
        message = f"{label}: укажите дату (ДД.ММ.ГГГГ)"
        raise FieldErrors(message, fields={field_name: [message]}) from None


def back(default: str) -> Any:
    """Redirect to the page the form came from when it is ours, else to `default`."""
    target = request.form.get("back") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(default)


def flash_error(err: DocgenError) -> None:
    flash(err.message, "error")


def ru_date(value: Any) -> str:
    """«2024-09-01» or «2024-09-01T10:00:00+00:00» -> «01.09.2024» (and the time, if any)."""
    if not value:
        return "—"
    text = str(value)
    try:
        if len(text) > 10:
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = moment.astimezone()
            return moment.strftime("%d.%m.%Y %H:%M")
        return dt.date.fromisoformat(text).strftime("%d.%m.%Y")
    except ValueError:
        return text


def _csrf_failed(err: CSRFError) -> Any:
    return error_response(
        400,
        "Форма устарела или отправлена не со страницы приложения. Обновите страницу и повторите.",
    )


def _protect() -> None:
    # The JSON API authenticates every call with a token and carries no cookie, so only
    # the pages need the token check.
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return
    if request.path.startswith("/api/") or request.path == "/api":
        return
    csrf.protect()


def _globals() -> dict[str, Any]:
    return {
        "me": current_user(),
        "can": can,
        "role_titles": users.ROLES,
        "switchable_orgs": switchable_orgs,
        "today": dt.date.today(),
    }


def init_app(app: Flask) -> None:
    """CSRF on every page form, cookie settings, template helpers and the pages' blueprints."""
    from docgen.web import admin, auth, bulk_pages, pages, registry_pages

    app.config.setdefault("WTF_CSRF_ENABLED", True)
    # The check runs in _protect so that the API is left out by path, whatever its blueprint.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(_protect)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.context_processor(_globals)
    app.add_template_filter(ru_date, "ru_date")
    for blueprint in (auth.bp, pages.bp, bulk_pages.bp, registry_pages.bp, admin.bp):
        app.register_blueprint(blueprint)
