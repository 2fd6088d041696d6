"""Request and response schemas of the JSON API: they validate bodies and feed the OpenAPI file.

Request schemas (`*Request`, `*Query`) reject unknown keys and speak Russian like every form;
response schemas (`*Out`) describe and shape what the API returns. A request's rules across
its own fields that JSON Schema can state are stated beside it in `json_rules` (openapi.py
adds them as `allOf`), so that a body valid by the description passes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    pre_load,
    validate,
    validates_schema,
)

from docgen.forms import NOT_BLANK, Date, Form, Int, Str, field, one_of
from docgen.kinds import catalog
from docgen.registry.schemas import (
    CATEGORIES,
    CONSENT_KINDS,
    GROUP_STATUSES,
    CloseGroupSchema,
    ConsentSignSchema,
    GroupSchema,
    PersonSchema,
)
from docgen.registry.schemas import List as RegistryList
from docgen.web.ids import MAX_ID

DOCUMENT_STATUSES = ("draft", "registered", "cancelled")
# Documented as an enum; at run time an unknown kind is a 404 from the catalog.
KIND_SLUGS = [kind.slug for kind in catalog.KINDS]


def Id(**kwargs: Any) -> Int:  # noqa: N802 - reads as a field class at the call sites
    """A record id: a positive integer SQLite can hold."""
    return Int(
        validate=validate.Range(min=1, max=MAX_ID, error="Нет записи с таким номером."),
        **kwargs,
    )


class Secret(fields.String):
    """A password: never stripped, never shown back."""

    default_error_messages = {
        "required": "Обязательное поле.",
        "null": "Поле не может быть пустым.",
        "invalid": "Ожидается строка.",
        "invalid_utf8": "Неверная кодировка.",
    }


class Flag(fields.Boolean):
    """A yes/no stored by SQLite as 0/1, answered as true/false."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> bool | None:
        return None if value is None else bool(value)


class InputDict(fields.Dict):
    """A document's form input; the kind's own schema checks it."""

    default_error_messages = {
        "required": "Обязательное поле.",
        "null": "Поле не может быть пустым.",
        "invalid": "Ожидается объект с полями формы.",
    }


# --- requests ---------------------------------------------------------------------


class TokenRequest(Form):
    login = Str(required=True, max_length=64, metadata=field("Логин"))
    password = Secret(required=True, validate=validate.Length(max=1000), metadata=field("Пароль"))


class OrgRef(Form):
    """The optional organisation of a request; the user's own by default."""

    org_id = Id(
        load_default=None,
        metadata=field("Организация", "По умолчанию — организация пользователя"),
    )


class DocumentCreateRequest(OrgRef):
    kind = Str(required=True, max_length=100, metadata=field("Вид документа", enum=KIND_SLUGS))
    input = InputDict(
        required=True,
        metadata=field("Поля формы", "По схеме вида документа: GET /api/kinds/{slug}/schema"),
    )


class PreviewRequest(DocumentCreateRequest):
    pass


class VersionCreateRequest(Form):
    input = InputDict(required=True, metadata=field("Поля формы"))
    note = Str(load_default=None, max_length=1000, metadata=field("Что изменено"))


class RegisterRequest(Form):
    date = Date(load_default=None, metadata=field("Дата регистрации", "По умолчанию — сегодня"))


class CancelRequest(Form):
    reason = Str(required=True, max_length=1000, metadata=field("Причина аннулирования"))


class DocumentQuery(OrgRef):
    kind = Str(load_default=None, max_length=100, metadata=field("Вид документа"))
    status = Str(load_default=None, validate=one_of(DOCUMENT_STATUSES), metadata=field("Состояние"))


class PeopleQuery(OrgRef):
    category = Str(load_default=None, validate=one_of(CATEGORIES), metadata=field("Категория"))
    role = Str(
        load_default=None,
        validate=one_of(("mentor", "mentee")),
        metadata=field("База", "mentor — наставники, mentee — наставляемые"),
    )


class GroupQuery(OrgRef):
    status = Str(load_default=None, validate=one_of(GROUP_STATUSES), metadata=field("Статус"))


class IndicatorQuery(Form):
    on = Date(load_default=None, metadata=field("Отчётная дата", "По умолчанию — сегодня"))


def when(name: str, values: list[str], then: dict[str, Any]) -> dict[str, Any]:
    """JSON Schema: when the field `name` holds one of `values`, the body also meets `then`."""
    return {"if": {"properties": {name: {"enum": values}}, "required": [name]}, "then": then}


def _filled(*names: str) -> dict[str, Any]:
    """JSON Schema: the fields are given as text that is not blank."""
    return {
        "required": list(names),
        "properties": {name: {"type": "string", "pattern": NOT_BLANK} for name in names},
    }


