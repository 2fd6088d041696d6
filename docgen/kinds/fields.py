"""Form pieces document kinds share: people, organisations, requisites of acts, documents and
orders; built from the vocabulary in docgen.forms."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from docgen.forms import (
    Bool,
    Date,
    Form,
    Int,
    List,
    Nested,
    Str,
    field,
    one_of,
)
from docgen.rendering.context import PersonBlock

GENDERS = ("m", "f")


class PersonForm(Form, PersonBlock):
    """A person named by registry id, or given inline (so that the CLI and API work without one)."""

    id = Int(load_default=None, metadata=field("Из реестра", "Номер человека в реестре"))
    surname = Str(max_length=100, load_default=None, metadata=field("Фамилия"))
    name = Str(max_length=100, load_default=None, metadata=field("Имя"))
    patronymic = Str(max_length=100, load_default=None, metadata=field("Отчество"))
    gender = Str(
        load_default=None,
        validate=one_of(GENDERS),
        metadata=field("Пол", "Если не указан, определяется по отчеству"),
    )
    position = Str(
        max_length=300, load_default=None, metadata=field("Должность (для обучающегося — класс)")
    )
    birth_date = Date(load_default=None, metadata=field("Дата рождения"))

    @validates_schema
    def _id_or_name(self, data: dict, **kwargs: Any) -> None:
        if data.get("id") is None and not (data.get("surname") and data.get("name")):
            raise ValidationError(
                "Укажите человека из реестра или его фамилию и имя.", field_name="surname"
            )


class ActForm(Form):
    """Requisites of an act a document relies on (a regulation, a protocol, an order)."""

    date = Date(required=True, metadata=field("Дата"))
    number = Str(required=True, max_length=50, metadata=field("Номер"))


class TaskForm(Form):
    text = Str(required=True, max_length=1000, metadata=field("Поручение"))
    deadline = Str(required=True, max_length=100, metadata=field("Срок", "например: до 01.10.2024"))


class OrganisationForm(Form):
    """An organisation given inline: used when no registry organisation is attached."""

    full_name = Str(
        required=True, max_length=500, metadata=field("Полное наименование (по уставу)")
    )
    short_name = Str(load_default="", max_length=200, metadata=field("Сокращённое наименование"))
    founder_line = Str(
        load_default="", max_length=500, metadata=field("Учредитель (верхняя строка)")
    )
    locality = Str(load_default="", max_length=200, metadata=field("Место составления"))
    address = Str(load_default="", max_length=500, metadata=field("Адрес"))
    head_position = Str(
        load_default="Директор", max_length=200, metadata=field("Должность руководителя")
    )
    head = Nested(PersonForm, required=True, metadata=field("Руководитель"))
    head_acting = Bool(load_default=False, metadata=field("Руководитель исполняет обязанности"))


class DocumentForm(Form):
    """Fields every document kind shares: the organisation when no registry is attached."""

    organisation = Nested(
        OrganisationForm,
        load_default=None,
        metadata=field("Организация", "Берётся из реестра; укажите, если реестра нет"),
    )


class OrderForm(DocumentForm):
    """Fields every order shares: control, familiarisation, executor."""

    control = Nested(
        PersonForm,
        load_default=None,
        metadata=field(
            "Контроль возложить на", "Пусто — «Контроль … оставляю за собой»", signs=True
        ),
    )
    acquaint = List(
        Nested(PersonForm),
        load_default=list,
        metadata=field("С приказом ознакомить", "Лист ознакомления"),
    )
    executor = Nested(PersonForm, load_default=None, metadata=field("Исполнитель"))
    executor_phone = Str(load_default="", max_length=50, metadata=field("Телефон исполнителя"))
