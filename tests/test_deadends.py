"""No dead ends: confirmations that say what will happen, links out of refusals, dates as
ДД.ММ.ГГГГ, pair editing and the preview where the user looks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import login, make_app

from docgen.accounts import audit, users
from docgen.db import connect
from docgen.documents import archive
from docgen.documents import journal as numbering
from docgen.documents import service as documents
from docgen.kinds import catalog
from docgen.registry import consents
from docgen.registry import groups as registry_groups
from docgen.registry import people as registry_people
from docgen.web import formdata


@pytest.fixture
def app(tmp_path, today) -> Flask:  # the clock is frozen on 01.10.2026 before the app starts
    return make_app(tmp_path)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def _db(app: Flask):
    return connect(app.config["DATABASE"])


def _user(db, login_name: str) -> dict:
    return next(u for u in users.list_users(db) if u["login"] == login_name)


def _draft(app: Flask, slug: str = "pairs-order", *, from_registry: bool = False) -> int:
    db = _db(app)
    curator = _user(db, "curator")
    payload = catalog.get(slug).sample()
    if from_registry:  # the order lists the registry's pairs, so their consents are checked
        payload.pop("organisation", None)
        payload.pop("pairs", None)
    return documents.create(db, curator, slug, payload, curator["org_id"])["id"]


def _person_id(app: Flask, surname: str) -> int:
    db = _db(app)
    org_id = _user(db, "curator")["org_id"]
    return next(p["id"] for p in registry_people.list_people(db, org_id) if p["surname"] == surname)


def _text(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# --- 1. confirmations ------------------------------------------------------------------------


def test_register_shows_the_number_before_taking_it(app: Flask, client: FlaskClient) -> None:
    document_id = _draft(app)
    login(client, "director")
    page = _text(client.get(f"/documents/{document_id}").get_data(as_text=True))
    assert "Будет присвоен № 1-од от 01.10.2026" in page

    confirm = client.get(f"/documents/{document_id}/register?date=01.10.2026")
    shown = _text(confirm.get_data(as_text=True))
    assert "Будет присвоен № 1-од от 01.10.2026" in shown
    assert "Зарегистрировать под № 1-од" in shown
    # Looking is not registering: the draft is still a draft, the journal is empty.
    db = _db(app)
    assert archive.get_document(db, document_id)["status"] == "draft"
    assert numbering.journal(db, _user(db, "director")["org_id"], 2026) == []

    done = client.post(
        f"/documents/{document_id}/register", data={"date": "01.10.2026"}, follow_redirects=True
    )
    assert "Документ зарегистрирован: № 1-од от 01.10.2026" in done.get_data(as_text=True)


def test_peek_next_follows_the_journal_without_taking_a_number(app: Flask) -> None:
    db = _db(app)
    org_id = _user(db, "director")["org_id"]
    on = dt.date(2026, 10, 1)
    assert numbering.peek_next(db, org_id, "orders", on, "{n}-од") == "1-од"
    documents.register(db, _user(db, "director"), _draft(app), on)
    assert numbering.peek_next(db, org_id, "orders", on) == "2-од"
    assert numbering.peek_next(db, org_id, "orders", on) == "2-од"  # asking twice takes nothing
    assert numbering.peek_next(db, org_id, "orders", dt.date(2027, 1, 10)) == "1-од"  # a new year


def test_backdated_pairs_order_says_the_consent_is_younger_and_keeps_the_date(
    app: Flask, client: FlaskClient
) -> None:
    document_id = _draft(app, from_registry=True)
    login(client, "director")
    refused = client.post(
        f"/documents/{document_id}/register", data={"date": "15.01.2026"}, follow_redirects=True
    )
    page = refused.get_data(as_text=True)
    assert "Приказ нельзя зарегистрировать" in page
    # The demo's consents are signed on 10.09.2026, after the order's date.
    assert "согласие подписано 10.09.2026 — позже даты приказа 15.01.2026" in page
    assert 'id="reg-date" name="date" value="15.01.2026"' in page
    assert archive.get_document(_db(app), document_id)["status"] == "draft"


def test_cancel_asks_for_the_reason_inside_a_confirmation(app: Flask, client: FlaskClient) -> None:
    document_id = _draft(app)
    login(client, "director")
    page = client.get(f"/documents/{document_id}").get_data(as_text=True)
    block = page[page.index('id="cancel"') :]
    assert "<details" in block and "Аннулировать…" in block
    assert "Причина аннулирования" in block and "Отменить аннулирование нельзя" in block
    refused = client.post(f"/documents/{document_id}/cancel", data={"reason": ""})
    assert refused.headers["Location"].endswith(f"/documents/{document_id}?cancel=1#cancel")
    again = client.get(f"/documents/{document_id}?cancel=1").get_data(as_text=True)
    assert "Причина аннулирования: обязательное поле" in again
    assert '<details class="confirm" open>' in again


# --- 2. links out of dead ends ---------------------------------------------------------------


def test_pair_form_links_a_missing_consent_to_making_and_marking_it(
    app: Flask, client: FlaskClient
) -> None:
    child = _person_id(app, "Морозова")  # no consent in the demo
    mentor = _person_id(app, "Кузнецова")
    login(client, "curator")
    response = client.post(
        "/registry/groups/new",
        data={
            "form_code": "student_student",
            "mentor_id": str(mentor),
            "mentee_ids": [str(child)],
            "start_date": "01.10.2026",
            "end_date": "31.05.2027",
            "status": "active",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    box = page[page.index('id="no-consent"') :]
    assert "Морозова А.И." in _text(box)
    assert f'href="/documents/new/consent?person_id={child}"' in box
    assert f'href="/registry/people/{child}#sign-consent"' in box


def test_person_page_links_the_missing_consent(app: Flask, client: FlaskClient) -> None:
    child = _person_id(app, "Морозова")
    login(client, "curator")
    page = client.get(f"/registry/people/{child}").get_data(as_text=True)
    lacking = page[page.index("Недостающие документы") : page.index("<h2>Согласия")]
    assert "Составить согласие" in lacking and "Отметить как подписанное" in lacking
    assert f"/documents/new/consent?person_id={child}" in lacking
    assert 'id="sign-consent"' in page


def test_consent_form_prefilled_with_the_person_then_offers_marking_it_signed(
    app: Flask, client: FlaskClient
) -> None:
    child = _person_id(app, "Морозова")
    login(client, "curator")
    form = client.get(f"/documents/new/consent?person_id={child}").get_data(as_text=True)
    assert re.search(rf'<option value="{child}"\s*selected', form)

    db = _db(app)
    curator = _user(db, "curator")
    payload = catalog.get("consent").sample()
    payload["subject"] = {"id": child}
    created = documents.create(db, curator, "consent", payload, curator["org_id"])
    page = client.get(f"/documents/{created['id']}").get_data(as_text=True)
    assert "Отметить как подписанное" in page
    assert f"/registry/people/{child}?consent_kind=processing#sign-consent" in page


# --- 3. dates --------------------------------------------------------------------------------


def test_date_fields_take_and_show_day_month_year(client: FlaskClient) -> None:
    login(client, "curator")
    page = client.get("/documents/new/pairs-order?sample=1").get_data(as_text=True)
    assert 'type="date"' not in page
    field = re.search(r'<input [^>]*id="f-regulation-date"[^>]*>', page).group(0)
    assert 'placeholder="ДД.ММ.ГГГГ"' in field and 'type="text"' in field
    assert re.search(r'value="\d{2}\.\d{2}\.\d{4}"', field)
    pair_form = client.get("/registry/groups/new").get_data(as_text=True)
    assert 'value="01.10.2026"' in pair_form and 'type="date"' not in pair_form


def test_impossible_dates_are_refused_naming_the_field(app: Flask, client: FlaskClient) -> None:
    login(client, "curator")
    mentee = _person_id(app, "Фёдоров")
    mentor = _person_id(app, "Кузнецова")
    response = client.post(
        "/registry/groups/new",
        data={
            "form_code": "student_student",
            "mentor_id": str(mentor),
            "mentee_ids": [str(mentee)],
            "start_date": "01.01.1900",
            "end_date": "31.02.2027",
        },
    )
    assert response.status_code == 422
    page = _text(response.get_data(as_text=True))
    assert "Дата начала: 01.01.1900 — проверьте год" in page
    assert "Дата окончания: такой даты нет" in page

    values = catalog.get("pairs-order").sample()
    form = {"action": "save", "title": values["title"], "plans_deadline": "до 31.02.2026"}
    refused = client.post("/documents/new/pairs-order", data=form).get_data(as_text=True)
    block = refused[refused.index('id="f-plans_deadline"') :]
    assert "Такой даты нет: 31.02.2026." in block[: block.index('<div class="field')]


def test_hints_show_the_current_school_year(client: FlaskClient) -> None:
    assert formdata.current_years("например: до 01.10.2024", dt.date(2026, 10, 1)) == (
        "например: до 01.10.2026"
    )
    assert formdata.current_years("до 31.05.2025", dt.date(2027, 3, 1)) == "до 31.05.2027"
    login(client, "curator")
    page = client.get("/documents/new/pairs-order").get_data(as_text=True)
    assert "до 01.10.2026" in page and "до 01.10.2024" not in page


# --- 4. editing a pair, the preview ------------------------------------------------------------


def test_edit_a_pair_rechecks_the_rules_and_is_audited(app: Flask, client: FlaskClient) -> None:
    db = _db(app)
    org_id = _user(db, "curator")["org_id"]
    group = registry_groups.list_groups(db, org_id, status="active")[0]
    login(client, "curator")
    listing = client.get("/registry/groups").get_data(as_text=True)
    assert f'href="/registry/groups/{group["id"]}/edit"' in listing
    form = client.get(f"/registry/groups/{group['id']}/edit").get_data(as_text=True)
    assert f"Изменить наставническую пару (группу) № {group['id']}" in form
    assert re.search(rf'<option value="{group["mentor_id"]}"[^>]*selected', form)
    start = dt.date.fromisoformat(group["start_date"]).strftime("%d.%m.%Y")
    assert f'value="{start}"' in form

    data = {
        "form_code": group["form_code"],
        "mentor_id": str(group["mentor_id"]),
        "mentee_ids": [str(m["id"]) for m in group["mentees"]],
        "start_date": start,
        "end_date": "01.01.2020",  # before the start: refused, the pair unchanged
        "status": "active",
    }
    refused = client.post(f"/registry/groups/{group['id']}/edit", data=data)
    assert refused.status_code == 422
    assert "раньше даты начала" in refused.get_data(as_text=True)
    assert registry_groups.get_group(db, group["id"])["end_date"] == group["end_date"]

    saved = client.post(
        f"/registry/groups/{group['id']}/edit",
        data={**data, "end_date": "30.04.2027"},
        follow_redirects=True,
    )
    assert f"Наставническая пара/группа № {group['id']} изменена." in saved.get_data(as_text=True)
    assert registry_groups.get_group(db, group["id"])["end_date"] == "2027-04-30"
    entry = next(e for e in audit.entries(db, object_type="group") if e["action"] == "edit")
    assert "30.04.2027" in entry["detail"]


def test_preview_is_where_the_page_opens_and_on_a_saved_draft(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "curator")
    form = client.get("/documents/new/pairs-order").get_data(as_text=True)
    assert re.search(r'value="preview" formaction="#preview"', form)
    sample = catalog.get("pairs-order").sample()
    shown = client.post(
        "/documents/new/pairs-order?sample=1",
        data={"action": "preview", "title": sample["title"]},
    ).get_data(as_text=True)
    assert "Документ не сохранён" not in shown

    document_id = _draft(app)
    page = client.get(f"/documents/{document_id}").get_data(as_text=True)
    preview = _text(page[page.index('id="preview"') :])
    assert "Предпросмотр (версия 1, сохранена)" in preview
    assert "ПРИКАЗ" in preview.upper()

    edit = client.post(
        f"/documents/{document_id}/edit", data={"action": "preview", "title": ""}
    ).get_data(as_text=True)
    assert "Документ не сохранён" not in edit
    assert "Предпросмотр не построен" in edit


def test_marking_signed_from_the_document_preselects_the_consent_kind(
    app: Flask, client: FlaskClient
) -> None:
    child = _person_id(app, "Морозова")
    login(client, "curator")
    page = client.get(f"/registry/people/{child}?consent_kind=dissemination").get_data(as_text=True)
    assert re.search(r'<option value="dissemination"\s*selected', page)
    assert consents.list_consents(_db(app), child) == []


def test_consents_page_offers_making_and_marking_each_missing_consent(
    app: Flask, client: FlaskClient
) -> None:
    child = _person_id(app, "Морозова")  # no consent in the demo
    login(client, "curator")
    page = client.get("/registry/consents").get_data(as_text=True)
    row = page[page.index("Морозова") :]
    row = row[: row.index("</tr>")]
    assert "Составить согласие" in row and "Отметить как подписанное" in row
    assert f'href="/documents/new/consent?person_id={child}"' in row
    assert f'href="/registry/people/{child}#sign-consent"' in row
    # The page the first link opens is the consent form with the person chosen.
    form = client.get(f"/documents/new/consent?person_id={child}").get_data(as_text=True)
    assert re.search(rf'<option value="{child}"\s*selected', form)


def test_consents_page_offers_marking_only_to_who_may_edit_the_registry(
    app: Flask, client: FlaskClient
) -> None:
    child = _person_id(app, "Морозова")
    login(client, "methodologist")
    page = client.get("/registry/consents").get_data(as_text=True)
    assert f'href="/documents/new/consent?person_id={child}"' in page
    assert "#sign-consent" not in page
