"""The registry to Excel: the blank workbook a school fills in, and an organisation's export.

Export writes the import layout (sheets.py), so importing an export back changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlite_utils
from openpyxl.worksheet.worksheet import Worksheet

from docgen import dates
from docgen.registry import groups, organisations, people
from docgen.registry.excel import sheets
from docgen.registry.excel.sheets import (
    FORM_TEXT,
    GENDER_TEXT,
    MENTEES,
    MENTORS,
    PAIRS,
    PEOPLE,
    SIGNER_TEXT,
    STATUS_TEXT,
)


def blank_workbook() -> bytes:
    """The workbook a school fills in: sheets, Russian headers, lists to choose from."""
    return sheets.save(sheets.registry_workbook())


def latest_consent(db: sqlite_utils.Database, person_id: int) -> dict | None:
    """The person's last signed (or since withdrawn) processing consent, if any."""
    return next(
        db.query(
            "SELECT * FROM consents WHERE person_id = ? AND kind = 'processing' "
            "AND status IN ('signed', 'withdrawn') ORDER BY signed_on DESC, id DESC LIMIT 1",
            [person_id],
        ),
        None,
    )


def _append(ws: Worksheet, values: list[Any]) -> None:
    sheets.append(ws, values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, dt.date):
            cell.number_format = "DD.MM.YYYY"


def export_workbook(db: sqlite_utils.Database, org_id: int) -> bytes:
    """The organisation's registry in the import layout (importing it back changes nothing)."""
    organisations.get_organisation(db, org_id)
    wb = sheets.registry_workbook()
    for person in people.list_people(db, org_id):
        consent = latest_consent(db, person["id"])
        _append(
            wb[PEOPLE],
            [
                person["surname"],
                person["name"],
                person["patronymic"] or None,
                GENDER_TEXT.get(person["gender"], person["gender"]),
                dates.to_date(person["birth_date"]),
                person["category"],
                person["position"] or None,
                person["experience_years"],
                person["partner_org"] or None,
                person["email"] or None,
                person["phone"] or None,
                dates.to_date(consent["signed_on"]) if consent else None,
                SIGNER_TEXT.get(consent["signer"]) if consent else None,
                (consent["representative_name"] or None) if consent else None,
                (consent["representative_doc"] or None) if consent else None,
                dates.to_date(consent["withdrawn_on"]) if consent else None,
            ],
        )
        if person["is_mentor"]:
            _append(
                wb[MENTORS],
                [
                    sheets.fio(person),
                    dates.to_date(person["birth_date"]),
                    person["competences"] or None,
                    person["time_available"] or None,
                ],
            )
        if person["is_mentee"]:
            _append(
                wb[MENTEES],
                [
                    sheets.fio(person),
                    dates.to_date(person["birth_date"]),
                    person["request"] or None,
                ],
            )
    for number, group in enumerate(groups.list_groups(db, org_id), start=1):
        for mentee in group["mentees"]:
            mentor = group["mentor"]
            _append(
                wb[PAIRS],
                [
                    number,
                    sheets.fio(mentor),
                    dates.to_date(mentor["birth_date"]),
                    sheets.fio(mentee),
                    dates.to_date(mentee["birth_date"]),
                    FORM_TEXT.get(group["form_code"], group["form_code"]),
                    group["kind_of_mentoring"],
                    dates.to_date(group["start_date"]),
                    dates.to_date(group["end_date"]),
                    STATUS_TEXT[group["status"]],
                    group["result"],
                    dates.to_date(group["closed_on"]),
                ],
            )
    return sheets.save(wb)
