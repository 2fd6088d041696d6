"""«Внедрение наставничества»: the ЦМН paperwork of an organisation as an ordered path of steps.

Each step is declared as data (`Step`): the document kinds that make it, or a check of the
registry (bases, consents, personalised programmes). Its state is read from the archive and the
registry: done (with the document's number and date), in draft, missing, or overdue by the
deadline its kind declares (`Kind.required_in_year`). Steps whose kinds are not in KINDS yet are
left out, so a kind added later appears on the path by its slug alone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils
from marshmallow import fields as mm

from docgen import ru
from docgen.kinds import catalog
from docgen.registry import consents, district, groups, organisations

DONE, DRAFT, MISSING, OVERDUE = "done", "draft", "missing", "overdue"
STATE_TITLES = {DONE: "сделано", DRAFT: "черновик", MISSING: "нет", OVERDUE: "просрочено"}


@dataclass(frozen=True)
class Check:
    """What a registry check found: its state, a line for people, how many are left to do."""

    state: str
    text: str
    left: int = 0


# (db, org_id, on) -> what the registry says about a step.
RegistryCheck = Callable[[sqlite_utils.Database, int, dt.date], Check]


@dataclass(frozen=True)
class Step:
    """One step of the path: made by a document of `kinds`, or by the registry's `check`."""

    code: str
    title: str
    kinds: tuple[str, ...] = ()
    """The document kinds that make the step (the first one present in KINDS is its form)."""
    check: RegistryCheck | None = None
    approved: bool = False
    """The document is a local act: done once a registered order approves it as an annex."""
    each: bool = False
    """A document per participant or pair: done once one exists (the count is shown)."""
    place: str = ""
    """Where the registry side of the step is kept (`bases`, `consents`, `groups`)."""
    hint: str = ""


@dataclass
class State:
    """A step as the page shows it."""

    step: Step
    state: str
    text: str
    form: str | None = None
    document_id: int | None = None
    deadline: dt.date | None = None
    drafts: int = 0

    @property
    def title(self) -> str:
        return self.step.title

    @property
    def state_title(self) -> str:
        return STATE_TITLES[self.state]


# --------------------------------------------------------------------------- registry checks


def _bases(db: sqlite_utils.Database, org_id: int, on: dt.date) -> Check:
    row = db.execute(
        "SELECT COALESCE(SUM(is_mentor), 0), COALESCE(SUM(is_mentee), 0) FROM people "
        "WHERE org_id = ?",
        [org_id],
    ).fetchone()
    mentors, mentees = row
    text = f"наставников: {mentors}, наставляемых: {mentees}"
    return Check(DONE if mentors and mentees else MISSING, text, 0 if mentors and mentees else 1)


def _consents(db: sqlite_utils.Database, org_id: int, on: dt.date) -> Check:
    missing = consents.missing_consents(db, org_id, on=on)
    if not missing:
        return Check(DONE, "есть у всех участников")
    who = ru.plural(len(missing), "участник")
    return Check(MISSING, f"без согласия: {who}", len(missing))


def _young_teacher_pairs(db: sqlite_utils.Database, org_id: int, on: dt.date) -> list[dict]:
    return [
        group
        for group in groups.list_groups(db, org_id, on=on)
        if group["status"] != "planned"
        and any(mentee["category"] == "педагог" for mentee in group["mentees"])
    ]


def _programmes(db: sqlite_utils.Database, org_id: int, on: dt.date) -> Check:
    pairs = _young_teacher_pairs(db, org_id, on)
    if not pairs:
        return Check(DONE, "не нужны: нет пар, где наставляемый — педагог")
    # Inputs keep what was typed: the pair's number may be stored as text.
    made = {
        str(json.loads(row["input_json"]).get("group_id"))
        for row in db.query(
            "SELECT v.input_json FROM documents d JOIN versions v ON v.document_id = d.id "
            "AND v.n = (SELECT MAX(n) FROM versions WHERE document_id = d.id) "
            "WHERE d.org_id = ? AND d.kind = 'personal-programme' AND d.status != 'cancelled'",
            [org_id],
        )
    }
    left = sum(1 for pair in pairs if str(pair["id"]) not in made)
    done = len(pairs) - left
    text = f"программ: {done} из {len(pairs)}"
    return Check(DONE if not left else DRAFT if done else MISSING, text, left)


# --------------------------------------------------------------------------- the paths

