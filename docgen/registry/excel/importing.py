"""Import of a filled registry workbook, with every error by sheet, row and column.

Every row is applied in its own savepoint, so the registry's own rules produce the messages.
The rows are written in short write transactions (`batches.BATCH_SECONDS` each), so that other writers
of the database — other schools included — never wait long for its lock; an undo log kept by
temporary triggers (visible to this connection only) records the inverse of every write. If any
row fails and the user did not ask for the valid rows only, the log is replayed backwards, again
in short transactions, and the registry is as it was: all or nothing for the user, with the
same report. Other readers may see the rows of a failing import for the seconds it runs; a
process killed in the middle leaves the rows written so far (valid rows, each complete).

Speed: the organisation's people are read once into a lookup table (no scan per row), the
schemas are built once per import, and new people are inserted directly.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from marshmallow import ValidationError

from docgen import dates
from docgen import text as plain_text
from docgen.db import now_iso, transaction
from docgen.errors import DocgenError, FieldErrors
from docgen.registry import bases, consents, groups, organisations, people
from docgen.registry.excel import batches
from docgen.registry.excel.batches import Writer
from docgen.registry.excel.report import ImportReport, RowError
from docgen.registry.excel.sheets import (
    FORM_TEXT,
    FORMS,
    GENDERS,
    MENTEES,
    MENTORS,
    PAIRS,
    PEOPLE,
    SHEETS,
    SIGNERS,
    STATUSES,
    Formula,
    cell_text,
    column_title,
    read_workbook,
)
from docgen.registry.schemas import KINDS_OF_MENTORING, PersonSchema

# The fields a row of «Наставники» or «Наставляемые» changes.
_BASE_FIELDS = ("is_mentor", "is_mentee", "competences", "time_available", "request")

# Registry field -> column key, for messages the registry raises about a row.
_FIELD_TO_COLUMN = {
    "form_code": "form",
    "mentor_id": "mentor",
    "mentee_ids": "mentee",
    "result": "result",
    "closed_on": "closed_on",
    "date": "signed_on",
}


class _RowFailed(Exception):
    """One row's errors, raised inside its savepoint so that its writes are undone."""

    def __init__(self, errors: list[tuple[str, str]]):
        super().__init__(errors)
        self.errors = errors


def _date_or_fail(record: dict, key: str, errors: list[tuple[str, str]]) -> dt.date | None:
    try:
        return dates.to_date(record.get(key))
    except dates.DateError as err:
        errors.append((key, str(err)))
        return None


def _cell_errors(record: dict) -> list[tuple[str, str]]:
    """Cells no row may carry: a formula (never evaluated) or a control character."""
    errors = []
    for key, value in record.items():
        if isinstance(value, Formula):
            errors.append(
                (key, "формулы не принимаются — вставьте значение (Специальная вставка → Значения)")
            )
        elif isinstance(value, str) and (char := plain_text.first_control(value)):
            message = plain_text.message(char)
            errors.append((key, message[0].lower() + message[1:].rstrip(".")))
    return errors


def _split_fio(value: Any) -> tuple[str, str, str] | None:
    """«Фамилия Имя Отчество»: the first word, the second, the rest (e.g. «Гусейн оглы»)."""
    words = cell_text(value).split()
    if len(words) < 2:
        return None
    return words[0], words[1], " ".join(words[2:])


def _key(surname: str, name: str, patronymic: str | None, birth: dt.date | None) -> tuple:
    norm = people.name_key  # the registry's own matching: case- and ё-insensitive
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


@dataclass
class _Context:
    db: sqlite_utils.Database
    org_id: int
    report: ImportReport
    on: dt.date
    writer: Writer
    # person key -> person id, for people of the file and found in the registry
    people: dict[tuple, int] = field(default_factory=dict)
    # person key -> row on «Люди» that failed
    failed_people: dict[tuple, int] = field(default_factory=dict)
    seen_people: dict[tuple, int] = field(default_factory=dict)
    # person key -> the registry's row, read once per import (the registry's first match)
    registry: dict[tuple, dict] = field(default_factory=dict)
    person_schema: PersonSchema = field(default_factory=PersonSchema)
    base_schema: PersonSchema = field(default_factory=lambda: PersonSchema(only=_BASE_FIELDS))

    def load_registry(self) -> None:
        for person in self.db.query(
            "SELECT * FROM people WHERE org_id = ? ORDER BY id", [self.org_id]
        ):
            self.registry.setdefault(_registry_key(person), person)


