"""Seed the mentoring forms of Р-145 and АЗ-1128/08."""

from __future__ import annotations

import json

import sqlite_utils

# Mentoring forms (DOMAIN.md §2.3) as data, so "the form fits the participants" is one
# generic check. Categories are people.category values.
MENTORING_FORMS: list[dict] = [
    {
        "code": "student_student",
        "title": "ученик – ученик",
        "audience": "students",
        "mentor_categories": ["обучающийся"],
        "mentee_categories": ["обучающийся"],
    },
    {
        "code": "teacher_student",
        "title": "учитель – ученик",
        "audience": "students",
        "mentor_categories": ["педагог"],
        "mentee_categories": ["обучающийся"],
    },
    {
        "code": "college_student_student",
        "title": "студент – ученик",
        "audience": "students",
        "mentor_categories": ["студент", "выпускник"],
        "mentee_categories": ["обучающийся"],
    },
    {
        "code": "employer_student",
        "title": "работодатель – ученик",
        "audience": "students",
        "mentor_categories": ["представитель организации-партнёра"],
        "mentee_categories": ["обучающийся"],
    },
    {
        "code": "employer_college_student",
        "title": "работодатель – студент",
        "audience": "students",
        "mentor_categories": ["представитель организации-партнёра"],
        "mentee_categories": ["студент"],
    },
    {
        "code": "college_student_college_student",
        "title": "студент – студент",
        "audience": "students",
        "mentor_categories": ["студент"],
        "mentee_categories": ["студент"],
    },
    {
        "code": "teacher_teacher",
        "title": "учитель – учитель",
        "audience": "teachers",
        "mentor_categories": ["педагог"],
        "mentee_categories": ["педагог"],
    },
    {
        "code": "head_teacher",
        "title": "руководитель ОО – учитель",
        "audience": "teachers",
        "mentor_categories": ["педагог", "работник"],
        "mentee_categories": ["педагог"],
    },
    {
        "code": "university_young_teacher",
        "title": "педагог вуза/колледжа – молодой педагог",
        "audience": "teachers",
        "mentor_categories": ["представитель организации-партнёра", "педагог"],
        "mentee_categories": ["педагог"],
    },
]


def apply(db: sqlite_utils.Database) -> None:
    """Seed the mentoring forms of Р-145 and АЗ-1128/08."""
    db["mentoring_forms"].insert_all(
        [
            {
                **form,
                "mentor_categories": json.dumps(form["mentor_categories"], ensure_ascii=False),
                "mentee_categories": json.dumps(form["mentee_categories"], ensure_ascii=False),
                "position": position,
            }
            for position, form in enumerate(MENTORING_FORMS, start=1)
        ]
    )
