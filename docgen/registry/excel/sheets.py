"""The registry workbook's sheets, and how every workbook docgen writes looks.

The layout (one header row, data from row 2): «Люди» (every person, with the processing
consent), «Наставники» and «Наставляемые» (the bases: a person by ФИО and birth date, with
competences, time available or the request), «Пары и группы» (one row per mentee; rows with the
same number form one pair or group). Import and export share it, so export -> import is the
identity. Reading a filled workbook is here too (by column title, so columns may move).
`header_row` is the one header style for the registry, the register, the district table and
the monitoring report; `append` and `save` are how every one of them writes its cells.

Text out is never a formula (the OWASP CSV/Excel injection advice): `save` turns every string
cell that a spreadsheet would take for a formula — starting with =, +, -, @, tab or CR — into a
text cell with Excel's quote prefix (what a leading apostrophe typed in Excel makes), so the
text is kept exactly and stays text when someone edits the cell. Numbers are untouched: a
column of numbers stays numeric, −2 included. Formulas in, too, are read as their text, never
evaluated: the import refuses a formula cell.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import from_excel
from openpyxl.worksheet._reader import WorkSheetParser, _cast_number
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from docgen import text as plain_text
from docgen.errors import DocgenError, FieldErrors
from docgen.migrations.m002_mentoring_forms import MENTORING_FORMS
from docgen.registry.schemas import CATEGORIES, KINDS_OF_MENTORING
from docgen.safezip import Limits, open_package

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PEOPLE, MENTORS, MENTEES, PAIRS, LISTS = (
    "Люди",
    "Наставники",
    "Наставляемые",
    "Пары и группы",
    "Списки",
)
MAX_ROWS = 20000

PEOPLE_COLUMNS = (
    ("surname", "Фамилия", 18),
    ("name", "Имя", 16),
    ("patronymic", "Отчество", 18),
    ("gender", "Пол", 6),
    ("birth_date", "Дата рождения", 14),
    ("category", "Категория", 22),
    ("position", "Должность или класс", 30),
    ("experience_years", "Педагогический стаж, лет", 12),
    ("partner_org", "Организация-партнёр", 24),
    ("email", "Электронная почта", 22),
    ("phone", "Телефон", 18),
    ("signed_on", "Согласие на обработку ПДн подписано", 16),
    ("signer", "Согласие подписал", 22),
    ("representative_name", "Законный представитель (ФИО)", 28),
    ("representative_doc", "Документ законного представителя", 28),
    ("withdrawn_on", "Согласие отозвано", 14),
)
MENTOR_COLUMNS = (
    ("fio", "ФИО", 34),
    ("birth_date", "Дата рождения", 14),
    ("competences", "Компетенции", 40),
    ("time_available", "Свободное время", 26),
)
MENTEE_COLUMNS = (
    ("fio", "ФИО", 34),
    ("birth_date", "Дата рождения", 14),
    ("request", "Запрос", 50),
)
PAIR_COLUMNS = (
    ("number", "№ пары (группы)", 10),
    ("mentor", "Наставник (ФИО)", 32),
    ("mentor_birth", "Дата рождения наставника", 14),
    ("mentee", "Наставляемый (ФИО)", 32),
    ("mentee_birth", "Дата рождения наставляемого", 14),
    ("form", "Форма наставничества", 30),
    ("kind_of_mentoring", "Вид наставничества", 18),
    ("start_date", "Дата начала", 13),
    ("end_date", "Дата окончания", 13),
    ("status", "Статус", 14),
    ("result", "Результат", 40),
    ("closed_on", "Дата завершения", 13),
)
SHEETS = {
    PEOPLE: PEOPLE_COLUMNS,
    MENTORS: MENTOR_COLUMNS,
    MENTEES: MENTEE_COLUMNS,
    PAIRS: PAIR_COLUMNS,
}
DATE_KEYS = {
    "birth_date",
    "signed_on",
    "withdrawn_on",
    "mentor_birth",
    "mentee_birth",
    "start_date",
    "end_date",
    "closed_on",
}
GENDERS = {"м": "m", "муж": "m", "мужской": "m", "m": "m", "ж": "f", "жен": "f", "женский": "f"}
GENDERS |= {"f": "f"}
GENDER_TEXT = {"m": "м", "f": "ж"}
SIGNERS = {
    "сам": "self",
    "законный представитель": "representative",
    "сам и законный представитель": "both",
}
SIGNER_TEXT = {code: text for text, code in SIGNERS.items()}
STATUSES = {"действует": "active", "планируется": "planned", "завершена": "closed"}
STATUS_TEXT = {code: text for text, code in STATUSES.items()}
FORMS = {form["title"]: form["code"] for form in MENTORING_FORMS}
FORM_TEXT = {code: title for title, code in FORMS.items()}

Columns = tuple[tuple[str, str, int], ...]
_LIMITS = Limits(max_compressed=10 * 1024 * 1024, max_total=80 * 1024 * 1024, max_ratio=150)
_THIN = Side(style="thin")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
WRAP = Alignment(wrap_text=True, vertical="top")


# --- styling shared by every workbook ---------------------------------------------------


def header_row(
    ws: Worksheet,
    columns: Sequence[tuple[str, float]],
    *,
    freeze_columns: int = 0,
    boxed: bool = False,
) -> int:
    """Append a bold, wrapped header row, set the column widths and keep the header in view.

    `columns` are (title, width) pairs; `freeze_columns` also keeps that many columns in view;
    `boxed` draws a table: the header centred, every cell with a thin border. Returns the row.
    """
    ws.append([title for title, _ in columns])
    row = ws.max_row
    for index, (_, width) in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=index)
        cell.font = Font(bold=True)
        if boxed:
            cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
            cell.border = BOX
        else:
            cell.alignment = WRAP
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{row + 1}"
    return row


def column_letter(columns: Columns, key: str) -> str:
    index = next(i for i, (k, _, _) in enumerate(columns, start=1) if k == key)
    return get_column_letter(index)


def list_validation(ws: Worksheet, columns: Columns, key: str, source: str, title: str) -> None:
    """A drop-down of the values in `source` (a range) for a column, from row 2 down."""
    letter = column_letter(columns, key)
    check = DataValidation(type="list", formula1=source, allow_blank=True)
    check.error = f"Выберите значение из списка «{title}»."
    check.errorTitle = title
    check.showErrorMessage = True
    check.add(f"{letter}2:{letter}{MAX_ROWS}")
    ws.add_data_validation(check)


def date_format(ws: Worksheet, columns: Columns) -> None:
    """Date columns show ДД.ММ.ГГГГ."""
    for key, _, _ in columns:
        if key in DATE_KEYS:
            ws.column_dimensions[column_letter(columns, key)].number_format = "DD.MM.YYYY"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_text(cell: Cell) -> None:
    """Keep a string cell a string: no formula, no error value, quote-prefixed if it could be one."""
    if not isinstance(cell.value, str):
        return
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_START):
        cell.quotePrefix = True


def append(ws: Worksheet, values: Iterable[Any]) -> None:
    """Append a row; text stored before control characters were refused loses them."""
    ws.append([plain_text.without_control(v) if isinstance(v, str) else v for v in values])


def save(wb: Workbook) -> bytes:
    """The workbook's bytes, every string cell written as text (see `as_text`)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                as_text(cell)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def fio(person: dict) -> str:
    """«Фамилия Имя Отчество» as a cell names a person."""
    return " ".join(
        part for part in (person["surname"], person["name"], person["patronymic"]) if part
    )


