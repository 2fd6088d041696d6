"""What every request shares: the database connection, the signed-in user, the error handler."""

from __future__ import annotations

from typing import Any

import sqlite_utils
from flask import Flask, current_app, g, jsonify, render_template, request, session
from werkzeug.exceptions import HTTPException

from docgen import db as database
from docgen.accounts import users
from docgen.errors import DocgenError


def get_db() -> sqlite_utils.Database:
    """One connection per request, opened on first use."""
    if "db" not in g:
        g.db = database.connect(current_app.config["DATABASE"])
    return g.db


def close_db(_error: BaseException | None = None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.conn.close()


def current_user() -> dict | None:
    """The user of this request: by API token (Authorization: Bearer …) or by session."""
    if "user" in g:
        return g.user
    user = None
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        user = users.user_by_token(get_db(), header.removeprefix("Bearer ").strip())
    elif session.get("user_id"):
        try:
            user = users.get_user(get_db(), session["user_id"])
        except DocgenError:
            session.clear()
    g.user = user
    return user


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, message: str, fields: dict[str, Any] | None = None):
    if wants_json():
        body: dict[str, Any] = {"error": message}
        if fields:
            body["fields"] = fields
        return jsonify(body), status
    return render_template(
        "error.html", status=status, message=message, fields=fields or {}
    ), status


def _docgen_error(err: DocgenError):
    return error_response(err.status, err.message, err.fields)


HTTP_MESSAGES = {
    400: "Неверный запрос.",
    401: "Войдите в систему.",
    403: "Недостаточно прав.",
    404: "Страница не найдена.",
    405: "Метод не поддерживается.",
    413: "Файл слишком большой.",
    429: "Слишком много попыток. Повторите позже.",
}


def _http_error(err: HTTPException):
    status = err.code or 500
    return error_response(status, HTTP_MESSAGES.get(status, err.description or "Ошибка."))


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)
    app.register_error_handler(DocgenError, _docgen_error)
    app.register_error_handler(HTTPException, _http_error)
