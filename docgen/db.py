"""SQLite connection, the write-transaction helper and the migration runner.

Every table is created by a migration in docgen/migrations; other modules only read and write rows.
"""

from __future__ import annotations

import contextlib
import secrets
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from docgen.migrations import MIGRATIONS, Migration

BUSY_TIMEOUT_SECONDS = 10
# BEGIN IMMEDIATE already waits BUSY_TIMEOUT_SECONDS; these retries only cover
# the rare case of a lock held longer than that by a burst of writers.
LOCK_RETRIES = 5


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open the database file in WAL mode with foreign keys on and a 10 s busy timeout."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
    db = sqlite_utils.Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    db.execute("PRAGMA foreign_keys = ON")
    _retry_locked(db.enable_wal)
    return db


def now_iso() -> str:
    """Current UTC time as an ISO string, the format of every *_at column."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def is_locked_error(exc: BaseException) -> bool:
    """True if the error is SQLite's transient 'database is locked/busy'."""
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and (
        "database is locked" in text or "database is busy" in text
    )


def _retry_locked(fn: Callable[[], object]) -> object:
    for attempt in range(LOCK_RETRIES):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if not is_locked_error(exc) or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))
    return None


@contextlib.contextmanager
def transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block in one write transaction (BEGIN IMMEDIATE), or a savepoint if nested.

    IMMEDIATE takes the write lock up front, so a read-then-write block cannot fail
    half way with SQLITE_BUSY in WAL mode; the busy timeout makes it wait instead.
    """
    conn = db.conn
    if conn.in_transaction:
        name = f"sp_{secrets.token_hex(8)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield db
        except BaseException:
            if conn.in_transaction:
                conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        else:
            conn.execute(f"RELEASE SAVEPOINT {name}")
        return
    _retry_locked(lambda: conn.execute("BEGIN IMMEDIATE"))
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        try:
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def migrate(db: sqlite_utils.Database, migrations: Sequence[Migration] = MIGRATIONS) -> list[str]:
    """Apply pending migrations in order, each in its own transaction; return their names."""
    db["_migrations"].create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
    applied: list[str] = []
    for migration in migrations:
        with transaction(db):
            # Re-checked under the write lock so two processes starting together
            # cannot both apply the same migration.
            if db["_migrations"].count_where("name = ?", [migration.name]):
                continue
            migration.apply(db)
            db["_migrations"].insert({"name": migration.name, "applied_at": now_iso()})
        applied.append(migration.name)
    return applied


def init_db(path: str | Path) -> list[str]:
    """Create the database file or bring it to the latest migration; the names applied."""
    db = connect(path)
    try:
        return migrate(db)
    finally:
        db.close()
