"""Mentoring pairs and groups: a mentor, one mentee (a pair) or several (a group), a form.

A pair or group is fixed only when every rule holds: the people belong to the organisation,
their categories fit the form, the mentor is not their own mentee; each broken rule is named.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from docgen import dates
from docgen.db import now_iso, transaction
from docgen.errors import Conflict, FieldErrors, NotFound
from docgen.paging import Found, Where, contains, paged
from docgen.registry.common import field_error, first_row
from docgen.registry.people import get_person, short_name
from docgen.registry.schemas import GROUP_STATUSES, CloseGroupSchema, GroupSchema


def list_forms(db: sqlite_utils.Database, *, audience: str | None = None) -> list[dict]:
    """Mentoring forms with their allowed categories (lists) per side."""
    sql = "SELECT * FROM mentoring_forms"
    params: list = []
    if audience:
        sql += " WHERE audience = ?"
        params.append(audience)
    return [_form(row) for row in db.query(sql + " ORDER BY position", params)]


def get_form(db: sqlite_utils.Database, code: str) -> dict:
    row = first_row(db, "SELECT * FROM mentoring_forms WHERE code = ?", [code])
    if row is None:
        raise NotFound("Форма наставничества не найдена")
    return _form(row)


def _form(row: dict) -> dict:
    return {
        **row,
        "mentor_categories": json.loads(row["mentor_categories"]),
        "mentee_categories": json.loads(row["mentee_categories"]),
    }


def _categories(names: list[str]) -> str:
    return ", ".join(f"«{name}»" for name in names)


def group_errors(
    db: sqlite_utils.Database, org_id: int, values: dict
) -> tuple[dict | None, dict[str, list[str]]]:
    """The cleaned input of a pair/group and every rule it breaks, field by field.

    The schema's messages (a field left empty, dates in the wrong order) and the registry's
    (organisation, categories fitting the form) are reported together, so that a form shows
    all its errors at once; the rules that need a value are checked wherever it was given.
    """
    errors: dict[str, list[str]] = {}
    try:
        clean: dict | None = GroupSchema().load_or_raise(values)
    except FieldErrors as err:
        clean = None
        for name, messages in err.fields.items():
            errors.setdefault(name.split(".")[0], []).extend(messages)
        # The schema's own cross-field rules are skipped when a field fails: said here instead.
        if not values.get("mentee_ids") and "mentee_ids" not in errors:
            errors["mentee_ids"] = ["Наставляемые: нужен хотя бы один наставляемый"]
        start, end = _maybe_date(values.get("start_date")), _maybe_date(values.get("end_date"))
        if start and end and start > end and "end_date" not in errors:
            errors["end_date"] = ["Дата окончания: дата окончания раньше даты начала"]
    form = None
    if values.get("form_code"):
        form = first_row(db, "SELECT * FROM mentoring_forms WHERE code = ?", [values["form_code"]])
        if form is None:
            titles = ", ".join(f"«{f['title']}»" for f in list_forms(db))
            errors.setdefault("form_code", []).append(
                f"Форма наставничества: допустимые значения — {titles}"
            )
        else:
            form = _form(form)
    mentor_id = values.get("mentor_id")
    mentee_ids = [m for m in values.get("mentee_ids") or [] if isinstance(m, int)]
    mentor = None
    if isinstance(mentor_id, int):
        mentor = first_row(db, "SELECT * FROM people WHERE id = ?", [mentor_id])
        if mentor is None:
            errors.setdefault("mentor_id", []).append("Наставник: нет такого человека в реестре")
        elif mentor["org_id"] != org_id:
            errors.setdefault("mentor_id", []).append(
                f"Наставник: {short_name(mentor)} не из этой организации"
            )
        elif mentor_id in mentee_ids:
            errors.setdefault("mentee_ids", []).append(
                f"Наставляемые: {short_name(mentor)} не может быть наставником самому себе"
            )
        elif form is not None and mentor["category"] not in form["mentor_categories"]:
            errors.setdefault("mentor_id", []).append(
                f"Наставник: {short_name(mentor)} (категория «{mentor['category']}») не может "
                f"быть наставником в форме «{form['title']}»; допустимые категории — "
                f"{_categories(form['mentor_categories'])}"
            )
    for mentee_id in mentee_ids:
        mentee = first_row(db, "SELECT * FROM people WHERE id = ?", [mentee_id])
        message = None
        if mentee is None:
            message = f"Наставляемые: нет человека № {mentee_id} в реестре"
        elif mentee["org_id"] != org_id:
            message = f"Наставляемые: {short_name(mentee)} не из этой организации"
        elif form is not None and mentee["category"] not in form["mentee_categories"]:
            message = (
                f"Наставляемые: {short_name(mentee)} (категория «{mentee['category']}») не может "
                f"быть наставляемым в форме «{form['title']}»; допустимые категории — "
                f"{_categories(form['mentee_categories'])}"
            )
        if message:
            errors.setdefault("mentee_ids", []).append(message)
    return (None if errors else clean), errors


def _maybe_date(value: object) -> dt.date | None:
    try:
        return dates.to_date(value)  # type: ignore[arg-type]
    except (ValueError, TypeError):
        return None


def raise_errors(errors: dict[str, list[str]]) -> None:
    """FieldErrors carrying every message, when there are any."""
    if errors:
        summary = "; ".join(m for ms in errors.values() for m in ms)
        raise FieldErrors(summary, fields=errors)


def _checked(db: sqlite_utils.Database, org_id: int, **values: Any) -> dict:
    """A pair's fields checked by every rule, the same for a new pair and an edit."""
    values["mentee_ids"] = list(values["mentee_ids"])
    values["start_date"] = dates.to_iso(values["start_date"])
    values["end_date"] = dates.to_iso(values["end_date"])
    clean, errors = group_errors(db, org_id, values)
    raise_errors(errors)
    assert clean is not None
    return clean


