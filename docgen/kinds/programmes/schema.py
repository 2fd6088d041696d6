"""Forms of the local acts that are approved rather than registered: regulation, roadmap,
programme, personalised programme (DOMAIN.md §2.4–§2.7)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from marshmallow import ValidationError, validate, validates_schema

from docgen.forms import Bool, Date, Form, Int, List, Nested, Str, Text, at_least, field, one_of
from docgen.kinds.collegial.refs import ProtocolRef
from docgen.kinds.fields import ActForm, DocumentForm, PersonForm
from docgen.kinds.orders.schema import CitedActForm

REGULATION_VARIANTS = ("педагоги", "обучающиеся")
AUDIENCES = ("обучающиеся", "педагоги", "обучающиеся и педагоги")
APPROVE_AS = ("приказ", "руководитель")
MIN_MONTHS, MAX_MONTHS = 3, 12

_DATE_IN_TEXT = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")


def dates_in(text: str) -> list[dt.date]:
    """The ДД.ММ.ГГГГ dates a free-text deadline mentions («до 01.10.2024»), real ones only."""
    found = []
    for day, month, year in _DATE_IN_TEXT.findall(text or ""):
        try:
            found.append(dt.date(int(year), int(month), int(day)))
        except ValueError:
            continue
    return found


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clipped to the month's end (31.01 + 1 → 28/29.02)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def period_error(start: dt.date, end: dt.date) -> str | None:
    """Why a personalised programme's period is wrong (order; 3 months – 1 year), or None."""
    if end <= start:
        return "Дата окончания программы должна быть позже даты начала."
    if end < add_months(start, MIN_MONTHS) - dt.timedelta(days=1):
        return "Срок персонализированной программы наставничества — не менее 3 месяцев."
    if end > add_months(start, MAX_MONTHS):
        return "Срок персонализированной программы наставничества — не более 1 года."
    return None


class ProtocolForm(ProtocolRef):
    """A protocol of a collegial body: typed, or a registered protocol of the archive."""


class CouncilForm(ProtocolForm):
    body = Str(
        required=True,
        max_length=200,
        metadata=field(
            "Чьё мнение учтено",
            "Совет обучающихся, Совет родителей, Управляющий совет, первичная профсоюзная организация",
        ),
    )


class ApprovalFields(DocumentForm):
    """How the document is approved: by an order (grif «УТВЕРЖДЕН…») or by the head («УТВЕРЖДАЮ»)."""

    approve_as = Str(
        load_default="приказ",
        validate=one_of(APPROVE_AS),
        metadata=field(
            "Утверждение", "приказ — гриф «УТВЕРЖДЕНА приказом…»; руководитель — «УТВЕРЖДАЮ»"
        ),
    )
    approved_by = Nested(
        ActForm,
        load_default=None,
        metadata=field(
            "Приказ об утверждении",
            "Дата и номер; если документ — приложение к приказу, берутся из приказа; пусто — бланк",
        ),
    )


# ---------------------------------------------------------------- regulation


class SectionForm(Form):
    """A section the user writes: replaces the model section with the same number or heading."""

    number = Int(
        load_default=None,
        validate=validate.Range(min=1, max=30, error="Номер раздела от 1 до 30."),
        metadata=field("Номер раздела", "Какой раздел типового текста заменить"),
    )
    heading = Str(load_default=None, max_length=300, metadata=field("Заголовок раздела"))
    paragraphs = List(
        Text(),
        load_default=list,
        metadata=field("Пункты", "Каждый пункт — отдельной строкой; «— …» — подпункт без номера"),
    )
    omit = Bool(load_default=False, metadata=field("Исключить раздел"))

    @validates_schema
    def _target(self, data: dict, **kwargs: Any) -> None:
        if data.get("number") is None and not data.get("heading"):
            raise ValidationError("Укажите номер или заголовок раздела.", field_name="heading")
        if not data.get("omit") and not data.get("paragraphs"):
            raise ValidationError("Раздел без текста: добавьте пункты.", field_name="paragraphs")