SCHOOL_PATH: tuple[Step, ...] = (
    Step("implementation", "Приказ о внедрении целевой модели наставничества",
         ("implementation-order",)),
    Step("curator", "Приказ о назначении куратора", ("curator-order",)),
    Step("protocol", "Протокол педагогического совета о принятии положения", ("protocol",)),
    Step("regulation", "Положение о наставничестве утверждено", ("regulation",), approved=True,
         hint="Утверждается приказом: приложите его к приказу о внедрении или об утверждении"),
    Step("roadmap", "Дорожная карта утверждена", ("roadmap",), approved=True),
    Step("programme", "Программа наставничества утверждена", ("programme",), approved=True),
    Step("bases", "Базы наставников и наставляемых сформированы", check=_bases, place="bases"),
    Step("consents", "Согласия на обработку персональных данных", ("consent",), check=_consents,
         place="consents"),
    Step("tk-consents", "Письменные согласия наставников (ст. 351.8 ТК РФ)", ("tk-consent",),
         each=True),
    Step("pairs", "Приказ о закреплении наставнических пар (групп)", ("pairs-order",),
         place="groups"),
    Step("tk-agreements", "Дополнительные соглашения с наставниками (ст. 351.8 ТК РФ)",
         ("tk-agreement",), each=True),
    Step("personal", "Персонализированные программы наставничества", ("personal-programme",),
         check=_programmes),
    Step("mentor-reports", "Отчёты наставников", ("mentor-report",), each=True),
    Step("monitoring", "Мониторинг и отчёт о реализации целевой модели",
         ("monitoring-report",), each=True),
    Step("disclosure", "Информация на сайте (раздел «Наставничество»)", ("disclosure",),
         each=True),
)  # fmt: skip

DISTRICT_PATH: tuple[Step, ...] = (
    Step("municipal-programme", "Муниципальная программа (модель) наставничества",
         ("municipal-programme",)),
    Step("municipal-roadmap", "Приказ об утверждении муниципальной дорожной карты",
         ("municipal-roadmap-order",)),
    Step("municipal-report", "Сводный отчёт о реализации целевой модели в районе",
         ("monitoring-report",), each=True),
)  # fmt: skip


def _present(step: Step) -> tuple[str, ...]:
    known = {kind.slug for kind in catalog.KINDS}
    return tuple(slug for slug in step.kinds if slug in known)


def steps(path: tuple[Step, ...] = SCHOOL_PATH) -> tuple[Step, ...]:
    """The steps shown today: those with a registry check or a kind in KINDS."""
    return tuple(step for step in path if step.check is not None or _present(step))


# --------------------------------------------------------------------------- reading the archive


def _day(text: str | None) -> str:
    return f"{dt.date.fromisoformat(text[:10]):%d.%m.%Y}" if text else ""


def _documents(db: sqlite_utils.Database, org_id: int, kinds: tuple[str, ...]) -> list[dict]:
    if not kinds:
        return []
    marks = ", ".join("?" for _ in kinds)
    return list(
        db.query(
            f"SELECT * FROM documents WHERE org_id = ? AND kind IN ({marks}) "  # noqa: S608
            "AND status != 'cancelled' ORDER BY id DESC",
            [org_id, *kinds],
        )
    )


def _approving_order(db: sqlite_utils.Database, document_id: int) -> dict | None:
    """The registered order that approved the document as its annex."""
    return next(
        db.query(
            "SELECT d.* FROM links l JOIN documents d ON d.id = l.parent_document_id "
            "WHERE l.child_document_id = ? AND l.role = 'annex' AND d.status = 'registered' "
            "ORDER BY d.reg_date DESC LIMIT 1",
            [document_id],
        ),
        None,
    )


def _from_archive(db: sqlite_utils.Database, org_id: int, step: Step, kinds: tuple[str, ...]):
    """(state, text, document id, drafts) of a step made by documents."""
    docs = _documents(db, org_id, kinds)
    drafts = [doc for doc in docs if doc["status"] == "draft"]
    if step.approved:
        for doc in docs:
            order = _approving_order(db, doc["id"])
            if order is not None:
                text = f"утверждено приказом № {order['number']} от {_day(order['reg_date'])}"
                return DONE, text, doc["id"], len(drafts) - 1
    else:
        registered = [doc for doc in docs if doc["status"] == "registered"]
        if registered:
            doc = registered[0]
            return DONE, f"№ {doc['number']} от {_day(doc['reg_date'])}", doc["id"], len(drafts)
        if step.each and docs:
            count = ru.plural(len(docs), "документ")
            return DONE, f"составлено: {count}, последний от {_day(docs[0]['created_at'])}", \
                docs[0]["id"], 0  # fmt: skip
    if drafts:
        return DRAFT, f"черновик от {_day(drafts[0]['created_at'])}", drafts[0]["id"], len(drafts)
    return MISSING, "", None, 0


