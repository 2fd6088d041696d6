"""SQLite connection, the write-transaction helper and the migration runner.

Every table is created by a migration in docgen/migrations; other modules only read and write rows.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import sqlite3
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils.utils import dedupe_keys

from docgen.migrations import MIGRATIONS, Migration

BUSY_TIMEOUT_SECONDS = 10
# BEGIN IMMEDIATE already waits BUSY_TIMEOUT_SECONDS; these retries only cover
# the rare case of a lock held longer than that by a burst of writers.
LOCK_RETRIES = 5
# A writer waiting for another process's turn polls the writer lock this often.
GATE_POLL_SECONDS = 0.001


# A statement that starts with SELECT (no comment or WITH before it): it returns rows and
# cannot write.
_SELECT = re.compile(r"\s*select\b", re.I)


class Database(sqlite_utils.Database):
    """sqlite_utils' Database, whose `query` runs a plain SELECT as it is.

    sqlite_utils wraps every query in a savepoint, so that a statement which turns out to
    return no rows can be undone before it is refused: three statements for every read,
    a third of a preview's time in SQLite. A SELECT returns rows and writes nothing, so it
    needs no guard; anything else still gets sqlite_utils' own.
    """

    def query(self, sql: str, params: Sequence | dict[str, Any] | None = None):
        if not _SELECT.match(sql):
            return super().query(sql, params)
        if self._tracer:
            self._tracer(sql, params)
        cursor = self.conn.execute(sql, *((params,) if params is not None else ()))
        keys = dedupe_keys(d[0] for d in cursor.description)
        return (dict(zip(keys, row, strict=True)) for row in cursor)


def connect(path: str | Path) -> sqlite_utils.Database:
    """Open the database file in WAL mode with foreign keys on and a 10 s busy timeout."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_SECONDS)
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_SECONDS * 1000}")
    db.execute("PRAGMA foreign_keys = ON")
    _retry_locked(db.enable_wal)
    return db


# The connections a web thread keeps between its requests: opening one costs a millisecond or
# more (pragmas, WAL check, the schema read on first use), so each thread reuses its own.
# Thread-local by nature; a forked child starts with none (SQLite connections must not cross
# a fork) and leaves its parent's untouched.
THREAD_CONNECTIONS = 4
_local = threading.local()
_inherited: list[object] = []


def _forget_thread_connections() -> None:
    _inherited.append(_local.__dict__.pop("connections", None))


os.register_at_fork(after_in_child=_forget_thread_connections)


def _file_id(path: str) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def thread_connection(path: str | Path) -> sqlite_utils.Database:
    """This thread's connection to the file, opened on first use and reused afterwards.

    A connection is never used by two threads (sqlite3's `check_same_thread` stays on);
    one whose file was replaced or that was left in a transaction is closed and opened anew.
    Give it back with `release` at the end of each request.
    """
    key = os.path.abspath(path)
    cache: dict[str, tuple[sqlite_utils.Database, tuple[int, int] | None]]
    cache = _local.__dict__.setdefault("connections", {})
    found = cache.pop(key, None)
    if found is not None:
        db, file_id = found
        if file_id is not None and file_id == _file_id(key) and not db.conn.in_transaction:
            cache[key] = found  # now the most recently used
            return db
        db.close()
    db = connect(key)
    cache[key] = (db, _file_id(key))
    while len(cache) > THREAD_CONNECTIONS:
        oldest = next(iter(cache))
        cache.pop(oldest)[0].close()
    return db


def release(db: sqlite_utils.Database) -> None:
    """End a request's use of a thread connection: a transaction left open is rolled back,
    as closing the connection would have done."""
    try:
        if db.conn.in_transaction:
            db.conn.rollback()
    except sqlite3.Error:
        _drop(db)


