"""Command line: flask --app docgen init-db | seed-demo | create-user | kinds | render | check |
worker."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from docgen import db as database
from docgen.accounts import users
from docgen.documents import compose
from docgen.errors import DocgenError, field_paths
from docgen.kinds import catalog
from docgen.registry.excel import batches
from docgen.rendering import html as preview
from docgen.rendering.pdf import docx_to_pdf


def _db():
    db = database.connect(current_app.config["DATABASE"])
    database.migrate(db)
    return db


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create the database or bring it to the latest migration."""
    applied = database.init_db(current_app.config["DATABASE"])
    click.echo(f"База данных готова: {current_app.config['DATABASE']}")
    for name in applied:
        click.echo(f"  применена миграция {name}")
    for import_id in batches.recover(current_app.config["DATABASE"]):
        click.echo(f"  прерванный импорт № {import_id} отменён")


@click.command("seed-demo")
@with_appcontext
def seed_demo() -> None:
    """Fill the database with the demo municipality, its schools, people, pairs and logins."""
    from docgen import demo

    logins = demo.seed(_db())
    click.echo("Демонстрационные данные загружены. Входы (логин / пароль):")
    for login, password, role in logins:
        click.echo(f"  {login} / {password}  — {users.ROLES[role]}")


@click.command("create-user")
@with_appcontext
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
        ".pdf": lambda: docx_to_pdf(docx),
        ".html": lambda: preview.docx_to_html(docx).encode("utf-8"),
    }[suffix]()
    output.write_bytes(content)
    click.echo(f"{output}: {kind.title}")


@click.command("check")
@click.argument("docx_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check_command(docx_file: Path) -> None:
    """Check a Word file against the rules; exit 1 when there is an «ошибка»."""
    from docgen import checking

    try:
        findings = checking.check_upload(docx_file.read_bytes())
    except DocgenError as err:
        _fail(err)
    for finding in findings:
        click.echo(f"{finding.level.upper()} {finding.rule}: {finding.message}")
        click.echo(f"    «{finding.excerpt}»")
    if not findings:
        click.echo("Замечаний нет.")
    sys.exit(1 if checking.blocking(findings) else 0)


@click.command("worker")
@with_appcontext
@click.option("--render-only", is_flag=True, help="Только PDF: базы данных на этой машине нет")
@click.option("--threads", type=int, default=None, help="Потоков отрисовки PDF")
@click.option("--parent", type=int, default=None, hidden=True)
def worker(render_only: bool, threads: int | None, parent: int | None) -> None:
    """Run a consumer of the job queue until interrupted (Ctrl+C, SIGTERM)."""
    import logging

    from docgen import jobs
    from docgen.jobs import children

    if parent is not None:
        children.die_with_parent(parent)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # WeasyPrint tells every step of every page at INFO.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    queue = jobs.current()
    if parent is not None:  # a render worker of a web process, which starts another
        children.recycle_after(queue.render, queue.settings.render_recycle)
    if not render_only:
        database.init_db(current_app.config["DATABASE"])
        queue.recover()
    *others, main = queue.consumers(render_only=render_only, threads=threads)
    for consumer in others:
        consumer.start()
    click.echo(f"Обработчик очереди запущен: {queue.settings.url or 'встроенная очередь'}")
    try:
        main.run()
    finally:
        for consumer in others:
            consumer.stop(graceful=True)


def _fail(err: DocgenError) -> None:
    click.echo(f"Ошибка: {err.message}", err=True)
    for path, messages in field_paths(err.fields).items():
        for message in messages:
            click.echo(f"  {path}: {message}", err=True)
    sys.exit(2)


def init_app(app: Flask) -> None:
    for command in (
        init_db,
        seed_demo,
        create_user,
        kinds,
        render_command,
        check_command,
        worker,
    ):
        app.cli.add_command(command)
