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


def _namesakes_by_scan(db, org_ids):
    """The namesakes look-up as it was before it became a query: every person read, compared
    in Python — kept here as the reference the query must agree with."""
    ids = sorted(set(org_ids))
    marks = ", ".join("?" for _ in ids)
    by_name: dict = {}
    for found in db.query(f"SELECT * FROM people WHERE org_id IN ({marks})", ids):
        key = tuple(
            registry_people.name_key(found.get(k)) for k in ("surname", "name", "patronymic")
        )
        by_name.setdefault(key, []).append(found)

    def find(block):
        key = tuple(
            registry_people.name_key(block.get(k)) for k in ("surname", "name", "patronymic")
        )
        if not key[0] or not key[1]:
            return []
        birth = block.get("birth_date")
        return [
            p
            for p in by_name.get(key, [])
            if not (birth and p["birth_date"] and p["birth_date"] != birth)
        ]

    return find


def test_namesakes_of_a_school_of_thousands_are_those_of_a_full_scan(db, org):
    other = school(db, department(db))  # not among the organisations asked about
    surnames = ["Иванова", "ИВАНОВА", "иванова", "Семёнов", "Семенов", "СЕМЁНОВ", " Петров  ",
                "Петров", "Кузнецова", "Smith", "SMITH", "Лебедев-Кумач", "лебедев-кумач",
                "Лебедев Кумач", "Лебедев  Кумач", "Лебедев\tКумач", "Лебедев\u00a0Кумач", "ÉLODIE", "élodie",
                "Їжак", "їжак", "O'Brien", "o'brien", "Straße", "STRASSE"]  # fmt: skip
    names = ["Анна", "АННА", "Пётр", "Петр", "Ольга"]
    patronymics = ["", "Ивановна", "ИВАНОВНА", "Алексеевич"]
    births = [None, "", "2010-01-01", "2011-02-03", "1980-05-02"]
    rows, seen = [], set()
    for i in range(5000):
        row = {
            "org_id": other if i % 10 == 0 else org,
            "surname": surnames[i % len(surnames)] if i % 3 else f"Фамилия{i}",
            "name": names[(i // 13) % len(names)],
            "patronymic": patronymics[(i // 7) % len(patronymics)],
            "birth_date": births[(i // 11) % len(births)],
        }
        identity = (row["org_id"], row["surname"], row["name"], row["patronymic"], row["birth_date"] or "")  # fmt: skip
        if identity in seen:
            continue
        seen.add(identity)
        rows.append(
            {
                **row,
                "gender": "f",
                "category": "педагог",
                "is_mentor": 0,
                "is_mentee": 0,
                "created_at": "2024-01-01T00:00:00+00:00",
            }  # fmt: skip
        )
    db["people"].insert_all(rows)
    assert db["people"].count > 2500

    blocks = [
        {"surname": s, "name": n, "patronymic": p, "birth_date": b}
        for s in [*surnames, "Сидоров", "", "Фамилия3", "фамилия6"]
        for n in names
        for p in [*patronymics, None]
        for b in [None, "2010-01-01", "1980-05-02", "1999-12-31"]
    ]
    old = _namesakes_by_scan(db, [org])
    new = bases.namesakes(db, [org])
    found = 0
    for block in blocks:
        expected = sorted(p["id"] for p in old(block))
        assert [p["id"] for p in new(block)] == expected, block
        found += bool(expected)
    assert found > 200  # most blocks name someone, and a few several people
    assert len(new({"surname": "иванова", "name": "анна", "patronymic": "ивановна"})) > 1
    assert new({"surname": "Иванова", "name": "Анна", "patronymic": "", "birth_date": None})[0][
        "surname"
    ] in ("Иванова", "ИВАНОВА", "иванова")
