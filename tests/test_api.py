"""The JSON API as a client system meets it: tokens, roles, the document cycle, errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re

import pytest
from docx import Document
from webfixtures import huge_id_requests

from docgen.accounts import audit, users
from docgen.db import connect
from docgen.kinds import catalog
from docgen.web import ids

pytest_plugins = ["apifixtures"]

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts).replace("\xa0", " ")


def sample(slug: str = "curator-order") -> dict:
    return catalog.get(slug).sample()


def create_draft(client, slug: str = "curator-order", **extra) -> dict:
    response = client.post("/api/documents", json={"kind": slug, "input": sample(slug), **extra})
    assert response.status_code == 201, response.json
    return response.json


def example_path(rule) -> str:
    values = {"slug": "curator-order", "fmt": "pdf"}
    return re.sub(r"<(?:[^:>]+:)?(\w+)>", lambda m: str(values.get(m[1], 1)), rule.rule)


# --- authentication -------------------------------------------------------------------


def test_every_protected_route_needs_a_token(api_app, api):
    anonymous, forged = api(None), api(None)
    forged.token = "not-a-token"
    checked = 0
    for rule in api_app.url_map.iter_rules():
        view = api_app.view_functions[rule.endpoint]
        api_doc = getattr(view, "api_doc", None)
        if not rule.endpoint.startswith("api.") or api_doc is None or api_doc.public:
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            for client in (anonymous, forged):
                response = client.client.open(
                    example_path(rule), method=method, headers=client._headers(None), json={}
                )
                assert response.status_code == 401, (method, rule.rule)
                assert response.json["error"].startswith("Нужен действующий токен")
                assert response.headers["WWW-Authenticate"].startswith("Bearer")
                checked += 1
    assert checked > 50


def test_a_session_cookie_does_not_drive_the_api(api_app, demo_ids):
    client = api_app.test_client()
    with client.session_transaction() as session:
        session["user_id"] = 1
    assert client.get("/api/me").status_code == 401


def test_token_by_password_then_revoke(api):
    client = api(None)
    response = client.post("/api/token", json={"login": "curator", "password": "nastavnik2024"})
    assert response.status_code == 201
    assert response.json["user"]["role"] == "curator"
    assert "password_hash" not in response.json["user"]
    client.token = response.json["token"]
    assert client.get("/api/me").json["login"] == "curator"
    assert client.delete("/api/token").status_code == 204
    assert client.get("/api/me").status_code == 401


def test_wrong_password_then_lockout_even_for_the_right_one(api):
    client = api(None)
    for _ in range(users.MAX_FAILED_LOGINS - 1):
        response = client.post("/api/token", json={"login": "director", "password": "wrong-pass"})
        assert response.status_code == 401
        assert response.json["error"] == "Неверный логин или пароль."
    last = client.post("/api/token", json={"login": "director", "password": "wrong-pass"})
    assert last.status_code == 429
    response = client.post("/api/token", json={"login": "director", "password": "nastavnik2024"})
    assert response.status_code == 429
    assert "заблокирован" in response.json["error"]
    unknown = client.post("/api/token", json={"login": "nobody", "password": "x"})
    assert unknown.status_code == 401


def test_token_request_field_errors(api):
    response = api(None).post("/api/token", json={"login": "curator"})
    assert response.status_code == 422
    assert response.json["fields"] == {"password": ["Обязательное поле."]}


# --- kinds ----------------------------------------------------------------------------


def test_kinds_schema_and_sample(api):
    client = api("methodologist")
    listed = client.get("/api/kinds").json
    assert [k["slug"] for k in listed] == [k.slug for k in catalog.KINDS]
    curator_order = next(k for k in listed if k["slug"] == "curator-order")
    assert curator_order["series"] == "orders" and "director" in curator_order["roles"]
    schema = client.get("/api/kinds/curator-order/schema").json
    assert schema["properties"]["curator"]
    assert CYRILLIC.search(schema["properties"]["start_date"]["title"])
    assert client.get("/api/kinds/curator-order/sample").json == sample()
    missing = client.get("/api/kinds/no-such-kind/schema")
    assert missing.status_code == 404
    assert "no-such-kind" in missing.json["error"]


# --- the document cycle ------------------------------------------------------------------


def test_full_document_cycle(api):
    client = api("director")
    draft = create_draft(client)
    assert draft["status"] == "draft" and draft["version"]["n"] == 1
    document_id = draft["id"]

    changed = sample()
    changed["executor_phone"] = "8 (86396) 2-99-99"
    version = client.post(
        f"/api/documents/{document_id}/versions", json={"input": changed, "note": "телефон"}
    )
    assert version.status_code == 201
    assert version.json["n"] == 2 and version.json["note"] == "телефон"

    draft_docx = client.get(f"/api/documents/{document_id}/versions/2.docx")
    assert "2-99-99" in docx_text(draft_docx.data)

    registered = client.post(f"/api/documents/{document_id}/register", json={})
    assert registered.status_code == 200, registered.json
    number = registered.json["number"]
    assert registered.json["status"] == "registered" and number
    assert registered.json["reg_date"] == dt.date.today().isoformat()

    text = docx_text(client.get(f"/api/documents/{document_id}/latest.docx").data)
    assert f"№ {number}" in text
    assert f"{dt.date.today():%d.%m.%Y}" in text
    assert f"№ {number}" not in docx_text(draft_docx.data)

    detail = client.get(f"/api/documents/{document_id}").json
    assert [v["n"] for v in detail["versions"]] == [1, 2]
    assert detail["versions"][1]["input"]["executor_phone"] == "8 (86396) 2-99-99"
    pdf = client.get(f"/api/documents/{document_id}/versions/2.pdf")
    assert pdf.status_code == 200
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert hashlib.sha256(pdf.data).hexdigest() == detail["versions"][1]["pdf_sha256"]
    assert pdf.headers["X-Content-SHA256"] == detail["versions"][1]["pdf_sha256"]
    assert "attachment" in pdf.headers["Content-Disposition"]

    refused = client.post(f"/api/documents/{document_id}/versions", json={"input": changed})
    assert refused.status_code == 409
    assert "Зарегистрированный документ не изменяется" in refused.json["error"]
    assert client.post(f"/api/documents/{document_id}/register").status_code == 409

    revision = client.post(f"/api/documents/{document_id}/revise")
    assert revision.status_code == 201
    assert revision.json["status"] == "draft" and revision.json["revision_of"] == document_id
    assert revision.json["id"] != document_id

    listed = client.get("/api/documents", query_string={"status": "registered"}).json
    assert [d["id"] for d in listed] == [document_id]
    assert client.get("/api/documents/999999").status_code == 404
    assert client.get(f"/api/documents/{document_id}/versions/9.pdf").status_code == 404


def test_cancel_needs_a_reason_and_happens_once(api):
    client = api("director")
    document_id = create_draft(client)["id"]
    empty = client.post(f"/api/documents/{document_id}/cancel", json={"reason": "  "})
    assert empty.status_code == 422 and "reason" in empty.json["fields"]
    done = client.post(f"/api/documents/{document_id}/cancel", json={"reason": "ошибка в дате"})
    assert done.status_code == 200 and done.json["status"] == "cancelled"
    again = client.post(f"/api/documents/{document_id}/cancel", json={"reason": "ещё раз"})
    assert again.status_code == 409


def test_register_refuses_a_future_or_impossible_date(api):
    client = api("director")
    document_id = create_draft(client)["id"]
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    response = client.post(f"/api/documents/{document_id}/register", json={"date": future})
    assert response.status_code == 422 and "date" in response.json["fields"]
    response = client.post(f"/api/documents/{document_id}/register", json={"date": "30.02.2026"})
    assert response.status_code == 422 and "date" in response.json["fields"]


def test_preview_returns_html_without_saving(api):
    client = api("director")
    response = client.post("/api/preview", json={"kind": "curator-order", "input": sample()})
    assert response.status_code == 200
    assert "Чернов" in response.json["html"]
    assert client.get("/api/documents").json == []


def test_field_errors_are_russian_and_flat(api):
    client = api("director")
    bad = sample()
    bad["start_date"] = "31.02.2024"
    bad["duties"] = [{"text": "", "deadline": "до 01.10.2024"}]
    del bad["curator"]
    response = client.post("/api/documents", json={"kind": "curator-order", "input": bad})
    assert response.status_code == 422
    fields = response.json["fields"]
    assert set(fields) >= {"start_date", "curator", "duties.0.text"}
    for messages in fields.values():
        assert all(CYRILLIC.search(m) for m in messages)
    assert client.get("/api/documents").json == []


# --- roles and organisations ----------------------------------------------------------------


def test_methodologist_and_curator_cannot_register(api):
    document_id = create_draft(api("director"))["id"]
    for login in ("methodologist", "curator"):
        response = api(login).post(f"/api/documents/{document_id}/register")
        assert response.status_code == 403
        assert "регистрировать документы" in response.json["error"]


def test_kind_roles_are_enforced(api):
    response = api("methodologist").post(
        "/api/documents", json={"kind": "curator-order", "input": sample()}
    )
    assert response.status_code == 403
    assert "Методист" in response.json["error"]


def test_curator_cannot_reach_the_other_school(api, demo_ids):
    other_doc = create_draft(api("director2"))["id"]
    curator = api("curator")
    person2 = next(iter(demo_ids["people2"].values()))
    assert curator.get(f"/api/documents/{other_doc}").status_code == 403
    assert curator.get(f"/api/documents/{other_doc}/latest.pdf").status_code == 403
    assert (
        curator.post(f"/api/documents/{other_doc}/cancel", json={"reason": "x"}).status_code == 403
    )
    forbidden = [
        f"/api/people?org_id={demo_ids['school2']}",
        f"/api/people/{person2}",
        f"/api/people/{person2}/consents",
        f"/api/documents?org_id={demo_ids['school2']}",
        f"/api/groups?org_id={demo_ids['school2']}",
        f"/api/organisations/{demo_ids['school2']}",
        f"/api/organisations/{demo_ids['school2']}/indicators",
    ]
    for path in forbidden:
        response = curator.get(path)
        assert response.status_code == 403, path
        assert response.json["error"].startswith("Недостаточно прав")
    assert curator.patch(f"/api/people/{person2}", json={"phone": "1"}).status_code == 403
    write = curator.post("/api/people", json={"org_id": demo_ids["school2"], "surname": "Х"})
    assert write.status_code == 403


def test_municipal_reads_both_schools_but_cannot_edit_them(api, demo_ids):
    doc1 = create_draft(api("director"))["id"]
    municipal = api("municipal")
    orgs = {o["id"] for o in municipal.get("/api/organisations").json}
    assert orgs == {demo_ids["department"], demo_ids["school1"], demo_ids["school2"]}
    for school, people in (("school1", "people1"), ("school2", "people2")):
        listed = municipal.get(f"/api/people?org_id={demo_ids[school]}").json
        assert {p["id"] for p in listed} == set(demo_ids[people].values())
    assert municipal.get(f"/api/documents/{doc1}").status_code == 200
    assert municipal.get(f"/api/documents/{doc1}/latest.pdf").status_code == 200
    person = demo_ids["people1"]["Петрова"]
    assert municipal.patch(f"/api/people/{person}", json={"phone": "1"}).status_code == 403
    new_person = {
        "org_id": demo_ids["school1"],
        "surname": "Новикова",
        "name": "Ольга",
        "gender": "f",
        "category": "педагог",
    }
    assert municipal.post("/api/people", json=new_person).status_code == 403
    sign = municipal.post(f"/api/people/{person}/consents/request", json={"kind": "dissemination"})
    assert sign.status_code == 403
    assert municipal.post(f"/api/documents/{doc1}/register").status_code == 403
    district = municipal.get(f"/api/organisations/{demo_ids['department']}/indicators").json
    assert district["org_ids"] == sorted(demo_ids[k] for k in ("department", "school1", "school2"))


def test_school_users_see_only_their_school(api, demo_ids):
    assert [o["id"] for o in api("curator").get("/api/organisations").json] == [demo_ids["school1"]]
    assert len(api("admin").get("/api/organisations").json) == 3


def test_admin_without_organisation_must_name_one(api, demo_ids):
    admin = api("admin")
    response = admin.post("/api/documents", json={"kind": "curator-order", "input": sample()})
    assert response.status_code == 422 and "org_id" in response.json["fields"]
    named = admin.post(
        "/api/documents",
        json={"kind": "curator-order", "input": sample(), "org_id": demo_ids["school2"]},
    )
    assert named.status_code == 201 and named.json["org_id"] == demo_ids["school2"]


# --- registry ---------------------------------------------------------------------------


def test_people_create_patch_duplicate(api, demo_ids):
    curator = api("curator")
    person = {
        "surname": "Новикова",
        "name": "Ольга",
        "patronymic": "Игоревна",
        "gender": "f",
        "category": "педагог",
        "experience_years": 1,
        "is_mentee": True,
    }
    created = curator.post("/api/people", json=person)
    assert created.status_code == 201
    assert created.json["org_id"] == demo_ids["school1"] and created.json["is_mentee"] is True
    person_id = created.json["id"]
    duplicate = curator.post("/api/people", json=person)
    # A body valid by the description that the stored records refuse: a conflict.
    assert duplicate.status_code == 409 and "уже есть" in duplicate.json["fields"]["surname"][0]
    patched = curator.patch(f"/api/people/{person_id}", json={"position": "учитель химии"})
    assert patched.status_code == 200
    assert patched.json["position"] == "учитель химии" and patched.json["surname"] == "Новикова"
    invalid = curator.patch(f"/api/people/{person_id}", json={"gender": "x", "birth_date": "2031"})
    assert invalid.status_code == 422
    assert set(invalid.json["fields"]) == {"gender", "birth_date"}
    assert invalid.json["fields"]["gender"][0].startswith("Пол:")
    mentees = curator.get("/api/people", query_string={"role": "mentee"}).json
    assert person_id in {p["id"] for p in mentees}
    assert curator.get("/api/people/999999").status_code == 404


def test_groups_create_and_close(api, demo_ids):
    curator = api("curator")
    listed = curator.get("/api/groups").json
    assert len(listed) == 5 and all(g["org_id"] == demo_ids["school1"] for g in listed)
    people = demo_ids["people1"]
    pair = {
        "form_code": "teacher_teacher",
        "mentor_id": people["Эмирбеков"],
        "mentee_ids": [people["Иванова"]],
        "start_date": "2026-09-01",
        "end_date": "2027-05-31",
    }
    created = curator.post("/api/groups", json=pair)
    assert created.status_code == 201, created.json
    group_id = created.json["id"]
    assert created.json["mentor"]["surname"] == "Эмирбеков"
    assert [m["surname"] for m in created.json["mentees"]] == ["Иванова"]

    stranger = next(iter(demo_ids["people2"].values()))
    foreign = curator.post("/api/groups", json={**pair, "mentee_ids": [stranger]})
    assert foreign.status_code == 409 and "не из этой организации" in str(foreign.json["fields"])
    early = curator.post(
        f"/api/groups/{group_id}/close", json={"result": "итог", "closed_on": "2020-01-01"}
    )
    assert early.status_code == 409 and "closed_on" in early.json["fields"]
    closed = curator.post(
        f"/api/groups/{group_id}/close",
        json={"result": "программа выполнена", "closed_on": "2026-11-01"},
    )
    assert closed.status_code == 200 and closed.json["status"] == "closed"
    again = curator.post(
        f"/api/groups/{group_id}/close", json={"result": "ещё", "closed_on": "2026-11-02"}
    )
    assert again.status_code == 409
    other_group = api("curator2").get("/api/groups").json[0]["id"]
    assert curator.get(f"/api/groups/{other_group}").status_code == 403


def test_consents_request_sign_withdraw(api, demo_ids):
    curator = api("curator")
    person = demo_ids["people1"]["Петрова"]
    requested = curator.post(
        f"/api/people/{person}/consents/request", json={"kind": "dissemination"}
    )
    assert requested.status_code == 201 and requested.json["status"] == "requested"
    signed = curator.post(
        f"/api/people/{person}/consents/sign",
        json={"kind": "dissemination", "signed_on": "2026-10-01", "signer": "self"},
    )
    assert signed.status_code == 201
    assert signed.json["id"] == requested.json["id"] and signed.json["status"] == "signed"
    withdrawn = curator.post(
        f"/api/people/{person}/consents/withdraw",
        json={"kind": "dissemination", "withdrawn_on": "2026-11-01"},
    )
    assert withdrawn.status_code == 200 and withdrawn.json["withdrawn_on"] == "2026-11-01"
    kinds = {(c["kind"], c["status"]) for c in curator.get(f"/api/people/{person}/consents").json}
    assert ("dissemination", "withdrawn") in kinds and ("processing", "signed") in kinds


def test_a_child_consent_needs_the_representative(api, demo_ids):
    curator = api("curator")
    db_children = curator.get("/api/people", query_string={"category": "обучающийся"}).json
    child = next(p for p in db_children if p["birth_date"] > "2013-01-01")
    response = curator.post(
        f"/api/people/{child['id']}/consents/sign",
        json={"kind": "dissemination", "signed_on": "2026-10-01", "signer": "self"},
    )
    assert response.status_code == 409
    assert "законный представитель" in response.json["fields"]["signer"][0]


def test_indicators_at_a_date(api, demo_ids):
    curator = api("curator")
    path = f"/api/organisations/{demo_ids['school1']}/indicators"
    response = curator.get(path, query_string={"on": "2026-10-01"})
    assert response.status_code == 200
    values = {i["code"]: i for i in response.json["indicators"]}
    assert values["pairs_groups"]["pairs"] + values["pairs_groups"]["groups"] == 5
    before = curator.get(path, query_string={"on": "2026-01-01"}).json["indicators"]
    assert next(i for i in before if i["code"] == "pairs_groups")["text"] == "0/0"
    assert curator.get(path, query_string={"on": "2026-02-30"}).status_code == 422


# --- bad input never gives a 500 -----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2]", 400),
        (b'"text"', 400),
        (b"42", 400),
        (b"null", 400),
        (b"\xff\xfe\xfa", 400),
        (b'{"kind": "curator-order", "input": {"executor_phone": "\\u0000"}}', 422),
        (b'{"kind": "curator-order", "input": {"executor_phone": "\\ud800"}}', 400),
        (b'{"kind": "curator-order", "input": []}', 422),
        (b'{"kind": 5, "input": {}}', 422),
        (b'{"kind": "curator-order", "input": {}, "extra": 1}', 422),
        (b'{"kind": "curator-order", "input": {}, "org_id": 99999999999999999999999}', 422),
        ('{"kind": "curator-order", "input": {}, "org_id": "один"}'.encode(), 422),
        (b'{"kind": "no-such-kind", "input": {}}', 404),
        (b'{"kind": "curator-order", "input": {"curator": {"id": 99999999999999999999}}}', 422),
        (b'{"kind": "curator-order", "input": {"start_date": 1e999}}', 422),
    ],
)
def test_malformed_bodies_are_4xx_json(api, body, status):
    response = api("director").post(
        "/api/documents", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status, response.json
    assert CYRILLIC.search(response.json["error"])


def test_huge_and_unknown_paths_are_404_json(api):
    client = api("director")
    for path in (
        "/api/documents/99999999999999999999999999",
        "/api/documents/0",
        "/api/documents/1/versions/1.exe",
        "/api/nothing-here",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json["error"]
    assert client.client.put("/api/documents").status_code == 405


def test_huge_registry_id_in_a_pair_is_a_field_error(api):
    response = api("curator").post(
        "/api/groups",
        json={
            "form_code": "teacher_teacher",
            "mentor_id": 2**70,
            "mentee_ids": [2**64],
            "start_date": "2026-09-01",
            "end_date": "2027-05-31",
        },
    )
    assert response.status_code == 422
    assert {"mentor_id", "mentee_ids.0"} <= set(response.json["fields"])


def test_huge_registry_id_inside_a_document_form_is_a_field_error(api):
    form = {**sample(), "curator": {"id": 2**64}}
    response = api("director").post("/api/documents", json={"kind": "curator-order", "input": form})
    assert response.status_code == 422
    assert CYRILLIC.search(response.json["error"])


def test_downloads_are_audited(api, api_db_path):
    client = api("director")
    document_id = create_draft(client)["id"]
    client.get(f"/api/documents/{document_id}/latest.pdf")
    db = connect(api_db_path)
    actions = [row["action"] for row in audit.entries(db, object_type="document")]
    assert actions[:2] == ["download", "create"]


def test_ids_out_of_range_are_404_naming_the_record(api, api_app):
    client = api("admin")
    requests = huge_id_requests(api_app, api=True)
    assert len(requests) >= 17
    for method, url, name in requests:
        response = client.client.open(url, method=method, headers=client._headers(None))
        assert response.status_code == 404, (method, url)
        assert response.json == {"error": ids.NOT_FOUND[name]}, (method, url)


# --- what the OpenAPI description says of booleans and nulls --------------------------


def test_a_boolean_is_true_or_false_not_0_or_1(api):
    client = api("director")
    questionnaire = sample("questionnaire")
    for wrong in (0, 1, "да", "true"):
        answer = client.post(
            "/api/preview",
            json={"kind": "questionnaire", "input": {**questionnaire, "with_name": wrong}},
        )
        assert answer.status_code == 422, wrong
        named = {k: v for k, v in answer.json["fields"].items() if k.endswith("with_name")}
        assert list(named.values()) == [["Ожидается «да» или «нет»."]], answer.json
    fine = {**questionnaire, "with_name": True}
    assert (
        client.post("/api/preview", json={"kind": "questionnaire", "input": fine}).status_code
        == 200
    )


def test_an_optional_registry_text_may_be_null_as_its_description_says(api, demo_ids):
    client = api("director")
    person = client.get("/api/openapi.json").json["components"]["schemas"]
    fields = next(s for name, s in person.items() if "time_available" in s.get("properties", {}))
    assert fields["properties"]["time_available"]["type"] == ["string", "null"]
    assert "null" not in fields["properties"]["surname"]["type"]
    made = client.post(
        "/api/people",
        json={
            "org_id": demo_ids["school1"],
            "surname": "Нулева",
            "name": "Ольга",
            "gender": "f",
            "category": "педагог",
            "time_available": None,
        },
    )
    assert made.status_code == 201, made.json
    assert made.json["time_available"] == ""
    # A stored person (its booleans kept as 0/1 by SQLite) is still changed field by field.
    changed = client.patch(f"/api/people/{made.json['id']}", json={"phone": "8 800"})
    assert changed.status_code == 200, changed.json
    assert changed.json["is_mentor"] is False
