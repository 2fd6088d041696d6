"""The page «Внедрение наставничества»: an organisation's ЦМН paperwork as an ordered path."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template

from docgen.accounts import permissions
from docgen.documents import path
from docgen.kinds import catalog
from docgen.registry import organisations
from docgen.web import helpers
from docgen.web.helpers import get_db

bp = Blueprint("path", __name__, url_prefix="/path")


def context(org: dict, on: dt.date) -> dict[str, Any]:
    """What a page needs to draw the path of `org`: a school's steps, or the district's."""
    db = get_db()
    me = helpers.user()
    may_create = permissions.can(me, "create_document", org)
    fillable = {kind.slug for kind in catalog.KINDS if me["role"] in kind.roles}
    if org["kind"] == "department":
        return {
            "path_org": org,
            "states": path.read(db, org["id"], on),
            "schools": path.district_paths(db, org["id"], on),
            "school_steps": path.steps(path.SCHOOL_PATH),
            "may_create": may_create,
            "fillable": fillable,
            "on": on,
        }
    return {
        "path_org": org,
        "states": path.read(db, org["id"], on),
        "schools": None,
        "may_create": may_create and org["id"] == helpers.org()["id"],
        "fillable": fillable,
        "on": on,
    }


@bp.get("")
@helpers.login_required
def own() -> Any:
    org = helpers.org()
    return render_template("path.html", org=org, **context(org, dt.date.today()))


@bp.get("/<id:org_id>")
@helpers.login_required
def school(org_id: int) -> Any:
    """A school's path as the district officer sees it (read only unless it is their own)."""
    db = get_db()
    found = organisations.get_organisation(db, org_id)
    permissions.require(helpers.user(), "read", found, db)
    return render_template("path.html", org=helpers.org(), **context(found, dt.date.today()))
