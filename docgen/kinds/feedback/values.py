"""Values of the mentor's report (the programme from the archive or the form, the plan marked,
the share done) and of the printable questionnaires (the online survey's own items)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from docgen import dates, ru
from docgen.errors import DocgenError, FieldErrors
from docgen.registry import groups, people
from docgen.rendering import context as ctx
from docgen.surveys import questionnaires
from docgen.surveys.questionnaires import AUDIENCES, SCALE, STAGES

BLANK_DATE = "«___» ____________ 20___ г."


def _error(name: str, message: str) -> FieldErrors:
    return FieldErrors(message, fields={name: [message]})


def share_text(done: int, planned: int) -> str:
    """«75 %», «83,3 %»: done ÷ planned × 100, rounded to 0.1 (DOMAIN.md §2.9)."""
    value = round(done * 100 / planned, 1) if planned else 0.0
    number = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{number}\u00a0%"


# ---------------------------------------------------------------- mentor's report


def _archived_programme(sources: Any, programme_id: int) -> dict[str, Any]:
    """A personalised programme from the organisation's archive: its latest input, and the
    pair it names from the registry."""
    db = getattr(sources, "db", None)
    if db is None:
        raise _error("programme_id", "Архив недоступен: опишите программу в форме.")
    row = next(
        db.query(
            "SELECT d.id, d.org_id, d.status, (SELECT v.input_json FROM versions v "
            "WHERE v.document_id = d.id ORDER BY v.n DESC LIMIT 1) AS input_json "
            "FROM documents d WHERE d.id = ? AND d.kind = 'personal-programme'",
            [programme_id],
        ),
        None,
    )
    if row is None or (sources.org_id is not None and row["org_id"] != sources.org_id):
        raise _error("programme_id", "Персонализированная программа не найдена в архиве.")
    if row["status"] == "cancelled":
        raise _error("programme_id", "Персонализированная программа отменена.")
    given = json.loads(row["input_json"] or "{}")

    def who(block: Any) -> ctx.Person | None:
        if not isinstance(block, Mapping):
            return None
        record = block.get("person", block)
        return ctx.person(record, lambda pid: people.get_person(db, pid))

    mentor, mentee = who(given.get("mentor")), who(given.get("mentee"))
    start, end = dates.to_date(given.get("start")), dates.to_date(given.get("end"))
    if given.get("group_id") is not None:
        try:
            group = groups.get_group(db, given["group_id"])
        except DocgenError as err:
            raise _error("programme_id", "Пара программы не найдена в реестре.") from err
        mentor = ctx.person(group["mentor"])
        wanted = mentee.id if mentee is not None else None
        records = group["mentees"]
        record = next((m for m in records if m["id"] == wanted), records[0] if records else None)
        mentee = ctx.person(record) if record else mentee
        start, end = dates.to_date(group["start_date"]), dates.to_date(group["end_date"])
    if mentor is None or mentee is None or start is None or end is None:
        raise _error("programme_id", "В программе не указаны наставник, наставляемый или сроки.")
    approved = given.get("approved_by") or {}
    return {
        "mentor": mentor,
        "mentee": mentee,
        "curator": who(given.get("curator")),
        "start": start,
        "end": end,
        "approved_by": (
            {"date": dates.to_date(approved["date"]), "number": approved["number"]}
            if approved.get("date") and approved.get("number")
            else None
        ),
        "plan": [
            {"activity": p.get("activity") or "", "deadline": p.get("deadline") or ""}
            for p in given.get("plan") or []
        ],
    }


def report_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    """The programme, each planned activity with its mark, and the share of activities done."""
    if values.get("programme_id") is not None:
        programme = _archived_programme(sources, values["programme_id"])
    else:
        programme = dict(values["programme"])
    plan = programme["plan"]
    if not plan:
        raise _error("programme_id", "В программе нет плана мероприятий.")
    marks = {m["n"]: m for m in values["marks"]}
    wrong = sorted(n for n in marks if n > len(plan))
    if wrong:
        raise _error("marks", f"В плане {len(plan)} мероприятий, нет мероприятия № {wrong[0]}.")
    missing = [n for n in range(1, len(plan) + 1) if n not in marks]
    if missing:
        raise _error(
            "marks", "Отметьте выполнение мероприятий № " + ", ".join(map(str, missing)) + "."
        )
    rows = [
        {
            "n": n,
            "activity": item["activity"],
            "deadline": item["deadline"],
            "done": marks[n]["done"],
            "done_text": "выполнено" if marks[n]["done"] else "не выполнено",
            "comment": marks[n]["comment"],
        }
        for n, item in enumerate(plan, start=1)
    ]
    done = sum(row["done"] for row in rows)
    planned = len(rows)
    planned_word = (
        "запланированного" if planned % 10 == 1 and planned % 100 != 11 else ("запланированных")
    )
    return {
        "mentor": programme["mentor"],
        "mentee": programme["mentee"],
        "curator": programme.get("curator"),
        "start": programme["start"],
        "end": programme["end"],
        "approved_by": programme.get("approved_by"),
        "rows": rows,
        "done_count": done,
        "planned_count": planned,
        "share": share_text(done, planned),
        "share_sentence": f"Выполнено {ru.plural(done, 'мероприятие')} из {planned} {planned_word}",
        "sign_date_text": ru.date_short(values["date"]) if values.get("date") else BLANK_DATE,
    }


REPORT_PROVIDES = frozenset(
    {
        "mentor",
        "mentee",
        "curator",
        "start",
        "end",
        "approved_by",
        "rows",
        "done_count",
        "planned_count",
        "share",
        "share_sentence",
        "sign_date_text",
    }
)


# ---------------------------------------------------------------- questionnaires


def _code(names: Mapping[str, str], title: str) -> str:
    return next(code for code, name in names.items() if name == title)


def questionnaire_of(values: Mapping[str, Any]) -> tuple[Any, tuple[Any, ...]]:
    """The online survey's questionnaire for the audience and stage, and its items in order."""
    questionnaire = questionnaires.get(
        _code(AUDIENCES, values["audience"]), _code(STAGES, values["stage"])
    )
    extra = questionnaires.extra_items(values.get("extra_items") or [])
    return questionnaire, questionnaires.items_of(questionnaire, extra)


def questionnaire_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    questionnaire, items = questionnaire_of(values)
    low, high = SCALE
    return {
        "heading": questionnaire.title,
        "scale": "\u2003".join(str(n) for n in range(low, high + 1)),
        "questions": [
            {
                "n": n,
                "text": item.text,
                "kind": item.kind,
                "options": "\u2003".join(f"\u25a1\u00a0{option}" for option in item.options),
            }
            for n, item in enumerate(items, start=1)
        ],
    }


QUESTIONNAIRE_PROVIDES = frozenset({"heading", "scale", "questions"})
