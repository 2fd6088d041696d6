"""What every page template may use: the signed-in user, permission checks, Russian dates."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from typing import Any

import pyphen
from flask import Flask, request
from markupsafe import Markup, escape

from docgen import codes, ru
from docgen.accounts import users
from docgen.web import helpers
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


def ru_code(value: Any, family: str) -> str:
    """An internal code as the Russian word a person reads (`{{ c.signer | ru_code('signer') }}`)."""
    return codes.word(family, value) or "—"


# Long Russian words in narrow table headings; shorter ones wrap between words as they are.
_LONG_WORD = re.compile(r"[А-Яа-яЁё]{9,}")


@cache
def _hyphenator() -> pyphen.Pyphen:
    return pyphen.Pyphen(lang="ru_RU", left=2, right=3)


def soft_hyphens(value: Any) -> Markup:
    """Text with soft hyphens in its long words, so a narrow column breaks them by syllables,
    with a hyphen, in every browser (Chromium without hyphenation dictionaries included)."""
    text = str(escape(value or ""))
    marked = _LONG_WORD.sub(lambda word: _hyphenator().inserted(word[0], hyphen="\u00ad"), text)
    return Markup(marked)


def current_org() -> dict | None:
    """The organisation being worked in, whether or not the view passed it to the page."""
    if current_user() is None:
        return None
    return helpers.org()


def page_args(**changes: Any) -> dict[str, Any]:
    """The query of this page with some parameters changed (for pagination links)."""
    args = {key: value for key, value in request.args.items() if value}
    for key, value in changes.items():
        if value in (None, ""):
            args.pop(key, None)
        else:
            args[key] = value
    return args


def _globals() -> dict[str, Any]:
    return {
        "me": current_user(),
        "can": can,
        "role_titles": users.ROLES,
        "switchable_orgs": switchable_orgs,
        "current_org": current_org,
        "page_args": page_args,
        "today": dt.date.today(),
    }


def init_app(app: Flask) -> None:
    app.context_processor(_globals)
    app.add_template_filter(ru_date, "ru_date")
    app.add_template_filter(ru_code, "ru_code")
    app.add_template_filter(soft_hyphens, "soft_hyphens")
    app.add_template_filter(ru.plural, "plural")
