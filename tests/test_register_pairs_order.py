"""A pairs order is refused registration while a participant lacks consent, accepted once signed."""

from __future__ import annotations

import datetime as dt

import pytest
from pdftext import pdf_text

from docgen import demo
from docgen.accounts import users
from docgen.documents import service as documents
from docgen.errors import Conflict
from docgen.kinds import catalog
from docgen.registry import bases, consents, people
from docgen.registry import groups as registry_groups
from docgen.rendering import html as preview


@pytest.fixture
def school(db):
    demo.seed(db)
    curator = next(u for u in users.list_users(db) if u["login"] == "curator")
    director = next(u for u in users.list_users(db) if u["login"] == "director")
    return db, curator["org_id"], curator, director


def _person(db, org_id, surname):
    return next(p for p in people.list_people(db, org_id) if p["surname"] == surname)


def _pairs_order_from_registry(db, org_id, curator):
    payload = catalog.get("pairs-order").sample()
    payload.pop("organisation", None)
    payload.pop("pairs", None)
    return documents.create(db, curator, "pairs-order", payload, org_id)


def test_registration_waits_for_the_legal_representatives_consent(school, today):
    db, org_id, curator, director = school
    child = _person(db, org_id, "Морозова")  # 10 years old, no consent signed in the demo
    mentor = _person(db, org_id, "Кузнецова")
    registry_groups.create_group(
        db,
        org_id,
        form_code="student_student",
        mentor_id=mentor["id"],
        mentee_ids=[child["id"]],
        start_date=today,
        end_date=today + dt.timedelta(days=200),
    )
    order = _pairs_order_from_registry(db, org_id, curator)
    with pytest.raises(Conflict) as refused:
        documents.register(db, director, order["id"], today)
    assert "Морозова А.И." in refused.value.message
    assert "законный представитель" in refused.value.message
    assert documents.archive.get_document(db, order["id"])["status"] == "draft"

    consents.sign_consent(
        db,
        child["id"],
        "processing",
        today,
        "representative",
        representative_name="Морозов Игорь Васильевич",
        representative_doc="свидетельство о рождении",
    )
    result = documents.register(db, director, order["id"], today)
    content, _, _ = documents.download(db, director, order["id"], None, "pdf")
    text = preview.normalize_text(pdf_text(content))
    assert result["number"] in text
    assert "Морозова Алина Игоревна" in text
    # the pairs remember the order that fixed them: nobody lacks it any more
    groups = registry_groups.list_groups(db, org_id, status="active")
    assert groups and all(g["order_document_id"] == order["id"] for g in groups)
    codes = [item["code"] for item in bases.missing_documents(db, mentor["id"], today)]
    assert "pairs-order" not in codes


def test_withdrawn_consent_keeps_the_person_out_of_new_documents(school, today):
    db, org_id, curator, _ = school
    person = _person(db, org_id, "Петрова")
    consents.withdraw_consent(db, person_id=person["id"], kind="processing", withdrawn_on=today)
    payload = catalog.get("curator-order").sample()
    payload.pop("organisation", None)
    payload["curator"] = {"id": person["id"]}
    director = next(u for u in users.list_users(db) if u["login"] == "director")
    with pytest.raises(documents.FieldErrors, match="отозвала согласие"):
        documents.create(db, director, "curator-order", payload, org_id)
