"""A survey walked in Debian's Chromium: issued by the curator, answered from two phones,
refused on a third attempt, and the satisfaction figure shown with its count of answers."""

from __future__ import annotations

import re

from test_e2e import ARTIFACTS, _sign_in, _sign_out, page, pytestmark, server
from webfixtures import PASSWORD

__all__ = ["page", "pytestmark", "server"]

SCORED = ("efficiency", "comfort", "usefulness", "clarity", "support", "organisation", "continue")


def _answer(phone, url: str, score: int, name: str) -> None:
    phone.goto(url)
    assert "Кто увидит ответы" in phone.inner_text("main")
    phone.screenshot(path=ARTIFACTS / f"survey-{name}-390.png", full_page=True)
    for code in SCORED:
        phone.check(f"input[name={code}][value='{score}']")
    phone.fill("textarea[name=liked]", "Разбор уроков вместе")
    phone.click("button:has-text('Отправить ответ')")
    assert "Ваш ответ записан" in phone.inner_text("main")


def test_survey_issued_answered_refused_and_counted(page, server) -> None:
    _sign_in(page, "curator")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("nav summary:has-text('Реестр')")  # the header groups its menu
    page.click("nav >> text=Анкеты")
    page.check("input[name=audience][value=mentees]")
    page.check("input[name=stage][value=end]")
    page.screenshot(path=ARTIFACTS / "survey-issue-1366.png", full_page=True)
    page.click("button:has-text('Выдать ссылки')")
    assert "Лист с QR-кодами" in page.inner_text("main")
    assert page.locator(".qr-card svg").count() == 6
    page.screenshot(path=ARTIFACTS / "survey-links-1366.png", full_page=True)
    urls = [
        page.locator("ul.links input").nth(i).input_value()
        for i in range(page.locator("ul.links input").count())
    ]
    assert len(urls) == 6

    phone_context = page.context.browser.new_context(
        locale="ru-RU", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    phone = phone_context.new_page()
    _answer(phone, urls[0], 9, "first")
    _answer(phone, urls[1], 4, "second")
    phone.goto(urls[0])  # the third attempt with the first link
    assert "Вы уже ответили" in phone.inner_text("main")
    assert "form" not in phone.inner_html("main")
    phone.screenshot(path=ARTIFACTS / "survey-again-390.png", full_page=True)
    refused = phone.request.post(
        urls[0].replace("/s/", "/api/surveys/answer/"),
        data={code: 9 for code in SCORED},
    )
    assert refused.status == 409
    phone.goto(re.sub(r"/s/.*", "/s/wrong-token", urls[0]))
    assert "Ссылка не найдена" in phone.inner_text("main")
    phone.screenshot(path=ARTIFACTS / "survey-wrong-390.png", full_page=True)
    phone_context.close()

    page.click("nav summary:has-text('Реестр')")  # the header groups its menu
    page.click("nav >> text=Анкеты")
    assert "2 из 6" in page.inner_text("main")
    page.click("nav >> text=Главная")
    row = page.locator("tr", has_text="Уровень удовлетворенности наставляемых")
    assert "50 %" in row.inner_text().replace("\u00a0", " ")
    assert "по анкетам: 2" in row.inner_text()
    page.screenshot(path=ARTIFACTS / "survey-home-1366.png", full_page=True)
    token = page.request.post("/api/token", data={"login": "curator", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json()['token']}"}
    me = page.request.get("/api/organisations", headers=headers).json()
    school = next(o for o in me if o["kind"] == "school")["id"]
    found = page.request.get(f"/api/organisations/{school}/indicators", headers=headers).json()
    value = next(v for v in found["indicators"] if v["code"] == "satisfaction_mentees")
    assert (value["value"], value["numerator"], value["denominator"]) == (50.0, 1, 2)
    _sign_out(page)

    _sign_in(page, "municipal")
    page.click("nav summary:has-text('Реестр')")
    page.click("nav >> text=Район: сводная таблица")
    assert "1 из 2 по анкетам" in page.inner_text("main")
    page.screenshot(path=ARTIFACTS / "survey-district-1366.png", full_page=True)
