"""Values of the ст. 351.8 documents: the pairs mentored (registry or input), the term, the
parties' wording, the payment; and the bulk action (an agreement for every employee mentor)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import sqlite_utils

from docgen import dates, ru
from docgen.errors import DocgenError, FieldErrors
from docgen.kinds.labour.schema import signing_errors
from docgen.registry import groups as registry_groups
from docgen.rendering import context as ctx

BLANK_DATE = "«___» ____________ 20___ г."
# Registry categories of the organisation's own staff: only they mentor «в сфере труда».
EMPLOYEES = ("педагог", "работник")


def _error(name: str, message: str) -> FieldErrors:
    return FieldErrors(message, fields={name: [message]})


def _registry_pairs(values: Mapping[str, Any], sources: Any) -> list[dict[str, Any]]:
    if getattr(sources, "db", None) is None:
        if values.get("mentees") and values.get("start") and values.get("end"):
            return []
        raise _error(
            "groups", "Реестр недоступен: укажите наставляемых и сроки наставничества в форме."
        )
    employee = values["employee"]
    pairs = []
    for group_id in values["groups"]:
        try:
            group = registry_groups.get_group(sources.db, group_id)
        except DocgenError as err:
            raise _error("groups", f"Наставническая пара {group_id} не найдена в реестре.") from err
        if sources.org_id is not None and group["org_id"] != sources.org_id:
            raise _error("groups", f"Наставническая пара {group_id} — другой организации.")
        if employee.id is not None and group["mentor_id"] != employee.id:
            raise _error(
                "groups", f"{employee.short()} не наставник пары (группы) {group_id} в реестре."
            )
        form = group["form"]["title"]
        pairs.append(
            {
                "mentees": [ctx.person(m) for m in group["mentees"]],
                "form": form,
                "kind_of_mentoring": group.get("kind_of_mentoring") or "",
                "start": dates.to_date(group["start_date"]),
                "end": dates.to_date(group["end_date"]),
            }
        )
    return pairs


def _named(people: list[ctx.Person], case: str) -> str:
    """«Ивановой Анны Андреевны, учителя информатики, и Данилова Артёма Игоревича, …,»."""
    parts = [p.full(case) + (f", {p.pos(case)}" if p.position else "") for p in people]
    # The last apposition is closed by a comma: the sentence goes on after the names.
    close = "," if people and people[-1].position else ""
    if len(parts) < 2:
        return "".join(parts) + close
    tail = ", и " if people[-2].position else " и "
    return ", ".join(parts[:-1]) + tail + parts[-1] + close


def mentoring_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    """The mentees, form and term (registry pairs, else the input), the signing date as text."""
    pairs = _registry_pairs(values, sources) if values.get("groups") else []
    if not pairs:
        pairs = [
            {
                "mentees": list(values["mentees"]),
                "form": values.get("form") or "",
                "kind_of_mentoring": "",
                "start": values["start"],
                "end": values["end"],
            }
        ]
    start = values.get("start") or min(p["start"] for p in pairs)
    end = values.get("end") or max(p["end"] for p in pairs)
    errors = signing_errors(values.get("date"), start)
    if errors:
        raise FieldErrors(errors["date"][0], fields=errors)
    mentees = ctx.unique_people(m for p in pairs for m in p["mentees"])
    forms = list(dict.fromkeys(values.get("form") or p["form"] for p in pairs if p["form"]))
    org, head = values["org"], values["signer"].person
    head_position = org.head_position or "Директор"
    if org.head_acting:
        head_dat = "Исполняющему обязанности " + ru.inflect(
            head_position.lower(), "gen", kind="position"
        )
        head_gen = "исполняющего обязанности " + ru.inflect(
            head_position.lower(), "gen", kind="position"
        )
    else:
        head_dat = ru.inflect(head_position, "dat", kind="position")
        head_gen = ru.inflect(head_position.lower(), "gen", kind="position")
    return {
        "mentees_all": mentees,
        "mentees_gen": _named(mentees, "gen"),
        "mentees_count": len(mentees),
        "forms_text": ", ".join(f"«{f}»" for f in forms),
        "term_start": start,
        "term_end": end,
        "sign_date_text": ru.date_short(values["date"]) if values.get("date") else BLANK_DATE,
        "addressee": f"{head_dat} {org.name_gen}",
        "addressee_name": head.short("dat"),
        "employer_rep": f"{head_gen} {head.full('gen')}, "
        + head.agree("действующего", "действующей")
        + " на основании устава",
    }


MENTORING_PROVIDES = frozenset(
    {
        "mentees_all",
        "mentees_gen",
        "mentees_count",
        "forms_text",
        "term_start",
        "term_end",
        "sign_date_text",
        "addressee",
        "addressee_name",
        "employer_rep",
    }
)


def agreement_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    """As for the consent, and the payment clause: the amount, the order that sets it, or both."""
    result = mentoring_extras(values, sources)
    amount, order = values.get("pay_amount"), values.get("pay_order")
    kinds = [k for k in [values.get("kind_of_mentoring")] if k]
    if amount is not None:
        pay = f"в размере {ru.money_words(amount)}"
        if order:
            pay += f" в соответствии с приказом {values['org'].name_gen} " + _act(order)
    elif order:
        pay = f"в размере и порядке, установленных приказом {values['org'].name_gen} " + _act(order)
    else:
        pay = "в размере ______________ рублей"
    notice = values.get("notice_days") or 3
    gender = {"УТВЕРЖДЕНО": "именуемое", "УТВЕРЖДЕНА": "именуемая", "УТВЕРЖДЕНЫ": "именуемые"}
    return result | {
        "org_named": gender.get(ru.grif_word(values["org"].full_name), "именуемый"),
        "pay_text": pay,
        "pay_monthly": values.get("pay_period") == "ежемесячно",
        "kinds_text": ", ".join(kinds),
        "notice_text": f"{notice} ({ru.number_words(notice, 'm')}) "
        + ru.plural(notice, "рабочий день").split(" ", 1)[1],
        "number_text": values.get("number") or "____",
        "contract_text": _act(values["contract"])
        if values.get("contract")
        else "от «___» ____________ 20___ г. № ______",
    }


def _act(act: Mapping[str, Any]) -> str:
    return f"от {ru.date_short(act['date'])} № {act['number']}"


AGREEMENT_PROVIDES = MENTORING_PROVIDES | {
    "org_named",
    "pay_text",
    "pay_monthly",
    "kinds_text",
    "notice_text",
    "number_text",
    "contract_text",
}


# ---------------------------------------------------------------- bulk


ORDER_SQL = (
    "SELECT d.id, d.status, d.number, d.reg_date, (SELECT v.input_json FROM versions v "
    "WHERE v.document_id = d.id ORDER BY v.n DESC LIMIT 1) AS input_json FROM documents d"
)


def _order(db: sqlite_utils.Database, org_id: int, order_id: int) -> dict[str, Any]:
    row = next(
        db.query(
            ORDER_SQL + " WHERE d.id = ? AND d.org_id = ? AND d.kind = 'pairs-order' "
            "AND d.status != 'cancelled'",
            [order_id, org_id],
        ),
        None,
    )
    if row is None:
        raise _error("order_id", "Приказ о закреплении наставнических пар не найден.")
    return row


def _pay_from(order: Mapping[str, Any] | None) -> dict[str, Any]:
    """The payment an order sets: its amount, and the order itself once it is registered."""
    if order is None:
        return {}
    given = json.loads(order["input_json"] or "{}")
    pay: dict[str, Any] = {}
    if given.get("pay_amount") not in (None, ""):
        pay["pay_amount"] = str(given["pay_amount"])
    if order["status"] == "registered" and order["number"] and order["reg_date"]:
        if pay:  # the order sets the payment only when it names an amount
            pay["pay_order"] = {"date": order["reg_date"], "number": order["number"]}
    return pay


def _order_row(db: sqlite_utils.Database, order_id: int) -> dict[str, Any] | None:
    return next(db.query(ORDER_SQL + " WHERE d.id = ?", [order_id]), None)


def _mentors(
    db: sqlite_utils.Database, org_id: int, on: dt.date, order_id: Any
) -> list[tuple[int, list[dict], dict[str, Any]]]:
    """(mentor id, their pairs, the payment) for every employee mentor: of the pairs that the
    pairs order `order_id` fixed, or of every planned and active pair not over by `on`."""
    order = _order(db, org_id, _int(order_id)) if order_id else None
    groups = [
        g
        for status in ("active", "planned")
        for g in registry_groups.list_groups(db, org_id, status=status)
        if g["end_date"] >= on.isoformat()
        and (order is None or g.get("order_document_id") == order["id"])
    ]
    by_mentor: dict[int, list[dict]] = {}
    for group in sorted(groups, key=lambda g: (g["start_date"], g["id"])):
        if group["mentor"]["category"] in EMPLOYEES:
            by_mentor.setdefault(group["mentor_id"], []).append(group)
    result = []
    for mentor_id, mentored in by_mentor.items():
        orders = {g.get("order_document_id") for g in mentored} - {None}
        # The pairs' own order sets the payment when all of a mentor's pairs share one.
        source = order or (_order_row(db, orders.pop()) if len(orders) == 1 else None)
        result.append((mentor_id, mentored, _pay_from(source)))
    return result


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise _error("order_id", "Выберите приказ о закреплении наставнических пар.") from None


def agreement_items(
    db: sqlite_utils.Database, org_id: int, on: dt.date, common: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """A supplementary agreement for every employee mentor (see `_mentors`), with the payment
    the pairs order sets."""
    common = dict(common)
    order_id = common.pop("order_id", None)
    return [
        {**common, "employee": {"id": mentor_id}, "groups": [g["id"] for g in mentored]} | pay
        for mentor_id, mentored, pay in _mentors(db, org_id, on, order_id)
    ]


def consent_items(
    db: sqlite_utils.Database, org_id: int, on: dt.date, common: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """A written consent to mentor for every employee mentor (see `_mentors`)."""
    common = dict(common)
    order_id = common.pop("order_id", None)
    return [
        {**common, "employee": {"id": mentor_id}, "groups": [g["id"] for g in mentored]}
        for mentor_id, mentored, _ in _mentors(db, org_id, on, order_id)
    ]


def agreement_common(choices: Mapping[str, Any], sample: Mapping[str, Any]) -> dict[str, Any]:
    """The sample's content of mentoring, and the pairs order chosen on the page (if any)."""
    common = {key: sample[key] for key in ("duties", "kind_of_mentoring") if key in sample}
    if choices.get("order_id"):
        common["order_id"] = choices["order_id"]
    return common


def consent_common(choices: Mapping[str, Any], sample: Mapping[str, Any]) -> dict[str, Any]:
    """Only the pairs order chosen on the page (if any): the rest comes from the registry."""
    return {"order_id": choices["order_id"]} if choices.get("order_id") else {}
