"""The path «Внедрение наставничества»: states read from the archive, pickers, all errors at once."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import login

from docgen.accounts import users
from docgen.db import connect
from docgen.documents import path
from docgen.documents import service as documents
from docgen.kinds import catalog
from docgen.registry import groups as registry_groups
from docgen.registry import people as registry_people

SCHOOL1 = 2


def _db(app: Flask):
    return connect(app.config["DATABASE"])


def _user(db, login_name: str) -> dict:
    return next(u for u in users.list_users(db) if u["login"] == login_name)


def _step(html: str, code: str) -> str:
    found = re.search(rf'<li class="path-step[^"]*" id="step-{code}">(.*?)</li>', html, re.S)
    assert found, f"no step {code} on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


def test_path_steps_follow_the_archive_draft_then_registered(
    app: Flask, client: FlaskClient, today: dt.date
):
    db = _db(app)
    login(client, "director")
    before = client.get("/").get_data(as_text=True)
    assert "Внедрение наставничества" in before
    # 1 October: the curator order was due by 1 September.
    assert "просрочено срок — 01.09.2026" in _step(before, "curator")

    director = _user(db, "director")
    curator_id = next(
        p["id"] for p in registry_people.list_people(db, SCHOOL1) if p["surname"] == "Чернова"
    )
    data = catalog.get("curator-order").sample() | {"curator": {"id": curator_id}}
    doc = documents.create(db, director, "curator-order", data, SCHOOL1)
    draft = client.get("/").get_data(as_text=True)
    assert "просрочено черновик от 01.10.2026" in _step(draft, "curator")
    assert f"/documents/{doc['id']}" in draft
    # A numbered draft waits for the director's registration, with its author.
    awaiting = draft[draft.index('id="awaiting"') :]
    assert "Ждут регистрации: 1" in awaiting
    assert director["full_name"] in awaiting

    documents.register(db, director, doc["id"], today)
    done = _step(client.get("/").get_data(as_text=True), "curator")
    assert "сделано № 1-од от 01.10.2026" in done


def test_the_path_button_prefills_the_curator_from_the_curator_order(app, client):
    db = _db(app)
    director = _user(db, "director")
    curator_id = next(
        p["id"] for p in registry_people.list_people(db, SCHOOL1) if p["surname"] == "Чернова"
    )
    data = catalog.get("curator-order").sample() | {"curator": {"id": curator_id}}
    documents.create(db, director, "curator-order", data, SCHOOL1)
    login(client, "director")
    page = client.get("/documents/new/pairs-order?prefill=1").get_data(as_text=True)
    select = re.search(r'<select id="f-curator-id".*?</select>', page, re.S).group(0)
    assert re.search(rf'<option value="{curator_id}"\s+selected>Чернова', select), select
    assert path.prefill(db, SCHOOL1, "programme", dt.date(2025, 10, 1))["period"] == (
        "2025/2026 учебный год"
    )


def test_overdue_steps_counted_on_the_municipal_start_page(client, today):
    login(client, "municipal")
    page = client.get("/").get_data(as_text=True)
    assert "Неотложных дел нет" not in page
    assert "Школы с просроченными документами: 2" in page
    assert "/path/2" in page and "/path/3" in page
    school = client.get("/path/2").get_data(as_text=True)
    assert "просрочено" in _step(school, "implementation")


def test_personal_programme_pair_is_chosen_by_name(app: Flask, client: FlaskClient):
    login(client, "methodologist")
    page = client.get("/documents/new/personal-programme").get_data(as_text=True)
    select = re.search(r'<select id="f-group_id".*?</select>', page, re.S).group(0)
    assert re.search(r"Петрова Е\.\w\. → Иванова \w\.\w\., учитель – учитель, с \d\d\.\d\d", select)
    form = re.search(r'<select id="f-form".*?</select>', page, re.S).group(0)
    assert "учитель – учитель" in form


def _id_inputs(html: str) -> list[str]:
    """Text or number inputs named like a registry id (`group_id`, `curator.id`)."""
    found = []
    for tag in re.findall(r"<input\b[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if name and (kind is None or kind.group(1) in ("text", "number")):
            last = name.group(1).split(".")[-1]
            if last == "id" or last.endswith("_id") or last.endswith("_ids"):
                found.append(name.group(1))
    return found


@pytest.mark.parametrize("slug", [kind.slug for kind in catalog.KINDS])
def test_no_form_asks_for_a_database_number(client: FlaskClient, slug: str):
    kind = catalog.get(slug)
    login(client, "admin" if "admin" in kind.roles else "municipal")
    page = client.get(f"/documents/new/{slug}?sample=1").get_data(as_text=True)
    assert "<form" in page
    assert _id_inputs(page) == []


def test_pair_form_reports_every_error_at_once(app: Flask, client: FlaskClient):
    db = _db(app)
    unsigned = next(
        p["id"] for p in registry_people.list_people(db, SCHOOL1) if p["surname"] == "Морозова"
    )
    teacher = next(
        p["id"] for p in registry_people.list_people(db, SCHOOL1) if p["surname"] == "Чернова"
    )
    login(client, "curator")
    before = len(registry_groups.list_groups(db, SCHOOL1))
    response = client.post(
        "/registry/groups/new",
        data={"form_code": "teacher_teacher", "mentor_id": "", "mentee_ids": [unsigned],
              "start_date": "2025-09-02", "end_date": "2025-09-01"},
    )  # fmt: skip
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Наставник: выберите" in page
    assert "законный представитель" in page  # the mentee's missing consent
    assert "не может быть наставляемым в форме" in page  # a student in a teachers' form
    assert "дата окончания раньше даты начала" in page
    response = client.post(
        "/registry/groups/new",
        data={"form_code": "", "mentor_id": teacher, "mentee_ids": [],
              "start_date": "", "end_date": ""},
    )  # fmt: skip
    page = response.get_data(as_text=True)
    for field_name in ("form_code", "mentee_ids", "start_date", "end_date"):
        assert f'id="f-{field_name}-errors"' in page, field_name
    assert len(registry_groups.list_groups(db, SCHOOL1)) == before
