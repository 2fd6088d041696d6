"""Each role's main journey walked end to end in Debian's Chromium, reading what the user reads:
the director's implementation kit, the curator's bases → consents → pair → pairs order, the
district officer's roadmap order and the admin blocking a user."""

from __future__ import annotations

import datetime as dt

from test_e2e import ARTIFACTS, _choose, _sign_in, _sign_out, page, pytestmark, server
from webfixtures import PASSWORD

__all__ = ["page", "pytestmark", "server"]

# A broken step fails in seconds; only registering (which renders every PDF) waits longer.
STEP_MS = 15_000
RENDER_MS = 120_000
# The demo school year starts in September 2026; the implementation order is dated then.
ON = "01.09.2026"


def _today() -> str:
    return dt.date.today().strftime("%d.%m.%Y")


def _short(page) -> None:
    page.set_default_timeout(STEP_MS)
    page.set_default_navigation_timeout(STEP_MS)


def _ok(page) -> str:
    """The success message; a refusal fails the step with what the page says instead.

    It waits for the message first: right after a click the old page may still be shown (on a
    busy machine the form's answer takes a while); a refusal shows none, and fails the step."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.locator(".flash-ok").first.wait_for(timeout=RENDER_MS)
    except PlaywrightTimeout:
        pass
    if page.locator(".flash-ok").count() == 0:
        page.screenshot(path=ARTIFACTS / "journey-refused.png", full_page=True)
        raise AssertionError(page.inner_text("main")[:3000])
    return page.inner_text(".flash-ok")


def _save_draft(page) -> None:
    with page.expect_navigation(timeout=RENDER_MS):
        page.click("button[value=save]")
    assert "Черновик сохранён" in _ok(page)
    assert "/documents/new/" not in page.url


def _confirm(page, number: str, on: str) -> None:
    """From a draft's page: the date, then the confirmation page naming the number."""
    assert page.input_value("#reg-date") == on
    assert page.inner_text("#will-get") == f"Будет присвоен № {number} от {on}"
    page.click("button:has-text('Зарегистрировать…')")
    page.wait_for_url("**/register?date=*")
    assert page.inner_text("h1") == "Регистрация документа"
    assert page.inner_text("#will-get") == f"Будет присвоен № {number} от {on}"
    with page.expect_navigation(timeout=RENDER_MS):
        page.click(f"button:has-text('Зарегистрировать под № {number}')")


def _register(page, number: str, on: str | None = None) -> None:
    """Registered after the confirmation: the flash and the page say the number and date."""
    on = on or _today()
    _confirm(page, number, on)
    assert page.locator(".flash-error").count() == 0, page.inner_text(".flash-error")
    assert _ok(page) == f"Документ зарегистрирован: № {number} от {on}."
    assert page.inner_text(".reg-number") == f"№ {number} от {on}"
    assert page.inner_text(".status") == "зарегистрирован"


def _new_annex(page, row: int, title: str) -> int:
    """«Создать и вернуться» from an annex row: a sample draft saved, back at the order form."""
    page.click(f"#f-annexes-{row} >> a:has-text('Создать и вернуться: {title}')")
    page.wait_for_url("**?back=/documents/new/implementation-order")
    with page.expect_navigation(timeout=RENDER_MS):
        page.click("button[value=sample]")  # the form's own sample, as a person in a hurry would
    with page.expect_navigation(timeout=RENDER_MS):
        page.click("button[value=save]")
    assert "/documents/new/implementation-order?annex=" in page.url, page.url
    assert "Черновик сохранён" in _ok(page)
    return int(page.url.rsplit("=", 1)[1])


