"""The page «Проверить документ»: upload a Word file, see each finding beside its paragraph."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from docgen import checking
from docgen.checking.reader import read
from docgen.errors import FieldErrors
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
    content = upload.read()
    try:
        findings = checking.check_upload(content)
    except FieldErrors as err:
        return render_template("check.html", rows=None, error=err.message, filename=""), 422
    return render_template(
        "check.html",
        rows=_rows(content, findings),
        findings=findings,
        errors=len(checking.blocking(findings)),
        error=None,
        filename=upload.filename,
    )


def _rows(content: bytes, findings: list[checking.Finding]) -> list[dict[str, Any]]:
    """The document's non-empty paragraphs, each with the findings about it."""
    by_paragraph: dict[int | None, list[checking.Finding]] = {}
    for finding in findings:
        by_paragraph.setdefault(finding.paragraph, []).append(finding)
    rows = [{"text": "", "findings": by_paragraph.pop(None, [])}] if None in by_paragraph else []
    for paragraph in read(content).paragraphs:
        concerns = by_paragraph.get(paragraph.index, [])
        if paragraph.clean or concerns:
            rows.append({"text": paragraph.clean, "findings": concerns})
    return rows
