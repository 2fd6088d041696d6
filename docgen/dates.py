"""Calendar dates as people type them and as the database stores them.

The bottom layer: plain functions over `datetime.date`, no Flask, no database. People type
«ДД.ММ.ГГГГ»; the registry stores ISO «ГГГГ-ММ-ДД» strings; both are accepted everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_DMY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


_DMY_IN_TEXT = re.compile(r"(?<!\d)(\d{2})\.(\d{2})\.(\d{4})(?!\d)")
# No date of the mentoring paperwork — a start, a signature, even a birth — is this old: an
# earlier year is a typo or a date picker's default (01.01.1900).
EARLIEST_YEAR = 1920


class DateError(ValueError):
    """The text is not a date; the message (Russian) says whether the format or the day is wrong."""


def parse(text: str) -> dt.date:
    """«01.09.2024» or «2024-09-01» as a date; DateError «такой даты нет» for «31.02.2024»."""
    value = text.strip()
    if match := _DMY.fullmatch(value):
        day, month, year = match.groups()
    elif match := _ISO.fullmatch(value):
        year, month, day = match.groups()
    else:
        raise DateError("ожидается дата в виде ДД.ММ.ГГГГ")
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError as err:
        raise DateError("такой даты нет") from err


def to_date(value: dt.date | str | None) -> dt.date | None:
    """A date from a date, a datetime (its day) or a typed/ISO string; None or "" is None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return parse(str(value))


def to_iso(value: Any) -> str | None:
    """The ISO string the registry stores; text that is not a date passes unchanged.

    Unparseable text is left for the schema that validates it next, so its message is the one
    a person sees.
    """
    if value is None or value == "":
        return None
    try:
        day = to_date(value)
    except DateError:
        return str(value)
    return day.isoformat() if day else None


def age_on(birth: dt.date | str, on: dt.date | str) -> int:
    """Full years of age on the date `on`."""
    born, day = to_date(birth), to_date(on)
    if born is None or day is None:
        raise DateError("не указана дата")
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_year(day: dt.date) -> dt.date:
    """The day itself; DateError if its year is before 1920 (a typo, not a real date)."""
    shown = f"{day.day:02d}.{day.month:02d}.{day.year:04d}"  # strftime does not pad year 39
    if day.year < 1900:
        raise DateError(f"{shown} раньше 1900 года — проверьте год")
    if day.year < EARLIEST_YEAR:
        raise DateError(f"{shown} — проверьте год")
    return day


def impossible_in(text: str) -> str | None:
    """The first «ДД.ММ.ГГГГ» inside free text that is no calendar day («до 31.02.2026»)."""
    for match in _DMY_IN_TEXT.finditer(text or ""):
        day, month, year = (int(g) for g in match.groups())
        try:
            dt.date(year, month, day)
        except ValueError:
            return match.group(0)
    return None
