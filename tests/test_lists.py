"""Lists a person searches and reads: words instead of codes, filters, pages, Excel, charts."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from webfixtures import login, make_app

from docgen import codes, demo
from docgen.accounts import audit, users
from docgen.db import connect
from docgen.documents import archive
from docgen.documents import journal as numbering
from docgen.kinds import catalog
from docgen.registry import groups as registry_groups
from docgen.registry import people as registry_people
from docgen.web import downloads

SCHOOL1 = 2
# What may stay Latin on a page: formats, names of programs, and addresses.
ALLOWED = {"PDF", "DOCX", "XLSX", "ZIP", "API", "Excel", "Word", "e-mail", "docx", "xlsx"}
LATIN = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z]")
URL = re.compile(r"https?://\S+|\b[\w.-]+@[\w.-]+")


def visible_text(page: str) -> str:
    """What a person reads: no head, scripts, styles, tags or URLs."""
    page = re.sub(r"(?is)<(head|script|style|svg)\b.*?</\1>", " ", page)
    page = re.sub(r"(?s)<[^>]+>", " ", page)
    return URL.sub(" ", html.unescape(page))


def latin_words(page: str, allowed: set[str]) -> set[str]:
    return {word for word in LATIN.findall(visible_text(page)) if word not in allowed}


def _seed_lists(app: Flask) -> dict:
    """Documents (one registered), audit lines of every common kind: what the lists show."""
    db = connect(app.config["DATABASE"])
    try:
        director = next(u for u in users.list_users(db) if u["login"] == "director")
        for index in range(3):
            created = archive.create_document(
                db,
                org_id=SCHOOL1,
                kind="consent",
                title=f"Согласие на обработку персональных данных — Иванова{index} А.А.",
                user_id=director["id"],
                input={},
                docx=b"PK fake docx",
            )
        numbering.register(
            db, created["id"], series_code="orders", on=dt.date(2026, 9, 20), user_id=director["id"]
        )
        audit.record(db, director["id"], "download", "bulk_job", 1, "zip")
        audit.record(
            db, director["id"], "create", "document", created["id"], "municipal-roadmap-order"
        )
        audit.record(db, director["id"], "download", "document", created["id"], "pdf v1")
        audit.record(db, None, "login_failed", "user", None, "director")
        person = registry_people.list_people(db, SCHOOL1)[0]["id"]
        group = registry_groups.list_groups(db, SCHOOL1)[0]["id"]
        return {"document": created["id"], "person": person, "group": group}
    finally:
        db.close()


def _pages(app: Flask, ids: dict) -> list[str]:
    urls = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods
        and not rule.arguments
        and not rule.rule.startswith(("/api", "/static"))
        and not rule.rule.endswith((".xlsx", ".json", ".yaml"))
    ]
    return [
        *urls,
        f"/documents/{ids['document']}",
        f"/registry/people/{ids['person']}",
        "/documents?q=иванова",
        "/admin/audit?action=download",
    ]


def test_no_latin_identifier_on_any_page_for_any_role(app: Flask) -> None:
    ids = _seed_lists(app)
    db = connect(app.config["DATABASE"])
    # Logins are shown as logins, series codes as the codes their admin typed.
    allowed = ALLOWED | {login for login, *_ in demo.LOGINS} | {"docgen"}
    allowed |= {row["code"] for row in db.query("SELECT code FROM series")} | {"n", "year", "d"}
    db.close()
    seen = {}
    for login_name, *_ in demo.LOGINS:
        client = app.test_client()
        login(client, login_name)
        for url in _pages(app, ids):
            response = client.get(url)
            if response.status_code != 200 or "html" not in response.content_type:
                continue
            found = latin_words(response.get_data(as_text=True), allowed)
            if found:
                seen[(login_name, url)] = sorted(found)
    assert not seen


def test_person_page_offers_consents_in_words(app: Flask, client: FlaskClient) -> None:
    ids = _seed_lists(app)
    login(client, "curator")
    page = client.get(f"/registry/people/{ids['person']}").get_data(as_text=True)
    assert ">на обработку персональных данных</option>" in page
    assert ">законный представитель</option>" in page
    assert ">processing<" not in page and ">self<" not in page


def test_audit_log_reads_in_words_filters_and_pages(app: Flask, client: FlaskClient) -> None:
    _seed_lists(app)
    db = connect(app.config["DATABASE"])
    for _n in range(120):
        audit.record(db, None, "export", "organisation", SCHOOL1, "xlsx")
    db.close()
    login(client, "admin")
    first = client.get("/admin/audit").get_data(as_text=True)
    assert first.count("<tr><td>") == 50
    assert "страница 1 из 3" in first
    assert "выгрузка в Excel" in first and "организация МБОУ «Обливская СОШ № 1»" in first
    downloads_only = client.get("/admin/audit?action=download").get_data(as_text=True)
    text = visible_text(downloads_only[downloads_only.index("<tbody>") :])
    assert "скачивание" in text and "пакетное задание № 1" in text and "PDF, версия 1" in text
    assert "выгрузка в Excel" not in text
    created = visible_text(client.get("/admin/audit?action=create").get_data(as_text=True))
    assert catalog.get("municipal-roadmap-order").title in created
    failed = visible_text(client.get("/admin/audit?action=login_failed").get_data(as_text=True))
    assert "неудачный вход" in failed
    last = client.get("/admin/audit?page=3").get_data(as_text=True)
    assert "страница 3 из 3" in last and "Следующая" not in last


def test_audit_log_names_people_organisations_and_documents(
    app: Flask, client: FlaskClient
) -> None:
    ids = _seed_lists(app)
    db = connect(app.config["DATABASE"])
    petrova = registry_people.find_person(
        db, SCHOOL1, "Петрова", "Елена", "Сергеевна", "1975-10-03"
    )
    audit.record(db, None, "edit", "person", petrova["id"])
    audit.record(db, None, "consent_sign", "person", 9999, "processing")
    audit.record(db, None, "export", "organisation", SCHOOL1, "xlsx")
    audit.record(db, None, "cancel", "document", 8888)
    db.close()
    login(client, "admin")
    page = client.get("/admin/audit").get_data(as_text=True)
    text = visible_text(page[page.index("<tbody>") :])
    assert "участник Петрова Е.С." in text
    assert "участник № 9999 (удалён)" in text
    assert "организация МБОУ «Обливская СОШ № 1»" in text
    assert "документ «Согласие на обработку персональных данных — Иванова2 А.А.» № " in text
    assert "документ № 8888 (удалён)" in text
    assert f"участник № {petrova['id']}" not in text and "организация № 2" not in text
    assert f"документ № {ids['document']}" not in text


def test_audit_names_are_read_with_one_query_per_object_type(app: Flask) -> None:
    db = connect(app.config["DATABASE"])
    people = registry_people.list_people(db, SCHOOL1)
    lines = [{"object_type": "person", "object_id": str(p["id"])} for p in people]
    lines += [{"object_type": "organisation", "object_id": str(SCHOOL1)}] * 5
    lines += [{"object_type": "bulk_job", "object_id": "1"}, {"object_type": "user"}]
    queries = []
    db.conn.set_trace_callback(queries.append)
    names = audit.object_names(db, lines)
    db.conn.set_trace_callback(None)
    db.close()
    selects = [q for q in queries if q.startswith("SELECT")]
    assert len(people) > 3 and len(selects) == 2
    assert names[("person", str(people[0]["id"]))] == registry_people.short_name(people[0])


def test_documents_search_by_name_kind_status_author(app: Flask, client: FlaskClient) -> None:
    _seed_lists(app)
    login(client, "director")
    found = visible_text(client.get("/documents?q=ИВАНОВА1").get_data(as_text=True))
    assert "Иванова1 А.А." in found and "Иванова2" not in found and "Найдено: 1" in found
    registered = visible_text(client.get("/documents?status=registered").get_data(as_text=True))
    assert "Найдено: 1" in registered and "зарегистрирован" in registered
    nobody = visible_text(client.get("/documents?q=Петров").get_data(as_text=True))
    assert "По этим условиям документов не найдено." in nobody
    literal = visible_text(client.get("/documents?q=%25").get_data(as_text=True))
    assert "По этим условиям документов не найдено." in literal
    dated = visible_text(client.get("/documents?from=01.01.2030").get_data(as_text=True))
    assert "не найдено" in dated


def test_people_and_pairs_search(app: Flask, client: FlaskClient) -> None:
    login(client, "curator")
    db = connect(app.config["DATABASE"])
    someone = registry_people.list_people(db, SCHOOL1)[0]
    group = registry_groups.list_groups(db, SCHOOL1)[0]
    db.close()
    people = visible_text(
        client.get(f"/registry/people?q={someone['surname'].upper()}").get_data(as_text=True)
    )
    assert someone["surname"] in people
    mentor = group["mentor"]["surname"]
    pairs = visible_text(client.get(f"/registry/groups?q={mentor.lower()}").get_data(as_text=True))
    assert mentor in pairs
    none = visible_text(client.get("/registry/groups?q=Никтоневтакой").get_data(as_text=True))
    assert "Пар и групп по этим условиям не найдено." in none


def test_journal_in_excel(app: Flask, client: FlaskClient) -> None:
    _seed_lists(app)
    login(client, "director")
    page = client.get("/journal?year=2026").get_data(as_text=True)
    assert "Скачать в Excel" in page
    response = client.get("/journal.xlsx?year=2026")
    assert response.status_code == 200
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.title == "Журнал 2026"
    assert sheet["A1"].value == "Рег. номер" and sheet["C1"].value.startswith("Заголовок")
    assert sheet["C2"].value == "Согласие на обработку персональных данных — Иванова2 А.А."
    assert sheet["B2"].value.date() == dt.date(2026, 9, 20)
    assert sheet["G2"].value == "зарегистрирован"


def test_consent_title_names_the_person() -> None:
    kind = catalog.get("consent")
    sample = kind.sample()
    assert kind.document_title(sample) == f"{kind.title} — Кузнецова Д.О."
    assert kind.document_title({"title": "Своё"}) == "Своё"
    assert catalog.get("curator-order").document_title({}) == catalog.get("curator-order").title


def test_download_names_keep_russian_with_a_latin_fallback() -> None:
    header = downloads.disposition("№1-од Приказ (в1).docx")
    assert 'filename="N1-od Prikaz (v1).docx"' in header
    assert "filename*=UTF-8''%E2%84%961-%D0%BE%D0%B4" in header
    assert downloads.transliterate("0001 Белова М.А.docx") == "0001 Belova M.A.docx"


def test_rejected_consent_form_does_not_resend_on_reload(app: Flask, client: FlaskClient) -> None:
    ids = _seed_lists(app)
    login(client, "curator")
    again = client.get(f"/registry/people/{ids['person']}/consents")
    assert again.status_code == 302
    assert again.headers["Location"].endswith(f"/registry/people/{ids['person']}")
    page = client.get(f"/registry/people/{ids['person']}").get_data(as_text=True)
    assert f'data-page-url="/registry/people/{ids["person"]}"' in page
    script = Path(app.static_folder, "js", "menu.js").read_text(encoding="utf-8")
    assert "history.replaceState" in script


def test_district_page_draws_charts_per_school_and_month(app: Flask, client: FlaskClient) -> None:
    login(client, "municipal")
    page = client.get("/registry/district").get_data(as_text=True)
    assert "Показатели на графиках" in page
    charts = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(charts) >= 4
    assert "По школам" in page and "Район по месяцам учебного года" in page
    db = connect(app.config["DATABASE"])
    school = next(db.query("SELECT short_name FROM organisations WHERE id = ?", [SCHOOL1]))
    db.close()
    assert html.escape(school["short_name"])[:20] in "".join(charts)


def test_header_menu_groups_and_names_the_journals(app: Flask, client: FlaskClient) -> None:
    login(client, "admin")
    page = client.get("/documents").get_data(as_text=True)
    header = page[page.index("<header") : page.index("</header>")]
    assert header.count('<details class="drop">') == 3
    assert "Журнал регистрации документов" in header and "Нумерация документов" in header
    assert ">Журнал<" not in header and ">Журналы<" not in header
    assert "onchange" not in page and "onclick" not in page


def test_admin_org_picker_shows_the_organisation_worked_in(app: Flask, client: FlaskClient) -> None:
    login(client, "admin")
    client.post("/org", data={"org_id": SCHOOL1, "back": "/registry/groups"})
    page = client.get("/admin/audit").get_data(as_text=True)  # a page not passing `org`
    selected = re.search(r'<option value="(\d+)" selected>', page)
    assert selected and int(selected.group(1)) == SCHOOL1


def test_codes_have_words() -> None:
    assert codes.word("signer", "both") == "сам обучающийся и законный представитель"
    assert codes.word("action", "login") == "вход"
    assert codes.detail("consent: 3", {"consent": "Согласие"}) == "Согласие: 3"


@pytest.fixture
def app(tmp_path: Path) -> Flask:
    return make_app(tmp_path)


def test_monitoring_report_offers_indicators_by_name(app: Flask, client: FlaskClient) -> None:
    # Found on a screenshot: the indicator select of the report showed «pairs_groups».
    login(client, "curator")
    for slug in ("monitoring-report", "disclosure"):
        page = client.get(f"/documents/new/{slug}?sample=1").get_data(as_text=True)
        options = re.findall(r"<option value=\"[a-z_]+\"[^>]*>([^<]*)</option>", page)
        assert ">Количество наставнических пар/групп</option>" in page, slug
        assert not [label for label in options if re.search(r"[A-Za-z]", label)], slug


LISTS = ("/documents", "/registry/people", "/registry/groups", "/journal", "/admin/audit")


@pytest.mark.parametrize("url", LISTS)
def test_search_forms_fold_under_search_and_filters(app: Flask, client: FlaskClient, url) -> None:
    login(client, "admin")
    page = client.get(url).get_data(as_text=True)
    box = page[page.index('<details class="filter-box') :]
    box = box[: box.index("</details>")]
    assert "<summary>Поиск и фильтры</summary>" in box and 'role="search"' in box
    assert page.count('role="search"') == 1
    # Served open (a wide screen, no script); only an unused search folds on a phone.
    assert box.startswith('<details class="filter-box no-print" open>')
    assert 'src="/static/js/filters.js"' in page
    searched = client.get(url + "?q=Иванова").get_data(as_text=True)
    assert '<details class="filter-box no-print" open data-active>' in searched


def test_district_headings_break_long_words_by_syllables(app: Flask, client: FlaskClient) -> None:
    login(client, "municipal")
    page = client.get("/registry/district").get_data(as_text=True)
    headings = page[page.index("<thead>") : page.index("</thead>")]
    # «наставнических» may break only as «на-», «настав-», «наставни-» (a hyphen shown), and the
    # text a person reads, soft hyphens aside, is the indicator's title.
    assert "на\xadстав\xadни\xadче\xadских пар/групп" in headings
    assert "Количество наставнических пар/групп" in headings.replace("\xad", "")
