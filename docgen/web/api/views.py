"""JSON API under /api: kinds, documents, registry, indicators; token authentication.

Each view is declared with `route` (see endpoint.py): the decorator checks the token, parses
the body or query with a schema of schemas.py, checks the declared permission and dumps the
result; the view calls one service function. openapi.py describes the API from these views.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, send_file

from docgen import jobs as job_queue
from docgen.accounts import audit, permissions, users
from docgen.documents import archive
from docgen.documents import service as documents
from docgen.errors import Conflict, NotFound
from docgen.forms import json_schema
from docgen.kinds import catalog
from docgen.registry import consents, groups, indicators, organisations, people
from docgen.web import auth
from docgen.web.api import openapi, schemas
from docgen.web.api.endpoint import Call, TooManyAttempts, Unauthorized, endpoint

bp = Blueprint("api", __name__, url_prefix="/api")
route = functools.partial(endpoint, bp)

# --- authentication -------------------------------------------------------------------


@route(
    "POST", "/token", "Получить токен по логину и паролю", "Вход",
    body=schemas.TokenRequest, response=schemas.TokenOut, status=201, errors=(401, 403, 429),
    public=True,
)  # fmt: skip
def token(call: Call) -> Any:
    now = dt.datetime.now(dt.UTC)
    address = auth.client_address()
    login = call.data["login"]
    user = users.authenticate(call.db, login, call.data["password"], now, address=address)
    if user is None:
        until = users.locked_until(call.db, login, now, address=address)
        audit.record(call.db, None, "login_failed", "user", None, f"{login[:64]} {address} API")
        if until is not None:
            raise TooManyAttempts(
                f"Вход заблокирован после {users.MAX_FAILED_LOGINS} неверных паролей подряд; "
                f"повторите после {until.astimezone():%H:%M}."
            )
        raise Unauthorized("Неверный логин или пароль.")
    issued = users.issue_token(call.db, user["id"], now=now)
    audit.record(call.db, user["id"], "token", "user", user["id"], f"API {address}")
    return {"token": issued, "user": user}


@route("DELETE", "/token", "Отозвать свой токен", "Вход", status=204)
def revoke_token(call: Call) -> None:
    users.revoke_token(call.db, call.user["id"])


@route("GET", "/me", "Текущий пользователь", "Вход", response=schemas.UserOut)
def me(call: Call) -> Any:
    return call.user


# --- kinds ----------------------------------------------------------------------------


@route(
    "GET", "/kinds", "Виды документов", "Виды документов",
    response=schemas.KindOut, many=True,
)  # fmt: skip
def kinds(call: Call) -> Any:
    return [
        {"slug": k.slug, "title": k.title, "roles": sorted(k.roles), "series": k.series}
        for k in catalog.KINDS
    ]


@route(
    "GET", "/kinds/<slug>/schema", "Поля формы вида документа (JSON Schema)",
    "Виды документов", errors=(404,),
)  # fmt: skip
def kind_schema(call: Call, slug: str) -> Response:
    return jsonify(json_schema(catalog.get(slug).schema))


@route("GET", "/kinds/<slug>/sample", "Образец заполнения формы", "Виды документов", errors=(404,))
def kind_sample(call: Call, slug: str) -> Response:
    kind = catalog.get(slug)
    try:
        return jsonify(kind.sample())
    except FileNotFoundError:
        raise NotFound(f"Для вида «{kind.title}» нет образца.") from None


# --- documents ------------------------------------------------------------------------


@route(
    "POST", "/preview", "Предпросмотр документа (HTML) без сохранения", "Документы",
    body=schemas.PreviewRequest, response=schemas.PreviewOut, errors=(403, 404),
)  # fmt: skip
def preview(call: Call) -> Any:
    data = call.data
    org_id = call.org(data["org_id"])
    html, findings = documents.preview(call.db, call.user, data["kind"], data["input"], org_id)
    return {"html": html, "findings": [finding.as_dict() for finding in findings]}


@route(
    "POST", "/documents", "Создать черновик документа", "Документы",
    body=schemas.DocumentCreateRequest, response=schemas.DocumentCreatedOut, status=201,
    errors=(403, 404, 409), created="get_document",
)  # fmt: skip
def create_document(call: Call) -> Any:
    data = call.data
    org_id = call.org(data["org_id"])
    return documents.create(
        call.db, call.user, data["kind"], data["input"], org_id, job_queue.current().enqueue_pdfs
    )


@route(
    "GET", "/documents", "Документы организации", "Документы", org="read",
    query=schemas.DocumentQuery, response=schemas.DocumentOut, many=True, errors=(403, 404),
)  # fmt: skip
def list_documents(call: Call) -> Any:
    query = call.data
    return archive.list_documents(call.db, call.org_id, kind=query["kind"], status=query["status"])


@route(
    "GET", "/documents/<id:document_id>", "Документ с версиями", "Документы",
    on=("read", "document"), response=schemas.DocumentDetailOut, errors=(403, 404),
)  # fmt: skip
def get_document(call: Call, document_id: int) -> Any:
    return _detail(call, document_id)


def _detail(call: Call, document_id: int) -> dict:
    """The document with its versions and the state of each version's PDF."""
    document = archive.get_document(call.db, document_id)
    states = documents.pdf_states(call.db, document_id)
    versions = [{**v, "pdf": states[v["n"]]} for v in archive.versions(call.db, document_id)]
    return {**document, "versions": versions, "pdf": states[versions[-1]["n"]]}


