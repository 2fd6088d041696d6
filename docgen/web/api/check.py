"""POST /api/check: a Word file in the multipart field `file`, its findings as JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from docgen import checking
from docgen.errors import DocgenError, FieldErrors
from docgen.web import base as web

bp = Blueprint("api_check", __name__, url_prefix="/api")


class Unauthorized(DocgenError):
    """No valid bearer token."""

    status = 401


@bp.record_once
def _exempt(state: Any) -> None:
    # API clients authenticate with a bearer token, never a cookie: form CSRF does not apply.
    csrf = state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)


@bp.post("/check")
def check() -> Any:
    """Check an uploaded DOCX: {"findings": [{"rule", "level", "message", "excerpt"}]}."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or web.current_user() is None:
        raise Unauthorized("Нужен действующий токен: заголовок Authorization: Bearer <токен>.")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise FieldErrors("Нет файла.", fields={"file": ["Приложите файл .docx в поле file."]})
    findings = checking.check_upload(upload.read())
    return jsonify({"findings": [f.as_dict() for f in findings]})
