"""JSON API under /api: kinds, documents, registry, indicators; token authentication.

Every view parses its body or query with a schema of docgen/forms/api.py, calls the service
functions (which check permissions), and answers JSON. Each view carries an `api_doc`
(see `doc`) from which docgen/openapi.py generates the OpenAPI description.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request, send_file
from marshmallow import Schema
from werkzeug.routing import IntegerConverter

from docgen.accounts import audit, permissions, users
from docgen.documents import archive
from docgen.documents import service as documents
from docgen.errors import DocgenError, FieldErrors, NotFound, field_paths
from docgen.kinds import catalog
from docgen.kinds.fields import json_schema
from docgen.registry import consents, groups, indicators, organisations, people
from docgen.web import base as web
from docgen.web.api import openapi, schemas

bp = Blueprint("api", __name__, url_prefix="/api")


class IdConverter(IntegerConverter):
    """A record id in a path: a positive integer of at most 19 digits.

    Out-of-range values must not fail inside the converter: werkzeug would then answer 405
    when the same path has a rule for another method, instead of 404.
    """

    regex = r"[1-9]\d{0,18}"


@bp.url_value_preprocessor
def _ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    # 19 digits can still exceed SQLite's 64-bit integers.
    if values and any(isinstance(v, int) and v > schemas.MAX_ID for v in values.values()):
        raise NotFound("Запись не найдена.")


@bp.record_once
def _setup(state: Any) -> None:
    # Runs before the blueprint's rules are added, so they can use the converter.
    state.app.url_map.converters.setdefault("id", IdConverter)
    # API clients authenticate with a bearer token, never a cookie, so form CSRF does not apply.
    csrf = state.app.extensions.get("csrf")
    if csrf is not None:
        csrf.exempt(bp)


class Unauthorized(DocgenError):
    status = 401


class TooManyAttempts(DocgenError):
    status = 429


class BadRequest(DocgenError):
    status = 400


@dataclasses.dataclass(frozen=True)
class ApiDoc:
    """What the OpenAPI description says about one view."""

    summary: str
    tag: str
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    response: type[Schema] | None = None
    many: bool = False
    status: int = 200
    errors: tuple[int, ...] = ()
    public: bool = False
    binary: tuple[str, ...] = ()
    """MIME types of a file response instead of JSON."""
    html: bool = False
    """The answer is a page for people (text/html)."""


def doc(summary: str, tag: str, **kwargs: Any) -> Callable:
    def attach(view: Callable) -> Callable:
        view.api_doc = ApiDoc(summary, tag, **kwargs)  # type: ignore[attr-defined]
        return view

    return attach


# --- request glue -------------------------------------------------------------------


@bp.before_request
def _authenticate() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    api_doc = getattr(view, "api_doc", None)
    if api_doc is None or api_doc.public:
        return
    # Only the token counts: a browser's session cookie must not drive the API without CSRF.
    header = request.headers.get("Authorization", "")
    user = web.current_user() if header.startswith("Bearer ") else None
    if user is None:
        raise Unauthorized("Нужен действующий токен: заголовок Authorization: Bearer <токен>.")
    g.api_user = user


def _user() -> dict:
    return g.api_user


def _body() -> dict[str, Any]:
    """The request's JSON object; an empty body is an empty object."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("Тело запроса не является корректным JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest("Тело запроса должно быть JSON-объектом.")
    _check_text(data)
    return data


