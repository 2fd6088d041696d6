"""Согласия на обработку персональных данных: 152-ФЗ ч. 4 ст. 9 and ст. 10.1 (DOMAIN.md §2.8).

Who signs depends on the subject's age on the signing date: an adult signs alone, for a child
under 14 the legal representative signs, from 14 to 18 the minor signs and the representative
co-signs. The form checks what it can from the input; `values.consent_extras` checks again once a
person from the registry is resolved, since only then is the birth date known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from marshmallow import ValidationError, validates_schema

from docgen import dates, ru
from docgen.forms import Bool, Date, Form, List, Nested, Str, Text, at_least, field, one_of
from docgen.kinds.fields import DocumentForm, PersonForm
from docgen.registry.consents import ADULT_AGE, SELF_CONSENT_AGE

ROLES = ("наставник", "наставляемый", "участник")
RELATIONS = ("мать", "отец", "опекун", "попечитель", "усыновитель", "приёмный родитель")
METHODS = {
    "смешанная": "смешанная обработка — с использованием средств автоматизации и без "
    "использования таких средств",
    "автоматизированная": "автоматизированная обработка с использованием средств "
    "вычислительной техники",
    "без средств автоматизации": "обработка без использования средств автоматизации",
}
DATA_ITEMS = [
    "фамилия, имя, отчество",
    "дата рождения",
    "класс (для обучающегося) или должность, место работы (учёбы)",
    "стаж работы (для педагогического работника)",
    "контактные данные: номер телефона, адрес электронной почты (для несовершеннолетнего — "
    "также законного представителя)",
    "сведения об участии в программе наставничества: форма и роль, наставник или "
    "наставляемые, сроки, запрос, результаты, отзывы",
]
ACTIONS = [
    "сбор",
    "запись",
    "систематизация",
    "накопление",
    "хранение",
    "уточнение (обновление, изменение)",
    "извлечение",
    "использование",
    "передача (предоставление, доступ) учредителю и органам управления образованием",
    "обезличивание",
    "блокирование",
    "удаление",
    "уничтожение",
]
PURPOSE = (
    "организация и реализация программ наставничества, формирование баз наставников и "
    "наставляемых, закрепление наставнических пар (групп), мониторинг эффективности "
    "наставничества и отчётность перед учредителем"
)
TERM = "на срок реализации программы наставничества и один год после её окончания"
REVOKE = (
    "согласие может быть отозвано в любое время письменным заявлением, направленным оператору "
    "по почте или переданным лично по адресу оператора; после получения отзыва оператор "
    "прекращает обработку и уничтожает персональные данные в сроки, установленные статьёй 21 "
    "Федерального закона № 152-ФЗ, если иное не предусмотрено федеральным законом"
)

VARIANT_ADULT, VARIANT_TEEN, VARIANT_CHILD = "adult", "teen", "child"


class IdentityDocForm(Form):
    """The main identity document: passport, or a birth certificate for a child under 14."""

    kind = Str(
        load_default="паспорт гражданина Российской Федерации",
        max_length=200,
        metadata=field("Вид документа", "Для ребёнка до 14 лет — свидетельство о рождении"),
    )
    series_number = Str(required=True, max_length=50, metadata=field("Серия и номер"))
    issued_on = Date(required=True, metadata=field("Дата выдачи"))
    issuer = Str(required=True, max_length=500, metadata=field("Кем выдан"))


class AuthorityDocForm(Form):
    """The document that proves a representative's authority (DOMAIN.md §2.8, element 2)."""

    kind = Str(
        load_default="свидетельство о рождении",
        max_length=200,
        metadata=field("Документ о полномочиях", "Свидетельство о рождении, акт органа опеки…"),
    )
    number = Str(required=True, max_length=100, metadata=field("Номер (серия и номер)"))
    date = Date(required=True, metadata=field("Дата"))
    issuer = Str(load_default="", max_length=500, metadata=field("Кем выдан"))


class ProcessorForm(Form):
    name = Str(required=True, max_length=500, metadata=field("Наименование"))
    address = Str(required=True, max_length=500, metadata=field("Адрес"))


REPRESENTATIVE_FIELDS = {
    "representative": "Законный представитель",
    "representative_relation": "Кем приходится",
    "representative_address": "Адрес законного представителя",
    "representative_doc": "Документ законного представителя",
    "authority_doc": "Документ, подтверждающий полномочия",
}


