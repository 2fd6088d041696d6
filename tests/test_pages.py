"""The web pages through the Flask test client: roles, forms, errors, CSRF, escaping, audit."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from pathlib import Path

import docx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from webfixtures import HUGE_ID, RULE_PART, csrf_token, huge_id_requests, login, make_app

from docgen.accounts import audit, users
from docgen.db import connect
from docgen.documents import service as documents
from docgen.kinds import catalog
from docgen.registry import consents
from docgen.registry import groups as registry_groups
from docgen.registry import people as registry_people
from docgen.web import ids

SCHOOL1, SCHOOL2 = 2, 3


def _db(app: Flask):
    return connect(app.config["DATABASE"])


def _person_id(app: Flask, org_id: int, surname: str) -> int:
    db = _db(app)
    try:
        return next(
            p["id"] for p in registry_people.list_people(db, org_id) if p["surname"] == surname
        )
    finally:
        db.close()


def _document_of(app: Flask, user_login: str, slug: str = "pairs-order") -> int:
    """A draft made through the service by a user of the given login (its own school)."""
    db = _db(app)
    try:
        user = next(u for u in users.list_users(db) if u["login"] == user_login)
        kind = catalog.get(slug)
        return documents.create(db, user, slug, kind.sample(), user["org_id"])["id"]
    finally:
        db.close()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _field_block(html: str, dom_id: str) -> str:
    """The markup of one field, from its input to the end of its wrapper."""
    start = html.index(f'id="{dom_id}"')
    end = html.find('<div class="field', start)
    return html[start : end if end != -1 else len(html)]


# --- signing in -----------------------------------------------------------------------


def test_pages_send_anonymous_visitor_to_sign_in(client: FlaskClient) -> None:
    for url in ("/", "/documents", "/registry/people", "/admin/users", "/documents/1"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


def test_sign_in_and_out_are_audited(app: Flask, client: FlaskClient) -> None:
    page = client.get("/login").get_data(as_text=True)
    assert "Вход в систему" in page
    login(client, "curator")
    home = client.get("/").get_data(as_text=True)
    assert "МБОУ «Обливская СОШ № 1»" in home
    client.post("/logout")
    assert client.get("/").status_code == 302
    actions = [e["action"] for e in audit.entries(_db(app), object_type="user")]
    assert "login" in actions and "logout" in actions


def test_wrong_password_then_lockout_message(client: FlaskClient) -> None:
    response = client.post("/login", data={"login": "curator", "password": "wrong-password"})
    assert response.status_code == 401
    assert "Неверный логин или пароль." in response.get_data(as_text=True)
    for _ in range(4):
        response = client.post("/login", data={"login": "curator", "password": "wrong-password"})
    assert response.status_code == 429
    assert "Слишком много попыток, повторите через 15 минут" in response.get_data(as_text=True)
    # Even the right password is refused while the login is locked.
    response = client.post("/login", data={"login": "curator", "password": "nastavnik2024"})
    assert response.status_code == 429


def test_login_redirects_only_to_own_pages(client: FlaskClient) -> None:
    response = client.post(
        "/login",
        data={"login": "curator", "password": "nastavnik2024", "next": "//evil.example/x"},
    )
    assert response.headers["Location"] == "/"


def test_session_cookie_is_httponly_and_lax(client: FlaskClient) -> None:
    response = client.post("/login", data={"login": "curator", "password": "nastavnik2024"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- every page, allowed and forbidden ----------------------------------------------------

PAGES = {
    "curator": [
        "/",
        "/kinds",
        "/documents",
        "/documents/new/pairs-order",
        "/registry/people",
        "/registry/people/new",
        "/registry/bases",
        "/registry/groups",
        "/registry/groups/new",
        "/registry/consents",
    ],
    "director": ["/", "/documents/new/curator-order", "/admin/series", "/registry/people"],
    "methodologist": ["/", "/kinds", "/registry/people", "/registry/groups"],
    "municipal": ["/", "/registry/district", "/documents"],
    "admin": ["/", "/admin/users", "/admin/audit", "/admin/series", "/registry/district"],
}
FORBIDDEN = {
    "curator": ["/admin/users", "/admin/series", "/registry/district", "/admin/audit"],
    "methodologist": [
        "/registry/people/new",
        "/registry/groups/new",
        "/documents/new/curator-order",
    ],
    "director": ["/admin/users", "/registry/district"],
    "curator2": ["/documents/new/curator-order"],
}


@pytest.mark.parametrize(
    ("role", "url"), [(role, url) for role, urls in PAGES.items() for url in urls]
)
def test_page_opens_for_allowed_role(client: FlaskClient, role: str, url: str) -> None:
    login(client, role)
    response = client.get(url)
    assert response.status_code == 200, _text(response.get_data(as_text=True))[:500]
    assert '<html lang="ru">' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("role", "url"), [(role, url) for role, urls in FORBIDDEN.items() for url in urls]
)
def test_page_is_forbidden_for_other_roles(client: FlaskClient, role: str, url: str) -> None:
    login(client, role)
    response = client.get(url)
    assert response.status_code == 403
    assert "Ошибка 403" in response.get_data(as_text=True)


def test_curator_cannot_open_other_schools_people_or_documents(
    app: Flask, client: FlaskClient
) -> None:
    other_person = registry_people.list_people(_db(app), SCHOOL2)[0]["id"]
    other_document = _document_of(app, "curator2")
    login(client, "curator")
    for url in (
        f"/registry/people/{other_person}",
        f"/registry/people/{other_person}/edit",
        f"/documents/{other_document}",
        f"/documents/{other_document}/v1.pdf",
        f"/documents/{other_document}/edit",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/documents/{other_document}/register", data={}).status_code == 403
    assert client.post("/org", data={"org_id": SCHOOL2}).status_code == 403
    # And the lists show only the own school.
    people = client.get("/registry/people").get_data(as_text=True)
    other_surname = registry_people.get_person(_db(app), other_person)["surname"]
    assert other_surname not in people


def test_methodologist_cannot_register(app: Flask, client: FlaskClient) -> None:
    document_id = _document_of(app, "curator")
    login(client, "methodologist")
    page = client.get(f"/documents/{document_id}").get_data(as_text=True)
    assert "Зарегистрировать</button>" not in page
    response = client.post(f"/documents/{document_id}/register", data={"date": "2024-09-02"})
    assert response.status_code == 403
    assert "регистрировать документы" in response.get_data(as_text=True)


def test_municipal_sees_district_table_school_user_does_not(client: FlaskClient) -> None:
    login(client, "municipal")
    page = client.get("/registry/district").get_data(as_text=True)
    assert "МБОУ «Обливская СОШ № 1»" in page and "МОУ «Заречная СОШ»" in page
    assert "Итого по району" in page
    # the district roadmap order is issued from the table
    assert "/documents/new/municipal-roadmap-order" in page
    form = client.get("/documents/new/municipal-roadmap-order")
    assert form.status_code == 200
    client.post("/logout")
    login(client, "curator")
    assert client.get("/registry/district").status_code == 403
    assert ">Район<" not in client.get("/").get_data(as_text=True)


def test_municipal_may_switch_to_a_school_but_not_edit_it(client: FlaskClient) -> None:
    login(client, "municipal")
    assert client.post("/org", data={"org_id": SCHOOL1}).status_code == 302
    assert "Волков" in client.get("/registry/people").get_data(as_text=True)
    assert client.get("/registry/people/new").status_code == 403


# --- documents: form, preview, save, versions, register, download -----------------------------


def test_form_shows_russian_labels_hints_and_registry_people(client: FlaskClient) -> None:
    login(client, "curator")
    page = client.get("/documents/new/pairs-order").get_data(as_text=True)
    assert "Положение о наставничестве" in page
    assert "Дата и номер приказа об утверждении" in page  # a hint from the schema
    assert 'name="pairs.__i0__.mentees.__i1__.surname"' in page  # a row template inside a row
    assert "Чернова Наталья Викторовна" in page  # the school's people in the person select


def test_form_errors_beside_fields_keep_typed_values(client: FlaskClient) -> None:
    login(client, "curator")
    response = client.post(
        "/documents/new/pairs-order",
        data={
            "action": "save",
            "title": "О закреплении пар <на год>",
            "curator.surname": "Чернова",
            "curator.name": "Наталья",
            "regulation.date": "31.02.2024",
            "regulation.number": "118-од",
            "plans_deadline": "до 01.10.2024",
            "pairs.0.form": "учитель – учитель",
            "pairs.0.mentor.surname": "Петрова",
            "pairs.0.mentor.name": "Елена",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Документ не сохранён" in page
    date_block = _field_block(page, "f-regulation-date")
    assert 'value="31.02.2024"' in date_block
    assert "такой даты нет" in date_block
    assert "Обязательное поле." in _field_block(page, "f-report_deadline")
    # Typed values are all kept, escaped.
    assert 'value="О закреплении пар &lt;на год&gt;"' in page
    assert 'value="Петрова"' in page and 'value="118-од"' in page
    # A nested list error lands beside its row's field.
    assert "Обязательное поле." in _field_block(page, "f-pairs-0-mentees")


def test_preview_then_save_then_new_version_with_diff(app: Flask, client: FlaskClient) -> None:
    login(client, "curator")
    sample = client.post("/documents/new/pairs-order", data={"action": "sample"})
    page = sample.get_data(as_text=True)
    assert 'value="до 01.10.2026"' in page
    form = _form_values(page)
    preview = client.post("/documents/new/pairs-order", data={**form, "action": "preview"})
    shown = preview.get_data(as_text=True)
    assert 'id="preview"' in shown
    assert "ПРИКАЗ" in _text(shown).upper() and "наставнических пар" in _text(shown)
    saved = client.post("/documents/new/pairs-order", data={**form, "action": "save"})
    assert saved.status_code == 302
    url = saved.headers["Location"]
    edit = client.get(url + "/edit").get_data(as_text=True)
    changed = {**_form_values(edit), "plans_deadline": "до 15.10.2026", "note": "срок"}
    assert client.post(url + "/edit", data={**changed, "action": "save"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Что изменилось: версия 1 → версия 2" in page
    row = re.search(r"<tr><td>Срок разработки программ наставничества</td>.*?</tr>", page)
    assert row and "до 01.10.2026" in row.group(0) and "до 15.10.2026" in row.group(0)
    assert "срок" in page  # the note of version 2


def _form_values(html: str) -> dict[str, list[str]]:
    """What a browser would submit from the page's document form."""
    form = html[html.index('<form method="post" class="doc-form"') :]
    form = form[: form.index("</form>")]
    form = re.sub(r"<template>.*?</template>", "", form, flags=re.S)
    values: dict[str, list[str]] = {}
    for tag in re.finditer(r"<input ([^>]*)>", form):
        attrs = dict(re.findall(r'(\w[\w-]*)="([^"]*)"', tag.group(1)))
        if "name" not in attrs or attrs.get("type") == "hidden" and attrs["name"] == "csrf_token":
            continue
        if attrs.get("type") == "checkbox" and "checked" not in tag.group(1):
            continue
        values.setdefault(attrs["name"], []).append(_unescape(attrs.get("value", "")))
    for sel in re.finditer(r'<select id="[^"]*" name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)"\s*selected', sel.group(2))
        values[sel.group(1)] = [_unescape(chosen.group(1)) if chosen else ""]
    for area in re.finditer(
        r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S
    ):
        values[area.group(1)] = [_unescape(area.group(2))]
    return values


