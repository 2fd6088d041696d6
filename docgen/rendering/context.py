"""The context of a document: validated input + registry data + requisites, as template values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields

from docgen import ru

DRAFT_NUMBER = "____"
DRAFT_DATE = "«___» ____________ 20___ г."


class PersonBlock:
    """A form schema whose data is one person block (a registry id, or surname, name,
    patronymic, gender, position, birth date given inline): `convert` turns it into a Person."""


@dataclass(frozen=True)
class Person:
    """A person as documents need them: name parts, gender, position, and the forms of each."""

    surname: str
    name: str
    patronymic: str | None = None
    gender: str | None = None
    position: str = ""
    id: int | None = None
    birth_date: dt.date | None = None
    phone: str = ""

    def __post_init__(self) -> None:
        if self.gender is None:
            detected = ru.detect_gender(self.surname, self.name, self.patronymic)
            object.__setattr__(self, "gender", detected)

    def full(self, case: str = "nom") -> str:
        """«Чернову Наталью Викторовну»."""
        return ru.full_name(self.surname, self.name, self.patronymic, case, self.gender)

    def short(self, case: str = "nom") -> str:
        """«Черновой Н.В.» — surname first, as in running text."""
        return ru.short_name(self.surname, self.name, self.patronymic, case, self.gender)

    @property
    def sign(self) -> str:
        """«Н.В. Чернова» — initials first, as in signatures and familiarisation lines."""
        return ru.short_name(self.surname, self.name, self.patronymic, initials_first=True)

    @property
    def fio(self) -> str:
        return self.full("nom")

    def pos(self, case: str = "nom") -> str:
        """The position in a case: «заместителя директора по УВР»."""
        return ru.inflect(self.position, case, kind="position") if self.position else ""

    def agree(self, masc: str, fem: str) -> str:
        """«ознакомлен» or «ознакомлена» after the person's gender."""
        return ru.agree(self.gender, masc, fem)

    def age_on(self, on: dt.date) -> int | None:
        return ru.age_on(self.birth_date, on) if self.birth_date else None


@dataclass(frozen=True)
class Organisation:
    """An organisation's requisites as they stand at the top of its documents."""

    full_name: str
    short_name: str = ""
    founder_line: str = ""
    locality: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    inn: str = ""
    ogrn: str = ""
    website: str = ""
    head_position: str = "Директор"
    head_acting: bool = False
    id: int | None = None

    @property
    def name(self) -> str:
        """The short name where the charter gives one."""
        return self.short_name or self.full_name

    def name_in(self, case: str) -> str:
        """The (short) name in a case: «в МБОУ «СОШ № 1»», «Отдела образования …»."""
        return ru.inflect(self.name, case, kind="org")

    @property
    def name_gen(self) -> str:
        """«к приказу МБОУ «СОШ № 1»», «к приказу Отдела образования …»."""
        return self.name_in("gen")

    @property
    def details(self) -> str:
        parts = [self.address, f"тел. {self.phone}" if self.phone else "", self.email]
        parts += [f"ИНН {self.inn}" if self.inn else "", f"ОГРН {self.ogrn}" if self.ogrn else ""]
        return ", ".join(part for part in parts if part)

    def full(self, case: str = "nom") -> str:
        return ru.inflect(self.full_name, case, kind="org")


@dataclass(frozen=True)
class Signer:
    person: Person
    position_line: str

    @property
    def sign(self) -> str:
        return self.person.sign


@dataclass(frozen=True)
class Requisites:
    """Number and date of a document: real once registered, blanks on a draft."""

    number: str | None = None
    date: dt.date | None = None

    @property
    def number_text(self) -> str:
        return self.number or DRAFT_NUMBER

    @property
    def date_text(self) -> str:
        return ru.date_short(self.date) if self.date else DRAFT_DATE

    @property
    def registered(self) -> bool:
        return self.number is not None


PersonResolver = Callable[[int], Mapping[str, Any]]


