"""Web fixtures: an app on a seeded temporary database, a test client, signing in by login."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from docgen import create_app, demo
from docgen.db import connect, migrate

PASSWORD = demo.PASSWORD


_SEEDED: dict[str, bytes] = {}


def _seeded_copy(path: Path) -> None:
    # Seeding hashes seven passwords; a byte copy of one seeded file is much faster.
    if "db" not in _SEEDED:
        first = path.with_name("seed.sqlite")
        db = connect(first)
        migrate(db)
        demo.seed(db)
        db.close()
        _SEEDED["db"] = first.read_bytes()
    path.write_bytes(_SEEDED["db"])


def make_app(tmp_path: Path, **config: object) -> Flask:
    """The application on a fresh database file holding the demo district."""
    path = tmp_path / "web.sqlite"
    _seeded_copy(path)
    settings = {
        "TESTING": True,
        "DATABASE": str(path),
        "SECRET_KEY": "test-secret-key",
        "WTF_CSRF_ENABLED": False,
        "INSTANCE_PATH": str(tmp_path / "instance"),
    }
    return create_app({**settings, **config})


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    yield make_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, name: str, password: str = PASSWORD) -> None:
    """Sign in through the page, as a person would; fails the test if it does not work."""
    response = client.post("/login", data={"login": name, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token in the page"
    return found.group(1)


HUGE_ID = 99999999999999999999999
RULE_PART = re.compile(r"<(?:(?P<conv>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")


def huge_id_requests(app: Flask, api: bool) -> list[tuple[str, str, str]]:
    """(method, url, name of the first id) for every rule with an id, the ids out of range."""

    def fill(part: re.Match) -> str:
        if part["conv"] == "id":
            return str(HUGE_ID)
        if part["conv"] == "any":
            return part["args"].split(",")[0].strip()
        return "docx" if part["name"] == "fmt" else "x"

    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") != api:
            continue
        ids = [p["name"] for p in RULE_PART.finditer(rule.rule) if p["conv"] == "id"]
        if not ids:
            continue
        url = RULE_PART.sub(fill, rule.rule)
        found += [(m, url, ids[0]) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found
