"""Excel imports that survive a crash: a record per import and its undo log, both on disk.

An import writes the registry in short transactions; every write's inverse goes to
`import_undo` in the same transaction, so after a crash the log holds exactly what the import
committed, and whoever starts next takes it back (registry/excel/batches.recover).
"""

from __future__ import annotations

import sqlite_utils


def apply(db: sqlite_utils.Database) -> None:
    """`imports`: queued → running → done or failed; the upload and the job's limits wait in
    the row until the import ends. `import_undo`: SQL that takes one write back, replayed newest
    first."""
    db.execute(
        """
        CREATE TABLE imports (
            id INTEGER PRIMARY KEY,
            org_id INTEGER NOT NULL REFERENCES organisations(id),
            user_id INTEGER REFERENCES users(id),
            filename TEXT NOT NULL DEFAULT '',
            valid_rows_only INTEGER NOT NULL DEFAULT 0,
            on_date TEXT,
            seconds REAL,
            memory_mb INTEGER,
            status TEXT NOT NULL
                CHECK (status IN ('queued', 'running', 'done', 'failed')),
            content BLOB,
            worker TEXT,
            heartbeat_at TEXT,
            report_json TEXT,
            message TEXT,
            created_at TEXT NOT NULL,
            started_at TEXT,
            finished_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_imports_status ON imports (status)")
    db.execute("CREATE INDEX idx_imports_org ON imports (org_id, created_at)")
    db.execute(
        """
        CREATE TABLE import_undo (
            seq INTEGER PRIMARY KEY,
            import_id INTEGER NOT NULL REFERENCES imports(id),
            statement TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_import_undo ON import_undo (import_id, seq)")
