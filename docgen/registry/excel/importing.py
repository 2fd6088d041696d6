"""Import of a filled registry workbook, with every error by sheet, row and column.

The rows are written in short write transactions (`batches.BATCH_SECONDS` each), so that other
writers of the database — other schools included — never wait long for its lock; the inverse of
every write goes to an undo log on disk in the same transaction. If any row fails and the user
did not ask for the valid rows only, the log is replayed backwards, again in short
transactions, and the registry is as it was; if the process dies in the middle, the next start
replays it (batches.recover): all or nothing for the user, with the same report. Other readers
may see the rows of an import for the seconds it runs.

Speed: the sheets are read by a lean reader (sheets.py), the organisation's people once into a
lookup table, the schemas are built once, and rows about people this import added are checked in
memory and written with plain SQL (fast.py); any other row goes through the registry's own
functions in its own savepoint, so the registry's rules produce the messages. The «Пары и
группы» sheet is in pairs.py, what the sheets share in rows.py.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

import sqlite_utils
from marshmallow import ValidationError

from docgen.db import now_iso
from docgen.errors import FieldErrors
from docgen.registry import consents, organisations, people
from docgen.registry.excel import batches, fast
from docgen.registry.excel.batches import Writer
from docgen.registry.excel.pairs import import_pairs
from docgen.registry.excel.report import ImportReport
from docgen.registry.excel.rows import (
    BASE_FIELDS,
    Context,
    RowFailed,
    cell_errors,
    date_or_fail,
    lookup,
    person_key,
    record_errors,
    registry_messages,
    run_row,
)
from docgen.registry.excel.sheets import (
    GENDERS,
    MENTEES,
    MENTORS,
    PAIRS,
    PEOPLE,
    SIGNERS,
    cell_text,
    read_workbook,
)
from docgen.registry.schemas import stored


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
        ctx = Context(db, org_id, report, on or dt.date.today(), writer)
        ctx.load_registry()
        for number, record in by_sheet[PEOPLE]:
            _import_person(ctx, number, record)
        for number, record in by_sheet[MENTORS]:
            _import_base(ctx, MENTORS, number, record)
        for number, record in by_sheet[MENTEES]:
            _import_base(ctx, MENTEES, number, record)
        import_pairs(ctx, by_sheet[PAIRS])
        if report.errors and not valid_rows_only:
            writer.undo()
            report = _zero_counts(report)
        else:
            report.written = True
        writer.finish(report.to_json(), keep=keep)
    return report


def _zero_counts(report: ImportReport) -> ImportReport:
    return ImportReport(errors=report.errors, written=False)


_PERSON_FIELDS = fast.PERSON_FIELDS


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
            birth = date_or_fail(record, key, errors)
            data[key] = birth.isoformat() if birth else None
        elif key == "experience_years":
            text = cell_text(value)
            data[key] = int(text) if text.isdigit() else (text or None)
        elif key == "email":
            data[key] = cell_text(value) or None
        else:
            data[key] = cell_text(value)
    return data


def _import_person(ctx: Context, number: int, record: dict) -> None:
    bad_cells = cell_errors(record)
    errors = list(bad_cells)
    data = _person_data(record, errors)
    clean = None
    try:
        if not errors:
            clean = fast.person(data) or ctx.person_schema.load(data)
        elif not bad_cells:
            clean = ctx.person_schema.load({k: v for k, v in data.items() if k not in dict(errors)})
    except ValidationError as err:
        for key, messages in err.messages.items():
            for message in messages if isinstance(messages, list) else [messages]:
                errors.append((key, str(message).rstrip(".")))
    key = None
    if clean is not None:
        key = person_key(
            clean["surname"], clean["name"], clean.get("patronymic"), clean.get("birth_date")
        )
        if key in ctx.seen_people:
            errors.append(("surname", f"этот человек уже есть в строке {ctx.seen_people[key]}"))
        else:
            ctx.seen_people[key] = number
    if errors:
        record_errors(ctx, PEOPLE, number, record, errors)
        ctx.failed_people.setdefault(key or _raw_key(data), number)
        return

    existing = ctx.registry.get(_raw_key(data))
    consent = _fast_consent(ctx, clean, record) if existing is None else None

    def apply_fast() -> None:
        person_id = _add_person(ctx, clean)
        ctx.report.people_added += 1
        person = {**people.person_record(clean), "id": person_id, "consent": None}
        if consent:
            fast.insert(ctx.db.conn, "consents", {**consent, "person_id": person_id})
            ctx.report.consents_added += 1
            person["consent"] = consent
        ctx.known[person_id] = ctx.current[person_id] = person
        ctx.people[key] = person_id

    def apply() -> None:
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
                ctx.current.pop(person_id, None)
            else:
                ctx.report.people_unchanged += 1
        _import_consent(ctx, person_id, record, new=existing is None)
        ctx.people[key] = person_id
        if existing is None:  # kept only once the row stands: a rolled-back id is reused
            ctx.current[person_id] = people.person_record(clean)

    before = (ctx.report.people_added, ctx.report.people_updated, ctx.report.people_unchanged)
    failures = len(ctx.report.errors)
    if consent is not None:
        run_row(ctx, PEOPLE, number, record, apply_fast, savepoint=False)
    else:
        run_row(ctx, PEOPLE, number, record, apply)
    if len(ctx.report.errors) > failures:
        (ctx.report.people_added, ctx.report.people_updated, ctx.report.people_unchanged) = before
        ctx.people.pop(key, None)
        ctx.failed_people[key] = number


def _add_person(ctx: Context, clean: dict) -> int:
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
        raise RowFailed([("surname", message)]) from err
    return cursor.lastrowid


def _raw_key(data: dict) -> tuple:
    birth = data.get("birth_date")
    return (
        people.name_key(data.get("surname")),
        people.name_key(data.get("name")),
        people.name_key(data.get("patronymic")),
        birth or "",
    )


def _consent_input(record: dict) -> tuple[Any, Any, Any, list[tuple[str, str]]]:
    """The consent columns of a «Люди» row: signed on, withdrawn on, signer, and errors."""
    errors: list[tuple[str, str]] = []
    signed_on = date_or_fail(record, "signed_on", errors)
    withdrawn_on = date_or_fail(record, "withdrawn_on", errors)
    signer_text = cell_text(record.get("signer")).casefold()
    signer = SIGNERS.get(signer_text)
    if signer_text and signer is None:
        errors.append(("signer", "допустимые значения — " + ", ".join(SIGNERS)))
    if signed_on is None and not errors:
        if signer_text or withdrawn_on:
            errors.append(("signed_on", "укажите дату подписания согласия"))
    if signed_on is not None and signer is None and not signer_text:
        errors.append(("signer", "укажите, кто подписал согласие"))
    return signed_on, withdrawn_on, signer, errors


def _fast_consent(ctx: Context, clean: dict, record: dict) -> dict | None:
    """The consent row of a new person on the cheap path ({} for none), or None: the registry
    decides (and words the errors)."""
    signed_on, withdrawn_on, signer, errors = _consent_input(record)
    if errors or not fast.ENABLED:
        return None
    if signed_on is None:
        return {}
    return fast.consent_row(
        ctx.sign_schema,
        people.person_record(clean),
        signed_on,
        signer,
        cell_text(record.get("representative_name")) or None,
        cell_text(record.get("representative_doc")) or None,
        withdrawn_on,
    )


def _import_consent(ctx: Context, person_id: int, record: dict, *, new: bool = False) -> None:
    signed_on, withdrawn_on, signer, errors = _consent_input(record)
    if errors:
        raise RowFailed(errors)
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
            raise RowFailed(registry_messages(err, "signed_on")) from err
        ctx.report.consents_added += 1
        same = ctx.db["consents"].get(consent_id)
    if withdrawn_on is not None and same["status"] == "signed":
        try:
            consents.withdraw_consent(ctx.db, same["id"], withdrawn_on)
        except FieldErrors as err:
            raise RowFailed(registry_messages(err, "withdrawn_on")) from err


def _import_base(ctx: Context, sheet: str, number: int, record: dict) -> None:
    errors = cell_errors(record)
    if errors:
        record_errors(ctx, sheet, number, record, errors)
        return
    person_id, errors = lookup(
        ctx, record.get("fio"), record.get("birth_date"), "fio", "birth_date"
    )
    if errors:
        record_errors(ctx, sheet, number, record, errors)
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
        person = ctx.current.get(person_id) or people.get_person(ctx.db, person_id)
        wanted = {k: int(v) if isinstance(v, bool) else v for k, v in changes.items()}
        if any((person.get(k) or "") != (v or "") for k, v in wanted.items()):
            # people.update_person without its per-call schema: only these fields change,
            # so the person's identity (and its uniqueness) stays as it is.
            merged = stored({k: person[k] for k in BASE_FIELDS}, ctx.base_schema) | changes
            clean = fast.base_fields(merged) or ctx.base_schema.load_or_raise(merged)
            record = {k: int(v) if isinstance(v, bool) else v for k, v in clean.items()}
            sets = ", ".join(f"{k} = ?" for k in record)
            ctx.db.conn.execute(
                f"UPDATE people SET {sets} WHERE id = ?", [*record.values(), person_id]
            )
            ctx.current[person_id] = {**person, **record}
        if sheet == MENTORS:
            ctx.report.mentors += 1
        else:
            ctx.report.mentees += 1

    run_row(ctx, sheet, number, record, apply, savepoint=False)


def run_queued(db: sqlite_utils.Database, import_id: int) -> ImportReport | None:
    """Run a queued import (batches.create with the upload); its report, kept with its record.
    A broken file ends the import failed with the file's message. None if it is not queued."""
    row = batches.claim(db, import_id)
    if row is None:
        return None
    try:
        by_sheet = read_workbook(row["content"])
    except FieldErrors as err:
        batches.fail(db, import_id, err.message)
        return None
    on = dt.date.fromisoformat(row["on_date"]) if row["on_date"] else None
    return import_rows(
        db,
        row["org_id"],
        by_sheet,
        valid_rows_only=bool(row["valid_rows_only"]),
        on=on,
        import_id=import_id,
    )
