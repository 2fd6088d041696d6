"""The header and the lists in a real browser: one line at 1366 px, no sideways scroll on a phone."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_e2e import ARGS, ARTIFACTS, CHROMIUM, server  # noqa: F401 - `server` is a fixture
from webfixtures import PASSWORD

from docgen import demo

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)

MAIN_PAGES = (
    "/",
    "/documents",
    "/journal",
    "/registry/people",
    "/registry/groups",
    "/registry/consents",
    "/documents/bulk",
)
ROLE_PAGES = {"municipal": ("/registry/district",), "admin": ("/admin/audit", "/admin/users")}


@pytest.fixture
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _tab(browser, server: str, width: int, login: str):  # noqa: F811
    context = browser.new_context(
        base_url=server, locale="ru-RU", viewport={"width": width, "height": 900}
    )
    context.set_default_timeout(120_000)
    tab = context.new_page()
    tab.goto("/login")
    tab.fill("#login", login)
    tab.fill("#password", PASSWORD)
    tab.click("button[type=submit]")
    tab.wait_for_url("**/")
    return context, tab


def _shot(tab, name: str) -> None:
    tab.screenshot(path=str(Path(ARTIFACTS, name)), full_page=True)


def test_header_fits_on_one_line_at_1366_for_every_role(browser, server: str) -> None:  # noqa: F811
    for login, *_ in demo.LOGINS:
        context, tab = _tab(browser, server, 1366, login)
        for url in (*MAIN_PAGES, *ROLE_PAGES.get(login, ())):
            tab.goto(url)
            height = tab.eval_on_selector("header.top", "e => e.getBoundingClientRect().height")
            assert height <= 120, (login, url, height)
        if login in ("municipal", "admin"):
            tab.goto(ROLE_PAGES[login][0])
            _shot(tab, f"ui-{login}-1366.png")
        context.close()


def test_menu_group_opens_and_leads_to_the_journal(browser, server: str) -> None:  # noqa: F811
    context, tab = _tab(browser, server, 1366, "director")
    tab.click("summary:has-text('Документы')")
    tab.click("a:has-text('Журнал регистрации документов')")
    tab.wait_for_url("**/journal")
    assert tab.locator("h1").inner_text().startswith("Журнал регистрации документов")
    tab.click("summary:has-text('Реестр')")
    _shot(tab, "ui-menu-open-1366.png")
    assert tab.locator("a:has-text('Пары и группы')").is_visible()
    tab.keyboard.press("Escape")
    assert not tab.locator("a:has-text('Пары и группы')").is_visible()
    context.close()


def test_no_sideways_scroll_on_a_phone(browser, server: str) -> None:  # noqa: F811
    for login in ("curator", "municipal", "admin"):
        context, tab = _tab(browser, server, 390, login)
        for url in (*MAIN_PAGES, *ROLE_PAGES.get(login, ())):
            tab.goto(url)
            wide = tab.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            if login == "curator" or url in ROLE_PAGES.get(login, ()):
                _shot(tab, f"ui-{login}-390{url.replace('/', '_')}.png")
            assert wide <= 0, (login, url, wide)
        context.close()


def test_search_folds_on_a_phone_and_stays_open_on_a_laptop(browser, server: str) -> None:  # noqa: F811
    lists = ("/documents", "/registry/people", "/registry/groups", "/journal")
    for width, shown in ((390, False), (1366, True)):
        context, tab = _tab(browser, server, width, "director")
        context.set_default_timeout(10_000)
        for url in lists:
            tab.goto(url)
            assert tab.locator("summary:has-text('Поиск и фильтры')").is_visible()
            assert tab.locator("form[role=search] button[type=submit]").is_visible() == shown, url
        if width == 390:
            _shot(tab, "ui-filters-folded-390.png")
            tab.click("summary:has-text('Поиск и фильтры')")
            assert tab.locator("form[role=search] button[type=submit]").is_visible()
            tab.goto("/registry/people?q=Петрова")  # a search in use stays open with its answer
            assert tab.locator("#f-q").is_visible()
            assert "Петрова" in tab.locator("table.list").inner_text()
        context.close()
