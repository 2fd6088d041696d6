"""Indicators against a registry built so that every answer is known in advance."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from docgen.documents import archive
from docgen.documents import journal as numbering
from docgen.registry import groups, indicators, organisations, people

ON = dt.date(2025, 4, 1)
SURNAMES = (
    "Абрамов Борисов Власов Гусев Демин Егоров Жуков Зайцев Ильин Козлов Лебедев Морозов "
    "Назаров Орлов Павлов Романов Соколов Тихонов Ушаков Фомин Хохлов Цветков Чернов Шубин"
).split()
_names = itertools.cycle(SURNAMES)


def _born(age: int, *, day_after: bool = False) -> str:
    """A birth date giving `age` full years on ON (or turning age+1 the day after ON)."""
    if day_after:
        return dt.date(ON.year - age - 1, ON.month, ON.day + 1).isoformat()
    return dt.date(ON.year - age, 1, 15).isoformat()


def _school(db, name: str = "МБОУ «СОШ № 1»") -> int:
    return organisations.create_organisation(
        db,
        {
            "kind": "school",
            "full_name": f"Муниципальное бюджетное общеобразовательное учреждение {name}",
            "short_name": name,
            "head_position": "Директор",
            "head_surname": "Кудаков",
            "head_name": "Александр",
            "head_patronymic": "Михайлович",
            "head_gender": "m",
        },
    )


def _person(db, org_id: int, category: str, **extra) -> int:
    return people.add_person(
        db,
        org_id,
        {
            "surname": next(_names),
            "name": extra.pop("name", "Иван"),
            "patronymic": "Петрович",
            "gender": "m",
            "category": category,
            **extra,
        },
    )


def _group(db, org_id, form, mentor, mentees, *, start="2024-09-01", end="2025-05-31", **kw):
    return groups.create_group(
        db,
        org_id,
        form_code=form,
        mentor_id=mentor,
        mentee_ids=mentees,
        start_date=start,
        end_date=end,
        **kw,
    )


def _registered(db, org_id: int, kind: str, on: dt.date) -> int:
    numbering.ensure_series(db, org_id, "orders", "Приказы", "{n}-од")
    doc = archive.create_document(
        db, org_id=org_id, kind=kind, title="Документ", user_id=None, input={}, docx=b"PK"
    )
    numbering.register(db, doc["id"], series_code="orders", on=on, user_id=None)
    return doc["id"]


@pytest.fixture
def school(db):
    """20 students (12 aged 10–19, 5 of them mentees; 4 aged 15–19, 2 of them mentors),
    5 teachers (3 young, 1 of them a mentee; 2 mentors), one partner enterprise."""
    org = _school(db)
    teen = [_person(db, org, "обучающийся", birth_date=_born(age)) for age in (16, 17, 15, 19)]
    kids = [_person(db, org, "обучающийся", birth_date=_born(age)) for age in range(10, 15)]
    kids += [_person(db, org, "обучающийся", birth_date=_born(age)) for age in (11, 12, 13)]
    students_10_19 = teen + kids  # 12
    younger = [_person(db, org, "обучающийся", birth_date=_born(age)) for age in (7, 8, 8, 9)]
    younger += [_person(db, org, "обучающийся", birth_date=_born(9)) for _ in range(3)]
    turning_ten = _person(db, org, "обучающийся", birth_date=_born(9, day_after=True))
    assert len(students_10_19) + len(younger) + 1 == 20
    s1, s2, s3, s4 = teen
    s5, s6, s7, s8, s9, s10, s11, s12 = kids
    t1 = _person(db, org, "педагог", experience_years=10)
    t2 = _person(db, org, "педагог", experience_years=2)
    t3 = _person(db, org, "педагог", experience_years=20)
    _person(db, org, "педагог", experience_years=0)
    _person(db, org, "педагог", experience_years=3)
    partner = "представитель организации-партнёра"
    p1 = _person(db, org, partner, partner_org="ООО «Агрофирма Обливская»")
    p2 = _person(db, org, partner, partner_org="  ооо  «агрофирма обливская» ")
    p3 = _person(db, org, partner, partner_org="АО «Элеватор»")

    _group(db, org, "student_student", s1, [s5, s6])  # group
    _group(db, org, "student_student", s2, [s7, turning_ten])  # group
    _group(db, org, "teacher_student", t1, [s8])
    _group(db, org, "teacher_student", t1, [s1])  # s1 is mentor and mentee
    _group(db, org, "teacher_teacher", t3, [t2])
    _group(db, org, "employer_student", p1, [s5])
    _group(db, org, "employer_student", p2, [s6])
    closed = _group(db, org, "student_student", s3, [s9])
    groups.close_group(db, closed, "Цели достигнуты", "2025-03-01")
    _group(db, org, "employer_student", p3, [s10], end="2025-03-31")  # ended before ON
    _group(db, org, "student_student", s4, [s11], start="2025-04-02")  # not started yet
    _group(db, org, "student_student", s4, [s12], status="planned")
    _registered(db, org, "personal-programme", dt.date(2025, 1, 10))
    _registered(db, org, "personal-programme", dt.date(2025, 4, 2))  # after ON
    return org


def _by_code(values):
    return {v.code: v for v in values}


def test_shares_of_students_follow_ages_on_the_reference_date(db, school):
    values = _by_code(indicators.compute(db, [school], ON))
    mentees = values["students_mentees"]
    assert (mentees.numerator, mentees.denominator, mentees.value) == (5, 12, 41.7)
    assert mentees.text == "41,7\u00a0%"
    mentors = values["students_mentors"]
    assert (mentors.numerator, mentors.denominator, mentors.value) == (2, 4, 50.0)


def test_the_day_after_the_reference_date_the_ten_year_old_counts(db, school):
    values = _by_code(indicators.compute(db, [school], ON + dt.timedelta(days=1)))
    mentees = values["students_mentees"]
    # Now 13 children are 10–19; the new ten-year-old is a mentee, but one pair has not
    # started until that day (s11) — so 7 of 13.
    assert (mentees.numerator, mentees.denominator) == (7, 13)


def test_teachers_partners_and_programmes(db, school):
    values = _by_code(indicators.compute(db, [school], ON))
    young = values["young_teachers_mentees"]
    assert (young.numerator, young.denominator, young.value) == (1, 3, 33.3)
    teachers = values["teachers_mentors"]
    assert (teachers.numerator, teachers.denominator, teachers.value) == (2, 5, 40.0)
    assert values["partners"].value == 1
    assert values["personal_programmes"].value == 1


def test_pairs_and_groups_by_form_without_closed_or_planned(db, school):
    pairs = _by_code(indicators.compute(db, [school], ON))["pairs_groups"]
    assert (pairs.pairs, pairs.groups, pairs.value, pairs.text) == (5, 2, 7, "5/2")
    by_form = {item.form: item.text for item in pairs.breakdown}
    assert by_form == {
        "ученик – ученик": "0/2",
        "учитель – ученик": "2/0",
        "работодатель – ученик": "2/0",
        "учитель – учитель": "1/0",
    }


def test_closed_group_counted_while_it_was_running(db, school):
    values = _by_code(indicators.compute(db, [school], dt.date(2025, 2, 1)))
    # On 01.02.2025 the closed group (s3 -> s9) and the one ended on 31.03 (p3 -> s10) ran too.
    assert values["students_mentees"].numerator == 7
    assert values["students_mentors"].numerator == 3
    assert values["partners"].value == 2


def test_targets_from_the_registry_or_the_default(db, school):
    db["targets"].insert(
        {"org_id": school, "year": 2025, "indicator": "students_mentees", "value": 80}
    )
    values = _by_code(indicators.compute(db, [school], ON))
    assert values["students_mentees"].target == 80
    assert values["students_mentors"].target == 10  # default
    assert values["partners"].target is None
    other_year = _by_code(indicators.compute(db, [school], ON, year=2024))
    assert other_year["students_mentees"].target == 70


def test_satisfaction_comes_from_the_survey_input(db, school):
    plain = _by_code(indicators.compute(db, [school], ON))
    assert plain["satisfaction_mentees"].value is None
    assert plain["satisfaction_mentees"].text == "—"
    survey = {"satisfaction_mentors": indicators.Survey(satisfied=7, respondents=8)}
    values = _by_code(indicators.compute(db, [school], ON, survey=survey))
    assert values["satisfaction_mentors"].value == 87.5


def test_empty_school_has_no_shares_and_zero_counts(db):
    org = _school(db, "МОУ «Заречная СОШ»")
    values = _by_code(indicators.compute(db, [org], ON))
    assert values["students_mentees"].value is None
    assert values["students_mentees"].text == "—"
    assert values["pairs_groups"].text == "0/0"
    assert values["partners"].value == 0


def test_district_sums_numerators_and_denominators(db, school):
    other = _school(db, "МОУ «Заречная СОШ»")
    students = [_person(db, other, "обучающийся", birth_date=_born(12)) for _ in range(8)]
    teacher = _person(db, other, "педагог", experience_years=1)
    _group(db, other, "teacher_student", teacher, students[:3])
    db["targets"].insert(
        {"org_id": other, "year": 2025, "indicator": "students_mentees", "value": 90}
    )
    values = _by_code(indicators.compute(db, [school, other], ON))
    mentees = values["students_mentees"]
    assert (mentees.numerator, mentees.denominator, mentees.value) == (8, 20, 40.0)
    # Weighted by the schools' denominators: (70 × 12 + 90 × 8) ÷ 20.
    assert mentees.target == 78.0
    assert values["teachers_mentors"].numerator == 3
    assert values["pairs_groups"].text == "5/3"


def test_share_rounding_and_bounds():
    assert indicators.share(1, 3) == 33.3
    assert indicators.share(2, 3) == 66.7
    assert indicators.share(1, 8) == 12.5
    assert indicators.share(0, 0) is None
    with pytest.raises(ValueError):
        indicators.share(5, 4)


def test_values_from_input_without_a_registry():
    values = _by_code(
        indicators.from_input(
            [
                {"code": "pairs_groups", "pairs": 1, "groups": 2},
                {"code": "students_mentees", "numerator": 30, "denominator": 200},
            ]
        )
    )
    assert values["pairs_groups"].text == "1/2"
    assert values["students_mentees"].value == 15.0
    assert values["students_mentees"].target == 70
    assert values["partners"].text == "—"
