"""The roadmap's deadlines that come next, for the start page of a school."""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass

import sqlite_utils

# A deadline typed as a date: «15.09.2024», «до 01.10.2024».
_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    event: str
    document_id: int


def upcoming(
    db: sqlite_utils.Database, org_id: int, on: dt.date, *, limit: int = 5
) -> list[Deadline]:
    """Events of the organisation's current roadmap due on `on` or later, soonest first.

    The current roadmap is the latest registered one, else the latest draft; only deadlines
    written as dates count («в течение года» has no single day to remind of).
    """
    row = next(
        db.query(
            "SELECT d.id, v.input_json FROM documents d "
            "JOIN versions v ON v.document_id = d.id "
            "AND v.n = (SELECT MAX(n) FROM versions WHERE document_id = d.id) "
            "WHERE d.org_id = ? AND d.kind = 'roadmap' AND d.status != 'cancelled' "
            "ORDER BY d.status = 'registered' DESC, d.id DESC LIMIT 1",
            [org_id],
        ),
        None,
    )
    if row is None:
        return []
    found = []
    for section in json.loads(row["input_json"]).get("sections") or []:
        for item in section.get("rows") or []:
            for day, month, year in _DATE.findall(str(item.get("deadline") or "")):
                try:
                    when = dt.date(int(year), int(month), int(day))
                except ValueError:
                    continue
                if when >= on:
                    found.append(Deadline(when, str(item.get("content") or ""), row["id"]))
    return sorted(found, key=lambda deadline: deadline.date)[:limit]
