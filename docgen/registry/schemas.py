"""Schemas of registry records (organisations, people, pairs, consents) with Russian messages."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from docgen import dates
from docgen.errors import FieldErrors, field_paths
from docgen.forms import Bool, Email, Form, Int, Str, Text, field
from docgen.forms import Date as _Date
from docgen.forms import List as _List

CATEGORIES = (
    "обучающийся",
    "педагог",
    "родитель",
    "выпускник",
    "представитель организации-партнёра",
    "студент",
    "работник",
)
ORG_KINDS = ("school", "department")
GENDERS = ("m", "f")
KINDS_OF_MENTORING = (
    "виртуальное",
    "в группе",
    "краткосрочное",
    "реверсивное",
    "ситуационное",
    "скоростное",
    "традиционное",
)
CONSENT_KINDS = ("processing", "dissemination")
SIGNERS = ("self", "representative", "both")
GROUP_STATUSES = ("planned", "active", "closed")


def _letters() -> str:
    """A regex class body of the letters of any script in the Basic Multilingual Plane
    (str.isalpha: Unicode category L), written out as ranges of the letters themselves, so
    that Python, ECMA-262 and Rust regexes read it alike (none of them needs \\p{L})."""
    ranges: list[str] = []
    start = None
    for code in range(0x10001):
        letter = code < 0x10000 and chr(code).isalpha()
        if letter and start is None:
            start = code
        elif not letter and start is not None:
            last = code - 1
            ranges.append(chr(start) if last == start else f"{chr(start)}-{chr(last)}")
            start = None
    return "".join(ranges)


# Letters plus the joiners real surnames use («Салтыков-Щедрин», «д'Артаньян»).
_LETTER = f"[{_letters()}]"
NAME_RE = re.compile(f"{_LETTER}+(?:[-' ]{_LETTER}+)*")
# A person's name as typed, before its spaces are collapsed: any run of the whitespace
# str.split() collapses (control characters aside) joins too. JSON Schema states it as is.
_SPACE = "[\t\n\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]"
_TYPED = f"{_LETTER}+(?:(?:[-']|{_SPACE}+){_LETTER}+)*"
TYPED_NAME_RE = re.compile(_TYPED)
NAME_PATTERN = f"^{_SPACE}*{_TYPED}{_SPACE}*$"
OPTIONAL_NAME_PATTERN = f"^{_SPACE}*(?:{_TYPED})?{_SPACE}*$"


def choice(choices: tuple[str, ...]) -> validate.OneOf:
    return validate.OneOf(choices, error="допустимые значения — " + ", ".join(choices))


class Date(_Date):
    """A date (ISO or ДД.ММ.ГГГГ) that tells an impossible date from a malformed one."""

    default_error_messages = {
        **_Date.default_error_messages,
        "invalid": "такой даты нет или формат не ДД.ММ.ГГГГ",
    }

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            text = value.strip()
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                try:
                    day = dt.date.fromisoformat(text)
                except ValueError as err:
                    raise ValidationError("такой даты нет") from err
                return _plausible(day)
            if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", text):
                try:
                    day = dt.datetime.strptime(text, "%d.%m.%Y").date()
                except ValueError as err:
                    raise ValidationError("такой даты нет") from err
                return _plausible(day)
        return super()._deserialize(value, attr, data, **kwargs)


def _plausible(day: dt.date) -> dt.date:
    try:
        return dates.check_year(day)
    except dates.DateError as err:
        raise ValidationError(str(err)) from err


class List(_List):
    pass


class Float(fields.Float):
    default_error_messages = {
        **fields.Float.default_error_messages,
        "required": "обязательное поле",
        "null": "поле не может быть пустым",
        "invalid": "ожидается число",
        "special": "ожидается число",
    }


def _name_validator(value: str, rule: re.Pattern = NAME_RE) -> None:
    if value and not rule.fullmatch(value):
        raise ValidationError("допустимы только буквы, дефис, апостроф и пробел")


def _typed_name_validator(value: str) -> None:
    _name_validator(value, TYPED_NAME_RE)


def _digits(length: tuple[int, ...], what: str):
    def check(value: str) -> None:
        if value and (not value.isdigit() or len(value) not in length):
            counts = " или ".join(str(n) for n in length)
            raise ValidationError(f"{what} состоит из {counts} цифр")

    return check


def stored(row: dict[str, Any], schema: Schema) -> dict[str, Any]:
    """A stored row as its schema loads it: SQLite keeps booleans as 0 and 1."""
    return {
        key: bool(value)
        if isinstance(schema.fields.get(key), fields.Boolean) and isinstance(value, int)
        else value
        for key, value in row.items()
    }


class RegistrySchema(Form):
    """Base for registry records: messages are prefixed with the field's Russian label."""

    NULL_IS_MISSING = True  # for the JSON Schema: see _blank_values

    @pre_load
    def _blank_values(self, data: Any, **kwargs: Any) -> Any:
        # Forms send "" for an untouched optional field and database rows carry NULLs;
        # both mean "not given" here.
        if not isinstance(data, dict):
            return data
        cleaned = dict(data)
        for key, value in data.items():
            schema_field = self.fields.get(key)
            if schema_field is None or schema_field.required:
                continue
            if value == "" and schema_field.allow_none:
                cleaned[key] = None
            elif value is None and not schema_field.allow_none:
                del cleaned[key]
        return cleaned

    def load_or_raise(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        try:
            return self.load(data, **kwargs)
        except ValidationError as err:
            raise field_errors(self, err.messages) from err


def field_errors(schema: Schema, messages: Any) -> FieldErrors:
    """Turn marshmallow messages into FieldErrors with «Метка: сообщение» entries."""
    fields_out: dict[str, list[str]] = {}
    for name, values in field_paths(messages).items():
        label = _label(schema, name)
        for value in values:
            fields_out.setdefault(name, []).append(f"{label}: {_lower_first(value)}")
    summary = "; ".join(m for ms in fields_out.values() for m in ms)
    return FieldErrors(summary, fields=fields_out)


def _label(schema: Schema, name: str) -> str:
    top = name.split(".")[0]
    schema_field = schema.fields.get(top)
    if schema_field is not None and schema_field.metadata.get("title"):
        return schema_field.metadata["title"]
    return "Запись" if top == "_schema" else top


def _lower_first(text: str) -> str:
    text = text.rstrip(".")
    if len(text) > 1 and text[0].isupper() and not text[1].isupper():
        return text[0].lower() + text[1:]
    return text


class OrganisationSchema(RegistrySchema):
    kind = Str(required=True, validate=choice(ORG_KINDS), metadata=field("Вид организации"))
    parent_id = Int(load_default=None, metadata=field("Орган управления образованием"))
    full_name = Str(required=True, max_length=500, metadata=field("Полное наименование"))
    short_name = Str(load_default="", max_length=200, metadata=field("Сокращённое наименование"))
    locality = Str(load_default="", max_length=200, metadata=field("Населённый пункт"))
    address = Str(load_default="", max_length=500, metadata=field("Адрес"))
    phone = Str(load_default="", max_length=100, metadata=field("Телефон"))
    email = Email(load_default=None, allow_none=True, metadata=field("Электронная почта"))
    website = Str(load_default="", max_length=300, metadata=field("Сайт"))
    inn = Str(
        load_default="", max_length=12, validate=_digits((10, 12), "ИНН"), metadata=field("ИНН")
    )
    kpp = Str(load_default="", max_length=9, validate=_digits((9,), "КПП"), metadata=field("КПП"))
    ogrn = Str(
        load_default="", max_length=15, validate=_digits((13, 15), "ОГРН"), metadata=field("ОГРН")
    )
    founder_line = Str(load_default="", max_length=500, metadata=field("Учредитель"))
    head_position = Str(load_default="", max_length=200, metadata=field("Должность руководителя"))
    head_surname = Str(
        load_default="",
        max_length=100,
        validate=_name_validator,
        metadata=field("Фамилия руководителя"),
    )
    head_name = Str(
        load_default="",
        max_length=100,
        validate=_name_validator,
        metadata=field("Имя руководителя"),
    )
    head_patronymic = Str(
        load_default="",
        max_length=100,
        validate=_name_validator,
        metadata=field("Отчество руководителя"),
    )
    head_gender = Str(
        load_default=None,
        allow_none=True,
        validate=choice(GENDERS),
        metadata=field("Пол руководителя"),
    )
    head_acting = Bool(load_default=False, metadata=field("Руководитель исполняет обязанности"))
    region = Str(load_default="", max_length=200, metadata=field("Субъект Российской Федерации"))


class PersonSchema(RegistrySchema):
    surname = Str(
        required=True,
        max_length=100,
        validate=_typed_name_validator,
        metadata=field("Фамилия", pattern=NAME_PATTERN),
    )
    name = Str(
        required=True,
        max_length=100,
        validate=_typed_name_validator,
        metadata=field("Имя", pattern=NAME_PATTERN),
    )
    patronymic = Str(
        load_default="",
        allow_none=True,
        max_length=100,
        validate=_typed_name_validator,
        metadata=field("Отчество", pattern=OPTIONAL_NAME_PATTERN),
    )
    gender = Str(required=True, validate=choice(GENDERS), metadata=field("Пол"))
    birth_date = Date(load_default=None, allow_none=True, metadata=field("Дата рождения"))
    category = Str(required=True, validate=choice(CATEGORIES), metadata=field("Категория"))
    position = Str(
        load_default="", max_length=300, metadata=field("Должность (для обучающегося — класс)")
    )
    experience_years = Int(
        load_default=None,
        allow_none=True,
        validate=validate.Range(min=0, max=70, error="от 0 до 70 лет"),
        metadata=field("Педагогический стаж"),
    )
    partner_org = Str(load_default="", max_length=300, metadata=field("Организация-партнёр"))
    email = Email(load_default=None, allow_none=True, metadata=field("Электронная почта"))
    phone = Str(load_default="", max_length=100, metadata=field("Телефон"))
    competences = Text(load_default="", metadata=field("Компетенции"))
    time_available = Str(load_default="", max_length=500, metadata=field("Свободное время"))
    request = Text(load_default="", metadata=field("Запрос наставляемого"))
    is_mentor = Bool(load_default=False, metadata=field("В базе наставников"))
    is_mentee = Bool(load_default=False, metadata=field("В базе наставляемых"))

    @post_load
    def _collapse_spaces(self, data: dict, **kwargs: Any) -> dict:
        # After the fields' checks (control characters, the length as typed): «Анна  Мария»
        # is stored as «Анна Мария».
        for key in ("surname", "name", "patronymic"):
            if isinstance(data.get(key), str):
                data[key] = " ".join(data[key].split())
        return data

    @validates_schema
    def _rules(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        birth = data.get("birth_date")
        if birth is not None:
            if birth > dt.date.today():
                errors.setdefault("birth_date", []).append("дата ещё не наступила")
            elif birth.year < 1900:
                errors.setdefault("birth_date", []).append("слишком ранняя дата")
        if data.get("category") == "обучающийся" and birth is None:
            errors.setdefault("birth_date", []).append(
                "обязательное поле для обучающегося (от возраста зависит, кто подписывает согласие)"
            )
        if data.get("category") == "представитель организации-партнёра" and not data.get(
            "partner_org"
        ):
            errors.setdefault("partner_org", []).append(
                "обязательное поле для представителя организации-партнёра"
            )
        if errors:
            raise ValidationError(errors)


class GroupSchema(RegistrySchema):
    form_code = Str(required=True, max_length=100, metadata=field("Форма наставничества"))
    mentor_id = Int(required=True, metadata=field("Наставник"))
    mentee_ids = List(Int(), required=True, metadata=field("Наставляемые"))
    start_date = Date(required=True, metadata=field("Дата начала"))
    end_date = Date(required=True, metadata=field("Дата окончания"))
    kind_of_mentoring = Str(
        load_default=None,
        allow_none=True,
        validate=choice(KINDS_OF_MENTORING),
        metadata=field("Вид наставничества"),
    )
    status = Str(
        load_default="active", validate=choice(("planned", "active")), metadata=field("Статус")
    )

    @validates_schema
    def _rules(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        if not data.get("mentee_ids"):
            errors["mentee_ids"] = ["нужен хотя бы один наставляемый"]
        elif len(set(data["mentee_ids"])) != len(data["mentee_ids"]):
            errors["mentee_ids"] = ["один и тот же человек указан дважды"]
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and start > end:
            errors["end_date"] = ["дата окончания раньше даты начала"]
        if errors:
            raise ValidationError(errors)


class CloseGroupSchema(RegistrySchema):
    result = Text(required=True, metadata=field("Результат"))
    closed_on = Date(required=True, metadata=field("Дата завершения"))


class ConsentSignSchema(RegistrySchema):
    kind = Str(required=True, validate=choice(CONSENT_KINDS), metadata=field("Вид согласия"))
    signed_on = Date(required=True, metadata=field("Дата подписания"))
    signer = Str(required=True, validate=choice(SIGNERS), metadata=field("Кто подписал"))
    representative_name = Str(
        load_default="",
        allow_none=True,
        max_length=300,
        metadata=field("ФИО законного представителя"),
    )
    representative_doc = Str(
        load_default="",
        allow_none=True,
        max_length=500,
        metadata=field("Документ, подтверждающий полномочия представителя"),
    )

    @validates_schema
    def _representative(self, data: dict, **kwargs: Any) -> None:
        if data.get("signer") in ("representative", "both"):
            errors = {}
            if not data.get("representative_name"):
                errors["representative_name"] = [
                    "обязательное поле, если подписывает представитель"
                ]
            if not data.get("representative_doc"):
                errors["representative_doc"] = ["обязательное поле, если подписывает представитель"]
            if errors:
                raise ValidationError(errors)
