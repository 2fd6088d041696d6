"""Bulk actions for chosen people: who an action can be for, and its items for those chosen.

An action that makes one document per person says where its items name the person
(`Bulk.person`) and, when it can be for more people than it picks itself (consents: not only
those without one), who may be chosen (`Bulk.choosable`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import sqlite_utils

from docgen.errors import FieldErrors
from docgen.registry import people
from docgen.registry.people import short_name

if TYPE_CHECKING:
    from docgen.documents.bulk import Action


def person_of(item: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """The registry id an item names at `path` (None if it names none)."""
    value: Any = item
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def _label(person: Mapping[str, Any]) -> str:
    name = " ".join(p for p in (person["surname"], person["name"], person["patronymic"]) if p)
    detail = person.get("position") or person.get("category") or ""
    return f"{name}, {detail}" if detail else name


def candidates(
    db: sqlite_utils.Database, org_id: int, on: dt.date, action: Action
) -> list[dict[str, Any]]:
    """The people an action can be for, by name: {id, label, default}; `default` marks those
    it makes documents for when nobody is chosen (for consents: those without one in force).
    Empty for an action that is not per person."""
    if not action.person:
        return []
    default = {person_of(item, action.person) for item in action.items(db, org_id, on, {})}
    choosable = (action.choosable or action.items)(db, org_id, on, {})
    ids = dict.fromkeys(person_of(item, action.person) for item in choosable)
    known = {p["id"]: p for p in people.list_people(db, org_id)}
    found = [
        {"id": i, "label": _label(known[i]), "default": i in default} for i in ids if i in known
    ]
    return sorted(found, key=lambda p: people.name_key(p["label"]))


def items_for(
    db: sqlite_utils.Database,
    org_id: int,
    on: dt.date,
    action: Action,
    common: Mapping[str, Any],
    person_ids: list[int],
) -> list[dict[str, Any]]:
    """The action's items for the chosen people; FieldErrors on `person_ids` naming who does
    not belong to the organisation or cannot have this document."""

    def refuse(message: str) -> FieldErrors:
        return FieldErrors(message, fields={"person_ids": [message]})

    if not action.person:
        raise refuse("Это действие формирует документы всем сразу: людей для него не выбирают.")
    if not person_ids:
        raise refuse("Выберите хотя бы одного человека.")
    known = {p["id"]: p for p in people.list_people(db, org_id)}
    asked = list(dict.fromkeys(person_ids))
    foreign = [str(i) for i in asked if i not in known]
    if foreign:
        raise refuse(f"Этих людей нет в реестре организации: № {', '.join(foreign)}.")
    chosen = set(asked)
    choosable = (action.choosable or action.items)(db, org_id, on, common)
    items = [item for item in choosable if person_of(item, action.person) in chosen]
    found = {person_of(item, action.person) for item in items}
    unfit = [known[i] for i in asked if i not in found]
    if unfit:
        names = ", ".join(short_name(p) for p in unfit)
        raise refuse(f"Для этого действия не подходят: {names} (их нет в списке выбора).")
    return items