def _check_text(value: Any) -> None:
    """Refuse text no database can hold: lone surrogates (control characters are refused by
    the fields themselves, with a message naming the field: docgen.text)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                raise BadRequest("Текст содержит неверную кодировку.")


def _query(schema: Schema) -> dict[str, Any]:
    args = request.args.to_dict()
    _check_text(args)
    return schemas.load(schema, args)


def _out(schema: type[Schema], obj: Any, status: int = 200, many: bool = False) -> Response:
    response = jsonify(schema().dump(obj, many=many))
    response.status_code = status
    return response


def _org_id(given: int | None) -> int:
    if given is not None:
        return given
    org_id = _user().get("org_id")
    if org_id is None:
        message = "Укажите организацию: у пользователя её нет."
        raise FieldErrors(message, fields={"org_id": [message]})
    return org_id


@bp.errorhandler(DocgenError)
def _docgen_error(err: DocgenError) -> Response:
    body: dict[str, Any] = {"error": err.message}
    if err.fields:
        body["fields"] = field_paths(err.fields)
    response = jsonify(body)
    response.status_code = err.status
    if err.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="docgen"'
    return response


@bp.errorhandler(OverflowError)
def _overflow(_err: OverflowError) -> Response:
    # A number in a form (e.g. a person's registry id) too large for SQLite: bad input, not a bug.
    return _docgen_error(FieldErrors("Слишком большое число в запросе."))


# --- authentication -------------------------------------------------------------------


@bp.post("/token")
@doc(
    "Получить токен по логину и паролю",
    "Вход",
    body=schemas.TokenRequest,
    response=schemas.TokenOut,
    status=201,
    errors=(401, 429),
    public=True,
)
def token() -> Response:
    data = schemas.load(schemas.TokenRequest(), _body())
    db = web.get_db()
    now = dt.datetime.now(dt.UTC)
    user = users.authenticate(db, data["login"], data["password"], now)
    if user is None:
        until = users.locked_until(db, data["login"], now)
        if until is not None:
            raise TooManyAttempts(
                f"Вход заблокирован после {users.MAX_FAILED_LOGINS} неверных паролей подряд; "
                f"повторите после {until.astimezone():%H:%M}."
            )
        raise Unauthorized("Неверный логин или пароль.")
    issued = users.issue_token(db, user["id"])
    audit.record(db, user["id"], "token", "user", user["id"], "API")
    return _out(schemas.TokenOut, {"token": issued, "user": user}, 201)


@bp.delete("/token")
@doc("Отозвать свой токен", "Вход", status=204)
def revoke_token() -> Response:
    users.revoke_token(web.get_db(), _user()["id"])
    return Response(status=204)


@bp.get("/me")
@doc("Текущий пользователь", "Вход", response=schemas.UserOut)
def me() -> Response:
    return _out(schemas.UserOut, _user())


# --- kinds ----------------------------------------------------------------------------


def _kind_out(kind: catalog.Kind) -> dict[str, Any]:
    return {
        "slug": kind.slug,
        "title": kind.title,
        "roles": sorted(kind.roles),
        "series": kind.series,
    }


@bp.get("/kinds")
@doc("Виды документов", "Виды документов", response=schemas.KindOut, many=True)
def kinds() -> Response:
    return _out(schemas.KindOut, [_kind_out(kind) for kind in catalog.KINDS], many=True)


@bp.get("/kinds/<slug>/schema")
@doc("Поля формы вида документа (JSON Schema)", "Виды документов", errors=(404,))
def kind_schema(slug: str) -> Response:
    return jsonify(json_schema(catalog.get(slug).schema))


@bp.get("/kinds/<slug>/sample")
@doc("Образец заполнения формы", "Виды документов", errors=(404,))
def kind_sample(slug: str) -> Response:
    kind = catalog.get(slug)
    try:
        return jsonify(kind.sample())
    except FileNotFoundError:
        raise NotFound(f"Для вида «{kind.title}» нет образца.") from None


# --- documents ------------------------------------------------------------------------


@bp.post("/preview")
@doc(
    "Предпросмотр документа (HTML) без сохранения",
    "Документы",
    body=schemas.PreviewRequest,
    response=schemas.PreviewOut,
    errors=(403, 404),
)
def preview() -> Response:
    data = schemas.load(schemas.PreviewRequest(), _body())
    html = documents.preview_html(
        web.get_db(), _user(), data["kind"], data["input"], _org_id(data["org_id"])
    )
    return _out(schemas.PreviewOut, {"html": html})


@bp.post("/documents")
@doc(
    "Создать черновик документа",
    "Документы",
    body=schemas.DocumentCreateRequest,
    response=schemas.DocumentCreatedOut,
    status=201,
    errors=(403, 404),
)
def create_document() -> Response:
    data = schemas.load(schemas.DocumentCreateRequest(), _body())
    document = documents.create(
        web.get_db(), _user(), data["kind"], data["input"], _org_id(data["org_id"])
    )
    return _out(schemas.DocumentCreatedOut, document, 201)


@bp.get("/documents")
@doc(
    "Документы организации",
    "Документы",
    query=schemas.DocumentQuery,
    response=schemas.DocumentOut,
    many=True,
    errors=(403, 404),
)
def list_documents() -> Response:
    query = _query(schemas.DocumentQuery())
    db = web.get_db()
    org_id = _org_id(query["org_id"])
    permissions.require(_user(), "read", org_id, db)
    found = archive.list_documents(db, org_id, kind=query["kind"], status=query["status"])
    return _out(schemas.DocumentOut, found, many=True)


@bp.get("/documents/<id:document_id>")
@doc(
    "Документ с версиями",
    "Документы",
    response=schemas.DocumentDetailOut,
    errors=(403, 404),
)
def get_document(document_id: int) -> Response:
    db = web.get_db()
    permissions.require_on(db, _user(), "read", "document", document_id)
    document = archive.get_document(db, document_id)
    return _out(
        schemas.DocumentDetailOut, {**document, "versions": archive.versions(db, document_id)}
    )


@bp.post("/documents/<id:document_id>/versions")
@doc(
    "Новая версия черновика",
    "Документы",
    body=schemas.VersionCreateRequest,
    response=schemas.VersionOut,
    status=201,
    errors=(403, 404, 409),
)
def add_version(document_id: int) -> Response:
    data = schemas.load(schemas.VersionCreateRequest(), _body())
    version = documents.update(web.get_db(), _user(), document_id, data["input"], data["note"])
    return _out(schemas.VersionOut, version, 201)


@bp.post("/documents/<id:document_id>/register")
@doc(
    "Зарегистрировать: номер и дата из журнала",
    "Документы",
    body=schemas.RegisterRequest,
    response=schemas.DocumentOut,
    errors=(403, 404, 409),
)
def register_document(document_id: int) -> Response:
    data = schemas.load(schemas.RegisterRequest(), _body())
    db = web.get_db()
    documents.register(db, _user(), document_id, data["date"] or dt.date.today())
    return _out(schemas.DocumentOut, archive.get_document(db, document_id))


@bp.post("/documents/<id:document_id>/cancel")
@doc(
    "Аннулировать документ",
    "Документы",
    body=schemas.CancelRequest,
    response=schemas.DocumentOut,
    errors=(403, 404, 409),
)
def cancel_document(document_id: int) -> Response:
    data = schemas.load(schemas.CancelRequest(), _body())
    return _out(
        schemas.DocumentOut,
        documents.cancel(web.get_db(), _user(), document_id, data["reason"]),
    )


@bp.post("/documents/<id:document_id>/revise")
@doc(
    "Новая редакция зарегистрированного документа (черновик)",
    "Документы",
    response=schemas.DocumentCreatedOut,
    status=201,
    errors=(403, 404, 409),
)
def revise_document(document_id: int) -> Response:
    schemas.load(schemas.Form(), _body())
    return _out(
        schemas.DocumentCreatedOut, documents.revise(web.get_db(), _user(), document_id), 201
    )


def _download(document_id: int, n: int | None, fmt: str) -> Response:
    content, name, mime = documents.download(web.get_db(), _user(), document_id, n, fmt)
    response = send_file(io.BytesIO(content), mimetype=mime, as_attachment=True, download_name=name)
    response.headers["X-Content-SHA256"] = archive.sha256_hex(content)
    return response


DOWNLOAD = {"binary": (documents.FORMATS["docx"], documents.FORMATS["pdf"]), "errors": (403, 404)}


@bp.get("/documents/<id:document_id>/versions/<id:n>.<any(docx, pdf):fmt>")
@doc("Файл версии документа (DOCX или PDF)", "Документы", **DOWNLOAD)
def download_version(document_id: int, n: int, fmt: str) -> Response:
    return _download(document_id, n, fmt)


@bp.get("/documents/<id:document_id>/latest.<any(docx, pdf):fmt>")
@doc("Файл последней версии (для зарегистрированного — подписанной)", "Документы", **DOWNLOAD)
def download_latest(document_id: int, fmt: str) -> Response:
    return _download(document_id, None, fmt)


# --- registry: organisations ------------------------------------------------------------


@bp.get("/organisations")
@doc(
    "Организации, доступные пользователю",
    "Реестр",
    response=schemas.OrganisationOut,
    many=True,
)
def list_organisations() -> Response:
    db = web.get_db()
    visible = [
        o for o in organisations.list_organisations(db) if permissions.can(_user(), "read", o)
    ]
    return _out(schemas.OrganisationOut, visible, many=True)


@bp.get("/organisations/<id:org_id>")
@doc("Организация", "Реестр", response=schemas.OrganisationOut, errors=(403, 404))
def get_organisation(org_id: int) -> Response:
    db = web.get_db()
    organisation = organisations.get_organisation(db, org_id)
    permissions.require(_user(), "read", organisation, db)
    return _out(schemas.OrganisationOut, organisation)


@bp.get("/organisations/<id:org_id>/indicators")
@doc(
    "Показатели целевой модели на дату (для органа управления — по его школам)",
    "Показатели",
    query=schemas.IndicatorQuery,
    response=schemas.IndicatorsOut,
    errors=(403, 404),
)
def organisation_indicators(org_id: int) -> Response:
    query = _query(schemas.IndicatorQuery())
    db = web.get_db()
    organisation = organisations.get_organisation(db, org_id)
    permissions.require(_user(), "read", organisation, db)
    org_ids = [org_id]
    if organisation["kind"] == "department":
        org_ids += [school["id"] for school in organisations.list_schools(db, org_id)]
    on = query["on"] or dt.date.today()
    values = indicators.compute(db, org_ids, on)
    return _out(
        schemas.IndicatorsOut,
        {
            "org_id": org_id,
            "on": on.isoformat(),
            "org_ids": sorted(org_ids),
            "indicators": [_indicator(value) for value in values],
        },
    )


def _indicator(value: Any) -> dict[str, Any]:
    return {**dataclasses.asdict(value), "text": value.text, "target_text": value.target_text}


@bp.get("/forms")
@doc("Формы наставничества", "Реестр", response=schemas.MentoringFormOut, many=True)
def mentoring_forms() -> Response:
    return _out(schemas.MentoringFormOut, groups.list_forms(web.get_db()), many=True)


# --- registry: people -------------------------------------------------------------------


@bp.get("/people")
@doc(
    "Люди реестра организации",
    "Реестр",
    query=schemas.PeopleQuery,
    response=schemas.PersonOut,
    many=True,
    errors=(403, 404),
)
def list_people() -> Response:
    query = _query(schemas.PeopleQuery())
    db = web.get_db()
    org_id = _org_id(query["org_id"])
    permissions.require(_user(), "read", org_id, db)
    found = people.list_people(db, org_id, category=query["category"], role=query["role"])
    return _out(schemas.PersonOut, found, many=True)


@bp.get("/people/<id:person_id>")
@doc("Человек из реестра", "Реестр", response=schemas.PersonOut, errors=(403, 404))
def get_person(person_id: int) -> Response:
    db = web.get_db()
    permissions.require_on(db, _user(), "read", "person", person_id)
    return _out(schemas.PersonOut, people.get_person(db, person_id))


def _split_org(body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The body's org_id (the user's organisation if absent) and the rest of the body."""
    rest = dict(body)
    ref = schemas.load(schemas.OrgRef(), {"org_id": rest.pop("org_id", None)})
    return _org_id(ref["org_id"]), rest


