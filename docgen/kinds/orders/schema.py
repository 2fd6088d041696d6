"""Schemas of the orders (приказы): curator, pairs, implementation, municipal roadmap, council, approval, award.

Every order shares `OrderForm` (control, familiarisation, executor) and a title checked by
`order_title`: it starts with «О»/«Об» and has no final period (ГОСТ Р 7.0.97 п. 5.17).
"""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validates_schema

from docgen.forms import (
    Bool,
    Date,
    Decimal,
    Form,
    Int,
    List,
    Nested,
    Str,
    Text,
    at_least,
    field,
    one_of,
)
from docgen.kinds.collegial.refs import ProtocolActForm
from docgen.kinds.fields import ActForm, OrderForm, PersonForm, TaskForm

MODELS = ("обучающиеся", "педагоги", "обучающиеся и педагоги")
TITLE_HINT = "Начинается с «О» или «Об», без точки в конце"


def not_negative(value: Any) -> None:
    """A sum of money is never below zero (the words «минус … рублей» make no order)."""
    # A function, not validate.Range: apispec would print Range's Decimal bound as a string.
    if value is not None and value < 0:
        raise ValidationError("Не может быть отрицательной.")


def check_title(value: str) -> None:
    """A title «О …»/«Об …» without a final period, else a Russian message."""
    if not (value.startswith("О ") or value.startswith("Об ")):
        raise ValidationError("Заголовок должен начинаться с «О» или «Об» (о чём приказ).")
    if value.endswith("."):
        raise ValidationError("Точка в конце заголовка не ставится.")


def order_title(default: str) -> Str:
    """The title field of an order, with its default and the «О/Об» check."""
    return Str(
        load_default=default,
        max_length=300,
        validate=check_title,
        metadata=field("Заголовок", TITLE_HINT),
    )


def model_field() -> Str:
    return Str(
        load_default="обучающиеся и педагоги",
        validate=one_of(MODELS),
        metadata=field("Наставничество", "Кого охватывает целевая модель"),
    )


class CuratorOrderForm(OrderForm):
    title = order_title("О назначении куратора внедрения целевой модели наставничества")
    model = Str(
        load_default="обучающиеся и педагоги",
        validate=one_of(MODELS),
        metadata=field("Наставничество", "Кого охватывает целевая модель"),
    )
    curator = Nested(PersonForm, required=True, metadata=field("Куратор", signs=True))
    start_date = Date(required=True, metadata=field("Куратор с", "Дата начала обязанностей"))
    assign_duties = Bool(
        load_default=False,
        metadata=field("Возложить обязанности", "«Возложить на …» вместо «Назначить …»"),
    )
    regulation = Nested(
        ActForm,
        load_default=None,
        metadata=field("Положение о наставничестве", "Дата и номер приказа об утверждении"),
    )
    duties = List(
        Nested(TaskForm),
        required=True,
        metadata=field("Обязанности куратора", "Каждая со сроком исполнения"),
    )
    pay_amount = Decimal(
        load_default=None,
        validate=not_negative,
        metadata=field("Доплата, руб. в месяц", "Необязательно"),
    )


class CitedActForm(Form):
    """An act cited in a preamble: regional or municipal, in the nominative."""

    kind = Str(
        required=True,
        max_length=100,
        metadata=field("Вид акта", "приказ, постановление, распоряжение"),
    )
    issuer = Str(
        required=True,
        max_length=300,
        metadata=field(
            "Кем издан (в родительном падеже)", "министерства образования Ростовской области"
        ),
    )
    date = Date(required=True, metadata=field("Дата"))
    number = Str(required=True, max_length=50, metadata=field("Номер"))
    title = Str(required=True, max_length=1000, metadata=field("Название", "Без кавычек"))


class AnnexForm(Form):
    """A document the order approves, attached as its annex: from the archive, created in the
    same step (API: `kind` and `input`), or only named with its text typed here."""

    document_id = Int(
        load_default=None,
        metadata={
            **field("Документ из архива", "Черновик организации; название берётся из него"),
            "picker": "annexes",
        },
    )
    title = Str(
        load_default="",
        max_length=500,
        metadata=field(
            "Название документа (в именительном падеже)",
            "Если документ не из архива: Положение о системе наставничества …",
        ),
    )
    body = Text(
        load_default="",
        metadata=field(
            "Текст",
            "Если документ не прикладывается из архива. Таблицу вставьте из Word или Excel: "
            "строки с табуляцией печатаются таблицей, первая строка — её шапка",
        ),
    )
    kind = Str(
        load_default=None,
        max_length=100,
        metadata={**field("Вид нового документа"), "api_only": True},
    )
    input = fields.Dict(
        load_default=None,
        metadata={**field("Поля нового документа"), "api_only": True},
    )

    @validates_schema
    def _source(self, data: dict, **kwargs: Any) -> None:
        if (data.get("kind") is None) != (data.get("input") is None):
            raise ValidationError("Новый документ задаётся видом и полями вместе.", "kind")
        if data.get("document_id") is not None or data.get("kind") is not None:
            return
        if not data["title"]:
            raise ValidationError(
                "Выберите документ из архива или укажите название документа.", "document_id"
            )
        if not data["body"].strip():
            # An annex of a title alone would print a page with nothing on it.
            raise ValidationError(
                "Приложение без текста: выберите документ из архива или введите текст приложения.",
                "body",
            )