def _unescape(text: str) -> str:
    return html.unescape(text)


def test_register_as_director_then_download_pdf_and_docx(app: Flask, client: FlaskClient) -> None:
    document_id = _document_of(app, "curator")
    login(client, "director")
    response = client.post(f"/documents/{document_id}/register", data={"date": "2024-09-02"})
    assert response.status_code == 302
    page = client.get(f"/documents/{document_id}").get_data(as_text=True)
    assert "№ 1-од от 02.09.2024" in page
    pdf = client.get(f"/documents/{document_id}/v1.pdf")
    assert pdf.mimetype == "application/pdf"
    assert "attachment" in pdf.headers["Content-Disposition"]
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "1-од" in text
    word = client.get(f"/documents/{document_id}/v1.docx")
    paragraphs = "\n".join(p.text for p in docx.Document(io.BytesIO(word.data)).paragraphs)
    assert "1-од" in paragraphs
    assert client.get(f"/documents/{document_id}/v1.exe").status_code == 404
    # A registered document cannot be edited; a new edition can be started.
    assert client.get(f"/documents/{document_id}/edit").status_code == 409
    revised = client.post(f"/documents/{document_id}/revise")
    assert revised.status_code == 302 and revised.headers["Location"] != f"/documents/{document_id}"
    actions = {e["action"] for e in audit.entries(_db(app), object_type="document")}
    assert {"create", "register", "download", "revise"} <= actions


