"""Consents to the processing of personal data (and the other kinds): asked, signed, withdrawn.

Who must sign depends on the person's age on the day of signing (DOMAIN.md §2.8): under 14 the
legal representative alone, from 14 to 17 the minor and the representative, from 18 the person.
"""

from __future__ import annotations

import datetime as dt
import functools

import sqlite_utils

from docgen import dates, ru
from docgen.db import now_iso, transaction
from docgen.errors import Conflict, NotFound
from docgen.registry.common import field_error, first_row
from docgen.registry.people import get_person, short_name
from docgen.registry.schemas import CONSENT_KINDS, ConsentSignSchema

ADULT_AGE = 18
# Under this age the legal representative signs alone (DOMAIN.md §2.8).
SELF_CONSENT_AGE = 14


def _day(value: dt.date | str, label: str) -> dt.date:
    try:
        day = dates.to_date(value)
    except dates.DateError:
        day = None
    if day is None:
        raise field_error("date", f"{label}: такой даты нет")
    return day


def _check_kind(kind: str) -> None:
    if kind not in CONSENT_KINDS:
        message = "Вид согласия: допустимые значения — " + ", ".join(CONSENT_KINDS)
        raise field_error("kind", message)


def request_consent(db: sqlite_utils.Database, person_id: int, kind: str = "processing") -> int:
    """Record that a consent was asked for (reuses an open request)."""
    get_person(db, person_id)
    _check_kind(kind)
    with transaction(db):
        open_request = first_row(
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
    age = dates.age_on(person["birth_date"], on)
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


@functools.cache
def _sign_schema() -> ConsentSignSchema:
    """One schema per process: building a marshmallow schema costs more than a load (an Excel
    import signs thousands of consents); a loaded schema keeps no state between loads."""
    return ConsentSignSchema()


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
    clean = _sign_schema().load_or_raise(
        {
            "kind": kind,
            "signed_on": dates.to_iso(signed_on),
            "signer": signer,
            "representative_name": representative_name,
            "representative_doc": representative_doc,
        }
    )
    if person.get("birth_date") is None and person["category"] == "обучающийся":
        raise field_error(
            "signer", "Кто подписал: у обучающегося не указана дата рождения — укажите её в реестре"
        )
    needed = required_signer(person, clean["signed_on"])
    # An adult may also sign through a representative acting under a power of attorney.
    allowed = {needed} | ({"representative"} if needed == "self" else set())
    if clean["signer"] not in allowed:
        age = (
            dates.age_on(person["birth_date"], clean["signed_on"]) if person["birth_date"] else None
        )
        age_text = f"{short_name(person)} на {clean['signed_on']:%d.%m.%Y} " + (
            f"исполнилось {ru.plural(age, 'год')}" if age is not None else "— совершеннолетний"
        )
        raise field_error("signer", f"Кто подписал: {age_text}, поэтому {_SIGNER_TEXT[needed]}")
    if person.get("birth_date") and clean["signed_on"] < dates.to_date(person["birth_date"]):
        raise field_error("signed_on", "Дата подписания: раньше даты рождения")
    record = {
        "status": "signed",
        "signer": clean["signer"],
        "representative_name": clean["representative_name"] or None,
        "representative_doc": clean["representative_doc"] or None,
        "signed_on": dates.to_iso(clean["signed_on"]),
        "document_id": document_id,
    }
    with transaction(db):
        open_request = first_row(
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
        raise field_error("withdrawn_on", "Дата отзыва: обязательное поле")
    day = _day(withdrawn_on, "Дата отзыва")
    if consent_id is None:
        if person_id is None or kind is None:
            raise ValueError("give consent_id, or person_id and kind")
        row = first_row(
            db,
            "SELECT * FROM consents WHERE person_id = ? AND kind = ? AND status = 'signed' "
            "ORDER BY signed_on DESC, id DESC LIMIT 1",
            [person_id, kind],
        )
    else:
        row = first_row(db, "SELECT * FROM consents WHERE id = ?", [consent_id])
    if row is None:
        raise NotFound("Подписанное согласие не найдено")
    if row["status"] != "signed":
        raise Conflict("Отозвать можно только подписанное согласие")
    if day.isoformat() < row["signed_on"]:
        raise field_error("withdrawn_on", "Дата отзыва: раньше даты подписания согласия")
    with transaction(db):
        db["consents"].update(row["id"], {"status": "withdrawn", "withdrawn_on": day.isoformat()})
    return row["id"]


def valid_consent(
    db: sqlite_utils.Database, person_id: int, kind: str, on: dt.date | str
) -> dict | None:
    """The consent in force on that date: signed by then and not withdrawn by then."""
    day = _day(on, "Дата").isoformat()
    return first_row(
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
    day = _day(on or dt.date.today(), "Дата").isoformat()
    return [p for p in participants(db, org_id) if valid_consent(db, p["id"], kind, day) is None]


def participants(db: sqlite_utils.Database, org_id: int) -> list[dict]:
    """People in a base or an open pair/group, by name."""
    return list(
        db.query(
            "SELECT * FROM people WHERE org_id = ? AND (is_mentor = 1 OR is_mentee = 1 "
            "OR id IN (SELECT mentor_id FROM mentoring_groups WHERE status != 'closed') "
            "OR id IN (SELECT person_id FROM group_mentees JOIN mentoring_groups g "
            "ON g.id = group_id WHERE g.status != 'closed')) "
            "ORDER BY surname, name, patronymic, id",
            [org_id],
        )
    )
