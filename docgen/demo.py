"""Demo registry: a district with two schools, staff, students, pairs, consents and a login per role.

Names and organisations follow the seed documents (Обливский район of Ростовская область,
МОУ «Заречная СОШ», curator Н.В. Чернова); the people are invented.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from docgen.accounts import users
from docgen.documents import journal as numbering
from docgen.kinds.catalog import SERIES
from docgen.registry import consents, organisations
from docgen.registry import groups as registry_groups
from docgen.registry import people as registry_people

PASSWORD = "nastavnik2024"

DEPARTMENT = {
    "kind": "department",
    "full_name": "Отдел образования Администрации Обливского района",
    "short_name": "Отдел образования",
    "locality": "ст. Обливская",
    "address": "347140, Ростовская область, ст. Обливская, ул. Ленина, д. 61",
    "phone": "8 (86396) 2-13-47",
    "founder_line": "Администрация Обливского района Ростовской области",
    "head_position": "Начальник отдела образования",
    "head_surname": "Гончарова",
    "head_name": "Ирина",
    "head_patronymic": "Владимировна",
    "head_gender": "f",
}

SCHOOLS = (
    {
        "kind": "school",
        "full_name": "Муниципальное бюджетное общеобразовательное учреждение "
        "«Обливская средняя общеобразовательная школа № 1»",
        "short_name": "МБОУ «Обливская СОШ № 1»",
        "locality": "ст. Обливская",
        "address": "347140, Ростовская область, ст. Обливская, ул. Коммунистическая, д. 12",
        "phone": "8 (86396) 2-14-55",
        "founder_line": "Отдел образования Администрации Обливского района",
        "head_position": "Директор",
        "head_surname": "Тарабанова",
        "head_name": "Елена",
        "head_patronymic": "Викторовна",
        "head_gender": "f",
    },
    {
        "kind": "school",
        "full_name": "Муниципальное общеобразовательное учреждение "
        "«Заречная средняя общеобразовательная школа»",
        "short_name": "МОУ «Заречная СОШ»",
        "locality": "х. Заречный",
        "address": "347150, Ростовская область, Обливский район, х. Заречный, ул. Школьная, д. 3",
        "phone": "8 (86396) 2-41-08",
        "founder_line": "Отдел образования Администрации Обливского района",
        "head_position": "Директор",
        "head_surname": "Кудаков",
        "head_name": "Александр",
        "head_patronymic": "Михайлович",
        "head_gender": "m",
    },
)

# (surname, name, patronymic, gender, birth date, category, position or class, experience);
# students carry their legal representative instead of the experience.
STAFF = (
    (
        (
            "Чернова",
            "Наталья",
            "Викторовна",
            "f",
            "1979-04-12",
            "педагог",
            "заместитель директора по учебно-воспитательной работе",
            22,
        ),
        ("Петрова", "Елена", "Сергеевна", "f", "1975-10-03", "педагог", "учитель математики", 26),
        (
            "Эмирбеков",
            "Магомед",
            "Расулович",
            "m",
            "1983-01-21",
            "педагог",
            "учитель физики",
            17,
        ),
        (
            "Иванова",
            "Анастасия",
            "Андреевна",
            "f",
            "2001-06-30",
            "педагог",
            "учитель информатики",
            1,
        ),
        (
            "Королёв",
            "Пётр",
            "Алексеевич",
            "m",
            "1999-02-14",
            "педагог",
            "учитель истории и обществознания",
            2,
        ),
        ("Кох", "Анна", "Петровна", "f", "1988-08-08", "педагог", "педагог-психолог", 12),
        (
            "Сидоренко",
            "Виктор",
            "Павлович",
            "m",
            "1969-11-02",
            "представитель организации-партнёра",
            "инженер-технолог",
            None,
        ),
    ),
    (
        (
            "Шибзухова",
            "Мадина",
            "Руслановна",
            "f",
            "1984-03-05",
            "педагог",
            "заместитель директора по воспитательной работе",
            15,
        ),
        (
            "Черных",
            "Ольга",
            "Ивановна",
            "f",
            "1972-12-19",
            "педагог",
            "учитель начальных классов",
            30,
        ),
        (
            "Алиев",
            "Рустам",
            "Ахмед оглы",
            "m",
            "2000-09-09",
            "педагог",
            "учитель русского языка и литературы",
            0,
        ),
    ),
)

STUDENTS = (
    (
        (
            "Смирнов",
            "Артём",
            "Денисович",
            "m",
            "2009-05-17",
            "обучающийся",
            "11 «А» класс",
            "Смирнова Ольга Петровна",
        ),
        (
            "Кузнецова",
            "Дарья",
            "Олеговна",
            "f",
            "2010-02-11",
            "обучающийся",
            "10 «А» класс",
            "Кузнецов Олег Николаевич",
        ),
        (
            "Фёдоров",
            "Илья",
            "Сергеевич",
            "m",
            "2013-09-23",
            "обучающийся",
            "7 «Б» класс",
            "Фёдорова Марина Викторовна",
        ),
        (
            "Гаджиева",
            "Патимат",
            "Магомедовна",
            "f",
            "2014-12-01",
            "обучающийся",
            "6 «А» класс",
            "Гаджиев Магомед Алиевич",
        ),
        (
            "Волков",
            "Никита",
            "Андреевич",
            "m",
            "2012-07-07",
            "обучающийся",
            "8 «А» класс",
            "Волкова Светлана Юрьевна",
        ),
        (
            "Морозова",
            "Алина",
            "Игоревна",
            "f",
            "2016-03-30",
            "обучающийся",
            "4 «Б» класс",
            "Морозов Игорь Васильевич",
        ),
    ),
    (
        (
            "Беляев",
            "Максим",
            "Романович",
            "m",
            "2010-10-10",
            "обучающийся",
            "10 класс",
            "Беляева Татьяна Сергеевна",
        ),
        (
            "Ткаченко",
            "Софья",
            "Дмитриевна",
            "f",
            "2014-04-04",
            "обучающийся",
            "6 класс",
            "Ткаченко Дмитрий Александрович",
        ),
    ),
)

LOGINS = (
    ("admin", "admin", None, "Администратор docgen"),
    ("municipal", "municipal", "department", "Гончарова Ирина Владимировна"),
    ("director", "director", 0, "Тарабанова Елена Викторовна"),
    ("curator", "curator", 0, "Чернова Наталья Викторовна"),
    ("methodologist", "methodologist", 0, "Кох Анна Петровна"),
    ("director2", "director", 1, "Кудаков Александр Михайлович"),
    ("curator2", "curator", 1, "Шибзухова Мадина Руслановна"),
)

START = "2026-09-15"
END = "2027-05-31"


def seed(db: sqlite_utils.Database) -> list[tuple[str, str, str]]:
    """Load the demo data once; returns (login, password, role) for each demo user."""
    if any(True for _ in db.query("SELECT id FROM users WHERE login = 'admin'")):
        return [(login, PASSWORD, role) for login, role, _, _ in LOGINS]
    department_id = organisations.create_organisation(db, DEPARTMENT)
    school_ids = [
        organisations.create_organisation(db, {**school, "parent_id": department_id})
        for school in SCHOOLS
    ]
    for org_id in [department_id, *school_ids]:
        numbering.ensure_series(db, org_id, "orders", *SERIES["orders"])
    people = [_people(db, org_id, index) for index, org_id in enumerate(school_ids)]
    representatives = {
        people[index][student[0]]: student[7]
        for index, students in enumerate(STUDENTS)
        for student in students
    }
    signed_on = dt.date(2026, 9, 10)
    for org_people in people:
        for person_id in org_people.values():
            if person_id == org_people.get("Морозова"):
                continue  # a student whose parents have not signed yet: shows up as missing
            _consent(db, person_id, signed_on, representatives.get(person_id))
    first, second = people
    groups = (
        (school_ids[0], "teacher_teacher", first["Петрова"], [first["Иванова"]]),
        (school_ids[0], "teacher_teacher", first["Эмирбеков"], [first["Королёв"]]),
        (school_ids[0], "student_student", first["Смирнов"], [first["Фёдоров"], first["Волков"]]),
        (school_ids[0], "teacher_student", first["Кох"], [first["Гаджиева"]]),
        (school_ids[0], "employer_student", first["Сидоренко"], [first["Кузнецова"]]),
        (school_ids[1], "teacher_teacher", second["Черных"], [second["Алиев"]]),
        (school_ids[1], "student_student", second["Беляев"], [second["Ткаченко"]]),
    )
    for org_id, form, mentor, mentees in groups:
        registry_groups.create_group(
            db,
            org_id,
            form_code=form,
            mentor_id=mentor,
            mentee_ids=mentees,
            start_date=START,
            end_date=END,
        )
    org_of = {"department": department_id, 0: school_ids[0], 1: school_ids[1], None: None}
    for login, role, org, full_name in LOGINS:
        users.create_user(db, login, PASSWORD, role, org_of[org], full_name)
    return [(login, PASSWORD, role) for login, role, _, _ in LOGINS]


def _people(db: sqlite_utils.Database, org_id: int, index: int) -> dict[str, int]:
    ids = {}
    for surname, name, patronymic, gender, born, category, position, years in STAFF[index]:
        ids[surname] = registry_people.add_person(
            db,
            org_id,
            {
                "surname": surname,
                "name": name,
                "patronymic": patronymic,
                "gender": gender,
                "birth_date": born,
                "category": category,
                "position": position,
                "experience_years": years,
                "is_mentor": years is None or years > 3,
                "is_mentee": years is not None and years <= 3,
                "partner_org": "ООО «Обливский элеватор»" if years is None else "",
            },
        )
    for surname, name, patronymic, gender, born, category, position, _ in STUDENTS[index]:
        ids[surname] = registry_people.add_person(
            db,
            org_id,
            {
                "surname": surname,
                "name": name,
                "patronymic": patronymic,
                "gender": gender,
                "birth_date": born,
                "category": category,
                "position": position,
                "is_mentor": born < "2011-01-01",
                "is_mentee": born >= "2011-01-01",
            },
        )
    return ids


def _consent(
    db: sqlite_utils.Database, person_id: int, on: dt.date, representative: str | None
) -> None:
    person = registry_people.get_person(db, person_id)
    signer = consents.required_signer(person, on)
    representative = None if signer == "self" else representative
    consents.sign_consent(
        db,
        person_id,
        "processing",
        on,
        signer,
        representative_name=representative,
        representative_doc=None if signer == "self" else "свидетельство о рождении",
    )