def _registry_key(person: dict) -> tuple:
    norm = people.name_key
    return (
        norm(person["surname"]),
        norm(person["name"]),
        norm(person["patronymic"]),
        person["birth_date"] or "",
    )


def _row(ctx: _Context, sheet: str, number: int, record: dict, apply) -> None:
    """Run one row in its own savepoint; its errors go to the report and its writes are undone."""
    with ctx.writer.row():
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
            RowError(
                sheet, number, column_title(sheet, column), cell_text(record.get(column)), message
            )
        )


def import_workbook(
    db: sqlite_utils.Database,
    org_id: int,
    content: bytes,
    *,
    valid_rows_only: bool = False,
    on: dt.date | None = None,
    import_id: int | None = None,
) -> ImportReport:
    """Import a filled workbook into an organisation's registry.

    Every row is checked; errors are reported by sheet, row and column. Unless
    `valid_rows_only`, a single error means nothing is written. The same file imported again
    changes nothing: a person is matched by surname, name, patronymic and birth date, a pair
    by its mentor, mentees and start date. `on` is the day consents are checked for new pairs.
    `import_id` is the import's record (batches.create) when a job runs it; without one, a
    record is made here, so that a crash in the middle is taken back by the next start.
    """
    organisations.get_organisation(db, org_id)
    return import_rows(
        db,
        org_id,
        read_workbook(content),
        valid_rows_only=valid_rows_only,
        on=on,
        import_id=import_id,
    )


def import_rows(
    db: sqlite_utils.Database,
    org_id: int,
    by_sheet: dict[str, list[tuple[int, dict[str, Any]]]],
    *,
    valid_rows_only: bool = False,
    on: dt.date | None = None,
    import_id: int | None = None,
) -> ImportReport:
    """`import_workbook` for rows already read (sheets.read_workbook)."""
    report = ImportReport()
    keep = import_id is not None
    if import_id is None and not db.conn.in_transaction:
        import_id = batches.create(db, org_id, valid_rows_only=valid_rows_only, on=on)
    with Writer(db, import_id) as writer:
        ctx = _Context(db, org_id, report, on or dt.date.today(), writer)
        ctx.load_registry()
        for number, record in by_sheet[PEOPLE]:
            _import_person(ctx, number, record)
        for number, record in by_sheet[MENTORS]:
            _import_base(ctx, MENTORS, number, record)
        for number, record in by_sheet[MENTEES]:
            _import_base(ctx, MENTEES, number, record)
        _import_pairs(ctx, by_sheet[PAIRS])
        if report.errors and not valid_rows_only:
            writer.undo()
            report = _zero_counts(report)
        else:
            report.written = True
        writer.finish(report.to_json(), keep=keep)
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
            text = cell_text(value).casefold()
            if text and text not in GENDERS:
                errors.append((key, "допустимые значения — м, ж"))
            data[key] = GENDERS.get(text, text)
        elif key == "birth_date":
            birth = _date_or_fail(record, key, errors)
            data[key] = birth.isoformat() if birth else None
        elif key == "experience_years":
            text = cell_text(value)
            data[key] = int(text) if text.isdigit() else (text or None)
        elif key == "email":
            data[key] = cell_text(value) or None
        else:
            data[key] = cell_text(value)
    return data


