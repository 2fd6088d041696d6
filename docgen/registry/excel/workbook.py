"""The registry in Excel: a blank workbook, import with row-by-row errors, export, the register.

Layout (one header row, data from row 2): «Люди» (every person, with the processing consent),
«Наставники» and «Наставляемые» (the bases: a person by ФИО and birth date, with competences,
time available or the request), «Пары и группы» (one row per mentee; rows with the same number
form one pair or group). Export writes the same layout, so export -> import is the identity.

Import applies every row inside one transaction, each row in its own savepoint, so the
registry's own rules produce the messages; if any row fails and the user did not ask for
the valid rows only, the whole transaction is rolled back and nothing is written.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from marshmallow import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from docgen.db import transaction
from docgen.errors import DocgenError, FieldErrors
from docgen.migrations.m002_mentoring_forms import MENTORING_FORMS
from docgen.registry import bases
from docgen.registry import records as registry
from docgen.registry.schemas import CATEGORIES, KINDS_OF_MENTORING, PersonSchema
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
# Registry field -> column key, for messages the registry raises about a row.
_FIELD_TO_COLUMN = {
    "form_code": "form",
    "mentor_id": "mentor",
    "mentee_ids": "mentee",
    "result": "result",
    "closed_on": "closed_on",
    "date": "signed_on",
}
_LIMITS = Limits(max_compressed=10 * 1024 * 1024, max_total=80 * 1024 * 1024, max_ratio=150)


# --- report -------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    value: str
    message: str

    @property
    def text(self) -> str:
        """«Лист «Наставляемые», строка 14, столбец «Дата рождения»: 31.02.2010 — такой даты нет»."""
        where = f"Лист «{self.sheet}», строка {self.row}, столбец «{self.column}»"
        return (
            f"{where}: {self.value} — {self.message}" if self.value else f"{where}: {self.message}"
        )


@dataclass
class ImportReport:
    """What an import found and did; `written` is False when nothing was saved."""

    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    people_added: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    mentors: int = 0
    mentees: int = 0
    consents_added: int = 0
    groups_added: int = 0
    groups_existing: int = 0
    rows_skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[str]:
        return [error.text for error in self.errors]

    def as_dict(self) -> dict[str, Any]:
        counts = {
            key: value for key, value in self.__dict__.items() if key not in ("errors", "written")
        }
        return {"written": self.written, "errors": self.messages(), **counts}

    def raise_if_errors(self) -> None:
        """FieldErrors with every message, for callers that treat a bad file as bad input."""
        if self.errors:
            raise FieldErrors(
                f"В файле ошибки ({len(self.errors)}); ничего не записано.",
                fields={"file": self.messages()},
            )


class _Rollback(Exception):
    """Raised inside the import transaction to undo everything when a row failed."""


# --- blank workbook -----------------------------------------------------------------


def _header(ws: Worksheet, columns: tuple[tuple[str, str, int], ...]) -> None:
    ws.append([title for _, title, _ in columns])
    for index, (_, _, width) in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"


def _column_letter(columns: tuple[tuple[str, str, int], ...], key: str) -> str:
    index = next(i for i, (k, _, _) in enumerate(columns, start=1) if k == key)
    return get_column_letter(index)


def _list_validation(
    ws: Worksheet,
    columns: tuple[tuple[str, str, int], ...],
    key: str,
    source: str,
    title: str,
) -> None:
    letter = _column_letter(columns, key)
    check = DataValidation(type="list", formula1=source, allow_blank=True)
    check.error = f"Выберите значение из списка «{title}»."
    check.errorTitle = title
    check.showErrorMessage = True
    check.add(f"{letter}2:{letter}{MAX_ROWS}")
    ws.add_data_validation(check)


def _date_format(ws: Worksheet, columns: tuple[tuple[str, str, int], ...]) -> None:
    for key, _, _ in columns:
        if key in DATE_KEYS:
            letter = _column_letter(columns, key)
            ws.column_dimensions[letter].number_format = "DD.MM.YYYY"


def _workbook() -> Workbook:
    """The four sheets with headers, lists on a hidden sheet and validation where it helps."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, columns in SHEETS.items():
        ws = wb.create_sheet(title)
        _header(ws, columns)
        _date_format(ws, columns)
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
    _list_validation(people, PEOPLE_COLUMNS, "gender", ranges["Пол"], "Пол")
    _list_validation(people, PEOPLE_COLUMNS, "category", ranges["Категория"], "Категория")
    _list_validation(
        people, PEOPLE_COLUMNS, "signer", ranges["Согласие подписал"], "Согласие подписал"
    )
    for key, title in (
        ("form", "Форма наставничества"),
        ("kind_of_mentoring", "Вид наставничества"),
        ("status", "Статус"),
    ):
        _list_validation(pairs, PAIR_COLUMNS, key, ranges[title], title)
    return wb


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def blank_workbook() -> bytes:
    """The workbook a school fills in: sheets, Russian headers, lists to choose from."""
    return _save(_workbook())


