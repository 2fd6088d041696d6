"""Pages of the registry: people, the two bases, pairs and groups, consents, the district."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for

from docgen import codes, dates, jobs
from docgen.accounts import audit, permissions
from docgen.errors import Conflict, FieldErrors, Forbidden, NotFound, field_paths
from docgen.kinds import catalog
from docgen.registry import bases as pairing
from docgen.registry import consents as registry_consents
from docgen.registry import district, organisations
from docgen.registry import groups as registry_groups
from docgen.registry import people as registry_people
from docgen.registry.excel import batches, exporting
from docgen.registry.excel.report import ImportReport
from docgen.registry.schemas import (
    CATEGORIES,
    KINDS_OF_MENTORING,
    ConsentSignSchema,
    PersonSchema,
)
from docgen.web import charts, downloads, formdata, helpers, listing
from docgen.web.helpers import get_db
from docgen.web.ids import NOT_FOUND

bp = Blueprint("registry_pages", __name__, url_prefix="/registry")

CONSENT_TITLES = codes.CODES["consent_kind"]
CONSENT_STATUS = codes.CODES["consent_status"]
SIGNER_TITLES = codes.CODES["signer"]
GROUP_STATUS = codes.CODES["group_status"]
ROLES = {"mentor": "наставники", "mentee": "наставляемые"}


def _school() -> dict:
    org = helpers.org()
    permissions.require(helpers.user(), "read", org, get_db())
    return org


def _editable() -> dict:
    org = helpers.org()
    permissions.require(helpers.user(), "edit_registry", org, get_db())
    return org


def _person(person_id: int, action: str = "read") -> dict:
    db = get_db()
    permissions.require_on(db, helpers.user(), action, "person", person_id)
    return registry_people.get_person(db, person_id)


@bp.get("/people")
@helpers.login_required
def people() -> Any:
    org = _school()
    category = listing.choice("category", CATEGORIES)
    filters = {"text": listing.text(), "category": category, "role": listing.choice("role", ROLES)}
    found = registry_people.search_people(get_db(), org["id"], **filters, page=listing.page())
    return render_template(
        "people.html",
        org=org,
        found=found,
        people=found.rows,
        filters=filters,
        roles=ROLES,
        categories=CATEGORIES,
        category=category,
        may_edit=helpers.can("edit_registry", org),
    )


def _person_payload(complete: bool) -> dict:
    specs = formdata.describe(PersonSchema)
    payload = formdata.unflatten(request.form, specs)
    if complete:
        # An edit replaces every field: a cleared box or field means «no» / empty, not «keep».
        for spec in specs:
            payload.setdefault(spec.name, False if spec.widget == "checkbox" else "")
    return payload


def _person_form(values: dict | None, errors: Any, person: dict | None, status: int = 200) -> Any:
    form = formdata.bind(formdata.describe(PersonSchema), values, errors)
    return render_template("person_form.html", form=form, person=person), status


@bp.route("/people/new", methods=["GET", "POST"])
@helpers.login_required
def new_person() -> Any:
    org = _editable()
    if request.method == "GET":
        return _person_form({"category": request.args.get("category", "")}, None, None)
    payload = _person_payload(complete=False)
    try:
        person_id = registry_people.add_person(get_db(), org["id"], payload)
    except FieldErrors as err:
        return _person_form(payload, err.fields, None, 422)
    flash("Человек добавлен в реестр.", "ok")
    return redirect(url_for("registry_pages.person", person_id=person_id))


@bp.route("/people/<id:person_id>/edit", methods=["GET", "POST"])
@helpers.login_required
def edit_person(person_id: int) -> Any:
    person = _person(person_id, "edit_registry")
    if request.method == "GET":
        return _person_form(person, None, person)
    payload = _person_payload(complete=True)
    try:
        registry_people.update_person(get_db(), person_id, payload)
    except FieldErrors as err:
        return _person_form(payload, err.fields, person, 422)
    flash("Изменения сохранены.", "ok")
    return redirect(url_for("registry_pages.person", person_id=person_id))


def _consent_form(values: dict | None = None, errors: Any = None) -> formdata.BoundForm:
    return formdata.bind(formdata.describe(ConsentSignSchema), values, errors)


@bp.get("/people/<id:person_id>")
@helpers.login_required
def person(person_id: int, sign_form: formdata.BoundForm | None = None, status: int = 200) -> Any:
    found = _person(person_id)
    db = get_db()
    org = organisations.get_organisation(db, found["org_id"])
    needed = registry_consents.required_signer(found, dt.date.today())
    return render_template(
        "person.html",
        person=found,
        consents=registry_consents.list_consents(db, person_id),
        lacking=pairing.missing_documents(db, person_id),
        sign_form=sign_form
        or _consent_form(
            {
                # «Отметить как подписанное» from a consent document names its kind.
                "kind": request.args.get("consent_kind") or "processing",
                "signed_on": dt.date.today(),
                "signer": needed,
            }
        ),
        needed=SIGNER_TITLES[needed],
        consent_titles=CONSENT_TITLES,
        consent_status=CONSENT_STATUS,
        signer_titles=SIGNER_TITLES,
        may_edit=permissions.can(helpers.user(), "edit_registry", org),
    ), status


@bp.get("/people/<id:person_id>/consents")
@helpers.login_required
def consents_address(person_id: int) -> Any:
    """The address a rejected consent form showed: opened again, it is the person's page."""
    _person(person_id)
    return redirect(url_for("registry_pages.person", person_id=person_id))