@route(
    "POST", "/documents/<id:document_id>/versions", "Новая версия черновика", "Документы",
    body=schemas.VersionCreateRequest, response=schemas.VersionOut, status=201,
    errors=(403, 404, 409),
)  # fmt: skip
def add_version(call: Call, document_id: int) -> Any:
    return documents.update(
        call.db,
        call.user,
        document_id,
        call.data["input"],
        call.data["note"],
        job_queue.current().enqueue_pdfs,
    )


@route(
    "POST", "/documents/<id:document_id>/register",
    "Зарегистрировать: номер и дата из журнала", "Документы",
    body=schemas.RegisterRequest, response=schemas.DocumentDetailOut, errors=(403, 404, 409),
)  # fmt: skip
def register_document(call: Call, document_id: int) -> Any:
    on = call.data["date"] or dt.date.today()
    documents.register(call.db, call.user, document_id, on, job_queue.current().enqueue_pdfs)
    return _detail(call, document_id)


@route(
    "POST", "/documents/<id:document_id>/cancel", "Аннулировать документ", "Документы",
    body=schemas.CancelRequest, response=schemas.DocumentOut, errors=(403, 404, 409),
)  # fmt: skip
def cancel_document(call: Call, document_id: int) -> Any:
    return documents.cancel(call.db, call.user, document_id, call.data["reason"])


@route(
    "POST", "/documents/<id:document_id>/revise",
    "Новая редакция зарегистрированного документа (черновик)", "Документы",
    response=schemas.DocumentCreatedOut, status=201, errors=(403, 404, 409),
    created="get_document",
)  # fmt: skip
def revise_document(call: Call, document_id: int) -> Any:
    return documents.revise(call.db, call.user, document_id, job_queue.current().enqueue_pdfs)


def _download(call: Call, document_id: int, n: int | None, fmt: str) -> Response:
    content, name, mime = documents.download(call.db, call.user, document_id, n, fmt)
    response = send_file(io.BytesIO(content), mimetype=mime, as_attachment=True, download_name=name)
    response.headers["X-Content-SHA256"] = archive.sha256_hex(content)
    return response


# 409: the PDF is still being made, or its render failed (the message says which).
DOWNLOAD = {
    "binary": (documents.FORMATS["docx"], documents.FORMATS["pdf"]),
    "errors": (403, 404, 409),
}


@route(
    "GET", "/documents/<id:document_id>/versions/<id:n>.<any(docx, pdf):fmt>",
    "Файл версии документа (DOCX или PDF)", "Документы", **DOWNLOAD,
)  # fmt: skip
def download_version(call: Call, document_id: int, n: int, fmt: str) -> Response:
    return _download(call, document_id, n, fmt)


@route(
    "GET", "/documents/<id:document_id>/latest.<any(docx, pdf):fmt>",
    "Файл последней версии (для зарегистрированного — подписанной)", "Документы", **DOWNLOAD,
)  # fmt: skip
def download_latest(call: Call, document_id: int, fmt: str) -> Response:
    return _download(call, document_id, None, fmt)


# --- registry: organisations ------------------------------------------------------------


@route(
    "GET", "/organisations", "Организации, доступные пользователю", "Реестр",
    response=schemas.OrganisationOut, many=True,
)  # fmt: skip
def list_organisations(call: Call) -> Any:
    return [
        o
        for o in organisations.list_organisations(call.db)
        if permissions.can(call.user, "read", o)
    ]