def test_director_implementation_kit_to_registered_order(page) -> None:
    _short(page)
    _sign_in(page, "director")
    page.click("#path h2 >> text=Внедрение наставничества")
    page.wait_for_url("**/path")
    step = page.locator("#step-implementation")
    assert "Приказ о внедрении целевой модели наставничества" in step.inner_text()
    assert step.locator(".badge").inner_text() == "просрочено"
    step.locator("text=Заполнить").click()
    page.wait_for_url("**/documents/new/implementation-order?prefill=1")

    # Both annexes are new drafts made from the order's form; the second is picked by its title.
    page.click("#f-annexes >> text=Добавить строку")
    roadmap = _new_annex(page, 0, "Дорожная карта")
    assert page.locator("#f-annexes-0-document_id option:checked").get_attribute("value") == str(
        roadmap
    )
    page.click("#f-annexes >> text=Добавить строку")
    regulation = _new_annex(page, 1, "Положение")
    # Back from the second one, the list holds the new regulation; the roadmap is picked again.
    picked = page.locator("#f-annexes-0-document_id option:checked")
    assert picked.get_attribute("value") == str(regulation)
    page.click("#f-annexes >> text=Добавить строку")
    page.fill("#f-annexes-1-document_id-search", "дорожная")
    roadmap_label = page.locator("#f-annexes-1-document_id option:checked").inner_text()
    assert "дорожн" in roadmap_label.lower()

    page.fill("#f-start_date", "01.09.2026")
    _choose(page, "#f-curator-id", "Чернова Наталья Викторовна")
    page.fill("#f-mentor_base_deadline", "15.09.2026")
    page.fill("#f-mentee_base_deadline", "20.09.2026")
    page.fill("#f-monitoring", "декабрь 2026 г., май 2027 г.")
    page.fill("#f-report_deadline", "до 10.06.2027")
    page.screenshot(path=ARTIFACTS / "journey-director-kit-form.png", full_page=True)
    _save_draft(page)
    annexes = page.locator("#annexes li")
    assert annexes.count() == 2
    assert annexes.nth(0).inner_text().startswith("Приложение 1: Положение")
    assert annexes.nth(1).inner_text().startswith("Приложение 2: Дорожная карта")
    assert "черновик" in annexes.nth(0).inner_text()

    # Today is too late for the roadmap's first event: the refusal says why and keeps the date.
    _confirm(page, "1-од", _today())
    refusal = page.inner_text(".flash-error")
    assert "раньше даты утверждения дорожной карты" in refusal, refusal
    assert page.input_value("#reg-date") == _today()
    assert page.locator(".status").inner_text() == "черновик"
    # The order is dated as the model starts, before the roadmap's events.
    page.fill("#reg-date", ON)
    page.locator("#will-get", has_text=ON).wait_for()
    _register(page, "1-од", ON)
    listed = page.inner_text("#annexes")
    assert listed.count(f"утверждено, № 1-од от {ON}") == 2, listed
    page.screenshot(path=ARTIFACTS / "journey-director-kit-registered.png", full_page=True)

    # The path reads the registered order: the step is done, with its number.
    page.click("nav >> text=Главная")
    step = page.locator("#step-implementation")
    assert step.locator(".badge").inner_text() == "сделано"
    assert f"№ 1-од от {ON}" in step.inner_text()
    # The annex, opened from the order, carries the order's number and date.
    page.goto(f"/documents/{regulation}")
    assert page.inner_text(".reg-number") == f"№ 1-од от {ON}"


