"""The start page reminds of the roadmap's next deadlines."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from webfixtures import login


def test_start_page_lists_the_next_dated_roadmap_events(
    client: FlaskClient, today: dt.date
) -> None:
    def _day(days: int) -> str:
        return (today + dt.timedelta(days=days)).strftime("%d.%m.%Y")

    login(client, "curator")
    assert "Ближайшие сроки" not in client.get("/").get_data(as_text=True)
    rows = [
        {"content": "Уже прошло", "deadline": _day(-3), "responsible_text": "{curator}"},
        {"content": "Сформировать базу наставляемых", "deadline": f"до {_day(20)}",
         "responsible_text": "{curator}"},
        {"content": "Обучить наставников", "deadline": _day(5), "responsible_text": "{curator}"},
        {"content": "Мониторинг", "deadline": "в течение учебного года",
         "responsible_text": "{curator}"},
    ]  # fmt: skip
    payload = {
        "period": "2026/2027 учебный год",
        "curator": {"surname": "Чернова", "name": "Наталья", "patronymic": "Викторовна"},
        "sections": [{"title": "Организационное сопровождение", "rows": rows}],
    }
    saved = client.post(
        "/api/documents",
        json={"kind": "roadmap", "input": payload},
        headers=_token(client),
    )
    assert saved.status_code == 201, saved.get_json()
    page = client.get("/").get_data(as_text=True)
    assert "Ближайшие сроки дорожной карты" in page
    soon, later = page.index("Обучить наставников"), page.index("Сформировать базу")
    assert soon < later  # soonest first
    assert "Уже прошло" not in page and "Мониторинг" not in page.split("Ближайшие сроки")[1][:800]


def _token(client: FlaskClient) -> dict:
    token = client.post("/api/token", json={"login": "curator", "password": "nastavnik2024"})
    return {"Authorization": f"Bearer {token.get_json()['token']}"}