def variant_of(birth_date: dt.date | None, on: dt.date) -> str:
    """adult, teen (14–17: both sign) or child (under 14: the representative signs)."""
    if birth_date is None:
        return VARIANT_ADULT
    age = dates.age_on(birth_date, on)
    if age < SELF_CONSENT_AGE:
        return VARIANT_CHILD
    if age < ADULT_AGE:
        return VARIANT_TEEN
    return VARIANT_ADULT


def missing_representative(data: Mapping[str, Any], birth: dt.date, on: dt.date) -> dict:
    """Messages for each representative field a minor's consent lacks, naming the field."""
    age = dates.age_on(birth, on)
    reason = (
        f"субъекту на {ru.date_short(on)} {ru.plural(age, 'год')} — нужен законный представитель"
    )
    return {
        name: [f"{title}: обязательное поле ({reason})."]
        for name, title in REPRESENTATIVE_FIELDS.items()
        if not data.get(name)
    }


class _SubjectForm(DocumentForm):
    """Subject, representative and signing date, shared by both consents."""

    by_hand = Bool(
        load_default=False,
        metadata=field(
            "Бланк для заполнения от руки",
            "Адреса, документы и сведения о представителе, которых нет в реестре, "
            "остаются пустыми строками",
        ),
    )

    date = Date(
        load_default=None,
        metadata=field("Дата подписания", "Пусто — бланк с датой для заполнения от руки"),
    )
    subject = Nested(
        PersonForm, required=True, metadata=field("Субъект персональных данных", "Участник")
    )
    representative = Nested(
        PersonForm,
        load_default=None,
        metadata=field("Законный представитель", "Для несовершеннолетнего"),
    )
    representative_relation = Str(
        load_default=None, validate=one_of(RELATIONS), metadata=field("Кем приходится")
    )
    representative_address = Str(
        load_default=None, max_length=500, metadata=field("Адрес законного представителя")
    )
    representative_doc = Nested(
        IdentityDocForm, load_default=None, metadata=field("Документ законного представителя")
    )
    authority_doc = Nested(
        AuthorityDocForm,
        load_default=None,
        metadata=field("Документ, подтверждающий полномочия представителя"),
    )

    @validates_schema
    def _signers(self, data: dict, **kwargs: Any) -> None:
        subject = data.get("subject") or {}
        birth = subject.get("birth_date")
        if birth is None:
            if subject.get("id") is None:
                raise ValidationError(
                    {
                        "subject": [
                            "Дата рождения: обязательное поле — от возраста зависит, кто "
                            "подписывает согласие."
                        ]
                    }
                )
            return
        on = data.get("date") or dt.date.today()
        if birth > on:
            raise ValidationError({"date": ["Дата подписания: раньше даты рождения."]})
        if variant_of(birth, on) != VARIANT_ADULT and not data.get("by_hand"):
            errors = missing_representative(data, birth, on)
            if errors:
                raise ValidationError(errors)


class ConsentForm(_SubjectForm):
    title = Str(
        load_default="Согласие на обработку персональных данных участника программы наставничества",
        max_length=300,
        metadata=field("Заголовок"),
    )
    role = Str(
        load_default="участник",
        validate=one_of(ROLES),
        metadata=field("Роль в программе наставничества"),
    )
    subject_address = Str(
        load_default=None, max_length=500, metadata=field("Адрес субъекта", "Адрес регистрации")
    )
    subject_doc = Nested(
        IdentityDocForm,
        load_default=None,
        metadata=field(
            "Документ субъекта", "Паспорт; для ребёнка до 14 лет — свидетельство о рождении"
        ),
    )

    @validates_schema
    def _subject_details(self, data: dict, **kwargs: Any) -> None:
        if data.get("by_hand"):
            return
        errors = {
            name: [f"{title}: обязательное поле (или отметьте «Бланк для заполнения от руки»)."]
            for name, title in (
                ("subject_address", "Адрес субъекта"),
                ("subject_doc", "Документ субъекта"),
            )
            if not data.get(name)
        }
        if errors:
            raise ValidationError(errors)

    processor = Nested(
        ProcessorForm,
        load_default=None,
        metadata=field("Обработка по поручению оператора", "Лицо, которому поручена обработка"),
    )
    purpose = Text(load_default=PURPOSE, metadata=field("Цель обработки"))
    data_items = List(
        Str(max_length=500),
        load_default=lambda: list(DATA_ITEMS),
        validate=at_least(1),
        metadata=field("Перечень персональных данных"),
    )
    actions = List(
        Str(max_length=300),
        load_default=lambda: list(ACTIONS),
        validate=at_least(1),
        metadata=field("Действия с персональными данными"),
    )
    methods = Str(
        load_default="смешанная",
        validate=one_of(tuple(METHODS)),
        metadata=field("Способ обработки"),
    )
    term = Str(load_default=TERM, max_length=500, metadata=field("Срок действия согласия"))
    revoke_method = Text(load_default=REVOKE, metadata=field("Способ отзыва согласия"))


