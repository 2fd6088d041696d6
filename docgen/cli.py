"""Command line: flask --app docgen init-db | seed-demo | create-user | kinds | render."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app

from docgen import catalog, compose, preview, users
from docgen import db as database
from docgen.errors import DocgenError


def _db():
    db = database.connect(current_app.config["DATABASE"])
    database.migrate(db)
    return db


@click.command("init-db")
def init_db() -> None:
    """Create the database or bring it to the latest migration."""
    db = database.connect(current_app.config["DATABASE"])
    applied = database.migrate(db)
    click.echo(f"База данных готова: {current_app.config['DATABASE']}")
    for name in applied:
        click.echo(f"  применена миграция {name}")


@click.command("seed-demo")
def seed_demo() -> None:
    """Fill the database with the demo municipality, its schools, people, pairs and logins."""
    from docgen import demo

    logins = demo.seed(_db())
    click.echo("Демонстрационные данные загружены. Входы (логин / пароль):")
    for login, password, role in logins:
        click.echo(f"  {login} / {password}  — {users.ROLES[role]}")


@click.command("create-user")
@click.argument("login")
@click.option("--role", type=click.Choice(sorted(users.ROLES)), required=True)
@click.option("--org", "org_id", type=int, default=None, help="Организация пользователя (id)")
@click.option("--name", "full_name", default="", help="ФИО")
@click.password_option()
def create_user(login: str, role: str, org_id: int | None, full_name: str, password: str) -> None:
    """Create a user with a role in an organisation."""
    try:
        user_id = users.create_user(_db(), login, password, role, org_id, full_name)
    except DocgenError as err:
        _fail(err)
    click.echo(f"Пользователь {login} создан (id {user_id}).")


@click.command("kinds")
def kinds() -> None:
    """List the document kinds."""
    for kind in catalog.KINDS:
        click.echo(f"{kind.slug:28} {kind.title}")


@click.command("render")
@click.argument("slug")
@click.argument("input_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def render_command(slug: str, input_file: Path, output: Path) -> None:
    """Validate INPUT.json against the kind's form and render it (.docx, .pdf or .html)."""
    suffix = output.suffix.lower()
    if suffix not in {".docx", ".pdf", ".html"}:
        raise click.BadParameter("ожидается файл .docx, .pdf или .html", param_hint="-o")
    try:
        payload = json.loads(input_file.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        click.echo(f"Файл {input_file} не является JSON: {err}", err=True)
        sys.exit(2)
    try:
        kind = catalog.get(slug)
        data = compose.validate(kind, payload)
        docx = compose.render_docx(kind, compose.build_context(kind, data))
    except DocgenError as err:
        _fail(err)
    content = {
        ".docx": lambda: docx,
        ".pdf": lambda: preview.docx_to_pdf(docx),
        ".html": lambda: preview.docx_to_html(docx).encode("utf-8"),
    }[suffix]()
    output.write_bytes(content)
    click.echo(f"{output}: {kind.title}")


def _fail(err: DocgenError) -> None:
    click.echo(f"Ошибка: {err.message}", err=True)
    for path, message in _flatten(err.fields):
        click.echo(f"  {path}: {message}", err=True)
    sys.exit(2)


def _flatten(errors: object, prefix: str = "") -> list[tuple[str, str]]:
    """Nested marshmallow messages as (field.path, message) lines."""
    if isinstance(errors, dict):
        result = []
        for key, value in errors.items():
            result += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return result
    if isinstance(errors, list):
        if all(isinstance(item, str) for item in errors):
            return [(prefix, item) for item in errors]
        result = []
        for index, item in enumerate(errors):
            result += _flatten(item, f"{prefix}[{index}]")
        return result
    return [(prefix, str(errors))]


def init_app(app: Flask) -> None:
    for command in (init_db, seed_demo, create_user, kinds, render_command):
        app.cli.add_command(command)
