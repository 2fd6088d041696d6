"""The OpenAPI description: valid, complete, and a property-based run against it finds no 500."""

from __future__ import annotations

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from docgen import create_app
from docgen.forms import year_range
from docgen.kinds import catalog
from docgen.web.api import openapi

pytest_plugins = ["apifixtures"]


@pytest.fixture
def description(api) -> dict:
    response = api(None).get("/api/openapi.json")
    assert response.status_code == 200
    return response.json


def test_description_validates(description):
    validate(description)
    assert description["openapi"] == "3.1.0"


def test_description_covers_every_api_route(api_app, description):
    documented = {
        (path, method.upper()) for path, item in description["paths"].items() for method in item
    }
    for rule in api_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api."):
            continue
        path, _ = openapi._path(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method) in documented


def test_kinds_inputs_and_security_are_components(description):
    components = description["components"]
    assert components["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Токен из POST /api/token",
    }
    for kind in catalog.KINDS:
        assert openapi.kind_component(kind) in components["schemas"]
    create = components["schemas"]["DocumentCreateRequest"]
    assert create["required"] == ["input", "kind"] or set(create["required"]) == {"input", "kind"}
    refs = {ref["$ref"].rsplit("/", 1)[1] for ref in create["properties"]["input"]["anyOf"]}
    assert refs == {openapi.kind_component(kind) for kind in catalog.KINDS}
    curator = components["schemas"]["input.curator-order"]["properties"]["start_date"]
    assert curator["title"] == "Куратор с"
    token = description["paths"]["/api/token"]["post"]
    assert token["security"] == []
    assert description["security"] == [{"bearer": []}]


def test_an_undeclared_method_is_405_with_allow_in_the_json_shape(api):
    response = api("director").client.put("/api/people")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}
    assert response.json == {"error": "Метод не поддерживается."}


def test_a_created_record_is_found_where_location_points(api):
    director = api("director")
    created = director.post(
        "/api/people",
        json={"surname": "Новикова", "name": "Ольга", "category": "педагог", "gender": "f"},
    )
    assert created.status_code == 201
    assert created.headers["Location"] == f"/api/people/{created.json['id']}"
    assert director.get(created.headers["Location"]).json["surname"] == "Новикова"


def test_required_text_and_dates_are_stated(description):
    schemas = description["components"]["schemas"]
    reason = schemas["CancelRequest"]["properties"]["reason"]
    assert reason["minLength"] == 1 and re.fullmatch(reason["pattern"], "  ") is None
    assert re.fullmatch(reason["pattern"], " Ошибка в дате ")
    withdrawn = schemas["ConsentWithdrawRequest"]["properties"]["withdrawn_on"]
    for date in ("2024-09-01", "01.09.2024"):
        assert re.fullmatch(withdrawn["pattern"], date)
    for date in ("0039-11-18", "31.02.2024", "2024-9-1"):
        assert re.fullmatch(withdrawn["pattern"], date) is None
    body = description["paths"]["/api/documents/{document_id}/versions"]["post"]["requestBody"]
    assert body["required"] is True


def test_the_earliest_year_of_a_date_is_stated(description):
    withdrawn = description["components"]["schemas"]["ConsentWithdrawRequest"]
    pattern = withdrawn["properties"]["withdrawn_on"]["pattern"]
    assert re.fullmatch(pattern, "01.01.1920") and re.fullmatch(pattern, "1920-01-01")
    for date in ("31.12.1919", "1919-12-31", "01.01.1900"):
        assert re.fullmatch(pattern, date) is None


def test_a_year_range_matches_exactly_its_years():
    for first, last in ((1920, 2025), (1900, 1999), (1995, 2003), (2020, 2020), (1920, 2100)):
        rule = re.compile(year_range(first, last))
        assert [y for y in range(1000, 3000) if rule.fullmatch(str(y))] == list(
            range(first, last + 1)
        ), (first, last)


def test_a_person_s_name_rule_is_stated_as_the_registry_applies_it(description, api):
    person = description["components"]["schemas"]["PersonCreateRequest"]["properties"]
    surname, patronymic = person["surname"]["pattern"], person["patronymic"]["pattern"]
    for typed in ("Салтыков-Щедрин", "д'Артаньян", " Анна  Мария ", "Müller", "Ἀλέξανδρος"):
        assert re.fullmatch(surname, typed), typed
    for typed in ("0", "Иван -ов", "Иванов²", "  ", "Иванов.", "𝐀"):
        assert re.fullmatch(surname, typed) is None, typed
    assert re.fullmatch(patronymic, "") and re.fullmatch(patronymic, "  ")
    director = api("director")
    body = {"surname": " Анна  Мария ", "name": "Ольга", "category": "педагог", "gender": "f"}
    created = director.post("/api/people", json=body)
    assert created.status_code == 201 and created.json["surname"] == "Анна Мария"
    # The length is that of the text as sent, as maxLength says.
    padded = director.post("/api/people", json={**body, "name": "Ольга" + " " * 100})
    assert padded.status_code == 422 and padded.json["fields"]["name"] == [
        "Имя: не длиннее 100 символов"
    ]
    refused = director.post("/api/people", json={**body, "surname": "0"})
    assert refused.status_code == 422 and "только буквы" in str(refused.json["fields"])


