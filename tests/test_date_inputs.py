"""Every date input takes and shows ДД.ММ.ГГГГ, whatever the browser's language; an impossible
date is refused with a message that names the field."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from webfixtures import login

from docgen.registry import groups as registry_groups
from docgen.surveys import issuing
from docgen.web.helpers import get_db

PAGES = Path(__file__).resolve().parent.parent / "docgen" / "templates" / "pages"


def test_no_page_template_asks_the_browser_for_its_own_date_picker():
    found = [
        f"{path.name}: {line.strip()[:80]}"
        for path in sorted(PAGES.glob("*.html"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if re.search(r"<input[^>]*\btype=[\"']?date\b", line)
    ]
    assert found == []


def _date_input(page: str, name: str):
    inputs = html.fromstring(page).xpath(f"//input[@name='{name}']")
    assert inputs, f"no input {name}"
    return inputs[0]


def _school_group(app: Flask) -> dict:
    with app.app_context():
        db = get_db()
        org_id = next(db.query("SELECT org_id FROM users WHERE login = 'curator'"))["org_id"]
        return next(g for g in registry_groups.list_groups(db, org_id) if g["status"] != "closed")


def _status(app: Flask, group_id: int) -> str:
    with app.app_context():
        return registry_groups.get_group(get_db(), group_id)["status"]


def test_closing_a_pair_takes_day_month_year_and_refuses_31_february(
    app: Flask, client: FlaskClient, today: dt.date
):
    login(client, "curator")
    page = client.get("/registry/groups").get_data(as_text=True)
    field = _date_input(page, "closed_on")
    assert field.get("type") == "text" and field.get("placeholder") == "ДД.ММ.ГГГГ"
    assert field.get("value") == today.strftime("%d.%m.%Y")
    group = _school_group(app)

    refused = client.post(
        f"/registry/groups/{group['id']}/close",
        data={"result": "программа выполнена", "closed_on": "31.02.2026"},
        follow_redirects=True,
    )
    assert refused.status_code == 422
    form = html.fromstring(refused.get_data(as_text=True)).xpath(
        f"//form[@action='/registry/groups/{group['id']}/close']"
    )[0]
    assert form.xpath("ancestor::details/@open"), "the refused closing form stays open"
    assert form.xpath("string(.//textarea[@name='result'])") == "программа выполнена"
    assert form.xpath("string(.//input[@name='closed_on']/@value)") == "31.02.2026"
    assert "Дата завершения: такой даты нет" in form.xpath("string(.//p[@class='field-errors'])")
    assert _status(app, group["id"]) != "closed"

    closed = client.post(
        f"/registry/groups/{group['id']}/close",
        data={"result": "программа выполнена", "closed_on": today.strftime("%d.%m.%Y")},
        follow_redirects=True,
    )
    assert "Работа пары/группы завершена." in closed.get_data(as_text=True)
    assert _status(app, group["id"]) == "closed"


def test_the_survey_closing_date_is_day_month_year_and_errors_stand_beside_it(
    client: FlaskClient, today: dt.date
):
    login(client, "curator")
    form = client.get("/surveys").get_data(as_text=True)
    field = _date_input(form, "closes_on")
    assert field.get("type") == "text" and field.get("placeholder") == "ДД.ММ.ГГГГ"
    default = today + dt.timedelta(days=issuing.DEFAULT_DAYS)
    assert field.get("value") == default.strftime("%d.%m.%Y")

    for typed, message in (
        ("31.02.2027", "Ответы до: такой даты нет."),
        ("01.13.2027", "Ответы до: такой даты нет."),
        ("завтра", "Ответы до: ожидается дата в виде ДД.ММ.ГГГГ."),
        ("01.01.1900", "Ответы до: 01.01.1900 — проверьте год."),
    ):
        refused = client.post(
            "/surveys", data={"audience": "mentors", "stage": "end", "closes_on": typed}
        )
        assert refused.status_code == 422, typed
        tree = html.fromstring(refused.get_data(as_text=True))
        beside = tree.xpath("//input[@name='closes_on']/following-sibling::div//p")
        assert [p.text_content() for p in beside] == [message]
        assert tree.xpath("//input[@name='closes_on']/@value") == [typed], "the typed date stays"

    later = (today + dt.timedelta(days=10)).strftime("%d.%m.%Y")
    issued = client.post(
        "/surveys", data={"audience": "mentors", "stage": "end", "closes_on": later}
    )
    assert issued.status_code == 200
    assert f"до {later}" in " ".join(issued.get_data(as_text=True).split())
