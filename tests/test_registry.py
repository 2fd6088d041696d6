"""Registry rules: organisations, people, pairs/groups, consents, targets."""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.db import connect, migrate
from docgen.errors import Conflict, FieldErrors
from docgen.registry import consents, groups, organisations
from docgen.registry import people as registry_people


def _dump(db) -> list[str]:
    return list(db.conn.iterdump())


def _department(db, name="Отдел образования Администрации Обливского района") -> int:
    return organisations.create_organisation(
        db,
        {
            "kind": "department",
            "full_name": name,
            "locality": "ст. Обливская",
            "head_position": "Начальник отдела образования",
            "head_surname": "Петрова",
            "head_name": "Анна",
            "head_patronymic": "Сергеевна",
            "head_gender": "f",
        },
    )


def _school(db, parent_id, name="Муниципальное бюджетное общеобразовательное учреждение «СОШ № 1»"):
    return organisations.create_organisation(
        db,
        {
            "kind": "school",
            "parent_id": parent_id,
            "full_name": name,
            "short_name": "МБОУ «СОШ № 1»",
            "locality": "с. Унцукуль",
            "inn": "6124004711",
            "head_position": "Директор",
            "head_surname": "Чернова",
            "head_name": "Наталья",
            "head_patronymic": "Викторовна",
            "head_gender": "f",
        },
    )


def _person(db, org_id, surname, category="педагог", **extra) -> int:
    data = {
        "surname": surname,
        "name": extra.pop("name", "Иван"),
        "patronymic": extra.pop("patronymic", "Петрович"),
        "gender": extra.pop("gender", "m"),
        "category": category,
        **extra,
    }
    if category == "обучающийся":
        data.setdefault("birth_date", "2011-03-15")
        data.setdefault("position", "8 «А» класс")
    return registry_people.add_person(db, org_id, data)


@pytest.fixture
def school(db) -> int:
    return _school(db, _department(db))


def test_migrate_is_idempotent_and_seeds_forms(db_path):
    db = connect(db_path)
    assert migrate(db) == [
        "m001_initial",
        "m002_mentoring_forms",
        "m003_bulk_jobs",
        "m004_sessions",
        "m005_surveys",
        "m006_jobs",
        "m007_annexes_registered",
        "m008_variant_files",
        "m009_people_lookup",
        "m010_pdf_after_registration",
        "m011_imports",
        "m012_people_name_index",
    ]
    assert migrate(connect(db_path)) == []
    titles = [form["title"] for form in groups.list_forms(db)]
    assert "учитель – ученик" in titles and "педагог вуза/колледжа – молодой педагог" in titles
    assert len(titles) == 9


def test_organisations_and_schools_of_a_department(db):
    dept = _department(db)
    other = _department(db, "Управление образования г. Белая Калитва")
    first = _school(db, dept)
    second = _school(db, dept, "МБОУ «Гимназия № 2»")
    _school(db, other, "МБОУ «СОШ № 7»")
    assert [s["id"] for s in organisations.list_schools(db, dept)] == sorted(
        [first, second], key=lambda i: organisations.get_organisation(db, i)["full_name"]
    )
    org = organisations.get_organisation(db, first)
    assert org["locality"] == "с. Унцукуль" and org["head_acting"] == 0


def test_organisation_validation_writes_nothing(db):
    dept = _department(db)
    before = _dump(db)
    with pytest.raises(FieldErrors) as err:
        organisations.create_organisation(
            db, {"kind": "лицей", "full_name": "", "inn": "12ab", "email": "нет"}
        )
    assert err.value.fields["kind"] == ["Вид организации: допустимые значения — school, department"]
    assert err.value.fields["full_name"] == ["Полное наименование: обязательное поле"]
    assert err.value.fields["inn"] == ["ИНН: ИНН состоит из 10 или 12 цифр"]
    assert "email" in err.value.fields
    with pytest.raises(FieldErrors) as err:
        organisations.create_organisation(
            db, {"kind": "department", "full_name": "X", "parent_id": dept}
        )
    assert "только для школы" in err.value.message
    assert _dump(db) == before