@route(
    "GET", "/organisations/<id:org_id>", "Организация", "Реестр",
    response=schemas.OrganisationOut, errors=(403, 404),
)  # fmt: skip
def get_organisation(call: Call, org_id: int) -> Any:
    return _organisation(call, org_id)


def _organisation(call: Call, org_id: int) -> dict:
    organisation = organisations.get_organisation(call.db, org_id)
    permissions.require(call.user, "read", organisation, call.db)
    return organisation


@route(
    "GET", "/organisations/<id:org_id>/indicators",
    "Показатели целевой модели на дату (для органа управления — по его школам)", "Показатели",
    query=schemas.IndicatorQuery, response=schemas.IndicatorsOut, errors=(403, 404),
)  # fmt: skip
def organisation_indicators(call: Call, org_id: int) -> Any:
    organisation = _organisation(call, org_id)
    org_ids = [org_id]
    if organisation["kind"] == "department":
        org_ids += [school["id"] for school in organisations.list_schools(call.db, org_id)]
    on = call.data["on"] or dt.date.today()
    values = indicators.compute(call.db, org_ids, on)
    return {
        "org_id": org_id,
        "on": on.isoformat(),
        "org_ids": sorted(org_ids),
        "indicators": [
            {
                **dataclasses.asdict(v),
                "text": v.text,
                "target_text": v.target_text,
                "source_text": v.source_text,
            }
            for v in values
        ],
    }


@route(
    "GET", "/forms", "Формы наставничества", "Реестр",
    response=schemas.MentoringFormOut, many=True,
)  # fmt: skip
def mentoring_forms(call: Call) -> Any:
    return groups.list_forms(call.db)


# --- registry: people -------------------------------------------------------------------

SAME_PERSON = "тот же человек (ФИО и дата рождения) уже есть в реестре организации"


@route(
    "GET", "/people", "Люди реестра организации", "Реестр", org="read",
    query=schemas.PeopleQuery, response=schemas.PersonOut, many=True, errors=(403, 404),
)  # fmt: skip
def list_people(call: Call) -> Any:
    query = call.data
    return people.list_people(call.db, call.org_id, category=query["category"], role=query["role"])


@route(
    "GET", "/people/<id:person_id>", "Человек из реестра", "Реестр",
    on=("read", "person"), response=schemas.PersonOut, errors=(403, 404),
)  # fmt: skip
def get_person(call: Call, person_id: int) -> Any:
    return people.get_person(call.db, person_id)


@route(
    "POST", "/people", "Добавить человека в реестр", "Реестр", org="edit_registry", raw=True,
    body=schemas.PersonCreateRequest, response=schemas.PersonOut, status=201, errors=(403, 404),
    created="get_person", conflicts=SAME_PERSON,
)  # fmt: skip
def add_person(call: Call) -> Any:
    person_id = people.add_person(call.db, call.org_id, call.data)
    audit.record(call.db, call.user["id"], "create", "person", person_id)
    return people.get_person(call.db, person_id)


@route(
    "PATCH", "/people/<id:person_id>", "Изменить поля человека (не указанные остаются)",
    "Реестр", on=("edit_registry", "person"), raw=True,
    body=schemas.PersonPatchRequest, response=schemas.PersonOut, errors=(403, 404),
    conflicts=(
        "правила записи человека выполняются вместе с уже записанными полями: дата рождения "
        "обязательна для обучающегося, организация-партнёр — для её представителя; "
        + SAME_PERSON
    ),
)  # fmt: skip
def update_person(call: Call, person_id: int) -> Any:
    people.update_person(call.db, person_id, call.data)
    audit.record(call.db, call.user["id"], "edit", "person", person_id)
    return people.get_person(call.db, person_id)


# --- registry: consents -----------------------------------------------------------------


def _consent(call: Call, person_id: int, consent_id: int) -> dict:
    return next(c for c in consents.list_consents(call.db, person_id) if c["id"] == consent_id)


@route(
    "GET", "/people/<id:person_id>/consents", "Согласия человека", "Согласия",
    on=("read", "person"), response=schemas.ConsentOut, many=True, errors=(403, 404),
)  # fmt: skip
def list_consents(call: Call, person_id: int) -> Any:
    return consents.list_consents(call.db, person_id)


