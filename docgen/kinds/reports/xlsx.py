"""The monitoring report as an XLSX workbook: the same rows and figures as the DOCX table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from docgen import ru
from docgen.registry.excel import sheets
from docgen.registry.indicators import Value, table_rows

HEADERS = (
    "№ п/п",
    "Показатель",
    "Числитель",
    "Знаменатель",
    "Значение",
    "Целевое значение",
    "Единица",
    "Формула",
)
WIDTHS = (7, 70, 12, 13, 12, 12, 9, 60)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _number(value: float | int | None, unit: str) -> float | int | str | None:
    """A figure as a number cell; a share gets one decimal (shown with the cell format)."""
    if value is None:
        return "—"
    return float(value) if unit == "%" else int(value)


def report_xlsx(values: Iterable[Value], meta: Mapping[str, Any]) -> bytes:
    """Workbook «Показатели»: a heading from `meta` (organisation, title, period, on) and a table.

    Numbers are numeric cells (shares in percent with one decimal); rows without a value
    show «—», the pairs/groups line «пары/группы» as text, like the DOCX.
    """
    values = list(values)
    book = Workbook()
    sheet = book.active
    sheet.title = "Показатели"
    heading = [
        meta.get("organisation") or "",
        meta.get("title") or "Отчёт о реализации целевой модели наставничества",
    ]
    start, end, on = meta.get("period_start"), meta.get("period_end"), meta.get("on")
    if start and end:
        heading.append(f"за период с {ru.date_short(start)} по {ru.date_short(end)}")
    if on:
        heading.append(f"Отчётная дата: {ru.date_short(on)}")
    for line in heading:
        if line:
            sheets.append(sheet, [line])
            sheet.cell(sheet.max_row, 1).font = Font(bold=True)
    sheets.append(sheet, [])
    sheets.header_row(sheet, list(zip(HEADERS, WIDTHS, strict=True)), boxed=True)
    by_code = {value.code: value for value in values}
    for row in table_rows(values):
        value = by_code[row.code]
        if row.sub:
            cells = ["", row.title, None, None, row.value, None, "", ""]
        elif value.is_share:
            cells = [
                int(row.n),
                row.title,
                value.numerator if value.numerator is not None else "—",
                value.denominator if value.denominator is not None else "—",
                _number(value.value, "%"),
                _number(value.target, "%"),
                "%",
                "; ".join(t for t in (value.formula, value.source_text) if t),
            ]
        else:
            shown = row.value if value.pairs is not None else _number(value.value, "")
            cells = [
                int(row.n),
                row.title,
                None,
                None,
                shown,
                _number(value.target, ""),
                value.unit,
                value.formula,
            ]
        sheets.append(sheet, cells)
        current = sheet.max_row
        for col in range(1, len(HEADERS) + 1):
            cell = sheet.cell(current, col)
            cell.border = sheets.BOX
            cell.alignment = sheets.WRAP
            if col in (5, 6) and value.is_share and isinstance(cell.value, float):
                cell.number_format = "0.0"
    book.properties.title = heading[1]
    book.properties.created = dt.datetime(2000, 1, 1)  # reproducible bytes for equal input
    return sheets.save(book)


def meta_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """The heading of the workbook from a monitoring-report context."""
    return {
        "organisation": values["org"].full_name,
        "title": values.get("title"),
        "period_start": values.get("period_start"),
        "period_end": values.get("period_end"),
        "on": values.get("on_date"),
    }


def monitoring_xlsx(values: Mapping[str, Any]) -> tuple[bytes, str]:
    """The workbook of a monitoring-report context and its download name.

    `values` is what `compose.build_context` returns for «monitoring-report» (for a registered
    report: its archived input rebuilt), so the workbook shows the figures of the DOCX.
    """
    meta = meta_of(values)
    on = meta.get("on")
    suffix = f" на {ru.date_short(on)}" if on else ""
    name = f"Показатели наставничества{suffix}.xlsx"
    return report_xlsx(values["figures"], meta), name