# --- reading a filled registry workbook ---------------------------------------------


def open_workbook(content: bytes) -> Workbook:
    """A filled registry workbook, read-only; FieldErrors for a broken file or missing sheets."""
    package = open_package(
        content,
        what="книгой Excel (XLSX)",
        required=("[Content_Types].xml", "xl/workbook.xml"),
        limits=_LIMITS,
    )
    package.close()
    try:
        # Not data_only: a formula cell then reads as its formula, which the import refuses,
        # instead of whatever value the program that saved the file computed.
        wb = load_workbook(io.BytesIO(content), read_only=True)
    except (DocgenError, MemoryError):
        raise
    except Exception as err:  # openpyxl raises many unrelated types on a broken file
        raise _broken() from err
    missing = [title for title in SHEETS if title not in wb.sheetnames]
    if missing:
        names = ", ".join(f"«{title}»" for title in missing)
        message = f"В книге нет листов {names}. Скачайте пустой шаблон и перенесите данные в него."
        raise FieldErrors(message, fields={"file": [message]})
    return wb


def _broken() -> FieldErrors:
    message = "Файл повреждён: он не является книгой Excel (XLSX)."
    return FieldErrors(message, fields={"file": [message]})


def read_workbook(content: bytes) -> dict[str, list[tuple[int, dict[str, Any]]]]:
    """Every sheet's data rows (see `data_rows`); FieldErrors for a broken or foreign file."""
    wb = open_workbook(content)
    try:
        return {title: list(data_rows(wb, title)) for title in SHEETS}
    except (DocgenError, MemoryError):
        raise
    except Exception as err:  # a sheet's XML is parsed only now, row by row
        raise _broken() from err
    finally:
        wb.close()