@bp.post("/people/<id:person_id>/consents")
@helpers.login_required
def sign_consent(person_id: int) -> Any:
    _person(person_id, "edit_registry")
    payload = formdata.unflatten(request.form, formdata.describe(ConsentSignSchema))
    try:
        registry_consents.sign_consent(
            get_db(),
            person_id,
            payload.get("kind", ""),
            payload.get("signed_on", ""),
            payload.get("signer", ""),
            payload.get("representative_name"),
            payload.get("representative_doc"),
        )
    except FieldErrors as err:
        return person(person_id, sign_form=_consent_form(payload, err.fields), status=422)
    flash("Согласие отмечено как подписанное.", "ok")
    return redirect(url_for("registry_pages.person", person_id=person_id))


@bp.post("/consents/<id:consent_id>/withdraw")
@helpers.login_required
def withdraw_consent(consent_id: int) -> Any:
    db = get_db()
    permissions.require_on(db, helpers.user(), "edit_registry", "consent", consent_id)
    person_id = int(request.form.get("person_id", "0") or 0)
    try:
        registry_consents.withdraw_consent(db, consent_id, request.form.get("withdrawn_on") or None)
        flash("Согласие отозвано.", "ok")
    except (FieldErrors, Conflict) as err:
        helpers.flash_error(err)
    return helpers.back(url_for("registry_pages.person", person_id=person_id))


@bp.get("/bases")
@helpers.login_required
def bases() -> Any:
    org = _school()
    db = get_db()
    return render_template(
        "bases.html",
        org=org,
        mentors=registry_people.list_people(db, org["id"], role="mentor"),
        mentees=registry_people.list_people(db, org["id"], role="mentee"),
    )


@bp.get("/consents")
@helpers.login_required
def consents() -> Any:
    org = _school()
    return render_template(
        "consents.html",
        org=org,
        missing=registry_consents.missing_consents(get_db(), org["id"]),
        on=dt.date.today(),
        may_edit=helpers.can("edit_registry", org),
    )


@bp.get("/groups")
@helpers.login_required
def groups() -> Any:
    return _groups_page()


def _groups_page(closing: dict | None = None, status: int = 200) -> Any:
    """The pairs/groups list; `closing` reopens one group's closing form with its input and errors."""
    org, db = _school(), get_db()
    forms = {form["code"]: form["title"] for form in registry_groups.list_forms(db)}
    filters = {
        "text": listing.text(),
        "status": listing.choice("status", GROUP_STATUS),
        "form_code": listing.choice("form", forms),
    }
    found = registry_groups.search_groups(db, org["id"], **filters, page=listing.page())
    return render_template(
        "groups.html",
        org=org,
        found=found,
        groups=found.rows,
        filters=filters,
        forms=forms,
        group_status=GROUP_STATUS,
        may_edit=helpers.can("edit_registry", org),
        closing=closing or {},
    ), status


