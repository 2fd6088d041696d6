"""An index for finding a person typed by hand by their folded surname (bases.namesakes)."""

from __future__ import annotations

import sqlite_utils

# What a surname may hold for SQL to fold it as people.name_key does: ASCII and Russian
# letters, hyphens and single inner spaces. Anything else (other scripts, tabs, doubled
# spaces) is filed under RISKY, which every look-up reads too.
_SAFE = "*[^-A-Za-zА-Яа-яЁё ]*"
RISKY = "*"
PREFIX = 4
"""How many first letters of the folded surname the index holds."""


def _folded_char(column: str, at: int) -> str:
    # lower() folds only ASCII: А–Я are folded by their code points, Ё and ё become е.
    char = f"substr({column}, {at}, 1)"
    code = f"unicode({char})"
    return (
        f"(CASE WHEN {code} BETWEEN 1040 AND 1071 THEN char({code} + 32) "
        f"WHEN {code} IN (1025, 1105) THEN 'е' ELSE lower({char}) END)"
    )


def surname_key(column: str = "surname") -> str:
    """The SQL expression of the index: the first PREFIX letters of people.name_key(column)
    when its characters let SQL's built-in functions fold it, else RISKY.

    Built-in functions only, so every connection (the sqlite3 shell too) can write the table;
    a query uses the index only if it spells this expression exactly, so it is built here once.
    """
    folded = " || ".join(_folded_char(column, at) for at in range(1, PREFIX + 1))
    risky = (
        f"{column} GLOB '{_SAFE}' OR {column} GLOB ' *' OR {column} GLOB '* ' "
        f"OR {column} GLOB '*  *'"
    )
    return f"(CASE WHEN {risky} THEN '{RISKY}' ELSE {folded} END)"


def apply(db: sqlite_utils.Database) -> None:
    """Namesakes were found by reading every person of the school; this index finds them by
    the folded surname's first letters (a surname outside its alphabet is found under RISKY;
    the full names are compared after)."""
    db.execute(
        f"CREATE INDEX IF NOT EXISTS idx_people_org_surname ON people (org_id, {surname_key()})"
    )