class Formula(str):
    """The text of a formula cell («=СУММ(A1:A3)»): the import refuses it, never evaluates it."""


# Office writes a control character in a cell as _xHHHH_ (ECMA-376 ST_Xstring); openpyxl leaves
# the escape as it is. Decoded, such a character meets the same rule as any other entry.
_ESCAPED_CONTROL = re.compile(r"_x(00[01][0-9A-Fa-f]|007[Ff]|00[89][0-9A-Fa-f])_")


def _cell_value(value: Any, data_type: str | None) -> Any:
    if data_type == "f":
        return Formula(getattr(value, "text", None) or str(value))
    if isinstance(value, str):
        value = _ESCAPED_CONTROL.sub(lambda found: chr(int(found.group(1), 16)), value)
        # strip() would hide U+000B and U+001F at the ends; the import refuses such a cell.
        return value if plain_text.first_control(value) else value.strip()
    return value


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_ROW, _CELL, _VALUE = f"{_MAIN}row", f"{_MAIN}c", f"{_MAIN}v"
_INLINE, _TEXT = f"{_MAIN}is", f"{_MAIN}t"
_COLUMN_LETTERS = re.compile(r"[A-Z]+")


def _column(reference: str) -> int:
    number = 0
    for letter in _COLUMN_LETTERS.match(reference).group():
        number = number * 26 + ord(letter) - 64
    return number


def _sheet_rows(wb: Workbook, title: str) -> Iterator[tuple[int, dict[int, Any]]]:
    """(row number, {column number: value}) of a read-only workbook's sheet, from its XML.

    openpyxl's own reader builds a dictionary and runs a dozen checks for every cell, which
    made reading most of an import's time. Here lxml walks the rows and the common cells (a
    shared or inline string, a number, a date) are converted as openpyxl converts them (shared strings,
    number casts, date styles and epoch from the workbook it loaded); every other cell (a
    formula, an inline string, a boolean, an error, an ISO date) goes to openpyxl's parser.
    The package was checked for DTDs and entities before (safezip); lxml resolves none.
    """
    ws = wb[title]
    strings = wb.shared_strings
    date_styles, timedelta_styles = wb._date_formats, wb._timedelta_formats
    fallback = WorkSheetParser(
        None,
        strings,
        data_only=False,
        epoch=wb.epoch,
        date_formats=date_styles,
        timedelta_formats=timedelta_styles,
    )
    number = 0
    with wb._archive.open(ws._worksheet_path) as source:
        rows = etree.iterparse(
            source, tag=_ROW, resolve_entities=False, no_network=True, huge_tree=False
        )
        for _, row in rows:
            given = row.get("r")
            number = int(given) if given and given.isdigit() else number + 1
            fallback.row_counter = number
            values: dict[int, Any] = {}
            column = 0
            for cell in row.iterchildren(_CELL):
                reference = cell.get("r")
                column = _column(reference) if reference else column + 1
                kind = cell.get("t", "n")
                if len(cell) == 0:
                    continue
                only = cell[0]
                text = only.text if len(cell) == 1 and only.tag == _VALUE else None
                if text and kind == "s":
                    values[column] = _cell_value(strings[int(text)], "s")
                    continue
                if kind == "inlineStr" and len(cell) == 1 and len(only) == 1:
                    if only.tag == _INLINE and only[0].tag == _TEXT:  # openpyxl's own strings
                        values[column] = _cell_value(only[0].text or "", "s")
                        continue
                if text and kind == "n":
                    value = _cast_number(text)
                    style = int(cell.get("s", 0) or 0)
                    if style not in date_styles:
                        values[column] = value
                        continue
                    with contextlib.suppress(OverflowError, ValueError):
                        values[column] = from_excel(
                            value, wb.epoch, timedelta=style in timedelta_styles
                        )
                        continue
                fallback.col_counter = column - 1
                parsed = fallback.parse_cell(cell)
                values[column] = _cell_value(parsed["value"], parsed["data_type"])
            row.clear()
            while row.getprevious() is not None:
                del row.getparent()[0]
            yield number, values


