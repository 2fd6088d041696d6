"""The roadmap's deadlines that come next, for the start page of a school.

Which kinds plan dated events, and how to read them from an input, the kinds declare
(`Kind.events`); the caller hands them in (the catalog's `planners()`), since the registry
sits below the kinds.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlite_utils

# A deadline typed as a date: «15.09.2024», «до 01.10.2024».
_DATE = re.compile(r"\b(\d{2})\.(\d{2})\.(\d{4})\b")


# A kind's input -> (deadline as typed, event) of every event it plans.
Events = Callable[[Mapping[str, Any]], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    event: str
    document_id: int


def upcoming(
    db: sqlite_utils.Database,
    org_id: int,
    on: dt.date,
    planners: Mapping[str, Events],
    *,
    limit: int = 5,
) -> list[Deadline]:
    """Events of the organisation's current plans due on `on` or later, soonest first.

    `planners` maps a kind (the roadmap) to the reader of its events. The current document of a
    kind is the latest registered one, else the latest draft; only deadlines written as dates
    count («в течение года» has no single day to remind of).
    """
    found = []
    for kind, events in planners.items():
        row = next(
            db.query(
                "SELECT d.id, v.input_json FROM documents d "
                "JOIN versions v ON v.document_id = d.id "
                "AND v.n = (SELECT MAX(n) FROM versions WHERE document_id = d.id) "
                "WHERE d.org_id = ? AND d.kind = ? AND d.status != 'cancelled' "
                "ORDER BY d.status = 'registered' DESC, d.id DESC LIMIT 1",
                [org_id, kind],
            ),
            None,
        )
        if row is None:
            continue
        for deadline, event in events(json.loads(row["input_json"])):
            for day, month, year in _DATE.findall(deadline):
                try:
                    when = dt.date(int(year), int(month), int(day))
                except ValueError:
                    continue
                if when >= on:
                    found.append(Deadline(when, event, row["id"]))
    return sorted(found, key=lambda deadline: deadline.date)[:limit]
