"""Indicators of the mentoring model (DOMAIN.md §2.9) computed from the registry at a date.

One function, `compute`, feeds the monitoring report, the disclosure page, dashboards and
exports, so the figures agree everywhere. Rules: ages at the reference date `on`; a pair or
group counts when its period covers `on`, it is not merely planned, and it was not closed
before `on`; a student who is both mentor and mentee counts in both indicators; a share
with a zero denominator has no value («—»). For several organisations (a district) the
numerators and denominators are summed, partners are counted once across the district.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from docgen import dates, ru
from docgen.surveys import results as survey_results

STUDENT = "обучающийся"
TEACHER = "педагог"
YOUNG_TEACHER_MAX_YEARS = 3
# The survey method stated next to the satisfaction figures unless the input names another.
SURVEY_METHOD = (
    "анкетирование по формам МР-42/02 (оценка по шкале от 1 до 10); удовлетворёнными "
    "считаются ответившие оценкой не ниже 7"
)


@dataclass(frozen=True)
class Indicator:
    """One indicator as data: code, the wording of the seed page, unit, formula, target."""

    code: str
    title: str
    unit: str  # "%" for a share, "ед." for a count
    formula: str
    default_target: float | None = None
    target_note: str = ""

    @property
    def is_share(self) -> bool:
        return self.unit == "%"


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "pairs_groups",
        "Количество наставнических пар/групп",
        "ед.",
        "число пар (один наставляемый) и групп (два и более наставляемых), действующих на "
        "отчётную дату, всего и по формам наставничества; показывается как «пары/группы»",
    ),
    Indicator(
        "personal_programmes",
        "Количество утвержденных персонализированных программ наставничества педагогических "
        "работников",
        "ед.",
        "число зарегистрированных персонализированных программ наставничества на отчётную дату",
    ),
    Indicator(
        "young_teachers_mentees",
        "Доля педагогов - молодых специалистов (с опытом работы от 0 до 3 лет), вошедших в "
        "программы наставничества в роли наставляемого, от общего числа педагогов - молодых "
        "специалистов (с опытом работы от 0 до 3 лет)",
        "%",
        "педагоги со стажем 0–3 года, наставляемые в действующих парах/группах ÷ все педагоги "
        "со стажем 0–3 года × 100 %",
        70.0,
        "ориентир АЗ-1128/08",
    ),
    Indicator(
        "teachers_mentors",
        "Доля педагогов, вошедших в программы наставничества в роли наставника, от общего "
        "числа педагогических работников",
        "%",
        "педагоги-наставники действующих пар/групп ÷ все педагогические работники × 100 %",
        10.0,
        "ориентир АЗ-1128/08",
    ),
    Indicator(
        "partners",
        "Количество предприятий (организаций), вошедших в программы наставничества",
        "ед.",
        "число различных организаций-партнёров, представители которых — наставники "
        "действующих пар/групп",
    ),
    Indicator(
        "satisfaction_mentees",
        "Уровень удовлетворенности наставляемых участием в программах наставничества",
        "%",
        "удовлетворённые наставляемые ÷ ответившие наставляемые × 100 % (по анкетированию)",
    ),
    Indicator(
        "satisfaction_mentors",
        "Уровень удовлетворенности наставников участием в программах наставничества",
        "%",
        "удовлетворённые наставники ÷ ответившие наставники × 100 % (по анкетированию)",
    ),
    Indicator(
        "students_mentees",
        "Доля детей в возрасте от 10 до 19 лет, вошедших в программы наставничества в роли "
        "наставляемого, от общего количества детей в возрасте от 10 до 19 лет",
        "%",
        "обучающиеся 10–19 лет, наставляемые в действующих парах/группах ÷ все обучающиеся "
        "10–19 лет × 100 %",
        70.0,
        "ориентир Р-145 (к 2024 г.)",
    ),
    Indicator(
        "students_mentors",
        "Доля детей и подростков в возрасте от 15 до 19 лет, вошедших в программы "
        "наставничества в роли наставника, от общего количества детей и подростков в возрасте "
        "от 15 до 19 лет",
        "%",
        "обучающиеся 15–19 лет, наставники действующих пар/групп ÷ все обучающиеся 15–19 лет "
        "× 100 %",
        10.0,
        "ориентир Р-145 (к 2024 г.)",
    ),
)

BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in INDICATORS}
SURVEY_CODES = ("satisfaction_mentees", "satisfaction_mentors")


@dataclass(frozen=True)
class FormCount:
    """Pairs and groups of one mentoring form."""

    form: str
    pairs: int
    groups: int

    @property
    def text(self) -> str:
        return f"{self.pairs}/{self.groups}"


@dataclass(frozen=True)
class Value:
    """An indicator's figures: numerator, denominator, value (a share in % or a count)."""

    code: str
    title: str
    unit: str
    numerator: int | None
    denominator: int | None
    value: float | int | None
    target: float | None
    formula: str = ""
    note: str = ""
    breakdown: tuple[FormCount, ...] = field(default_factory=tuple)
    pairs: int | None = None
    groups: int | None = None
    source: str = ""  # satisfaction only: "survey" (answers in docgen) or "typed"
    method: str = ""  # the survey method, when the figure comes from answers

    @property
    def is_share(self) -> bool:
        return self.unit == "%"

    @property
    def source_text(self) -> str:
        """«анкеты docgen: 8 ответов; методика: …», «введено вручную …»; empty for the others."""
        if self.source == "survey":
            count = ru.plural(self.denominator or 0, "ответ")
            return f"анкеты docgen: {count}; методика: {self.method}"
        if self.source == "typed":
            return "введено вручную (анкетирование вне docgen)"
        return ""

    @property
    def text(self) -> str:
        """«41,7 %», «1/2» for pairs/groups, «8», or «—» when there is nothing to show."""
        if self.pairs is not None and self.groups is not None:
            return f"{self.pairs}/{self.groups}"
        return format_number(self.value, self.unit)

    @property
    def target_text(self) -> str:
        return format_number(self.target, self.unit)

    @property
    def numerator_text(self) -> str:
        return format_number(self.numerator, "")

    @property
    def denominator_text(self) -> str:
        return format_number(self.denominator, "")


