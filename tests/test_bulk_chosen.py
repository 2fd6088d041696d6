"""Bulk actions for chosen people: a list to tick on the page, `person_ids` in the API."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from flask import Flask
from flask.testing import FlaskClient
from jobs_support import token
from lxml import html
from webfixtures import login

from docgen.documents import bulk, chosen
from docgen.registry import people as registry_people
from docgen.rendering import html as preview
from docgen.web.helpers import get_db


def _ids(app: Flask, login_name: str = "curator") -> dict[str, int]:
    """Surname -> id of the people of that user's school."""
    with app.app_context():
        db = get_db()
        org_id = next(db.query("SELECT org_id FROM users WHERE login = ?", [login_name]))["org_id"]
        return {p["surname"]: p["id"] for p in registry_people.list_people(db, org_id)}


def _names(client: FlaskClient, job_url: str) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(client.get(job_url + "/documents.zip").data)) as package:
        return package.namelist()


def _card(page: str, title_part: str):
    tree = html.fromstring(page)
    return next(
        form for form in tree.xpath("//form[@class='card']") if title_part in form.text_content()
    )


def test_the_consent_list_offers_every_participant_and_ticks_those_without(app, client):
    login(client, "curator")
    card = _card(client.get("/documents/bulk").get_data(as_text=True), "у кого их нет")
    boxes = card.xpath(".//input[@name='person_ids']")
    labels = {
        " ".join(box.getparent().text_content().split()): box.get("checked") is not None
        for box in boxes
    }
    # Морозова alone has no consent in the demo school: she is ticked, the others may be.
    assert labels["Морозова Алина Игоревна, 4 «Б» класс"] is True
    assert labels["Петрова Елена Сергеевна, учитель математики"] is False
    assert sum(labels.values()) == 1 and len(labels) > 5
    assert card.xpath(".//input[@type='search']"), "a search box for names"
    assert card.xpath(".//input[@data-select-all]"), "«Выбрать всех»"
    assert "Выбрать всех" in card.text_content() and "Поиск по фамилии" in html.tostring(
        card, encoding="unicode"
    )


def test_consents_for_chosen_people_even_with_a_consent_in_force(app, client):
    ids = _ids(app)
    login(client, "curator")
    started = client.post(
        "/documents/bulk",
        data={
            "action": "consents",
            "choose": "1",
            "person_ids": [ids["Петрова"], ids["Морозова"]],
        },
    )
    assert started.status_code == 302, started.get_data(as_text=True)
    job = client.get(started.headers["Location"] + ".json").get_json()
    assert job["status"] == "done" and job["total"] == 2, job
    names = _names(client, started.headers["Location"])
    assert len(names) == 2
    assert any("Петрова" in n for n in names) and any("Морозова" in n for n in names)


def test_nobody_ticked_is_refused_beside_the_list_with_the_boxes_kept(app, client):
    login(client, "curator")
    refused = client.post("/documents/bulk", data={"action": "consents", "choose": "1"})
    assert refused.status_code == 422
    card = _card(refused.get_data(as_text=True), "у кого их нет")
    assert "Выберите хотя бы одного человека." in card.text_content()
    assert not card.xpath(".//input[@name='person_ids'][@checked]"), "the boxes stay unticked"


def test_a_programme_for_one_chosen_young_teacher_and_both_errors_at_once(app, client):
    ids = _ids(app, "methodologist")
    login(client, "methodologist")
    refused = client.post(
        "/documents/bulk",
        data={"action": "personal-programmes", "choose": "1", "person_ids": [ids["Петрова"]]},
    )
    assert refused.status_code == 422
    text = " ".join(refused.get_data(as_text=True).split())
    assert "Выберите куратора программ." in text
    assert "Для этого действия не подходят: Петрова Е.С." in text
    started = client.post(
        "/documents/bulk",
        data={
            "action": "personal-programmes",
            "curator_id": ids["Чернова"],
            "choose": "1",
            "person_ids": [ids["Королёв"]],
        },
    )
    assert started.status_code == 302
    package = client.get(started.headers["Location"] + "/documents.zip").data
    with zipfile.ZipFile(io.BytesIO(package)) as files:
        texts = [preview.docx_text(files.read(name)) for name in files.namelist()]
    assert len(texts) == 1 and "Королёв Пётр Алексеевич" in texts[0]


