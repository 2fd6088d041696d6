"""Recording an answer: one per link, in one transaction; a second one is refused."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlite_utils

from docgen.db import now_iso, transaction
from docgen.errors import Conflict
from docgen.surveys import issuing, questionnaires


class AlreadyAnswered(Conflict):
    """This link has already been used to answer."""


def mean_score(questionnaire: questionnaires.Questionnaire, scores: dict[str, int]) -> float:
    """The mean of the standard scored items: what the satisfaction method compares with 7."""
    values = [scores[item.code] for item in questionnaire.scored]
    return round(sum(values) / len(values), 2)


def record(db: sqlite_utils.Database, token: str, given: dict[str, Any], today: dt.date) -> int:
    """Check the answer against the link's questionnaire and store it; the answer's id.

    The link is marked answered by a conditional UPDATE inside the write transaction, and the
    answers table has a UNIQUE link_id, so two simultaneous submissions store one answer.
    """
    opened = issuing.open_link(db, token, today)
    if opened.answered:
        raise AlreadyAnswered("Вы уже ответили на эту анкету. Спасибо!")
    scores, texts = questionnaires.check_answer(opened.items, given)
    stamp = now_iso()
    with transaction(db):
        cursor = db.execute(
            "UPDATE survey_links SET answered_at = ? WHERE id = ? AND answered_at IS NULL",
            [stamp, opened.link_id],
        )
        if cursor.rowcount != 1:
            raise AlreadyAnswered("Вы уже ответили на эту анкету. Спасибо!")
        return (
            db["survey_answers"]
            .insert(
                {
                    "survey_id": opened.survey["id"],
                    "link_id": opened.link_id,
                    "scores": json.dumps(scores, ensure_ascii=False),
                    "texts": json.dumps(texts, ensure_ascii=False),
                    "mean_score": mean_score(opened.questionnaire, scores),
                    "answered_on": today.isoformat(),
                    "answered_at": stamp,
                }
            )
            .last_pk
        )
