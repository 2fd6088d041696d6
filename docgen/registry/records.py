"""Registry: organisations, people, mentoring pairs/groups, consents and targets.

Every write validates first and raises FieldErrors (Russian, per field) before touching
the database; the writes of one operation share one transaction.
Dates come in as `date` or ISO/ДД.ММ.ГГГГ strings and are stored and returned as ISO strings.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from docgen.db import now_iso, transaction
from docgen.errors import Conflict, FieldErrors, NotFound
from docgen.registry.schemas import (
    CONSENT_KINDS,
    GROUP_STATUSES,
    CloseGroupSchema,
    ConsentSignSchema,
    GroupSchema,
    OrganisationSchema,
    PersonSchema,
    TargetSchema,
)

ADULT_AGE = 18
# Under this age the legal representative signs alone (DOMAIN.md §2.8).
SELF_CONSENT_AGE = 14


# --- helpers ------------------------------------------------------------------


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _as_date(value: dt.date | str, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as err:
        raise FieldErrors(
            f"{label}: такой даты нет", fields={"date": [f"{label}: такой даты нет"]}
        ) from err


def _row(db: sqlite_utils.Database, sql: str, params: list | tuple) -> dict | None:
    return next(db.query(sql, params), None)


def short_name(person: dict) -> str:
    """«Иванов И.И.» — how messages name a person."""
    initials = "".join(f"{part[0]}." for part in (person["name"], person.get("patronymic")) if part)
    return f"{person['surname']} {initials}".strip()


def age_on(birth_date: dt.date | str, on: dt.date | str) -> int:
    """Full years at the given date."""
    birth = _as_date(birth_date, "Дата рождения")
    day = _as_date(on, "Дата")
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


# --- organisations --------------------------------------------------------------


def create_organisation(db: sqlite_utils.Database, data: dict) -> int:
    """Add a school or an education department; a school may name its department."""
    clean = OrganisationSchema().load_or_raise(data)
    _check_parent(db, clean)
    record = {**clean, "head_acting": int(clean["head_acting"]), "created_at": now_iso()}
    with transaction(db):
        return db["organisations"].insert(record).last_pk


def update_organisation(db: sqlite_utils.Database, org_id: int, data: dict) -> None:
    """Change an organisation's requisites (fields not given stay as they are)."""
    current = get_organisation(db, org_id)
    merged = {k: v for k, v in current.items() if k not in ("id", "created_at")} | data
    clean = OrganisationSchema().load_or_raise(merged)
    if clean.get("parent_id") == org_id:
        raise _one_error(
            "parent_id", "Орган управления образованием: не может быть самой организацией"
        )
    _check_parent(db, clean)
    with transaction(db):
        db["organisations"].update(org_id, {**clean, "head_acting": int(clean["head_acting"])})


def _check_parent(db: sqlite_utils.Database, clean: dict) -> None:
    parent_id = clean.get("parent_id")
    if parent_id is None:
        return
    if clean["kind"] != "school":
        raise _one_error("parent_id", "Орган управления образованием: указывается только для школы")
    parent = _row(db, "SELECT * FROM organisations WHERE id = ?", [parent_id])
    if parent is None or parent["kind"] != "department":
        raise _one_error(
            "parent_id", "Орган управления образованием: такого органа управления нет в реестре"
        )


def get_organisation(db: sqlite_utils.Database, org_id: int) -> dict:
    org = _row(db, "SELECT * FROM organisations WHERE id = ?", [org_id])
    if org is None:
        raise NotFound("Организация не найдена")
    return org


def list_schools(db: sqlite_utils.Database, department_id: int) -> list[dict]:
    """Schools subordinate to an education department, by name."""
    return list(
        db.query(
            "SELECT * FROM organisations WHERE kind = 'school' AND parent_id = ? "
            "ORDER BY full_name",
            [department_id],
        )
    )


def list_organisations(db: sqlite_utils.Database, *, kind: str | None = None) -> list[dict]:
    sql = "SELECT * FROM organisations"
    params: list = []
    if kind:
        sql += " WHERE kind = ?"
        params.append(kind)
    return list(db.query(sql + " ORDER BY kind, full_name", params))


