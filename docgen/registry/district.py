"""The district view: every school of a department, its indicators, its documents and gaps.

A required document counts as present when a document of that kind is registered on or
before the reference date and not cancelled. Deadlines are dates within the academic year of
the reference date (1 September – 31 August); they may be overridden per call. Which kinds are
required, and by when, the kinds declare (`Kind.required_in_year`); the caller hands them in as
`Required` (the catalog's `district_requirements()`), since the registry sits below the kinds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from docgen.errors import FieldErrors
from docgen.registry import indicators, organisations
from docgen.registry.excel import sheets


@dataclass(frozen=True)
class Required:
    """A document every school must register: its kind, title and (month, day) deadline in the
    academic year."""

    kind: str
    title: str
    month: int
    day: int


@dataclass
class Row:
    """One school in the district table."""

    org: dict[str, Any]
    indicators: list[indicators.Value]
    registered: dict[str, dict[str, Any]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    overdue: list[dict[str, Any]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.org.get("short_name") or self.org["full_name"]


def academic_year_start(on: dt.date) -> dt.date:
    return dt.date(on.year if on.month >= 9 else on.year - 1, 9, 1)


def deadlines_for(
    on: dt.date,
    required: Iterable[Required],
    overrides: Mapping[str, dt.date] | None = None,
) -> dict[str, dt.date]:
    """Kind -> deadline date in the academic year of `on`."""
    start = academic_year_start(on)
    result = {}
    for item in required:
        year = start.year if item.month >= 9 else start.year + 1
        result[item.kind] = dt.date(year, item.month, item.day)
    return result | dict(overrides or {})


def _registered(db: sqlite_utils.Database, org_id: int, on: dt.date) -> dict[str, dict]:
    """Kind -> the latest document of that kind registered by `on` and not cancelled."""
    found: dict[str, dict] = {}
    for doc in db.query(
        "SELECT * FROM documents WHERE org_id = ? AND status = 'registered' AND reg_date <= ? "
        "ORDER BY reg_date, id",
        [org_id, on.isoformat()],
    ):
        found[doc["kind"]] = doc
    return found


def table(
    db: sqlite_utils.Database,
    department_id: int,
    on: dt.date,
    required: tuple[Required, ...],
    *,
    deadlines: Mapping[str, dt.date] | None = None,
) -> list[Row]:
    """Every school of the department at `on`: indicators, registered / lacking documents,
    deadlines passed without the document."""
    department = organisations.get_organisation(db, department_id)
    if department["kind"] != "department":
        message = "Сводная таблица строится только для органа управления образованием."
        raise FieldErrors(message, fields={"department_id": [message]})
    due = deadlines_for(on, required, deadlines)
    rows = []
    for school in organisations.list_schools(db, department_id):
        registered = _registered(db, school["id"], on)
        row = Row(org=school, indicators=indicators.compute(db, [school["id"]], on))
        for item in required:
            kind = item.kind
            doc = registered.get(kind)
            deadline = due.get(kind)
            if doc is not None:
                row.registered[kind] = {
                    "id": doc["id"],
                    "number": doc["number"],
                    "reg_date": doc["reg_date"],
                    "late": deadline is not None and doc["reg_date"] > deadline.isoformat(),
                }
                continue
            row.missing.append(kind)
            if deadline is not None and deadline < on:
                row.overdue.append({"kind": kind, "title": item.title, "deadline": deadline})
        rows.append(row)
    return rows


def district_totals(db: sqlite_utils.Database, department_id: int, on: dt.date) -> list:
    """The district's indicators (numerators and denominators summed over its schools)."""
    schools = [s["id"] for s in organisations.list_schools(db, department_id)]
    return indicators.compute(db, schools, on) if schools else []


def _figure(value: Any) -> str:
    """The figure as the table prints it; a satisfaction figure from answers says so."""
    if value.source == "survey":
        return f"{value.text} (по анкетам: {value.denominator})"
    if value.source == "typed":
        return f"{value.text} (введено)"
    return value.text


def _doc_text(info: dict[str, Any] | None) -> str:
    if info is None:
        return "нет"
    text = f"№ {info['number']} от {dt.date.fromisoformat(info['reg_date']):%d.%m.%Y}"
    return text + " (с опозданием)" if info["late"] else text


def table_xlsx(
    db: sqlite_utils.Database,
    department_id: int,
    on: dt.date,
    required: tuple[Required, ...],
    *,
    deadlines: Mapping[str, dt.date] | None = None,
) -> bytes:
    """The district table as an XLSX: one row per school, a district total row."""
    department = organisations.get_organisation(db, department_id)
    rows = table(db, department_id, on, required, deadlines=deadlines)
    totals = district_totals(db, department_id, on)
    codes = [value.code for value in (rows[0].indicators if rows else totals)]
    titles = {value.code: value for value in (rows[0].indicators if rows else totals)}
    wb = Workbook()
    ws = wb.active
    ws.title = "Свод по школам"
    sheets.append(
        ws, ["Сведения о реализации целевой модели наставничества в образовательных организациях"]
    )
    sheets.append(ws, [department["full_name"]])
    sheets.append(ws, [f"по состоянию на {on:%d.%m.%Y}"])
    sheets.append(ws, [])
    header = ["№", "Образовательная организация"]
    for code in codes:
        value = titles[code]
        header.append(f"{value.title}, {value.unit}")
        if value.is_share:
            header.append(f"{value.title}: числитель / знаменатель")
    header += [item.title for item in required]
    header.append("Просроченные сроки")
    sheets.append(ws, header)
    for number, row in enumerate(rows, start=1):
        values: list[Any] = [number, row.name]
        for value in row.indicators:
            values.append(_figure(value))
            if value.is_share:
                values.append(f"{value.numerator_text} / {value.denominator_text}")
        values += [_doc_text(row.registered.get(item.kind)) for item in required]
        values.append(
            "; ".join(f"{item['title']} — до {item['deadline']:%d.%m.%Y}" for item in row.overdue)
        )
        sheets.append(ws, values)
    if totals:
        total: list[Any] = ["", "Итого по району"]
        for value in totals:
            total.append(_figure(value))
            if value.is_share:
                total.append(f"{value.numerator_text} / {value.denominator_text}")
        sheets.append(ws, total)
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    ws["A1"].font = Font(bold=True, size=12)
    for index in range(1, len(header) + 1):
        cell = ws.cell(row=5, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(index)].width = 8 if index == 1 else 22
    ws.freeze_panes = "C6"
    return sheets.save(wb)