def cell_text(value: Any) -> str:
    """A cell as text: dates as ДД.ММ.ГГГГ, whole numbers without «.0», no outer spaces."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def data_rows(wb: Workbook, title: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {column key: value}) for every non-empty data row; headers by title."""
    columns = SHEETS[title]
    rows = _sheet_rows(wb, title)
    first = next(rows, None)
    header = first[1] if first is not None and first[0] == 1 else {}
    by_title = {cell_text(value).casefold(): index for index, value in sorted(header.items())}
    if first is not None and first[0] != 1:
        rows = itertools.chain([first], rows)
    positions = {}
    missing = []
    for key, column_title, _ in columns:
        position = by_title.get(column_title.casefold())
        if position is None:
            missing.append(column_title)
        positions[key] = position
    if missing:
        names = ", ".join(f"«{name}»" for name in missing)
        message = f"Лист «{title}»: нет столбцов {names} в первой строке."
        raise FieldErrors(message, fields={"file": [message]})
    for number, values in rows:
        if number > MAX_ROWS:
            message = f"Лист «{title}»: больше {MAX_ROWS - 1} строк — разделите файл."
            raise FieldErrors(message, fields={"file": [message]})
        record = {key: values.get(pos) for key, pos in positions.items()}
        if any(cell_text(value) for value in record.values()):
            yield number, record


def column_title(sheet: str, key: str) -> str:
    return next(title for k, title, _ in SHEETS[sheet] if k == key)


# --- the registry workbook --------------------------------------------------------------


def registry_workbook() -> Workbook:
    """The four sheets with headers, lists on a hidden sheet and validation where it helps."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, columns in SHEETS.items():
        ws = wb.create_sheet(title)
        header_row(ws, [(heading, width) for _, heading, width in columns])
        date_format(ws, columns)
    lists = wb.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    values = {
        "A": ("Пол", list(GENDER_TEXT.values())),
        "B": ("Категория", list(CATEGORIES)),
        "C": ("Согласие подписал", list(SIGNERS)),
        "D": ("Форма наставничества", list(FORMS)),
        "E": ("Вид наставничества", list(KINDS_OF_MENTORING)),
        "F": ("Статус", list(STATUSES)),
    }
    ranges = {}
    for letter, (title, items) in values.items():
        lists[f"{letter}1"] = title
        for row, item in enumerate(items, start=2):
            lists[f"{letter}{row}"] = item
        ranges[title] = f"'{LISTS}'!${letter}$2:${letter}${len(items) + 1}"
    people, pairs = wb[PEOPLE], wb[PAIRS]
    list_validation(people, PEOPLE_COLUMNS, "gender", ranges["Пол"], "Пол")
    list_validation(people, PEOPLE_COLUMNS, "category", ranges["Категория"], "Категория")
    list_validation(
        people, PEOPLE_COLUMNS, "signer", ranges["Согласие подписал"], "Согласие подписал"
    )
    for key, title in (
        ("form", "Форма наставничества"),
        ("kind_of_mentoring", "Вид наставничества"),
        ("status", "Статус"),
    ):
        list_validation(pairs, PAIR_COLUMNS, key, ranges[title], title)
    return wb
