"""Computed values of the approved local acts: approval requisites, model texts merged with the
user's edits, roadmap rows, and the mentoring pair of a personalised programme from the registry.

Each `*_extras(values, sources)` is a catalog `Kind.extras`: it gets the template values built
from the input and returns the names its template needs besides the input (see `PROVIDES`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlite_utils

from docgen import dates, ru
from docgen.errors import DocgenError, FieldErrors
from docgen.forms import int_from_text
from docgen.kinds import model_texts
from docgen.kinds.acts import ACTS
from docgen.kinds.orders.values import cited
from docgen.kinds.programmes.schema import early_deadline, period_error
from docgen.registry import groups, organisations
from docgen.rendering import context as ctx

PROVIDES = {
    "regulation": frozenset({"approval", "protocol", "opinions", "kind_word", "heading", "text"}),
    "roadmap": frozenset({"approval", "kind_word", "heading", "roadmap", "model_used"}),
    "programme": frozenset({"approval", "reviewed_protocol", "kind_word", "heading", "programme"}),
    "personal-programme": frozenset({"approval", "expected", "monitoring_items"}),
    "municipal-programme": frozenset({"approval", "kind_word", "heading", "text", "levels"}),
}

BULLETS = ("—", "–", "-", "•")


def approval(values: Mapping[str, Any]) -> ctx.Requisites:
    """The approving order: the order this document is an annex of, else the one given, else blanks."""
    doc = values.get("doc")
    if doc is not None and doc.registered:
        return doc
    given = values.get("approved_by")
    if given:
        return ctx.Requisites(number=given["number"], date=given["date"])
    return ctx.Requisites()


def _protocol(data: Mapping[str, Any] | None) -> ctx.Requisites:
    data = data or {}
    return ctx.Requisites(number=data.get("number") or None, date=data.get("date"))


def _one_error(name: str, message: str) -> FieldErrors:
    return FieldErrors(message, fields={name: [message]})


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# ---------------------------------------------------------------- regulation


def _key(text: str | None) -> str:
    return " ".join((text or "").replace("ё", "е").split()).casefold().rstrip(".")


def model_sections(variant: str) -> list[dict[str, Any]]:
    """The model sections of a regulation, as the form's `sections` input (for a form to offer)."""
    name = "regulation-teachers" if variant == "педагоги" else "regulation-students"
    return [
        {"number": number, **section}
        for number, section in enumerate(model_texts.load(name)["sections"], start=1)
    ]


def merge_sections(model: list[dict], edits: list[dict], full: bool) -> list[dict]:
    """The model sections with the user's sections put in by number or heading.

    A user's section that matches nothing is added before the closing section; `full` makes
    the user's list the whole text.
    """
    if full:
        return [{"heading": e["heading"], "paragraphs": e["paragraphs"]} for e in edits]
    sections = [dict(s, omit=False) for s in model]
    extra = []
    for edit in edits:
        target = None
        if edit.get("number") is not None and edit["number"] <= len(sections):
            target = sections[edit["number"] - 1]
        elif edit.get("heading"):
            target = next(
                (s for s in sections if _key(s["heading"]) == _key(edit["heading"])), None
            )
        if target is None:
            if not edit.get("omit"):
                extra.append(
                    {"heading": edit.get("heading") or "", "paragraphs": edit["paragraphs"]}
                )
            continue
        if edit.get("omit"):
            target["omit"] = True
            continue
        if edit.get("heading"):
            target["heading"] = edit["heading"]
        target["paragraphs"] = edit["paragraphs"]
    kept = [s for s in sections if not s["omit"]]
    if kept and extra:
        kept = kept[:-1] + extra + kept[-1:]
    else:
        kept += extra
    return kept


def number_clauses(sections: list[dict], org: Any, fill: Mapping[str, Any]) -> list[dict]:
    """Sections numbered 1, 2 …, clauses 1.1, 1.2 …; «— …» lines stay unnumbered list items."""
    result = []
    for s_number, section in enumerate(sections, start=1):
        clauses, c_number = [], 0
        for paragraph in section["paragraphs"]:
            for line in (part.strip() for part in paragraph.split("\n")):
                if not line:
                    continue
                text = model_texts.fill(line, org, fill)
                if line.startswith(BULLETS):
                    clauses.append({"label": "", "text": text})
                else:
                    c_number += 1
                    clauses.append({"label": f"{s_number}.{c_number}.", "text": text})
        result.append({"number": s_number, "heading": section["heading"], "clauses": clauses})
    return result


