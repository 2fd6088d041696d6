"""Integer fields take integers, as the API's description says: a JSON body gives 12 (or 12.0),
never "12", true or 1.5; a page's box and a query string are text, so their digits are read as
the integer they name."""

from __future__ import annotations

import pytest
from webfixtures import login

from docgen.kinds import catalog

pytest_plugins = ["apifixtures", "webfixtures"]

PERSON = {
    "surname": "Новикова",
    "name": "Ольга",
    "patronymic": "Игоревна",
    "gender": "f",
    "category": "педагог",
    "is_mentee": True,
}


# The person form as a page sends it.
PAGE_FORM = {
    "surname": "Новикова",
    "name": "Ольга",
    "patronymic": "Игоревна",
    "gender": "f",
    "category": "педагог",
    "is_mentee": "y",
}


def sample(slug: str) -> dict:
    return catalog.get(slug).sample()


@pytest.mark.parametrize("wrong", ["2026", " 2026", True, 2026.5, "две тысячи", [2026]])
def test_a_document_integer_given_as_text_or_a_fraction_is_a_field_error(api, wrong):
    client = api("director")
    report = {**sample("monitoring-report"), "year": wrong}
    for path in ("/api/preview", "/api/documents"):
        answer = client.post(path, json={"kind": "monitoring-report", "input": report})
        assert answer.status_code == 422, (path, wrong, answer.json)
        assert answer.json["fields"]["year"] == ["Ожидается целое число."]
    assert client.get("/api/documents").json == []


@pytest.mark.parametrize("year", [2026, 2026.0])
def test_a_document_integer_as_a_json_number_is_taken(api, year):
    client = api("director")
    report = {**sample("monitoring-report"), "year": year}
    created = client.post("/api/documents", json={"kind": "monitoring-report", "input": report})
    assert created.status_code == 201, created.json
    stored = client.get(f"/api/documents/{created.json['id']}").json
    assert stored["versions"][-1]["input"]["year"] == 2026


def test_a_registry_integer_given_as_text_is_refused_and_nothing_is_stored(api):
    curator = api("curator")
    before = curator.get("/api/people").json
    answer = curator.post("/api/people", json={**PERSON, "experience_years": "5"})
    assert answer.status_code == 422
    assert answer.json["fields"] == {
        "experience_years": ["Педагогический стаж: ожидается целое число"]
    }
    assert curator.get("/api/people").json == before
    created = curator.post("/api/people", json={**PERSON, "experience_years": 5})
    assert created.status_code == 201 and created.json["experience_years"] == 5


def test_a_query_string_integer_is_read_from_its_digits(api, demo_ids):
    director = api("director")
    school = demo_ids["school1"]
    listed = director.get("/api/people", query_string={"org_id": str(school)})
    assert listed.status_code == 200 and listed.json
    assert {person["org_id"] for person in listed.json} == {school}
    wrong = director.get("/api/people", query_string={"org_id": "1.5"})
    assert wrong.status_code == 422 and wrong.json["fields"]["org_id"] == ["Ожидается целое число."]


def test_a_page_reads_typed_digits_as_the_integer_and_names_a_fraction(client):
    login(client, "curator")
    form = PAGE_FORM
    refused = client.post("/registry/people/new", data={**form, "experience_years": "2,5"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "ожидается целое число" in page and 'value="2,5"' in page
    assert 'inputmode="numeric" id="f-experience_years"' in page
    saved = client.post("/registry/people/new", data={**form, "experience_years": " 12 "})
    assert saved.status_code == 302
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Новикова" in shown and "12" in shown


@pytest.mark.parametrize("name", ["email", "experience_years", "birth_date"])
def test_an_empty_string_in_an_api_body_is_no_value_the_description_allows(api, name):
    curator = api("curator")
    before = curator.get("/api/people").json
    answer = curator.post("/api/people", json={**PERSON, name: ""})
    assert answer.status_code == 422 and list(answer.json["fields"]) == [name], answer.json
    assert curator.get("/api/people").json == before
    created = curator.post("/api/people", json={**PERSON, name: None})
    assert created.status_code == 201 and created.json[name] is None


def test_a_page_still_clears_an_optional_field_with_an_empty_box(client):
    login(client, "curator")
    form = {**PAGE_FORM, "email": "olga@school.ru", "experience_years": "3"}
    person_url = client.post("/registry/people/new", data=form).headers["Location"]
    edited = client.post(f"{person_url}/edit", data={**form, "email": "", "experience_years": ""})
    assert edited.status_code == 302
    shown = client.get(person_url).get_data(as_text=True)
    assert "olga@school.ru" not in shown and "Новикова" in shown


def test_the_edit_form_ticks_only_the_bases_the_person_is_in(client):
    login(client, "curator")
    form = {
        "surname": "Прохоров",
        "name": "Олег",
        "gender": "m",
        "category": "педагог",
        "is_mentor": "1",
    }
    person_url = client.post("/registry/people/new", data=form).headers["Location"]
    page = client.get(f"{person_url}/edit").get_data(as_text=True)
    assert 'name="is_mentor" value="1" checked' in page
    assert 'name="is_mentee" value="1" checked' not in page
    edited = client.post(f"{person_url}/edit", data={**form, "email": ""})
    assert edited.status_code == 302
    page = client.get(f"{person_url}/edit").get_data(as_text=True)
    assert 'name="is_mentee" value="1" checked' not in page
