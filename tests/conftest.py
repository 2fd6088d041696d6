"""Shared fixtures: a real SQLite file per test, migrated; a fixed clock; repeatable Hypothesis."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
import time_machine
from flask import Flask
from hypothesis import settings

from docgen.db import connect, migrate

pytest_plugins = ["webfixtures"]

# The same examples on every run and every machine, and no per-example time limit: a slow,
# busy machine must not turn a passing property into a failing one.
settings.register_profile("docgen", derandomize=True, database=None, deadline=None)
settings.load_profile("docgen")

# A school day after the demo school's consents (10.09.2026) and pairs (from 15.09.2026):
# the tests that depend on "today" see the same calendar whenever they run.
FIXED_DAY = dt.date(2026, 10, 1)


@pytest.fixture
def today() -> Iterator[dt.date]:
    """Freeze the calendar on FIXED_DAY at noon (local time); the clock keeps ticking from
    there, so timeouts still work and no test run reaches midnight."""
    noon = time.mktime((*FIXED_DAY.timetuple()[:3], 12, 0, 0, 0, 0, -1))
    with time_machine.travel(noon, tick=True):
        assert dt.date.today() == FIXED_DAY
        yield FIXED_DAY


def checkout_instance() -> Path:
    """The instance folder an app made without a test_config uses (the checkout's)."""
    return Path(Flask("docgen").instance_path)


def instance_state(folder: Path) -> list[tuple[str, int, int]] | None:
    """What is in a folder (names, sizes, modification times), None if it does not exist."""
    if not folder.exists():
        return None
    return sorted((str(p.relative_to(folder)), *_size_and_time(p)) for p in folder.rglob("*"))


def _size_and_time(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@pytest.fixture(scope="session", autouse=True)
def checkout_instance_untouched() -> Iterator[None]:
    """No test creates or changes the checkout's instance folder (a developer's real data)."""
    before = instance_state(checkout_instance())
    yield
    assert instance_state(checkout_instance()) == before, "a test wrote the checkout's instance/"


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Path of a fresh, not yet created database file."""
    return tmp_path / "docgen.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    """A connected and migrated database on a real file."""
    database = connect(db_path)
    migrate(database)
    yield database
    database.close()
