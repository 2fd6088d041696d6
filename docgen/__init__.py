"""docgen: the paperwork of the mentoring target model, generated and kept in versions."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """The application: configuration, extensions, blueprints, error handlers."""
    # A test_config is the whole configuration: no instance config.py, no DOCGEN_* variables,
    # and the instance folder is the test's own (INSTANCE_PATH), never the checkout's.
    # Outside tests, DOCGEN_INSTANCE_PATH may put it elsewhere (a server's data folder).
    if test_config is None:
        instance_path = os.environ.get("DOCGEN_INSTANCE_PATH") or None
    else:
        instance_path = test_config.get("INSTANCE_PATH")
    app = Flask(
        __name__,
        instance_path=instance_path,
        instance_relative_config=True,
        template_folder="templates/pages",
    )
    app.config.from_mapping(
        SECRET_KEY=None,
        DATABASE=str(Path(app.instance_path) / "docgen.sqlite"),
        MAX_CONTENT_LENGTH=20 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=False,
        WTF_CSRF_TIME_LIMIT=None,
        # Served over HTTPS (DOCGEN_HTTPS=1): cookies only over HTTPS, and HSTS.
        HTTPS=False,
        # Reverse proxies in front of the app (DOCGEN_TRUSTED_PROXIES=1): the client address
        # for login throttling and the scheme are read from their X-Forwarded-* headers.
        TRUSTED_PROXIES=0,
        # The job queue: huey on SQLite in the instance folder unless QUEUE_URL names a Redis
        # (DOCGEN_QUEUE_URL=redis://…); the web process consumes the embedded queue itself.
        QUEUE_URL="",
        QUEUE_IMMEDIATE=None,
        QUEUE_CONSUMER=None,
        QUEUE_THREADS=1,
        QUEUE_RENDER_PROCESSES=1,
        # A render worker process is replaced after laying out this many documents (0: never):
        # each layout leaves memory behind in the libraries below WeasyPrint.
        QUEUE_RENDER_RECYCLE=1000,
        # Organisations' template variants compile and render in worker processes with these
        # limits (docgen/rendering/sandbox.py); callers beyond PROCESSES + WAITING are told
        # to retry, so web threads stay free. The compile cache is capped by size.
        VARIANT_RENDER_SECONDS=10,
        VARIANT_RENDER_MEMORY_MB=512,
        VARIANT_RENDER_OUTPUT_MB=8,
        VARIANT_RENDER_PROCESSES=2,
        VARIANT_RENDER_WAITING=1,
        VARIANT_CACHE_MB=32,
        # An Excel import runs as a job in a child process killed at these limits.
        IMPORT_SECONDS=300,
        IMPORT_MEMORY_MB=1024,
    )
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("DOCGEN")
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    else:
        app.config.from_mapping(test_config)
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")

    from docgen.rendering import sandbox

    sandbox.configure(sandbox.Limits.from_config(app.config))
    # Tests run tasks at once in the caller unless they ask for a real consumer.
    if app.config["QUEUE_IMMEDIATE"] is None:
        app.config["QUEUE_IMMEDIATE"] = bool(app.config.get("TESTING"))
    if app.config["QUEUE_CONSUMER"] is None:
        app.config["QUEUE_CONSUMER"] = not app.config["QUEUE_URL"]
    from docgen import jobs

    jobs.init_app(app, jobs.Settings.from_config(app.config, app.instance_path))
    from flask_wtf.csrf import CSRFProtect

    from docgen import cli
    from docgen.web import (
        admin,
        auth,
        bulk_pages,
        check_pages,
        errors,
        helpers,
        ids,
        pages,
        path_pages,
        reads,
        registry_pages,
        security,
        survey_answer,
        surveys,
        templating,
    )
    from docgen.web.api import bulk as api_bulk
    from docgen.web.api import check as api_check
    from docgen.web.api import surveys as api_surveys
    from docgen.web.api import views as api

    app.teardown_appcontext(helpers.close_db)
    errors.init_app(app)
    ids.init_app(app)
    templating.init_app(app)
    security.init_app(app)
    reads.init_app(app)
    cli.init_app(app)
    pages_bps = (
        auth.bp,
        pages.bp,
        bulk_pages.bp,
        registry_pages.bp,
        admin.bp,
        check_pages.bp,
        path_pages.bp,
    )
    survey_bps = (surveys.bp, survey_answer.bp)
    api_bps = (api.bp, api_check.bp, api_surveys.bp, api_bulk.bp)
    for blueprint in (*pages_bps, *survey_bps, *api_bps):
        app.register_blueprint(blueprint)
    # Every page form carries a CSRF token; API clients send a bearer token and no cookie.
    csrf = CSRFProtect(app)
    for blueprint in api_bps:
        csrf.exempt(blueprint)
    # A survey link takes JSON from clients as well; its view checks CSRF itself for the form.
    csrf.exempt(survey_answer.answer)
    return app


def _instance_secret(path: Path) -> str:
    """A random key kept in the instance folder, made on first start: never a literal default."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    return path.read_text().strip()