class OpinionForm(Form):
    """Whose opinion was taken into account, with their protocol (ч. 3 ст. 30 273-ФЗ)."""

    body = Str(
        required=True,
        max_length=200,
        metadata=field(
            "Чьё мнение учтено",
            "Совет обучающихся, Совет родителей, первичная профсоюзная организация",
        ),
    )
    date = Date(load_default=None, metadata=field("Дата протокола"))
    number = Str(load_default=None, max_length=50, metadata=field("Номер протокола"))


# ---------------------------------------------------------------- pairs


class PairForm(Form):
    """A pair (one mentee) or a group (several mentees) with one mentor."""

    mentor = Nested(PersonForm, required=True, metadata=field("Наставник"))
    mentees = List(
        Nested(PersonForm),
        required=True,
        validate=at_least(1),
        metadata=field("Наставляемые", "Один — пара, несколько — группа"),
    )
    form = Str(
        required=True,
        max_length=200,
        metadata=field("Форма наставничества", "например: учитель – учитель"),
    )
    start = Date(required=True, metadata=field("Срок с"))
    end = Date(required=True, metadata=field("Срок по"))

    @validates_schema
    def _check(self, data: dict, **kwargs: Any) -> None:
        if data["start"] > data["end"]:
            raise ValidationError("Срок наставничества кончается раньше, чем начинается.", "end")
        mentor = _identity(data["mentor"])
        if mentor and any(_identity(m) == mentor for m in data["mentees"]):
            raise ValidationError("Наставник не может быть наставляемым в своей паре.", "mentees")


def _identity(person: dict) -> tuple | None:
    if person.get("id") is not None:
        return ("id", person["id"])
    if person.get("surname"):
        return (person["surname"], person.get("name"), person.get("patronymic"))
    return None


class PairsOrderForm(OrderForm):
    title = order_title("О закреплении наставнических пар (групп)")
    model = model_field()
    regulation = Nested(
        ActForm,
        required=True,
        metadata=field("Положение о наставничестве", "Дата и номер приказа об утверждении"),
    )
    curator = Nested(PersonForm, required=True, metadata=field("Куратор", signs=True))
    pairs = List(
        Nested(PairForm),
        load_default=list,
        metadata=field("Пары и группы", "Пусто — активные пары организации из реестра"),
    )
    plans_deadline = Str(
        required=True,
        max_length=100,
        metadata=field("Срок разработки программ наставничества", "до 01.10.2024"),
    )
    report_deadline = Str(
        required=True, max_length=100, metadata=field("Срок отчёта куратора", "до 31.05.2025")
    )
    employee_mentors = Bool(
        load_default=True,
        metadata=field("Наставники — работники", "Дополнительные соглашения по ст. 351.8 ТК РФ"),
    )
    agreements_deadline = Str(
        load_default="",
        max_length=100,
        metadata=field(
            "Срок заключения дополнительных соглашений",
            "Пусто — до начала наставничества; не позже начала пар",
        ),
    )
    hr = Nested(
        PersonForm,
        load_default=None,
        metadata=field("Специалист по кадрам", "Готовит соглашения", signs=True),
    )
    pay_amount = Decimal(
        load_default=None,
        validate=not_negative,
        metadata=field("Выплата наставнику, руб. в месяц", "Необязательно"),
    )


# ---------------------------------------------------------------- implementation


