"""«Реестр участников программы наставничества» (DOMAIN.md §2.10) as an XLSX workbook.

Two sheets, the mentors' and the mentees' registers, as of a day: each person with their pairs
or groups, the order that fixed them and the mark of the processing consent.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from docgen import dates, ru
from docgen.registry import bases, consents, groups, organisations, people
from docgen.registry.excel import exporting, sheets
from docgen.registry.excel.sheets import FORM_TEXT

MENTOR_REGISTER = (
    ("№", 5),
    ("ФИО", 30),
    ("Контакты", 24),
    ("Место работы/учёбы, должность/класс", 32),
    ("Возраст / стаж", 12),
    ("Компетенции, направление", 32),
    ("Форма наставничества", 26),
    ("ФИО наставляемого(ых)", 32),
    ("Срок (с … по …)", 24),
    ("Обучение наставника (отметка)", 14),
    ("Реквизиты приказа о закреплении", 22),
    ("Результат / ссылка на кейс, отзыв", 30),
    ("Отметка о согласии на обработку ПДн", 22),
)
MENTEE_REGISTER = (
    ("№", 5),
    ("ФИО", 30),
    ("Контакты (для несовершеннолетних — законного представителя)", 30),
    ("Класс / должность", 22),
    ("Возраст / стаж", 12),
    ("Запрос (цель)", 32),
    ("Форма наставничества", 26),
    ("ФИО наставника", 30),
    ("Срок (с … по …)", 24),
    ("Результат", 30),
    ("Ссылка на отзыв", 18),
    ("Отметка о согласии на обработку ПДн", 22),
)


def _register_sheet(
    wb: Workbook, title: str, heading: str, org: dict, on: dt.date, columns: tuple
) -> Worksheet:
    ws = wb.create_sheet(title)
    sheets.append(ws, [heading])
    sheets.append(ws, [org["full_name"]])
    sheets.append(ws, [f"по состоянию на {on:%d.%m.%Y}"])
    sheets.append(ws, [])
    for row in (1, 2, 3):
        ws.cell(row=row, column=1).font = Font(bold=row == 1, size=12 if row == 1 else 11)
    sheets.header_row(ws, columns)
    return ws


def _contacts(person: dict) -> str:
    return ", ".join(part for part in (person.get("phone"), person.get("email")) if part)


def _age_or_experience(person: dict, on: dt.date) -> str:
    parts = []
    if person.get("birth_date"):
        parts.append(ru.plural(dates.age_on(person["birth_date"], on), "год"))
    if person.get("experience_years") is not None:
        parts.append(f"стаж {ru.plural(person['experience_years'], 'год')}")
    return " / ".join(parts)


def _consent_mark(db: sqlite_utils.Database, person: dict, on: dt.date) -> str:
    consent = consents.valid_consent(db, person["id"], "processing", on)
    if consent is not None:
        return f"получено {dates.to_date(consent['signed_on']):%d.%m.%Y}"
    state = bases.consent_state(db, person["id"], on)
    return {"withdrawn": "отозвано", "requested": "запрошено"}.get(state, "нет")


def _period(group: dict) -> str:
    start = dates.to_date(group["start_date"])
    end = dates.to_date(group["closed_on"] or group["end_date"])
    return f"с {start:%d.%m.%Y} по {end:%d.%m.%Y}"


def _order_text(db: sqlite_utils.Database, group: dict) -> str:
    if not group.get("order_document_id"):
        return ""
    doc = db["documents"].get(group["order_document_id"])
    if doc["status"] != "registered":
        return ""
    return f"№ {doc['number']} от {dates.to_date(doc['reg_date']):%d.%m.%Y}"


def _place(org: dict, person: dict) -> str:
    place = person.get("partner_org") or org.get("short_name") or org["full_name"]
    return ", ".join(part for part in (place, person.get("position")) if part)


def register_workbook(db: sqlite_utils.Database, org_id: int, on: dt.date | None = None) -> bytes:
    """«Реестр участников программы наставничества»: the mentors' and the mentees' registers."""
    org = organisations.get_organisation(db, org_id)
    day = on or dt.date.today()
    pairs = groups.list_groups(db, org_id)
    everyone = people.list_people(db, org_id)
    wb = Workbook()
    wb.remove(wb.active)
    heading = "Реестр участников программы наставничества"
    mentors_ws = _register_sheet(
        wb, "Реестр наставников", f"{heading}. Реестр наставников", org, day, MENTOR_REGISTER
    )
    mentees_ws = _register_sheet(
        wb, "Реестр наставляемых", f"{heading}. Реестр наставляемых", org, day, MENTEE_REGISTER
    )
    as_mentor = {p["id"]: [g for g in pairs if g["mentor_id"] == p["id"]] for p in everyone}
    as_mentee = {
        p["id"]: [g for g in pairs if any(m["id"] == p["id"] for m in g["mentees"])]
        for p in everyone
    }
    number = 0
    for person in everyone:
        own = as_mentor[person["id"]]
        if not (person["is_mentor"] or own):
            continue
        number += 1
        sheets.append(
            mentors_ws,
            [
                number,
                sheets.fio(person),
                _contacts(person),
                _place(org, person),
                _age_or_experience(person, day),
                person["competences"] or "",
                "\n".join(FORM_TEXT.get(g["form_code"], "") for g in own),
                "\n".join(", ".join(sheets.fio(m) for m in g["mentees"]) for g in own),
                "\n".join(_period(g) for g in own),
                "",
                "\n".join(_order_text(db, g) for g in own),
                "\n".join(g["result"] or "" for g in own),
                _consent_mark(db, person, day),
            ],
        )
    number = 0
    for person in everyone:
        own = as_mentee[person["id"]]
        if not (person["is_mentee"] or own):
            continue
        number += 1
        consent = exporting.latest_consent(db, person["id"])
        contacts = _contacts(person)
        if (
            person.get("birth_date")
            and dates.age_on(person["birth_date"], day) < consents.ADULT_AGE
        ):
            representative = (consent or {}).get("representative_name") or ""
            contacts = ", ".join(part for part in (representative, contacts) if part)
        sheets.append(
            mentees_ws,
            [
                number,
                sheets.fio(person),
                contacts,
                person["position"] or "",
                _age_or_experience(person, day),
                person["request"] or "",
                "\n".join(FORM_TEXT.get(g["form_code"], "") for g in own),
                "\n".join(sheets.fio(g["mentor"]) for g in own),
                "\n".join(_period(g) for g in own),
                "\n".join(g["result"] or "" for g in own),
                "",
                _consent_mark(db, person, day),
            ],
        )
    for ws in (mentors_ws, mentees_ws):
        for row in ws.iter_rows(min_row=6):
            for cell in row:
                cell.alignment = sheets.WRAP
    return sheets.save(wb)
