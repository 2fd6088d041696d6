"""JSON API of the satisfaction surveys: issue a survey, read its response rate, and answer
through a personal link (the link's token is the only credential the answer needs)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, Response, jsonify, request, url_for
from marshmallow import fields, validate

from docgen.errors import DocgenError
from docgen.forms import Date, Form, Int, List, Str, field, one_of
from docgen.registry import organisations
from docgen.surveys import answers, issuing, questionnaires, results
from docgen.web.api import schemas
from docgen.web.api.endpoint import Call, endpoint

bp = Blueprint("api_surveys", __name__, url_prefix="/api")


class TooManyAttempts(DocgenError):
    """Too many wrong or expired links from one address."""

    status = 429


class SurveyRequest(Form):
    org_id = Int(
        required=True,
        validate=validate.Range(min=1, max=schemas.MAX_ID, error="Нет записи с таким номером."),
        metadata=field("Школа"),
    )
    audience = Str(
        required=True, validate=one_of(tuple(questionnaires.AUDIENCES)), metadata=field("Кому")
    )
    stage = Str(
        required=True, validate=one_of(tuple(questionnaires.STAGES)), metadata=field("Этап")
    )
    group_ids = List(
        Int(validate=validate.Range(min=1, max=schemas.MAX_ID)),
        load_default=None,
        metadata=field("Пары и группы", "Не указаны — все действующие"),
    )
    closes_on = Date(load_default=None, metadata=field("Ответы до", "Пусто — через 14 дней"))
    extra_items = List(
        Str(max_length=300),
        load_default=list,
        metadata=field("Свои вопросы школы", "Оценка 1–10; «!» в начале — открытый вопрос"),
    )


class LinkOut(schemas.Out):
    person_id = fields.Integer()
    url = fields.String()


class RefusedOut(schemas.Out):
    person_id = fields.Integer()
    reason = fields.String()


class SurveyOut(schemas.Out):
    id = fields.Integer()
    org_id = fields.Integer()
    audience = fields.String()
    stage = fields.String()
    issued_on = fields.String()
    closes_on = fields.String()
    issued = fields.Integer(metadata={"description": "Выдано ссылок"})
    answered = fields.Integer(metadata={"description": "Ответили"})
    links = fields.List(fields.Nested(LinkOut))
    refused = fields.List(
        fields.Nested(RefusedOut), metadata={"description": "Кому ссылка не выдана и почему"}
    )


class ItemOut(schemas.Out):
    code = fields.String()
    text = fields.String()
    kind = fields.String(metadata={"description": "score (1–10), choice или text"})
    options = fields.List(fields.String())
    required = fields.Boolean()


class FormOut(schemas.Out):
    title = fields.String()
    organisation = fields.String()
    closes_on = fields.String()
    answered = fields.Boolean()
    who_sees = fields.String()
    items = fields.List(fields.Nested(ItemOut))


class AnswerRequest(Form):
    class Meta:
        unknown = "include"


class AnsweredOut(schemas.Out):
    id = fields.Integer()
    message = fields.String()


WHO_SEES = (
    "Ответы видит куратор наставничества школы. В отчёты и на сайт попадают только общие "
    "цифры; ответы обучающихся выгружаются без имён."
)


def link_url(token: str) -> str:
    return url_for("survey_answer.answer", token=token, _external=True)


def _survey_out(db: Any, survey_id: int, issued: issuing.Issued | None = None) -> Response:
    survey = issuing.get_survey(db, survey_id)
    rate = results.response_rate(db, survey_id)
    body = {
        **survey,
        "issued": rate.issued,
        "answered": rate.answered,
        "links": [{"person_id": x.person_id, "url": link_url(x.token)} for x in issued.links]
        if issued
        else [],
        "refused": [{"person_id": x.person_id, "reason": x.reason} for x in issued.refused]
        if issued
        else [],
    }
    response = jsonify(SurveyOut().dump(body))
    response.status_code = 201 if issued else 200
    response.headers["Cache-Control"] = "no-store"
    return response


@endpoint(
    bp, "POST", "/surveys", "Выдать анкету удовлетворённости: по ссылке на каждого участника",
    "Анкетирование", org="edit_registry", body=SurveyRequest, response=SurveyOut, status=201,
    errors=(403, 404, 422), created="get_survey",
    rules=(
        f"срок ответа — от сегодняшнего дня до {issuing.MAX_DAYS} дней; анкету выдаёт школа "
        "участникам её действующих пар и групп"
    ),
)  # fmt: skip
def create_survey(call: Call) -> Response:
    organisations.get_organisation(call.db, call.org_id)
    data = call.data
    issued = issuing.issue(
        call.db,
        call.org_id,
        data["audience"],
        data["stage"],
        on=dt.date.today(),
        group_ids=data["group_ids"],
        closes_on=data["closes_on"],
        extra=data["extra_items"],
        user_id=call.user["id"],
    )
    return _survey_out(call.db, issued.survey_id, issued)


@endpoint(
    bp, "GET", "/surveys/<id:survey_id>", "Анкетирование: сколько ссылок выдано и сколько ответили",
    "Анкетирование", on=("read", "survey"), response=SurveyOut, errors=(403, 404),
)  # fmt: skip
def get_survey(call: Call, survey_id: int) -> Response:
    return _survey_out(call.db, survey_id)


def _address() -> str:
    return request.remote_addr or "unknown"


def _open(db: Any, token: str) -> issuing.Opened:
    now = dt.datetime.now(dt.UTC)
    if issuing.throttled(db, _address(), now):
        raise TooManyAttempts("Слишком много неверных ссылок. Повторите позже.")
    try:
        return issuing.open_link(db, token, dt.date.today())
    except (issuing.LinkNotFound, issuing.LinkExpired):
        issuing.record_miss(db, _address(), now)
        raise


@endpoint(
    bp, "GET", "/surveys/answer/<token>", "Анкета по личной ссылке (без входа)", "Анкетирование",
    response=FormOut, public=True, errors=(404, 410, 429),
)  # fmt: skip
def answer_form(call: Call, token: str) -> Response:
    opened = _open(call.db, token)
    body = {
        "title": opened.questionnaire.title,
        "organisation": opened.org_name,
        "closes_on": opened.survey["closes_on"],
        "answered": opened.answered,
        "who_sees": WHO_SEES,
        "items": [item.as_dict() for item in opened.items],
    }
    return jsonify(FormOut().dump(body))


@endpoint(
    bp, "POST", "/surveys/answer/<token>", "Ответить на анкету по личной ссылке: один раз",
    "Анкетирование", raw=True, body=AnswerRequest, response=AnsweredOut, status=201,
    public=True, errors=(404, 409, 410, 422, 429),
)  # fmt: skip
def answer(call: Call, token: str) -> Any:
    _open(call.db, token)
    answer_id = answers.record(call.db, token, call.data, dt.date.today())
    return {"id": answer_id, "message": "Спасибо! Ответ записан."}