def _drop(db: sqlite_utils.Database) -> None:
    cache = _local.__dict__.get("connections", {})
    for key, (cached, _) in list(cache.items()):
        if cached is db:
            del cache[key]
    with contextlib.suppress(sqlite3.Error):
        db.close()


# Ids given to one «IN (…)» at most: SQLite limits the parameters of a statement.
IN_CHUNK = 500


def query_in(
    db: sqlite_utils.Database, sql: str, ids: Iterable[int], params: Sequence[Any] = ()
) -> Iterator[dict]:
    """The rows of `sql` for these ids: its `{ids}` becomes their marks, IN_CHUNK ids to a
    query; `params` follow the ids."""
    unique = sorted(set(ids))
    for start in range(0, len(unique), IN_CHUNK):
        chunk = unique[start : start + IN_CHUNK]
        yield from db.query(sql.format(ids=", ".join("?" * len(chunk))), [*chunk, *params])


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
    with _writer_turn(db):
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


class _Gate:
    """The writers' queue of one database file: a lock for this process's threads, then an
    advisory lock (flock) on `<file>-writer.lock` for the other processes.

    SQLite's own busy handler sleeps in growing steps (up to 100 ms) while the write lock is
    taken, so under contention writers sleep far longer than the lock is held; a thread
    blocked on this lock wakes as soon as it is released. The gate is only an optimisation:
    the database's own lock stays the truth (BEGIN IMMEDIATE still follows), a gate not
    opened in time is skipped, and the kernel releases a dead process's flock.
    """

    def __init__(self, lock_path: str) -> None:
        self.lock = threading.RLock()
        self.depth = 0  # changed only by the thread holding `lock`
        self.fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        self.pid = os.getpid()

    def __del__(self) -> None:
        # A forked child closes its copy too: the parent's lock stays the parent's.
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def acquire(self, timeout: float) -> bool:
        if not self.lock.acquire(timeout=timeout):
            return False
        if self.depth == 0 and not self._flock(time.monotonic() + timeout):
            self.lock.release()
            return False
        self.depth += 1
        return True

    def release(self) -> None:
        self.depth -= 1
        if self.depth == 0:
            fcntl.flock(self.fd, fcntl.LOCK_UN)
        self.lock.release()

    def _flock(self, deadline: float) -> bool:
        while True:
            try:
                fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    return False
                time.sleep(GATE_POLL_SECONDS)


# One gate per file in a process, shared by its connections to that file and kept while one
# of them lives (each Database holds its gate); a forked child makes its own.
_gates: weakref.WeakValueDictionary[str, _Gate] = weakref.WeakValueDictionary()
_gate_of: weakref.WeakKeyDictionary[sqlite_utils.Database, _Gate | None]
_gate_of = weakref.WeakKeyDictionary()
_gates_lock = threading.Lock()
_NO_GATE = object()


def _gate(db: sqlite_utils.Database) -> _Gate | None:
    """The gate of the connection's main database file; None for a database in memory."""
    with _gates_lock:
        gate = _gate_of.get(db, _NO_GATE)
        if gate is not _NO_GATE and (gate is None or gate.pid == os.getpid()):
            return gate  # type: ignore[return-value]
    row = db.conn.execute("PRAGMA database_list").fetchone()
    path = row[2] if row else ""
    with _gates_lock:
        gate = _gates.get(path) if path else None
        if path and (gate is None or gate.pid != os.getpid()):
            try:
                gate = _gates[path] = _Gate(path + "-writer.lock")
            except OSError:
                gate = None  # e.g. a read-only folder: SQLite's busy handler alone
        _gate_of[db] = gate
    return gate


@contextlib.contextmanager
def _writer_turn(db: sqlite_utils.Database) -> Iterator[None]:
    """Hold the gate of the database's file for the block, if it comes in time."""
    gate = _gate(db)
    if gate is None or not gate.acquire(BUSY_TIMEOUT_SECONDS):
        yield
        return
    try:
        yield
    finally:
        gate.release()


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