class ImplementationOrderForm(OrderForm):
    title = order_title("О внедрении целевой модели наставничества")
    model = model_field()
    start_date = Date(required=True, metadata=field("Внедрить с"))
    end_date = Date(load_default=None, metadata=field("На период до", "Необязательно"))
    regional_acts = List(
        Nested(CitedActForm),
        load_default=list,
        metadata=field("Региональные и муниципальные акты", "Цитируются после федеральных"),
    )
    annexes = List(
        Nested(AnnexForm),
        required=True,
        validate=at_least(1),
        metadata=field("Утверждаемые документы", "Положение, дорожная карта, программа"),
    )
    curator = Nested(PersonForm, required=True, metadata=field("Куратор", signs=True))
    mentor_base_deadline = Str(
        required=True, max_length=100, metadata=field("Срок формирования базы наставников")
    )
    mentee_base_deadline = Str(
        required=True, max_length=100, metadata=field("Срок формирования базы наставляемых")
    )
    monitoring = Str(
        required=True,
        max_length=200,
        metadata=field("Сроки мониторинга", "декабрь 2024 г., май 2025 г."),
    )
    report_deadline = Str(required=True, max_length=100, metadata=field("Срок отчёта куратора"))
    responsible_mto = Nested(
        PersonForm,
        load_default=None,
        metadata=field("Ответственный за материально-техническое обеспечение", signs=True),
    )
    website = Nested(
        PersonForm, load_default=None, metadata=field("Ответственный за сайт", signs=True)
    )
    website_deadline = Str(
        load_default="в течение 10 дней со дня подписания приказа",
        max_length=100,
        metadata=field("Срок размещения на сайте"),
    )


# ---------------------------------------------------------------- municipal roadmap


class RoadmapRowForm(Form):
    event = Str(required=True, max_length=1000, metadata=field("Наименование мероприятия"))
    deadline = Str(required=True, max_length=100, metadata=field("Сроки"))
    responsible = Str(required=True, max_length=300, metadata=field("Ответственные исполнители"))
    result = Str(required=True, max_length=500, metadata=field("Результат / вид документа"))


class NumberedAnnexForm(AnnexForm):
    number = Int(required=True, metadata=field("Номер приложения"))


class MunicipalRoadmapOrderForm(OrderForm):
    title = order_title(
        "Об утверждении муниципального плана мероприятий (дорожной карты) внедрения целевой "
        "модели наставничества"
    )
    area = Str(
        required=True,
        max_length=300,
        metadata=field("Муниципальное образование", "Обливский район"),
    )
    regional_acts = List(
        Nested(CitedActForm),
        load_default=list,
        metadata=field("Региональные акты", "Цитируются перед муниципальными"),
    )
    municipal_acts = List(
        Nested(CitedActForm), load_default=list, metadata=field("Муниципальные акты")
    )
    roadmap_title = Str(
        load_default="План мероприятий (дорожная карта) внедрения целевой модели наставничества",
        max_length=500,
        metadata=field("Название дорожной карты (в именительном падеже)"),
    )
    roadmap_number = Int(load_default=1, metadata=field("Номер приложения с дорожной картой"))
    other_annexes = List(
        Nested(NumberedAnnexForm),
        load_default=list,
        metadata=field("Другие утверждаемые документы", "С номерами приложений"),
    )
    rows = List(
        Nested(RoadmapRowForm),
        required=True,
        validate=at_least(1),
        metadata=field("Мероприятия дорожной карты"),
    )
    coordinator = Nested(
        PersonForm, load_default=None, metadata=field("Муниципальный куратор", signs=True)
    )
    heads_tasks = List(
        Nested(TaskForm),
        required=True,
        validate=at_least(1),
        metadata=field("Поручения руководителям образовательных организаций"),
    )
    report_form = Str(
        required=True,
        max_length=300,
        metadata=field("Форма отчёта", "по форме, размещённой на сайте отдела образования"),
    )
    report_deadline = Str(
        required=True,
        max_length=200,
        metadata=field("Срок отчёта", "ежеквартально до 5 числа месяца, следующего за кварталом"),
    )
    service = Str(
        load_default="",
        max_length=300,
        metadata=field(
            "Методическая служба (в именительном падеже)", "Районный методический кабинет"
        ),
    )
    service_tasks = List(Nested(TaskForm), load_default=list, metadata=field("Поручения службе"))

    @validates_schema
    def _numbers(self, data: dict, **kwargs: Any) -> None:
        numbers = [a["number"] for a in data.get("other_annexes") or []] + [data["roadmap_number"]]
        if len(set(numbers)) != len(numbers):
            raise ValidationError("Номера приложений повторяются.", "roadmap_number")
        if data.get("service_tasks") and not data.get("service"):
            raise ValidationError("Укажите службу, которой адресованы поручения.", "service")


# ---------------------------------------------------------------- council

ROLES = ("председатель", "заместитель председателя", "секретарь", "член")


class CouncilMemberForm(Form):
    person = Nested(PersonForm, required=True, metadata=field("Член совета"))
    role = Str(load_default="член", validate=one_of(ROLES), metadata=field("Роль в совете"))