# --- reading ------------------------------------------------------------------------


def _open(content: bytes) -> Workbook:
    package = open_package(
        content,
        what="книгой Excel (XLSX)",
        required=("[Content_Types].xml", "xl/workbook.xml"),
        limits=_LIMITS,
    )
    package.close()
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except DocgenError:
        raise
    except Exception as err:  # openpyxl raises many unrelated types on a broken file
        message = "Файл повреждён: он не является книгой Excel (XLSX)."
        raise FieldErrors(message, fields={"file": [message]}) from err
    missing = [title for title in SHEETS if title not in wb.sheetnames]
    if missing:
        names = ", ".join(f"«{title}»" for title in missing)
        message = f"В книге нет листов {names}. Скачайте пустой шаблон и перенесите данные в него."
        raise FieldErrors(message, fields={"file": [message]})
    return wb


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows(wb: Workbook, title: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(row number, {column key: value}) for every non-empty data row; headers by title."""
    columns = SHEETS[title]
    ws = wb[title]
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    by_title = {_cell_text(value).casefold(): i for i, value in enumerate(header)}
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
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            message = f"Лист «{title}»: больше {MAX_ROWS - 1} строк — разделите файл."
            raise FieldErrors(message, fields={"file": [message]})
        record = {
            key: values[pos] if pos is not None and pos < len(values) else None
            for key, pos in positions.items()
        }
        if any(_cell_text(value) for value in record.values()):
            yield (
                number,
                {
                    key: value.strip() if isinstance(value, str) else value
                    for key, value in record.items()
                },
            )


def _title(sheet: str, key: str) -> str:
    return next(title for k, title, _ in SHEETS[sheet] if k == key)


class _RowFailed(Exception):
    """One row's errors, raised inside its savepoint so that its writes are undone."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors


def _parse_date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern, fmt in (
        (r"\d{1,2}\.\d{1,2}\.\d{4}", "%d.%m.%Y"),
        (r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"),
    ):
        if re.fullmatch(pattern, text):
            try:
                return dt.datetime.strptime(text, fmt).date()
            except ValueError as err:
                raise ValueError("такой даты нет") from err
    raise ValueError("ожидается дата в виде ДД.ММ.ГГГГ")


def _date_or_fail(record: dict, key: str, errors: list[tuple[str, str]]) -> dt.date | None:
    try:
        return _parse_date(record.get(key))
    except ValueError as err:
        errors.append((key, str(err)))
        return None


def _split_fio(value: Any) -> tuple[str, str, str] | None:
    """«Фамилия Имя Отчество»: the first word, the second, the rest (e.g. «Гусейн оглы»)."""
    words = _cell_text(value).split()
    if len(words) < 2:
        return None
    return words[0], words[1], " ".join(words[2:])


def _fio(person: dict) -> str:
    return " ".join(
        part for part in (person["surname"], person["name"], person["patronymic"]) if part
    )


def _key(surname: str, name: str, patronymic: str | None, birth: dt.date | None) -> tuple:
    norm = registry._key  # the registry's own matching: case- and ё-insensitive
    return (norm(surname), norm(name), norm(patronymic), birth.isoformat() if birth else "")


def _registry_messages(err: DocgenError, default_key: str) -> list[tuple[str, str]]:
    """A registry error as (column key, message without its «Метка: » prefix)."""
    if not err.fields:
        return [(default_key, err.message)]
    out = []
    for name, messages in err.fields.items():
        key = _FIELD_TO_COLUMN.get(name, name)
        for message in messages:
            text = message.split(": ", 1)[1] if ": " in message else message
            out.append((key, text.rstrip(".")))
    return out


# --- import -------------------------------------------------------------------------


@dataclass
class _Context:
    db: sqlite_utils.Database
    org_id: int
    report: ImportReport
    on: dt.date
    # person key -> person id, for people of the file and found in the registry
    people: dict[tuple, int] = field(default_factory=dict)
    # person key -> row on «Люди» that failed
    failed_people: dict[tuple, int] = field(default_factory=dict)
    seen_people: dict[tuple, int] = field(default_factory=dict)


def _row(ctx: _Context, sheet: str, number: int, record: dict, apply) -> None:
    """Run one row in its own savepoint; its errors go to the report and its writes are undone."""
    try:
        with transaction(ctx.db):
            apply()
    except _RowFailed as failed:
        _record(ctx, sheet, number, record, failed.errors)
    except DocgenError as err:
        _record(ctx, sheet, number, record, _registry_messages(err, SHEETS[sheet][0][0]))


def _record(
    ctx: _Context, sheet: str, number: int, record: dict, errors: list[tuple[str, str]]
) -> None:
    keys = {key for key, _, _ in SHEETS[sheet]}
    for key, message in errors:
        column = key if key in keys else SHEETS[sheet][0][0]
        ctx.report.errors.append(
            RowError(sheet, number, _title(sheet, column), _cell_text(record.get(column)), message)
        )


def import_workbook(
    db: sqlite_utils.Database,
    org_id: int,
    content: bytes,
    *,
    valid_rows_only: bool = False,
    on: dt.date | None = None,
) -> ImportReport:
    """Import a filled workbook into an organisation's registry.

    Every row is checked; errors are reported by sheet, row and column. Unless
    `valid_rows_only`, a single error means nothing is written. The same file imported again
    changes nothing: a person is matched by surname, name, patronymic and birth date, a pair
    by its mentor, mentees and start date. `on` is the day consents are checked for new pairs.
    """
    registry.get_organisation(db, org_id)
    wb = _open(content)
    sheets = {title: list(_rows(wb, title)) for title in SHEETS}
    wb.close()
    report = ImportReport()
    ctx = _Context(db, org_id, report, on or dt.date.today())
    try:
        with transaction(db):
            for number, record in sheets[PEOPLE]:
                _import_person(ctx, number, record)
            for number, record in sheets[MENTORS]:
                _import_base(ctx, MENTORS, number, record)
            for number, record in sheets[MENTEES]:
                _import_base(ctx, MENTEES, number, record)
            _import_pairs(ctx, sheets[PAIRS])
            if report.errors and not valid_rows_only:
                raise _Rollback
    except _Rollback:
        report.written = False
        return _zero_counts(report)
    report.written = True
    return report


def _zero_counts(report: ImportReport) -> ImportReport:
    return ImportReport(errors=report.errors, written=False)


_PERSON_FIELDS = (
    "surname",
    "name",
    "patronymic",
    "gender",
    "birth_date",
    "category",
    "position",
    "experience_years",
    "partner_org",
    "email",
    "phone",
)


def _person_data(record: dict, errors: list[tuple[str, str]]) -> dict:
    data: dict[str, Any] = {}
    for key in _PERSON_FIELDS:
        value = record.get(key)
        if key == "gender":
            text = _cell_text(value).casefold()
            if text and text not in GENDERS:
                errors.append((key, "допустимые значения — м, ж"))
            data[key] = GENDERS.get(text, text)
        elif key == "birth_date":
            birth = _date_or_fail(record, key, errors)
            data[key] = birth.isoformat() if birth else None
        elif key == "experience_years":
            text = _cell_text(value)
            data[key] = int(text) if text.isdigit() else (text or None)
        elif key == "email":
            data[key] = _cell_text(value) or None
        else:
            data[key] = _cell_text(value)
    return data


def _import_person(ctx: _Context, number: int, record: dict) -> None:
    errors: list[tuple[str, str]] = []
    data = _person_data(record, errors)
    try:
        clean = PersonSchema().load({k: v for k, v in data.items() if k not in dict(errors)})
    except ValidationError as err:
        for key, messages in err.messages.items():
            for message in messages if isinstance(messages, list) else [messages]:
                errors.append((key, str(message).rstrip(".")))
        clean = None
    key = None
    if clean is not None:
        key = _key(
            clean["surname"], clean["name"], clean.get("patronymic"), clean.get("birth_date")
        )
        if key in ctx.seen_people:
            errors.append(("surname", f"этот человек уже есть в строке {ctx.seen_people[key]}"))
        else:
            ctx.seen_people[key] = number
    if errors:
        _record(ctx, PEOPLE, number, record, errors)
        ctx.failed_people.setdefault(key or _raw_key(data), number)
        return

    def apply() -> None:
        existing = registry.find_person(
            ctx.db,
            ctx.org_id,
            data["surname"],
            data["name"],
            data["patronymic"],
            data["birth_date"],
        )
        if existing is None:
            person_id = registry.add_person(ctx.db, ctx.org_id, data)
            ctx.report.people_added += 1
        else:
            person_id = existing["id"]
            changed = {
                k: v
                for k, v in registry._person_record(clean).items()
                if k in data and k not in ("is_mentor", "is_mentee") and existing.get(k) != v
            }
            if changed:
                registry.update_person(ctx.db, person_id, data)
                ctx.report.people_updated += 1
            else:
                ctx.report.people_unchanged += 1
        _import_consent(ctx, person_id, record)
        ctx.people[key] = person_id

    before = (ctx.report.people_added, ctx.report.people_updated, ctx.report.people_unchanged)
    failures = len(ctx.report.errors)
    _row(ctx, PEOPLE, number, record, apply)
    if len(ctx.report.errors) > failures:
        (ctx.report.people_added, ctx.report.people_updated, ctx.report.people_unchanged) = before
        ctx.people.pop(key, None)
        ctx.failed_people[key] = number


def _raw_key(data: dict) -> tuple:
    birth = data.get("birth_date")
    return (
        registry._key(data.get("surname")),
        registry._key(data.get("name")),
        registry._key(data.get("patronymic")),
        birth or "",
    )


def _import_consent(ctx: _Context, person_id: int, record: dict) -> None:
    errors: list[tuple[str, str]] = []
    signed_on = _date_or_fail(record, "signed_on", errors)
    withdrawn_on = _date_or_fail(record, "withdrawn_on", errors)
    signer_text = _cell_text(record.get("signer")).casefold()
    signer = SIGNERS.get(signer_text)
    if signer_text and signer is None:
        errors.append(("signer", "допустимые значения — " + ", ".join(SIGNERS)))
    if signed_on is None and not errors:
        if signer_text or withdrawn_on:
            errors.append(("signed_on", "укажите дату подписания согласия"))
    if signed_on is not None and signer is None and not signer_text:
        errors.append(("signer", "укажите, кто подписал согласие"))
    if errors:
        raise _RowFailed(errors)
    if signed_on is None:
        return
    same = next(
        ctx.db.query(
            "SELECT * FROM consents WHERE person_id = ? AND kind = 'processing' "
            "AND signed_on = ? ORDER BY id DESC LIMIT 1",
            [person_id, signed_on.isoformat()],
        ),
        None,
    )
    if same is None:
        try:
            consent_id = registry.sign_consent(
                ctx.db,
                person_id,
                "processing",
                signed_on,
                signer,
                _cell_text(record.get("representative_name")) or None,
                _cell_text(record.get("representative_doc")) or None,
            )
        except FieldErrors as err:
            raise _RowFailed(_registry_messages(err, "signed_on")) from err
        ctx.report.consents_added += 1
        same = ctx.db["consents"].get(consent_id)
    if withdrawn_on is not None and same["status"] == "signed":
        try:
            registry.withdraw_consent(ctx.db, same["id"], withdrawn_on)
        except FieldErrors as err:
            raise _RowFailed(_registry_messages(err, "withdrawn_on")) from err


def _lookup(
    ctx: _Context, fio: Any, birth_value: Any, fio_key: str, birth_key: str
) -> tuple[int | None, list[tuple[str, str]]]:
    """The person a base or pair row names, or the errors saying why there is none."""
    errors: list[tuple[str, str]] = []
    parts = _split_fio(fio)
    if parts is None:
        message = "обязательное поле" if not _cell_text(fio) else "нужны фамилия, имя и отчество"
        errors.append((fio_key, message))
    birth = _date_or_fail({birth_key: birth_value}, birth_key, errors)
    if errors:
        return None, errors
    key = _key(*parts, birth)
    if key in ctx.people:
        return ctx.people[key], []
    if key in ctx.failed_people:
        return None, [(fio_key, f"в строке {ctx.failed_people[key]} листа «{PEOPLE}» есть ошибки")]
    person = registry.find_person(ctx.db, ctx.org_id, *parts, birth)
    if person is None:
        born = f" с датой рождения {birth:%d.%m.%Y}" if birth else " без даты рождения"
        return None, [(fio_key, f"человека{born} нет ни на листе «{PEOPLE}», ни в реестре")]
    ctx.people[key] = person["id"]
    return person["id"], []


def _import_base(ctx: _Context, sheet: str, number: int, record: dict) -> None:
    person_id, errors = _lookup(
        ctx, record.get("fio"), record.get("birth_date"), "fio", "birth_date"
    )
    if errors:
        _record(ctx, sheet, number, record, errors)
        return
    if sheet == MENTORS:
        changes = {
            "is_mentor": True,
            "competences": _cell_text(record.get("competences")),
            "time_available": _cell_text(record.get("time_available")),
        }
    else:
        changes = {"is_mentee": True, "request": _cell_text(record.get("request"))}

    def apply() -> None:
        person = registry.get_person(ctx.db, person_id)
        wanted = {k: int(v) if isinstance(v, bool) else v for k, v in changes.items()}
        if any((person.get(k) or "") != (v or "") for k, v in wanted.items()):
            registry.update_person(ctx.db, person_id, changes)
        if sheet == MENTORS:
            ctx.report.mentors += 1
        else:
            ctx.report.mentees += 1

    _row(ctx, sheet, number, record, apply)


def _import_pairs(ctx: _Context, rows: list[tuple[int, dict]]) -> None:
    groups: dict[str, list[tuple[int, dict]]] = {}
    for number, record in rows:
        label = _cell_text(record.get("number"))
        if not label:
            _record(ctx, PAIRS, number, record, [("number", "обязательное поле")])
            continue
        groups.setdefault(label, []).append((number, record))
    for members in groups.values():
        _import_group(ctx, members)


_GROUP_KEYS = (
    "mentor",
    "mentor_birth",
    "form",
    "kind_of_mentoring",
    "start_date",
    "end_date",
    "status",
    "result",
    "closed_on",
)


def _import_group(ctx: _Context, members: list[tuple[int, dict]]) -> None:
    first_number, first = members[0]
    failed = False
    # Later rows of a group may leave the group's columns empty, but may not contradict them.
    for number, record in members[1:]:
        clashes = [
            (key, f"не совпадает со строкой {first_number} той же пары (группы)")
            for key in _GROUP_KEYS
            if _cell_text(record.get(key))
            and _cell_text(record.get(key)) != _cell_text(first.get(key))
        ]
        if clashes:
            _record(ctx, PAIRS, number, record, clashes)
            failed = True
    errors: list[tuple[str, str]] = []
    mentor_id, mentor_errors = _lookup(
        ctx, first.get("mentor"), first.get("mentor_birth"), "mentor", "mentor_birth"
    )
    errors += mentor_errors
    mentee_ids = []
    for number, record in members:
        mentee_id, mentee_errors = _lookup(
            ctx, record.get("mentee"), record.get("mentee_birth"), "mentee", "mentee_birth"
        )
        if mentee_errors:
            _record(ctx, PAIRS, number, record, mentee_errors)
            failed = True
        else:
            mentee_ids.append(mentee_id)
    form_text = _cell_text(first.get("form"))
    form_code = FORMS.get(form_text) or (form_text if form_text in FORM_TEXT else None)
    if not form_text:
        errors.append(("form", "обязательное поле"))
    elif form_code is None:
        errors.append(("form", "допустимые значения — " + ", ".join(FORMS)))
    kind = _cell_text(first.get("kind_of_mentoring")) or None
    if kind is not None and kind not in KINDS_OF_MENTORING:
        errors.append(
            ("kind_of_mentoring", "допустимые значения — " + ", ".join(KINDS_OF_MENTORING))
        )
    start = _date_or_fail(first, "start_date", errors)
    end = _date_or_fail(first, "end_date", errors)
    for key, value in (("start_date", start), ("end_date", end)):
        if value is None and not any(k == key for k, _ in errors):
            errors.append((key, "обязательное поле"))
    status_text = _cell_text(first.get("status")).casefold() or "действует"
    status = STATUSES.get(status_text)
    if status is None:
        errors.append(("status", "допустимые значения — " + ", ".join(STATUSES)))
    closed_on = _date_or_fail(first, "closed_on", errors)
    result = _cell_text(first.get("result"))
    if status == "closed":
        if closed_on is None and not any(k == "closed_on" for k, _ in errors):
            errors.append(("closed_on", "обязательное поле для завершённой пары (группы)"))
        if not result:
            errors.append(("result", "обязательное поле для завершённой пары (группы)"))
    if errors:
        _record(ctx, PAIRS, first_number, first, errors)
        return
    if failed:
        return

    def apply() -> None:
        existing = _find_group(ctx, mentor_id, mentee_ids, start)
        if existing is not None:
            ctx.report.groups_existing += 1
            if status == "closed" and existing["status"] != "closed":
                registry.close_group(ctx.db, existing["id"], result, closed_on)
            return
        if status != "closed":
            bases.check_pair_consents(ctx.db, mentor_id, mentee_ids, ctx.on)
        group_id = registry.create_group(
            ctx.db,
            ctx.org_id,
            form_code=form_code,
            mentor_id=mentor_id,
            mentee_ids=mentee_ids,
            start_date=start,
            end_date=end,
            kind_of_mentoring=kind,
            status="planned" if status == "planned" else "active",
        )
        if status == "closed":
            registry.close_group(ctx.db, group_id, result, closed_on)
        ctx.report.groups_added += 1

    _row(ctx, PAIRS, first_number, first, apply)


def _find_group(
    ctx: _Context, mentor_id: int, mentee_ids: list[int], start: dt.date
) -> dict | None:
    for group in ctx.db.query(
        "SELECT * FROM mentoring_groups WHERE org_id = ? AND mentor_id = ? AND start_date = ?",
        [ctx.org_id, mentor_id, start.isoformat()],
    ):
        members = {
            row["person_id"]
            for row in ctx.db.query(
                "SELECT person_id FROM group_mentees WHERE group_id = ?", [group["id"]]
            )
        }
        if members == set(mentee_ids):
            return group
    return None


# --- export -------------------------------------------------------------------------


def _latest_consent(db: sqlite_utils.Database, person_id: int) -> dict | None:
    return next(
        db.query(
            "SELECT * FROM consents WHERE person_id = ? AND kind = 'processing' "
            "AND status IN ('signed', 'withdrawn') ORDER BY signed_on DESC, id DESC LIMIT 1",
            [person_id],
        ),
        None,
    )


def _date_value(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _append(ws: Worksheet, values: list[Any]) -> None:
    ws.append(values)
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, dt.date):
            cell.number_format = "DD.MM.YYYY"


def export_workbook(db: sqlite_utils.Database, org_id: int) -> bytes:
    """The organisation's registry in the import layout (importing it back changes nothing)."""
    registry.get_organisation(db, org_id)
    wb = _workbook()
    people = registry.list_people(db, org_id)
    for person in people:
        consent = _latest_consent(db, person["id"])
        _append(
            wb[PEOPLE],
            [
                person["surname"],
                person["name"],
                person["patronymic"] or None,
                GENDER_TEXT.get(person["gender"], person["gender"]),
                _date_value(person["birth_date"]),
                person["category"],
                person["position"] or None,
                person["experience_years"],
                person["partner_org"] or None,
                person["email"] or None,
                person["phone"] or None,
                _date_value(consent["signed_on"]) if consent else None,
                SIGNER_TEXT.get(consent["signer"]) if consent else None,
                (consent["representative_name"] or None) if consent else None,
                (consent["representative_doc"] or None) if consent else None,
                _date_value(consent["withdrawn_on"]) if consent else None,
            ],
        )
        if person["is_mentor"]:
            _append(
                wb[MENTORS],
                [
                    _fio(person),
                    _date_value(person["birth_date"]),
                    person["competences"] or None,
                    person["time_available"] or None,
                ],
            )
        if person["is_mentee"]:
            _append(
                wb[MENTEES],
                [_fio(person), _date_value(person["birth_date"]), person["request"] or None],
            )
    for number, group in enumerate(registry.list_groups(db, org_id), start=1):
        for mentee in group["mentees"]:
            mentor = group["mentor"]
            _append(
                wb[PAIRS],
                [
                    number,
                    _fio(mentor),
                    _date_value(mentor["birth_date"]),
                    _fio(mentee),
                    _date_value(mentee["birth_date"]),
                    FORM_TEXT.get(group["form_code"], group["form_code"]),
                    group["kind_of_mentoring"],
                    _date_value(group["start_date"]),
                    _date_value(group["end_date"]),
                    STATUS_TEXT[group["status"]],
                    group["result"],
                    _date_value(group["closed_on"]),
                ],
            )
    return _save(wb)


# --- the register (DOMAIN.md §2.10) ---------------------------------------------------

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
    ws.append([heading])
    ws.append([org["full_name"]])
    ws.append([f"по состоянию на {on:%d.%m.%Y}"])
    ws.append([])
    ws.append([name for name, _ in columns])
    for row in (1, 2, 3):
        ws.cell(row=row, column=1).font = Font(bold=row == 1, size=12 if row == 1 else 11)
    for index, (_, width) in enumerate(columns, start=1):
        cell = ws.cell(row=5, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A6"
    return ws


def _contacts(person: dict) -> str:
    return ", ".join(part for part in (person.get("phone"), person.get("email")) if part)


def _age_or_experience(person: dict, on: dt.date) -> str:
    parts = []
    if person.get("birth_date"):
        parts.append(f"{registry.age_on(person['birth_date'], on)} лет")
    if person.get("experience_years") is not None:
        parts.append(f"стаж {person['experience_years']}")
    return " / ".join(parts)


def _consent_mark(db: sqlite_utils.Database, person: dict, on: dt.date) -> str:
    consent = registry.valid_consent(db, person["id"], "processing", on)
    if consent is not None:
        return f"получено {dt.date.fromisoformat(consent['signed_on']):%d.%m.%Y}"
    state = bases.consent_state(db, person["id"], on)
    return {"withdrawn": "отозвано", "requested": "запрошено"}.get(state, "нет")


def _period(group: dict) -> str:
    start = dt.date.fromisoformat(group["start_date"])
    end = dt.date.fromisoformat(group["closed_on"] or group["end_date"])
    return f"с {start:%d.%m.%Y} по {end:%d.%m.%Y}"


def _order_text(db: sqlite_utils.Database, group: dict) -> str:
    if not group.get("order_document_id"):
        return ""
    doc = db["documents"].get(group["order_document_id"])
    if doc["status"] != "registered":
        return ""
    return f"№ {doc['number']} от {dt.date.fromisoformat(doc['reg_date']):%d.%m.%Y}"


def _place(org: dict, person: dict) -> str:
    place = person.get("partner_org") or org.get("short_name") or org["full_name"]
    return ", ".join(part for part in (place, person.get("position")) if part)


def register_workbook(db: sqlite_utils.Database, org_id: int, on: dt.date | None = None) -> bytes:
    """«Реестр участников программы наставничества»: the mentors' and the mentees' registers."""
    org = registry.get_organisation(db, org_id)
    day = on or dt.date.today()
    groups = registry.list_groups(db, org_id)
    people = registry.list_people(db, org_id)
    wb = Workbook()
    wb.remove(wb.active)
    heading = "Реестр участников программы наставничества"
    mentors_ws = _register_sheet(
        wb, "Реестр наставников", f"{heading}. Реестр наставников", org, day, MENTOR_REGISTER
    )
    mentees_ws = _register_sheet(
        wb, "Реестр наставляемых", f"{heading}. Реестр наставляемых", org, day, MENTEE_REGISTER
    )
    as_mentor = {p["id"]: [g for g in groups if g["mentor_id"] == p["id"]] for p in people}
    as_mentee = {
        p["id"]: [g for g in groups if any(m["id"] == p["id"] for m in g["mentees"])]
        for p in people
    }
    number = 0
    for person in people:
        own = as_mentor[person["id"]]
        if not (person["is_mentor"] or own):
            continue
        number += 1
        mentors_ws.append(
            [
                number,
                _fio(person),
                _contacts(person),
                _place(org, person),
                _age_or_experience(person, day),
                person["competences"] or "",
                "\n".join(FORM_TEXT.get(g["form_code"], "") for g in own),
                "\n".join(", ".join(_fio(m) for m in g["mentees"]) for g in own),
                "\n".join(_period(g) for g in own),
                "",
                "\n".join(_order_text(db, g) for g in own),
                "\n".join(g["result"] or "" for g in own),
                _consent_mark(db, person, day),
            ]
        )
    number = 0
    for person in people:
        own = as_mentee[person["id"]]
        if not (person["is_mentee"] or own):
            continue
        number += 1
        consent = _latest_consent(db, person["id"])
        contacts = _contacts(person)
        if person.get("birth_date") and registry.age_on(person["birth_date"], day) < 18:
            representative = (consent or {}).get("representative_name") or ""
            contacts = ", ".join(part for part in (representative, contacts) if part)
        mentees_ws.append(
            [
                number,
                _fio(person),
                contacts,
                person["position"] or "",
                _age_or_experience(person, day),
                person["request"] or "",
                "\n".join(FORM_TEXT.get(g["form_code"], "") for g in own),
                "\n".join(_fio(g["mentor"]) for g in own),
                "\n".join(_period(g) for g in own),
                "\n".join(g["result"] or "" for g in own),
                "",
                _consent_mark(db, person, day),
            ]
        )
    for ws in (mentors_ws, mentees_ws):
        for row in ws.iter_rows(min_row=6):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _save(wb)
