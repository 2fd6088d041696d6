"""People in an organisation's registry, and the two bases (mentors, mentees) they stand in.

A person is matched by surname, name, patronymic and birth date, case- and ё-insensitively;
the same person twice in one organisation is refused.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from docgen import dates
from docgen.db import now_iso, query_in, transaction
from docgen.errors import FieldErrors, NotFound
from docgen.paging import Found, Where, paged
from docgen.registry.common import field_error, first_row
from docgen.registry.organisations import get_organisation
from docgen.registry.schemas import PersonSchema, stored


def short_name(person: dict) -> str:
    """«Иванов И.И.» — how messages name a person."""
    initials = "".join(f"{part[0]}." for part in (person["name"], person.get("patronymic")) if part)
    return f"{person['surname']} {initials}".strip()


def name_key(text: str | None) -> str:
    """A name part as the registry compares it: spaces collapsed, case folded, ё as е."""
    return " ".join((text or "").split()).casefold().replace("ё", "е")


def person_record(clean: dict) -> dict:
    """A loaded PersonSchema as the row the registry stores (ISO birth date, 0/1 flags)."""
    return {
        **clean,
        "patronymic": clean.get("patronymic") or "",
        "birth_date": dates.to_iso(clean.get("birth_date")),
        "is_mentor": int(clean["is_mentor"]),
        "is_mentee": int(clean["is_mentee"]),
    }


def _duplicate_error(existing: dict) -> FieldErrors:
    return field_error(
        "surname",
        f"Человек {short_name(existing)}"
        + (f" ({existing['birth_date']})" if existing.get("birth_date") else "")
        + " уже есть в реестре этой организации",
    )


def add_person(db: sqlite_utils.Database, org_id: int, data: dict) -> int:
    """Add a person to an organisation's registry; the same person twice is refused."""
    get_organisation(db, org_id)
    record = person_record(PersonSchema().load_or_raise(data))
    with transaction(db):
        existing = find_person(
            db,
            org_id,
            record["surname"],
            record["name"],
            record["patronymic"],
            record["birth_date"],
        )
        if existing:
            raise _duplicate_error(existing)
        return db["people"].insert({**record, "org_id": org_id, "created_at": now_iso()}).last_pk


def update_person(db: sqlite_utils.Database, person_id: int, data: dict) -> None:
    """Change a person's fields; fields not given keep their values."""
    current = get_person(db, person_id)
    keep_out = ("id", "org_id", "created_at")
    schema = PersonSchema()
    merged = {k: v for k, v in stored(current, schema).items() if k not in keep_out} | {
        k: v for k, v in data.items() if k not in keep_out
    }
    record = person_record(schema.load_or_raise(merged))
    with transaction(db):
        existing = find_person(
            db,
            current["org_id"],
            record["surname"],
            record["name"],
            record["patronymic"],
            record["birth_date"],
        )
        if existing and existing["id"] != person_id:
            raise _duplicate_error(existing)
        db["people"].update(person_id, record)


def get_person(db: sqlite_utils.Database, person_id: int) -> dict:
    person = first_row(db, "SELECT * FROM people WHERE id = ?", [person_id])
    if person is None:
        raise NotFound("Человек не найден в реестре")
    return person


def get_people(db: sqlite_utils.Database, person_ids: list[int]) -> dict[int, dict]:
    """The people of these ids that exist, by id, read in a few queries (bulk jobs)."""
    rows = query_in(db, "SELECT * FROM people WHERE id IN ({ids})", person_ids)
    return {person["id"]: person for person in rows}


def list_people(
    db: sqlite_utils.Database,
    org_id: int,
    *,
    category: str | None = None,
    role: str | None = None,
) -> list[dict]:
    """People of an organisation; role 'mentor'/'mentee' filters the two bases."""
    if role not in (None, "mentor", "mentee"):
        raise ValueError(f"unknown role filter: {role}")
    where = Where("org_id = ?", org_id).equal("category", category)
    if role:
        where.add(f"is_{role} = 1")
    sql, params = "SELECT * FROM people WHERE " + where.sql, where.params
    return list(db.query(sql + " ORDER BY surname, name, patronymic, id", params))


def find_person(
    db: sqlite_utils.Database,
    org_id: int,
    surname: str,
    name: str,
    patronymic: str | None,
    birth_date: dt.date | str | None,
) -> dict | None:
    """The person with this full name and birth date (case- and ё-insensitive), if any."""
    birth = dates.to_iso(birth_date)
    wanted = (name_key(surname), name_key(name), name_key(patronymic))
    # SQLite's lower() only folds ASCII, so Cyrillic names are compared in Python.
    for person in db.query(
        "SELECT * FROM people WHERE org_id = ? AND ifnull(birth_date, '') = ?",
        [org_id, birth or ""],
    ):
        found = (name_key(person["surname"]), name_key(person["name"]))
        if found + (name_key(person["patronymic"]),) == wanted:
            return person
    return None


def search_people(
    db: sqlite_utils.Database,
    org_id: int,
    *,
    text: str = "",
    category: str | None = None,
    role: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Found:
    """One page of an organisation's people whose name or position contains `text`."""
    full = "surname || ' ' || name || ' ' || coalesce(patronymic, '')"
    where = Where("org_id = ?", org_id).text(db, [full, "coalesce(position, '')"], text)
    where.equal("category", category)
    if role in ("mentor", "mentee"):
        where.add(f"is_{role} = 1")
    sql = "SELECT * FROM people WHERE " + where.sql
    return paged(db, sql, where.params, "surname, name, patronymic, id", page, per_page)
