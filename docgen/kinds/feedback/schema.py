"""Forms of what participants hand back: the mentor's report on a personalised programme and
the printable satisfaction questionnaires (DOMAIN.md §2.7 item 8, §2.9, §2.10)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from docgen.forms import Bool, Date, Form, Int, List, Nested, Str, Text, at_least, field, one_of
from docgen.kinds.fields import ActForm, DocumentForm, PersonForm
from docgen.surveys.questionnaires import AUDIENCES, STAGES

CURATOR_MARKS = (
    "программа реализована в полном объёме",
    "программа реализована частично",
    "программа не реализована",
)


class PlannedForm(Form):
    activity = Str(required=True, max_length=1000, metadata=field("Мероприятие"))
    deadline = Str(load_default="", max_length=100, metadata=field("Срок"))


class ProgrammeSummaryForm(Form):
    """A programme typed in the form, when it is not in the archive."""

    mentor = Nested(PersonForm, required=True, metadata=field("Наставник"))
    mentee = Nested(PersonForm, required=True, metadata=field("Наставляемый"))
    curator = Nested(PersonForm, load_default=None, metadata=field("Куратор"))
    start = Date(required=True, metadata=field("Начало программы"))
    end = Date(required=True, metadata=field("Окончание программы"))
    approved_by = Nested(
        ActForm, load_default=None, metadata=field("Утверждена приказом", "Дата и номер")
    )
    plan = List(
        Nested(PlannedForm),
        required=True,
        validate=at_least(1),
        metadata=field("Запланированные мероприятия"),
    )

    @validates_schema
    def _period(self, data: dict, **kwargs: Any) -> None:
        if data["end"] < data["start"]:
            raise ValidationError("Программа кончается раньше, чем начинается.", "end")


class MarkForm(Form):
    n = Int(
        required=True,
        validate=validate.Range(min=1, max=200, error="Номер мероприятия от 1 до 200."),
        metadata=field("№ мероприятия плана"),
    )
    done = Bool(required=True, metadata=field("Выполнено"))
    comment = Str(load_default="", max_length=1000, metadata=field("Комментарий"))


class MentorReportForm(DocumentForm):
    title = Str(
        load_default="Отчёт наставника о реализации персонализированной программы наставничества",
        max_length=300,
        metadata=field("Заголовок"),
    )
    programme_id = Int(
        load_default=None,
        metadata=field(
            "Персонализированная программа из архива",
            "Наставник, наставляемый, сроки и план — из программы",
        ),
    )
    programme = Nested(
        ProgrammeSummaryForm,
        load_default=None,
        metadata=field("Программа", "Если программы нет в архиве"),
    )
    date = Date(load_default=None, metadata=field("Дата отчёта", "Пусто — от руки"))
    marks = List(
        Nested(MarkForm),
        required=True,
        validate=at_least(1),
        metadata=field("Выполнение плана", "Каждое мероприятие плана: выполнено или нет"),
    )
    results = Text(required=True, metadata=field("Результаты наставничества"))
    difficulties = Text(load_default="", metadata=field("Трудности"))
    proposals = Text(load_default="", metadata=field("Предложения"))
    curator_mark = Str(
        load_default=None,
        validate=one_of(CURATOR_MARKS),
        metadata=field("Отметка куратора", "Пусто — куратор отмечает от руки"),
    )
    curator_comment = Text(load_default="", metadata=field("Заключение куратора"))

    @validates_schema
    def _programme(self, data: dict, **kwargs: Any) -> None:
        if data.get("programme_id") is None and not data.get("programme"):
            raise ValidationError(
                "Выберите программу из архива или опишите её в форме.", "programme_id"
            )
        numbers = [m["n"] for m in data.get("marks") or []]
        if len(numbers) != len(set(numbers)):
            raise ValidationError("Мероприятие отмечено дважды.", "marks")
        programme = data.get("programme")
        if programme and data.get("programme_id") is None:
            planned = len(programme["plan"])
            wrong = [n for n in numbers if n > planned]
            missing = [n for n in range(1, planned + 1) if n not in numbers]
            if wrong:
                raise ValidationError(
                    f"В плане {planned} мероприятий, нет мероприятия № {wrong[0]}.", "marks"
                )
            if missing:
                raise ValidationError(
                    "Отметьте выполнение мероприятий № " + ", ".join(map(str, missing)) + ".",
                    "marks",
                )


class QuestionnaireForm(DocumentForm):
    title = Str(
        load_default="Анкета удовлетворённости участника программы наставничества",
        max_length=300,
        metadata=field("Заголовок", "Для архива; на бланке — название анкеты"),
    )
    audience = Str(
        required=True,
        validate=one_of(tuple(AUDIENCES.values())),
        metadata=field("Для кого", "наставники или наставляемые"),
    )
    stage = Str(
        required=True,
        validate=one_of(tuple(STAGES.values())),
        metadata=field("Когда", "начало программы или окончание программы"),
    )
    programme = Str(
        load_default="",
        max_length=300,
        metadata=field("Программа наставничества", "Строка над вопросами; пусто — нет"),
    )
    extra_items = List(
        Str(max_length=300),
        load_default=list,
        metadata=field(
            "Свои вопросы школы",
            "Каждый — оценка от 1 до 10; начните с «!» — открытый вопрос",
        ),
    )
    with_name = Bool(
        load_default=True, metadata=field("Строка для ФИО", "Анкета может быть анонимной")
    )