def regulation_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    name = "regulation-teachers" if values["variant"] == "педагоги" else "regulation-students"
    model = model_texts.load(name)
    org = values["org"]
    effective = values.get("effective_date")
    fill = {
        "max_mentees": values.get("max_mentees") or 2,
        "effective": f"с {ru.date_short(effective)}" if effective else "со дня его утверждения",
    }
    sections = merge_sections(
        model["sections"], values.get("sections") or [], bool(values.get("sections_full"))
    )
    subject = values.get("subject") or f"{model['subject']} в {org.name_in('pre')}"
    return {
        "approval": approval(values),
        "protocol": _protocol(values.get("pedsovet")),
        "opinions": [
            {"body": c["body"], "protocol": _protocol(c)} for c in values.get("councils") or []
        ],
        "kind_word": model["kind_word"],
        "heading": subject,
        "text": number_clauses(sections, org, fill),
    }


# ---------------------------------------------------------------- roadmap


def model_roadmap() -> list[dict[str, Any]]:
    """The model roadmap as the form's `sections` input, for a form to offer as a start."""
    return [
        {
            "title": section["title"],
            "rows": [
                {
                    "content": row["content"],
                    "deadline": row["deadline"],
                    "result": row["result"],
                    "indicator": row["indicator"],
                    "responsible": [],
                    "responsible_text": row["responsible"],
                }
                for row in section["rows"]
            ],
        }
        for section in model_texts.load("roadmap")["sections"]
    ]


def _who(person: ctx.Person) -> str:
    """«заместитель директора по УВР Чернова Н.В.» — position and name, as a roadmap needs."""
    return " ".join(part for part in (person.pos(), person.short()) if part)


def roadmap_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    org, signer, curator = values["org"], values["signer"], values.get("curator")
    sections = values.get("sections") or []
    model_used = not sections
    if model_used:
        sections = model_roadmap()
    head = signer.position_line[:1].lower() + signer.position_line[1:]
    fill = {
        "curator": f"куратор {curator.short()}" if curator else "куратор",
        "director": f"{head} {signer.person.short()}".strip(),
    }
    result = []
    for s_number, section in enumerate(sections, start=1):
        rows = []
        for r_number, row in enumerate(section["rows"], start=1):
            people = [_who(p) for p in row.get("responsible") or []]
            text = model_texts.fill(row.get("responsible_text") or "", org, fill)
            rows.append(
                {
                    "number": f"{s_number}.{r_number}",
                    "content": row["content"],
                    "deadline": row["deadline"],
                    "result": row.get("result") or "",
                    "indicator": row.get("indicator") or "",
                    "responsible": _capitalise(", ".join([*people, text] if text else people)),
                }
            )
        result.append({"number": s_number, "title": section["title"], "rows": rows})
    approved = approval(values)
    if approved.date is not None:
        problem = early_deadline(sections, approved.date)
        if problem:
            raise _one_error("sections", problem)
    model = model_texts.load("roadmap")
    subject = values.get("subject") or f"{model['subject']} в {org.name_in('pre')}"
    return {
        "approval": approved,
        "kind_word": model["kind_word"],
        "heading": f"{subject} на {values['period']}",
        "roadmap": result,
        "model_used": model_used,
    }


# ---------------------------------------------------------------- programme

AUDIENCE_ACC = {
    "обучающиеся": "обучающихся",
    "педагоги": "педагогических работников",
    "обучающиеся и педагоги": "обучающихся и педагогических работников",
}


def legal_base(audience: str, org: Any, regulation: Mapping[str, Any] | None) -> list[str]:
    """The acts a programme rests on, in their canonical citations (DOMAIN.md §0)."""
    codes = ["law273"]
    if "обучающиеся" in audience:
        codes += ["r145", "mr42"]
    if "педагоги" in audience:
        codes += ["az1128", "r3273"]
    codes += ["r1264", "ukaz94", "law152"]
    acts = [ACTS[code].cite() for code in codes]
    if regulation:
        acts.append(
            f"Положение о наставничестве {org.name_gen}, утверждённое приказом "
            f"от {ru.date_short(regulation['date'])}\u00a0№\u00a0{regulation['number']}"
        )
    acts.append(f"Устав {org.name_gen}")
    return acts