class RegulationForm(ApprovalFields):
    variant = Str(
        required=True,
        validate=one_of(REGULATION_VARIANTS),
        metadata=field(
            "Вид положения",
            "педагоги — по письму АЗ-1128/08; обучающиеся — по распоряжению Р-145",
        ),
    )
    subject = Str(
        load_default=None,
        max_length=300,
        metadata=field("Заголовок", "Пусто — «о системе (целевой модели) наставничества …»"),
    )
    pedsovet = Nested(
        ProtocolForm,
        load_default=None,
        metadata=field("Протокол педагогического совета", "Положение принято на его заседании"),
    )
    councils = List(
        Nested(CouncilForm),
        load_default=list,
        metadata=field("Учтено мнение", "Советы и профсоюзная организация (ч. 3 ст. 30 273-ФЗ)"),
    )
    effective_date = Date(load_default=None, metadata=field("Вступает в силу с"))
    max_mentees = Int(
        load_default=2,
        validate=validate.Range(min=1, max=10, error="От 1 до 10."),
        metadata=field("Наставляемых у одного наставника, не более"),
    )
    sections = List(
        Nested(SectionForm),
        load_default=list,
        metadata=field("Свой текст разделов", "Заменяет разделы типового текста"),
    )
    sections_full = Bool(
        load_default=False,
        metadata=field("Только свои разделы", "Текст положения — только разделы, заданные выше"),
    )

    @validates_schema
    def _trail(self, data: dict, **kwargs: Any) -> None:
        if data.get("sections_full"):
            sections = data.get("sections") or []
            if not sections:
                raise ValidationError("Добавьте разделы положения.", field_name="sections")
            if any(not s.get("heading") or s.get("omit") for s in sections):
                raise ValidationError(
                    "Для полного текста у каждого раздела нужны заголовок и пункты.",
                    field_name="sections",
                )
        approved = data.get("approved_by")
        if not approved:
            return
        earlier = [("pedsovet", data.get("pedsovet"))]
        earlier += [("councils", council) for council in data.get("councils") or []]
        for name, protocol in earlier:
            if protocol and protocol.get("date") and protocol["date"] > approved["date"]:
                raise ValidationError(
                    "Положение утверждается после рассмотрения: дата протокола "
                    f"{protocol['date']:%d.%m.%Y} позже даты приказа {approved['date']:%d.%m.%Y}.",
                    field_name=name,
                )


# ---------------------------------------------------------------- roadmap


class RoadmapRowForm(Form):
    content = Str(required=True, max_length=1500, metadata=field("Содержание (мероприятие)"))
    deadline = Str(
        required=True,
        max_length=100,
        metadata=field("Сроки", "15.09.2024, до 01.10.2024, в течение учебного года"),
    )
    result = Str(
        load_default="", max_length=1000, metadata=field("Ожидаемый результат / вид документа")
    )
    indicator = Str(load_default="", max_length=1000, metadata=field("Показатели эффективности"))
    responsible = List(
        Nested(PersonForm), load_default=list, metadata=field("Ответственные из реестра")
    )
    responsible_text = Str(
        load_default="",
        max_length=300,
        metadata=field("Ответственный (текстом)", "{curator} и {director} подставляются"),
    )

    @validates_schema
    def _someone(self, data: dict, **kwargs: Any) -> None:
        if not data.get("responsible") and not data.get("responsible_text"):
            raise ValidationError("Укажите ответственного.", field_name="responsible")


class RoadmapSectionForm(Form):
    title = Str(required=True, max_length=300, metadata=field("Раздел"))
    rows = List(
        Nested(RoadmapRowForm),
        required=True,
        validate=at_least(1),
        metadata=field("Мероприятия"),
    )


class RoadmapForm(ApprovalFields):
    period = Str(
        required=True, max_length=100, metadata=field("Период", "например: 2024/2025 учебный год")
    )
    subject = Str(
        load_default=None,
        max_length=300,
        metadata=field("Заголовок", "Пусто — «(план мероприятий) внедрения целевой модели …»"),
    )
    curator = Nested(PersonForm, load_default=None, metadata=field("Куратор"))
    sections = List(
        Nested(RoadmapSectionForm),
        load_default=list,
        metadata=field("Разделы и мероприятия", "Пусто — типовая дорожная карта"),
    )

    @validates_schema
    def _deadlines(self, data: dict, **kwargs: Any) -> None:
        approved = data.get("approved_by")
        if approved:
            problem = early_deadline(data.get("sections") or [], approved["date"])
            if problem:
                raise ValidationError(problem, field_name="sections")


def early_deadline(sections: list, approved: dt.date) -> str | None:
    """The first roadmap row whose deadline date falls before the approval date (DOMAIN §5.14)."""
    for s_index, section in enumerate(sections, start=1):
        for r_index, row in enumerate(section.get("rows") or [], start=1):
            for day in dates_in(row.get("deadline", "")):
                if day < approved:
                    return (
                        f"Раздел {s_index}, мероприятие {r_index}: срок {day:%d.%m.%Y} раньше "
                        f"даты утверждения дорожной карты {approved:%d.%m.%Y}."
                    )
    return None


# ---------------------------------------------------------------- programme