def test_curator_bases_consents_pair_and_pairs_order(page) -> None:
    _short(page)
    _sign_in(page, "curator")

    # The bases: Морозова is in the mentees' base.
    page.click("#step-bases a.button")
    page.wait_for_url("**/registry/bases")
    assert "База наставляемых (6)" in page.inner_text("main")
    assert "Морозова Алина Игоревна" in page.inner_text("main")

    # The consents: one participant lacks it; the person's page links to making it.
    page.click("nav summary:has-text('Реестр')")
    page.click("nav >> text=Согласия")
    assert "без согласия на " in page.inner_text(".lead")
    assert page.inner_text(".lead").endswith(": 1.")
    page.click("text=Морозова Алина Игоревна")
    assert "подписывает законный представитель" in page.inner_text("main")
    page.click("text=Составить согласие")
    page.wait_for_url("**/documents/new/consent?person_id=*")
    assert "Морозова Алина Игоревна" in page.locator("#f-subject-id option:checked").inner_text()
    page.check("#f-by_hand")  # a blank to sign by hand: no addresses in the registry
    _save_draft(page)
    assert "Морозова" in page.inner_text("h1")
    # Printed and signed: marked in the registry from the consent's own page.
    page.click("text=Отметить как подписанное")
    page.wait_for_url("**/registry/people/*#sign-consent")
    assert page.input_value("#f-signed_on") == _today()
    page.fill("#f-representative_name", "Морозова Ирина Павловна")
    page.click("button:has-text('Сохранить согласие')")
    # Signed by a parent: the page asks for the document of authority, keeping what was typed.
    refusal = page.inner_text("#f-representative_doc-errors")
    assert "обязательное поле, если подписывает представитель" in refusal
    assert page.input_value("#f-representative_name") == "Морозова Ирина Павловна"
    page.fill("#f-representative_doc", "свидетельство о рождении II-АН № 123456")
    page.click("button:has-text('Сохранить согласие')")
    assert _ok(page) == "Согласие отмечено как подписанное."
    assert "на обработку персональных данных" in page.inner_text("main table.list")
    page.click("nav summary:has-text('Реестр')")
    page.click("nav >> text=Согласия")
    assert "У всех участников есть действующее согласие." in page.inner_text("main")

    # The pair, with the pickers.
    page.click("nav summary:has-text('Реестр')")
    page.click("nav >> text=Пары и группы")
    page.click("text=Сформировать пару или группу")
    page.select_option("#f-form_code", label="учитель – ученик")
    _choose(page, "#f-mentor_id", "Эмирбеков Магомед Расулович")
    page.check("label:has-text('Морозова') >> input")
    page.click("button:has-text('Сформировать')")
    assert "сформирована" in _ok(page)
    assert "Морозова" in page.inner_text("table.list")

    # The pairs order from the path's button, saved as a draft the curator may not register.
    page.click("nav >> text=Главная")
    page.click("#step-pairs a.button")
    page.wait_for_url("**/documents/new/pairs-order?prefill=1")
    _choose(page, "#f-curator-id", "Чернова Наталья Викторовна")
    # The regulation is approved on paper before docgen: its date and number are typed.
    page.fill("#f-regulation-date", "01.09.2026")
    page.fill("#f-regulation-number", "118-од")
    page.fill("#f-plans_deadline", "до 15.12.2026")
    page.fill("#f-report_deadline", "до 31.05.2027")
    _save_draft(page)
    order_title = page.inner_text("h1")
    assert page.locator("button:has-text('Зарегистрировать')").count() == 0
    assert "Зарегистрировать документ может директор" in page.inner_text("main")
    _sign_out(page)

    # The director finds it among the drafts waiting for registration and registers it.
    _sign_in(page, "director")
    waiting = page.locator("section", has_text="Ждут регистрации")
    waiting.locator(f"a:has-text('{order_title}')").first.click()
    page.wait_for_url("**/documents/*")
    _register(page, "1-од")
    page.screenshot(path=ARTIFACTS / "journey-curator-pairs-registered.png", full_page=True)
    page.click("nav >> text=Главная")
    assert f"№ 1-од от {_today()}" in page.inner_text("#step-pairs")


