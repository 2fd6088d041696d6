"""Bulk generation: one button for many documents, a page that shows the progress, the files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from docgen import jobs as job_queue
from docgen.accounts import audit, permissions
from docgen.documents import archive, bulk, chosen
from docgen.errors import FieldErrors, NotFound
from docgen.kinds import catalog
from docgen.registry import people
from docgen.web import downloads, helpers
from docgen.web.helpers import get_db

bp = Blueprint("bulk_pages", __name__, url_prefix="/documents/bulk")


@bp.get("")
@helpers.login_required
def bulk_page() -> Any:
    org = helpers.org()
    permissions.require(helpers.user(), "create_document", org, get_db())
    return _page(org)


def _actions() -> dict[str, bulk.Action]:
    """The bulk actions whose kind the user's role writes (a district officer writes none)."""
    role = helpers.user()["role"]
    return {
        code: action
        for code, action in bulk.ACTIONS.items()
        if role in catalog.get(action.kind).roles
    }


def _page(org: dict, errors: dict | None = None, status: int = 200) -> Any:
    db = get_db()
    actions = _actions()
    staff = [p for p in people.list_people(db, org["id"]) if p["category"] == "педагог"]
    jobs = list(
        db.query("SELECT * FROM bulk_jobs WHERE org_id = ? ORDER BY id DESC LIMIT 10", [org["id"]])
    )
    today = dt.date.today()
    candidates = {
        code: chosen.candidates(db, org["id"], today, action) for code, action in actions.items()
    }
    # After a refused start the boxes of that action stay as the user left them.
    kept = None
    if request.method == "POST" and request.form.get("choose"):
        kept = (request.form.get("action"), set(request.form.getlist("person_ids")))
    return (
        render_template(
            "bulk.html",
            actions=actions,
            staff=staff,
            jobs=jobs,
            errors=errors or {},
            candidates=candidates,
            kept=kept,
            # «Согласия на обработку персональных данных»: the action's title before « — ».
            kind_titles={a.kind: a.title.split(" — ")[0] for a in bulk.ACTIONS.values()},
        ),
        status,
    )


def _person_ids() -> list[int] | None:
    """The people ticked on the page, or None when the action's form has no list."""
    if not request.form.get("choose"):
        return None
    try:
        return [int(value) for value in request.form.getlist("person_ids")]
    except ValueError:
        message = "Неверный выбор людей: обновите страницу и отметьте их снова."
        raise FieldErrors(message, fields={"person_ids": [message]}) from None


@bp.post("")
@helpers.login_required
def start() -> Any:
    org = helpers.org()
    try:
        job_id = bulk.start(
            current_app.config["DATABASE"],
            helpers.user(),
            request.form.get("action", ""),
            org["id"],
            dt.date.today(),
            {"curator_id": request.form.get("curator_id", "")},
            enqueue=job_queue.current().enqueue_bulk,
            person_ids=_person_ids(),
        )
    except FieldErrors as err:
        return _page(org, err.fields, 422)
    return redirect(url_for("bulk_pages.job_page", job_id=job_id))


def _job(job_id: int) -> dict:
    return bulk.get_job(get_db(), job_id, helpers.org()["id"])


@bp.get("/<id:job_id>")
@helpers.login_required
def job_page(job_id: int) -> Any:
    return render_template("bulk_job.html", job=_job(job_id))


@bp.get("/<id:job_id>.json")
@helpers.login_required
def job_status(job_id: int) -> Any:
    job = _job(job_id)
    keys = ("status", "phase", "done", "total", "errors", "message")
    return jsonify({key: job[key] for key in keys})


@bp.get("/<id:job_id>/<name>.<fmt>")
@helpers.login_required
def job_file(job_id: int, name: str, fmt: str) -> Any:
    job = _job(job_id)
    column = {"zip": "zip_sha256", "pdf": "pdf_sha256"}.get(fmt)
    if column is None or not job[column]:
        raise NotFound("Файла нет: задание ещё не завершено или завершилось ошибкой.")
    content = archive.get_file(get_db(), job[column])
    audit.record(get_db(), helpers.user()["id"], "download", "bulk_job", job_id, fmt)
    mime = bulk.ZIP_MIME if fmt == "zip" else archive.PDF_MIME
    return downloads.send(content, f"{name}.{fmt}", mime)