def _one_error(field_name: str, message: str) -> FieldErrors:
    return FieldErrors(message, fields={field_name: [message]})


# --- people ---------------------------------------------------------------------


def _person_record(clean: dict) -> dict:
    return {
        **clean,
        "patronymic": clean.get("patronymic") or "",
        "birth_date": _iso(clean.get("birth_date")),
        "is_mentor": int(clean["is_mentor"]),
        "is_mentee": int(clean["is_mentee"]),
    }


def _duplicate_error(existing: dict) -> FieldErrors:
    return _one_error(
        "surname",
        f"Человек {short_name(existing)}"
        + (f" ({existing['birth_date']})" if existing.get("birth_date") else "")
        + " уже есть в реестре этой организации",
    )


def add_person(db: sqlite_utils.Database, org_id: int, data: dict) -> int:
    """Add a person to an organisation's registry; the same person twice is refused."""
    get_organisation(db, org_id)
    record = _person_record(PersonSchema().load_or_raise(data))
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
    merged = {k: v for k, v in current.items() if k not in keep_out} | {
        k: v for k, v in data.items() if k not in keep_out
    }
    record = _person_record(PersonSchema().load_or_raise(merged))
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
    person = _row(db, "SELECT * FROM people WHERE id = ?", [person_id])
    if person is None:
        raise NotFound("Человек не найден в реестре")
    return person


def list_people(
    db: sqlite_utils.Database,
    org_id: int,
    *,
    category: str | None = None,
    role: str | None = None,
) -> list[dict]:
    """People of an organisation; role 'mentor'/'mentee' filters the two bases."""
    sql = "SELECT * FROM people WHERE org_id = ?"
    params: list = [org_id]
    if category:
        sql += " AND category = ?"
        params.append(category)
    if role == "mentor":
        sql += " AND is_mentor = 1"
    elif role == "mentee":
        sql += " AND is_mentee = 1"
    elif role is not None:
        raise ValueError(f"unknown role filter: {role}")
    return list(db.query(sql + " ORDER BY surname, name, patronymic, id", params))


def _key(text: str | None) -> str:
    return " ".join((text or "").split()).casefold().replace("ё", "е")


def find_person(
    db: sqlite_utils.Database,
    org_id: int,
    surname: str,
    name: str,
    patronymic: str | None,
    birth_date: dt.date | str | None,
) -> dict | None:
    """The person with this full name and birth date (case- and ё-insensitive), if any."""
    birth = _iso(birth_date)
    wanted = (_key(surname), _key(name), _key(patronymic))
    # SQLite's lower() only folds ASCII, so Cyrillic names are compared in Python.
    for person in db.query(
        "SELECT * FROM people WHERE org_id = ? AND ifnull(birth_date, '') = ?",
        [org_id, birth or ""],
    ):
        if (_key(person["surname"]), _key(person["name"]), _key(person["patronymic"])) == wanted:
            return person
    return None


# --- mentoring forms and groups --------------------------------------------------


def list_forms(db: sqlite_utils.Database, *, audience: str | None = None) -> list[dict]:
    """Mentoring forms with their allowed categories (lists) per side."""
    sql = "SELECT * FROM mentoring_forms"
    params: list = []
    if audience:
        sql += " WHERE audience = ?"
        params.append(audience)
    return [_form(row) for row in db.query(sql + " ORDER BY position", params)]