def _import_person(ctx: _Context, number: int, record: dict) -> None:
    cell_errors = _cell_errors(record)
    errors = list(cell_errors)
    data = _person_data(record, errors)
    clean = None
    try:
        if not cell_errors:
            clean = ctx.person_schema.load({k: v for k, v in data.items() if k not in dict(errors)})
    except ValidationError as err:
        for key, messages in err.messages.items():
            for message in messages if isinstance(messages, list) else [messages]:
                errors.append((key, str(message).rstrip(".")))
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
        existing = ctx.registry.get(_raw_key(data))
        if existing is None:
            person_id = _add_person(ctx, clean)
            ctx.report.people_added += 1
        else:
            person_id = existing["id"]
            changed = {
                k: v
                for k, v in people.person_record(clean).items()
                if k in data and k not in ("is_mentor", "is_mentee") and existing.get(k) != v
            }
            if changed:
                people.update_person(ctx.db, person_id, data)
                ctx.report.people_updated += 1
            else:
                ctx.report.people_unchanged += 1
        _import_consent(ctx, person_id, record, new=existing is None)
        ctx.people[key] = person_id

    before = (ctx.report.people_added, ctx.report.people_updated, ctx.report.people_unchanged)
    failures = len(ctx.report.errors)
    _row(ctx, PEOPLE, number, record, apply)
    if len(ctx.report.errors) > failures:
        (ctx.report.people_added, ctx.report.people_updated, ctx.report.people_unchanged) = before
        ctx.people.pop(key, None)
        ctx.failed_people[key] = number


def _add_person(ctx: _Context, clean: dict) -> int:
    """people.add_person for a row already loaded by PersonSchema and not in the registry."""
    record = {**people.person_record(clean), "org_id": ctx.org_id, "created_at": now_iso()}
    names = ", ".join(record)
    marks = ", ".join("?" for _ in record)
    try:
        cursor = ctx.db.execute(
            f"INSERT INTO people ({names}) VALUES ({marks})", list(record.values())
        )
    except sqlite3.IntegrityError as err:  # added by someone else since the import began
        message = f"Человек {people.short_name(record)} уже есть в реестре этой организации"
        raise _RowFailed([("surname", message)]) from err
    return cursor.lastrowid


def _raw_key(data: dict) -> tuple:
    birth = data.get("birth_date")
    return (
        people.name_key(data.get("surname")),
        people.name_key(data.get("name")),
        people.name_key(data.get("patronymic")),
        birth or "",
    )


def _import_consent(ctx: _Context, person_id: int, record: dict, *, new: bool = False) -> None:
    errors: list[tuple[str, str]] = []
    signed_on = _date_or_fail(record, "signed_on", errors)
    withdrawn_on = _date_or_fail(record, "withdrawn_on", errors)
    signer_text = cell_text(record.get("signer")).casefold()
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
    same = None
    if not new:  # a person added by this row has no consent yet
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
            consent_id = consents.sign_consent(
                ctx.db,
                person_id,
                "processing",
                signed_on,
                signer,
                cell_text(record.get("representative_name")) or None,
                cell_text(record.get("representative_doc")) or None,
            )
        except FieldErrors as err:
            raise _RowFailed(_registry_messages(err, "signed_on")) from err
        ctx.report.consents_added += 1
        same = ctx.db["consents"].get(consent_id)
    if withdrawn_on is not None and same["status"] == "signed":
        try:
            consents.withdraw_consent(ctx.db, same["id"], withdrawn_on)
        except FieldErrors as err:
            raise _RowFailed(_registry_messages(err, "withdrawn_on")) from err


def _lookup(
    ctx: _Context, fio: Any, birth_value: Any, fio_key: str, birth_key: str
) -> tuple[int | None, list[tuple[str, str]]]:
    """The person a base or pair row names, or the errors saying why there is none."""
    errors: list[tuple[str, str]] = []
    parts = _split_fio(fio)
    if parts is None:
        message = "обязательное поле" if not cell_text(fio) else "нужны фамилия, имя и отчество"
        errors.append((fio_key, message))
    birth = _date_or_fail({birth_key: birth_value}, birth_key, errors)
    if errors:
        return None, errors
    key = _key(*parts, birth)
    if key in ctx.people:
        return ctx.people[key], []
    if key in ctx.failed_people:
        return None, [(fio_key, f"в строке {ctx.failed_people[key]} листа «{PEOPLE}» есть ошибки")]
    person = ctx.registry.get(key)
    if person is None:
        born = f" с датой рождения {birth:%d.%m.%Y}" if birth else " без даты рождения"
        return None, [(fio_key, f"человека{born} нет ни на листе «{PEOPLE}», ни в реестре")]
    ctx.people[key] = person["id"]
    return person["id"], []