class DisseminationItemForm(Form):
    category = Str(
        load_default="общие",
        validate=one_of(("общие", "специальные", "биометрические")),
        metadata=field("Категория персональных данных"),
    )
    name = Str(required=True, max_length=300, metadata=field("Персональные данные"))
    allowed = Bool(load_default=True, metadata=field("Разрешаю к распространению"))
    conditions = Str(
        load_default="",
        max_length=1000,
        metadata=field("Условия и запреты", "Пусто — «не устанавливаю»"),
    )


DISSEMINATION_ITEMS = [
    {"category": "общие", "name": "фамилия, имя, отчество"},
    {"category": "общие", "name": "класс (для обучающегося) или должность"},
    {"category": "общие", "name": "роль и форма участия в программе наставничества"},
    {"category": "общие", "name": "результаты участия в программе наставничества, отзыв"},
    {"category": "биометрические", "name": "фотографическое изображение"},
]
DISSEMINATION_PURPOSE = (
    "информирование о реализации целевой модели наставничества на официальном сайте "
    "образовательной организации и в её официальных группах в социальных сетях"
)


def _url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"«{url}»: адрес должен начинаться с https:// или http://."
    host = parts.hostname or ""
    if "." not in host or host.startswith(".") or host.endswith(".") or " " in url:
        return f"«{url}»: неверный адрес сайта."
    return None


class DisseminationForm(_SubjectForm):
    title = Str(
        load_default="Согласие на обработку персональных данных, разрешённых субъектом "
        "персональных данных для распространения",
        max_length=300,
        metadata=field("Заголовок"),
    )
    subject_phone = Str(load_default="", max_length=100, metadata=field("Телефон"))
    subject_email = Str(load_default="", max_length=200, metadata=field("Электронная почта"))
    subject_address = Str(load_default="", max_length=500, metadata=field("Почтовый адрес"))
    operator_inn = Str(
        load_default="", max_length=12, metadata=field("ИНН оператора", "Пусто — из реестра")
    )
    operator_ogrn = Str(
        load_default="", max_length=15, metadata=field("ОГРН оператора", "Пусто — из реестра")
    )
    resources = List(
        Str(max_length=500),
        required=True,
        validate=at_least(1),
        metadata=field("Адреса информационных ресурсов", "Сайт, страницы в социальных сетях"),
    )
    purpose = Text(load_default=DISSEMINATION_PURPOSE, metadata=field("Цель"))
    items = List(
        Nested(DisseminationItemForm),
        load_default=lambda: [
            dict(item, allowed=True, conditions="") for item in DISSEMINATION_ITEMS
        ],
        validate=at_least(1),
        metadata=field("Персональные данные и условия их распространения"),
    )
    transfer_conditions = Str(
        load_default="не устанавливаю",
        max_length=1000,
        metadata=field(
            "Условия передачи",
            "Передача только по внутренней сети оператора или без передачи полученных данных",
        ),
    )
    term = Str(load_default=TERM, max_length=500, metadata=field("Срок действия согласия"))

    @validates_schema
    def _contacts_and_sites(self, data: dict, **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        if not (
            data.get("subject_phone") or data.get("subject_email") or data.get("subject_address")
        ):
            errors["subject_phone"] = [
                "Контактные данные: укажите телефон, электронную почту или почтовый адрес."
            ]
        problems = [p for p in map(_url_problem, data.get("resources") or []) if p]
        if problems:
            errors["resources"] = problems
        for name in ("operator_inn", "operator_ogrn"):
            value = data.get(name) or ""
            if value and not value.isdigit():
                errors[name] = ["Только цифры."]
        if errors:
            raise ValidationError(errors)