@bp.post("/people")
@doc(
    "Добавить человека в реестр",
    "Реестр",
    body=schemas.PersonCreateRequest,
    response=schemas.PersonOut,
    status=201,
    errors=(403, 404),
)
def add_person() -> Response:
    org_id, data = _split_org(_body())
    db = web.get_db()
    permissions.require(_user(), "edit_registry", org_id, db)
    person_id = people.add_person(db, org_id, data)
    audit.record(db, _user()["id"], "create", "person", person_id)
    return _out(schemas.PersonOut, people.get_person(db, person_id), 201)


@bp.patch("/people/<id:person_id>")
@doc(
    "Изменить поля человека (не указанные остаются)",
    "Реестр",
    body=schemas.PersonPatchRequest,
    response=schemas.PersonOut,
    errors=(403, 404),
)
def update_person(person_id: int) -> Response:
    data = _body()
    db = web.get_db()
    permissions.require_on(db, _user(), "edit_registry", "person", person_id)
    people.update_person(db, person_id, data)
    audit.record(db, _user()["id"], "edit", "person", person_id)
    return _out(schemas.PersonOut, people.get_person(db, person_id))


# --- registry: consents -----------------------------------------------------------------


def _consent(db: Any, person_id: int, consent_id: int) -> dict:
    return next(c for c in consents.list_consents(db, person_id) if c["id"] == consent_id)


