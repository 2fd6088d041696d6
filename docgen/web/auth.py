"""Sign in and out with the session cookie; failed attempts lock the login for a while."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from flask import Blueprint, redirect, render_template, request, session, url_for

from docgen import ru
from docgen.accounts import audit, users
from docgen.web.helpers import current_user, get_db

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("pages.home")


def _accusative(minutes: int) -> str:
    """«1 минуту», «3 минуты», «15 минут»: the wait as said after «через»."""
    text = ru.plural(minutes, "минута")
    return text[: -len("минута")] + "минуту" if text.endswith("минута") else text


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    if request.method == "GET":
        if current_user() is not None:
            return redirect(url_for("pages.home"))
        return render_template("login.html", login="", error=None, next=request.args.get("next"))
    db = get_db()
    login_name = (request.form.get("login") or "").strip()
    password = request.form.get("password") or ""
    now = dt.datetime.now(dt.UTC)
    found = users.authenticate(db, login_name, password, now)
    if found is None:
        until = users.locked_until(db, login_name, now)
        if until is not None:
            minutes = max(1, math.ceil((until - now).total_seconds() / 60))
            error = f"Слишком много попыток, повторите через {_accusative(minutes)}"
        else:
            error = "Неверный логин или пароль."
        audit.record(db, None, "login_failed", "user", None, login_name[:64])
        page = render_template(
            "login.html", login=login_name, error=error, next=request.form.get("next")
        )
        return page, 429 if until else 401
    session.clear()
    session["user_id"] = found["id"]
    audit.record(db, found["id"], "login", "user", found["id"])
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> Any:
    me = current_user()
    if me is not None:
        audit.record(get_db(), me["id"], "logout", "user", me["id"])
    session.clear()
    return redirect(url_for("auth.login"))
