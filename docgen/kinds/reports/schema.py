"""Отчёт о реализации целевой модели наставничества and the website disclosure page.

Both show the indicators of `docgen.registry.indicators`: computed from the registry at the reference
date when a registry is attached, otherwise as the input gives them (an empty database, CLI).
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from docgen.forms import Date, Decimal, Form, Int, List, Nested, Str, Text, field, one_of
from docgen.kinds.fields import DocumentForm, PersonForm
from docgen.kinds.reports import disclosure
from docgen.registry import indicators as ind

CODES = tuple(indicator.code for indicator in ind.INDICATORS)
TITLES = tuple(indicator.title for indicator in ind.INDICATORS)


class FormCountForm(Form):
    form = Str(required=True, max_length=200, metadata=field("Форма наставничества"))
    pairs = Int(required=True, metadata=field("Пар"))
    groups = Int(required=True, metadata=field("Групп"))


class IndicatorInputForm(Form):
    """An indicator's figures typed in when there is no registry to compute them from."""

    code = Str(required=True, validate=one_of(CODES, TITLES), metadata=field("Показатель"))
    numerator = Int(load_default=None, metadata=field("Числитель (человек, единиц)"))
    denominator = Int(load_default=None, metadata=field("Знаменатель (человек)"))
    value = Decimal(
        load_default=None, metadata=field("Значение", "Пусто — из числителя и знаменателя")
    )
    target = Decimal(load_default=None, metadata=field("Целевое значение"))
    pairs = Int(load_default=None, metadata=field("Пар (для числа пар/групп)"))
    groups = Int(load_default=None, metadata=field("Групп (для числа пар/групп)"))
    by_form = List(Nested(FormCountForm), load_default=list, metadata=field("По формам"))

    @validates_schema
    def _fraction(self, data: dict, **kwargs: Any) -> None:
        numerator, denominator = data.get("numerator"), data.get("denominator")
        for name in ("numerator", "denominator", "pairs", "groups"):
            if (data.get(name) or 0) < 0:
                raise ValidationError("Не может быть отрицательным.", field_name=name)
        if numerator is not None and denominator is not None and numerator > denominator:
            raise ValidationError(
                f"Числитель ({numerator}) больше знаменателя ({denominator}).",
                field_name="numerator",
            )


class SurveyForm(Form):
    satisfied = Int(required=True, metadata=field("Удовлетворены (человек)"))
    respondents = Int(required=True, metadata=field("Ответили на анкету (человек)"))

    @validates_schema
    def _bounds(self, data: dict, **kwargs: Any) -> None:
        if not 0 <= data["satisfied"] <= data["respondents"]:
            raise ValidationError(
                "Удовлетворённых не может быть больше ответивших.", field_name="satisfied"
            )


class _IndicatorsForm(DocumentForm):
    on = Date(
        load_default=None,
        metadata=field("Отчётная дата", "На эту дату считаются возраст, стаж, пары"),
    )
    year = Int(
        load_default=None, metadata=field("Год целевых значений", "Пусто — год отчётной даты")
    )
    indicators = List(
        Nested(IndicatorInputForm),
        load_default=list,
        metadata=field("Показатели", "Если реестр не подключён"),
    )
    survey_mentees = Nested(
        SurveyForm, load_default=None, metadata=field("Анкетирование наставляемых")
    )
    survey_mentors = Nested(
        SurveyForm, load_default=None, metadata=field("Анкетирование наставников")
    )
    survey_method = Str(
        load_default=ind.SURVEY_METHOD,
        max_length=1000,
        metadata=field("Методика оценки удовлетворённости"),
    )


class MonitoringReportForm(_IndicatorsForm):
    title = Str(
        load_default="Отчёт о реализации целевой модели наставничества",
        max_length=300,
        metadata=field("Заголовок"),
    )
    date = Date(
        load_default=None, metadata=field("Дата отчёта", "Пусто — отчётная дата показателей")
    )
    period_start = Date(required=True, metadata=field("Период с"))
    period_end = Date(required=True, metadata=field("Период по"))
    conclusions = Text(load_default="", metadata=field("Выводы и предложения"))
    curator = Nested(PersonForm, load_default=None, metadata=field("Куратор"))
    executor = Nested(PersonForm, load_default=None, metadata=field("Исполнитель"))
    executor_phone = Str(load_default="", max_length=50, metadata=field("Телефон исполнителя"))

    @validates_schema
    def _period(self, data: dict, **kwargs: Any) -> None:
        if data["period_start"] > data["period_end"]:
            raise ValidationError("Начало периода позже его окончания.", field_name="period_end")


class DocumentInputForm(Form):
    """A required document as the form gives it, or only its link when the archive has it."""

    code = Str(
        required=True,
        validate=one_of(disclosure.REQUIRED_CODES, disclosure.REQUIRED_TITLES),
        metadata=field("Документ"),
    )
    number = Str(load_default=None, max_length=50, metadata=field("Номер"))
    date = Date(load_default=None, metadata=field("Дата"))
    url = Str(load_default="", max_length=500, metadata=field("Ссылка на PDF"))

    @validates_schema
    def _url(self, data: dict, **kwargs: Any) -> None:
        url = data.get("url") or ""
        if url and not url.startswith(("https://", "http://")):
            raise ValidationError(
                "Ссылка должна начинаться с https:// или http://.", field_name="url"
            )


class DisclosureForm(_IndicatorsForm):
    title = Str(
        load_default="Информация о внедрении и реализации целевой модели наставничества",
        max_length=300,
        metadata=field("Заголовок"),
    )
    documents = List(
        Nested(DocumentInputForm),
        load_default=list,
        metadata=field("Документы", "Реквизиты и ссылки, если реестр не подключён"),
    )
    pdf_url_pattern = Str(
        load_default="",
        max_length=500,
        metadata=field(
            "Адрес опубликованных PDF",
            "Например https://school.ru/nastavnichestvo/{id}.pdf; {id} — номер в архиве, "
            "{number} — регистрационный номер",
        ),
    )