def _group_form(
    values: dict, errors: dict | None, status: int = 200, group: dict | None = None
) -> Any:
    db, org = get_db(), helpers.org()
    return render_template(
        "group_form.html",
        org=org,
        group=group,
        forms=registry_groups.list_forms(db),
        mentors=registry_people.list_people(db, org["id"], role="mentor"),
        mentees=registry_people.list_people(db, org["id"], role="mentee"),
        kinds=KINDS_OF_MENTORING,
        values=values,
        errors=field_paths(errors) if errors else {},
        no_consent=_without_consent(values) if errors else [],
    ), status


def _without_consent(values: dict) -> list[dict]:
    """The chosen people whose processing consent is not in force today: each gets two links
    out of the refusal — make the consent, mark it signed."""
    db, org = get_db(), helpers.org()
    chosen = [values.get("mentor_id"), *(values.get("mentee_ids") or [])]
    found = []
    for value in dict.fromkeys(str(v) for v in chosen if v):
        if not value.isdigit():
            continue
        try:
            person = registry_people.get_person(db, int(value))
        except NotFound:
            continue
        if person["org_id"] != org["id"]:
            continue
        problem = pairing.consent_problem(db, person, dt.date.today())
        if problem:
            found.append(
                {
                    "id": person["id"],
                    "name": registry_people.short_name(person),
                    "problem": pairing.problem_text(problem),
                }
            )
    return found


def _shown_date(value: Any) -> str:
    """A date as the form shows it, ДД.ММ.ГГГГ; text that is not a date stays as typed."""
    try:
        day = dates.to_date(value)
    except dates.DateError:
        return str(value)
    return day.strftime("%d.%m.%Y") if day else ""


def _group_values(form: Any) -> dict:
    return {
        "form_code": form.get("form_code", ""),
        "mentor_id": form.get("mentor_id", ""),
        "mentee_ids": form.getlist("mentee_ids"),
        "start_date": form.get("start_date", "").strip(),
        "end_date": form.get("end_date", "").strip(),
        "kind_of_mentoring": form.get("kind_of_mentoring", ""),
        "status": form.get("status", "active"),
    }


def _save_group(org: dict, values: dict, group: dict | None) -> int:
    mentor_id = int(values["mentor_id"]) if values["mentor_id"].isdigit() else None
    try:
        return pairing.form_pair(
            get_db(),
            org["id"],
            form_code=values["form_code"],
            mentor_id=mentor_id,
            mentee_ids=[int(x) for x in values["mentee_ids"] if x.isdigit()],
            start_date=values["start_date"],
            end_date=values["end_date"],
            kind_of_mentoring=values["kind_of_mentoring"] or None,
            status=values["status"],
            group_id=group["id"] if group else None,
        )
    except FieldErrors as err:
        fields = dict(err.fields)
        if mentor_id is None:
            fields["mentor_id"] = ["Наставник: выберите"]
        raise FieldErrors(err.message, fields=fields) from None


@bp.route("/groups/new", methods=["GET", "POST"])
@helpers.login_required
def new_group() -> Any:
    org = _editable()
    if request.method == "GET":
        today = dt.date.today()
        end = dt.date(today.year + (1 if today.month >= 6 else 0), 5, 31)
        return _group_form({"start_date": _shown_date(today), "end_date": _shown_date(end)}, None)
    values = _group_values(request.form)
    try:
        group_id = _save_group(org, values, None)
    except FieldErrors as err:
        return _group_form(values, err.fields, 422)
    flash(f"Наставническая пара/группа № {group_id} сформирована.", "ok")
    return redirect(url_for("registry_pages.groups"))


