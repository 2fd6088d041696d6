"""An index for finding a person by organisation and birth date (people.find_person)."""

from __future__ import annotations

import sqlite_utils


def apply(db: sqlite_utils.Database) -> None:
    """find_person filters on `org_id` and `ifnull(birth_date, '')`; the identity index only
    serves org_id for that query, so every look-up scanned the whole school."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_people_org_birth ON people (org_id, ifnull(birth_date, ''))"
    )
