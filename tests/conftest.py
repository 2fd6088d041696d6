"""Shared fixtures: a real SQLite file per test, migrated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from docgen.db import connect, migrate

pytest_plugins = ["webfixtures"]


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