def create_group(
    db: sqlite_utils.Database,
    org_id: int,
    *,
    form_code: str,
    mentor_id: int,
    mentee_ids: list[int],
    start_date: dt.date | str,
    end_date: dt.date | str,
    kind_of_mentoring: str | None = None,
    status: str = "active",
) -> int:
    """Fix a mentoring pair (one mentee) or group after checking every rule."""
    clean = _checked(
        db,
        org_id,
        form_code=form_code,
        mentor_id=mentor_id,
        mentee_ids=mentee_ids,
        start_date=start_date,
        end_date=end_date,
        kind_of_mentoring=kind_of_mentoring,
        status=status,
    )
    with transaction(db):
        group_id = (
            db["mentoring_groups"]
            .insert(
                {
                    "org_id": org_id,
                    "form_code": clean["form_code"],
                    "kind_of_mentoring": clean["kind_of_mentoring"],
                    "mentor_id": clean["mentor_id"],
                    "start_date": dates.to_iso(clean["start_date"]),
                    "end_date": dates.to_iso(clean["end_date"]),
                    "status": clean["status"],
                    "created_at": now_iso(),
                }
            )
            .last_pk
        )
        db["group_mentees"].insert_all(
            {"group_id": group_id, "person_id": pid} for pid in clean["mentee_ids"]
        )
    return group_id


def update_group(
    db: sqlite_utils.Database,
    group_id: int,
    *,
    form_code: str,
    mentor_id: int,
    mentee_ids: list[int],
    start_date: dt.date | str,
    end_date: dt.date | str,
    kind_of_mentoring: str | None = None,
    status: str = "active",
) -> dict:
    """Change an open pair/group after checking every rule again; returns the group before."""
    before = get_group(db, group_id)
    if before["status"] == "closed":
        raise Conflict("Завершённую пару (группу) изменить нельзя.")
    clean = _checked(
        db,
        before["org_id"],
        form_code=form_code,
        mentor_id=mentor_id,
        mentee_ids=mentee_ids,
        start_date=start_date,
        end_date=end_date,
        kind_of_mentoring=kind_of_mentoring,
        status=status,
    )
    if clean["status"] == "closed":
        raise FieldErrors(
            "Статус: завершают пару кнопкой «Завершить»",
            fields={"status": ["Статус: завершают пару кнопкой «Завершить»"]},
        )
    with transaction(db):
        db["mentoring_groups"].update(
            group_id,
            {
                "form_code": clean["form_code"],
                "kind_of_mentoring": clean["kind_of_mentoring"],
                "mentor_id": clean["mentor_id"],
                "start_date": dates.to_iso(clean["start_date"]),
                "end_date": dates.to_iso(clean["end_date"]),
                "status": clean["status"],
            },
        )
        db.execute("DELETE FROM group_mentees WHERE group_id = ?", [group_id])
        db["group_mentees"].insert_all(
            {"group_id": group_id, "person_id": pid} for pid in clean["mentee_ids"]
        )
    return before