def get_form(db: sqlite_utils.Database, code: str) -> dict:
    row = _row(db, "SELECT * FROM mentoring_forms WHERE code = ?", [code])
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
    clean = GroupSchema().load_or_raise(
        {
            "form_code": form_code,
            "mentor_id": mentor_id,
            "mentee_ids": list(mentee_ids),
            "start_date": _iso(start_date),
            "end_date": _iso(end_date),
            "kind_of_mentoring": kind_of_mentoring,
            "status": status,
        }
    )
    errors: dict[str, list[str]] = {}
    form = _row(db, "SELECT * FROM mentoring_forms WHERE code = ?", [clean["form_code"]])
    if form is None:
        titles = ", ".join(f"«{f['title']}»" for f in list_forms(db))
        errors["form_code"] = [f"Форма наставничества: допустимые значения — {titles}"]
    else:
        form = _form(form)
    mentor = _row(db, "SELECT * FROM people WHERE id = ?", [clean["mentor_id"]])
    if mentor is None:
        errors["mentor_id"] = ["Наставник: нет такого человека в реестре"]
    elif mentor["org_id"] != org_id:
        errors["mentor_id"] = [f"Наставник: {short_name(mentor)} не из этой организации"]
    elif clean["mentor_id"] in clean["mentee_ids"]:
        errors["mentee_ids"] = [
            f"Наставляемые: {short_name(mentor)} не может быть наставником самому себе"
        ]
    elif form is not None and mentor["category"] not in form["mentor_categories"]:
        errors["mentor_id"] = [
            f"Наставник: {short_name(mentor)} (категория «{mentor['category']}») не может быть "
            f"наставником в форме «{form['title']}»; допустимые категории — "
            f"{_categories(form['mentor_categories'])}"
        ]
    for mentee_id in clean["mentee_ids"]:
        mentee = _row(db, "SELECT * FROM people WHERE id = ?", [mentee_id])
        messages = errors.setdefault("mentee_ids", [])
        if mentee is None:
            messages.append(f"Наставляемые: нет человека № {mentee_id} в реестре")
        elif mentee["org_id"] != org_id:
            messages.append(f"Наставляемые: {short_name(mentee)} не из этой организации")
        elif form is not None and mentee["category"] not in form["mentee_categories"]:
            messages.append(
                f"Наставляемые: {short_name(mentee)} (категория «{mentee['category']}») не может "
                f"быть наставляемым в форме «{form['title']}»; допустимые категории — "
                f"{_categories(form['mentee_categories'])}"
            )
        if not messages:
            del errors["mentee_ids"]
    if errors:
        summary = "; ".join(m for ms in errors.values() for m in ms)
        raise FieldErrors(summary, fields=errors)
    with transaction(db):
        group_id = (
            db["mentoring_groups"]
            .insert(
                {
                    "org_id": org_id,
                    "form_code": clean["form_code"],
                    "kind_of_mentoring": clean["kind_of_mentoring"],
                    "mentor_id": clean["mentor_id"],
                    "start_date": _iso(clean["start_date"]),
                    "end_date": _iso(clean["end_date"]),
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


def close_group(
    db: sqlite_utils.Database, group_id: int, result: str, closed_on: dt.date | str
) -> None:
    """Close a pair/group with its result; a closed group stays closed."""
    group = get_group(db, group_id)
    clean = CloseGroupSchema().load_or_raise({"result": result, "closed_on": _iso(closed_on)})
    if group["status"] == "closed":
        raise Conflict("Наставническая группа уже завершена")
    if _iso(clean["closed_on"]) < group["start_date"]:
        raise _one_error("closed_on", "Дата завершения: раньше даты начала работы группы")
    with transaction(db):
        db["mentoring_groups"].update(
            group_id,
            {"status": "closed", "result": clean["result"], "closed_on": _iso(clean["closed_on"])},
        )


def set_group_order(db: sqlite_utils.Database, group_id: int, document_id: int) -> None:
    """Remember the order that fixed the pair/group (for the bases' «реквизиты приказа»)."""
    get_group(db, group_id)
    with transaction(db):
        db["mentoring_groups"].update(group_id, {"order_document_id": document_id})


def get_group(db: sqlite_utils.Database, group_id: int) -> dict:
    """A pair/group with its form, mentor and mentees as dicts."""
    group = _row(db, "SELECT * FROM mentoring_groups WHERE id = ?", [group_id])
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
        day = _iso(on)
        sql += " AND start_date <= ? AND end_date >= ? AND (closed_on IS NULL OR closed_on >= ?)"
        params += [day, day, day]
    rows = db.query(sql + " ORDER BY start_date, id", params)
    return [_expand_group(db, row) for row in rows]


# --- consents -------------------------------------------------------------------


def _check_kind(kind: str) -> None:
    if kind not in CONSENT_KINDS:
        message = "Вид согласия: допустимые значения — " + ", ".join(CONSENT_KINDS)
        raise _one_error("kind", message)


def request_consent(db: sqlite_utils.Database, person_id: int, kind: str = "processing") -> int:
    """Record that a consent was asked for (reuses an open request)."""
    get_person(db, person_id)
    _check_kind(kind)
    with transaction(db):
        open_request = _row(
            db,
            "SELECT id FROM consents WHERE person_id = ? AND kind = ? AND status = 'requested'",
            [person_id, kind],
        )
        if open_request:
            return open_request["id"]
        return (
            db["consents"]
            .insert(
                {
                    "person_id": person_id,
                    "kind": kind,
                    "status": "requested",
                    "created_at": now_iso(),
                }
            )
            .last_pk
        )


def required_signer(person: dict, on: dt.date | str) -> str:
    """Who must sign for this person at that date: 'representative', 'both' or 'self'."""
    if not person.get("birth_date"):
        return "self"
    age = age_on(person["birth_date"], on)
    if age < SELF_CONSENT_AGE:
        return "representative"
    if age < ADULT_AGE:
        return "both"
    return "self"


_SIGNER_TEXT = {
    "representative": "подписывает законный представитель",
    "both": "подписывают сам обучающийся и законный представитель",
    "self": "подписывает сам человек",
}


def sign_consent(
    db: sqlite_utils.Database,
    person_id: int,
    kind: str,
    signed_on: dt.date | str,
    signer: str,
    representative_name: str | None = None,
    representative_doc: str | None = None,
    document_id: int | None = None,
) -> int:
    """Record a signed consent after checking who must sign at the person's age."""
    person = get_person(db, person_id)
    clean = ConsentSignSchema().load_or_raise(
        {
            "kind": kind,
            "signed_on": _iso(signed_on),
            "signer": signer,
            "representative_name": representative_name,
            "representative_doc": representative_doc,
        }
    )
    if person.get("birth_date") is None and person["category"] == "обучающийся":
        raise _one_error(
            "signer", "Кто подписал: у обучающегося не указана дата рождения — укажите её в реестре"
        )
    needed = required_signer(person, clean["signed_on"])
    # An adult may also sign through a representative acting under a power of attorney.
    allowed = {needed} | ({"representative"} if needed == "self" else set())
    if clean["signer"] not in allowed:
        age = age_on(person["birth_date"], clean["signed_on"]) if person["birth_date"] else None
        age_text = f"{short_name(person)} на {clean['signed_on']:%d.%m.%Y} " + (
            f"исполнилось {age} {_years(age)}" if age is not None else "— совершеннолетний"
        )
        raise _one_error("signer", f"Кто подписал: {age_text}, поэтому {_SIGNER_TEXT[needed]}")
    if person.get("birth_date") and clean["signed_on"] < dt.date.fromisoformat(
        person["birth_date"]
    ):
        raise _one_error("signed_on", "Дата подписания: раньше даты рождения")
    record = {
        "status": "signed",
        "signer": clean["signer"],
        "representative_name": clean["representative_name"] or None,
        "representative_doc": clean["representative_doc"] or None,
        "signed_on": _iso(clean["signed_on"]),
        "document_id": document_id,
    }
    with transaction(db):
        open_request = _row(
            db,
            "SELECT id FROM consents WHERE person_id = ? AND kind = ? AND status = 'requested' "
            "ORDER BY id LIMIT 1",
            [person_id, clean["kind"]],
        )
        if open_request:
            db["consents"].update(open_request["id"], record)
            return open_request["id"]
        return (
            db["consents"]
            .insert(
                {**record, "person_id": person_id, "kind": clean["kind"], "created_at": now_iso()}
            )
            .last_pk
        )


def _years(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "года"
    return "лет"


def withdraw_consent(
    db: sqlite_utils.Database,
    consent_id: int | None = None,
    withdrawn_on: dt.date | str | None = None,
    *,
    person_id: int | None = None,
    kind: str | None = None,
) -> int:
    """Withdraw a signed consent, by id or by person and kind; returns the consent id."""
    if withdrawn_on is None:
        raise _one_error("withdrawn_on", "Дата отзыва: обязательное поле")
    day = _as_date(withdrawn_on, "Дата отзыва")
    if consent_id is None:
        if person_id is None or kind is None:
            raise ValueError("give consent_id, or person_id and kind")
        row = _row(
            db,
            "SELECT * FROM consents WHERE person_id = ? AND kind = ? AND status = 'signed' "
            "ORDER BY signed_on DESC, id DESC LIMIT 1",
            [person_id, kind],
        )
    else:
        row = _row(db, "SELECT * FROM consents WHERE id = ?", [consent_id])
    if row is None:
        raise NotFound("Подписанное согласие не найдено")
    if row["status"] != "signed":
        raise Conflict("Отозвать можно только подписанное согласие")
    if day.isoformat() < row["signed_on"]:
        raise _one_error("withdrawn_on", "Дата отзыва: раньше даты подписания согласия")
    with transaction(db):
        db["consents"].update(row["id"], {"status": "withdrawn", "withdrawn_on": day.isoformat()})
    return row["id"]


def valid_consent(
    db: sqlite_utils.Database, person_id: int, kind: str, on: dt.date | str
) -> dict | None:
    """The consent in force on that date: signed by then and not withdrawn by then."""
    day = _as_date(on, "Дата").isoformat()
    return _row(
        db,
        "SELECT * FROM consents WHERE person_id = ? AND kind = ? "
        "AND status IN ('signed', 'withdrawn') AND signed_on <= ? "
        "AND (withdrawn_on IS NULL OR withdrawn_on > ?) "
        "ORDER BY signed_on DESC, id DESC LIMIT 1",
        [person_id, kind, day, day],
    )


def list_consents(db: sqlite_utils.Database, person_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM consents WHERE person_id = ? ORDER BY id", [person_id]))


def missing_consents(
    db: sqlite_utils.Database,
    org_id: int,
    kind: str = "processing",
    on: dt.date | str | None = None,
) -> list[dict]:
    """Participants (in a base or an open pair/group) with no consent in force on that date."""
    _check_kind(kind)
    day = _as_date(on or dt.date.today(), "Дата").isoformat()
    participants = db.query(
        "SELECT * FROM people WHERE org_id = ? AND (is_mentor = 1 OR is_mentee = 1 "
        "OR id IN (SELECT mentor_id FROM mentoring_groups WHERE status != 'closed') "
        "OR id IN (SELECT person_id FROM group_mentees JOIN mentoring_groups g "
        "ON g.id = group_id WHERE g.status != 'closed')) "
        "ORDER BY surname, name, patronymic, id",
        [org_id],
    )
    return [p for p in participants if valid_consent(db, p["id"], kind, day) is None]


# --- targets --------------------------------------------------------------------


def set_target(
    db: sqlite_utils.Database, org_id: int, year: int, indicator: str, value: float
) -> None:
    """Set the target percentage of an indicator for a year."""
    get_organisation(db, org_id)
    clean = TargetSchema().load_or_raise({"year": year, "indicator": indicator, "value": value})
    with transaction(db):
        db["targets"].upsert({"org_id": org_id, **clean}, pk=("org_id", "year", "indicator"))


def get_targets(db: sqlite_utils.Database, org_id: int, year: int) -> dict[str, float]:
    """Indicator -> target percentage for that year."""
    return {
        row["indicator"]: row["value"]
        for row in db.query(
            "SELECT indicator, value FROM targets WHERE org_id = ? AND year = ? ORDER BY indicator",
            [org_id, year],
        )
    }
