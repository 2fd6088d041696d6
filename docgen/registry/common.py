"""What every registry module needs: one row by a query, one field's error."""

from __future__ import annotations

import sqlite_utils

from docgen.errors import FieldErrors


def first_row(db: sqlite_utils.Database, sql: str, params: list | tuple) -> dict | None:
    """The first row the query returns, or None."""
    return next(db.query(sql, params), None)


def field_error(field_name: str, message: str) -> FieldErrors:
    """FieldErrors carrying one message for one field."""
    return FieldErrors(message, fields={field_name: [message]})