@bp.get("/people/<id:person_id>/consents")
@doc(
    "Согласия человека",
    "Согласия",
    response=schemas.ConsentOut,
    many=True,
    errors=(403, 404),
)
def list_consents(person_id: int) -> Response:
    db = web.get_db()
    permissions.require_on(db, _user(), "read", "person", person_id)
    return _out(schemas.ConsentOut, consents.list_consents(db, person_id), many=True)


@bp.post("/people/<id:person_id>/consents/sign")
@doc(
    "Отметить подписанное согласие",
    "Согласия",
    body=schemas.ConsentSignRequest,
    response=schemas.ConsentOut,
    status=201,
    errors=(403, 404),
)
def sign_consent(person_id: int) -> Response:
    body = _body()
    db = web.get_db()
    permissions.require_on(db, _user(), "edit_registry", "person", person_id)
    data = schemas.ConsentSignRequest().load_or_raise(body)
    consent_id = consents.sign_consent(db, person_id, **data)
    audit.record(db, _user()["id"], "consent_sign", "person", person_id, data["kind"])
    return _out(schemas.ConsentOut, _consent(db, person_id, consent_id), 201)


@bp.post("/people/<id:person_id>/consents/withdraw")
@doc(
    "Отозвать подписанное согласие",
    "Согласия",
    body=schemas.ConsentWithdrawRequest,
    response=schemas.ConsentOut,
    errors=(403, 404, 409),
)
def withdraw_consent(person_id: int) -> Response:
    body = _body()
    db = web.get_db()
    permissions.require_on(db, _user(), "edit_registry", "person", person_id)
    data = schemas.load(schemas.ConsentWithdrawRequest(), body)
    consent_id = consents.withdraw_consent(
        db, None, data["withdrawn_on"], person_id=person_id, kind=data["kind"]
    )
    audit.record(db, _user()["id"], "consent_withdraw", "person", person_id, data["kind"])
    return _out(schemas.ConsentOut, _consent(db, person_id, consent_id))


