"""POST /api/check: a Word file in the multipart field `file`, its findings as JSON."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from docgen import checking
from docgen.errors import FieldErrors
from docgen.web import helpers
from docgen.web.api.endpoint import Unauthorized

bp = Blueprint("api_check", __name__, url_prefix="/api")


@bp.post("/check")
def check() -> Any:
    """Check an uploaded DOCX: {"findings": [{"rule", "level", "message", "excerpt"}]}.

    The check runs in a worker within the per-request limits: 422 with a Russian message at a
    limit, 503 when every checking worker is taken."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer ") or helpers.current_user() is None:
        raise Unauthorized("Нужен действующий токен: заголовок Authorization: Bearer <токен>.")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise FieldErrors("Нет файла.", fields={"file": ["Приложите файл .docx в поле file."]})
    result = checking.check_bounded(upload.read())
    return jsonify({"findings": [f.as_dict() for f in result.findings]})