def test_municipal_officer_district_page_to_roadmap_order(page) -> None:
    _short(page)
    _sign_in(page, "municipal")
    page.click("nav summary:has-text('Реестр')")
    page.click("nav >> text=Район: сводная таблица")
    page.wait_for_url("**/registry/district")
    schools = page.locator("table.list tbody tr")
    assert "МБОУ «Обливская СОШ № 1»" in schools.nth(0).inner_text()
    assert "МОУ «Заречная СОШ»" in schools.nth(1).inner_text()
    assert "Итого по району" in page.inner_text("main")

    page.click("text=Издать приказ об утверждении дорожной карты района")
    page.wait_for_url("**/documents/new/municipal-roadmap-order")
    with page.expect_navigation(timeout=RENDER_MS):
        page.click("button[value=save]")  # saved too early: every missing field is named at once
    assert "Документ не сохранён" in page.inner_text(".flash-error")
    for name in ("area", "rows", "heads_tasks", "report_form", "report_deadline"):
        assert "Обязательное поле." in page.inner_text(f"#f-{name}-errors"), name
    page.fill("#f-area", "Обливский район")
    page.click("#f-rows >> text=Добавить строку")
    page.fill("#f-rows-0-event", "Утверждение дорожных карт образовательных организаций")
    page.fill("#f-rows-0-deadline", "декабрь 2026")
    page.fill("#f-rows-0-responsible", "Руководители ОО")
    page.fill("#f-rows-0-result", "Приказы ОО")
    page.click("#f-heads_tasks >> text=Добавить строку")
    page.fill("#f-heads_tasks-0-text", "утвердить дорожную карту организации")
    page.fill("#f-heads_tasks-0-deadline", "до 25.12.2026")
    page.fill("#f-report_form", "по форме, размещённой на сайте отдела образования")
    page.fill("#f-report_deadline", "ежеквартально до 5 числа месяца, следующего за кварталом")
    _save_draft(page)
    assert "дорожной карты" in page.inner_text("h1")
    _register(page, "1-од")
    page.screenshot(path=ARTIFACTS / "journey-municipal-registered.png", full_page=True)
    # The district's own path reads the order as done.
    page.click("nav >> text=Главная")
    step = page.locator("#step-municipal-roadmap")
    assert step.locator(".badge").inner_text() == "сделано"
    assert f"№ 1-од от {_today()}" in step.inner_text()


def test_admin_blocks_a_user_whose_session_ends(page, server) -> None:
    _short(page)
    curator = page.context.browser.new_context(base_url=server, locale="ru-RU")
    curator.set_default_timeout(STEP_MS)
    own = curator.new_page()
    _sign_in(own, "curator")
    assert "Чернова Наталья Викторовна" in own.inner_text("header")

    _sign_in(page, "admin")
    page.click("nav summary:has-text('Администрирование')")
    page.click("nav >> text=Пользователи")
    row = page.locator("tr", has_text="Чернова Наталья Викторовна")
    assert "активен" in row.inner_text()
    row.locator("a:has-text('curator')").click()
    assert page.inner_text("h1") == "Пользователь «curator»"
    page.click("button:has-text('Заблокировать')")
    assert _ok(page) == "Пользователь «curator» заблокирован: его сеансы завершены."
    assert "заблокирован" in page.inner_text("main p strong")

    # The curator's open page: the next click leads to the login form, and login is refused.
    own.click("nav >> text=Главная")
    own.wait_for_url(lambda url: "/login" in url)
    own.fill("#login", "curator")
    own.fill("#password", PASSWORD)
    own.click("button[type=submit]")
    expected = "Учётная запись заблокирована. Обратитесь к администратору."
    assert own.inner_text(".flash-error") == expected
    assert "/login" in own.url

    # The audit log names the action in Russian; unblocking lets the curator in again.
    page.click("nav summary:has-text('Администрирование')")
    page.click("nav >> text=Журнал действий пользователей")
    rows = page.locator("main table tbody tr")
    assert "неудачный вход\tпользователь\tcurator" in rows.nth(0).inner_text()
    blocked = rows.nth(1).inner_text()
    assert "Администратор docgen (admin)\tблокировка\tпользователь Чернова" in blocked, blocked
    page.go_back()
    page.click("button:has-text('Разблокировать')")
    assert _ok(page) == "Пользователь «curator» разблокирован."
    assert "Состояние: активен" in page.inner_text("main")
    _sign_in(own, "curator")
    assert "Чернова Наталья Викторовна" in own.inner_text("header")
    curator.close()
