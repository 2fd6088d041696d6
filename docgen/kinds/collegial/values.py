"""Computed values of the protocol and of the Положение о Совете наставников.

A protocol's date and number are its registration's (the journal of protocols); before that,
the meeting date typed in the form, else blanks. Names after «СЛУШАЛИ:» stand in the accusative,
after «ВЫСТУПИЛИ:» in the nominative (DOMAIN.md §4.1).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from docgen import dates, ru
from docgen.errors import Conflict, FieldErrors
from docgen.kinds import model_texts
from docgen.kinds.programmes import values as programme_values
from docgen.registry import organisations
from docgen.rendering import context as ctx

PROTOCOL_PROVIDES = frozenset(
    {"meeting", "protocol_date", "place_text", "present_text", "items", "who"}
)
COUNCIL_PROVIDES = frozenset({"approval", "reviewed_protocol", "kind_word", "heading", "text"})


def _who(person: ctx.Person, case: str = "nom") -> str:
    """«Чернову Н.В., заместителя директора …» — the name, then the position, in one case."""
    name = person.short(case)
    return f"{name}, {person.pos(case)}" if person.position else name


def _speech(person: ctx.Person, text: str) -> str:
    """«Петрова Е.С., учитель математики, — предложила …» (the apposition closed by a comma)."""
    who = _who(person)
    text = text.strip().rstrip(".")
    if not text:
        return who + "."
    return f"{who}{',' if person.position else ''} — {text}."


def _votes(item: Mapping[str, Any]) -> dict[str, Any] | None:
    given = [item.get(k) for k in ("votes_for", "votes_against", "votes_abstained")]
    if any(v is None for v in given):
        return None
    yes, no, abstained = given
    if yes > no + abstained and not no and not abstained:
        outcome = "Решение принято единогласно."
    elif yes > no + abstained:
        outcome = "Решение принято большинством голосов."
    else:
        outcome = "Решение не принято."
    return {
        "line": f"Голосовали: «за» — {yes}, «против» — {no}, «воздержались» — {abstained}.",
        "outcome": outcome,
    }


def _item(number: int, item: Mapping[str, Any]) -> dict[str, Any]:
    speaker, report = item.get("speaker"), (item.get("report") or "").strip()
    heard = ""
    if speaker is not None:
        heard = _who(speaker, "acc")
        if report[:1].islower():
            heard, report = f"{heard}, — {report.rstrip('.')}.", ""
        else:
            heard += "."
    decisions = [d.strip().rstrip(".;") for d in item["decisions"] if d.strip()]
    return {
        "number": number,
        "question": item["question"].rstrip("."),
        "heard": heard,
        "report": report,
        "speeches": [_speech(s["person"], s.get("text") or "") for s in item.get("speeches") or []],
        "decisions": [
            f"{index}. {programme_values._capitalise(text)}."
            if len(decisions) > 1
            else f"{programme_values._capitalise(text)}."
            for index, text in enumerate(decisions, start=1)
        ],
        "votes": _votes(item),
    }


def protocol_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    doc, meeting_day = values["doc"], values.get("date")
    if doc.registered:
        date_text = doc.date_text
    else:
        date_text = ru.date_short(meeting_day) if meeting_day else ctx.DRAFT_DATE
    listed = values.get("present_list") or []
    count = values.get("present") if values.get("present") is not None else len(listed)
    total = values.get("members_total")
    present = f"{count} чел." + (f" (из {total})" if total else "")
    return {
        "meeting": "заседания " + ru.inflect(values["body"], "gen", kind="org"),
        "protocol_date": date_text,
        "place_text": values.get("place") or values["org"].locality,
        "present_text": present,
        "who": {
            "chairman": _who(values["chairman"]),
            "secretary": _who(values["secretary"]),
            "present": [_who(p) for p in listed],
            "invited": [_who(p) for p in values.get("invited") or []],
        },
        "items": [_item(n, item) for n, item in enumerate(values["agenda"], start=1)],
    }


def protocol_before_register(
    db: Any, document: Mapping[str, Any], given: Mapping[str, Any], on: dt.date
) -> None:
    """A protocol is registered on the day of its meeting: that date is the one cited later."""
    day = (given or {}).get("date")
    if not day:
        return
    try:
        meeting = dates.to_date(day)
    except (TypeError, ValueError):
        return
    if meeting != on:
        message = (
            f"Протокол регистрируется датой заседания ({ru.date_short(meeting)}): "
            "укажите её как дату регистрации или исправьте дату заседания."
        )
        raise Conflict(message, fields={"date": [message]})


# ---------------------------------------------------------------- council regulation


def _check_level(level: str, sources: Any) -> None:
    """A school's council is a school's act; the district's council is the department's."""
    if getattr(sources, "db", None) is None or sources.org_id is None:
        return
    kind = organisations.get_organisation(sources.db, sources.org_id).get("kind")
    wanted = "department" if level == "муниципальный" else "school"
    if kind != wanted:
        message = (
            "Положение о муниципальном Совете педагогов-наставников утверждает орган управления "
            "образованием."
            if level == "муниципальный"
            else "Положение о Совете наставников школы утверждает образовательная организация; "
            "органу управления образованием — уровень «муниципальный»."
        )
        raise FieldErrors(message, fields={"level": [message]})


def council_regulation_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    level, org = values["level"], values["org"]
    _check_level(level, sources)
    municipal = level == "муниципальный"
    model = model_texts.load(
        "council-regulation-municipal" if municipal else "council-regulation-school"
    )
    council = values.get("council_name") or model["council"]
    area = values.get("area") or ""
    area_gen = ru.inflect(area, "gen", kind="org") if area else ""
    fill = {
        "council_gen": ru.inflect(council, "gen", kind="org"),
        "meetings": values.get("meetings") or model["meetings"],
        "area_gen": area_gen,
    }
    sections = programme_values.merge_sections(
        model["sections"], values.get("sections") or [], bool(values.get("sections_full"))
    )
    if municipal:
        heading = f"о муниципальном {ru.inflect(council, 'pre', kind='org')} {area_gen}"
    else:
        heading = f"о {ru.inflect(council, 'pre', kind='org')} {org.name_gen}"
    return {
        "approval": programme_values.approval(values),
        "reviewed_protocol": programme_values._protocol(values.get("reviewed")),
        "kind_word": model["kind_word"],
        "heading": heading,
        "text": programme_values.number_clauses(sections, org, fill),
    }