def _import_base(ctx: _Context, sheet: str, number: int, record: dict) -> None:
    errors = _cell_errors(record)
    if errors:
        _record(ctx, sheet, number, record, errors)
        return
    person_id, errors = _lookup(
        ctx, record.get("fio"), record.get("birth_date"), "fio", "birth_date"
    )
    if errors:
        _record(ctx, sheet, number, record, errors)
        return
    if sheet == MENTORS:
        changes = {
            "is_mentor": True,
            "competences": cell_text(record.get("competences")),
            "time_available": cell_text(record.get("time_available")),
        }
    else:
        changes = {"is_mentee": True, "request": cell_text(record.get("request"))}

    def apply() -> None:
        person = people.get_person(ctx.db, person_id)
        wanted = {k: int(v) if isinstance(v, bool) else v for k, v in changes.items()}
        if any((person.get(k) or "") != (v or "") for k, v in wanted.items()):
            # people.update_person without its per-call schema: only these fields change,
            # so the person's identity (and its uniqueness) stays as it is.
            merged = {k: person[k] for k in _BASE_FIELDS} | changes
            clean = ctx.base_schema.load_or_raise(merged)
            record = {k: int(v) if isinstance(v, bool) else v for k, v in clean.items()}
            ctx.db["people"].update(person_id, record)
        if sheet == MENTORS:
            ctx.report.mentors += 1
        else:
            ctx.report.mentees += 1

    _row(ctx, sheet, number, record, apply)


def _import_pairs(ctx: _Context, rows: list[tuple[int, dict]]) -> None:
    groups: dict[str, list[tuple[int, dict]]] = {}
    for number, record in rows:
        label = cell_text(record.get("number"))
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
    for number, record in members:
        if cell_errors := _cell_errors(record):
            _record(ctx, PAIRS, number, record, cell_errors)
            failed = True
    if failed:
        return  # a group's other checks read its cells; they run once the cells are fixed
    # Later rows of a group may leave the group's columns empty, but may not contradict them.
    for number, record in members[1:]:
        clashes = [
            (key, f"не совпадает со строкой {first_number} той же пары (группы)")
            for key in _GROUP_KEYS
            if cell_text(record.get(key))
            and cell_text(record.get(key)) != cell_text(first.get(key))
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
    form_text = cell_text(first.get("form"))
    form_code = FORMS.get(form_text) or (form_text if form_text in FORM_TEXT else None)
    if not form_text:
        errors.append(("form", "обязательное поле"))
    elif form_code is None:
        errors.append(("form", "допустимые значения — " + ", ".join(FORMS)))
    kind = cell_text(first.get("kind_of_mentoring")) or None
    if kind is not None and kind not in KINDS_OF_MENTORING:
        errors.append(
            ("kind_of_mentoring", "допустимые значения — " + ", ".join(KINDS_OF_MENTORING))
        )
    start = _date_or_fail(first, "start_date", errors)
    end = _date_or_fail(first, "end_date", errors)
    for key, value in (("start_date", start), ("end_date", end)):
        if value is None and not any(k == key for k, _ in errors):
            errors.append((key, "обязательное поле"))
    status_text = cell_text(first.get("status")).casefold() or "действует"
    status = STATUSES.get(status_text)
    if status is None:
        errors.append(("status", "допустимые значения — " + ", ".join(STATUSES)))
    closed_on = _date_or_fail(first, "closed_on", errors)
    result = cell_text(first.get("result"))
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
                groups.close_group(ctx.db, existing["id"], result, closed_on)
            return
        pair = {
            "form_code": form_code,
            "mentor_id": mentor_id,
            "mentee_ids": mentee_ids,
            "start_date": start,
            "end_date": end,
            "kind_of_mentoring": kind,
        }
        if status == "closed":
            # A finished pair is history: it needs no consent in force today.
            group_id = groups.create_group(ctx.db, ctx.org_id, **pair)
            groups.close_group(ctx.db, group_id, result, closed_on)
        else:
            bases.form_pair(ctx.db, ctx.org_id, **pair, status=status, on=ctx.on)
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