@route(
    "POST", "/people/<id:person_id>/consents/sign", "Отметить подписанное согласие", "Согласия",
    on=("edit_registry", "person"), body=schemas.ConsentSignRequest,
    response=schemas.ConsentOut, status=201, errors=(403, 404),
    conflicts=(
        "кто подписывает, зависит от возраста человека на дату подписания (до 14 лет — "
        "законный представитель, с 14 до 18 — оба, с 18 — сам или представитель по "
        "доверенности); у обучающегося в реестре должна быть дата рождения; дата подписания "
        "не раньше даты рождения"
    ),
)  # fmt: skip
def sign_consent(call: Call, person_id: int) -> Any:
    consent_id = consents.sign_consent(call.db, person_id, **call.data)
    audit.record(call.db, call.user["id"], "consent_sign", "person", person_id, call.data["kind"])
    return _consent(call, person_id, consent_id)


@route(
    "POST", "/people/<id:person_id>/consents/withdraw", "Отозвать подписанное согласие",
    "Согласия", on=("edit_registry", "person"), body=schemas.ConsentWithdrawRequest,
    response=schemas.ConsentOut, errors=(403, 404, 409),
    conflicts=(
        "отозвать можно подписанное согласие этого вида, и не раньше даты его подписания"
    ),
)  # fmt: skip
def withdraw_consent(call: Call, person_id: int) -> Any:
    kind = call.data["kind"]
    try:
        consent_id = consents.withdraw_consent(
            call.db, None, call.data["withdrawn_on"], person_id=person_id, kind=kind
        )
    except NotFound as err:  # the person exists: it is their consent that is missing
        raise Conflict(f"{err.message}: отзывать нечего.") from None
    audit.record(call.db, call.user["id"], "consent_withdraw", "person", person_id, kind)
    return _consent(call, person_id, consent_id)


@route(
    "POST", "/people/<id:person_id>/consents/request", "Запросить согласие", "Согласия",
    on=("edit_registry", "person"), body=schemas.ConsentRequestRequest,
    response=schemas.ConsentOut, status=201, errors=(403, 404),
)  # fmt: skip
def request_consent(call: Call, person_id: int) -> Any:
    consent_id = consents.request_consent(call.db, person_id, call.data["kind"])
    return _consent(call, person_id, consent_id)


# --- registry: pairs and groups ---------------------------------------------------------


@route(
    "GET", "/groups", "Наставнические пары и группы организации", "Реестр", org="read",
    query=schemas.GroupQuery, response=schemas.GroupOut, many=True, errors=(403, 404),
)  # fmt: skip
def list_groups(call: Call) -> Any:
    return groups.list_groups(call.db, call.org_id, status=call.data["status"])


@route(
    "GET", "/groups/<id:group_id>", "Наставническая пара или группа", "Реестр",
    on=("read", "group"), response=schemas.GroupOut, errors=(403, 404),
)  # fmt: skip
def get_group(call: Call, group_id: int) -> Any:
    return groups.get_group(call.db, group_id)


@route(
    "POST", "/groups", "Закрепить пару или группу", "Реестр", org="edit_registry",
    body=schemas.GroupCreateRequest, response=schemas.GroupOut, status=201, errors=(403, 404),
    created="get_group", rules="дата окончания не раньше даты начала",
    conflicts=(
        "наставник и наставляемые — люди реестра этой организации с категориями, которые "
        "допускает форма наставничества (GET /api/forms), наставник не наставляемый в своей "
        "паре; форма — из справочника форм"
    ),
)  # fmt: skip
def create_group(call: Call) -> Any:
    group_id = groups.create_group(call.db, call.org_id, **call.data)
    audit.record(call.db, call.user["id"], "create", "group", group_id)
    return groups.get_group(call.db, group_id)


@route(
    "POST", "/groups/<id:group_id>/close", "Завершить пару или группу с результатом", "Реестр",
    on=("edit_registry", "group"), body=schemas.GroupCloseRequest, response=schemas.GroupOut,
    errors=(403, 404, 409),
    conflicts="завершить можно действующую пару (группу), не раньше даты начала её работы",
)  # fmt: skip
def close_group(call: Call, group_id: int) -> Any:
    groups.close_group(call.db, group_id, call.data["result"], call.data["closed_on"])
    audit.record(call.db, call.user["id"], "close", "group", group_id)
    return groups.get_group(call.db, group_id)


# --- the description ----------------------------------------------------------------------


@route("GET", "/openapi.json", "Описание API (OpenAPI 3.1)", "Описание", public=True)
def openapi_json(call: Call) -> Response:
    return jsonify(openapi.spec(current_app))


@route("GET", "/docs", "Описание API для человека (HTML)", "Описание", public=True, html=True)
def docs(call: Call) -> Response:
    return Response(openapi.html(openapi.spec(current_app)), mimetype="text/html")
