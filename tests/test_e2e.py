"""End to end in a real browser: Debian's Chromium driven by Playwright against a real server."""

from __future__ import annotations

import datetime as dt
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pypdf import PdfReader
from webfixtures import PASSWORD, make_app
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed (apt-get install chromium)"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The app on a seeded temporary database, served by werkzeug in a thread."""
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join()


@pytest.fixture
def page(server: str) -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            base_url=server,
            accept_downloads=True,
            locale="ru-RU",
            viewport={"width": 1280, "height": 900},
        )
        # Generous bounds: a PDF rendered on a busy 2-core machine takes seconds, not 30 s
        # of Playwright's patience; a real hang still ends the test.
        context.set_default_timeout(300_000)
        context.set_default_navigation_timeout(300_000)
        tab = context.new_page()
        yield tab
        context.close()
        browser.close()


def _sign_in(page, login: str) -> None:
    page.goto("/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/")


def _choose(page, select: str, text: str) -> None:
    """Pick the option whose label contains `text`, as a person scanning the list would."""
    value = page.locator(f"{select} option", has_text=text).first.get_attribute("value")
    page.select_option(select, value=value)


def _sign_out(page) -> None:
    page.click("text=Выйти")
    page.wait_for_url("**/login")


def test_curator_pairs_order_from_pair_to_registered_pdf(page) -> None:
    _sign_in(page, "curator")
    page.screenshot(path=ARTIFACTS / "01-start-page.png", full_page=True)

    # A new pair from the bases.
    page.click("nav summary:has-text('Реестр')")  # the header groups its menu
    page.click("nav >> text=Пары и группы")
    page.click("text=Сформировать пару или группу")
    page.select_option("#f-form_code", label="учитель – ученик")
    _choose(page, "#f-mentor_id", "Чернова Наталья Викторовна")
    # Морозова's parents have not signed the consent yet: the pair is refused, saying so.
    page.check("label:has-text('Морозова') >> input")
    page.click("button:has-text('Сформировать')")
    assert "законный представитель" in page.inner_text("main")
    page.uncheck("label:has-text('Морозова') >> input")
    page.check("label:has-text('Фёдоров') >> input")
    # The dates the form proposes (today to the end of the school year) are kept.
    assert page.input_value("#f-start_date") == dt.date.today().strftime("%d.%m.%Y")
    page.click("button:has-text('Сформировать')")
    assert "сформирована" in page.inner_text(".flash-ok")
    assert "Фёдоров" in page.inner_text("table.list")
    page.screenshot(path=ARTIFACTS / "02-pairs.png", full_page=True)

    # The pairs order: the form, the preview, the draft.
    page.click("nav summary:has-text('Документы')")
    page.click("nav >> text=Создать документ")
    page.click(
        "li:has-text('Приказ о закреплении наставнических пар') >> a:has-text('Заполнить примером')"
    )
    _choose(page, "#f-curator-id", "Чернова Наталья Викторовна")
    while page.locator("#f-pairs .row-list > li").count():
        page.locator("#f-pairs .row-list > li >> text=Удалить строку").first.click()
    page.click("button[value=preview]")
    preview = page.inner_text("#preview")
    assert "ПРИКАЗ" in preview.upper() and "Фёдоров" in preview
    page.locator("#preview").screenshot(path=ARTIFACTS / "03-preview.png")
    page.click("button[value=save]")
    page.wait_for_url("**/documents/*")
    assert "Черновик сохранён" in page.inner_text(".flash-ok")
    document_url = page.url
    assert page.locator("button:has-text('Зарегистрировать')").count() == 0  # a curator may not
    page.screenshot(path=ARTIFACTS / "04-draft.png", full_page=True)
    _sign_out(page)

    # The director registers it and downloads the PDF.
    _sign_in(page, "director")
    page.goto(document_url)
    today = dt.date.today().strftime("%d.%m.%Y")
    assert page.input_value("#reg-date") == today
    # What will happen is shown before anything is taken: the number and the date.
    assert page.inner_text("#will-get") == f"Будет присвоен № 1-од от {today}"
    page.click("button:has-text('Зарегистрировать…')")
    page.wait_for_url("**/register?date=*")
    assert page.inner_text("#will-get") == f"Будет присвоен № 1-од от {today}"
    page.screenshot(path=ARTIFACTS / "05-confirm.png", full_page=True)
    page.click("button:has-text('Зарегистрировать под № 1-од')")
    if page.locator(".flash-error").count():  # consents missing: the page says whose
        pytest.fail(page.inner_text(".flash-error"))
    number = page.inner_text(".reg-number")
    assert number.startswith("№ 1-од")
    page.screenshot(path=ARTIFACTS / "05-registered.png", full_page=True)
    with page.expect_download() as info:
        page.click("td.downloads >> text=PDF")
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert "1-од" in text


