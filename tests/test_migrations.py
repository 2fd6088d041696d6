"""Migrations: the split into docgen/migrations keeps the schema and the recorded names.

tests/data/schema_before_split.sql is `iterdump()` of a database migrated by the code before
the split (commit dd99246, migrations m001–m003, applied_at fixed): a stored expectation rather
than a re-run of old code, because the old code is gone from the tree once the split lands.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from docgen.db import connect, init_db, migrate
from docgen.migrations import MIGRATIONS

BEFORE_SPLIT = Path(__file__).parent / "data" / "schema_before_split.sql"
OLD_NAMES = ["m001_initial", "m002_mentoring_forms", "m003_bulk_jobs"]


def _schema(conn: sqlite3.Connection) -> list[tuple]:
    return sorted(
        conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name != '_migrations' "
            "AND name NOT LIKE 'sqlite_autoindex__migrations%'"
        ).fetchall()
    )


def _old_database(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(BEFORE_SPLIT.read_text(encoding="utf-8"))
    conn.close()


def test_the_first_three_migrations_make_the_schema_they_made_before_the_split(tmp_path):
    _old_database(tmp_path / "old.db")
    old = sqlite3.connect(tmp_path / "old.db")
    db = connect(tmp_path / "new.db")
    assert migrate(db, MIGRATIONS[:3]) == OLD_NAMES
    assert _schema(db.conn) == _schema(old)
    rows = "SELECT * FROM mentoring_forms ORDER BY code"
    assert db.execute(rows).fetchall() == old.execute(rows).fetchall()
    assert len(_schema(old)) > 40  # tables, indexes and the 19 triggers


def test_a_database_migrated_before_the_split_is_recognised(tmp_path):
    path = tmp_path / "old.db"
    _old_database(path)
    db = connect(path)
    assert migrate(db, MIGRATIONS[:3]) == []
    assert migrate(db) == [
        "m004_sessions",
        "m005_surveys",
        "m006_jobs",
        "m007_annexes_registered",
        "m008_variant_files",
        "m009_people_lookup",
        "m010_pdf_after_registration",
        "m011_imports",
        "m012_people_name_index",
    ]
    assert migrate(db) == []
    assert [m.name for m in MIGRATIONS[:3]] == OLD_NAMES


def test_m004_gives_old_tokens_an_expiry_and_keeps_the_rows(tmp_path):
    path = tmp_path / "old.db"
    _old_database(path)
    db = connect(path)
    db.execute(
        "INSERT INTO users (login, password_hash, full_name, role, failed_logins, created_at, "
        "api_token_hash) VALUES ('admin', 'x', 'Админ', 'admin', 0, '2025-01-01', 'abc')"
    )
    db.conn.commit()
    migrate(db)
    row = db.execute(
        "SELECT login, session_version, blocked_at, api_token_expires_at FROM users"
    ).fetchone()
    assert row[:3] == ("admin", 0, None)
    assert row[3] is not None


def test_names_are_unique_numbered_and_in_order():
    names = [m.name for m in MIGRATIONS]
    assert len(set(names)) == len(names)
    assert names == sorted(names)
    assert [int(n[1:4]) for n in names] == list(range(1, len(names) + 1))


def test_init_db_creates_the_file_and_is_idempotent(tmp_path):
    path = tmp_path / "fresh.db"
    assert init_db(path) == [m.name for m in MIGRATIONS]
    assert init_db(path) == []
