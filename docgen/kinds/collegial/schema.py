"""Forms of the collegial bodies' papers: the protocol of a meeting (педсовет, Совет
наставников, рабочая группа) and the Положение о Совете наставников (DOMAIN.md §2.10)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from docgen.forms import Bool, Date, Form, Int, List, Nested, Str, Text, at_least, field, one_of
from docgen.kinds.fields import DocumentForm, PersonForm
from docgen.kinds.programmes.schema import ApprovalFields, BodyProtocolForm, SectionForm

COUNT = validate.Range(min=0, max=10000, error="От 0 до 10000.")

# ---------------------------------------------------------------- protocol


class SpeechForm(Form):
    person = Nested(PersonForm, required=True, metadata=field("Кто выступил"))
    text = Text(load_default="", metadata=field("Содержание выступления"))


class AgendaItemForm(Form):
    question = Str(
        required=True,
        max_length=1000,
        metadata=field("Вопрос повестки дня", "О результатах мониторинга программ наставничества"),
    )
    speaker = Nested(
        PersonForm, load_default=None, metadata=field("СЛУШАЛИ", "Докладчик по вопросу")
    )
    report = Text(
        load_default="",
        metadata=field("Содержание доклада", "Пусто — «по вопросу повестки дня»"),
    )
    speeches = List(Nested(SpeechForm), load_default=list, metadata=field("ВЫСТУПИЛИ"))
    decisions = List(
        Str(max_length=2000),
        required=True,
        validate=at_least(1),
        metadata=field("ПОСТАНОВИЛИ", "Каждое решение — отдельной строкой"),
    )
    votes_for = Int(load_default=None, validate=COUNT, metadata=field("Голосовали «за»"))
    votes_against = Int(load_default=None, validate=COUNT, metadata=field("«Против»"))
    votes_abstained = Int(load_default=None, validate=COUNT, metadata=field("«Воздержались»"))


class ProtocolDocForm(DocumentForm):
    body = Str(
        load_default="педагогический совет",
        max_length=300,
        metadata=field(
            "Коллегиальный орган",
            "педагогический совет, Совет наставников, рабочая группа по внедрению целевой "
            "модели наставничества",
        ),
    )
    date = Date(
        load_default=None,
        metadata=field("Дата заседания", "Протокол регистрируется этой датой"),
    )
    place = Str(
        load_default="",
        max_length=300,
        metadata=field("Место проведения", "Пусто — место составления из реквизитов"),
    )
    chairman = Nested(PersonForm, required=True, metadata=field("Председатель"))
    secretary = Nested(PersonForm, required=True, metadata=field("Секретарь"))
    present = Int(
        load_default=None,
        validate=validate.Range(min=1, max=10000, error="От 1 до 10000."),
        metadata=field("Присутствовали, человек", "Или списком ниже"),
    )
    members_total = Int(
        load_default=None,
        validate=validate.Range(min=1, max=10000, error="От 1 до 10000."),
        metadata=field("Всего членов", "Необязательно: «из 27»"),
    )
    present_list = List(
        Nested(PersonForm), load_default=list, metadata=field("Присутствовали (список)")
    )
    invited = List(Nested(PersonForm), load_default=list, metadata=field("Приглашённые"))
    agenda = List(
        Nested(AgendaItemForm),
        required=True,
        validate=at_least(1),
        metadata=field("Повестка дня", "По каждому вопросу: слушали, выступили, постановили"),
    )

    @validates_schema
    def _counts(self, data: dict, **kwargs: Any) -> None:
        listed, number = len(data.get("present_list") or []), data.get("present")
        if not listed and number is None:
            raise ValidationError("Укажите число присутствующих или их список.", "present")
        if listed and number is not None and listed != number:
            raise ValidationError(
                f"В списке присутствующих {listed} чел., а указано {number}.", "present"
            )
        count = number if number is not None else listed
        total = data.get("members_total")
        if total is not None and count > total:
            raise ValidationError(
                f"Присутствующих ({count}) больше, чем членов ({total}).", "members_total"
            )
        problems: dict[int, dict[str, list[str]]] = {}
        for index, item in enumerate(data.get("agenda") or []):
            message = votes_problem(item, count if number is not None else None)
            if message:
                problems[index] = {message[0]: [message[1]]}
        if problems:
            raise ValidationError({"agenda": problems})


VOTES = ("votes_for", "votes_against", "votes_abstained")


def votes_problem(item: dict, present: int | None) -> tuple[str, str] | None:
    """(field, message) when an item's votes are incomplete or do not add up to those present."""
    given = [item.get(name) for name in VOTES]
    if all(v is None for v in given):
        return None
    if any(v is None for v in given):
        name = VOTES[given.index(None)]
        return name, "Укажите все три числа: «за», «против», «воздержались» (0, если никого)."
    total = sum(given)
    if present is not None and total != present:
        return "votes_for", (
            f"Голосов {total} (за {given[0]}, против {given[1]}, воздержались {given[2]}), "
            f"а присутствовали {present}: числа должны совпадать."
        )
    return None


# ---------------------------------------------------------------- council regulation

LEVELS = ("школьный", "муниципальный")


class CouncilRegulationForm(ApprovalFields):
    level = Str(
        load_default="школьный",
        validate=one_of(LEVELS),
        metadata=field(
            "Уровень Совета",
            "школьный — Совет наставников организации; муниципальный — Совет "
            "педагогов-наставников муниципального образования",
        ),
    )
    council_name = Str(
        load_default="",
        max_length=200,
        metadata=field(
            "Название Совета", "Пусто — «Совет наставников» / «Совет педагогов-наставников»"
        ),
    )
    area = Str(
        load_default="",
        max_length=300,
        metadata=field("Муниципальное образование", "Для муниципального Совета: Обливский район"),
    )
    reviewed = Nested(
        BodyProtocolForm,
        load_default=None,
        metadata=field("Рассмотрено", "Протокол педагогического (методического) совета"),
    )
    meetings = Str(
        load_default="",
        max_length=200,
        metadata=field(
            "Периодичность заседаний", "Пусто — не реже одного раза в четверть (в полугодие)"
        ),
    )
    sections = List(
        Nested(SectionForm),
        load_default=list,
        metadata=field("Свой текст разделов", "Заменяет разделы типового текста"),
    )
    sections_full = Bool(
        load_default=False,
        metadata=field("Только свои разделы", "Текст — только разделы, заданные выше"),
    )

    @validates_schema
    def _area(self, data: dict, **kwargs: Any) -> None:
        if data.get("level") == "муниципальный" and not data.get("area"):
            raise ValidationError("Укажите муниципальное образование.", "area")
        full_text_problem(data)


def full_text_problem(data: dict) -> None:
    """A text made only of the user's sections needs every section whole."""
    if not data.get("sections_full"):
        return
    sections = data.get("sections") or []
    if not sections:
        raise ValidationError("Добавьте разделы.", field_name="sections")
    if any(not s.get("heading") or s.get("omit") for s in sections):
        raise ValidationError(
            "Для полного текста у каждого раздела нужны заголовок и пункты.",
            field_name="sections",
        )