def person(data: Mapping[str, Any], resolve: PersonResolver | None = None) -> Person:
    """A Person from a form's person block: a registry id, or the person given inline."""
    values = dict(data)
    if values.get("id") is not None and resolve is not None:
        record = resolve(values["id"])
        values = {key: record.get(key) for key in ("surname", "name", "patronymic", "gender")}
        # A position typed in the form wins over the registry's (e.g. for this order only).
        values |= {"position": data.get("position") or record.get("position") or ""}
        values |= {"id": record["id"], "birth_date": _date(record.get("birth_date"))}
    return Person(
        surname=values.get("surname") or "",
        name=values.get("name") or "",
        patronymic=values.get("patronymic") or None,
        gender=values.get("gender") or None,
        position=values.get("position") or "",
        id=values.get("id"),
        birth_date=_date(values.get("birth_date")),
        phone=values.get("phone") or "",
    )


def unique_people(people: Iterable[Person]) -> list[Person]:
    """People in order of first appearance, each once: registry people by id (namesakes stay
    apart), a person typed inline by name (and merged with a registry person of that name)."""
    people = list(people)
    registered = {(p.surname, p.name, p.patronymic) for p in people if p.id is not None}
    seen, result = set(), []
    for person in people:
        name = (person.surname, person.name, person.patronymic)
        if person.id is None and name in registered:
            continue
        key = person.id if person.id is not None else name
        if key not in seen:
            seen.add(key)
            result.append(person)
    return result


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _is_person(field: fields.Field) -> bool:
    return isinstance(field, fields.Nested) and isinstance(field.schema, PersonBlock)


def _signs(field: fields.Field) -> bool:
    """A person field whose people the document gives a task: they sign its familiarisation
    sheet (field metadata `signs=True`: the control, the executors of items)."""
    return bool(field.metadata.get("signs"))


def convert(schema: Schema, data: Mapping[str, Any], resolve: PersonResolver | None) -> dict:
    """Validated input with every person block turned into a Person (walking the schema).

    The people of fields marked `signs` go first into `acquaint` when the schema has one,
    so every executor an order names is on its familiarisation sheet.
    """
    result = dict(data)
    signing: list[Person] = []
    for name, field in schema.fields.items():
        value = data.get(name)
        if value is None:
            continue
        inner = field.inner if isinstance(field, fields.List) else None
        if _is_person(field):
            result[name] = person(value, resolve)
            if _signs(field):
                signing.append(result[name])
        elif inner is not None and _is_person(inner):
            result[name] = [person(item, resolve) for item in value]
            if _signs(field):
                signing.extend(result[name])
        elif isinstance(field, fields.Nested):
            nested = field.schema
            if field.many:
                result[name] = [convert(nested, item, resolve) for item in value]
            else:
                result[name] = convert(nested, value, resolve)
        elif inner is not None and isinstance(inner, fields.Nested):
            result[name] = [convert(inner.schema, item, resolve) for item in value]
    if signing and "acquaint" in schema.fields:
        result["acquaint"] = unique_people(signing + list(result.get("acquaint") or []))
    return result


def organisation(record: Mapping[str, Any]) -> Organisation:
    """An Organisation from a registry row or an inline organisation block."""
    known = Organisation.__dataclass_fields__
    values = {key: record[key] for key in known if record.get(key) is not None}
    values["head_acting"] = bool(record.get("head_acting"))
    return Organisation(**values)


def head(record: Mapping[str, Any]) -> Person:
    """The head of an organisation, from a registry row (head_*) or an inline block (head)."""
    if isinstance(record.get("head"), Mapping):
        return person(record["head"])
    return Person(
        surname=record.get("head_surname") or "",
        name=record.get("head_name") or "",
        patronymic=record.get("head_patronymic") or None,
        gender=record.get("head_gender") or None,
        position=record.get("head_position") or "",
    )


def signer_of(org: Organisation, head_person: Person) -> Signer:
    """«Директор» or, for an acting head, «И.о. директора»."""
    position = org.head_position or head_person.position or "Директор"
    if org.head_acting:
        position = "И.о. " + ru.inflect(position[0].lower() + position[1:], "gen", kind="position")
    return Signer(head_person, position)
