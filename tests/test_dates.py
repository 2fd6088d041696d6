"""Dates as people type them and as the registry stores them."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen import dates


@pytest.mark.parametrize(
    "text, day",
    [
        ("01.09.2024", dt.date(2024, 9, 1)),
        ("1.9.2024", dt.date(2024, 9, 1)),
        (" 2024-09-01 ", dt.date(2024, 9, 1)),
        ("29.02.2024", dt.date(2024, 2, 29)),
    ],
)
def test_parse_reads_typed_and_iso_dates(text, day):
    assert dates.parse(text) == day


@pytest.mark.parametrize(
    "text, message",
    [
        ("31.02.2024", "такой даты нет"),
        ("2023-02-29", "такой даты нет"),
        ("сентябрь 2024", "ожидается дата в виде ДД.ММ.ГГГГ"),
        ("2024/09/01", "ожидается дата в виде ДД.ММ.ГГГГ"),
    ],
)
def test_parse_tells_an_impossible_day_from_a_wrong_format(text, message):
    with pytest.raises(dates.DateError, match=message):
        dates.parse(text)


def test_to_date_and_to_iso_accept_dates_datetimes_strings_and_nothing():
    assert dates.to_date(dt.datetime(2024, 9, 1, 13, 5)) == dt.date(2024, 9, 1)
    assert dates.to_date("01.09.2024") == dt.date(2024, 9, 1)
    assert dates.to_date(None) is None and dates.to_date("") is None
    assert dates.to_iso("01.09.2024") == "2024-09-01"
    assert dates.to_iso(dt.date(2024, 9, 1)) == "2024-09-01"
    assert dates.to_iso(None) is None
    # Text that is not a date is left for the schema to name the error.
    assert dates.to_iso("31.02.2024") == "31.02.2024"


def test_age_on_counts_full_years():
    assert dates.age_on("2010-09-01", dt.date(2024, 8, 31)) == 13
    assert dates.age_on("2010-09-01", "01.09.2024") == 14
    assert dates.age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
