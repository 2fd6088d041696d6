"""What the answers give: the satisfaction indicators by one stated method, the response rate,
and the export of the answers to Excel.

The method (DOMAIN.md §2.9 asks to state it): a respondent is satisfied when the mean of their
scores on the seven standard items of the end-of-programme questionnaire is 7 or more; the
indicator is the share of satisfied respondents among all respondents. It is the share-of-≥7
method the report has always printed for typed figures, so typed and measured figures mean the
same thing.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass

import sqlite_utils
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from docgen.surveys import issuing, questionnaires

THRESHOLD = 7
METHOD = (
    "доля ответивших, у которых средняя оценка по семи пунктам типовой анкеты окончания "
    "программы (шкала от 1 до 10) не ниже 7, от всех ответивших; анкетирование онлайн в docgen"
)
CODES = {"mentees": "satisfaction_mentees", "mentors": "satisfaction_mentors"}


@dataclass(frozen=True)
class Satisfaction:
    """One audience's figures from the answers: satisfied, respondents, and the surveys used."""

    satisfied: int
    respondents: int
    survey_ids: tuple[int, ...]
    method: str = METHOD


def school_year_start(on: dt.date) -> dt.date:
    """1 September of the school year that contains `on`."""
    return dt.date(on.year if on.month >= 9 else on.year - 1, 9, 1)


def satisfaction(
    db: sqlite_utils.Database, org_ids: list[int], on: dt.date
) -> dict[str, Satisfaction]:
    """The satisfaction figures per indicator code, for the surveys of the period.

    For each school and audience: the latest end-of-programme survey issued in the school year
    of `on` (and not after it) that has answers given by `on`. A district sums its schools.
    """
    if not org_ids or "surveys" not in db.table_names():
        return {}
    marks = ", ".join("?" for _ in org_ids)
    rows = db.query(
        "SELECT s.id, s.org_id, s.audience FROM surveys s "
        f"WHERE s.org_id IN ({marks}) AND s.stage = 'end' AND s.issued_on >= ? "
        "AND s.issued_on <= ? AND EXISTS (SELECT 1 FROM survey_answers a "
        "WHERE a.survey_id = s.id AND a.answered_on <= ?) "
        "ORDER BY s.issued_on DESC, s.id DESC",
        [*org_ids, school_year_start(on).isoformat(), on.isoformat(), on.isoformat()],
    )
    latest: dict[tuple[int, str], int] = {}
    for row in rows:
        latest.setdefault((row["org_id"], row["audience"]), row["id"])
    result: dict[str, Satisfaction] = {}
    for audience, code in CODES.items():
        ids = sorted(sid for (_, aud), sid in latest.items() if aud == audience)
        if not ids:
            continue
        marks = ", ".join("?" for _ in ids)
        figures = next(
            db.query(
                "SELECT count(*) AS n, coalesce(sum(mean_score >= ?), 0) AS ok "
                f"FROM survey_answers WHERE survey_id IN ({marks}) AND answered_on <= ?",
                [THRESHOLD, *ids, on.isoformat()],
            )
        )
        result[code] = Satisfaction(figures["ok"], figures["n"], tuple(ids))
    return result


@dataclass(frozen=True)
class Rate:
    answered: int
    issued: int

    @property
    def percent(self) -> float | None:
        return round(self.answered * 100 / self.issued, 1) if self.issued else None


def response_rate(db: sqlite_utils.Database, survey_id: int) -> Rate:
    row = next(
        db.query(
            "SELECT count(*) AS issued, count(answered_at) AS answered FROM survey_links "
            "WHERE survey_id = ?",
            [survey_id],
        )
    )
    return Rate(row["answered"], row["issued"])


def item_means(db: sqlite_utils.Database, survey_id: int) -> list[dict]:
    """Each scored item's mean and count: the aggregates a curator may show anyone."""
    survey = issuing.get_survey(db, survey_id)
    items = _items(survey)
    sums: dict[str, list[int]] = {}
    for row in db.query("SELECT scores FROM survey_answers WHERE survey_id = ?", [survey_id]):
        for code, score in json.loads(row["scores"]).items():
            sums.setdefault(code, []).append(score)
    return [
        {
            "code": item.code,
            "text": item.text,
            "count": len(sums.get(item.code, [])),
            "mean": round(sum(sums[item.code]) / len(sums[item.code]), 1)
            if sums.get(item.code)
            else None,
        }
        for item in items
        if item.kind == "score"
    ]


def _items(survey: dict) -> tuple[questionnaires.Item, ...]:
    questionnaire = questionnaires.get(survey["audience"], survey["stage"])
    return questionnaires.items_of(questionnaire, issuing._extra(survey))


def export_xlsx(db: sqlite_utils.Database, survey_id: int) -> bytes:
    """The answers as an XLSX: one row per answer.

    A child's row carries no name, class, date or link, and children's rows are ordered by
    their content, not by when they came (the curator sees who answered when). Adults' rows
    carry the name: staff answers are not anonymous.
    """
    survey = issuing.get_survey(db, survey_id)
    items = _items(survey)
    questionnaire = questionnaires.get(survey["audience"], survey["stage"])
    on = dt.date.fromisoformat(survey["issued_on"])
    rows = db.query(
        "SELECT a.id, a.scores, a.texts, a.mean_score, a.answered_on, p.surname, p.name, "
        "p.patronymic, p.category, p.birth_date FROM survey_answers a "
        "JOIN survey_links l ON l.id = a.link_id JOIN people p ON p.id = l.person_id "
        "WHERE a.survey_id = ? ORDER BY a.id",
        [survey_id],
    )
    adults, children = [], []
    for row in rows:
        (children if issuing.is_child(row, on) else adults).append(row)
    children.sort(key=lambda r: (r["mean_score"], r["scores"], r["texts"]))
    wb = Workbook()
    ws = wb.active
    ws.title = "Ответы"
    ws.append([questionnaire.title])
    ws.append(
        [f"Выдана {on:%d.%m.%Y}, ответы до {dt.date.fromisoformat(survey['closes_on']):%d.%m.%Y}"]
    )
    ws.append(["Ответы обучающихся выгружены без имён и других данных, позволяющих узнать автора."])
    ws.append([])
    header = ["№", "Участник", "Дата ответа", *[i.text for i in items], "Средняя оценка"]
    ws.append(header)
    for n, row in enumerate([*adults, *children], start=1):
        scores, texts = json.loads(row["scores"]), json.loads(row["texts"])
        who = (
            "обучающийся (анонимно)"
            if row in children
            else " ".join(p for p in (row["surname"], row["name"], row["patronymic"]) if p)
        )
        answered = dt.date.fromisoformat(row["answered_on"])
        ws.append(
            [
                n,
                who,
                "" if row in children else f"{answered:%d.%m.%Y}",
                *[scores.get(i.code, texts.get(i.code, "")) for i in items],
                row["mean_score"],
            ]
        )
    for index in range(1, len(header) + 1):
        cell = ws.cell(row=5, column=index)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(index)].width = 6 if index == 1 else 24
    ws["A1"].font = Font(bold=True, size=12)
    ws.freeze_panes = "C6"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
