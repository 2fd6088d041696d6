"""Issuing a survey: who gets a personal link, the link's token, its scope and its end date.

A link is a random token (32 bytes of `secrets`, URL-safe) that the database keeps only as its
SHA-256: the token is shown once, when the links are issued (list, QR sheet, API answer), and a
copy of the database lets nobody answer for anyone. A lost sheet is replaced by `reissue`, which
gives every participant who has not answered a new token and voids the old one.

A link opens one questionnaire for one person until the survey's end date, takes one answer,
and shows nothing else: no name, no other answers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field

import sqlite_utils

from docgen import dates
from docgen.db import now_iso, transaction
from docgen.errors import DocgenError, FieldErrors
from docgen.registry import bases, groups, organisations, people
from docgen.surveys import questionnaires

STUDENT = "обучающийся"  # the registry category of a child
DEFAULT_DAYS = 14
MAX_DAYS = 120
# The public page's rate limit: wrong or expired links opened from one address per window.
MAX_MISSES = 20
MISS_WINDOW = dt.timedelta(minutes=15)


class LinkNotFound(DocgenError):
    """No survey behind this link."""

    status = 404


class LinkExpired(DocgenError):
    """The survey of this link has ended."""

    status = 410


class TooManyAttempts(DocgenError):
    """Too many wrong links from one address."""

    status = 429


@dataclass(frozen=True)
class Link:
    person_id: int
    name: str
    token: str


@dataclass(frozen=True)
class Refused:
    person_id: int
    name: str
    reason: str


@dataclass
class Issued:
    survey_id: int
    links: list[Link] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def is_child(person: dict, on: dt.date) -> bool:
    """A student, or anyone under 18 on that date: their questionnaire needs a consent in force."""
    if person.get("category") == STUDENT:
        return True
    birth = person.get("birth_date")
    return bool(birth) and dates.age_on(birth, on) < 18


def _groups(db: sqlite_utils.Database, org_id: int, group_ids: list[int] | None, on: dt.date):
    current = [
        g for g in groups.list_groups(db, org_id, on=on) if g["status"] not in ("planned", "closed")
    ]
    if group_ids is None:
        return current
    wanted = set(group_ids)
    found = [g for g in groups.list_groups(db, org_id) if g["id"] in wanted]
    unknown = wanted - {g["id"] for g in found}
    if unknown:
        message = "Пары/группы нет в этой организации: " + ", ".join(map(str, sorted(unknown)))
        raise FieldErrors(message, fields={"group_ids": [message]})
    return found


def audience_of(
    db: sqlite_utils.Database,
    org_id: int,
    audience: str,
    group_ids: list[int] | None,
    on: dt.date,
) -> list[dict]:
    """The mentors or mentees of the chosen pairs/groups (none chosen: every current one)."""
    chosen = _groups(db, org_id, group_ids, on)
    seen: dict[int, dict] = {}
    for group in chosen:
        members = [group["mentor"]] if audience == "mentors" else group["mentees"]
        for person in members:
            seen.setdefault(person["id"], person)
    return sorted(seen.values(), key=lambda p: (p["surname"], p["name"], p["id"]))


def _refusal(db: sqlite_utils.Database, person: dict, on: dt.date) -> str:
    if not is_child(person, on):
        return ""
    problem = bases.consent_problem(db, person, on)
    return bases.problem_text(problem) if problem else ""


def issue(
    db: sqlite_utils.Database,
    org_id: int,
    audience: str,
    stage: str,
    *,
    on: dt.date,
    group_ids: list[int] | None = None,
    closes_on: dt.date | None = None,
    extra: list[str] | tuple[str, ...] = (),
    user_id: int | None = None,
) -> Issued:
    """Create the survey and one link per participant; a child without a consent gets none."""
    questionnaires.get(audience, stage)
    organisation = organisations.get_organisation(db, org_id)
    if organisation["kind"] != "school":
        message = "Анкетирование проводит школа: выберите образовательную организацию."
        raise FieldErrors(message, fields={"org_id": [message]})
    closes_on = closes_on or on + dt.timedelta(days=DEFAULT_DAYS)
    if not on <= closes_on <= on + dt.timedelta(days=MAX_DAYS):
        message = f"Срок ответа — от сегодняшнего дня до {MAX_DAYS} дней."
        raise FieldErrors(message, fields={"closes_on": [message]})
    own = questionnaires.extra_items(list(extra))
    participants = audience_of(db, org_id, audience, group_ids, on)
    if not participants:
        message = "В выбранных парах и группах нет участников для этой анкеты."
        raise FieldErrors(message, fields={"group_ids": [message]})
    with transaction(db):
        survey_id = (
            db["surveys"]
            .insert(
                {
                    "org_id": org_id,
                    "audience": audience,
                    "stage": stage,
                    "issued_on": on.isoformat(),
                    "closes_on": closes_on.isoformat(),
                    "extra_items": json.dumps([i.as_dict() for i in own], ensure_ascii=False),
                    "created_by": user_id,
                    "created_at": now_iso(),
                }
            )
            .last_pk
        )
        issued = Issued(survey_id)
        for person in participants:
            name = people.short_name(person)
            reason = _refusal(db, person, on)
            if reason:
                issued.refused.append(Refused(person["id"], name, reason))
                continue
            token = new_token()
            db["survey_links"].insert(
                {
                    "survey_id": survey_id,
                    "person_id": person["id"],
                    "token_hash": token_hash(token),
                    "created_at": now_iso(),
                }
            )
            issued.links.append(Link(person["id"], name, token))
    return issued


def reissue(db: sqlite_utils.Database, survey_id: int, on: dt.date) -> Issued:
    """New tokens for everyone who has not answered (the old ones stop working)."""
    survey = get_survey(db, survey_id)
    issued = Issued(survey_id)
    with transaction(db):
        rows = db.query(
            "SELECT l.id, l.person_id FROM survey_links l JOIN people p ON p.id = l.person_id "
            "WHERE l.survey_id = ? AND l.answered_at IS NULL ORDER BY p.surname, p.name, p.id",
            [survey["id"]],
        )
        for row in list(rows):
            person = people.get_person(db, row["person_id"])
            name = people.short_name(person)
            reason = _refusal(db, person, on)
            token = new_token()
            # A refused child's old link is voided too: the token is replaced, not handed out.
            db["survey_links"].update(row["id"], {"token_hash": token_hash(token)})
            if reason:
                issued.refused.append(Refused(person["id"], name, reason))
            else:
                issued.links.append(Link(person["id"], name, token))
    return issued


def get_survey(db: sqlite_utils.Database, survey_id: int) -> dict:
    row = next(db.query("SELECT * FROM surveys WHERE id = ?", [survey_id]), None)
    if row is None:
        raise LinkNotFound("Анкетирование не найдено.")
    return row


def list_surveys(db: sqlite_utils.Database, org_id: int) -> list[dict]:
    """The organisation's surveys, newest first, with how many links and answers each has."""
    return list(
        db.query(
            "SELECT s.*, (SELECT count(*) FROM survey_links l WHERE l.survey_id = s.id) AS issued, "
            "(SELECT count(*) FROM survey_answers a WHERE a.survey_id = s.id) AS answered "
            "FROM surveys s WHERE s.org_id = ? ORDER BY s.issued_on DESC, s.id DESC",
            [org_id],
        )
    )


