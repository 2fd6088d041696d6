"""The GET parameters of a searchable list: text, page and dates, read leniently."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import request


def text() -> str:
    return (request.args.get("q") or "").strip()[:200]


def page() -> int:
    try:
        return max(1, int(request.args.get("page") or 1))
    except ValueError:
        return 1


def choice(name: str, allowed: Any) -> str | None:
    """The parameter if it is one of `allowed`, else None (a stale link shows everything)."""
    value = request.args.get(name) or None
    return value if value in allowed else None


def number(name: str) -> int | None:
    try:
        return int(request.args.get(name) or "")
    except ValueError:
        return None


def day(name: str) -> str | None:
    """A date parameter as ISO, from ДД.ММ.ГГГГ or ГГГГ-ММ-ДД; anything else is ignored."""
    value = (request.args.get(name) or "").strip()
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, pattern).date().isoformat()
        except ValueError:
            continue
    return None
