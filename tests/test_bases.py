"""Pairs and consents: no pair or pairs order without consents; withdrawal keeps people out."""

from __future__ import annotations

import datetime as dt

import pytest
from registry_factory import consent, department, person, school

from docgen.errors import Conflict, FieldErrors
from docgen.registry import bases, consents, groups
from docgen.registry import people as registry_people


@pytest.fixture
def org(db) -> int:
    return school(db, department(db))


@pytest.fixture
def people(db, org) -> dict[str, int]:
    return {
        "mentor": person(db, org, "Чернова", "Наталья", "Викторовна", birth_date="1980-05-02"),
        "child": person(
            db,
            org,
            "Иванов",
            "Иван",
            "Иванович",
            category="обучающийся",
            birth_date="2013-04-01",
            position="5 «А» класс",
        ),
        "teen": person(
            db,
            org,
            "Смирнова",
            "Ольга",
            "Игоревна",
            category="обучающийся",
            birth_date="2009-04-01",
            position="9 «А» класс",
        ),
    }


def _form(db, org, people, mentees, on="2024-09-10"):
    return bases.form_pair(
        db,
        org,
        form_code="teacher_student",
        mentor_id=people["mentor"],
        mentee_ids=[people[m] for m in mentees],
        start_date="2024-09-10",
        end_date="2025-05-31",
        on=on,
    )


def test_a_pair_is_refused_while_a_consent_is_missing_and_the_message_says_who(db, org, people):
    consent(db, people["mentor"], "2024-09-01")
    with pytest.raises(FieldErrors) as err:
        _form(db, org, people, ["child"])
    assert err.value.message == (
        "Нет согласия на обработку персональных данных: Иванов И.И. (наставляемый) — "
        "подписывает законный представитель"
    )
    assert err.value.fields == {
        "mentee_ids": [
            "Иванов И.И. (наставляемый): нет согласия на обработку персональных данных — "
            "подписывает законный представитель"
        ]
    }
    assert groups.list_groups(db, org) == []
    consent(db, people["child"], "2024-09-05", signer="representative")
    group_id = _form(db, org, people, ["child"])
    assert groups.get_group(db, group_id)["mentees"][0]["surname"] == "Иванов"


def test_a_consent_signed_after_the_day_does_not_count(db, org, people):
    consent(db, people["mentor"], "2024-09-01")
    consent(db, people["teen"], "2024-09-20", signer="both")
    with pytest.raises(FieldErrors) as err:
        _form(db, org, people, ["teen"], on="2024-09-10")
    assert (
        "Смирнова О.И. (наставляемый) — подписывают сам обучающийся и законный представитель"
        in (err.value.message)
    )
    assert _form(db, org, people, ["teen"], on="2024-09-20")


def test_pairs_order_check_names_everyone_and_passes_once_signed(db, org, people):
    consent(db, people["child"], "2024-09-01", signer="representative")
    consent(db, people["mentor"], "2024-09-01")
    consent(db, people["teen"], "2024-09-01", signer="both")
    _form(db, org, people, ["child", "teen"])
    consents.withdraw_consent(
        db, person_id=people["mentor"], kind="processing", withdrawn_on="2024-10-01"
    )
    bases.check_pairs_consents(db, org, dt.date(2024, 9, 15))
    with pytest.raises(Conflict) as err:
        bases.check_pairs_consents(db, org, dt.date(2024, 10, 2))
    assert err.value.message == (
        "Приказ нельзя зарегистрировать. Согласие на обработку персональных данных отозвано: "
        "Чернова Н.В. (наставник) — с 01.10.2024"
    )
    consent(db, people["mentor"], "2024-10-02")
    bases.check_pairs_consents(db, org, dt.date(2024, 10, 2))


def test_withdrawn_consent_makes_a_person_unusable_from_that_day(db, org, people):
    assert bases.usable(db, people["mentor"], dt.date(2024, 9, 1)) == (True, "")
    consent(db, people["mentor"], "2024-09-01")
    assert bases.consent_state(db, people["mentor"], "2024-09-02") == "signed"
    consents.withdraw_consent(
        db, person_id=people["mentor"], kind="processing", withdrawn_on="2024-10-01"
    )
    assert bases.usable(db, people["mentor"], dt.date(2024, 9, 30))[0]
    ok, reason = bases.usable(db, people["mentor"], dt.date(2024, 10, 1))
    assert not ok
    assert reason.startswith(
        "Чернова Н.В. отозвала согласие на обработку персональных данных 01.10.2024"
    )
    assert bases.consent_state(db, people["mentor"], "2024-10-02") == "withdrawn"


def test_missing_documents_of_a_participant(db, org, people):
    registry_people.update_person(db, people["child"], {"is_mentee": True})
    assert bases.missing_documents(db, people["child"], "2024-09-01") == [
        {
            "code": "consent-processing",
            "title": "согласие на обработку персональных данных",
            "detail": "нет согласия на обработку персональных данных — подписывает законный "
            "представитель",
        }
    ]
    consent(db, people["child"], "2024-09-01", signer="representative")
    consent(db, people["mentor"], "2024-09-01")
    _form(db, org, people, ["child"])
    missing = bases.missing_documents(db, people["child"], "2024-09-11")
    assert [m["code"] for m in missing] == ["pairs-order"]
    assert "пара (группа) с Черновой\u00a0Н.В." in missing[0]["detail"]  # «с» + instrumental
    # Staff who are in no base and no pair need nothing.
    staff = person(db, org, "Кузнецов", "Олег", "Олегович")
    assert bases.missing_documents(db, staff, "2024-09-11") == []