def test_bad_person_is_rejected_with_russian_messages_and_nothing_written(db, school):
    before = _dump(db)
    with pytest.raises(FieldErrors) as err:
        registry_people.add_person(
            db,
            school,
            {
                "surname": "  ",
                "name": "Иван1",
                "gender": "м",
                "birth_date": "2010-02-30",
                "category": "ученик",
            },
        )
    fields = err.value.fields
    assert fields["surname"] == ["Фамилия: обязательное поле"]
    assert fields["name"] == ["Имя: допустимы только буквы, дефис, апостроф и пробел"]
    assert fields["gender"] == ["Пол: допустимые значения — m, f"]
    assert fields["birth_date"] == ["Дата рождения: такой даты нет"]
    assert fields["category"][0].startswith("Категория: допустимые значения — обучающийся, педагог")
    assert "Фамилия: обязательное поле" in err.value.message
    assert _dump(db) == before


def test_person_rules_depend_on_category(db, school):
    with pytest.raises(FieldErrors) as err:
        registry_people.add_person(
            db,
            school,
            {"surname": "Смирнов", "name": "Олег", "gender": "m", "category": "обучающийся"},
        )
    assert err.value.fields["birth_date"][0].startswith(
        "Дата рождения: обязательное поле для обучающегося"
    )
    with pytest.raises(FieldErrors) as err:
        registry_people.add_person(
            db,
            school,
            {
                "surname": "Ким",
                "name": "Олег",
                "gender": "m",
                "category": "представитель организации-партнёра",
            },
        )
    assert err.value.fields["partner_org"] == [
        "Организация-партнёр: обязательное поле для представителя организации-партнёра"
    ]


def test_person_round_trip_and_dd_mm_yyyy_dates(db, school):
    pid = registry_people.add_person(
        db,
        school,
        {
            "surname": " Салтыков-Щедрина ",
            "name": "Алёна",
            "gender": "f",
            "birth_date": "05.06.2010",
            "category": "обучающийся",
            "position": "8 «А» класс",
            "is_mentee": True,
            "request": "Подготовка к олимпиаде",
        },
    )
    person = registry_people.get_person(db, pid)
    assert person["surname"] == "Салтыков-Щедрина"
    assert person["patronymic"] == ""
    assert person["birth_date"] == "2010-06-05"
    assert person["is_mentee"] == 1 and person["is_mentor"] == 0
    assert registry_people.list_people(db, school, role="mentee")[0]["id"] == pid
    assert registry_people.list_people(db, school, category="педагог") == []


def test_same_person_twice_is_refused_ignoring_case_and_yo(db, school):
    _person(db, school, "Семёнов", birth_date="1980-01-01")
    before = _dump(db)
    with pytest.raises(FieldErrors) as err:
        registry_people.add_person(
            db,
            school,
            {
                "surname": "СЕМЕНОВ",
                "name": "иван",
                "patronymic": "Петрович",
                "gender": "m",
                "birth_date": "1980-01-01",
                "category": "педагог",
            },
        )
    assert "уже есть в реестре" in err.value.message
    assert _dump(db) == before
    found = registry_people.find_person(
        db, school, "семенов", "Иван", "петрович", dt.date(1980, 1, 1)
    )
    assert found["surname"] == "Семёнов"
    # Without birth dates the database index still catches exact duplicates.
    _person(db, school, "Орлов")
    with pytest.raises(FieldErrors):
        _person(db, school, "Орлов")


def test_update_person_keeps_other_fields_and_validates(db, school):
    pid = _person(db, school, "Иванова", name="Мария", gender="f", experience_years=2)
    registry_people.update_person(db, pid, {"position": "учитель математики", "is_mentee": True})
    person = registry_people.get_person(db, pid)
    assert person["position"] == "учитель математики"
    assert person["experience_years"] == 2 and person["is_mentee"] == 1
    before = _dump(db)
    with pytest.raises(FieldErrors) as err:
        registry_people.update_person(db, pid, {"experience_years": 99, "email": "mail@"})
    assert err.value.fields["experience_years"] == ["Педагогический стаж: от 0 до 70 лет"]
    assert _dump(db) == before


