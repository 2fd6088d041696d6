"""Curator's pages of the satisfaction surveys: issue, links and QR sheet, response rate, export."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import segno
from flask import Blueprint, redirect, render_template, request, send_file, url_for
from markupsafe import Markup

from docgen.accounts import permissions
from docgen.errors import FieldErrors, NotFound, field_paths
from docgen.registry import groups as registry_groups
from docgen.surveys import issuing, questionnaires, results
from docgen.web import helpers
from docgen.web.api.surveys import link_url
from docgen.web.helpers import get_db

bp = Blueprint("surveys", __name__, url_prefix="/surveys")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _school() -> dict:
    org = helpers.org()
    if org["kind"] != "school":
        raise NotFound("Анкетирование проводит школа: выберите школу в списке организаций.")
    return org


def _survey(survey_id: int, action: str) -> dict:
    db = get_db()
    try:
        survey = issuing.get_survey(db, survey_id)
    except issuing.LinkNotFound:
        raise NotFound("Анкетирование не найдено.") from None
    permissions.require(helpers.user(), action, survey["org_id"], db)
    return survey


def _index(values: dict, errors: dict | None = None, status: int = 200) -> Any:
    db, org = get_db(), _school()
    today = dt.date.today()
    surveys = issuing.list_surveys(db, org["id"])
    for survey in surveys:
        survey["title"] = questionnaires.get(survey["audience"], survey["stage"]).title
        survey["rate"] = results.response_rate(db, survey["id"])
    return render_template(
        "surveys.html",
        org=org,
        surveys=surveys,
        groups=[
            g
            for g in registry_groups.list_groups(db, org["id"], on=today)
            if g["status"] not in ("planned", "closed")
        ],
        audiences=questionnaires.AUDIENCES,
        stages=questionnaires.STAGES,
        values=values,
        errors=field_paths(errors) if errors else {},
        default_close=today + dt.timedelta(days=issuing.DEFAULT_DAYS),
        may_issue=helpers.can("edit_registry", org),
        method=results.METHOD,
    ), status


@bp.get("")
@helpers.login_required
def index() -> Any:
    return _index({"audience": "mentees", "stage": "end"})


def _qr(url: str) -> Markup:
    # Inline SVG made here: no image service, no CDN, prints sharp.
    return Markup(segno.make(url, error="m").svg_inline(scale=3, border=2))


def _links_page(survey: dict, issued: issuing.Issued) -> Any:
    cards = [
        {"name": link.name, "url": link_url(link.token), "qr": _qr(link_url(link.token))}
        for link in issued.links
    ]
    page = render_template(
        "survey_links.html",
        survey=survey,
        title=questionnaires.get(survey["audience"], survey["stage"]).title,
        cards=cards,
        refused=issued.refused,
        closes_on=dt.date.fromisoformat(survey["closes_on"]),
    )
    # The tokens exist only on this page: never cache it.
    return page, 200, {"Cache-Control": "no-store"}


@bp.post("")
@helpers.login_required
def issue() -> Any:
    db, org = get_db(), _school()
    permissions.require(helpers.user(), "edit_registry", org, db)
    form = request.form
    values = {
        "audience": form.get("audience", ""),
        "stage": form.get("stage", ""),
        "group_ids": form.getlist("group_ids"),
        "closes_on": form.get("closes_on", ""),
        "extra_items": form.get("extra_items", ""),
    }
    try:
        group_ids = [int(x) for x in values["group_ids"] if x.isdigit()] or None
        closes_on = (
            helpers.parse_date(values["closes_on"], "closes_on", "Ответы до")
            if values["closes_on"].strip()
            else None
        )
        issued = issuing.issue(
            db,
            org["id"],
            values["audience"],
            values["stage"],
            on=dt.date.today(),
            group_ids=group_ids,
            closes_on=closes_on,
            extra=values["extra_items"].splitlines(),
            user_id=helpers.user()["id"],
        )
    except FieldErrors as err:
        return _index(values, err.fields or {"_schema": [err.message]}, 422)
    return _links_page(issuing.get_survey(db, issued.survey_id), issued)


@bp.get("/<id:survey_id>")
@helpers.login_required
def survey_page(survey_id: int) -> Any:
    survey = _survey(survey_id, "read")
    db = get_db()
    return render_template(
        "survey.html",
        survey=survey,
        title=questionnaires.get(survey["audience"], survey["stage"]).title,
        rate=results.response_rate(db, survey_id),
        participants=issuing.participants(db, survey_id),
        means=results.item_means(db, survey_id),
        closes_on=dt.date.fromisoformat(survey["closes_on"]),
        may_issue=helpers.can("edit_registry", helpers.org())
        and helpers.org()["id"] == survey["org_id"],
        method=results.METHOD,
    )


@bp.post("/<id:survey_id>/links")
@helpers.login_required
def reissue(survey_id: int) -> Any:
    survey = _survey(survey_id, "edit_registry")
    if dt.date.today() > dt.date.fromisoformat(survey["closes_on"]):
        helpers.flash_error(FieldErrors("Анкетирование завершено: новые ссылки не выдаются."))
        return redirect(url_for("surveys.survey_page", survey_id=survey_id))
    issued = issuing.reissue(get_db(), survey_id, dt.date.today())
    return _links_page(survey, issued)


@bp.get("/<id:survey_id>/answers.xlsx")
@helpers.login_required
def export(survey_id: int) -> Any:
    _survey(survey_id, "edit_registry")
    data = results.export_xlsx(get_db(), survey_id)
    return send_file(
        io.BytesIO(data),
        mimetype=XLSX,
        as_attachment=True,
        download_name=f"Ответы на анкету {survey_id}.xlsx",
    )
