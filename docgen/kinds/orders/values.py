"""Values the order templates compute: pairs from the registry or the input, acts, annex lists.

Kinds whose participants sign the order (mentors, council members, awarded people) extend
`acquaint_all`, so the familiarisation item and sheet name exactly the people of the order.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from docgen.errors import Conflict, FieldErrors
from docgen.kinds.acts import Act
from docgen.registry import bases
from docgen.registry import groups as registry_groups
from docgen.registry import people as registry_people
from docgen.rendering import context as ctx
from docgen.ru import agree, date_short

NO_PAIRS = "Нет наставнических пар: укажите их в форме или закрепите в реестре организации."


# A student's «position» as registries hold it: «8 «А» класс», «11А класс».
_CLASS = re.compile(r"^(\d{1,2})\s*«?([А-ЯЁа-яё]?)»?\s*класс$")


def as_participant(person: ctx.Person) -> ctx.Person:
    """A student named by class becomes «обучающийся 8 «А» класса», which declines in the text."""
    found = _CLASS.match(person.position.strip())
    if not found:
        return person
    grade, letter = found.groups()
    label = f"{grade} «{letter.upper()}» класса" if letter else f"{grade} класса"
    word = agree(person.gender, "обучающийся", "обучающаяся")
    return dataclasses.replace(person, position=f"{word} {label}")


def _row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        **row,
        "mentor": as_participant(row["mentor"]),
        "mentees": [as_participant(m) for m in row["mentees"]],
    }


def _registry_groups(db: Any, org_id: int, on: dt.date | None) -> list[dict[str, Any]]:
    """Planned and active pairs/groups of the organisation not over by `on`, in start order."""
    groups = [
        group
        for status in ("active", "planned")
        for group in registry_groups.list_groups(db, org_id, status=status)
        if on is None or group["end_date"] >= on.isoformat()
    ]
    return sorted(groups, key=lambda group: (group["start_date"], group["id"]))


def _registry_pairs(sources: Any) -> list[dict[str, Any]]:
    """Planned and active pairs/groups of the organisation not yet over, as template rows.

    Not `list_groups(on=…)`: an order usually fixes pairs that start after its own date.
    """
    if sources.db is None or sources.org_id is None:
        return []
    groups = _registry_groups(sources.db, sources.org_id, sources.on)
    rows = []
    for group in groups:
        form = group["form"]["title"]
        if group.get("kind_of_mentoring"):
            form += f" ({group['kind_of_mentoring']})"
        rows.append(
            {
                "mentor": ctx.person(group["mentor"]),
                "mentees": [ctx.person(m) for m in group["mentees"]],
                "form": form,
                "start": dt.date.fromisoformat(group["start_date"]),
                "end": dt.date.fromisoformat(group["end_date"]),
            }
        )
    return rows


def pairs_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    """The pairs table (input first, else the registry), the period and who signs the sheet."""
    rows = [_row(row) for row in list(values.get("pairs") or []) or _registry_pairs(sources)]
    if not rows:
        raise FieldErrors(NO_PAIRS, fields={"pairs": [NO_PAIRS]})
    mentors = [row["mentor"] for row in rows]
    start = min(row["start"] for row in rows)
    return {
        "pair_rows": rows,
        "agreements_deadline": _agreements_deadline(values, start),
        "period_start": start,
        "period_end": max(row["end"] for row in rows),
        "acquaint_all": ctx.unique_people(
            mentors + [as_participant(p) for p in values.get("acquaint_all") or []]
        ),
    }


_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")


def _agreements_deadline(values: Mapping[str, Any], start: dt.date) -> str:
    """When the ст. 351.8 agreements are due: before mentoring and its payment start.

    Unset, it is «до» the first pair's start; a typed date later than that start is refused.
    """
    typed = (values.get("agreements_deadline") or "").strip()
    if not typed:
        return f"до {date_short(start)}"
    for day, month, year in _DATE.findall(typed):
        try:
            due = dt.date(int(year), int(month), int(day))
        except ValueError:
            continue
        if due > start:
            message = (
                f"Срок заключения дополнительных соглашений ({date_short(due)}) позже начала "
                f"наставничества и выплаты ({date_short(start)}): соглашение по статье 351.8 "
                "ТК РФ заключается до начала наставнической работы."
            )
            raise FieldErrors(message, fields={"agreements_deadline": [message]})
    return typed


PAIRS_PROVIDES = frozenset({"pair_rows", "period_start", "period_end", "acquaint_all"})


def cited(acts: Iterable[Mapping[str, Any]]) -> list[Act]:
    """Acts typed in a form, as citable `Act`s (`a.cite('ins')`)."""
    return [
        Act(
            code="",
            kind=a["kind"],
            issuer=a["issuer"],
            date=date_short(a["date"]),
            number=a["number"],
            title=a["title"],
        )
        for a in acts
    ]


def implementation_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    return {"local_acts": cited(values.get("regional_acts") or [])}


IMPLEMENTATION_PROVIDES = frozenset({"local_acts"})


def municipal_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    """Regional acts before municipal ones; the approved documents in the order of their annexes."""
    approved = [{"number": a["number"], "title": a["title"]} for a in values["other_annexes"]]
    approved.append({"number": values["roadmap_number"], "title": values["roadmap_title"]})
    approved.sort(key=lambda a: a["number"])
    acts = cited(values.get("regional_acts") or []) + cited(values.get("municipal_acts") or [])
    return {"basis_acts": acts, "approved": approved}


MUNICIPAL_PROVIDES = frozenset({"basis_acts", "approved"})


def council_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    """Members by role: chair, deputy, secretary, then the members, as the order lists them."""
    order = {"председатель": 0, "заместитель председателя": 1, "секретарь": 2, "член": 3}
    members = sorted(values["members"], key=lambda m: order[m["role"]])
    by_role = {role: [m["person"] for m in members if m["role"] == role] for role in order}
    return {
        "chair": by_role["председатель"][0],
        "deputy": (by_role["заместитель председателя"] or [None])[0],
        "secretary": by_role["секретарь"][0],
        "plain_members": by_role["член"],
        "acquaint_all": ctx.unique_people(
            [m["person"] for m in members] + list(values.get("acquaint_all") or [])
        ),
    }


COUNCIL_PROVIDES = frozenset({"chair", "deputy", "secretary", "plain_members", "acquaint_all"})


def award_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    awards = values["awards"]
    premiums = sum(1 for a in awards if a["award"] == "премия")
    return {
        "has_premium": premiums > 0,
        "premiums": premiums,
        "acquaint_all": ctx.unique_people(
            [a["person"] for a in awards] + list(values.get("acquaint_all") or [])
        ),
    }


AWARD_PROVIDES = frozenset({"has_premium", "premiums", "acquaint_all"})


def pairs_before_register(
    db: Any, document: Mapping[str, Any], given: Mapping[str, Any], on: dt.date
) -> None:
    """A pairs order is registered only when every participant's consent is in force on `on`.

    `given` is the document's input. Pairs typed in the form are checked by their registry
    people (people typed without a registry id have no consent record to check); without typed
    pairs the order lists the registry's pairs, and those are checked.
    """
    pairs = (given or {}).get("pairs") or []
    if not pairs:
        bases.check_pairs_consents(db, document["org_id"], on)
        return
    participants = []
    for pair in pairs:
        people = [(pair.get("mentor") or {}, "mentor")]
        people += [(mentee, "mentee") for mentee in pair.get("mentees") or []]
        participants += [
            (registry_people.get_person(db, person["id"]), role)
            for person, role in people
            if isinstance(person, Mapping) and isinstance(person.get("id"), int)
        ]
    gaps = bases.consent_gaps(db, participants, on)
    if gaps:
        raise Conflict(
            "Приказ нельзя зарегистрировать. " + bases.gaps_message(gaps),
            fields={"consents": [line for lines in gaps.values() for line in lines]},
        )


def pairs_on_register(
    db: Any, document: Mapping[str, Any], given: Mapping[str, Any], on: dt.date
) -> None:
    """The registry's pairs an order fixed remember it (the bases' «реквизиты приказа»).

    Runs inside the registration transaction; pairs typed in the form are not registry pairs.
    """
    if (given or {}).get("pairs"):
        return
    for group in _registry_groups(db, document["org_id"], on):
        registry_groups.set_group_order(db, group["id"], document["id"])