def programme_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    org, audience = values["org"], values["audience"]
    model = model_texts.load("programme")
    fill = {"period": values["period"], "audience": AUDIENCE_ACC[audience]}
    forms = values.get("forms") or [
        form for group, rows in model["forms"].items() if group in audience for form in rows
    ]
    name = values.get("name")
    heading = model["subject"] + (f" «{name.strip('«»')}»" if name else "")
    return {
        "approval": approval(values),
        "reviewed_protocol": _protocol(values.get("reviewed")),
        "kind_word": model["kind_word"],
        "heading": f"{heading} {org.name_gen} на {values['period']}",
        "programme": {
            "relevance": [
                model_texts.fill(p, org, fill)
                for p in values.get("relevance") or model["relevance"]
            ],
            "legal": legal_base(audience, org, values.get("regulation")),
            "goal": model_texts.fill(values.get("goal") or model["goal"], org, fill),
            "tasks": values.get("tasks") or model["tasks"],
            "forms": forms,
            "management": [model_texts.fill(p, org, fill) for p in model["management"]],
            "stages": values.get("stages") or model["stages"],
            "monitoring": model["monitoring"],
            "expected_results": values.get("expected_results") or model["expected_results"],
        },
    }


# ---------------------------------------------------------------- personalised programme


def experience_text(years: int | None) -> str:
    if years is None:
        return ""
    return "менее 1 года" if years == 0 else ru.plural(years, "год")


def _participant(given: Mapping[str, Any] | None, record: Mapping[str, Any] | None) -> dict:
    """A participant: registry person and experience, with what the form gives on top."""
    given = dict(given or {})
    if record is not None:
        inline = given.get("person")
        person = ctx.person(record)
        if inline is not None and inline.position:
            person = ctx.Person(**{**person.__dict__, "position": inline.position})
        given["person"] = person
        if given.get("experience") is None:
            given["experience"] = record.get("experience_years")
    for key in ("category", "subject", "education"):
        given.setdefault(key, "")
    given["experience_text"] = experience_text(given.get("experience"))
    return given