def close_group(
    db: sqlite_utils.Database, group_id: int, result: str, closed_on: dt.date | str
) -> None:
    """Close a pair/group with its result; a closed group stays closed."""
    group = get_group(db, group_id)
    clean = CloseGroupSchema().load_or_raise(
        {"result": result, "closed_on": dates.to_iso(closed_on)}
    )
    if group["status"] == "closed":
        raise Conflict("Наставническая группа уже завершена")
    if dates.to_iso(clean["closed_on"]) < group["start_date"]:
        raise field_error("closed_on", "Дата завершения: раньше даты начала работы группы")
    with transaction(db):
        db["mentoring_groups"].update(
            group_id,
            {
                "status": "closed",
                "result": clean["result"],
                "closed_on": dates.to_iso(clean["closed_on"]),
            },
        )


def set_group_order(db: sqlite_utils.Database, group_id: int, document_id: int) -> None:
    """Remember the order that fixed the pair/group (for the bases' «реквизиты приказа»)."""
    get_group(db, group_id)
    with transaction(db):
        db["mentoring_groups"].update(group_id, {"order_document_id": document_id})


def get_group(db: sqlite_utils.Database, group_id: int) -> dict:
    """A pair/group with its form, mentor and mentees as dicts."""
    group = first_row(db, "SELECT * FROM mentoring_groups WHERE id = ?", [group_id])
    if group is None:
        raise NotFound("Наставническая группа не найдена")
    return _expand_group(db, group)


def _expand_group(db: sqlite_utils.Database, group: dict) -> dict:
    return {
        **group,
        "form": get_form(db, group["form_code"]),
        "mentor": get_person(db, group["mentor_id"]),
        "mentees": list(
            db.query(
                "SELECT people.* FROM group_mentees JOIN people ON people.id = person_id "
                "WHERE group_id = ? ORDER BY people.surname, people.name, people.id",
                [group["id"]],
            )
        ),
    }


def list_groups(
    db: sqlite_utils.Database,
    org_id: int,
    *,
    status: str | None = None,
    on: dt.date | str | None = None,
) -> list[dict]:
    """Pairs/groups of an organisation; `on` keeps those whose period covers that date."""
    sql = "SELECT * FROM mentoring_groups WHERE org_id = ?"
    params: list = [org_id]
    if status:
        if status not in GROUP_STATUSES:
            raise ValueError(f"unknown group status: {status}")
        sql += " AND status = ?"
        params.append(status)
    if on is not None:
        day = dates.to_iso(on)
        sql += " AND start_date <= ? AND end_date >= ? AND (closed_on IS NULL OR closed_on >= ?)"
        params += [day, day, day]
    rows = db.query(sql + " ORDER BY start_date, id", params)
    return [_expand_group(db, row) for row in rows]


def search_groups(
    db: sqlite_utils.Database,
    org_id: int,
    *,
    text: str = "",
    status: str | None = None,
    form_code: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Found:
    """One page of pairs/groups whose mentor's or a mentee's name contains `text`."""
    where = Where("org_id = ?", org_id)
    if text.strip():
        full = "p.surname || ' ' || p.name || ' ' || coalesce(p.patronymic, '')"
        condition, found = contains(db, [full], text)
        where.add(
            "id IN (SELECT g.id FROM mentoring_groups g JOIN people p ON p.id = g.mentor_id"
            f" WHERE {condition} UNION SELECT gm.group_id FROM group_mentees gm"
            f" JOIN people p ON p.id = gm.person_id WHERE {condition})",
            *found,
            *found,
        )
    where.equal("status", status if status in GROUP_STATUSES else None)
    where.equal("form_code", form_code)
    sql = "SELECT * FROM mentoring_groups WHERE " + where.sql
    found_page = paged(db, sql, where.params, "start_date, id", page, per_page)
    rows = [_expand_group(db, row) for row in found_page.rows]
    return Found(rows, found_page.total, found_page.page, found_page.per_page)
