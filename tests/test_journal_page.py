"""The registration journal page: numbers, dates and titles of the year, cancelled ones marked."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from webfixtures import csrf_token, login

from docgen.kinds import catalog


def _register_curator_order(client: FlaskClient) -> str:
    token = client.post("/api/token", json={"login": "director", "password": "nastavnik2024"})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    payload = catalog.get("curator-order").sample()
    payload.pop("organisation")
    created = client.post("/api/documents", json={"kind": "curator-order", "input": payload},
                          headers=headers)  # fmt: skip
    document_id = created.get_json()["id"]
    registered = client.post(f"/api/documents/{document_id}/register", json={}, headers=headers)
    assert registered.status_code == 200, registered.get_json()
    return document_id, registered.get_json()["number"]


def test_journal_lists_registered_numbers_and_marks_cancelled(client: FlaskClient) -> None:
    first, number_1 = _register_curator_order(client)
    _, number_2 = _register_curator_order(client)
    login(client, "director")
    page = client.get(f"/documents/{first}").get_data(as_text=True)
    client.post(
        f"/documents/{first}/cancel",
        data={"reason": "ошибка в дате", "csrf_token": csrf_token(page)},
    )
    journal = client.get("/journal").get_data(as_text=True)
    assert number_1 in journal and number_2 in journal
    assert journal.index(number_1) < journal.index(number_2)
    assert "аннулирован: ошибка в дате" in journal
    assert dt.date.today().strftime("%d.%m.%Y") in journal
    empty = client.get("/journal?year=2001").get_data(as_text=True)
    assert "В 2001 году документы не регистрировались" in empty


def test_journal_of_one_school_is_not_shown_to_another(client: FlaskClient) -> None:
    _, number = _register_curator_order(client)
    login(client, "curator2")
    assert number not in client.get("/journal").get_data(as_text=True)
