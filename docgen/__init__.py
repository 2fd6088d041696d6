"""docgen: the paperwork of the mentoring target model, generated and kept in versions."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application: configuration, extensions, blueprints, error handlers."""
    app = Flask(__name__, instance_relative_config=True, template_folder="templates/pages")
    app.config.from_mapping(
        SECRET_KEY=None,
        DATABASE=str(Path(app.instance_path) / "docgen.sqlite"),
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        WTF_CSRF_TIME_LIMIT=None,
    )
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("DOCGEN")
    if test_config is not None:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")

    from docgen import cli
    from docgen.web import base as web

    web.init_app(app)
    cli.init_app(app)
    from docgen.web import ui

    ui.init_app(app)
    from docgen.web.api import views as api_blueprint

    app.register_blueprint(api_blueprint.bp)
    from docgen.web import survey_answer, surveys
    from docgen.web.api import surveys as api_surveys

    for blueprint in (api_surveys.bp, surveys.bp, survey_answer.bp):
        app.register_blueprint(blueprint)
    return app


def _instance_secret(path: Path) -> str:
    """A random key kept in the instance folder, made on first start: never a literal default."""
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip()