def test_the_api_takes_person_ids_and_names_what_is_wrong(app, client):
    headers = token(client)
    org_id = client.get("/api/me", headers=headers).get_json()["org_id"]
    ids, others = _ids(app), _ids(app, "curator2")
    stranger = next(i for surname, i in others.items() if surname not in ids)

    def post(**body):
        return client.post(
            "/api/bulk", json={"org_id": org_id, "action": "consents", **body}, headers=headers
        )

    # Who is in the registry is a rule against stored records: 409, as the OpenAPI says.
    foreign = post(person_ids=[ids["Петрова"], stranger])
    assert foreign.status_code == 409
    assert foreign.get_json()["fields"]["person_ids"] == [
        f"Этих людей нет в реестре организации: № {stranger}."
    ]
    assert post(person_ids=[]).get_json()["fields"]["person_ids"] == [
        "Выберите хотя бы одного человека."
    ]
    assert post(person_ids=["Петрова"]).status_code == 422
    assert post(person_ids=[0]).status_code == 422

    agreement = client.post(
        "/api/bulk",
        json={"org_id": org_id, "action": "tk-agreements", "person_ids": [ids["Морозова"]]},
        headers=headers,
    )
    assert agreement.status_code == 409
    assert "не подходят: Морозова А.И." in agreement.get_json()["fields"]["person_ids"][0]

    started = post(person_ids=[ids["Петрова"], ids["Кох"], ids["Петрова"]])
    assert started.status_code == 202, started.get_json()
    job = client.get(f"/api/bulk/{started.get_json()['id']}", headers=headers).get_json()
    assert job["status"] == "done" and job["total"] == 2, job


def test_the_api_describes_person_ids(client):
    spec = client.get("/api/openapi.json").get_json()
    request = spec["components"]["schemas"]
    body = next(s for name, s in request.items() if "person_ids" in s.get("properties", {}))
    prop = body["properties"]["person_ids"]
    assert prop["type"] == ["array", "null"] and prop["items"]["minimum"] == 1
    assert prop["maxItems"] == bulk.MAX_ITEMS
    assert "consents" in prop["description"] and "422" in prop["description"]


def test_candidates_of_every_per_person_action_are_people_of_the_school(app):
    ids = _ids(app)
    with app.app_context():
        db = get_db()
        org_id = next(db.query("SELECT org_id FROM users WHERE login = 'curator'"))["org_id"]
        for code, action in bulk.ACTIONS.items():
            found = chosen.candidates(db, org_id, dt.date.today(), action)
            assert action.person and found, code
            assert {p["id"] for p in found} <= set(ids.values()), code
            labels = [p["label"] for p in found]
            assert labels == sorted(labels, key=registry_people.name_key), code
            assert all(re.match(r"[А-ЯЁ]", label) for label in labels), code


def test_the_list_of_jobs_names_documents_and_states_in_russian(app, client):
    ids = _ids(app)
    login(client, "curator")
    client.post(
        "/documents/bulk",
        data={"action": "tk-consents", "choose": "1", "person_ids": [ids["Кох"]]},
    )
    page = html.fromstring(client.get("/documents/bulk").get_data(as_text=True))
    row = [cell.text_content().strip() for cell in page.xpath("//table//tbody/tr[1]/td")]
    assert row[1:] == ["Согласия работников на осуществление наставничества", "готово", "1 из 1"]


def test_a_forged_choice_on_the_page_is_refused_beside_the_list(client):
    login(client, "curator")
    forged = client.post(
        "/documents/bulk", data={"action": "consents", "choose": "1", "person_ids": ["1; DROP"]}
    )
    assert forged.status_code == 422
    card = _card(forged.get_data(as_text=True), "у кого их нет")
    assert "Неверный выбор людей: обновите страницу и отметьте их снова." in card.text_content()
    stranger = client.post(
        "/documents/bulk", data={"action": "consents", "choose": "1", "person_ids": ["99999999"]}
    )
    assert stranger.status_code == 422
    assert "нет в реестре организации: № 99999999." in stranger.get_data(as_text=True)
