"""Satisfaction surveys: the survey, one personal link per participant, one answer per link."""

from __future__ import annotations

import sqlite_utils

from docgen.migrations.helpers import abort_trigger


def apply(db: sqlite_utils.Database) -> None:
    """Tables surveys, survey_links, survey_answers and survey_throttle.

    A link keeps only the SHA-256 of its token, so a copy of the database lets nobody answer.
    survey_answers.link_id is UNIQUE: the database itself refuses a second answer.
    """
    db["surveys"].create(
        {
            "id": int,
            "org_id": int,
            "audience": str,  # mentors | mentees
            "stage": str,  # start | end
            "issued_on": str,
            "closes_on": str,
            "extra_items": str,  # JSON list of the school's own items
            "created_by": int,
            "created_at": str,
        },
        pk="id",
        not_null=["org_id", "audience", "stage", "issued_on", "closes_on", "created_at"],
        defaults={"extra_items": "[]"},
        foreign_keys=[("org_id", "organisations", "id"), ("created_by", "users", "id")],
    )
    db["surveys"].create_index(["org_id", "audience", "issued_on"])
    db["survey_links"].create(
        {
            "id": int,
            "survey_id": int,
            "person_id": int,
            "token_hash": str,
            "answered_at": str,
            "created_at": str,
        },
        pk="id",
        not_null=["survey_id", "person_id", "token_hash", "created_at"],
        foreign_keys=[("survey_id", "surveys", "id"), ("person_id", "people", "id")],
    )
    db["survey_links"].create_index(["token_hash"], unique=True)
    db["survey_links"].create_index(["survey_id", "person_id"], unique=True)
    db["survey_answers"].create(
        {
            "id": int,
            "survey_id": int,
            "link_id": int,
            "scores": str,  # JSON {item code: 1..10}
            "texts": str,  # JSON {item code: text}
            "mean_score": float,  # mean of the standard scored items: the method's input
            "answered_on": str,
            "answered_at": str,
        },
        pk="id",
        not_null=["survey_id", "link_id", "scores", "texts", "answered_on", "answered_at"],
        foreign_keys=[("survey_id", "surveys", "id"), ("link_id", "survey_links", "id")],
    )
    db["survey_answers"].create_index(["link_id"], unique=True)
    db["survey_answers"].create_index(["survey_id"])
    for event in ("UPDATE", "DELETE"):
        db.execute(
            abort_trigger(
                f"survey_answers_no_{event.lower()}",
                f"BEFORE {event} ON survey_answers",
                "",
                "Ответ на анкету нельзя изменить",
            )
        )
    # Wrong or expired links opened from one address in a window: the public page's rate limit.
    db["survey_throttle"].create(
        {"address": str, "window_start": str, "failures": int},
        pk="address",
        not_null=["window_start", "failures"],
        defaults={"failures": 0},
    )