class AsDescribed(Schema):
    """A registry body of the API: "" is a value like any other, so an empty string where the
    description wants an e-mail, a number or a date is refused (a page's empty box is turned
    into «not given» by the page, see RegistrySchema._blank_values); null still means «not
    given» for a field that cannot be null, as the description says."""

    @pre_load
    def _blank_values(self, data: Any, **kwargs: Any) -> Any:
        if not isinstance(data, dict):
            return data
        return {
            key: value
            for key, value in data.items()
            if not (
                value is None
                and (wanted := self.fields.get(key)) is not None
                and not wanted.required
                and not wanted.allow_none
            )
        }


class PersonCreateRequest(AsDescribed, PersonSchema):
    org_id = Id(load_default=None, metadata=field("Организация"))

    json_rules = (
        when(
            "category",
            ["обучающийся"],
            {"required": ["birth_date"], "properties": {"birth_date": {"type": "string"}}},
        ),
        when("category", ["представитель организации-партнёра"], _filled("partner_org")),
    )


class PersonPatchRequest(AsDescribed, PersonSchema):
    """Any fields of a person; those not given keep their values."""

    @validates_schema
    def _rules(self, data: dict, **kwargs: Any) -> None:
        # Overrides PersonSchema._rules: the rules across fields hold for the person as stored
        # with the changes (a conflict, 409), so only the fields' own rules are checked here.
        birth = data.get("birth_date")
        if birth is not None and birth > dt.date.today():
            raise ValidationError({"birth_date": ["дата ещё не наступила"]})


class GroupCreateRequest(AsDescribed, GroupSchema):
    org_id = Id(load_default=None, metadata=field("Организация"))
    mentor_id = Id(required=True, metadata=field("Наставник"))
    mentee_ids = RegistryList(
        Id(), required=True, metadata=field("Наставляемые", minItems=1, uniqueItems=True)
    )


class GroupCloseRequest(AsDescribed, CloseGroupSchema):
    pass


class ConsentSignRequest(AsDescribed, ConsentSignSchema):
    json_rules = (
        when(
            "signer",
            ["representative", "both"],
            _filled("representative_name", "representative_doc"),
        ),
    )


class ConsentWithdrawRequest(Form):
    kind = Str(required=True, validate=one_of(CONSENT_KINDS), metadata=field("Вид согласия"))
    withdrawn_on = Date(required=True, metadata=field("Дата отзыва"))


class ConsentRequestRequest(Form):
    kind = Str(
        load_default="processing", validate=one_of(CONSENT_KINDS), metadata=field("Вид согласия")
    )


# --- responses --------------------------------------------------------------------


class Out(Schema):
    class Meta:
        unknown = EXCLUDE
        ordered = True


class ErrorOut(Out):
    error = fields.String(required=True, metadata={"description": "Сообщение по-русски"})
    field_errors = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Поле -> сообщения; вложенные поля через точку"},
    )


class UserOut(Out):
    id = fields.Integer()
    login = fields.String()
    full_name = fields.String()
    role = fields.String()
    role_title = fields.String()
    org_id = fields.Integer(allow_none=True)


class TokenOut(Out):
    token = fields.String(required=True)
    user = fields.Nested(UserOut)


class KindOut(Out):
    slug = fields.String()
    title = fields.String()
    roles = fields.List(fields.String())
    series = fields.String(allow_none=True)


class PdfStateOut(Out):
    status = fields.String(
        required=True,
        metadata={
            "enum": ["ready", "pending", "failed", "none"],
            "description": "PDF версии: готов, готовится, не удалось сделать, не делался",
        },
    )
    message = fields.String(allow_none=True, metadata={"description": "Сообщение по-русски"})


class VersionOut(Out):
    id = fields.Integer()
    document_id = fields.Integer()
    n = fields.Integer()
    input = fields.Dict()
    docx_sha256 = fields.String()
    pdf_sha256 = fields.String(allow_none=True)
    author_id = fields.Integer(allow_none=True)
    created_at = fields.String()
    note = fields.String(allow_none=True)


class DocumentOut(Out):
    id = fields.Integer()
    org_id = fields.Integer()
    kind = fields.String()
    title = fields.String()
    status = fields.String(metadata={"enum": list(DOCUMENT_STATUSES)})
    number = fields.String(allow_none=True)
    reg_date = fields.String(allow_none=True)
    registered_version = fields.Integer(allow_none=True)
    revision_of = fields.Integer(allow_none=True)
    created_by = fields.Integer(allow_none=True)
    created_at = fields.String()
    cancelled_at = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)


class VersionDetailOut(VersionOut):
    pdf = fields.Nested(PdfStateOut)