@bp.post("/people/<id:person_id>/consents/request")
@doc(
    "Запросить согласие",
    "Согласия",
    body=schemas.ConsentRequestRequest,
    response=schemas.ConsentOut,
    status=201,
    errors=(403, 404),
)
def request_consent(person_id: int) -> Response:
    body = _body()
    db = web.get_db()
    permissions.require_on(db, _user(), "edit_registry", "person", person_id)
    data = schemas.load(schemas.ConsentRequestRequest(), body)
    consent_id = consents.request_consent(db, person_id, data["kind"])
    return _out(schemas.ConsentOut, _consent(db, person_id, consent_id), 201)


# --- registry: pairs and groups ---------------------------------------------------------


@bp.get("/groups")
@doc(
    "Наставнические пары и группы организации",
    "Реестр",
    query=schemas.GroupQuery,
    response=schemas.GroupOut,
    many=True,
    errors=(403, 404),
)
def list_groups() -> Response:
    query = _query(schemas.GroupQuery())
    db = web.get_db()
    org_id = _org_id(query["org_id"])
    permissions.require(_user(), "read", org_id, db)
    found = groups.list_groups(db, org_id, status=query["status"])
    return _out(schemas.GroupOut, found, many=True)


@bp.get("/groups/<id:group_id>")
@doc("Наставническая пара или группа", "Реестр", response=schemas.GroupOut, errors=(403, 404))
def get_group(group_id: int) -> Response:
    db = web.get_db()
    permissions.require_on(db, _user(), "read", "group", group_id)
    return _out(schemas.GroupOut, groups.get_group(db, group_id))


@bp.post("/groups")
@doc(
    "Закрепить пару или группу",
    "Реестр",
    body=schemas.GroupCreateRequest,
    response=schemas.GroupOut,
    status=201,
    errors=(403, 404),
)
def create_group() -> Response:
    data = schemas.GroupCreateRequest().load_or_raise(_body())
    db = web.get_db()
    org_id = _org_id(data.pop("org_id"))
    permissions.require(_user(), "edit_registry", org_id, db)
    group_id = groups.create_group(db, org_id, **data)
    audit.record(db, _user()["id"], "create", "group", group_id)
    return _out(schemas.GroupOut, groups.get_group(db, group_id), 201)


@bp.post("/groups/<id:group_id>/close")
@doc(
    "Завершить пару или группу с результатом",
    "Реестр",
    body=schemas.GroupCloseRequest,
    response=schemas.GroupOut,
    errors=(403, 404, 409),
)
def close_group(group_id: int) -> Response:
    body = _body()
    db = web.get_db()
    permissions.require_on(db, _user(), "edit_registry", "group", group_id)
    data = schemas.GroupCloseRequest().load_or_raise(body)
    groups.close_group(db, group_id, data["result"], data["closed_on"])
    audit.record(db, _user()["id"], "close", "group", group_id)
    return _out(schemas.GroupOut, groups.get_group(db, group_id))


# --- the description ----------------------------------------------------------------------


@bp.get("/openapi.json")
@doc("Описание API (OpenAPI 3.1)", "Описание", public=True)
def openapi_json() -> Response:
    return jsonify(openapi.spec(current_app))


@bp.get("/docs")
@doc("Описание API для человека (HTML)", "Описание", public=True, html=True)
def docs() -> Response:
    return Response(openapi.html(openapi.spec(current_app)), mimetype="text/html")
