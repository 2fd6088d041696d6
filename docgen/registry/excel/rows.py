"""What every sheet of an import shares: the import's context, a row's run and its errors,
and the look-up of a person a row names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from docgen import dates
from docgen import text as plain_text
from docgen.db import transaction
from docgen.errors import DocgenError
from docgen.registry import groups, people
from docgen.registry.excel.batches import Writer
from docgen.registry.excel.report import ImportReport, RowError
from docgen.registry.excel.sheets import (
    PEOPLE,
    SHEETS,
    Formula,
    cell_text,
    column_title,
)
from docgen.registry.schemas import ConsentSignSchema, PersonSchema

# The fields a row of «Наставники» or «Наставляемые» changes.
BASE_FIELDS = ("is_mentor", "is_mentee", "competences", "time_available", "request")

# Registry field -> column key, for messages the registry raises about a row.
_FIELD_TO_COLUMN = {
    "form_code": "form",
    "mentor_id": "mentor",
    "mentee_ids": "mentee",
    "result": "result",
    "closed_on": "closed_on",
    "date": "signed_on",
}


class RowFailed(Exception):
    """One row's errors, raised inside its savepoint so that its writes are undone."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors


def date_or_fail(record: dict, key: str, errors: list[tuple[str, str]]) -> dt.date | None:
    try:
        return dates.to_date(record.get(key))
    except dates.DateError as err:
        errors.append((key, str(err)))
        return None


def cell_errors(record: dict) -> list[tuple[str, str]]:
    """Cells no row may carry: a formula (never evaluated) or a control character."""
    errors = []
    for key, value in record.items():
        if isinstance(value, Formula):
            errors.append(
                (key, "формулы не принимаются — вставьте значение (Специальная вставка → Значения)")
            )
        elif isinstance(value, str) and (char := plain_text.first_control(value)):
            message = plain_text.message(char)
            errors.append((key, message[0].lower() + message[1:].rstrip(".")))
    return errors


def _split_fio(value: Any) -> tuple[str, str, str] | None:
    """«Фамилия Имя Отчество»: the first word, the second, the rest (e.g. «Гусейн оглы»)."""
    words = cell_text(value).split()
    if len(words) < 2:
        return None
    return words[0], words[1], " ".join(words[2:])


def person_key(surname: str, name: str, patronymic: str | None, birth: dt.date | None) -> tuple:
    norm = people.name_key  # the registry's own matching: case- and ё-insensitive
    return (norm(surname), norm(name), norm(patronymic), birth.isoformat() if birth else "")


def registry_messages(err: DocgenError, default_key: str) -> list[tuple[str, str]]:
    """A registry error as (column key, message without its «Метка: » prefix)."""
    if not err.fields:
        return [(default_key, err.message)]
    out = []
    for name, messages in err.fields.items():
        key = _FIELD_TO_COLUMN.get(name, name)
        for message in messages:
            text = message.split(": ", 1)[1] if ": " in message else message
            out.append((key, text.rstrip(".")))
    return out


@dataclass
class Context:
    db: sqlite_utils.Database
    org_id: int
    report: ImportReport
    on: dt.date
    writer: Writer
    # person key -> person id, for people of the file and found in the registry
    people: dict[tuple, int] = field(default_factory=dict)
    # person key -> row on «Люди» that failed
    failed_people: dict[tuple, int] = field(default_factory=dict)
    seen_people: dict[tuple, int] = field(default_factory=dict)
    # person key -> the registry's row, read once per import (the registry's first match)
    registry: dict[tuple, dict] = field(default_factory=dict)
    person_schema: PersonSchema = field(default_factory=PersonSchema)
    base_schema: PersonSchema = field(default_factory=lambda: PersonSchema(only=BASE_FIELDS))
    sign_schema: ConsentSignSchema = field(default_factory=ConsentSignSchema)
    # person id -> the person as stored, for people this import added (with their consent)
    known: dict[int, dict] = field(default_factory=dict)
    # person id -> the person's base fields as stored now
    current: dict[int, dict] = field(default_factory=dict)
    # (mentor id, start, mentee ids) of the pairs this import added
    added_groups: set[tuple] = field(default_factory=set)
    forms: dict[str, dict] = field(default_factory=dict)

    def load_registry(self) -> None:
        for person in self.db.query(
            "SELECT * FROM people WHERE org_id = ? ORDER BY id", [self.org_id]
        ):
            self.registry.setdefault(_registry_key(person), person)
        self.forms = {form["code"]: form for form in groups.list_forms(self.db)}


def _registry_key(person: dict) -> tuple:
    norm = people.name_key
    return (
        norm(person["surname"]),
        norm(person["name"]),
        norm(person["patronymic"]),
        person["birth_date"] or "",
    )


def run_row(ctx: Context, sheet: str, number: int, record: dict, apply, savepoint=True) -> None:
    """Run one row in its own savepoint; its errors go to the report and its writes are undone.
    A row of the cheap path (fast.py) fails, if at all, before its first write: no savepoint."""
    with ctx.writer.row():
        try:
            if not savepoint:
                apply()
                return
            with transaction(ctx.db):
                apply()
        except RowFailed as failed:
            record_errors(ctx, sheet, number, record, failed.errors)
        except DocgenError as err:
            record_errors(ctx, sheet, number, record, registry_messages(err, SHEETS[sheet][0][0]))


def record_errors(
    ctx: Context, sheet: str, number: int, record: dict, errors: list[tuple[str, str]]
) -> None:
    keys = {key for key, _, _ in SHEETS[sheet]}
    for key, message in errors:
        column = key if key in keys else SHEETS[sheet][0][0]
        ctx.report.errors.append(
            RowError(
                sheet, number, column_title(sheet, column), cell_text(record.get(column)), message
            )
        )


def lookup(
    ctx: Context, fio: Any, birth_value: Any, fio_key: str, birth_key: str
) -> tuple[int | None, list[tuple[str, str]]]:
    """The person a base or pair row names, or the errors saying why there is none."""
    errors: list[tuple[str, str]] = []
    parts = _split_fio(fio)
    if parts is None:
        message = "обязательное поле" if not cell_text(fio) else "нужны фамилия, имя и отчество"
        errors.append((fio_key, message))
    birth = date_or_fail({birth_key: birth_value}, birth_key, errors)
    if errors:
        return None, errors
    key = person_key(*parts, birth)
    if key in ctx.people:
        return ctx.people[key], []
    if key in ctx.failed_people:
        return None, [(fio_key, f"в строке {ctx.failed_people[key]} листа «{PEOPLE}» есть ошибки")]
    person = ctx.registry.get(key)
    if person is None:
        born = f" с датой рождения {birth:%d.%m.%Y}" if birth else " без даты рождения"
        return None, [(fio_key, f"человека{born} нет ни на листе «{PEOPLE}», ни в реестре")]
    ctx.people[key] = person["id"]
    ctx.current.setdefault(person["id"], person)
    return person["id"], []