class MentoringFormRow(Form):
    name = Str(required=True, max_length=200, metadata=field("Форма наставничества"))
    role_model = Str(load_default="", max_length=1000, metadata=field("Ролевые модели"))
    participants = Str(load_default="", max_length=500, metadata=field("Участники"))


class StageForm(Form):
    title = Str(required=True, max_length=300, metadata=field("Этап"))
    actions = List(Str(max_length=1000), load_default=list, metadata=field("Содержание"))
    result = Str(load_default="", max_length=500, metadata=field("Результат этапа"))


class BodyProtocolForm(ProtocolForm):
    body = Str(
        load_default="педагогический совет",
        max_length=200,
        metadata=field("Коллегиальный орган", "педагогический совет, методический совет"),
    )


class ProgrammeForm(ApprovalFields):
    name = Str(
        load_default="", max_length=200, metadata=field("Название программы", "«Вместе к успеху»")
    )
    audience = Str(
        load_default="обучающиеся и педагоги",
        validate=one_of(AUDIENCES),
        metadata=field("Кого охватывает программа"),
    )
    period = Str(
        required=True, max_length=100, metadata=field("Срок реализации", "2024/2025 учебный год")
    )
    reviewed = Nested(
        BodyProtocolForm,
        load_default=None,
        metadata=field("Рассмотрена", "Протокол педагогического (методического) совета"),
    )
    authors = List(Nested(PersonForm), load_default=list, metadata=field("Разработчики"))
    regulation = Nested(
        ActForm,
        load_default=None,
        metadata=field("Положение о наставничестве", "Дата и номер приказа об утверждении"),
    )
    relevance = List(
        Text(), load_default=list, metadata=field("Пояснительная записка", "Пусто — типовой текст")
    )
    goal = Text(load_default="", metadata=field("Цель", "Пусто — типовая"))
    tasks = List(Str(max_length=1000), load_default=list, metadata=field("Задачи"))
    forms = List(
        Nested(MentoringFormRow), load_default=list, metadata=field("Формы наставничества")
    )
    stages = List(
        Nested(StageForm),
        load_default=list,
        metadata=field("Этапы реализации", "Пусто — шесть типовых"),
    )
    expected_results = List(
        Str(max_length=1000), load_default=list, metadata=field("Ожидаемые результаты")
    )


# ---------------------------------------------------------------- personalised programme


class ParticipantForm(Form):
    person = Nested(PersonForm, required=True, metadata=field("ФИО, должность"))
    experience = Int(
        load_default=None,
        validate=validate.Range(min=0, max=70, error="Стаж от 0 до 70 лет."),
        metadata=field("Педагогический стаж, лет"),
    )
    category = Str(
        load_default="",
        max_length=100,
        metadata=field("Квалификационная категория", "высшая, первая, без категории"),
    )
    subject = Str(load_default="", max_length=300, metadata=field("Предмет, классы"))
    education = Str(load_default="", max_length=500, metadata=field("Образование"))


class PlanRowForm(Form):
    direction = Str(
        required=True,
        max_length=200,
        metadata=field(
            "Направление", "методическая, предметная, воспитательная, работа с родителями…"
        ),
    )
    activity = Str(required=True, max_length=1000, metadata=field("Мероприятие"))
    work_form = Str(
        load_default="",
        max_length=300,
        metadata=field("Форма работы", "консультация, посещение урока, мастер-класс…"),
    )
    deadline = Str(required=True, max_length=100, metadata=field("Срок"))
    result = Str(load_default="", max_length=500, metadata=field("Результат (продукт)"))
    report_form = Str(load_default="", max_length=300, metadata=field("Форма отчётности"))
    done = Str(load_default="", max_length=200, metadata=field("Отметка о выполнении"))


class ExpectedResultsForm(Form):
    mentee = List(Str(max_length=1000), load_default=list, metadata=field("Для наставляемого"))
    mentor = List(Str(max_length=1000), load_default=list, metadata=field("Для наставника"))
    org = List(
        Str(max_length=1000), load_default=list, metadata=field("Для образовательной организации")
    )


