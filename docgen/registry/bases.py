"""Bases of mentors and mentees, pairs and consents: the rules that tie them together.

A pair or group is formed, and a pairs order registered, only while every participant has a
processing consent in force (for a minor, one signed by the legal representative). A person
whose processing consent is withdrawn is kept out of new documents; registered documents stay
as they are, because their versions are frozen in the archive.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import sqlite_utils

from docgen import dates, ru
from docgen.db import query_in
from docgen.errors import Conflict, FieldErrors, NotFound
from docgen.migrations import m012_people_name_index as m012
from docgen.registry import consents, groups, people

PROCESSING = "processing"
CONSENT_TITLE = "согласие на обработку персональных данных"
PAIRS_ORDER_TITLE = "приказ о закреплении наставнической пары (группы)"
ROLE_TEXT = {"mentor": "наставник", "mentee": "наставляемый"}
_SIGNER_TEXT = {
    "representative": "подписывает законный представитель",
    "both": "подписывают сам обучающийся и законный представитель",
    "self": "подписывает сам человек",
}


def _day(on: dt.date | str | None) -> dt.date:
    return dates.to_date(on) or dt.date.today()


_HEADINGS = {
    "missing": "Нет согласия на обработку персональных данных",
    "withdrawn": "Согласие на обработку персональных данных отозвано",
    "signer": "Согласие на обработку персональных данных подписано не законным представителем",
}


def consent_problem(
    db: sqlite_utils.Database, person: dict, on: dt.date | str, date_name: str = ""
) -> tuple[str, str] | None:
    """(problem, detail) if the person's processing consent is not in force on that date.

    problem is 'missing', 'withdrawn' or 'signer'. A minor's consent counts only if the legal
    representative signed it (alone or with the minor). `date_name` («приказа ») names the date
    in the detail when the only consent was signed after it.
    """
    day = _day(on)
    needed = consents.required_signer(person, day)
    consent = consents.valid_consent(db, person["id"], PROCESSING, day)
    if consent is None:
        withdrawn = _last_withdrawn(db, person["id"], day)
        if withdrawn is not None:
            when = dates.to_date(withdrawn["withdrawn_on"])
            return "withdrawn", f"с {when:%d.%m.%Y}"
        later = _signed_after(db, person["id"], day)
        if later is not None:
            # The usual surprise of a backdated order: the consent exists, but is younger.
            signed = dates.to_date(later["signed_on"])
            return "missing", (
                f"{_SIGNER_TEXT[needed]}; согласие подписано {signed:%d.%m.%Y} — позже даты "
                f"{date_name}{day:%d.%m.%Y}"
            )
        return "missing", _SIGNER_TEXT[needed]
    if needed != "self" and consent["signer"] not in ("representative", "both"):
        return "signer", _SIGNER_TEXT[needed]
    return None


def problem_text(problem: tuple[str, str]) -> str:
    """«нет согласия на обработку персональных данных — подписывает законный представитель»."""
    heading = _HEADINGS[problem[0]]
    return f"{heading[0].lower()}{heading[1:]} — {problem[1]}"


def _signed_after(db: sqlite_utils.Database, person_id: int, day: dt.date) -> dict | None:
    return next(
        db.query(
            "SELECT * FROM consents WHERE person_id = ? AND kind = ? AND status = 'signed' "
            "AND signed_on > ? ORDER BY signed_on, id LIMIT 1",
            [person_id, PROCESSING, day.isoformat()],
        ),
        None,
    )


def _last_withdrawn(db: sqlite_utils.Database, person_id: int, day: dt.date) -> dict | None:
    return next(
        db.query(
            "SELECT * FROM consents WHERE person_id = ? AND kind = ? AND status = 'withdrawn' "
            "AND withdrawn_on <= ? ORDER BY withdrawn_on DESC, id DESC LIMIT 1",
            [person_id, PROCESSING, day.isoformat()],
        ),
        None,
    )


def consent_gaps(
    db: sqlite_utils.Database,
    participants: Iterable[tuple[dict, str]],
    on: dt.date | str,
    date_name: str = "",
) -> dict[str, list[str]]:
    """Problem -> «Иванов И.И. (наставляемый) — подписывает законный представитель» lines."""
    gaps: dict[str, list[str]] = {}
    seen: set[int] = set()
    for person, role in participants:
        if person["id"] in seen:
            continue
        seen.add(person["id"])
        problem = consent_problem(db, person, on, date_name)
        if problem:
            gaps.setdefault(problem[0], []).append(
                f"{people.short_name(person)} ({ROLE_TEXT[role]}) — {problem[1]}"
            )
    return gaps


def gaps_message(gaps: dict[str, list[str]]) -> str:
    """«Нет согласия на обработку персональных данных: Иванов И.И. (наставляемый) — …; …»."""
    return ". ".join(f"{_HEADINGS[key]}: {'; '.join(lines)}" for key, lines in gaps.items())


def _participants(
    db: sqlite_utils.Database, org_id: int | None, mentor_id: Any, mentee_ids: Iterable[Any]
) -> list[tuple[dict, str]]:
    """(person, role) of the future pair's people found in the registry (and the organisation).

    The others are left to the pair's own rules, which name them.
    """
    found = []
    for person_id, role in [(mentor_id, "mentor")] + [(pid, "mentee") for pid in mentee_ids]:
        if not isinstance(person_id, int):
            continue
        try:
            person = people.get_person(db, person_id)
        except NotFound:
            continue
        if org_id is None or person["org_id"] == org_id:
            found.append((person, role))
    return found


def _consent_fields(
    db: sqlite_utils.Database, participants: list[tuple[dict, str]], on: dt.date | str
) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for person, role in participants:
        problem = consent_problem(db, person, on)
        if problem:
            key = "mentor_id" if role == "mentor" else "mentee_ids"
            fields.setdefault(key, []).append(
                f"{people.short_name(person)} ({ROLE_TEXT[role]}): {problem_text(problem)}"
            )
    return fields


def check_pair_consents(
    db: sqlite_utils.Database, mentor_id: int, mentee_ids: Iterable[int], on: dt.date | str
) -> None:
    """FieldErrors naming each participant of a future pair who lacks a consent in force."""
    participants = _participants(db, None, mentor_id, mentee_ids)
    fields = _consent_fields(db, participants, on)
    if fields:
        raise FieldErrors(gaps_message(consent_gaps(db, participants, on)), fields=fields)


def form_pair(
    db: sqlite_utils.Database,
    org_id: int,
    *,
    form_code: str,
    mentor_id: int | None,
    mentee_ids: list[int],
    start_date: dt.date | str,
    end_date: dt.date | str,
    kind_of_mentoring: str | None = None,
    status: str = "active",
    on: dt.date | str | None = None,
    group_id: int | None = None,
) -> int:
    """Form a pair or group from the bases once every participant's consent is in force on `on`.

    `on` is the day the pair is formed (today by default); `group_id` edits that pair instead. Every broken rule is reported at
    once: the registry's own (organisation, categories fitting the form, dates; see
    groups.group_errors) and each participant's missing consent.
    """
    values = {
        "form_code": form_code,
        "mentor_id": mentor_id,
        "mentee_ids": list(mentee_ids),
        "start_date": dates.to_iso(start_date),
        "end_date": dates.to_iso(end_date),
        "kind_of_mentoring": kind_of_mentoring,
        "status": status,
    }
    _, errors = groups.group_errors(db, org_id, values)
    summary = [m for ms in errors.values() for m in ms]
    participants = _participants(db, org_id, mentor_id, mentee_ids)
    for name, messages in _consent_fields(db, participants, _day(on)).items():
        errors.setdefault(name, []).extend(messages)
    gaps = consent_gaps(db, participants, _day(on))
    if gaps:
        summary.append(gaps_message(gaps))
    if errors:
        raise FieldErrors("; ".join(summary), fields=errors)
    if group_id is not None:  # an edit: the same rules, the same row
        groups.update_group(
            db,
            group_id,
            form_code=form_code,
            mentor_id=mentor_id,  # type: ignore[arg-type]
            mentee_ids=mentee_ids,
            start_date=start_date,
            end_date=end_date,
            kind_of_mentoring=kind_of_mentoring,
            status=status,
        )
        return group_id
    return groups.create_group(
        db,
        org_id,
        form_code=form_code,
        mentor_id=mentor_id,  # type: ignore[arg-type]
        mentee_ids=mentee_ids,
        start_date=start_date,
        end_date=end_date,
        kind_of_mentoring=kind_of_mentoring,
        status=status,
    )


def check_pairs_consents(
    db: sqlite_utils.Database,
    org_id: int,
    on: dt.date | str,
    group_ids: Iterable[int] | None = None,
) -> None:
    """Conflict naming every participant of the pairs who lacks a consent in force on `on`.

    The pairs are `group_ids`, or every pair/group of the organisation not yet closed.
    Meant for the pairs order's `before_register`.
    """
    if group_ids is None:
        pairs = groups.list_groups(db, org_id, status="active")
        pairs += groups.list_groups(db, org_id, status="planned")
    else:
        pairs = [groups.get_group(db, gid) for gid in group_ids]
    participants: list[tuple[dict, str]] = []
    for group in pairs:
        participants.append((group["mentor"], "mentor"))
        participants.extend((mentee, "mentee") for mentee in group["mentees"])
    gaps = consent_gaps(db, participants, on, "приказа ")
    if gaps:
        raise Conflict(
            "Приказ нельзя зарегистрировать. " + gaps_message(gaps),
            fields={"consents": [line for lines in gaps.values() for line in lines]},
        )


def usable(
    db: sqlite_utils.Database, person_id: int, on: dt.date | str | None = None
) -> tuple[bool, str]:
    """Whether a person's data may go into a new document on `on`, and if not, why.

    Only a withdrawn processing consent (with no newer one in force) keeps a person out: staff
    named in orders need no separate consent, and registered documents are never re-rendered.
    """
    day = _day(on)
    person = people.get_person(db, person_id)
    if consents.valid_consent(db, person_id, PROCESSING, day) is not None:
        return True, ""
    withdrawn = _last_withdrawn(db, person_id, day)
    if withdrawn is None:
        return True, ""
    when = dates.to_date(withdrawn["withdrawn_on"])
    verb = "отозвала" if person.get("gender") == "f" else "отозвал"
    return False, (
        f"{people.short_name(person)} {verb} согласие на обработку персональных данных "
        f"{when:%d.%m.%Y}: эти данные нельзя использовать в новых документах"
    )


def withdrawn_among(
    db: sqlite_utils.Database, person_ids: list[int], on: dt.date | str | None = None
) -> set[int]:
    """Those of the people whose processing consent was withdrawn by `on`: the only ones
    `usable` can refuse (bulk jobs ask it once instead of `usable` per person)."""
    rows = query_in(
        db,
        "SELECT DISTINCT person_id FROM consents WHERE person_id IN ({ids}) "
        "AND kind = ? AND status = 'withdrawn' AND withdrawn_on <= ?",
        person_ids,
        [PROCESSING, _day(on).isoformat()],
    )
    return {row["person_id"] for row in rows}


def _name_key(record: Mapping[str, Any]) -> tuple[str, str, str]:
    return tuple(people.name_key(record.get(k)) for k in ("surname", "name", "patronymic"))


_SURNAME_KEY = m012.surname_key()


def namesakes(
    db: sqlite_utils.Database, org_ids: Iterable[int]
) -> Callable[[Mapping[str, Any]], list[dict]]:
    """A lookup of the registry people of the organisations who are a person typed inline.

    The same surname, name and patronymic (case- and ё-insensitive, spaces collapsed); when
    both sides give a birth date, it must be the same too (otherwise they are namesakes). Each
    look-up is one query by the folded surname (idx_people_org_surname, m012), in id order:
    only the namesakes are read, however many people the school has.
    """
    ids = sorted(set(org_ids))
    marks = ", ".join("?" for _ in ids)
    # The index narrows by the surname as SQL can fold it; the registry's own folding, a
    # function on the connection, decides (SQLite's lower() folds only ASCII). Registered once
    # per connection: creating a function expires every statement SQLite has prepared on it,
    # so each later query of the request was compiled anew.
    db.register_function(people.name_key, deterministic=True, name="docgen_name_key")

    def find(block: Mapping[str, Any]) -> list[dict]:
        key = _name_key(block)
        if not key[0] or not key[1] or not ids:
            return []
        where = f"org_id IN ({marks}) AND {_SURNAME_KEY} IN (?, ?)"
        params: list[Any] = [*ids, key[0][: m012.PREFIX], m012.RISKY]
        birth = dates.to_iso(block.get("birth_date"))
        if birth:  # a person without a birth date may still be them
            where += " AND ifnull(birth_date, '') IN ('', ?)"
            params.append(birth)
        where += (
            " AND docgen_name_key(surname) = ? AND docgen_name_key(name) = ?"
            " AND docgen_name_key(patronymic) = ?"
        )
        return list(db.query(f"SELECT * FROM people WHERE {where} ORDER BY id", [*params, *key]))

    return find


def usable_inline(
    db: sqlite_utils.Database,
    find: Callable[[Mapping[str, Any]], list[dict]],
    block: Mapping[str, Any],
    on: dt.date | str | None = None,
) -> tuple[bool, str]:
    """`usable` for a person typed inline (`find` from `namesakes`): refused when they are a
    registry person whose processing consent is withdrawn — typing the name must not get
    round the rule."""
    for person in find(block):
        ok, reason = usable(db, person["id"], on)
        if not ok:
            return False, reason
    return True, ""


def consent_state(
    db: sqlite_utils.Database, person_id: int, on: dt.date | str | None = None
) -> str:
    """'signed', 'withdrawn', 'requested' or 'none' for the processing consent on `on`."""
    day = _day(on)
    if consents.valid_consent(db, person_id, PROCESSING, day) is not None:
        return "signed"
    if _last_withdrawn(db, person_id, day) is not None:
        return "withdrawn"
    requested = db.execute(
        "SELECT 1 FROM consents WHERE person_id = ? AND kind = ? AND status = 'requested'",
        [person_id, PROCESSING],
    ).fetchone()
    return "requested" if requested else "none"


def missing_documents(
    db: sqlite_utils.Database, person_id: int, on: dt.date | str | None = None
) -> list[dict[str, Any]]:
    """Documents the person still lacks as a participant: [{code, title, detail}].

    A participant (in a base or an open pair) needs a processing consent in force (for a
    minor, the legal representative's); each open pair of theirs needs the order that fixed it.
    """
    day = _day(on)
    person = people.get_person(db, person_id)
    open_groups = [
        groups.get_group(db, row["id"])
        for row in db.query(
            "SELECT DISTINCT g.id FROM mentoring_groups g "
            "LEFT JOIN group_mentees m ON m.group_id = g.id "
            "WHERE g.status != 'closed' AND (g.mentor_id = ? OR m.person_id = ?) ORDER BY g.id",
            [person_id, person_id],
        )
    ]
    participant = bool(person["is_mentor"] or person["is_mentee"] or open_groups)
    missing: list[dict[str, Any]] = []
    if participant:
        problem = consent_problem(db, person, day)
        if problem:
            missing.append(
                {
                    "code": "consent-processing",
                    "title": CONSENT_TITLE,
                    "detail": problem_text(problem),
                }
            )
    for group in open_groups:
        if group["order_document_id"] is None or not _registered(db, group["order_document_id"]):
            partners = [group["mentor"], *group["mentees"]]
            names = ", ".join(
                ru.short_name(p["surname"], p["name"], p["patronymic"] or None, "ins", p["gender"])
                for p in partners
                if p["id"] != person_id
            )
            missing.append(
                {
                    "code": "pairs-order",
                    "title": PAIRS_ORDER_TITLE,
                    "detail": f"пара (группа) с {names} с "
                    f"{dt.date.fromisoformat(group['start_date']):%d.%m.%Y} не закреплена "
                    "зарегистрированным приказом",
                }
            )
    return missing


def _registered(db: sqlite_utils.Database, document_id: int) -> bool:
    row = db.execute("SELECT status FROM documents WHERE id = ?", [document_id]).fetchone()
    return bool(row) and row[0] == "registered"
