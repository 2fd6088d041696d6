"""Annexes are registered with the order that approves them: its number and date, no journal line."""

from __future__ import annotations

import sqlite_utils

from docgen.migrations.helpers import abort_trigger


def apply(db: sqlite_utils.Database) -> None:
    """A document becomes registered through its own journal line or its approving order's."""
    db.execute("DROP TRIGGER IF EXISTS documents_registered_in_journal")
    db.execute(
        abort_trigger(
            "documents_registered_in_journal",
            "BEFORE UPDATE ON documents",
            "NEW.status = 'registered' AND (NEW.number IS NULL OR NEW.reg_date IS NULL "
            "OR NEW.registered_version IS NULL OR (NOT EXISTS (SELECT 1 FROM journal "
            "WHERE journal.document_id = NEW.id AND journal.number = NEW.number "
            "AND journal.registered_on = NEW.reg_date) AND NOT EXISTS (SELECT 1 FROM links "
            "JOIN journal ON journal.document_id = links.parent_document_id "
            "WHERE links.child_document_id = NEW.id AND links.role = 'annex' "
            "AND journal.number = NEW.number AND journal.registered_on = NEW.reg_date)))",
            "Документ регистрируется только через журнал регистрации",
        )
    )
