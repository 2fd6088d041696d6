"""The page «Проверить документ»: upload a Word file, see each finding beside its paragraph."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from docgen import checking
from docgen.errors import FieldErrors
from docgen.rendering import sandbox
from docgen.web import helpers

bp = Blueprint("check", __name__)


@bp.route("/check", methods=["GET", "POST"])
@helpers.login_required
def check_page() -> Any:
    if request.method == "GET":
        return render_template("check.html", rows=None, error=None, filename="")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template(
            "check.html", rows=None, error="Выберите файл .docx.", filename=""
        ), 422
    try:
        # In a worker within the per-request limits: a huge file gets a message, not a thread.
        result = checking.check_bounded(upload.read())
    except FieldErrors as err:
        return render_template("check.html", rows=None, error=err.message, filename=""), 422
    except sandbox.Busy as err:
        return render_template("check.html", rows=None, error=err.message, filename=""), 503
    return render_template(
        "check.html",
        rows=_rows(result),
        findings=result.findings,
        errors=len(checking.blocking(result.findings)),
        error=None,
        filename=upload.filename,
    )


def _rows(result: checking.Checked) -> list[dict[str, Any]]:
    """The document's non-empty paragraphs, each with the findings about it."""
    by_paragraph: dict[int | None, list[checking.Finding]] = {}
    for finding in result.findings:
        by_paragraph.setdefault(finding.paragraph, []).append(finding)
    rows = [{"text": "", "findings": by_paragraph.pop(None, [])}] if None in by_paragraph else []
    for index, text in result.paragraphs:
        concerns = by_paragraph.get(index, [])
        if text or concerns:
            rows.append({"text": text, "findings": concerns})
    return rows
