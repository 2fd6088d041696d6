"""The registration journal of a year as a workbook: the columns the journal page shows."""

from __future__ import annotations

from openpyxl import Workbook

from docgen import codes, dates
from docgen.registry.excel import sheets

XLSX_MIME = sheets.XLSX_MIME
COLUMNS = (
    ("Рег. номер", 12),
    ("Дата регистрации", 14),
    ("Заголовок (краткое содержание)", 60),
    ("Вид документа", 40),
    ("Журнал", 24),
    ("Зарегистрировал", 30),
    ("Состояние", 16),
    ("Примечание", 30),
)


def journal_workbook(entries: list[dict], kind_titles: dict[str, str], year: int) -> bytes:
    """One sheet «Журнал ГГГГ», one row per registered number, in the journal's order."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"Журнал {year}"
    sheets.header_row(ws, COLUMNS, freeze_columns=1)
    for entry in entries:
        sheets.append(
            ws,
            [
                entry["number"],
                dates.to_date(entry["registered_on"]),
                entry["title"],
                kind_titles.get(entry["kind"], entry["kind"]),
                entry.get("series_title") or "",
                entry.get("registered_by_name") or "",
                codes.word("document_status", entry["status"]),
                entry.get("cancel_reason") or "",
            ],
        )
        ws.cell(row=ws.max_row, column=2).number_format = "DD.MM.YYYY"
    return sheets.save(wb)
