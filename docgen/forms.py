"""The vocabulary of every form: fields with Russian messages, the base schema, JSON Schema.

Registry records, document kinds and API requests are all built from these pieces, so a rule
(control characters, dates, 64-bit ids) is written once and stated once in the description.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from apispec.ext.marshmallow.openapi import OpenAPIConverter
from marshmallow import RAISE, Schema, ValidationError, fields, validate

from docgen import dates
from docgen import text as plain_text

REQUIRED = "Обязательное поле."
NULL = "Поле не может быть пустым."


def _messages(**extra: str) -> dict[str, str]:
    return {
        "required": REQUIRED,
        "null": NULL,
        "validator_failed": "Недопустимое значение.",
    } | extra


class Str(fields.String):
    """A string that is stripped; an empty string counts as missing when the field is required.

    Its length is that of the string as sent, spaces included, as its JSON Schema says."""

    default_error_messages = _messages(
        invalid="Ожидается строка.", invalid_utf8="Неверная кодировка."
    )

    def __init__(self, *, max_length: int = 2000, **kwargs: Any):
        given = kwargs.pop("validate", None)
        validators = [] if given is None else list(given) if isinstance(given, list) else [given]
        self.max_length = max_length
        validators.append(
            validate.Length(max=max_length, error=f"Не длиннее {max_length} символов.")
        )
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        plain_text.check(text)  # before strip(), which would hide U+000B and U+001F at the ends
        if len(text) > self.max_length:
            raise ValidationError(f"Не длиннее {self.max_length} символов.")
        text = text.strip()
        if not text and self.required:
            raise self.make_error("required")
        wrong = dates.impossible_in(text)
        if wrong:  # «до 31.02.2026» in a deadline typed as text
            raise ValidationError(f"Такой даты нет: {wrong}.")
        return text


class Text(Str):
    """A long text typed by the user (paragraphs allowed)."""

    def __init__(self, **kwargs: Any):
        super().__init__(max_length=20000, **kwargs)


# The largest integer SQLite stores (and the API's description allows).
INT64 = 2**63 - 1


class Int(fields.Integer):
    """An integer, as its JSON Schema says: 12 or 12.0, not "12", true or 1.5, and within what
    SQLite holds (±INT64). Pages turn typed digits into integers before loading (web/formdata),
    and the API reads the integers of a query string (web/api/endpoint)."""

    default_error_messages = _messages(
        invalid="Ожидается целое число.", too_large="Слишком большое число."
    )

    def _validated(self, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            if abs(value) > INT64:
                raise self.make_error("too_large")
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.make_error("invalid")
        if abs(value) > INT64:
            raise self.make_error("too_large")
        return value


# An integer as text (a page's box, a query string); longer ones stay text and are refused.
_DIGITS = re.compile(r"\s*[-+]?[0-9]{1,30}\s*")


def int_from_text(text: str) -> int | str:
    """Typed digits as the integer they name, anything else as it is (for Int to judge)."""
    return int(text) if _DIGITS.fullmatch(text) else text


class Decimal(fields.Decimal):
    default_error_messages = _messages(invalid="Ожидается число.", special="Ожидается число.")

    def __init__(self, **kwargs: Any):
        super().__init__(places=2, as_string=True, **kwargs)


class Bool(fields.Boolean):
    """true or false, as its JSON Schema says: not 0, 1 or "yes" (pages turn a checkbox into a
    bool before loading; the registry turns its stored 0/1 back into bools)."""

    default_error_messages = _messages(invalid="Ожидается «да» или «нет».")

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Date(fields.Date):
    """A calendar date: ISO (2024-09-01) or as people type it (01.09.2024)."""

    default_error_messages = _messages(
        invalid="Неверная дата: ожидается ДД.ММ.ГГГГ, такой даты нет.",
        format="Неверная дата.",
    )

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            text = value.strip()
            if len(text) == 10 and text[2] == "." and text[5] == ".":
                try:
                    day = dt.datetime.strptime(text, "%d.%m.%Y").date()
                except ValueError as err:
                    raise self.make_error("invalid") from err
                return _plausible(day)
        return _plausible(super()._deserialize(value, attr, data, **kwargs))


def _plausible(day: dt.date) -> dt.date:
    try:
        return dates.check_year(day)
    except dates.DateError as err:
        raise ValidationError(f"Неверная дата: {err}.") from err


class List(fields.List):
    default_error_messages = _messages(invalid="Ожидается список.")


class Nested(fields.Nested):
    default_error_messages = _messages(type="Ожидается объект.")


class Email(fields.Email):
    default_error_messages = _messages(invalid="Неверный адрес электронной почты.")

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        plain_text.check(text)
        return text


def one_of(
    choices: list[str] | tuple[str, ...], labels: list[str] | tuple[str, ...] | None = None
) -> validate.OneOf:
    """One of `choices`; `labels` are the words a page shows for codes (and the error names)."""
    named = labels or choices
    return validate.OneOf(
        choices, labels=labels, error="Допустимые значения: " + ", ".join(named) + "."
    )


def at_least(n: int) -> validate.Length:
    return validate.Length(min=n, error=f"Нужно не менее {n}.")


def field(title: str, description: str = "", **meta: Any) -> dict[str, Any]:
    """Field metadata: the Russian label and hint that pages and JSON Schema show."""
    return {"title": title, "description": description, **meta}


class Form(Schema):
    """Base schema: unknown keys are an error, messages are Russian."""

    error_messages = {"unknown": "Неизвестное поле.", "type": "Ожидается объект."}

    class Meta:
        unknown = RAISE
        ordered = True


# What the fields refuse, said as JSON Schema, so a request valid by the description is accepted.
_CONTROL = "\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f"  # docgen.text.CONTROL
NO_CONTROL = f"^[^{_CONTROL}]*$"
NOT_BLANK = f"^[^{_CONTROL}]*[^{_CONTROL}\\s][^{_CONTROL}]*$"
_DAY_MONTH = (
    "(?:0[1-9]|1[0-9]|2[0-8])\\.(?:0[1-9]|1[0-2])",
    "(?:29|30)\\.(?:0[13-9]|1[0-2])",
    "31\\.(?:0[13578]|1[02])",
)


def year_range(first: int, last: int) -> str:
    """A regex matching exactly the four-digit years first..last, decade by decade."""
    parts = []
    for century in range(first // 100, last // 100 + 1):
        low, high = max(first, century * 100), min(last, century * 100 + 99)
        low_decade, high_decade = low // 10 % 10, high // 10 % 10
        if low_decade == high_decade:
            parts.append(f"{century}{low_decade}[{low % 10}-{high % 10}]")
            continue
        if low % 10:
            parts.append(f"{century}{low_decade}[{low % 10}-9]")
            low_decade += 1
        if high % 10 != 9:
            parts.append(f"{century}{high_decade}[0-{high % 10}]")
            high_decade -= 1
        if low_decade <= high_decade:
            parts.append(f"{century}[{low_decade}-{high_decade}][0-9]")
    return "(?:" + "|".join(parts) + ")"


def date_pattern(last_year: int) -> str:
    """ДД.ММ.ГГГГ or ISO, a day that exists in every year, from the first year the fields
    accept (dates.EARLIEST_YEAR) to `last_year`."""
    years = year_range(dates.EARLIEST_YEAR, last_year)
    russian = "|".join(f"{day_month}\\.{years}" for day_month in _DAY_MONTH)
    iso = "|".join(
        f"{years}-{'-'.join(reversed(day_month.split(chr(92) + '.')))}" for day_month in _DAY_MONTH
    )
    return f"^(?:{russian}|{iso})$"


def field_constraints(self: Any, field: fields.Field, ret: dict, **kwargs: Any) -> dict:
    """An apispec attribute function: the rules our fields enforce beyond marshmallow's own.

    Text is refused with a control character, and when required, if blank once stripped;
    integers must fit SQLite; dates are ISO or ДД.ММ.ГГГГ from dates.EARLIEST_YEAR to last
    year (earlier years are refused as typos, and later ones may not have come yet).
    """
    extra: dict[str, Any] = {}
    if isinstance(field, Str):
        if "enum" not in ret and "pattern" not in ret:
            extra["pattern"] = NOT_BLANK if field.required else NO_CONTROL
            if field.required:
                extra["minLength"] = max(ret.get("minLength", 0), 1)
    elif isinstance(field, fields.Integer):
        extra["minimum"] = max(ret.get("minimum", -INT64), -INT64)
        extra["maximum"] = min(ret.get("maximum", INT64), INT64)
    elif isinstance(field, Date):
        ret.pop("format", None)
        extra["pattern"] = date_pattern(dt.date.today().year - 1)
    if (
        getattr(field.parent, "NULL_IS_MISSING", False)
        and not field.required
        and isinstance(ret.get("type"), str)
    ):
        extra["type"] = [ret["type"], "null"]  # null means «not given» there
    return extra


def json_schema(schema: type[Schema] | Schema) -> dict[str, Any]:
    """JSON Schema of a form, with Russian titles and hints, for pages and API clients."""
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    plugin = MarshmallowPlugin()
    spec = APISpec("docgen", "1", "3.1.0", plugins=[plugin])
    converter: OpenAPIConverter = plugin.converter  # type: ignore[assignment]
    converter.add_attribute_function(field_constraints)
    instance = schema() if isinstance(schema, type) else schema
    result = converter.schema2jsonschema(instance)
    nested = spec.to_dict().get("components", {}).get("schemas", {})
    if nested:
        result["$defs"] = nested
    text = json.dumps(result, ensure_ascii=False).replace("#/components/schemas/", "#/$defs/")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **json.loads(text)}