@bp.route("/groups/<id:group_id>/edit", methods=["GET", "POST"])
@helpers.login_required
def edit_group(group_id: int) -> Any:
    """The pair form with the pair's values; the registry's rules are checked again on save."""
    db, me = get_db(), helpers.user()
    permissions.require_on(db, me, "edit_registry", "group", group_id)
    group = registry_groups.get_group(db, group_id)
    org = _editable()
    if group["org_id"] != org["id"]:
        raise Forbidden("Эта пара (группа) другой организации: выберите её организацию.")
    if request.method == "GET":
        values = {
            "form_code": group["form_code"],
            "mentor_id": str(group["mentor_id"]),
            "mentee_ids": [str(m["id"]) for m in group["mentees"]],
            "start_date": _shown_date(group["start_date"]),
            "end_date": _shown_date(group["end_date"]),
            "kind_of_mentoring": group["kind_of_mentoring"] or "",
            "status": group["status"],
        }
        return _group_form(values, None, group=group)
    values = _group_values(request.form)
    try:
        _save_group(org, values, group)
    except FieldErrors as err:
        return _group_form(values, err.fields, 422, group=group)
    except Conflict as err:
        helpers.flash_error(err)
        return redirect(url_for("registry_pages.groups"))
    audit.record(db, me["id"], "edit", "group", group_id, _group_change(group, values))
    flash(f"Наставническая пара/группа № {group_id} изменена.", "ok")
    return redirect(url_for("registry_pages.groups"))


def _group_change(before: dict, values: dict) -> str:
    """What the edit changed, for the audit log («наставник: 12 → 15; с: 02.09.2026 → …»)."""
    was = {
        "форма": before["form_code"],
        "наставник": str(before["mentor_id"]),
        "наставляемые": ",".join(sorted(str(m["id"]) for m in before["mentees"])),
        "с": _shown_date(before["start_date"]),
        "по": _shown_date(before["end_date"]),
        "статус": before["status"],
    }
    now = {
        "форма": values["form_code"],
        "наставник": values["mentor_id"],
        "наставляемые": ",".join(sorted(values["mentee_ids"])),
        "с": _shown_date(values["start_date"]),
        "по": _shown_date(values["end_date"]),
        "статус": values["status"],
    }
    changed = [f"{k}: {was[k]} → {now[k]}" for k in was if was[k] != now[k]]
    return "; ".join(changed) or "без изменений"


@bp.post("/groups/<id:group_id>/close")
@helpers.login_required
def close_group(group_id: int) -> Any:
    db = get_db()
    permissions.require_on(db, helpers.user(), "edit_registry", "group", group_id)
    try:
        registry_groups.close_group(
            db, group_id, request.form.get("result", ""), request.form.get("closed_on", "")
        )
    except (FieldErrors, Conflict) as err:
        if not err.fields:
            helpers.flash_error(err)
        kept = {"id": group_id, "values": request.form.to_dict(), "errors": err.fields}
        return _groups_page(closing=kept, status=err.status)
    flash("Работа пары/группы завершена.", "ok")
    return redirect(url_for("registry_pages.groups"))


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(content: bytes, name: str) -> Any:
    return downloads.send(content, name, XLSX_MIME)