class DocumentDetailOut(DocumentOut):
    versions = fields.List(fields.Nested(VersionDetailOut))
    pdf = fields.Nested(
        PdfStateOut, metadata={"description": "PDF последней версии (после регистрации — её)"}
    )


class DocumentCreatedOut(DocumentOut):
    version = fields.Nested(VersionOut)


class FindingOut(Out):
    rule = fields.String(required=True, metadata={"description": "Код правила проверки"})
    level = fields.String(required=True, metadata={"description": "ошибка или предупреждение"})
    message = fields.String(required=True)
    excerpt = fields.String(required=True)


class PreviewOut(Out):
    html = fields.String(required=True)
    findings = fields.List(
        fields.Nested(FindingOut),
        required=True,
        metadata={"description": "Замечания проверки документа; «ошибка» не даст зарегистрировать"},
    )


class OrganisationOut(Out):
    id = fields.Integer()
    kind = fields.String()
    parent_id = fields.Integer(allow_none=True)
    full_name = fields.String()
    short_name = fields.String(allow_none=True)
    locality = fields.String(allow_none=True)
    address = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    inn = fields.String(allow_none=True)
    kpp = fields.String(allow_none=True)
    ogrn = fields.String(allow_none=True)
    founder_line = fields.String(allow_none=True)
    head_position = fields.String(allow_none=True)
    head_surname = fields.String(allow_none=True)
    head_name = fields.String(allow_none=True)
    head_patronymic = fields.String(allow_none=True)
    head_gender = fields.String(allow_none=True)
    head_acting = Flag()
    region = fields.String(allow_none=True)


class PersonOut(Out):
    id = fields.Integer()
    org_id = fields.Integer()
    surname = fields.String()
    name = fields.String()
    patronymic = fields.String()
    gender = fields.String()
    birth_date = fields.String(allow_none=True)
    category = fields.String()
    position = fields.String(allow_none=True)
    experience_years = fields.Integer(allow_none=True)
    partner_org = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    competences = fields.String(allow_none=True)
    time_available = fields.String(allow_none=True)
    request = fields.String(allow_none=True)
    is_mentor = Flag()
    is_mentee = Flag()


class MentoringFormOut(Out):
    code = fields.String()
    title = fields.String()
    audience = fields.String()
    mentor_categories = fields.List(fields.String())
    mentee_categories = fields.List(fields.String())


class GroupOut(Out):
    id = fields.Integer()
    org_id = fields.Integer()
    form_code = fields.String()
    kind_of_mentoring = fields.String(allow_none=True)
    status = fields.String()
    start_date = fields.String()
    end_date = fields.String()
    result = fields.String(allow_none=True)
    closed_on = fields.String(allow_none=True)
    order_document_id = fields.Integer(allow_none=True)
    form = fields.Nested(MentoringFormOut)
    mentor = fields.Nested(PersonOut)
    mentees = fields.List(fields.Nested(PersonOut))


class ConsentOut(Out):
    id = fields.Integer()
    person_id = fields.Integer()
    kind = fields.String()
    status = fields.String()
    signer = fields.String(allow_none=True)
    representative_name = fields.String(allow_none=True)
    representative_doc = fields.String(allow_none=True)
    signed_on = fields.String(allow_none=True)
    withdrawn_on = fields.String(allow_none=True)
    document_id = fields.Integer(allow_none=True)


class FormCountOut(Out):
    form = fields.String()
    pairs = fields.Integer()
    groups = fields.Integer()


class IndicatorOut(Out):
    code = fields.String()
    title = fields.String()
    unit = fields.String()
    numerator = fields.Integer(allow_none=True)
    denominator = fields.Integer(allow_none=True)
    value = fields.Float(allow_none=True)
    target = fields.Float(allow_none=True)
    text = fields.String(metadata={"description": "Значение, как его печатают: «41,7 %», «—»"})
    target_text = fields.String()
    formula = fields.String()
    note = fields.String()
    pairs = fields.Integer(allow_none=True)
    groups = fields.Integer(allow_none=True)
    breakdown = fields.List(fields.Nested(FormCountOut))
    source = fields.String(
        metadata={
            "description": "Для удовлетворённости: survey — по анкетам docgen, typed — введено"
        }
    )
    method = fields.String(metadata={"description": "Методика расчёта по анкетам"})
    source_text = fields.String(
        metadata={"description": "Откуда значение: число ответов и методика, или «введено вручную»"}
    )


class IndicatorsOut(Out):
    org_id = fields.Integer()
    on = fields.String()
    org_ids = fields.List(fields.Integer(), metadata={"description": "Чьи данные сложены"})
    indicators = fields.List(fields.Nested(IndicatorOut))
