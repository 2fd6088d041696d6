"""The import's cheap path: rows whose every rule certainly holds, written with plain SQL.

A «Люди» row whose every field plainly fits PersonSchema is taken without loading the schema.
The registry's functions (sign_consent, form_pair, create_group, close_group) read the person,
load a schema and insert through sqlite-utils for every call: most of an import's time. For a
row that only concerns people this import added, everything those functions look up is
already in memory, so the checks here decide whether the row certainly passes; when one of
them cannot tell (or the row breaks a rule), the import calls the registry's function, which
gives the message the user reads. So these checks may be stricter than the registry, never
looser: tests/test_excel.py imports files both ways and compares registries and reports.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from marshmallow import ValidationError

from docgen import dates
from docgen.db import now_iso
from docgen.registry import consents
from docgen.registry.schemas import (
    CATEGORIES,
    GENDERS,
    KINDS_OF_MENTORING,
    NAME_RE,
    ConsentSignSchema,
)

# tests set this to False to run every row through the registry's own functions
ENABLED = True


def insert(conn: sqlite3.Connection, table: str, record: dict[str, Any]) -> int:
    """INSERT one row; its id."""
    names = ", ".join(record)
    marks = ", ".join("?" for _ in record)
    return conn.execute(
        f"INSERT INTO {table} ({names}) VALUES ({marks})", list(record.values())
    ).lastrowid


def consent_row(
    schema: ConsentSignSchema,
    person: dict[str, Any],
    signed_on: dt.date,
    signer: str,
    representative_name: str | None,
    representative_doc: str | None,
    withdrawn_on: dt.date | None,
) -> dict[str, Any] | None:
    """The row sign_consent (and withdraw_consent) would leave for a person without consents,
    or None when one of their rules may fail."""
    if not ENABLED:
        return None
    clean = _signature(signed_on, signer, representative_name, representative_doc)
    if clean is None:
        try:
            clean = schema.load(
                {
                    "kind": "processing",
                    "signed_on": signed_on.isoformat(),
                    "signer": signer,
                    "representative_name": representative_name,
                    "representative_doc": representative_doc,
                }
            )
        except ValidationError:
            return None
    birth = dates.to_date(person.get("birth_date"))
    if birth is None and person["category"] == "обучающийся":
        return None
    needed = consents.required_signer(person, clean["signed_on"])
    if clean["signer"] not in {needed} | ({"representative"} if needed == "self" else set()):
        return None
    if birth is not None and clean["signed_on"] < birth:
        return None
    if withdrawn_on is not None and withdrawn_on < clean["signed_on"]:
        return None
    return {
        "kind": "processing",
        "status": "withdrawn" if withdrawn_on else "signed",
        "signer": clean["signer"],
        "representative_name": clean["representative_name"] or None,
        "representative_doc": clean["representative_doc"] or None,
        "signed_on": clean["signed_on"].isoformat(),
        "withdrawn_on": withdrawn_on.isoformat() if withdrawn_on else None,
        "document_id": None,
        "created_at": now_iso(),
    }


def person(data: dict[str, Any]) -> dict[str, Any] | None:
    """What PersonSchema loads from a «Люди» row it certainly accepts, or None (then the schema
    loads it and words the errors). `data` is the row as the import prepares it."""
    if not ENABLED or set(data) != _PERSON_KEYS:
        return None
    out: dict[str, Any] = {}
    for key in ("surname", "name", "patronymic"):
        value = data[key]
        if not isinstance(value, str):
            return None
        value = " ".join(value.split())
        if not value:
            if key != "patronymic":
                return None
            out[key] = None  # an optional field left empty
        elif len(value) > 100 or not NAME_RE.fullmatch(value):
            return None
        else:
            out[key] = value
    if data["gender"] not in GENDERS or data["category"] not in CATEGORIES:
        return None
    out["gender"], out["category"] = data["gender"], data["category"]
    birth = data["birth_date"]
    if birth is not None:
        try:
            birth = dt.date.fromisoformat(birth)
        except (TypeError, ValueError):
            return None
        if birth.year < dates.EARLIEST_YEAR or birth > dt.date.today():
            return None
    elif out["category"] == "обучающийся":
        return None
    out["birth_date"] = birth
    for key, longest in (("position", 300), ("partner_org", 300), ("phone", 100)):
        if not isinstance(data[key], str) or not _text_passes(data[key], longest):
            return None
        out[key] = data[key]
    if out["category"] == "представитель организации-партнёра" and not out["partner_org"]:
        return None
    years = data["experience_years"]
    if years is not None and (type(years) is not int or not 0 <= years <= 70):
        return None
    if data["email"] is not None:
        return None  # the schema checks addresses
    out["experience_years"], out["email"] = years, None
    return out | _PERSON_DEFAULTS


# The fields of a person row that the import reads (importing.py builds rows of them).
PERSON_FIELDS = (
    "surname",
    "name",
    "patronymic",
    "gender",
    "birth_date",
    "category",
    "position",
    "experience_years",
    "partner_org",
    "email",
    "phone",
)
_PERSON_KEYS = frozenset(PERSON_FIELDS)
_PERSON_DEFAULTS = {
    "competences": "",
    "time_available": "",
    "request": "",
    "is_mentor": False,
    "is_mentee": False,
}


def _text_passes(value: str | None, max_length: int) -> bool:
    """A cell's text (stripped, without control characters) that a Str field keeps as it is."""
    return value is None or (
        len(value) <= max_length and value == value.strip() and not dates.impossible_in(value)
    )