def format_number(number: float | int | None, unit: str = "") -> str:
    """«41,7 %», «70 %», «8»; None gives «—»."""
    if number is None:
        return "—"
    if isinstance(number, float) and not number.is_integer():
        text = f"{number:.1f}".replace(".", ",")
    else:
        text = str(int(number))
    return f"{text}\u00a0%" if unit == "%" else text


def share(numerator: int, denominator: int) -> float | None:
    """numerator ÷ denominator × 100, rounded half up to 0.1; None for a zero denominator."""
    if not denominator:
        return None
    if not 0 <= numerator <= denominator:
        raise ValueError(f"numerator {numerator} out of 0..{denominator}")
    exact = Decimal(numerator) * 100 / Decimal(denominator)
    return float(exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _age(birth: str | None, on: dt.date) -> int | None:
    if not birth:
        return None
    return dates.age_on(birth, on)


def _partner_key(name: str) -> str:
    return " ".join(name.split()).casefold().replace("ё", "е")


@dataclass(frozen=True)
class Survey:
    """Survey figures for a satisfaction indicator: how many answered, how many satisfied.

    `source` "typed" is a figure typed into a form; "survey" one counted from docgen's answers.
    """

    satisfied: int
    respondents: int
    source: str = "typed"
    method: str = ""


def _placeholders(values: Iterable[Any]) -> str:
    return ", ".join("?" for _ in values)


def _active_groups(db: Any, org_ids: list[int], on: dt.date) -> list[dict]:
    day = on.isoformat()
    sql = (
        "SELECT g.id, g.mentor_id, g.form_code, f.title AS form_title, f.position AS form_position, "
        "(SELECT count(*) FROM group_mentees m WHERE m.group_id = g.id) AS mentees "
        "FROM mentoring_groups g LEFT JOIN mentoring_forms f ON f.code = g.form_code "
        f"WHERE g.org_id IN ({_placeholders(org_ids)}) AND g.start_date <= ? AND g.end_date >= ? "
        "AND g.status != 'planned' "
        "AND NOT (g.status = 'closed' AND (g.closed_on IS NULL OR g.closed_on < ?))"
    )
    return list(db.query(sql, [*org_ids, day, day, day]))


def _people(db: Any, org_ids: list[int]) -> list[dict]:
    sql = (
        "SELECT id, org_id, category, birth_date, experience_years, partner_org FROM people "
        f"WHERE org_id IN ({_placeholders(org_ids)})"
    )
    return list(db.query(sql, org_ids))


def _mentee_ids(db: Any, group_ids: list[int]) -> set[int]:
    if not group_ids:
        return set()
    sql = f"SELECT person_id FROM group_mentees WHERE group_id IN ({_placeholders(group_ids)})"
    return {row["person_id"] for row in db.query(sql, group_ids)}


def _programmes(db: Any, org_ids: list[int], on: dt.date) -> int:
    sql = (
        "SELECT count(*) AS n FROM documents WHERE kind = 'personal-programme' "
        f"AND status = 'registered' AND org_id IN ({_placeholders(org_ids)}) AND reg_date <= ?"
    )
    return next(db.query(sql, [*org_ids, on.isoformat()]))["n"]


def _targets(db: Any, org_ids: list[int], year: int) -> dict[int, dict[str, float]]:
    sql = (
        "SELECT org_id, indicator, value FROM targets "
        f"WHERE year = ? AND org_id IN ({_placeholders(org_ids)})"
    )
    result: dict[int, dict[str, float]] = {org_id: {} for org_id in org_ids}
    for row in db.query(sql, [year, *org_ids]):
        result[row["org_id"]][row["indicator"]] = row["value"]
    return result


def _target(
    indicator: Indicator, targets: Mapping[int, Mapping[str, float]], weights: Mapping[int, int]
) -> float | None:
    """One school's target, or for a district the denominator-weighted mean of its schools'.

    The weighted mean is the district share reached if every school meets its own target.
    """
    per_org = {
        org_id: own.get(indicator.code, indicator.default_target) for org_id, own in targets.items()
    }
    known = {org_id: t for org_id, t in per_org.items() if t is not None}
    if not known:
        return None
    if len(set(known.values())) == 1:
        return next(iter(known.values()))
    if not indicator.is_share:
        return float(sum(known.values()))
    total = sum(weights.get(org_id, 0) for org_id in known)
    if not total:
        return round(sum(known.values()) / len(known), 1)
    weighted = sum(t * weights.get(org_id, 0) for org_id, t in known.items()) / total
    return round(weighted, 1)


def compute(
    db: Any,
    org_ids: list[int],
    on: dt.date,
    year: int | None = None,
    survey: Mapping[str, Survey] | None = None,
) -> list[Value]:
    """Every indicator for one organisation or a district at the reference date `on`.

    `year` selects the targets (default: the year of `on`). The satisfaction figures come
    from the answers to docgen's surveys of the period when there are any; otherwise from
    `survey`, figures typed into a form (marked as typed).
    """
    org_ids = sorted(set(org_ids))
    if not org_ids:
        raise ValueError("no organisations")
    groups = _active_groups(db, org_ids, on)
    mentees = _mentee_ids(db, [g["id"] for g in groups])
    mentors = {g["mentor_id"] for g in groups}
    people = _people(db, org_ids)

    counts: dict[str, tuple[int, int]] = {}
    weights: dict[str, dict[int, int]] = {}

    def tally(code: str, members: Iterable[dict], selected: set[int]) -> None:
        members = list(members)
        hit = sum(1 for p in members if p["id"] in selected)
        counts[code] = (hit, len(members))
        per_org: dict[int, int] = {}
        for p in members:
            per_org[p["org_id"]] = per_org.get(p["org_id"], 0) + 1
        weights[code] = per_org

    students = [p for p in people if p["category"] == STUDENT]
    ages = {p["id"]: _age(p["birth_date"], on) for p in students}
    tally(
        "students_mentees",
        (p for p in students if ages[p["id"]] is not None and 10 <= ages[p["id"]] <= 19),
        mentees,
    )
    tally(
        "students_mentors",
        (p for p in students if ages[p["id"]] is not None and 15 <= ages[p["id"]] <= 19),
        mentors,
    )
    teachers = [p for p in people if p["category"] == TEACHER]
    young = [
        p
        for p in teachers
        if p["experience_years"] is not None
        and 0 <= p["experience_years"] <= YOUNG_TEACHER_MAX_YEARS
    ]
    tally("young_teachers_mentees", young, mentees)
    tally("teachers_mentors", teachers, mentors)
    measured = survey_results.satisfaction(db, org_ids, on)
    sources: dict[str, Survey] = {}
    for code in SURVEY_CODES:
        figures = (survey or {}).get(code)
        if code in measured:
            found = measured[code]
            figures = Survey(found.satisfied, found.respondents, "survey", found.method)
        if figures is not None:
            counts[code] = (figures.satisfied, figures.respondents)
            sources[code] = figures

    by_id = {p["id"]: p for p in people}
    partners = {
        _partner_key(by_id[m]["partner_org"])
        for m in mentors
        if m in by_id and (by_id[m]["partner_org"] or "").strip()
    }
    targets = _targets(db, org_ids, year or on.year)

    result = []
    for indicator in INDICATORS:
        common = {
            "code": indicator.code,
            "title": indicator.title,
            "unit": indicator.unit,
            "formula": indicator.formula,
            "note": indicator.target_note,
            "target": _target(indicator, targets, weights.get(indicator.code, {})),
        }
        if indicator.code == "pairs_groups":
            result.append(_pairs_groups(groups, common))
        elif indicator.code == "personal_programmes":
            n = _programmes(db, org_ids, on)
            result.append(Value(numerator=n, denominator=None, value=n, **common))
        elif indicator.code == "partners":
            n = len(partners)
            result.append(Value(numerator=n, denominator=None, value=n, **common))
        elif indicator.code in counts:
            numerator, denominator = counts[indicator.code]
            origin = sources.get(indicator.code)
            result.append(
                Value(
                    numerator=numerator,
                    denominator=denominator,
                    value=share(numerator, denominator),
                    source=origin.source if origin else "",
                    method=origin.method if origin else "",
                    **common,
                )
            )
        else:
            result.append(Value(numerator=None, denominator=None, value=None, **common))
    return result


def _pairs_groups(groups: list[dict], common: dict[str, Any]) -> Value:
    by_form: dict[str, list[int]] = {}
    order: dict[str, int] = {}
    for group in groups:
        form = group["form_title"] or group["form_code"]
        order[form] = group["form_position"] or 0
        slot = by_form.setdefault(form, [0, 0])
        slot[0 if group["mentees"] <= 1 else 1] += 1
    breakdown = tuple(
        FormCount(form, pairs, groups_)
        for form, (pairs, groups_) in sorted(by_form.items(), key=lambda kv: (order[kv[0]], kv[0]))
    )
    pairs = sum(item.pairs for item in breakdown)
    groups_n = sum(item.groups for item in breakdown)
    return Value(
        numerator=pairs + groups_n,
        denominator=None,
        value=pairs + groups_n,
        breakdown=breakdown,
        pairs=pairs,
        groups=groups_n,
        **common,
    )


def from_input(rows: Iterable[Mapping[str, Any]]) -> list[Value]:
    """Values given in a form (no registry): each row {code, numerator, denominator, value,
    target, pairs, groups}; a share without its value is computed from its fraction."""
    given = {row["code"]: row for row in rows}
    result = []
    for indicator in INDICATORS:
        row = given.get(indicator.code, {})
        numerator, denominator = row.get("numerator"), row.get("denominator")
        value = row.get("value")
        if value is not None:
            value = float(value) if indicator.is_share else int(value)
        elif indicator.is_share and numerator is not None and denominator is not None:
            value = share(int(numerator), int(denominator))
        elif not indicator.is_share:
            value = numerator
        pairs, groups = row.get("pairs"), row.get("groups")
        if indicator.code == "pairs_groups" and pairs is not None and groups is not None:
            value = pairs + groups
        target = row.get("target")
        if target is None:
            target = indicator.default_target
        result.append(
            Value(
                code=indicator.code,
                title=indicator.title,
                unit=indicator.unit,
                numerator=numerator,
                denominator=denominator,
                value=value,
                target=float(target) if target is not None else None,
                formula=indicator.formula,
                note=indicator.target_note,
                breakdown=tuple(
                    FormCount(b["form"], b["pairs"], b["groups"]) for b in row.get("by_form", ())
                ),
                pairs=pairs,
                groups=groups,
                source=row.get("source", ""),
            )
        )
    return result


@dataclass(frozen=True)
class Row:
    """One line of an indicator table as printed: texts, with form breakdown lines under pairs."""

    n: str
    code: str
    title: str
    unit: str
    numerator: str
    denominator: str
    value: str
    target: str
    sub: bool = False


def table_rows(values: Iterable[Value]) -> list[Row]:
    """The rows the report, its XLSX and the disclosure page print, in one order."""
    rows = []
    for n, value in enumerate(values, start=1):
        rows.append(
            Row(
                str(n),
                value.code,
                value.title,
                value.unit,
                value.numerator_text if value.is_share else "",
                value.denominator_text if value.is_share else "",
                value.text,
                value.target_text,
            )
        )
        for item in value.breakdown:
            rows.append(
                Row("", value.code, f"в том числе «{item.form}»", "", "", "", item.text, "", True)
            )
    return rows
