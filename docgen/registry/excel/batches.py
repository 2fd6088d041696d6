"""Short write transactions for an import, and the undo log that takes them back.

An import must not hold the database's lock for its whole run (other schools' writers would
wait) and must still be all or nothing for the user: rows are committed in batches of at most
`BATCH_SECONDS`, and temporary triggers record the inverse of every write so that a failed import
can be replayed backwards.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import Iterator

import sqlite_utils

from docgen.db import is_locked_error

# How long one write transaction of an import may hold the database's lock.
BATCH_SECONDS = 0.2
# The tables an import writes (through the registry's own functions); the undo log covers them.
WRITTEN_TABLES = ("people", "consents", "mentoring_groups", "group_mentees")


class Writer:
    """Short write transactions for an import, and the undo log that can take them back.

    Rows go through `row()`; the open transaction is committed between rows once it has held
    the lock for `seconds`. Temporary triggers (this connection's only) write the inverse SQL
    of every insert, update and delete on WRITTEN_TABLES into a temporary table; a row's failed
    savepoint takes its log entries back with it. Called inside a transaction the caller owns,
    the import cannot commit: it runs in one savepoint that `undo` rolls back.
    """

    def __init__(self, db: sqlite_utils.Database, seconds: float | None = None):
        self.db = db
        self.conn = db.conn
        self.seconds = BATCH_SECONDS if seconds is None else seconds
        self.nested = self.conn.in_transaction
        self.started = 0.0
        self.batches = 0

    # --- the undo log ---

    def _triggers(self) -> list[str]:
        out = []
        for table in WRITTEN_TABLES:
            columns = [row[1] for row in self.conn.execute(f"PRAGMA main.table_info({table})")]
            values = " || ',' || ".join(f"quote(old.{c})" for c in columns)
            sets = " || ',' || ".join(f"'{c}=' || quote(old.{c})" for c in columns)
            names = ",".join(columns)
            log = "INSERT INTO _import_undo (statement) VALUES"
            out += [
                f"CREATE TEMP TRIGGER _import_undo_{table}_i AFTER INSERT ON main.{table} "
                f"BEGIN {log} ('DELETE FROM {table} WHERE rowid = ' || new.rowid); END",
                f"CREATE TEMP TRIGGER _import_undo_{table}_u AFTER UPDATE ON main.{table} "
                f"BEGIN {log} ('UPDATE {table} SET ' || {sets} || "
                f"' WHERE rowid = ' || old.rowid); END",
                f"CREATE TEMP TRIGGER _import_undo_{table}_d AFTER DELETE ON main.{table} "
                f"BEGIN {log} ('INSERT INTO {table} (rowid,{names}) VALUES (' || "
                f"old.rowid || ',' || {values} || ')'); END",
            ]
        return out

    def __enter__(self) -> Writer:
        self.conn.execute(
            "CREATE TEMP TABLE _import_undo (seq INTEGER PRIMARY KEY, statement TEXT NOT NULL)"
        )
        for sql in self._triggers():
            self.conn.execute(sql)
        if self.nested:
            self.conn.execute("SAVEPOINT _import")
        return self

    def __exit__(self, kind: type | None, *exc: object) -> None:
        if kind is not None and not self.nested:
            # An unexpected error: its batch is rolled back, the batches before it undone.
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self.undo()
        elif kind is not None:
            self.conn.execute("ROLLBACK TO SAVEPOINT _import")
        if self.nested:
            self.conn.execute("RELEASE SAVEPOINT _import")
        self._drop_triggers()
        self.conn.execute("DROP TABLE IF EXISTS temp._import_undo")

    def _drop_triggers(self) -> None:
        for table in WRITTEN_TABLES:
            for suffix in ("i", "u", "d"):
                self.conn.execute(f"DROP TRIGGER IF EXISTS temp._import_undo_{table}_{suffix}")

    # --- short transactions ---

    def _begin(self) -> None:
        for attempt in range(50):
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as err:
                if not is_locked_error(err) or attempt == 49:
                    raise
                time.sleep(0.05)
        self.started = time.monotonic()
        self.batches += 1

    def _commit(self) -> None:
        self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def row(self) -> Iterator[None]:
        """A row's writes: inside an open batch, which is committed once it is long enough."""
        if not self.nested and not self.conn.in_transaction:
            self._begin()
        yield
        if not self.nested and time.monotonic() - self.started >= self.seconds:
            self._commit()

    def finish(self) -> None:
        """Commit the last batch."""
        if not self.nested and self.conn.in_transaction:
            self._commit()

    def undo(self) -> None:
        """Take back every write of the import, newest first, in short transactions."""
        if self.nested:
            self.conn.execute("ROLLBACK TO SAVEPOINT _import")
            return
        self.finish()
        self._drop_triggers()  # the undo's own writes need no undo
        while True:
            self._begin()
            try:
                done = self._undo_some()
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self._commit()
            if done:
                return

    def _undo_some(self) -> bool:
        """Replay the newest entries until the batch is long enough; True once the log is empty."""
        while True:  # at least one chunk per batch, however short the batch
            entries = self.conn.execute(
                "SELECT seq, statement FROM temp._import_undo ORDER BY seq DESC LIMIT 200"
            ).fetchall()
            if not entries:
                return True
            for _, statement in entries:
                self.conn.execute(statement)
            self.conn.execute("DELETE FROM temp._import_undo WHERE seq >= ?", [entries[-1][0]])
            if time.monotonic() - self.started >= self.seconds:
                return False