def _signature(
    signed_on: dt.date, signer: str, name: str | None, document: str | None
) -> dict[str, Any] | None:
    """What ConsentSignSchema loads from input it certainly accepts, without loading it."""
    if not _plausible(signed_on) or signer not in ("self", "representative", "both"):
        return None
    if not (_text_passes(name, 300) and _text_passes(document, 500)):
        return None
    if signer != "self" and not (name and document):
        return None
    return {
        "kind": "processing",
        "signed_on": signed_on,
        "signer": signer,
        "representative_name": name,
        "representative_doc": document,
    }


def base_fields(merged: dict[str, Any]) -> dict[str, Any] | None:
    """What PersonSchema(only=base fields) loads from a row it certainly accepts, or None."""
    if not ENABLED:
        return None
    out: dict[str, Any] = {}
    for key, value in merged.items():
        if key in ("is_mentor", "is_mentee"):
            if value not in (0, 1):  # True and False included
                return None
            out[key] = bool(value)
        elif isinstance(value, str) and _text_passes(
            value, 500 if key == "time_available" else 20000
        ):
            out[key] = value
        else:
            return None
    return out


def in_force(person: dict[str, Any], on: dt.date) -> bool:
    """The person's only consent (this import's) is in force on `on` with the right signer."""
    consent = person.get("consent")
    if consent is None:
        return False
    day = on.isoformat()
    if consent["signed_on"] > day or (consent["withdrawn_on"] or "9999") <= day:
        return False
    needed = consents.required_signer(person, on)
    return needed == "self" or consent["signer"] in ("representative", "both")


def _plausible(*days: dt.date | None) -> bool:
    try:
        for day in days:
            if day is not None:
                dates.check_year(day)
    except dates.DateError:
        return False
    return True


def group_passes(
    form: dict[str, Any] | None,
    mentor: dict[str, Any] | None,
    mentees: list[dict[str, Any] | None],
    start: dt.date,
    end: dt.date,
    kind: str | None,
    status: str,
    on: dt.date,
    closed: tuple[str, dt.date] | None = None,
) -> bool:
    """Whether form_pair (an open pair) or create_group + close_group (`closed`: result and
    day) certainly accept a group of people this import added."""
    if not ENABLED or form is None or mentor is None or not mentees or None in mentees:
        return False
    ids = [mentee["id"] for mentee in mentees]  # type: ignore[index]
    if len(set(ids)) != len(ids) or mentor["id"] in ids:
        return False
    if start > end or not _plausible(start, end) or kind not in (None, *KINDS_OF_MENTORING):
        return False
    if mentor["category"] not in form["mentor_categories"]:
        return False
    if any(m["category"] not in form["mentee_categories"] for m in mentees):  # type: ignore[index]
        return False
    if closed is not None:
        result, closed_on = closed
        return (
            bool(result)
            and len(result) <= 20000
            and not dates.impossible_in(result)
            and _plausible(closed_on)
            and closed_on >= start
        )
    if status not in ("planned", "active"):
        return False
    return all(in_force(person, on) for person in (mentor, *mentees))  # type: ignore[arg-type]


def add_group(
    conn: sqlite3.Connection,
    org_id: int,
    *,
    form_code: str,
    mentor_id: int,
    mentee_ids: list[int],
    start: dt.date,
    end: dt.date,
    kind: str | None,
    status: str,
    closed: tuple[str, dt.date] | None = None,
) -> int:
    """The rows create_group (and close_group) write."""
    group_id = insert(
        conn,
        "mentoring_groups",
        {
            "org_id": org_id,
            "form_code": form_code,
            "kind_of_mentoring": kind,
            "mentor_id": mentor_id,
            "start_date": start.isoformat(),
            "end_date": end.isoformat(),
            "status": "closed" if closed else status,
            "result": closed[0] if closed else None,
            "closed_on": closed[1].isoformat() if closed else None,
            "created_at": now_iso(),
        },
    )
    conn.executemany(
        "INSERT INTO group_mentees (group_id, person_id) VALUES (?, ?)",
        [(group_id, mentee_id) for mentee_id in mentee_ids],
    )
    return group_id
