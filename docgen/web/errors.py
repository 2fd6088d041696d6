"""The one error path: a DocgenError, an HTTP error or a refused form becomes a page or JSON.

Every JSON error has one shape, `{"error": "…", "fields": {"path": ["…"]}}` (fields only
when some are named); the route (/api/…) or the Accept header chooses JSON over a page.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from docgen.errors import DocgenError, FieldErrors, field_paths

HTTP_MESSAGES = {
    400: "Неверный запрос.",
    401: "Войдите в систему.",
    403: "Недостаточно прав.",
    404: "Страница не найдена.",
    405: "Метод не поддерживается.",
    413: "Файл слишком большой.",
    429: "Слишком много попыток. Повторите позже.",
}
CSRF_MESSAGE = (
    "Форма устарела или отправлена не со страницы приложения. Обновите страницу и повторите."
)
# A number in a form (e.g. a person's registry id) too large for SQLite: bad input, not a bug.
OVERFLOW_MESSAGE = "Слишком большое число в запросе."


def load(schema: Schema, data: Any, message: str = "Исправьте ошибки в полях запроса.") -> Any:
    """Validate with a schema; marshmallow's messages travel on as the FieldErrors' fields."""
    try:
        return schema.load(data)
    except ValidationError as err:
        raise FieldErrors(message, fields=err.messages) from err


def wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(
    status: int, message: str, fields: Any = None, headers: dict[str, str] | None = None
) -> Any:
    """The error as JSON or as the error page; `fields` may be marshmallow's nested messages."""
    paths = field_paths(fields) if fields else {}
    if not wants_json():
        page = render_template("error.html", status=status, message=message, fields=paths)
        return page, status, headers or {}
    body: dict[str, Any] = {"error": message}
    if paths:
        body["fields"] = paths
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="docgen"'
    return response


def _http_headers(err: HTTPException) -> dict[str, str]:
    """What an HTTP error must say besides its body: `Allow` on a 405 (RFC 9110)."""
    if isinstance(err, MethodNotAllowed) and err.valid_methods:
        return {"Allow": ", ".join(sorted(err.valid_methods))}
    return {}


def handle(err: Exception) -> Any:
    """The one handler: registered for every error a person may cause."""
    if isinstance(err, DocgenError):
        return error_response(err.status, err.message, err.fields)
    if isinstance(err, CSRFError):
        return error_response(400, CSRF_MESSAGE)
    if isinstance(err, OverflowError):
        return error_response(FieldErrors.status, OVERFLOW_MESSAGE)
    if isinstance(err, HTTPException):
        status = err.code or 500
        message = HTTP_MESSAGES.get(status, err.description or "Ошибка.")
        return error_response(status, message, headers=_http_headers(err))
    raise err


def init_app(app: Flask) -> None:
    for kind in (DocgenError, HTTPException, OverflowError):
        app.register_error_handler(kind, handle)
