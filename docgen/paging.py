"""One page of a search result: LIMIT/OFFSET with the total, and LIKE patterns taken literally."""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class Found:
    """One page of a search: its rows, how many match in all, which page of how many."""

    rows: list[dict]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def fold(text: str | None) -> str | None:
    """Case and ё folded, so «ИВАНОВА», «иванова» and «Иванова» find each other."""
    return None if text is None else str(text).casefold().replace("ё", "е")


def contains(db: sqlite_utils.Database, columns: list[str], text: str) -> tuple[str, list]:
    """An SQL condition that one of `columns` contains `text` (folded; % and _ literal).

    SQLite's lower() folds only ASCII, so the Russian folding is a function on the connection
    (registered once: creating a function expires every statement SQLite has prepared).
    """
    db.register_function(fold, deterministic=True, name="docgen_fold")
    folded = fold(text.strip()) or ""
    pattern = "%" + folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    parts = [f"docgen_fold({column}) LIKE ? ESCAPE '\\'" for column in columns]
    return "(" + " OR ".join(parts) + ")", [pattern] * len(columns)


class Where:
    """The conditions of a search joined by AND, with their parameters in order.

    Filters left empty (None or "") add nothing, so a search states each filter once.
    """

    def __init__(self, condition: str, *params) -> None:
        self.conditions = [condition]
        self.params = list(params)

    def add(self, condition: str, *params) -> Where:
        self.conditions.append(condition)
        self.params += params
        return self

    def equal(self, column: str, value) -> Where:
        """`column = value` when the value is given."""
        return self if value in (None, "") else self.add(f"{column} = ?", value)

    def days(self, day: str, date_from: str | None, date_to: str | None) -> Where:
        """The ISO day `day` (an SQL expression) within the given bounds."""
        if date_from:
            self.add(f"{day} >= ?", date_from)
        if date_to:
            self.add(f"{day} <= ?", date_to)
        return self

    def text(self, db: sqlite_utils.Database, columns: list[str], text: str) -> Where:
        """One of `columns` contains `text`, when text is typed."""
        if text.strip():
            condition, params = contains(db, columns, text)
            self.add(condition, *params)
        return self

    @property
    def sql(self) -> str:
        return " AND ".join(self.conditions)


def paged(
    db: sqlite_utils.Database, sql: str, params: list, order: str, page: int, per_page: int
) -> Found:
    """Run `sql` (a SELECT without ORDER BY) for one page, with the total count."""
    total = next(db.query(f"SELECT count(*) AS n FROM ({sql})", params))["n"]
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = list(
        db.query(
            f"{sql} ORDER BY {order} LIMIT ? OFFSET ?", [*params, per_page, (page - 1) * per_page]
        )
    )
    return Found(rows, total, page, per_page)