def test_rules_across_fields_are_stated_as_json_schema(description):
    schemas = description["components"]["schemas"]
    person = Draft202012Validator(schemas["PersonCreateRequest"])
    pupil = {"surname": "Иванов", "name": "Пётр", "gender": "m", "category": "обучающийся"}
    assert not person.is_valid(pupil)
    assert person.is_valid({**pupil, "birth_date": "01.09.2012"})
    partner = {**pupil, "category": "представитель организации-партнёра"}
    assert not person.is_valid(partner) and not person.is_valid({**partner, "partner_org": " "})
    assert person.is_valid({**partner, "partner_org": "ООО «Ромашка»"})
    sign = Draft202012Validator(schemas["ConsentSignRequest"])
    by_parent = {"kind": "processing", "signed_on": "01.09.2024", "signer": "representative"}
    assert not sign.is_valid(by_parent)
    assert sign.is_valid(
        {**by_parent, "representative_name": "Иванова О.П.", "representative_doc": "паспорт"}
    )
    assert sign.is_valid({**by_parent, "signer": "self"})
    mentees = schemas["GroupCreateRequest"]["properties"]["mentee_ids"]
    assert mentees["minItems"] == 1 and mentees["uniqueItems"] is True
    bulk = Draft202012Validator(schemas["BulkRequest"])
    assert not bulk.is_valid({"action": "personal-programmes"})
    assert not bulk.is_valid({"action": "personal-programmes", "curator_id": None})
    assert bulk.is_valid({"action": "personal-programmes", "curator_id": 3})
    assert bulk.is_valid({"action": "consents"})


def test_rules_against_stored_records_are_declared_as_409(description):
    paths = description["paths"]
    close = paths["/api/groups/{group_id}/close"]["post"]["responses"]["409"]
    assert "не раньше даты начала её работы" in close["description"]
    assert close["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    for path, method in (
        ("/api/people", "post"),
        ("/api/people/{person_id}", "patch"),
        ("/api/groups", "post"),
        ("/api/people/{person_id}/consents/sign", "post"),
        ("/api/people/{person_id}/consents/withdraw", "post"),
        ("/api/bulk", "post"),
    ):
        assert "противоречит записям" in paths[path][method]["responses"]["409"]["description"]
    preview = paths["/api/preview"]["post"]["responses"]["422"]["description"]
    assert "один председатель" in preview
    assert "окончания не раньше" in paths["/api/groups"]["post"]["responses"]["422"]["description"]


def test_a_body_valid_alone_that_the_stored_person_refuses_is_a_conflict(api, demo_ids):
    curator = api("curator")
    created = curator.post(
        "/api/people",
        json={"surname": "Лисина", "name": "Ольга", "category": "педагог", "gender": "f"},
    )
    person_id = created.json["id"]
    # Valid as a change, but the stored person has no birth date, which a pupil needs.
    pupil = curator.patch(f"/api/people/{person_id}", json={"category": "обучающийся"})
    assert pupil.status_code == 409
    assert "обязательное поле для обучающегося" in pupil.json["fields"]["birth_date"][0]
    both = {"category": "обучающийся", "birth_date": "01.09.2012"}
    assert curator.patch(f"/api/people/{person_id}", json=both).status_code == 200
    # A change invalid by itself stays a 422.
    wrong = curator.patch(f"/api/people/{person_id}", json={"gender": "x"})
    assert wrong.status_code == 422 and "gender" in wrong.json["fields"]


def test_docs_page_lists_operations(api):
    response = api(None).get("/api/docs")
    assert response.status_code == 200
    assert "/api/documents/{document_id}/register" in response.text
    assert "Зарегистрировать" in response.text


# The description depends only on the routes, so it is built at import for parametrisation;
# every generated request then goes to the test's own app with the seeded database.
_description_app = create_app(
    {"TESTING": True, "DATABASE": "unused-by-the-description", "SECRET_KEY": "test"}
)
schema = schemathesis.openapi.from_dict(openapi.build(_description_app))
# The coverage phase sends thousands of boundary cases per operation (minutes for the suite);
# the fuzzing phase, positive and negative, stays bounded by max_examples.
schema.config.phases.coverage.enabled = False


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_property_based_run_finds_no_server_error(case, api, api_app):
    """Generated requests as the school's director: any status but 5xx, answers as described."""
    token = api("director").token
    case.call_and_validate(
        app=api_app,
        headers={"Authorization": f"Bearer {token}"},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def _leaves(value, path=()):
    """Paths of the scalar values of a sample input."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        yield path


def _replace(value, path, new):
    if not path:
        return new
    copy = dict(value) if isinstance(value, dict) else list(value)
    copy[path[0]] = _replace(value[path[0]], path[1:], new)
    return copy


_ODD_VALUES = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=300),
    st.sampled_from(["{{ 7*7 }}", "{% for x in y %}", "<w:p>&amp;", "\"'&<>", "", " ", "ё" * 5000]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


@pytest.mark.parametrize("kind", catalog.KINDS, ids=lambda kind: kind.slug)
@settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_odd_values_in_any_field_of_a_kind_never_give_500(api, kind, data):
    """Each kind's sample with one value replaced by something odd: a document or a 4xx."""
    form = kind.sample()
    path = data.draw(st.sampled_from(list(_leaves(form))))
    form = _replace(form, path, data.draw(_ODD_VALUES))
    response = api("director").post("/api/preview", json={"kind": kind.slug, "input": form})
    assert response.status_code in (200, 400, 403, 404, 409, 422), (path, response.json)
    if response.status_code != 200:
        assert response.json["error"]
