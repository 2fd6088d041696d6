"""What every page template may use: the signed-in user, permission checks, Russian dates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask

from docgen.accounts import users
from docgen.web.helpers import can, current_user, switchable_orgs


def ru_date(value: Any) -> str:
    """«2024-09-01» or «2024-09-01T10:00:00+00:00» -> «01.09.2024» (and the time, if any)."""
    if not value:
        return "—"
    text = str(value)
    try:
        if len(text) > 10:
            moment = dt.datetime.fromisoformat(text)
            if moment.tzinfo is not None:
                moment = moment.astimezone()
            return moment.strftime("%d.%m.%Y %H:%M")
        return dt.date.fromisoformat(text).strftime("%d.%m.%Y")
    except ValueError:
        return text


def _globals() -> dict[str, Any]:
    return {
        "me": current_user(),
        "can": can,
        "role_titles": users.ROLES,
        "switchable_orgs": switchable_orgs,
        "today": dt.date.today(),
    }


def init_app(app: Flask) -> None:
    app.context_processor(_globals)
    app.add_template_filter(ru_date, "ru_date")
