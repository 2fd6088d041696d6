"""The «Пары и группы» sheet of an import: rows with one number form one pair or group."""

from __future__ import annotations

import datetime as dt

from docgen.registry import bases, groups
from docgen.registry.excel import fast
from docgen.registry.excel.rows import (
    Context,
    cell_errors,
    date_or_fail,
    lookup,
    record_errors,
    run_row,
)
from docgen.registry.excel.sheets import (
    FORM_TEXT,
    FORMS,
    PAIRS,
    STATUSES,
    cell_text,
)
from docgen.registry.schemas import KINDS_OF_MENTORING


def import_pairs(ctx: Context, rows: list[tuple[int, dict]]) -> None:
    groups: dict[str, list[tuple[int, dict]]] = {}
    for number, record in rows:
        label = cell_text(record.get("number"))
        if not label:
            record_errors(ctx, PAIRS, number, record, [("number", "обязательное поле")])
            continue
        groups.setdefault(label, []).append((number, record))
    for members in groups.values():
        _import_group(ctx, members)


_GROUP_KEYS = (
    "mentor",
    "mentor_birth",
    "form",
    "kind_of_mentoring",
    "start_date",
    "end_date",
    "status",
    "result",
    "closed_on",
)


def _import_group(ctx: Context, members: list[tuple[int, dict]]) -> None:
    first_number, first = members[0]
    failed = False
    for number, record in members:
        if bad_cells := cell_errors(record):
            record_errors(ctx, PAIRS, number, record, bad_cells)
            failed = True
    if failed:
        return  # a group's other checks read its cells; they run once the cells are fixed
    # Later rows of a group may leave the group's columns empty, but may not contradict them.
    for number, record in members[1:]:
        clashes = [
            (key, f"не совпадает со строкой {first_number} той же пары (группы)")
            for key in _GROUP_KEYS
            if cell_text(record.get(key))
            and cell_text(record.get(key)) != cell_text(first.get(key))
        ]
        if clashes:
            record_errors(ctx, PAIRS, number, record, clashes)
            failed = True
    errors: list[tuple[str, str]] = []
    mentor_id, mentor_errors = lookup(
        ctx, first.get("mentor"), first.get("mentor_birth"), "mentor", "mentor_birth"
    )
    errors += mentor_errors
    mentee_ids = []
    for number, record in members:
        mentee_id, mentee_errors = lookup(
            ctx, record.get("mentee"), record.get("mentee_birth"), "mentee", "mentee_birth"
        )
        if mentee_errors:
            record_errors(ctx, PAIRS, number, record, mentee_errors)
            failed = True
        else:
            mentee_ids.append(mentee_id)
    form_text = cell_text(first.get("form"))
    form_code = FORMS.get(form_text) or (form_text if form_text in FORM_TEXT else None)
    if not form_text:
        errors.append(("form", "обязательное поле"))
    elif form_code is None:
        errors.append(("form", "допустимые значения — " + ", ".join(FORMS)))
    kind = cell_text(first.get("kind_of_mentoring")) or None
    if kind is not None and kind not in KINDS_OF_MENTORING:
        errors.append(
            ("kind_of_mentoring", "допустимые значения — " + ", ".join(KINDS_OF_MENTORING))
        )
    start = date_or_fail(first, "start_date", errors)
    end = date_or_fail(first, "end_date", errors)
    for key, value in (("start_date", start), ("end_date", end)):
        if value is None and not any(k == key for k, _ in errors):
            errors.append((key, "обязательное поле"))
    status_text = cell_text(first.get("status")).casefold() or "действует"
    status = STATUSES.get(status_text)
    if status is None:
        errors.append(("status", "допустимые значения — " + ", ".join(STATUSES)))
    closed_on = date_or_fail(first, "closed_on", errors)
    result = cell_text(first.get("result"))
    if status == "closed":
        if closed_on is None and not any(k == "closed_on" for k, _ in errors):
            errors.append(("closed_on", "обязательное поле для завершённой пары (группы)"))
        if not result:
            errors.append(("result", "обязательное поле для завершённой пары (группы)"))
    if errors:
        record_errors(ctx, PAIRS, first_number, first, errors)
        return
    if failed:
        return

    mentor, mentees = ctx.known.get(mentor_id), [ctx.known.get(i) for i in mentee_ids]
    closing = (result, closed_on) if status == "closed" else None
    args = (ctx.forms.get(form_code), mentor, mentees, start, end, kind, status, ctx.on)
    if fast.group_passes(*args, closed=closing):  # type: ignore[arg-type]
        # Everyone was added by this import: no pair in the registry can be theirs yet.
        identity = (mentor_id, start, frozenset(mentee_ids))

        def apply_fast() -> None:
            if identity in ctx.added_groups:
                ctx.report.groups_existing += 1
                return
            fast.add_group(
                ctx.db.conn,
                ctx.org_id,
                form_code=form_code,
                mentor_id=mentor_id,
                mentee_ids=mentee_ids,
                start=start,
                end=end,
                kind=kind,
                status=status,
                closed=closing,
            )
            ctx.added_groups.add(identity)
            ctx.report.groups_added += 1

        run_row(ctx, PAIRS, first_number, first, apply_fast, savepoint=False)
        return

    def apply() -> None:
        existing = _find_group(ctx, mentor_id, mentee_ids, start)
        if existing is not None:
            ctx.report.groups_existing += 1
            if status == "closed" and existing["status"] != "closed":
                groups.close_group(ctx.db, existing["id"], result, closed_on)
            return
        pair = {
            "form_code": form_code,
            "mentor_id": mentor_id,
            "mentee_ids": mentee_ids,
            "start_date": start,
            "end_date": end,
            "kind_of_mentoring": kind,
        }
        if status == "closed":
            # A finished pair is history: it needs no consent in force today.
            group_id = groups.create_group(ctx.db, ctx.org_id, **pair)
            groups.close_group(ctx.db, group_id, result, closed_on)
        else:
            bases.form_pair(ctx.db, ctx.org_id, **pair, status=status, on=ctx.on)
        ctx.report.groups_added += 1

    run_row(ctx, PAIRS, first_number, first, apply)


def _find_group(ctx: Context, mentor_id: int, mentee_ids: list[int], start: dt.date) -> dict | None:
    for group in ctx.db.query(
        "SELECT * FROM mentoring_groups WHERE org_id = ? AND mentor_id = ? AND start_date = ?",
        [ctx.org_id, mentor_id, start.isoformat()],
    ):
        members = {
            row["person_id"]
            for row in ctx.db.query(
                "SELECT person_id FROM group_mentees WHERE group_id = ?", [group["id"]]
            )
        }
        if members == set(mentee_ids):
            return group
    return None