def test_form_errors_shown_beside_fields_and_typed_values_kept(page) -> None:
    _sign_in(page, "curator")
    page.goto("/documents/new/pairs-order")
    page.fill("#f-title", "О закреплении пар на 2024/2025 учебный год")
    page.fill("#f-regulation-number", "118-од")
    page.fill("#f-curator-surname", "Чернова")
    page.fill("#f-curator-name", "Наталья")
    page.click("#f-pairs >> text=Добавить строку")
    page.fill("#f-pairs-0-mentor-surname", "Петрова")
    page.fill("#f-pairs-0-mentor-name", "Елена")
    page.click("button[value=save]")

    assert "Документ не сохранён" in page.inner_text(".flash-error")
    assert "Обязательное поле." in page.inner_text("#f-plans_deadline-errors")
    assert "Обязательное поле." in page.inner_text("#f-regulation-date-errors")
    assert page.locator("#f-pairs-0-mentees-errors").count() == 1
    assert page.input_value("#f-title") == "О закреплении пар на 2024/2025 учебный год"
    assert page.input_value("#f-regulation-number") == "118-од"
    assert page.input_value("#f-pairs-0-mentor-surname") == "Петрова"
    assert page.get_attribute("#f-plans_deadline", "aria-invalid") == "true"
    page.screenshot(path=ARTIFACTS / "06-form-errors.png", full_page=True)


def test_methodologist_picks_the_pair_by_name_and_director_sees_the_path(page) -> None:
    _sign_in(page, "methodologist")
    page.goto("/documents/new/personal-programme?sample=1")
    # The pair is chosen by name: the search box keeps the one pair whose mentee is Иванова.
    page.fill("#f-group_id-search", "Иванова")
    chosen = page.locator("#f-group_id option:checked").inner_text()
    assert chosen.startswith("Петрова Е.С. → Иванова А.А., учитель – учитель, с ")
    assert page.locator("#f-form option:checked").inner_text() == "учитель – учитель"
    page.screenshot(path=ARTIFACTS / "10-pair-picker.png", full_page=True)
    page.click("button[value=save]")
    page.wait_for_url("**/documents/*")
    assert "Черновик сохранён" in page.inner_text(".flash-ok")
    _sign_out(page)

    _sign_in(page, "director")
    step = page.locator("#step-personal")
    assert "программ: 1 из" in step.inner_text()
    assert "черновик" in page.locator("#step-personal .badge").inner_text()
    assert page.locator("#step-curator .badge").inner_text() in ("нет", "просрочено")
    # The curator-order step's button opens its form.
    page.click("#step-curator >> text=Заполнить")
    page.wait_for_url("**/documents/new/curator-order*")
    page.go_back()
    for width, height in ((1366, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=ARTIFACTS / f"11-path-{width}.png", full_page=True)
        # Nothing wider than the screen: the steps wrap instead of scrolling sideways.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0 or width == 390, overflow