def _pair_from_registry(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    """Mentor, mentee, form and period of the registry pair `group_id`."""
    try:
        group = groups.get_group(sources.db, values["group_id"])
    except DocgenError as err:
        raise _one_error("group_id", "Наставническая пара не найдена в реестре.") from err
    if sources.org_id is not None and group.get("org_id") != sources.org_id:
        raise _one_error("group_id", "Наставническая пара принадлежит другой организации.")
    mentees = group.get("mentees") or []
    if not mentees:
        raise _one_error("group_id", "В наставнической паре нет наставляемого.")
    inline = values.get("mentee") or {}
    wanted = getattr(inline.get("person"), "id", None)
    record = next((m for m in mentees if m["id"] == wanted), None)
    if record is None:
        if len(mentees) > 1:
            raise _one_error(
                "mentee", "В группе несколько наставляемых: укажите, для кого программа."
            )
        record = mentees[0]
    form = group.get("form") or {}
    return {
        "mentor": _participant(values.get("mentor"), group["mentor"]),
        "mentee": _participant(inline, record),
        "form": values.get("form") or form.get("title") or "",
        "kind_of_mentoring": group.get("kind_of_mentoring") or values.get("kind_of_mentoring"),
        "start": dates.to_date(group.get("start_date")) or values.get("start"),
        "end": dates.to_date(group.get("end_date")) or values.get("end"),
    }


def personal_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    if values.get("group_id") is not None and getattr(sources, "db", None) is not None:
        pair = _pair_from_registry(values, sources)
    elif values.get("mentor") and values.get("mentee") and values.get("start"):
        pair = {
            "mentor": _participant(values["mentor"], None),
            "mentee": _participant(values["mentee"], None),
        }
    else:
        raise _one_error(
            "group_id",
            "Реестр недоступен: укажите наставника, наставляемого и сроки программы в форме.",
        )
    start, end = pair.get("start", values.get("start")), pair.get("end", values.get("end"))
    problem = period_error(start, end) if start and end else "Укажите сроки программы."
    if problem:
        raise _one_error("end", problem)
    model = model_texts.load("personal-programme")
    given = values.get("expected_results") or {}
    expected = {
        key: given.get(key) or model["expected_results"][key] for key in ("mentee", "mentor", "org")
    }
    return {
        **pair,
        "approval": approval(values),
        "expected": expected,
        "monitoring_items": values.get("monitoring") or model["monitoring"],
    }


def roadmap_events(given: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(deadline as typed, event) of every row of a roadmap's input: the start page's reminders."""
    return [
        (str(item.get("deadline") or ""), str(item.get("content") or ""))
        for section in given.get("sections") or []
        for item in section.get("rows") or []
    ]


def personal_programme_items(
    db: sqlite_utils.Database, org_id: int, on: dt.date, common: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """A personalised programme for every young teacher (0–3 years) in a pair active on `on`:
    the pair is named by its registry id, so mentor, mentee, form and period come from it."""
    items = []
    for group in groups.list_groups(db, org_id, on=on):
        if group["status"] == "planned":
            continue
        for mentee in group["mentees"]:
            years = mentee["experience_years"]
            if mentee["category"] != "педагог" or years is None or years > 3:
                continue
            items.append(
                {**common, "group_id": group["id"], "mentee": {"person": {"id": mentee["id"]}}}
            )
    return items


def personal_programme_common(
    choices: Mapping[str, Any], sample: Mapping[str, Any]
) -> dict[str, Any]:
    """The model programme of the sample, for the pairs' own participants and curator."""
    keep = ("deficits", "request", "strengths", "goal", "tasks", "plan")
    common = {key: sample[key] for key in keep if key in sample}
    curator = choices.get("curator_id")
    if isinstance(curator, str):  # a page's select
        curator = int_from_text(curator)
    if not isinstance(curator, int) or isinstance(curator, bool) or curator < 1:
        message = "Выберите куратора программ."
        raise FieldErrors(message, fields={"curator_id": [message]})
    return {**common, "curator": {"id": curator}}


# ---------------------------------------------------------------- municipal programme

MUNICIPAL_CODES = ("law273", "r145", "mr42", "az1128", "r3273", "r1264", "ukaz94")


def _expand(paragraphs: list[str], lists: Mapping[str, list[str]]) -> list[str]:
    """A paragraph that is only `{name}` of a list becomes «— item;» lines; an empty list
    drops it and closes the paragraph before with a period instead of the colon."""
    result: list[str] = []
    for paragraph in paragraphs:
        key = paragraph.strip()[1:-1] if paragraph.strip().startswith("{") else ""
        if key not in lists:
            result.append(paragraph)
            continue
        items = lists[key]
        if items:
            last = len(items) - 1
            result += [f"— {x}{'.' if i == last else ';'}" for i, x in enumerate(items)]
        elif result and result[-1].rstrip().endswith(":"):
            result[-1] = result[-1].rstrip()[:-1] + "."
    return result


def _schools(values: Mapping[str, Any], sources: Any) -> list[str]:
    """The schools the programme binds: typed in the form, else the department's in the registry."""
    if values.get("schools"):
        return list(values["schools"])
    if getattr(sources, "db", None) is None or sources.org_id is None:
        return []
    return [
        school.get("short_name") or school["full_name"]
        for school in organisations.list_schools(sources.db, sources.org_id)
    ]


def municipal_programme_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    org, area = values["org"], values["area"]
    model = model_texts.load("municipal-programme")
    name = (values.get("name") or "").strip().strip("«»")
    fill = {
        "name": f" «{name}»" if name else "",
        "area_gen": ru.inflect(area, "gen", kind="org"),
        "region_gen": ru.inflect(values["region"], "gen", kind="org"),
    }
    approved = approval(values)
    legal = [
        ACTS[code].cite("ins")
        for code in MUNICIPAL_CODES
        if approved.date is None or dates.parse(ACTS[code].date) <= approved.date
    ]
    legal += [act.cite("ins") for act in cited(values.get("regional_acts") or [])]
    lists = {"legal_base": legal, "schools": _schools(values, sources)}
    sections = merge_sections(
        model["sections"], values.get("sections") or [], bool(values.get("sections_full"))
    )
    for section in sections:
        section["paragraphs"] = _expand(section["paragraphs"], lists)
    text = number_clauses(sections, org, fill)
    for numbered, section in zip(text, sections, strict=True):
        numbered["levels"] = bool(section.get("levels"))
    levels = values.get("levels") or model["levels"]
    period = values.get("period")
    heading = (f"«{name}» " if name else "") + f"{model['subject']} {fill['area_gen']}"
    return {
        "approval": approved,
        "kind_word": model["kind_word"],
        "heading": heading + (f" на {period}" if period else ""),
        "text": text,
        "levels": [
            {
                "level": model_texts.fill(level["level"], org, fill),
                "directions": [model_texts.fill(d, org, fill) for d in level["directions"]],
            }
            for level in levels
        ],
    }