@pytest.fixture
def people(db, school):
    return {
        "teacher": _person(
            db, school, "Чернова", name="Наталья", patronymic="Викторовна", gender="f"
        ),
        "young": _person(db, school, "Лисин", name="Павел", experience_years=1),
        "pupil1": _person(db, school, "Абрамов", category="обучающийся"),
        "pupil2": _person(db, school, "Борисов", category="обучающийся", birth_date="2012-01-01"),
    }


def test_create_group_and_list_with_mentor_and_mentees(db, school, people):
    gid = groups.create_group(
        db,
        school,
        form_code="teacher_student",
        mentor_id=people["teacher"],
        mentee_ids=[people["pupil1"], people["pupil2"]],
        start_date=dt.date(2024, 9, 1),
        end_date="2025-05-31",
    )
    pair = groups.create_group(
        db,
        school,
        form_code="teacher_teacher",
        mentor_id=people["teacher"],
        mentee_ids=[people["young"]],
        start_date="2024-10-01",
        end_date="2025-06-30",
        kind_of_mentoring="традиционное",
    )
    group = groups.get_group(db, gid)
    assert group["mentor"]["surname"] == "Чернова"
    assert [m["surname"] for m in group["mentees"]] == ["Абрамов", "Борисов"]
    assert group["form"]["title"] == "учитель – ученик"
    assert [g["id"] for g in groups.list_groups(db, school, on="2024-09-15")] == [gid]
    assert {g["id"] for g in groups.list_groups(db, school, status="active")} == {gid, pair}
    groups.close_group(db, gid, "Все наставляемые выполнили план", "2025-05-20")
    assert groups.get_group(db, gid)["status"] == "closed"
    assert [g["id"] for g in groups.list_groups(db, school, on="2025-05-25")] == [pair]
    with pytest.raises(Conflict):
        groups.close_group(db, gid, "ещё раз", "2025-05-21")


@pytest.mark.parametrize(
    "change, field, text",
    [
        (
            {"mentee_ids": ["teacher"]},
            "mentee_ids",
            "Наставляемые: Чернова Н.В. не может быть наставником самому себе",
        ),
        ({"mentee_ids": []}, "mentee_ids", "Наставляемые: нужен хотя бы один наставляемый"),
        (
            {"start_date": "2025-06-01", "end_date": "2024-09-01"},
            "end_date",
            "Дата окончания: дата окончания раньше даты начала",
        ),
        (
            {"mentor_id": "pupil1", "mentee_ids": ["pupil2"]},
            "mentor_id",
            "Наставник: Абрамов И.П. (категория «обучающийся») не может быть наставником в "
            "форме «учитель – ученик»; допустимые категории — «педагог»",
        ),
        (
            {"mentee_ids": ["young"]},
            "mentee_ids",
            "Наставляемые: Лисин П.П. (категория «педагог») не может быть наставляемым в форме "
            "«учитель – ученик»; допустимые категории — «обучающийся»",
        ),
        ({"form_code": "nonexistent"}, "form_code", "Форма наставничества: допустимые значения"),
        ({"kind_of_mentoring": "любое"}, "kind_of_mentoring", "Вид наставничества: допустимые"),
    ],
)
def test_group_rules_reject_with_clear_message_and_write_nothing(
    db, school, people, change, field, text
):
    args = {
        "form_code": "teacher_student",
        "mentor_id": "teacher",
        "mentee_ids": ["pupil1"],
        "start_date": "2024-09-01",
        "end_date": "2025-05-31",
    } | change
    args["mentor_id"] = people[args["mentor_id"]]
    args["mentee_ids"] = [people[k] for k in args["mentee_ids"]]
    before = _dump(db)
    with pytest.raises(FieldErrors) as err:
        groups.create_group(db, school, **args)
    assert any(m.startswith(text) for m in err.value.fields[field]), err.value.fields
    assert _dump(db) == before