def participants(db: sqlite_utils.Database, survey_id: int) -> list[dict]:
    """Who has a link and whether they answered (for the curator; never for a link holder)."""
    return list(
        db.query(
            "SELECT p.id, p.surname, p.name, p.patronymic, p.category, p.position, "
            "l.answered_at FROM survey_links l JOIN people p ON p.id = l.person_id "
            "WHERE l.survey_id = ? ORDER BY p.surname, p.name, p.id",
            [survey_id],
        )
    )


@dataclass(frozen=True)
class Opened:
    """What a link opens: the questionnaire of its survey, and whether it was answered."""

    link_id: int
    survey: dict
    questionnaire: questionnaires.Questionnaire
    items: tuple[questionnaires.Item, ...]
    answered: bool
    org_name: str


def _extra(survey: dict) -> tuple[questionnaires.Item, ...]:
    return tuple(
        questionnaires.Item(
            d["code"], d["text"], d["kind"], options=tuple(d["options"]), required=d["required"]
        )
        for d in json.loads(survey["extra_items"] or "[]")
    )


def open_link(db: sqlite_utils.Database, token: str, today: dt.date) -> Opened:
    """The link's questionnaire; LinkNotFound for a wrong token, LinkExpired after the end date."""
    if not token or len(token) > 100:
        raise LinkNotFound("Ссылка не найдена.")
    row = next(
        db.query(
            "SELECT l.id AS link_id, l.answered_at, s.* FROM survey_links l "
            "JOIN surveys s ON s.id = l.survey_id WHERE l.token_hash = ?",
            [token_hash(token)],
        ),
        None,
    )
    if row is None:
        raise LinkNotFound("Ссылка не найдена.")
    if today > dt.date.fromisoformat(row["closes_on"]):
        raise LinkExpired("Анкетирование завершено.")
    questionnaire = questionnaires.get(row["audience"], row["stage"])
    org = organisations.get_organisation(db, row["org_id"])
    survey = {k: v for k, v in row.items() if k not in ("link_id", "answered_at")}
    return Opened(
        row["link_id"],
        survey,
        questionnaire,
        questionnaires.items_of(questionnaire, _extra(survey)),
        row["answered_at"] is not None,
        org.get("short_name") or org["full_name"],
    )


def throttled(db: sqlite_utils.Database, address: str, now: dt.datetime) -> bool:
    """Whether this address opened too many wrong or expired links in the current window."""
    row = next(db.query("SELECT * FROM survey_throttle WHERE address = ?", [address]), None)
    if row is None:
        return False
    fresh = now - dt.datetime.fromisoformat(row["window_start"]) <= MISS_WINDOW
    return fresh and row["failures"] >= MAX_MISSES


def record_miss(db: sqlite_utils.Database, address: str, now: dt.datetime) -> None:
    """Count a wrong or expired link from this address; old windows are forgotten."""
    stamp = now.isoformat()
    with transaction(db):
        db.execute(
            "DELETE FROM survey_throttle WHERE window_start < ?", [(now - MISS_WINDOW).isoformat()]
        )
        row = next(db.query("SELECT * FROM survey_throttle WHERE address = ?", [address]), None)
        failures = (row["failures"] if row else 0) + 1
        start = row["window_start"] if row else stamp
        db["survey_throttle"].upsert(
            {"address": address, "window_start": start, "failures": failures}, pk="address"
        )
