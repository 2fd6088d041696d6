"""Sessions that end, passwords, safe redirects, security headers, audited reads, consents.

The findings of the attack (issue 16): a cookie copied before «Выйти» kept working, tokens
never expired, `next` led off-site, no page carried security headers, reads of personal data
left no trace, and a person who withdrew their consent could be typed in by name.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from webfixtures import PASSWORD, login, make_app

from docgen.accounts import audit, users
from docgen.db import connect
from docgen.documents import bulk
from docgen.documents import service as documents
from docgen.kinds import catalog
from docgen.registry import consents
from docgen.registry import people as registry_people
from docgen.web import security

pytest_plugins = ["apifixtures"]

SCHOOL1 = 2


def _db(app: Flask):
    return connect(app.config["DATABASE"])


def _user(app: Flask, login_name: str) -> dict:
    db = _db(app)
    try:
        return next(u for u in users.list_users(db) if u["login"] == login_name)
    finally:
        db.close()


def _copy_session(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of the client's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def _signed_in(client: FlaskClient) -> bool:
    return client.get("/documents").status_code == 200


def _token(app: Flask, login_name: str, **kwargs) -> str:
    db = _db(app)
    try:
        return users.issue_token(db, _user(app, login_name)["id"], **kwargs)
    finally:
        db.close()


def _api_me(app: Flask, token: str) -> int:
    return (
        app.test_client().get("/api/me", headers={"Authorization": f"Bearer {token}"}).status_code
    )


def _audit(app: Flask, **kwargs) -> list[dict]:
    db = _db(app)
    try:
        return audit.entries(db, **kwargs)
    finally:
        db.close()


# --- sessions end for good ----------------------------------------------------------------


def test_a_cookie_copied_before_logout_opens_nothing_after_it(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "curator")
    thief = _copy_session(app, client)
    token = _token(app, "curator")
    assert _signed_in(thief) and _api_me(app, token) == 200
    client.post("/logout")
    assert not _signed_in(client)
    response = thief.get("/documents")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert thief.get("/registry/people").status_code == 302
    assert _api_me(app, token) == 401
    # Signing in again works, with a new session the old copy does not share.
    login(client, "curator")
    assert _signed_in(client) and not _signed_in(thief)


def test_a_password_change_ends_every_other_session_and_keeps_this_one(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "curator")
    thief = _copy_session(app, client)
    token = _token(app, "curator")
    page = client.get("/password").get_data(as_text=True)
    assert "Текущий пароль" in page and "Повторите новый пароль" in page
    changed = client.post(
        "/password",
        data={
            "old_password": PASSWORD,
            "new_password": "new-secret-2026",
            "repeat_password": "new-secret-2026",
        },
    )
    assert changed.status_code == 302
    assert "Пароль изменён" in client.get("/").get_data(as_text=True)
    assert _signed_in(client)
    assert not _signed_in(thief) and _api_me(app, token) == 401
    other = app.test_client()
    refused = other.post("/login", data={"login": "curator", "password": PASSWORD})
    assert refused.status_code == 401
    login(other, "curator", "new-secret-2026")
    actions = [e["action"] for e in _audit(app, object_type="user")]
    assert "password_change" in actions


def test_password_form_messages_stand_beside_their_fields(client: FlaskClient) -> None:
    login(client, "curator")
    wrong = client.post(
        "/password",
        data={"old_password": "not-mine-1", "new_password": "short", "repeat_password": "short"},
    )
    assert wrong.status_code == 422
    page = wrong.get_data(as_text=True)
    assert re.search(r'id="old_password-errors"><li>Текущий пароль: неверный</li>', page)
    assert re.search(r'id="new_password-errors"><li>Новый пароль: не короче 8 символов</li>', page)
    mismatch = client.post(
        "/password",
        data={
            "old_password": PASSWORD,
            "new_password": "new-secret-2026",
            "repeat_password": "new-secret-2027",
        },
    )
    assert mismatch.status_code == 422
    assert 'id="repeat_password-errors"><li>Повтор пароля: не совпадает' in mismatch.get_data(
        as_text=True
    )
    # Nothing changed: the old password still signs in.
    login(client.application.test_client(), "curator")


def test_guessing_the_current_password_is_throttled_like_sign_in(client: FlaskClient) -> None:
    login(client, "curator")
    wrong = {"old_password": "guess-0000", "new_password": "x" * 12, "repeat_password": "x" * 12}
    for _ in range(users.MAX_FAILED_LOGINS):
        assert client.post("/password", data=wrong).status_code == 422
    right = {**wrong, "old_password": PASSWORD}
    locked = client.post("/password", data=right)
    assert locked.status_code == 429
    assert "Слишком много попыток, повторите через 15 минут" in locked.get_data(as_text=True)
    assert _signed_in(client)


def test_blocking_a_user_ends_their_sessions_and_refuses_sign_in(
    app: Flask, client: FlaskClient
) -> None:
    victim = app.test_client()
    login(victim, "curator")
    token = _token(app, "curator")
    login(client, "admin")
    curator_id = _user(app, "curator")["id"]
    page = client.get(f"/admin/users/{curator_id}").get_data(as_text=True)
    assert "Заблокировать" in page and "Роль и организация" in page
    assert client.post(f"/admin/users/{curator_id}/block").status_code == 302
    assert not _signed_in(victim) and _api_me(app, token) == 401
    refused = app.test_client().post("/login", data={"login": "curator", "password": PASSWORD})
    assert refused.status_code == 403
    assert "Учётная запись заблокирована. Обратитесь к администратору." in refused.get_data(
        as_text=True
    )
    guessed = app.test_client().post("/login", data={"login": "curator", "password": "x" * 12})
    assert guessed.status_code == 401 and "заблокирована" not in guessed.get_data(as_text=True)
    by_api = app.test_client().post("/api/token", json={"login": "curator", "password": PASSWORD})
    assert by_api.status_code == 403 and "заблокирована" in by_api.get_json()["error"]
    assert "заблокирован" in client.get("/admin/users").get_data(as_text=True)
    assert client.post(f"/admin/users/{curator_id}/unblock").status_code == 302
    login(app.test_client(), "curator")
    entries = [
        e
        for e in _audit(app, object_type="user", object_id=curator_id)
        if e["action"] in ("block", "unblock")
    ]
    assert [e["action"] for e in entries] == ["unblock", "block"]
    assert all(e["user_id"] == _user(app, "admin")["id"] for e in entries)


def test_an_admin_does_not_block_or_demote_themselves(app: Flask, client: FlaskClient) -> None:
    login(client, "admin")
    admin_id = _user(app, "admin")["id"]
    blocked = client.post(f"/admin/users/{admin_id}/block")
    assert blocked.status_code == 409
    assert "Нельзя заблокировать собственную учётную запись" in blocked.get_data(as_text=True)
    demoted = client.post(
        f"/admin/users/{admin_id}", data={"full_name": "Админ", "role": "curator", "org_id": "2"}
    )
    assert demoted.status_code == 409
    assert "Нельзя снять с себя роль администратора" in demoted.get_data(as_text=True)
    assert _signed_in(client)


def test_admin_edits_role_and_organisation_with_an_audit_line(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "admin")
    methodologist = _user(app, "methodologist")
    bad = client.post(
        f"/admin/users/{methodologist['id']}",
        data={"full_name": "Соколова И.П.", "role": "municipal", "org_id": str(SCHOOL1)},
    )
    assert bad.status_code == 422
    assert "выберите орган управления образованием" in bad.get_data(as_text=True)
    good = client.post(
        f"/admin/users/{methodologist['id']}",
        data={"full_name": "Соколова Ирина Петровна", "role": "curator", "org_id": str(SCHOOL1)},
    )
    assert good.status_code == 302
    changed = _user(app, "methodologist")
    assert changed["role"] == "curator" and changed["full_name"] == "Соколова Ирина Петровна"
    entry = _audit(app, object_type="user", object_id=methodologist["id"])[0]
    assert entry["action"] == "edit" and "curator" in entry["detail"]


def test_admin_resets_a_password_and_the_old_sessions_end(app: Flask, client: FlaskClient) -> None:
    victim = app.test_client()
    login(victim, "director")
    login(client, "admin")
    director_id = _user(app, "director")["id"]
    short = client.post(f"/admin/users/{director_id}/password", data={"password": "short"})
    assert short.status_code == 422 and "не короче 8 символов" in short.get_data(as_text=True)
    assert _signed_in(victim)
    reset = client.post(f"/admin/users/{director_id}/password", data={"password": "reset-2026!"})
    assert reset.status_code == 302
    assert not _signed_in(victim)
    login(app.test_client(), "director", "reset-2026!")
    actions = [e["action"] for e in _audit(app, object_type="user", object_id=director_id)]
    assert "password_reset" in actions


def test_header_menu_offers_password_change_and_users_to_the_admin(client: FlaskClient) -> None:
    login(client, "curator")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/password"' in page and 'href="/admin/users"' not in page
    login(client, "admin")
    page = client.get("/").get_data(as_text=True)
    assert 'href="/password"' in page and 'href="/admin/users"' in page


def test_an_expired_token_is_refused(app: Flask) -> None:
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(days=31)
    expired = _token(app, "curator", now=long_ago)
    assert _api_me(app, expired) == 401
    fresh = _token(app, "curator")
    assert _api_me(app, fresh) == 200


def test_wrong_passwords_from_one_address_do_not_lock_the_user_elsewhere(app: Flask) -> None:
    stranger = {"REMOTE_ADDR": "203.0.113.9"}
    desk = {"REMOTE_ADDR": "192.0.2.10"}
    client = app.test_client()
    for _ in range(users.MAX_FAILED_LOGINS):
        response = client.post(
            "/login", data={"login": "curator", "password": "wrong-pass"}, environ_base=stranger
        )
    assert response.status_code == 429
    for _ in range(users.MAX_FAILED_LOGINS):
        response = client.post(
            "/api/token", json={"login": "director", "password": "wrong"}, environ_base=stranger
        )
    assert response.status_code == 429
    right = client.post(
        "/login", data={"login": "curator", "password": PASSWORD}, environ_base=desk
    )
    assert right.status_code == 302
    token = client.post(
        "/api/token", json={"login": "director", "password": PASSWORD}, environ_base=desk
    )
    assert token.status_code == 201
    failed = [e for e in _audit(app, object_type="user") if e["action"] == "login_failed"]
    assert failed and all("203.0.113.9" in e["detail"] for e in failed)


# --- next is a local path -------------------------------------------------------------------

OFF_SITE = [
    "//evil.host/x",
    "/\t/evil.host/x",
    "/\n/evil.host/x",
    "/\r\n/evil.host",
    "/ /evil.host",
    "/\x00/evil.host",
    "/\x0b/evil.host",
    "/\\evil.host",
    "/\\/evil.host",
    "\\\\evil.host",
    "\t//evil.host",
    " //evil.host",
    "///evil.host",
    "https://evil.host/x",
    "http:evil.host",
    "http:/evil.host",
    "HTTPS://evil.host",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.host",
    "@evil.host",
    "/\x7f/evil.host",
    "",
]


@pytest.mark.parametrize("target", OFF_SITE)
def test_next_never_leads_off_site(app: Flask, target: str) -> None:
    client = app.test_client()
    page = client.get("/login?next=" + quote(target, safe="")).get_data(as_text=True)
    assert 'name="next" value=""' in page
    response = client.post(
        "/login", data={"login": "curator", "password": PASSWORD, "next": target}
    )
    location = response.headers["Location"]
    assert location == "/", repr(location)


def test_the_reported_payload_stays_on_the_site(client: FlaskClient) -> None:
    page = client.get("/login?next=%2F%09%2Fevil.host%2Fx").get_data(as_text=True)
    assert "evil.host" not in page
    response = client.post(
        "/login", data={"login": "curator", "password": PASSWORD, "next": "/\t/evil.host/x"}
    )
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    "target", ["/documents", "/registry/people?category=student", "/documents/1#v2", "/a//b"]
)
def test_next_keeps_a_local_path(client: FlaskClient, target: str) -> None:
    assert security.local_path(target) == target
    page = client.get("/login?next=" + quote(target, safe="")).get_data(as_text=True)
    assert 'name="next" value=""' not in page
    response = client.post(
        "/login", data={"login": "curator", "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == target
    assert urlsplit(response.headers["Location"]).netloc == ""


def test_a_visitor_sent_to_sign_in_comes_back_to_the_page(client: FlaskClient) -> None:
    sent = client.get("/registry/people")
    assert sent.headers["Location"] == "/login?next=/registry/people"
    page = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'name="next" value="/registry/people"' in page
    response = client.post(
        "/login", data={"login": "curator", "password": PASSWORD, "next": "/registry/people"}
    )
    assert response.headers["Location"] == "/registry/people"


# --- headers and no inline script -----------------------------------------------------------

HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
}
# same-origin everywhere; a survey's personal link (/s/…) sends no referrer at all.
REFERRER_POLICIES = ("same-origin", "no-referrer")
ARG_VALUES = {
    "slug": "curator-order",
    "fmt": "docx",
    "name": "documents",
    "filename": "css/app.css",
}


class _InlineScript(html.parser.HTMLParser):
    """Collects what a CSP without 'unsafe-inline' would block: scripts without src, on*
    attributes, javascript: URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script" and not names.get("src"):
            self.found.append(f"<script> without src: {self.get_starttag_text()}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"handler {name}= in {self.get_starttag_text()}")
            if value and value.strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL in {self.get_starttag_text()}")


def _inline_scripts(page: str) -> list[str]:
    parser = _InlineScript()
    parser.feed(page)
    return parser.found


def _check_response(url: str, response) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (url, name)
    assert response.headers.get("Referrer-Policy") in REFERRER_POLICIES, url
    csp = response.headers.get("Content-Security-Policy", "")
    for part in (
        "default-src 'self'",
        "script-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ):
        assert part in csp, (url, part)
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    if response.mimetype == "text/html":
        assert _inline_scripts(response.get_data(as_text=True)) == [], url


def _fill(rule, document_id: int) -> str:
    values = {}
    for arg in rule.arguments:
        converter = rule._converters.get(arg)
        if arg in ARG_VALUES:
            values[arg] = ARG_VALUES[arg]
        elif type(converter).__name__ == "AnyConverter":
            values[arg] = sorted(converter.items)[0] if hasattr(converter, "items") else "x"
        elif arg == "document_id":
            values[arg] = document_id
        else:
            values[arg] = 1
    return rule.build(values, append_unknown=False)[1]


def test_every_page_carries_the_headers_and_no_inline_script(
    app: Flask, client: FlaskClient
) -> None:
    document_id = documents.create(
        _db(app), _user(app, "admin"), "curator-order", catalog.get("curator-order").sample(),
        SCHOOL1,
    )["id"]  # fmt: skip
    login(client, "admin")
    seen = 0
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        url = _fill(rule, document_id)
        response = client.get(url)
        _check_response(url, response)
        response.close()
        seen += 1
    assert seen >= 40
    # Pages a visitor sees without signing in, errors, a filled form with its preview.
    anonymous = app.test_client()
    for url in ("/login", "/documents", "/no-such-page", "/api/me"):
        _check_response(url, anonymous.get(url))
    previewed = client.post(
        "/documents/new/curator-order",
        data={
            "action": "preview",
            "start_date": "01.09.2026",
            "duties.0.text": "сформировать базы наставников и наставляемых",
            "duties.0.deadline": "до 15.09.2026",
            "curator.surname": "Чернова",
            "curator.name": "Наталья",
            "curator.patronymic": "Викторовна",
        },
    )
    assert previewed.status_code == 200 and '<article class="doc"' in previewed.get_data(
        as_text=True
    )
    _check_response("preview", previewed)
    # The pages that used inline handlers still work through menu.js.
    journal = client.get("/journal").get_data(as_text=True)
    assert 'class="button print"' in journal and "js/menu.js" in journal
    assert 'class="auto-submit"' in client.get("/").get_data(as_text=True)


def test_the_static_script_replaces_the_inline_handlers(app: Flask) -> None:
    script = app.test_client().get("/static/js/menu.js")
    assert script.status_code == 200
    text = script.get_data(as_text=True)
    assert "select.auto-submit" in text and "window.print()" in text
    script.close()


def test_cookies_are_secure_and_hsts_sent_when_served_over_https(tmp_path: Path) -> None:
    for folder in ("plain", "https"):
        (tmp_path / folder).mkdir()
    plain = make_app(tmp_path / "plain").test_client()
    response = plain.post("/login", data={"login": "curator", "password": PASSWORD})
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers
    # DOCGEN_HTTPS=1 in the environment arrives as HTTPS=1 (from_prefixed_env reads JSON).
    secure = make_app(tmp_path / "https", HTTPS=1).test_client()
    response = secure.post(
        "/login", data={"login": "curator", "password": PASSWORD}, base_url="https://localhost"
    )
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


# --- reads of personal data are audited ------------------------------------------------------


def _reads(app: Flask) -> list[tuple[int, str, str, str]]:
    return [
        (e["user_id"], e["object_type"], e["object_id"], e["detail"])
        for e in _audit(app)
        if e["action"] == "read"
    ]


def test_pages_showing_personal_data_leave_an_audit_line(app: Flask, client: FlaskClient) -> None:
    curator = _user(app, "curator")
    document_id = documents.create(
        _db(app), curator, "consent", catalog.get("consent").sample(), SCHOOL1
    )["id"]
    person_id = next(
        p["id"] for p in registry_people.list_people(_db(app), SCHOOL1) if p["surname"] == "Петрова"
    )
    login(client, "curator")
    assert client.get(f"/documents/{document_id}").status_code == 200
    assert client.get(f"/registry/people/{person_id}").status_code == 200
    assert client.get("/registry/people").status_code == 200
    assert client.get("/registry/consents").status_code == 200
    reads = _reads(app)
    me = curator["id"]
    assert (me, "document", str(document_id), "документ") in reads
    assert (me, "person", str(person_id), "карточка человека") in reads
    assert (me, "organisation", str(SCHOOL1), "список людей") in reads
    assert (me, "organisation", str(SCHOOL1), "список согласий") in reads
    # A refused read is not one: nothing was shown.
    other = _user(app, "curator2")
    before = len(_reads(app))
    login(client, "curator2")
    assert client.get(f"/documents/{document_id}").status_code in (403, 404)
    assert len(_reads(app)) == before
    assert all(r[0] != other["id"] for r in _reads(app))
    # The administrator sees the reads in the audit log.
    login(client, "admin")
    assert "read" in client.get("/admin/audit").get_data(as_text=True)


def test_api_reads_of_personal_data_leave_an_audit_line(api, api_app, demo_ids) -> None:
    curator = api("curator")
    created = curator.post(
        "/api/documents", json={"kind": "consent", "input": catalog.get("consent").sample()}
    )
    assert created.status_code == 201
    document_id = created.json["id"]
    person_id = demo_ids["people1"]["Петрова"]
    document = curator.get(f"/api/documents/{document_id}")
    assert document.status_code == 200
    assert "60 24 418275" in document.get_data(as_text=True)  # the passport number it returns
    assert curator.get(f"/api/people/{person_id}").status_code == 200
    assert curator.get(f"/api/people/{person_id}/consents").status_code == 200
    assert curator.get("/api/people").status_code == 200
    db = _db(api_app)
    me = next(db.query("SELECT id FROM users WHERE login = 'curator'"))["id"]
    reads = [
        (e["user_id"], e["object_type"], e["object_id"], e["detail"])
        for e in audit.entries(db)
        if e["action"] == "read"
    ]
    db.close()
    school1 = str(demo_ids["school1"])
    assert (me, "document", str(document_id), "документ (API)") in reads
    assert (me, "person", str(person_id), "человек (API)") in reads
    assert (me, "person", str(person_id), "согласия человека (API)") in reads
    assert (me, "organisation", school1, "список людей (API)") in reads


# --- a withdrawn consent holds for people typed by name --------------------------------------


def _withdraw(api, person_id: int, on: dt.date) -> None:
    response = api("curator").post(
        f"/api/people/{person_id}/consents/withdraw",
        json={"kind": "processing", "withdrawn_on": on.isoformat()},
    )
    assert response.status_code == 200, response.json


def test_a_person_typed_inline_whose_consent_is_withdrawn_is_refused(api, demo_ids, today) -> None:
    director = api("director")
    order = catalog.get("curator-order").sample()
    # «Петрова Елена Сергеевна» of the demo registry, typed inline rather than chosen
    petrova = {"surname": "Петрова", "name": "Елена", "patronymic": "Сергеевна"}
    order["acquaint"] = [{**petrova, "position": "учитель математики"}]
    draft = director.post("/api/documents", json={"kind": "curator-order", "input": order})
    assert draft.status_code == 201
    _withdraw(api, demo_ids["people1"]["Петрова"], today)
    for path, body in (
        ("/api/preview", {"kind": "curator-order", "input": order}),
        ("/api/documents", {"kind": "curator-order", "input": order}),
    ):
        refused = director.post(path, json=body)
        assert refused.status_code == 422, (path, refused.json)
        assert (
            "Петрова Е.С. отозвала согласие на обработку персональных данных"
            in (refused.json["error"])
        )
        assert any(
            key.endswith("acquaint.0") and "Петрова Е.С. отозвала" in " ".join(messages)
            for key, messages in refused.json["fields"].items()
        ), refused.json
    # A draft made before the withdrawal is not registered with her data either.
    registered = director.post(f"/api/documents/{draft.json['id']}/register", json={})
    assert registered.status_code == 422
    assert "Петрова Е.С. отозвала согласие" in registered.json["error"]
    assert director.get(f"/api/documents/{draft.json['id']}").json["status"] == "draft"
    # Someone else typed inline is fine.
    order["acquaint"] = [{"surname": "Иванов", "name": "Иван", "patronymic": "Иванович"}]
    again = director.post("/api/preview", json={"kind": "curator-order", "input": order})
    assert again.status_code == 200, again.json


def test_a_namesake_with_another_birth_date_is_not_refused(api, demo_ids, today) -> None:
    curator = api("curator")
    _withdraw(api, demo_ids["people1"]["Петрова"], today)
    form = catalog.get("consent").sample()
    form["subject"] = {
        "surname": "петрова",  # compared as the registry compares names
        "name": "Елена",
        "patronymic": "Сергеевна",
        "gender": "f",
        "birth_date": "03.10.1975",
    }
    form.pop("representative", None)
    refused = curator.post("/api/preview", json={"kind": "consent", "input": form})
    assert refused.status_code == 422 and "отозвала согласие" in refused.json["error"]
    form["subject"]["birth_date"] = "04.10.1975"
    allowed = curator.post("/api/preview", json={"kind": "consent", "input": form})
    assert allowed.status_code == 200, allowed.json
    # Another school's registry is not this school's: its people are not matched.
    form["subject"]["birth_date"] = "03.10.1975"
    elsewhere = api("curator2").post("/api/preview", json={"kind": "consent", "input": form})
    assert elsewhere.status_code == 200, elsewhere.json


def test_the_form_page_shows_the_refusal_beside_the_field(app: Flask, client: FlaskClient) -> None:
    db = _db(app)
    person = next(p for p in registry_people.list_people(db, SCHOOL1) if p["surname"] == "Петрова")
    consents.withdraw_consent(
        db, person_id=person["id"], kind="processing", withdrawn_on=dt.date.today()
    )
    db.close()
    login(client, "director")
    response = client.post(
        "/documents/new/curator-order",
        data={
            "action": "preview",
            "start_date": "01.09.2026",
            "duties.0.text": "сформировать базы наставников и наставляемых",
            "duties.0.deadline": "до 15.09.2026",
            "curator.surname": "Петрова",
            "curator.name": "Елена",
            "curator.patronymic": "Сергеевна",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    errors = re.search(r'<ul class="field-errors" id="f-curator-errors">(.*?)</ul>', page)
    assert errors, "no message beside the curator field"
    assert "Петрова Е.С. отозвала согласие на обработку персональных данных" in errors.group(1)


# --- progress never counts past its total ----------------------------------------------------


def test_bulk_progress_ends_on_its_own_total_when_items_are_refused(app: Flask) -> None:
    db = _db(app)
    user = _user(app, "curator")
    items = []
    for surname in ("Савченко", "Кузнецова", "Ошибкина"):
        data = catalog.get("consent").sample()
        data["subject"]["surname"] = surname
        items.append(data)
    del items[2]["subject_address"]
    seen: list[tuple[int, int, str]] = []
    result = bulk.generate(
        db, user, "consent", items, on=dt.date(2026, 10, 1), org_id=SCHOOL1,
        progress=lambda done, total, phase: seen.append((done, total, phase)), workers=1,
    )  # fmt: skip
    assert result.count == 2 and len(result.errors) == 1
    assert all(done <= total for done, total, _ in seen)
    job = bulk.get_job(db, result.job_id, SCHOOL1)
    assert job["status"] == "done" and job["done"] == job["total"] == 3
    assert job["message"] == "Сформировано документов: 2 из 3. Не сформировано: 1 (причины ниже)."
    db.close()
