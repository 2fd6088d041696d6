"""Registration journals: the next number of a series, assigned in one transaction.

Numbers run 1, 2, 3 … within a series and a calendar year and restart every year.
They are never reused: a cancelled document keeps its journal row and its number.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import string
import time
from collections.abc import Callable

import sqlite_utils

from docgen.db import LOCK_RETRIES, is_locked_error, transaction
from docgen.errors import Conflict, FieldErrors, NotFound
from docgen.paging import Found, Where, paged

PATTERN_FIELDS = ("n", "year")
BeforeCommit = Callable[[sqlite3.Connection, dict], None]
# A registration date outside these bounds is a typo (0039 for 2039, 2204 for 2024): each such
# year would open a journal of its own, numbered from 1 again.
EARLIEST_DATE = dt.date(1900, 1, 1)
MAX_AHEAD = dt.timedelta(days=366)


def check_date(on: dt.date, today: dt.date | None = None) -> None:
    """Refuse a registration date before 1900 or more than a year after `today`."""
    shown = f"{on.day:02d}.{on.month:02d}.{on.year:04d}"  # strftime does not pad year 39
    if on < EARLIEST_DATE:
        message = f"Дата регистрации {shown} раньше 1900 года — проверьте год."
    elif on > (today or dt.date.today()) + MAX_AHEAD:
        message = f"Дата регистрации {shown} больше чем на год впереди — проверьте год."
    else:
        return
    raise FieldErrors(message, fields={"date": [message]})


def validate_pattern(pattern: str) -> None:
    """Raise FieldErrors unless the pattern is text with {n} and optionally {year}."""
    message = _pattern_problem(pattern)
    if message:
        text = f"Шаблон номера: {message}"
        raise FieldErrors(text, fields={"pattern": [text]})


def _pattern_problem(pattern: str) -> str | None:
    if not isinstance(pattern, str) or not pattern.strip():
        return "обязательное поле"
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        return "непарные фигурные скобки; пример: «{n}-од» или «01-05/{n}»"
    names = [name for _, name, _, _ in parsed if name is not None]
    unknown = [name for name in names if name not in PATTERN_FIELDS]
    if unknown:
        return (
            f"неизвестная подстановка «{{{unknown[0]}}}»; допустимы {{n}} — порядковый номер "
            "и {year} — год"
        )
    if "n" not in names:
        return "должен содержать {n} — порядковый номер; пример: «{n}-од»"
    try:
        pattern.format(n=1, year=2000)
    except (ValueError, TypeError):
        return "неверный формат подстановки; пример: «{n:03d}»"
    return None


def format_number(pattern: str, n: int, year: int) -> str:
    """The registration number for sequence n: «{n}-од» -> «145-од», «{n:03d}» -> «007»."""
    validate_pattern(pattern)
    return pattern.format(n=n, year=year)


def ensure_series(
    db: sqlite_utils.Database, org_id: int, code: str, title: str, pattern: str
) -> int:
    """Create the organisation's series, or update its title and pattern; return its id.

    A new pattern only affects numbers assigned later: issued numbers are stored as text.
    """
    validate_pattern(pattern)
    if not code or not title:
        field_name = "code" if not code else "title"
        text = (
            "Код журнала: обязательное поле" if not code else "Название журнала: обязательное поле"
        )
        raise FieldErrors(text, fields={field_name: [text]})
    if next(db.query("SELECT id FROM organisations WHERE id = ?", [org_id]), None) is None:
        raise NotFound("Организация не найдена")
    with transaction(db):
        row = next(
            db.query("SELECT id FROM series WHERE org_id = ? AND code = ?", [org_id, code]), None
        )
        if row:
            db["series"].update(row["id"], {"title": title, "pattern": pattern})
            return row["id"]
        return (
            db["series"]
            .insert({"org_id": org_id, "code": code, "title": title, "pattern": pattern})
            .last_pk
        )


def get_series(db: sqlite_utils.Database, org_id: int, code: str) -> dict:
    row = next(db.query("SELECT * FROM series WHERE org_id = ? AND code = ?", [org_id, code]), None)
    if row is None:
        raise NotFound(f"Журнал регистрации «{code}» не настроен для этой организации")
    return row


def list_series(db: sqlite_utils.Database, org_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM series WHERE org_id = ? ORDER BY code", [org_id]))


def peek_next(
    db: sqlite_utils.Database,
    org_id: int,
    series: str,
    on: dt.date,
    default_pattern: str | None = None,
) -> str | None:
    """The number `register` would give on `on`, without taking it; None if it cannot say.

    Read-only: a concurrent registration may still take this number first. A series not yet
    configured is numbered with `default_pattern` (it is created on first registration).
    """
    row = next(
        db.query("SELECT * FROM series WHERE org_id = ? AND code = ?", [org_id, series]), None
    )
    pattern = row["pattern"] if row else default_pattern
    if not pattern or _pattern_problem(pattern):
        return None
    seq = 0
    if row:
        last = next(
            db.query(
                "SELECT MAX(seq) AS seq FROM journal WHERE series_id = ? AND year = ?",
                [row["id"], on.year],
            ),
            None,
        )
        seq = (last or {}).get("seq") or 0
    return format_number(pattern, seq + 1, on.year)


def register(
    db: sqlite_utils.Database,
    document_id: int,
    *,
    series_code: str,
    on: dt.date,
    user_id: int | None,
    before_commit: BeforeCommit | None = None,
) -> dict:
    """Give a draft the next number of its series for the year of `on` and register it.

    Everything happens in one BEGIN IMMEDIATE transaction, so concurrent threads and
    processes get consecutive numbers with no duplicate and no gap.

    `before_commit(conn, info)` runs inside that transaction after the number is taken
    and before the document's status changes; `info` has document_id, version_id,
    version_n, series_id, series_code, year, seq, number, reg_date (ISO) and on (date).
    The rendering layer uses it to re-render the frozen version with its number and call
    `archive.replace_frozen_files(conn, info["version_id"], docx, pdf)`. If it raises,
    nothing is registered and the number is not consumed.

    Returns the info dict plus journal_id.
    """
    if isinstance(on, dt.datetime):
        on = on.date()
    check_date(on)
    for attempt in range(LOCK_RETRIES):
        try:
            return _register_once(db, document_id, series_code, on, user_id, before_commit)
        except sqlite3.OperationalError as exc:
            if not is_locked_error(exc) or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _register_once(
    db: sqlite_utils.Database,
    document_id: int,
    series_code: str,
    on: dt.date,
    user_id: int | None,
    before_commit: BeforeCommit | None,
) -> dict:
    conn = db.conn
    with transaction(db):
        doc = next(db.query("SELECT * FROM documents WHERE id = ?", [document_id]), None)
        if doc is None:
            raise NotFound("Документ не найден")
        if doc["status"] == "registered":
            raise Conflict(
                f"Документ уже зарегистрирован: № {doc['number']} от {_ru_date(doc['reg_date'])}"
            )
        if doc["status"] != "draft":
            raise Conflict("Аннулированный документ зарегистрировать нельзя")
        version = next(
            db.query(
                "SELECT id, n FROM versions WHERE document_id = ? ORDER BY n DESC LIMIT 1",
                [document_id],
            ),
            None,
        )
        if version is None:
            raise Conflict("У документа нет ни одной версии — регистрировать нечего")
        series = get_series(db, doc["org_id"], series_code)
        year = on.year
        last = next(
            db.query(
                "SELECT seq, number, registered_on FROM journal WHERE series_id = ? AND year = ? "
                "ORDER BY seq DESC LIMIT 1",
                [series["id"], year],
            ),
            None,
        )
        # A journal is kept in date order: a later number never carries an earlier date.
        if last and last["registered_on"] > on.isoformat():
            raise Conflict(
                f"Дата регистрации {on:%d.%m.%Y} раньше последней записи журнала "
                f"«{series['title']}» (№ {last['number']} от {_ru_date(last['registered_on'])})"
            )
        seq = (last["seq"] if last else 0) + 1
        number = format_number(series["pattern"], seq, year)
        journal_id = (
            db["journal"]
            .insert(
                {
                    "series_id": series["id"],
                    "year": year,
                    "seq": seq,
                    "number": number,
                    "document_id": document_id,
                    "registered_on": on.isoformat(),
                    "registered_by": user_id,
                }
            )
            .last_pk
        )
        info = {
            "document_id": document_id,
            "version_id": version["id"],
            "version_n": version["n"],
            "series_id": series["id"],
            "series_code": series_code,
            "year": year,
            "seq": seq,
            "number": number,
            "reg_date": on.isoformat(),
            "on": on,
        }
        if before_commit is not None:
            before_commit(conn, dict(info))
        db.execute(
            "UPDATE documents SET status = 'registered', series_id = ?, number = ?, "
            "reg_date = ?, registered_version = ? WHERE id = ? AND status = 'draft'",
            [series["id"], number, on.isoformat(), version["n"], document_id],
        )
    return {**info, "journal_id": journal_id}


def _ru_date(iso: str) -> str:
    return dt.date.fromisoformat(iso).strftime("%d.%m.%Y")


# Every number is taken in the transaction that stores its document's DOCX, so a journal line
# always has its document; only the PDF comes later: pending, or failed with a reason.
_PDF_STATE = "pdf_renders.status AS pdf_status, pdf_renders.message AS pdf_message "
_PDF_JOIN = (
    "LEFT JOIN versions AS registered ON registered.document_id = documents.id "
    "AND registered.n = documents.registered_version "
    "LEFT JOIN pdf_renders ON pdf_renders.version_id = registered.id "
)


def journal(db: sqlite_utils.Database, org_id: int, year: int) -> list[dict]:
    """The organisation's registration journal for a year, by series and number."""
    return list(
        db.query(
            "SELECT journal.*, series.code AS series_code, series.title AS series_title, "
            "documents.title, documents.kind, documents.status, "
            "documents.cancelled_at, documents.cancel_reason, "
            "users.full_name AS registered_by_name, " + _PDF_STATE + "FROM journal "
            "JOIN series ON series.id = journal.series_id "
            "JOIN documents ON documents.id = journal.document_id "
            "LEFT JOIN users ON users.id = journal.registered_by "
            + _PDF_JOIN
            + "WHERE series.org_id = ? AND journal.year = ? "
            "ORDER BY series.code, journal.seq",
            [org_id, year],
        )
    )


def search_journal(
    db: sqlite_utils.Database,
    org_id: int,
    year: int,
    *,
    text: str = "",
    kind: str | None = None,
    page: int = 1,
    per_page: int = 50,
) -> Found:
    """One page of the year's journal whose number or title contains `text`, of one kind."""
    sql = (
        "SELECT journal.*, series.code AS series_code, series.title AS series_title, "
        "documents.title, documents.kind, documents.status, "
        "documents.cancelled_at, documents.cancel_reason, "
        "users.full_name AS registered_by_name, " + _PDF_STATE + "FROM journal "
        "JOIN series ON series.id = journal.series_id "
        "JOIN documents ON documents.id = journal.document_id "
        "LEFT JOIN users ON users.id = journal.registered_by " + _PDF_JOIN + "WHERE "
    )
    where = Where("series.org_id = ? AND journal.year = ?", org_id, year)
    where.text(db, ["journal.number", "documents.title"], text).equal("documents.kind", kind)
    return paged(db, sql + where.sql, where.params, "series.code, journal.seq", page, per_page)