def _deadline(kinds: tuple[str, ...], on: dt.date) -> dt.date | None:
    required = [item for item in catalog.district_requirements() if item.kind in kinds]
    dates = district.deadlines_for(on, required)
    return min(dates.values()) if dates else None


def read(
    db: sqlite_utils.Database, org_id: int, on: dt.date, path: tuple[Step, ...] | None = None
) -> list[State]:
    """The organisation's path on `on`: every shown step with its state."""
    if path is None:
        org = organisations.get_organisation(db, org_id)
        path = DISTRICT_PATH if org["kind"] == "department" else SCHOOL_PATH
    out = []
    for step in steps(path):
        kinds = _present(step)
        form = kinds[0] if kinds else None
        if step.check is not None:
            found = step.check(db, org_id, on)
            state, text, document_id, drafts = found.state, found.text, None, 0
        else:
            state, text, document_id, drafts = _from_archive(db, org_id, step, kinds)
        deadline = _deadline(kinds, on) if step.check is None else None
        if state != DONE and deadline is not None and deadline < on:
            state = OVERDUE
            text = "; ".join(part for part in (text, f"срок — {deadline:%d.%m.%Y}") if part)
        out.append(State(step, state, text, form, document_id, deadline, drafts))
    return out


@dataclass
class SchoolPath:
    """A school of the district with its path, for the district view."""

    org: dict[str, Any]
    states: list[State] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.org.get("short_name") or self.org["full_name"]

    @property
    def overdue(self) -> list[State]:
        return [state for state in self.states if state.state == OVERDUE]

    @property
    def done(self) -> int:
        return sum(1 for state in self.states if state.state == DONE)


def district_paths(db: sqlite_utils.Database, department_id: int, on: dt.date) -> list[SchoolPath]:
    """Every school of the department with its path, those with more overdue steps first."""
    rows = [
        SchoolPath(school, read(db, school["id"], on, SCHOOL_PATH))
        for school in organisations.list_schools(db, department_id)
    ]
    return sorted(rows, key=lambda row: (-len(row.overdue), row.name))


# --------------------------------------------------------------------------- pre-filling a form


def _latest_input(db: sqlite_utils.Database, org_id: int, kind: str) -> dict | None:
    """The latest input of the organisation's current document of a kind (registered first)."""
    row = next(
        db.query(
            "SELECT v.input_json FROM documents d JOIN versions v ON v.document_id = d.id "
            "AND v.n = (SELECT MAX(n) FROM versions WHERE document_id = d.id) "
            "WHERE d.org_id = ? AND d.kind = ? AND d.status != 'cancelled' "
            "ORDER BY d.status = 'registered' DESC, d.id DESC LIMIT 1",
            [org_id, kind],
        ),
        None,
    )
    return json.loads(row["input_json"]) if row else None


def _regulation_order(db: sqlite_utils.Database, org_id: int) -> dict | None:
    for doc in _documents(db, org_id, ("regulation",)):
        order = _approving_order(db, doc["id"])
        if order is not None:
            return {"date": order["reg_date"][:10], "number": order["number"]}
    return None


def school_year(on: dt.date) -> str:
    start = district.academic_year_start(on).year
    return f"{start}/{start + 1} учебный год"


def prefill(db: sqlite_utils.Database, org_id: int, slug: str, on: dt.date) -> dict[str, Any]:
    """What the path's button puts into a new form: the curator named by the curator order,
    the order that approved the regulation, the school year; only fields the kind has."""
    form = catalog.get(slug).form.fields
    values: dict[str, Any] = {}
    if "curator" in form and slug != "curator-order":
        order = _latest_input(db, org_id, "curator-order") or {}
        curator = order.get("curator")
        if isinstance(curator, Mapping) and (curator.get("id") or curator.get("surname")):
            values["curator"] = {"id": curator["id"]} if curator.get("id") else dict(curator)
    if isinstance(form.get("regulation"), mm.Nested):
        approved = _regulation_order(db, org_id)
        if approved is not None:
            values["regulation"] = approved
    if isinstance(form.get("period"), mm.String):
        values["period"] = school_year(on)
    return values
