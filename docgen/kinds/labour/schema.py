"""Forms of the labour-law documents of mentoring (ТК РФ ст. 351.8, DOMAIN.md §0, §2.3).

From 01.03.2025 an employee mentors only with a written consent, by the employer's instruction,
on the terms of the labour contract or a supplementary agreement to it (content, term, form,
payment); either side may end the mentoring early with 3 working days' written notice.
Both documents name the employee and the pairs/groups mentored: registry pairs by id, or the
mentees and the term typed in the form.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from docgen.forms import Date, Decimal, Int, List, Nested, Str, at_least, field, one_of
from docgen.kinds.fields import ActForm, DocumentForm, PersonForm

LAW_IN_FORCE = dt.date(2025, 3, 1)
NOTICE_DAYS = 3
PAY_PERIODS = ("ежемесячно", "за весь срок наставничества")
DUTIES = [
    "оказывать наставляемому помощь в профессиональной адаптации, освоении должностных "
    "обязанностей и устранении профессиональных затруднений",
    "совместно с наставляемым разработать персонализированную программу наставничества и "
    "обеспечить её выполнение",
    "проводить консультации, посещать и анализировать уроки (занятия) наставляемого, давать "
    "рекомендации по их совершенствованию",
    "представлять куратору отчёт о реализации персонализированной программы наставничества",
]


def _not_negative(value: Any) -> None:
    if value is not None and value < 0:
        raise ValidationError("Не может быть отрицательной.")


def _identity(person: dict) -> tuple | None:
    if person.get("id") is not None:
        return ("id", person["id"])
    if person.get("surname"):
        return (person["surname"], person.get("name"), person.get("patronymic"))
    return None


class MentoringFields(DocumentForm):
    """The employee, whom they mentor, the term, and the signing date, shared by both documents."""

    employee = Nested(
        PersonForm, required=True, metadata=field("Работник-наставник", "ФИО, должность")
    )
    groups = List(
        Int(),
        load_default=list,
        metadata=field(
            "Наставнические пары (группы) из реестра",
            "Наставляемые, форма и сроки — из реестра; работник — их наставник",
        ),
    )
    mentees = List(
        Nested(PersonForm),
        load_default=list,
        metadata=field("Наставляемые", "Если пары нет в реестре: ФИО, должность"),
    )
    form = Str(
        load_default="",
        max_length=200,
        metadata=field("Форма наставничества", "учитель – учитель"),
    )
    start = Date(load_default=None, metadata=field("Наставничество с"))
    end = Date(load_default=None, metadata=field("Наставничество по"))
    date = Date(
        load_default=None,
        metadata=field(
            "Дата подписания",
            "Не ранее 01.03.2025 и не позднее начала наставничества; пусто — заполняется от руки",
        ),
    )

    @validates_schema
    def _mentoring(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        if not data.get("groups"):
            if not data.get("mentees"):
                errors["mentees"] = ["Укажите наставляемых или наставническую пару из реестра."]
            for name, title in (("start", "начала"), ("end", "окончания")):
                if not data.get(name):
                    errors[name] = [f"Укажите дату {title} наставничества."]
        start, end, signed = data.get("start"), data.get("end"), data.get("date")
        if start and end and end < start:
            errors["end"] = ["Наставничество кончается раньше, чем начинается."]
        errors |= signing_errors(signed, start)
        employee = _identity(data.get("employee") or {})
        if employee and any(_identity(m) == employee for m in data.get("mentees") or []):
            errors["mentees"] = ["Наставник не может быть своим наставляемым."]
        if errors:
            raise ValidationError(errors)


def signing_errors(signed: dt.date | None, start: dt.date | None) -> dict[str, list[str]]:
    """Why a signing date does not fit ст. 351.8 (in force; before the mentoring starts)."""
    if signed is None:
        return {}
    if signed < LAW_IN_FORCE:
        return {
            "date": [
                "Статья 351.8 Трудового кодекса Российской Федерации действует с 01.03.2025: "
                "дата подписания — не ранее 01.03.2025."
            ]
        }
    if start is not None and signed > start:
        return {"date": [f"Подписывается до начала наставничества: не позднее {start:%d.%m.%Y}."]}
    return {}


class TkConsentForm(MentoringFields):
    title = Str(
        load_default="Согласие работника на осуществление наставничества",
        max_length=300,
        metadata=field("Заголовок"),
    )


class TkAgreementForm(MentoringFields):
    title = Str(
        load_default="Дополнительное соглашение к трудовому договору о выполнении наставничества",
        max_length=300,
        metadata=field("Заголовок"),
    )
    number = Str(
        load_default="", max_length=50, metadata=field("Номер соглашения", "Пусто — «____»")
    )
    contract = Nested(
        ActForm,
        load_default=None,
        metadata=field("Трудовой договор", "Дата и номер; пусто — заполняются от руки"),
    )
    kind_of_mentoring = Str(
        load_default="традиционное («один на один»)",
        max_length=200,
        metadata=field("Вид наставничества"),
    )
    duties = List(
        Str(max_length=1000),
        load_default=lambda: list(DUTIES),
        validate=at_least(1),
        metadata=field("Содержание наставничества", "Что поручается наставнику"),
    )
    pay_amount = Decimal(
        load_default=None,
        validate=_not_negative,
        metadata=field("Выплата за наставничество, руб.", "Пусто — по приказу или от руки"),
    )
    pay_period = Str(
        load_default="ежемесячно", validate=one_of(PAY_PERIODS), metadata=field("Выплачивается")
    )
    pay_order = Nested(
        ActForm,
        load_default=None,
        metadata=field("Приказ, которым установлена выплата", "Например, приказ о закреплении пар"),
    )
    notice_days = Int(
        load_default=NOTICE_DAYS,
        validate=validate.Range(
            min=NOTICE_DAYS, max=30, error="Не менее 3 рабочих дней (ст. 351.8 ТК РФ), не более 30."
        ),
        metadata=field("Срок предупреждения о досрочном прекращении, рабочих дней"),
    )
