"""JSON API for bulk jobs: start one (POST /api/bulk), follow it (GET /api/bulk/<id>).

A job runs in the job queue; the answer to POST only says which job to follow.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, current_app, jsonify
from marshmallow import ValidationError, fields, validate, validates_schema

from docgen import jobs
from docgen.accounts import permissions
from docgen.documents import bulk
from docgen.errors import NotFound
from docgen.forms import Form, List, Str, field, one_of
from docgen.web.api import schemas
from docgen.web.api.endpoint import Call, endpoint

bp = Blueprint("api_bulk", __name__, url_prefix="/api")
PER_PERSON = ", ".join(code for code, action in bulk.ACTIONS.items() if action.person)
PROGRAMMES = "personal-programmes"
CURATOR_NEEDED = "Выберите куратора программ."


class BulkRequest(Form):
    org_id = schemas.Id(
        load_default=None,
        metadata=field("Организация", "По умолчанию — организация пользователя"),
    )
    action = Str(required=True, validate=one_of(tuple(bulk.ACTIONS)), metadata=field("Действие"))
    curator_id = schemas.Id(
        load_default=None,
        metadata=field("Куратор программ", "Для personal-programmes: id педагога из реестра"),
    )
    person_ids = List(
        schemas.Id(),
        load_default=None,
        validate=validate.Length(max=bulk.MAX_ITEMS, error=f"Не больше {bulk.MAX_ITEMS}."),
        metadata=field(
            "Для кого",
            "id людей организации из реестра: документы только для них (для consents — и тем, "
            "у кого согласие уже есть). Без списка — всем, кому действие делает документ само. "
            f"Только для действий по людям ({PER_PERSON}); человек другой организации или "
            "не подходящий действию — 422 с сообщением в fields.person_ids.",
        ),
    )

    json_rules = (
        schemas.when(
            "action",
            [PROGRAMMES],
            {"required": ["curator_id"], "properties": {"curator_id": {"type": "integer"}}},
        ),
    )

    @validates_schema
    def _curator(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("action") == PROGRAMMES and data.get("curator_id") is None:
            raise ValidationError({"curator_id": [CURATOR_NEEDED]})


class BulkStarted(schemas.Out):
    id = fields.Integer(metadata={"description": "Задание: GET /api/bulk/{id}"})


class BulkJobOut(schemas.Out):
    id = fields.Integer()
    status = fields.String(metadata={"description": "queued, running, done или failed"})
    done = fields.Integer(metadata={"description": "Обработано (не больше total)"})
    total = fields.Integer()
    message = fields.String(metadata={"description": "Итог или причина ошибки"})
    errors = fields.List(fields.String(), metadata={"description": "Какие документы не сделаны"})


@endpoint(
    bp, "POST", "/bulk", "Начать массовое формирование: задание в очереди", "Массовые действия",
    org="create_document", body=BulkRequest, response=BulkStarted, status=202,
    errors=(403, 404, 422), created="status",
    conflicts=(
        "куратор программ — педагог из реестра организации; выбранные люди (person_ids) — из "
        "этой организации, и действие к ним применимо; формировать есть что (не у всех "
        f"участников документы уже есть), и не больше {bulk.MAX_ITEMS} документов"
    ),
)  # fmt: skip
def start(call: Call) -> Response:
    job_id = bulk.start(
        current_app.config["DATABASE"],
        call.user or {},
        call.data["action"],
        call.org_id,
        dt.date.today(),
        {"curator_id": call.data["curator_id"] or ""},
        enqueue=jobs.current().enqueue_bulk,
        person_ids=call.data["person_ids"],
    )
    response = jsonify(BulkStarted().dump({"id": job_id}))
    response.status_code = 202
    response.headers["Location"] = f"/api/bulk/{job_id}"
    return response


@endpoint(
    bp, "GET", "/bulk/<id:job_id>", "Состояние задания массового формирования",
    "Массовые действия", response=BulkJobOut, errors=(404,),
)  # fmt: skip
def status(call: Call, job_id: int) -> dict[str, Any]:
    job = bulk.get_job(call.db, job_id)
    # Another school's job is not found rather than forbidden: its existence is not told.
    if not permissions.can(call.user, "read", job["org_id"], call.db):
        raise NotFound("Задание массовой генерации не найдено")
    return {**job, "done": min(job["done"], job["total"]), "message": job["message"] or ""}
