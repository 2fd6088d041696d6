"""Sign in and out, and change one's password.

A session holds the user's session version: «Выйти», a password change and blocking bump it,
so every session and API token of the user ends at once. Failed attempts are throttled per
(login, client address) and per client address (accounts/throttle.py).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from docgen import ru
from docgen.accounts import audit, throttle, users
from docgen.errors import FieldErrors, Forbidden
from docgen.web import helpers, security
from docgen.web.helpers import current_user, get_db

bp = Blueprint("auth", __name__)


def _accusative(minutes: int) -> str:
    """«1 минуту», «3 минуты», «15 минут»: the wait as said after «через»."""
    text = ru.plural(minutes, "минута")
    return text[: -len("минута")] + "минуту" if text.endswith("минута") else text


def client_address() -> str:
    """The client's address for throttling (behind a proxy: see TRUSTED_PROXIES)."""
    return request.remote_addr or ""


def locked_message(until: dt.datetime, now: dt.datetime) -> str:
    minutes = max(1, math.ceil((until - now).total_seconds() / 60))
    return f"Слишком много попыток, повторите через {_accusative(minutes)}"


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        if current_user() is not None:
            return redirect(url_for("pages.home"))
        next_path = security.local_path(request.args.get("next"))
        return render_template("login.html", login="", error=None, next=next_path)
    db = get_db()
    login_name = (request.form.get("login") or "").strip()
    password = request.form.get("password") or ""
    now = dt.datetime.now(dt.UTC)
    address = client_address()
    next_path = security.local_path(request.form.get("next"))
    try:
        found = users.authenticate(db, login_name, password, now, address=address)
    except Forbidden as blocked:
        audit.record(db, None, "login_failed", "user", None, f"{login_name[:64]} {address}")
        page = render_template(
            "login.html", login=login_name, error=blocked.message, next=next_path
        )
        return page, 403
    if found is None:
        until = users.locked_until(db, login_name, now, address=address)
        error = locked_message(until, now) if until else "Неверный логин или пароль."
        audit.record(db, None, "login_failed", "user", None, f"{login_name[:64]} {address}")
        page = render_template("login.html", login=login_name, error=error, next=next_path)
        return page, 429 if until else 401
    helpers.start_session(found, found["session_version"])
    audit.record(db, found["id"], "login", "user", found["id"], address)
    return redirect(next_path or url_for("pages.home"))


@bp.post("/logout")
def logout() -> Any:
    """«Выйти»: ends every session and the API token of the user, on every device."""
    me = current_user()
    if me is not None:
        db = get_db()
        users.logout_everywhere(db, me["id"])
        audit.record(db, me["id"], "logout", "user", me["id"])
    helpers.end_session()
    return redirect(url_for("auth.login"))


def _password_page(errors: dict, status: int = 200) -> Any:
    page = render_template("password.html", errors=errors, min_length=users.MIN_PASSWORD_LENGTH)
    return page, status


@bp.route("/password", methods=["GET", "POST"])
@helpers.login_required
def password() -> Any:
    """«Сменить пароль»: the current password, the new one twice."""
    if request.method == "GET":
        return _password_page({})
    me = helpers.user()
    form = request.form
    new, repeat = form.get("new_password") or "", form.get("repeat_password") or ""
    db = get_db()
    # Wrong current passwords count like wrong passwords at sign-in: a borrowed session must
    # not become a way to guess the password.
    now, address = dt.datetime.now(dt.UTC), client_address()
    until = users.locked_until(db, me["login"], now, address=address)
    if until is not None:
        return _password_page({"old_password": [locked_message(until, now)]}, 429)
    try:
        if new != repeat:
            message = "Повтор пароля: не совпадает с новым паролем"
            raise FieldErrors(message, fields={"repeat_password": [message]})
        version = users.change_password(db, me["id"], form.get("old_password") or "", new)
    except FieldErrors as err:
        if "old_password" in err.fields:
            throttle.record_failure(db, me["login"], now, address)
        return _password_page(err.fields, 422)
    audit.record(db, me["id"], "password_change", "user", me["id"])
    # This browser stays signed in; every other session and the API token have ended.
    helpers.start_session(me, version)
    flash("Пароль изменён. На других устройствах нужно войти заново.", "ok")
    return redirect(url_for("pages.home"))