def test_register_in_the_future_is_refused_with_message(app: Flask, client: FlaskClient) -> None:
    document_id = _document_of(app, "curator")
    login(client, "director")
    response = client.post(
        f"/documents/{document_id}/register", data={"date": "2999-01-01"}, follow_redirects=True
    )
    assert "Дата регистрации в будущем." in response.get_data(as_text=True)
    assert "черновик" in response.get_data(as_text=True)


def test_cancel_needs_a_reason(app: Flask, client: FlaskClient) -> None:
    document_id = _document_of(app, "curator")
    login(client, "director")
    page = client.post(
        f"/documents/{document_id}/cancel", data={"reason": " "}, follow_redirects=True
    )
    assert "Причина аннулирования: обязательное поле" in page.get_data(as_text=True)
    page = client.post(
        f"/documents/{document_id}/cancel", data={"reason": "ошибка"}, follow_redirects=True
    )
    assert "аннулирован" in page.get_data(as_text=True) and "ошибка" in page.get_data(as_text=True)


# --- registry ------------------------------------------------------------------------------


def test_add_person_errors_beside_fields_and_script_is_escaped(client: FlaskClient) -> None:
    login(client, "curator")
    response = client.post(
        "/registry/people/new",
        data={
            "surname": "<script>alert(1)</script>",
            "name": "Пётр",
            "gender": "m",
            "category": "обучающийся",
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    block = _field_block(page, "f-surname")
    assert 'value="&lt;script&gt;alert(1)&lt;/script&gt;"' in block
    assert "допустимы только буквы" in block
    assert 'value="Пётр"' in page


def test_person_with_script_in_a_field_is_shown_escaped(app: Flask, client: FlaskClient) -> None:
    login(client, "curator")
    response = client.post(
        "/registry/people/new",
        data={
            "surname": "Скриптов",
            "name": "Иван",
            "gender": "m",
            "category": "педагог",
            "position": "<script>alert(1)</script>",
            "is_mentor": ["", "1"],
        },
    )
    assert response.status_code == 302
    for url in ("/registry/people", response.headers["Location"], "/registry/bases"):
        page = client.get(url).get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, url
        assert "<script>alert(1)</script>" not in page, url


def test_edit_person_can_untick_a_base(app: Flask, client: FlaskClient) -> None:
    person_id = _person_id(app, SCHOOL1, "Кох")
    login(client, "curator")
    form = _form_values(client.get(f"/registry/people/{person_id}/edit").get_data(as_text=True))
    form.pop("is_mentor", None)
    form["is_mentor"] = [""]  # the hidden field alone: the box is unticked
    assert client.post(f"/registry/people/{person_id}/edit", data=form).status_code == 302
    assert registry_people.get_person(_db(app), person_id)["is_mentor"] == 0


def test_form_a_pair_from_the_bases_and_close_it(app: Flask, client: FlaskClient) -> None:
    mentor = _person_id(app, SCHOOL1, "Чернова")
    mentee = _person_id(app, SCHOOL1, "Фёдоров")
    unsigned = _person_id(app, SCHOOL1, "Морозова")
    login(client, "curator")
    refused = client.post(
        "/registry/groups/new",
        data={"form_code": "teacher_student", "mentor_id": mentor, "mentee_ids": [unsigned],
              "start_date": "2024-09-02", "end_date": "2025-05-30"},
    )  # fmt: skip
    assert refused.status_code == 422
    assert "Морозова А.И." in refused.get_data(as_text=True)
    assert "законный представитель" in refused.get_data(as_text=True)
    bad = client.post(
        "/registry/groups/new",
        data={"form_code": "teacher_student", "mentor_id": "", "start_date": "2024-09-02",
              "end_date": "2024-09-01"},
    )  # fmt: skip
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "Наставник: выберите" in page
    response = client.post(
        "/registry/groups/new",
        data={"form_code": "teacher_student", "mentor_id": mentor, "mentee_ids": [mentee],
              "start_date": "2024-09-02", "end_date": "2025-05-30"},
    )  # fmt: skip
    assert response.status_code == 302
    groups = client.get("/registry/groups").get_data(as_text=True)
    assert "Фёдоров" in groups
    group = next(
        g for g in registry_groups.list_groups(_db(app), SCHOOL1) if g["mentor_id"] == mentor
    )
    closed = client.post(
        f"/registry/groups/{group['id']}/close",
        data={"result": "программа выполнена", "closed_on": "2025-05-30"},
        follow_redirects=True,
    )
    assert "Работа пары/группы завершена." in closed.get_data(as_text=True)


def test_sign_and_withdraw_consent(app: Flask, client: FlaskClient) -> None:
    person_id = _person_id(app, SCHOOL1, "Морозова")  # born 2016: a representative signs
    login(client, "curator")
    wrong = client.post(
        f"/registry/people/{person_id}/consents",
        data={"kind": "processing", "signed_on": "2024-09-02", "signer": "self"},
    )
    assert wrong.status_code == 422
    assert "подписывает законный представитель" in _field_block(
        wrong.get_data(as_text=True), "f-signer"
    )
    right = client.post(
        f"/registry/people/{person_id}/consents",
        data={"kind": "processing", "signed_on": "2024-09-02", "signer": "representative",
              "representative_name": "Морозова Ольга Ивановна",
              "representative_doc": "свидетельство о рождении"},
    )  # fmt: skip
    assert right.status_code == 302
    consent = next(
        c for c in consents.list_consents(_db(app), person_id) if c["status"] == "signed"
    )
    page = client.post(
        f"/registry/consents/{consent['id']}/withdraw",
        data={"withdrawn_on": "2024-10-01", "person_id": person_id},
        follow_redirects=True,
    )
    assert "Согласие отозвано." in page.get_data(as_text=True)


def test_start_page_lists_missing_consents_and_indicators(client: FlaskClient) -> None:
    login(client, "curator")
    page = client.get("/").get_data(as_text=True)
    assert "Участники без согласия" in page
    assert "Количество наставнических пар/групп" in page


# --- administration --------------------------------------------------------------------------


def test_admin_creates_user_errors_kept(client: FlaskClient) -> None:
    login(client, "admin")
    bad = client.post(
        "/admin/users",
        data={"login": "x", "password": "short", "full_name": "Новый Куратор", "role": "curator"},
    )
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "от 3 до 64 символов" in page and 'value="Новый Куратор"' in page
    good = client.post(
        "/admin/users",
        data={"login": "newcur", "password": "long-enough-1", "full_name": "Новый Куратор",
              "role": "curator", "org_id": str(SCHOOL1)},
    )  # fmt: skip
    assert good.status_code == 302
    assert "newcur" in client.get("/admin/users").get_data(as_text=True)


def test_director_sets_numbering_pattern(client: FlaskClient) -> None:
    login(client, "director")
    bad = client.post("/admin/series", data={"code": "orders", "title": "Приказы", "pattern": "od"})
    assert bad.status_code == 422
    assert "должен содержать {n}" in bad.get_data(as_text=True)
    good = client.post(
        "/admin/series", data={"code": "orders", "title": "Приказы", "pattern": "01-05/{n}"}
    )
    assert good.status_code == 302
    page = client.get("/admin/series").get_data(as_text=True)
    assert "01-05/{n}" in page and "<td>Приказы</td>" in page
    assert "<td>orders</td>" not in page  # the journal is shown by its name, not its code
    assert '<option value="protocols">Протоколы заседаний коллегиальных органов</option>' in page
    kept = client.post("/admin/series", data={"code": "orders", "title": "", "pattern": "{n}-п"})
    assert kept.status_code == 302
    page = client.get("/admin/series").get_data(as_text=True)
    assert "<td>Приказы</td>" in page and "{n}-п" in page
    renamed = client.post("/admin/series", data={"code": "orders", "title": "Приказы по ОД"})
    assert renamed.status_code == 302
    page = client.get("/admin/series").get_data(as_text=True)
    assert "<td>Приказы по ОД</td>" in page and "{n}-п" in page
    # a refused save shows what was typed, not another journal's title to carry over
    refused = client.post("/admin/series", data={"code": "protocols", "pattern": "od"})
    assert refused.status_code == 422
    assert 'id="s-title" name="title" value=""' in refused.get_data(as_text=True)
    unknown = client.post(
        "/admin/series", data={"code": "misc", "title": "Прочее", "pattern": "{n}"}
    )
    assert unknown.status_code == 422 and "Выберите журнал." in unknown.get_data(as_text=True)


# --- CSRF --------------------------------------------------------------------------------------


def test_csrf_token_required_on_page_forms(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    refused = client.post("/login", data={"login": "curator", "password": "nastavnik2024"})
    assert refused.status_code == 400
    assert "Форма устарела" in refused.get_data(as_text=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    accepted = client.post(
        "/login", data={"login": "curator", "password": "nastavnik2024", "csrf_token": token}
    )
    assert accepted.status_code == 302
    # Signed in, a form without the token is still refused.
    assert client.post("/logout").status_code == 400
    # The token API is not a page form: no CSRF token is asked for.
    api = client.post("/api/token", json={"login": "curator", "password": "nastavnik2024"})
    assert api.status_code == 201 and api.get_json()["token"]


# --- Excel, district table, template variants ---------------------------------------------------


def test_excel_export_imports_back_and_a_bad_file_is_reported(client: FlaskClient) -> None:
    login(client, "curator")
    exported = client.get("/registry/export.xlsx")
    assert exported.status_code == 200 and exported.data[:2] == b"PK"
    again = client.post(
        "/registry/import", data={"file": (io.BytesIO(exported.data), "реестр.xlsx")}
    )
    assert again.status_code == 200
    assert "без изменений — 13" in again.get_data(as_text=True)
    bad = client.post("/registry/import", data={"file": (io.BytesIO(b"not excel"), "x.xlsx")})
    assert bad.status_code == 422
    assert "flash-error" in bad.get_data(as_text=True)
    assert client.get("/registry/import/blank.xlsx").data[:2] == b"PK"


def test_methodologist_cannot_import(client: FlaskClient) -> None:
    login(client, "methodologist")
    assert client.get("/registry/import").status_code == 403
    assert client.get("/registry/export.xlsx").status_code == 200


def test_district_table_shows_registered_documents(app: Flask, client: FlaskClient) -> None:
    document_id = _document_of(app, "curator")
    login(client, "director")
    client.post(f"/documents/{document_id}/register", data={"date": dt.date.today().isoformat()})
    client.post("/logout")
    login(client, "municipal")
    page = client.get("/registry/district").get_data(as_text=True)
    assert "№ 1-од от" in page
    assert client.get("/registry/district.xlsx").data[:2] == b"PK"


def test_director_uploads_template_variant(client: FlaskClient) -> None:
    login(client, "director")
    wrong = client.post(
        "/admin/variants", data={"kind": "pairs-order", "file": (io.BytesIO(b"x"), "a.txt")}
    )
    assert wrong.status_code == 422
    assert "Шаблон должен быть файлом .docx." in wrong.get_data(as_text=True)
    template = Path(catalog.__file__).parent.parent / "templates" / "docx" / "pairs-order.docx"
    good = client.post(
        "/admin/variants",
        data={"kind": "pairs-order", "file": (io.BytesIO(template.read_bytes()), "наш.docx")},
        follow_redirects=True,
    )
    page = good.get_data(as_text=True)
    assert "Вариант шаблона загружен и включён." in page and "наш.docx" in page
    client.post("/logout")
    login(client, "curator")
    assert client.get("/admin/variants").status_code == 403


def test_person_page_says_which_documents_the_person_still_lacks(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "curator")
    lacking = client.get(f"/registry/people/{_person_id(app, SCHOOL1, 'Морозова')}")
    text = lacking.get_data(as_text=True)
    assert "Недостающие документы" in text
    assert "Согласие на обработку персональных данных" in text.split("Недостающие документы")[1]
    mentor = client.get(f"/registry/people/{_person_id(app, SCHOOL1, 'Петрова')}")
    assert "Приказ о закрепле" in mentor.get_data(as_text=True)  # her pair has no order yet
    complete = client.get(f"/registry/people/{_person_id(app, SCHOOL1, 'Чернова')}")
    assert "Все документы участника оформлены" in complete.get_data(as_text=True)


# --- ids out of range, one error path -----------------------------------------------------


def test_every_id_in_a_route_is_an_id(app: Flask) -> None:
    numbers = [
        rule.rule
        for rule in app.url_map.iter_rules()
        for part in RULE_PART.finditer(rule.rule)
        if part["conv"] in ("int", "float") or part["name"].endswith("_id") and not part["conv"]
    ]
    assert numbers == []


def test_ids_out_of_range_on_pages_are_404_naming_the_record(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "admin")
    requests = huge_id_requests(app, api=False)
    assert len(requests) >= 15  # documents, bulk jobs, people, consents, groups, variants
    for method, url, name in requests:
        response = client.open(url, method=method)
        assert response.status_code == 404, (method, url)
        assert ids.NOT_FOUND[name] in response.get_data(as_text=True), (method, url)


def test_document_out_of_range_says_so_in_russian(client: FlaskClient) -> None:
    login(client, "curator")
    page = client.get(f"/documents/{HUGE_ID}")
    assert page.status_code == 404
    assert "Документ не найден" in page.get_data(as_text=True)
    as_json = client.get(f"/documents/{HUGE_ID}", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.json == {"error": "Документ не найден"}


def test_page_errors_answer_json_when_asked(client: FlaskClient) -> None:
    login(client, "curator")
    missing = client.get("/no-such-page", headers={"Accept": "application/json"})
    assert missing.status_code == 404 and missing.json == {"error": "Страница не найдена."}
    page = client.get("/no-such-page")
    assert "text/html" in page.content_type and "Страница не найдена." in page.text


def test_refused_form_answers_the_one_json_shape(tmp_path: Path) -> None:
    client = make_app(tmp_path, WTF_CSRF_ENABLED=True).test_client()
    refused = client.post("/logout", headers={"Accept": "application/json"})
    assert refused.status_code == 400
    assert refused.json["error"].startswith("Форма устарела")
    page = client.post("/logout")
    assert page.status_code == 400 and "Форма устарела" in page.text