def test_group_members_must_belong_to_the_organisation(db, school, people):
    other_school = _school(db, None, "МБОУ «СОШ № 9»")
    stranger = _person(db, other_school, "Чужой", category="обучающийся")
    before = _dump(db)
    with pytest.raises(FieldErrors) as err:
        groups.create_group(
            db,
            school,
            form_code="teacher_student",
            mentor_id=people["teacher"],
            mentee_ids=[people["pupil1"], stranger],
            start_date="2024-09-01",
            end_date="2025-05-31",
        )
    assert err.value.fields["mentee_ids"] == ["Наставляемые: Чужой И.П. не из этой организации"]
    assert _dump(db) == before


@pytest.mark.parametrize(
    "birth, signer, ok",
    [
        ("2013-09-02", "representative", True),  # 10 years old
        ("2013-09-02", "self", False),
        ("2013-09-02", "both", False),
        ("2009-09-01", "both", True),  # exactly 15
        ("2009-09-01", "self", False),
        ("2010-09-01", "both", True),  # 14 on the day of signing
        ("2010-09-02", "representative", True),  # 14 tomorrow: still under 14
        ("2006-09-01", "self", True),  # 18 on the day
        ("2006-09-02", "both", True),  # 18 tomorrow
    ],
)
def test_who_signs_the_consent_depends_on_age(db, school, birth, signer, ok):
    pid = _person(db, school, "Юный", category="обучающийся", birth_date=birth)
    rep = {
        "representative_name": "Юная Ольга Ивановна",
        "representative_doc": "свидетельство о рождении II-АН № 123456",
    }
    kwargs = rep if signer != "self" else {}
    if ok:
        cid = consents.sign_consent(db, pid, "processing", "2024-09-01", signer, **kwargs)
        assert consents.valid_consent(db, pid, "processing", dt.date(2024, 9, 1))["id"] == cid
    else:
        before = _dump(db)
        with pytest.raises(FieldErrors) as err:
            consents.sign_consent(db, pid, "processing", "2024-09-01", signer, **kwargs)
        assert err.value.fields["signer"][0].startswith("Кто подписал: Юный И.П. на 01.09.2024")
        assert _dump(db) == before


def test_consent_message_names_the_age_and_the_signer(db, school):
    pid = _person(db, school, "Юный", category="обучающийся", birth_date="2013-05-01")
    with pytest.raises(FieldErrors) as err:
        consents.sign_consent(db, pid, "processing", "2024-09-01", "self")
    assert err.value.message == (
        "Кто подписал: Юный И.П. на 01.09.2024 исполнилось 11 лет, поэтому подписывает "
        "законный представитель"
    )
    with pytest.raises(FieldErrors) as err:
        consents.sign_consent(db, pid, "processing", "2024-09-01", "representative")
    assert err.value.fields["representative_doc"] == [
        "Документ, подтверждающий полномочия представителя: обязательное поле, если "
        "подписывает представитель"
    ]


def test_consent_lifecycle_and_missing_consents(db, school, people):
    teacher, young = people["teacher"], people["young"]
    registry_people.update_person(db, teacher, {"is_mentor": True})
    registry_people.update_person(db, young, {"is_mentee": True})
    request = consents.request_consent(db, teacher, "processing")
    assert consents.request_consent(db, teacher, "processing") == request
    assert consents.valid_consent(db, teacher, "processing", "2024-09-01") is None
    signed = consents.sign_consent(db, teacher, "processing", "2024-09-01", "self")
    assert signed == request  # the request became the signed consent
    assert consents.valid_consent(db, teacher, "processing", "2024-08-31") is None
    assert consents.valid_consent(db, teacher, "processing", "2024-09-01")["signer"] == "self"
    assert consents.valid_consent(db, teacher, "dissemination", "2024-09-01") is None
    missing = consents.missing_consents(db, school, "processing", on="2024-09-10")
    assert [p["surname"] for p in missing] == ["Лисин"]
    consents.withdraw_consent(db, person_id=teacher, kind="processing", withdrawn_on="2025-01-10")
    assert consents.valid_consent(db, teacher, "processing", "2025-01-09") is not None
    assert consents.valid_consent(db, teacher, "processing", "2025-01-10") is None
    missing = consents.missing_consents(db, school, "processing", on="2025-01-10")
    assert [p["surname"] for p in missing] == ["Лисин", "Чернова"]
    with pytest.raises(Conflict):
        consents.withdraw_consent(db, signed, "2025-01-11")
