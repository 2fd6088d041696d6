"""Fixtures for the JSON API tests: the demo district in a real SQLite file, clients per login."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from docgen import create_app, demo
from docgen.accounts import users
from docgen.db import connect, migrate


@pytest.fixture(scope="session")
def seeded_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo registry, built once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("seed") / "demo.sqlite"
    db = connect(path)
    migrate(db)
    demo.seed(db)
    db.close()
    return path


@pytest.fixture
def api_db_path(seeded_db_file: Path, tmp_path: Path) -> Path:
    path = tmp_path / "api.sqlite"
    shutil.copyfile(seeded_db_file, path)
    return path


@pytest.fixture
def api_app(api_db_path: Path, tmp_path: Path) -> Flask:
    # CSRF stays on: the API must work without a CSRF token, since clients use bearer tokens.
    return create_app(
        {
            "TESTING": True,
            "DATABASE": str(api_db_path),
            "SECRET_KEY": "test-secret",
            "INSTANCE_PATH": str(tmp_path / "instance"),
        }
    )


class ApiClient:
    """A test client that sends one user's bearer token with every request."""

    def __init__(self, client: FlaskClient, token: str | None):
        self.client = client
        self.token = token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = dict(extra or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path: str, **kwargs: Any):
        return self.client.get(path, headers=self._headers(kwargs.pop("headers", None)), **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any):
        headers = self._headers(kwargs.pop("headers", None))
        if json is not None:
            kwargs["json"] = json
        return self.client.post(path, headers=headers, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any):
        return self.client.patch(
            path, headers=self._headers(kwargs.pop("headers", None)), json=json, **kwargs
        )

    def delete(self, path: str, **kwargs: Any):
        return self.client.delete(
            path, headers=self._headers(kwargs.pop("headers", None)), **kwargs
        )


@pytest.fixture
def api(api_app: Flask, api_db_path: Path) -> Callable[[str | None], ApiClient]:
    """api("curator") -> a client authenticated as that demo login; api(None) has no token."""
    tokens: dict[str, str] = {}

    def make(login: str | None) -> ApiClient:
        if login is not None and login not in tokens:
            db = connect(api_db_path)
            user_id = next(db.query("SELECT id FROM users WHERE login = ?", [login]))["id"]
            tokens[login] = users.issue_token(db, user_id)
            db.close()
        return ApiClient(api_app.test_client(), tokens.get(login) if login else None)

    return make


@pytest.fixture
def demo_ids(api_db_path: Path) -> dict[str, Any]:
    """Ids of the demo organisations and people: {"department", "school1", "school2",
    "people1": {surname: id}, "people2": {surname: id}}."""
    db = connect(api_db_path)
    department = next(db.query("SELECT id FROM organisations WHERE kind = 'department'"))["id"]
    school1 = next(db.query("SELECT org_id FROM users WHERE login = 'curator'"))["org_id"]
    school2 = next(db.query("SELECT org_id FROM users WHERE login = 'curator2'"))["org_id"]
    people = {
        key: {
            row["surname"]: row["id"]
            for row in db.query("SELECT id, surname FROM people WHERE org_id = ?", [org])
        }
        for key, org in (("people1", school1), ("people2", school2))
    }
    db.close()
    return {"department": department, "school1": school1, "school2": school2, **people}