@bp.route("/import", methods=["GET", "POST"])
@helpers.login_required
def import_excel() -> Any:
    """Upload a filled workbook: the import runs as a job (docgen/jobs/imports.py) within
    the time and memory limits, and this page follows it; the web thread does not wait."""
    org = _editable()
    if request.method == "GET":
        return render_template("import.html", org=org, report=None, error=None, job=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return render_template(
            "import.html", org=org, report=None, error="Выберите файл .xlsx.", job=None
        ), 422
    db = get_db()
    import_id = batches.create(
        db,
        org["id"],
        status="queued",
        content=upload.read(),
        user_id=helpers.user()["id"],
        filename=upload.filename[:200],
        valid_rows_only=bool(request.form.get("partial")),
        seconds=float(current_app.config["IMPORT_SECONDS"]),
        memory_mb=int(current_app.config["IMPORT_MEMORY_MB"]),
    )
    jobs.current().enqueue_import(import_id)
    row = batches.get(db, import_id)
    if row["status"] in ("done", "failed"):  # the queue ran it at once (tests)
        return _import_result(org, row)
    return redirect(url_for("registry_pages.import_status", import_id=import_id), 303)


@bp.get("/import/<id:import_id>")
@helpers.login_required
def import_status(import_id: int) -> Any:
    org = _editable()
    row = batches.get(get_db(), import_id)
    if row is None or row["org_id"] != org["id"]:
        raise NotFound(NOT_FOUND["import_id"])
    if row["status"] in ("queued", "running"):
        return render_template("import.html", org=org, report=None, error=None, job=row)
    return _import_result(org, row)


def _import_result(org: dict, row: dict) -> Any:
    if row["status"] == "failed":
        return render_template(
            "import.html", org=org, report=None, error=row["message"], job=None
        ), 422
    report = ImportReport.from_json(row["report_json"])
    return render_template("import.html", org=org, report=report, error=None, job=None), (
        200 if report.ok else 422
    )


@bp.get("/import/blank.xlsx")
@helpers.login_required
def blank_excel() -> Any:
    _school()
    return _xlsx(exporting.blank_workbook(), "Реестр наставничества (бланк).xlsx")


@bp.get("/export.xlsx")
@helpers.login_required
def export_excel() -> Any:
    org = _school()
    audit.record(get_db(), helpers.user()["id"], "export", "organisation", org["id"], "xlsx")
    name = f"Реестр наставничества — {org.get('short_name') or org['full_name']}.xlsx"
    return _xlsx(exporting.export_workbook(get_db(), org["id"]), name.replace("/", "-"))


def _department() -> dict:
    me, org = helpers.user(), helpers.org()
    department = org
    if org["kind"] == "school" and org.get("parent_id"):
        department = organisations.get_organisation(get_db(), org["parent_id"])
    if me["role"] not in ("municipal", "admin") or department["kind"] != "department":
        raise Forbidden(
            "Сводная таблица района доступна специалисту органа управления образованием"
        )
    permissions.require(me, "read", department, get_db())
    return department


MONTHS = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")


def _months(on: dt.date) -> list[dt.date]:
    """The first day of every month of the school year up to `on`, and `on` itself."""
    start = dt.date(on.year if on.month >= 9 else on.year - 1, 9, 1)
    days, day = [], start
    while day < on:
        days.append(day)
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return [*days, on]


def _charts(rows: list, department_id: int, on: dt.date) -> list[dict]:
    """Per indicator: a bar per school now, and the district's value month by month."""
    if not rows:
        return []
    history = [(day, district.district_totals(get_db(), department_id, day)) for day in _months(on)]
    found = []
    for index, first in enumerate(rows[0].indicators):
        if first.pairs is not None:
            continue  # «пары/группы» is two counts, not one figure to draw
        schools = [
            charts.Bar(row.name, row.indicators[index].value, row.indicators[index].text)
            for row in rows
        ]
        months = [
            charts.Bar(
                f"{MONTHS[day.month - 1]} {day.year}" if day.day == 1 else f"на {day:%d.%m.%Y}",
                values[index].value,
                values[index].text,
            )
            for day, values in history
        ]
        found.append(
            {
                "title": first.title,
                "schools": charts.bar_chart(
                    f"{first.title}: по школам", schools, target=first.target, share=first.is_share
                ),
                "months": charts.bar_chart(
                    f"{first.title}: по месяцам", months, target=first.target, share=first.is_share
                ),
            }
        )
    return found


@bp.get("/district")
@helpers.login_required
def district_page() -> Any:
    department, on = _department(), dt.date.today()
    rows = district.table(get_db(), department["id"], on, catalog.district_requirements())
    return render_template(
        "district.html",
        department=department,
        rows=rows,
        charts=_charts(rows, department["id"], on),
        total=district.district_totals(get_db(), department["id"], on),
        required=[item.kind for item in catalog.district_requirements()],
        titles={kind.slug: kind.title for kind in catalog.KINDS},
        on=on,
        org=helpers.org(),
    )


@bp.get("/district.xlsx")
@helpers.login_required
def district_xlsx() -> Any:
    department, on = _department(), dt.date.today()
    return _xlsx(
        district.table_xlsx(get_db(), department["id"], on, catalog.district_requirements()),
        f"Свод по району на {on:%d.%m.%Y}.xlsx",
    )
