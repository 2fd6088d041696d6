"""The bulk page in a real browser: find people by name, tick them, make their consents."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_e2e import ARGS, ARTIFACTS, CHROMIUM, server  # noqa: F401 - `server` is a fixture
from webfixtures import PASSWORD

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)


@pytest.fixture
def tab(server: str):  # noqa: F811
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            base_url=server, locale="ru-RU", viewport={"width": 1366, "height": 900}
        )
        # The job renders a PDF when the form is sent: seconds on a busy machine.
        context.set_default_timeout(300_000)
        page = context.new_page()
        page.goto("/login")
        page.fill("#login", "curator")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/")
        yield page
        browser.close()


def test_search_select_all_found_and_make_their_consents(tab) -> None:
    tab.goto("/documents/bulk")
    card = tab.locator("form.card", has_text="у кого их нет")
    search = card.get_by_placeholder("Поиск по фамилии")
    count = card.locator("[data-count]")
    assert count.inner_text(timeout=5_000) == "Отмечено: 1 из 13"  # Морозова, who has none

    search.fill("петрова")  # Петрова Елена Сергеевна, not Кох Анна Петровна
    visible = card.locator(".checklist li:visible")
    assert visible.count() == 1 and "Петрова Елена" in visible.inner_text()
    card.get_by_label("Выбрать всех найденных").check()
    assert count.inner_text() == "Отмечено: 2 из 13"
    search.fill("")
    assert card.locator(".checklist li:visible").count() == 13
    assert card.get_by_label("Выбрать всех найденных").evaluate("e => e.indeterminate")
    tab.screenshot(path=str(Path(ARTIFACTS, "bulk-chosen-1366.png")), full_page=True)

    card.get_by_role("button", name="Сформировать").click()
    tab.wait_for_url("**/documents/bulk/*")
    tab.locator("#job-files").wait_for(state="visible")
    assert "Сформировано документов: 2 из 2." in tab.locator("#job-message").inner_text()