class CouncilOrderForm(OrderForm):
    title = order_title("О создании Совета наставников")
    model = model_field()
    regulation = Nested(
        ActForm,
        load_default=None,
        metadata=field("Положение о наставничестве", "Дата и номер приказа об утверждении"),
    )
    period = Str(
        load_default="",
        max_length=100,
        metadata=field("Срок полномочий", "на 2024/2025 учебный год"),
    )
    members = List(
        Nested(CouncilMemberForm), required=True, validate=at_least(3), metadata=field("Состав")
    )
    first_meeting = Str(
        required=True, max_length=100, metadata=field("Первое заседание", "до 20.09.2024")
    )
    plan_deadline = Str(
        required=True, max_length=100, metadata=field("Срок утверждения плана работы Совета")
    )
    annexes = List(
        Nested(AnnexForm),
        load_default=list,
        metadata=field("Утверждаемые документы", "Положение о Совете наставников"),
    )

    @validates_schema
    def _roles(self, data: dict, **kwargs: Any) -> None:
        roles = [m["role"] for m in data["members"]]
        if roles.count("председатель") != 1:
            raise ValidationError("В составе должен быть один председатель.", "members")
        if roles.count("секретарь") != 1:
            raise ValidationError("В составе должен быть один секретарь.", "members")
        if roles.count("заместитель председателя") > 1:
            raise ValidationError("Заместитель председателя может быть только один.", "members")


# ---------------------------------------------------------------- approval


class ApprovalOrderForm(OrderForm):
    title = order_title(
        "Об утверждении Положения о системе наставничества педагогических работников"
    )
    model = model_field()
    documents = List(
        Nested(AnnexForm),
        required=True,
        validate=at_least(1),
        metadata=field("Утверждаемые документы"),
    )
    pedsovet = Nested(
        ProtocolActForm,
        load_default=None,
        metadata=field("Протокол педагогического совета", "Дата и номер"),
    )
    councils = List(
        Nested(OpinionForm),
        load_default=list,
        metadata=field("Учтено мнение", "Советы и профсоюзная организация, с протоколами"),
    )
    opinion = Str(
        load_default="",
        max_length=500,
        metadata=field(
            "Учёт мнения (текстом)",
            "с учётом мнения первичной профсоюзной организации (протокол от 28.08.2024 № 5)",
        ),
    )
    effective_date = Date(required=True, metadata=field("Ввести в действие с"))
    repealed = Str(
        load_default="",
        max_length=500,
        metadata=field(
            "Утрачивает силу (в именительном падеже)",
            "Положение о наставничестве, утверждённое приказом от 01.09.2021 № 95",
        ),
    )
    website = Nested(
        PersonForm, load_default=None, metadata=field("Ответственный за сайт", signs=True)
    )
    website_deadline = Str(
        load_default="в течение 10 дней со дня подписания приказа",
        max_length=100,
        metadata=field("Срок размещения на сайте"),
    )


# ---------------------------------------------------------------- award

AWARDS = ("грамота", "благодарность", "премия")


class AwardForm(Form):
    person = Nested(PersonForm, required=True, metadata=field("Наставник"))
    award = Str(required=True, validate=one_of(AWARDS), metadata=field("Поощрение"))
    reason = Str(
        required=True,
        max_length=500,
        metadata=field("За что", "за высокие результаты наставнической деятельности"),
    )
    amount = Decimal(
        load_default=None,
        validate=not_negative,
        metadata=field("Размер премии, руб."),
    )

    @validates_schema
    def _amount(self, data: dict, **kwargs: Any) -> None:
        if data["award"] == "премия" and not data.get("amount"):
            raise ValidationError("Укажите размер премии.", "amount")
        if data["award"] != "премия" and data.get("amount"):
            raise ValidationError("Размер указывается только для премии.", "amount")


class AwardOrderForm(OrderForm):
    title = order_title("О поощрении наставников по итогам реализации программ наставничества")
    regulation = Nested(
        ActForm,
        load_default=None,
        metadata=field("Положение о наставничестве", "Дата и номер приказа об утверждении"),
    )
    council = Str(
        load_default="Совет наставников",
        max_length=200,
        metadata=field("Чьё решение", "Совет наставников, педагогический совет"),
    )
    protocol = Nested(
        ProtocolActForm, required=True, metadata=field("Протокол заседания", "Дата и номер")
    )
    awards = List(
        Nested(AwardForm), required=True, validate=at_least(1), metadata=field("Поощрения")
    )
    accountant = Nested(
        PersonForm, load_default=None, metadata=field("Главный бухгалтер", signs=True)
    )
    pay_deadline = Str(
        load_default="с заработной платой за текущий месяц",
        max_length=100,
        metadata=field("Срок выплаты премий"),
    )