class PersonalProgrammeForm(ApprovalFields):
    group_id = Int(
        load_default=None,
        metadata=field(
            "Наставническая пара из реестра", "Наставник, наставляемый, форма и сроки — из реестра"
        ),
    )
    mentor = Nested(ParticipantForm, load_default=None, metadata=field("Наставник"))
    mentee = Nested(ParticipantForm, load_default=None, metadata=field("Наставляемый"))
    curator = Nested(PersonForm, required=True, metadata=field("Куратор"))
    form = Str(
        load_default="",
        max_length=200,
        metadata=field("Форма (ролевая модель)", "учитель – учитель"),
    )
    kind_of_mentoring = Str(
        load_default="традиционное («один на один»)",
        max_length=200,
        metadata=field("Вид наставничества"),
    )
    start = Date(load_default=None, metadata=field("Начало"))
    end = Date(load_default=None, metadata=field("Окончание"))
    deficits = List(
        Str(max_length=1000),
        required=True,
        validate=at_least(1),
        metadata=field(
            "Профессиональные затруднения (дефициты)", "По итогам анкетирования, посещения уроков"
        ),
    )
    request = Text(required=True, metadata=field("Запрос наставляемого"))
    strengths = List(Str(max_length=1000), load_default=list, metadata=field("Сильные стороны"))
    goal = Text(required=True, metadata=field("Цель"))
    tasks = List(
        Str(max_length=1000), required=True, validate=at_least(1), metadata=field("Задачи")
    )
    plan = List(
        Nested(PlanRowForm), required=True, validate=at_least(1), metadata=field("План мероприятий")
    )
    expected_results = Nested(
        ExpectedResultsForm,
        load_default=None,
        metadata=field("Ожидаемые результаты", "Пусто — типовые"),
    )
    monitoring = List(Str(max_length=1000), load_default=list, metadata=field("Критерии оценки"))

    @validates_schema
    def _pair(self, data: dict, **kwargs: Any) -> None:
        if data.get("group_id") is None:
            for name, title in (("mentor", "наставника"), ("mentee", "наставляемого")):
                if not data.get(name):
                    raise ValidationError(
                        f"Укажите {title} или наставническую пару из реестра.", field_name=name
                    )
            for name in ("start", "end"):
                if not data.get(name):
                    raise ValidationError("Укажите сроки программы.", field_name=name)
            mentor, mentee = data["mentor"]["person"], data["mentee"]["person"]
            same_id = mentor.get("id") is not None and mentor.get("id") == mentee.get("id")
            same_name = mentor.get("id") is None and all(
                (mentor.get(k) or "") == (mentee.get(k) or "")
                for k in ("surname", "name", "patronymic")
            )
            if same_id or same_name:
                raise ValidationError(
                    "Наставник и наставляемый — разные люди.", field_name="mentee"
                )
        if data.get("start") and data.get("end"):
            problem = period_error(data["start"], data["end"])
            if problem:
                raise ValidationError(problem, field_name="end")


# ---------------------------------------------------------------- municipal programme


class LevelForm(Form):
    """A level of management and what it does for the programme (section 6 of the model)."""

    level = Str(
        required=True,
        max_length=500,
        metadata=field("Уровень управления", "Отдел образования, образовательные организации"),
    )
    directions = List(
        Str(max_length=2000),
        required=True,
        validate=at_least(1),
        metadata=field("Направления деятельности"),
    )


class MunicipalProgrammeForm(ApprovalFields):
    area = Str(
        required=True,
        max_length=300,
        metadata=field("Муниципальное образование", "Обливский район"),
    )
    region = Str(required=True, max_length=200, metadata=field("Субъект РФ", "Ростовская область"))
    name = Str(
        load_default="", max_length=200, metadata=field("Название программы", "«Вместе к успеху»")
    )
    period = Str(
        load_default="", max_length=100, metadata=field("Срок реализации", "2024–2026 годы")
    )
    regional_acts = List(
        Nested(CitedActForm),
        load_default=list,
        metadata=field("Региональные акты", "Цитируются в нормативной основе после федеральных"),
    )
    schools = List(
        Str(max_length=300),
        load_default=list,
        metadata=field(
            "Образовательные организации", "Пусто — подведомственные организации из реестра"
        ),
    )
    levels = List(
        Nested(LevelForm),
        load_default=list,
        metadata=field("Уровни управления (раздел 6)", "Пусто — типовая таблица"),
    )
    sections = List(
        Nested(SectionForm),
        load_default=list,
        metadata=field("Свой текст разделов", "Заменяет разделы типового текста"),
    )
    sections_full = Bool(
        load_default=False,
        metadata=field("Только свои разделы", "Текст программы — только разделы, заданные выше"),
    )

    @validates_schema
    def _full(self, data: dict, **kwargs: Any) -> None:
        if data.get("sections_full"):
            sections = data.get("sections") or []
            if not sections:
                raise ValidationError("Добавьте разделы программы.", field_name="sections")
            if any(not s.get("heading") or s.get("omit") for s in sections):
                raise ValidationError(
                    "Для полного текста у каждого раздела нужны заголовок и пункты.",
                    field_name="sections",
                )
