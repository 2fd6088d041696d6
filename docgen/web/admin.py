"""Administration pages: users and roles, numbering series, template variants, the audit log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for

from docgen import codes
from docgen.accounts import audit as audit_log
from docgen.accounts import permissions, users
from docgen.documents import journal as numbering
from docgen.documents import variants
from docgen.errors import Conflict, FieldErrors, NotFound
from docgen.kinds import catalog
from docgen.registry import organisations
from docgen.rendering import sandbox
from docgen.web import helpers, listing
from docgen.web.helpers import get_db

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _managed(action: str) -> dict:
    org = helpers.org()
    permissions.require(helpers.user(), action, org, get_db())
    return org


def _users_page(values: dict, errors: dict, status: int = 200) -> Any:
    db = get_db()
    return render_template(
        "admin_users.html",
        users_list=users.list_users(db),
        organisations={o["id"]: o for o in organisations.list_organisations(db)},
        roles=users.ROLES,
        values=values,
        errors=errors,
    ), status


@bp.route("/users", methods=["GET", "POST"])
@helpers.login_required
def users_page() -> Any:
    _managed("manage_users")
    if request.method == "GET":
        return _users_page({}, {})
    form = request.form
    values = {k: form.get(k, "") for k in ("login", "full_name", "role", "org_id")}
    try:
        org_id = int(values["org_id"]) if values["org_id"] else None
        users.create_user(
            get_db(), values["login"], form.get("password", ""), values["role"], org_id,
            values["full_name"],
        )  # fmt: skip
    except FieldErrors as err:
        return _users_page(values, err.fields, 422)
    created = next(u for u in users.list_users(get_db()) if u["login"] == values["login"].strip())
    audit_log.record(
        get_db(), helpers.user()["id"], "create", "user", created["id"], created["role"]
    )
    flash(f"Пользователь «{values['login']}» создан.", "ok")
    return redirect(url_for("admin.users_page"))


def _user_page(edited: dict, values: dict, errors: dict, status: int = 200) -> Any:
    db = get_db()
    return render_template(
        "admin_user.html",
        edited=edited,
        organisations={o["id"]: o for o in organisations.list_organisations(db)},
        roles=users.ROLES,
        values=values,
        errors=errors,
        min_length=users.MIN_PASSWORD_LENGTH,
    ), status


def _own_account(user_id: int, message: str) -> None:
    """An administrator does not block or demote themselves (nobody could undo it)."""
    if user_id == helpers.user()["id"]:
        raise Conflict(message)


@bp.route("/users/<id:user_id>", methods=["GET", "POST"])
@helpers.login_required
def edit_user(user_id: int) -> Any:
    """Role, organisation and name of a user; blocking and a password reset on the same page."""
    _managed("manage_users")
    db = get_db()
    edited = users.get_user(db, user_id)
    if request.method == "GET":
        values = {k: edited[k] or "" for k in ("full_name", "role", "org_id")}
        return _user_page(edited, {**values, "org_id": str(values["org_id"])}, {})
    values = {k: request.form.get(k, "") for k in ("full_name", "role", "org_id")}
    try:
        if values["role"] != "admin":
            _own_account(user_id, "Нельзя снять с себя роль администратора.")
        org_id = int(values["org_id"]) if values["org_id"] else None
        users.update_user(
            db, user_id, role=values["role"], org_id=org_id, full_name=values["full_name"]
        )
    except FieldErrors as err:
        return _user_page(edited, values, err.fields, 422)
    except Conflict as err:
        return _user_page(edited, values, {"role": [err.message]}, 409)
    detail = f"роль {values['role']}, организация {values['org_id'] or '—'}"
    audit_log.record(db, helpers.user()["id"], "edit", "user", user_id, detail)
    flash(f"Пользователь «{edited['login']}» изменён.", "ok")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.post("/users/<id:user_id>/<any(block, unblock):action>")
@helpers.login_required
def block_user(user_id: int, action: str) -> Any:
    """Blocking ends every session and the token of the user at once."""
    _managed("manage_users")
    db = get_db()
    edited = users.get_user(db, user_id)
    if action == "block":
        _own_account(user_id, "Нельзя заблокировать собственную учётную запись.")
        users.block_user(db, user_id)
        flash(f"Пользователь «{edited['login']}» заблокирован: его сеансы завершены.", "ok")
    else:
        users.unblock_user(db, user_id)
        flash(f"Пользователь «{edited['login']}» разблокирован.", "ok")
    audit_log.record(db, helpers.user()["id"], action, "user", user_id)
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.post("/users/<id:user_id>/password")
@helpers.login_required
def reset_password(user_id: int) -> Any:
    """A new password set by the administrator: the user's sessions end, locks are lifted."""
    _managed("manage_users")
    db = get_db()
    edited = users.get_user(db, user_id)
    try:
        users.set_password(db, user_id, request.form.get("password") or "")
    except FieldErrors as err:
        values = {k: edited[k] or "" for k in ("full_name", "role", "org_id")}
        return _user_page(edited, {**values, "org_id": str(values["org_id"])}, err.fields, 422)
    audit_log.record(db, helpers.user()["id"], "password_reset", "user", user_id)
    if user_id == helpers.user()["id"]:
        helpers.end_session()
        flash("Пароль изменён. Войдите с новым паролем.", "ok")
        return redirect(url_for("auth.login"))
    flash(f"Пароль пользователя «{edited['login']}» изменён: его сеансы завершены.", "ok")
    return redirect(url_for("admin.edit_user", user_id=user_id))


def _journals(series: list[dict]) -> dict[str, tuple[str, str]]:
    """The journals the kinds number in (code → title, pattern), as the organisation set them
    where it has."""
    journals = dict(catalog.SERIES)
    return journals | {row["code"]: (row["title"], row["pattern"]) for row in series}


def _series_page(org: dict, values: dict, errors: dict, status: int = 200) -> Any:
    series = numbering.list_series(get_db(), org["id"])
    return render_template(
        "admin_series.html",
        org=org,
        series=series,
        journals=[(code, title) for code, (title, _) in _journals(series).items()],
        values=values,
        errors=errors,
    ), status


@bp.route("/series", methods=["GET", "POST"])
@helpers.login_required
def series() -> Any:
    org = _managed("manage")
    if request.method == "GET":
        return _series_page(org, {}, {})
    values = {k: (request.form.get(k) or "").strip() for k in ("code", "title", "pattern")}
    journals = _journals(numbering.list_series(get_db(), org["id"]))
    try:
        if values["code"] not in journals:
            raise FieldErrors("Выберите журнал из списка.", fields={"code": ["Выберите журнал."]})
        # A box left empty keeps what the journal has.
        title, pattern = journals[values["code"]]
        pattern = values["pattern"] or pattern
        numbering.ensure_series(
            get_db(), org["id"], values["code"], values["title"] or title, pattern
        )
    except FieldErrors as err:
        return _series_page(org, values, err.fields or {"pattern": [err.message]}, 422)
    audit_log.record(get_db(), helpers.user()["id"], "change", "series", values["code"], pattern)
    flash("Журнал регистрации сохранён.", "ok")
    return redirect(url_for("admin.series"))


@bp.get("/audit")
@helpers.login_required
def audit() -> Any:
    """The audit log in words, filtered by user, action, object and dates, a page at a time."""
    _managed("manage_users")
    db = get_db()
    people = users.list_users(db)
    filters = {
        "user_id": listing.number("user"),
        "action": listing.choice("action", codes.CODES["action"]),
        "object_type": listing.choice("object", codes.CODES["object"]),
        "date_from": listing.day("from"),
        "date_to": listing.day("to"),
        "text": listing.text(),
    }
    found = audit_log.search(db, **filters, page=listing.page())
    kind_titles = {kind.slug: kind.title for kind in catalog.KINDS}
    names = {
        ("user", str(u["id"])): f"{u['full_name']} ({u['login']})" for u in people
    } | audit_log.object_names(db, found.rows)
    return render_template(
        "admin_audit.html",
        found=found,
        entries=[
            {
                **entry,
                "object_text": _object_text(entry, names),
                "detail_text": codes.detail(entry["detail"], kind_titles),
            }
            for entry in found.rows
        ],
        filters=filters,
        people=people,
        actions=codes.CODES["action"],
        objects=codes.CODES["object"],
        names={u["id"]: f"{u['full_name']} ({u['login']})" for u in people},
    )


def _object_text(entry: dict, names: dict[tuple[str, str], str]) -> str:
    """«участник Петрова Е.С.»; a record deleted since reads «участник № 13 (удалён)»."""
    object_type, object_id = entry["object_type"], entry["object_id"]
    word = codes.word("object", object_type)
    if not object_id:
        return word
    if name := names.get((object_type, object_id)):
        return f"{word} {name}"
    if object_type == "user" or object_type in audit_log.NAMED:
        return f"{word} № {object_id} (удалён)"
    return f"{word} № {object_id}"


def _variants_page(org: dict, error: str | None, status: int = 200) -> Any:
    return render_template(
        "admin_variants.html",
        org=org,
        variants=variants.list_variants(get_db(), org["id"]),
        kinds=catalog.KINDS,
        titles={kind.slug: kind.title for kind in catalog.KINDS},
        error=error,
    ), status


@bp.route("/variants", methods=["GET", "POST"])
@helpers.login_required
def variants_page() -> Any:
    org = _managed("manage")
    if request.method == "GET":
        return _variants_page(org, None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _variants_page(org, "Выберите файл .docx.", 422)
    try:
        stored = variants.check_and_store(
            get_db(), org["id"], request.form.get("kind", ""), upload.read(), helpers.user()["id"],
            upload.filename,
        )  # fmt: skip
    except (FieldErrors, NotFound) as err:
        return _variants_page(org, err.message, 422)
    except sandbox.Busy as err:
        return _variants_page(org, err.message, 503)
    audit_log.record(
        get_db(),
        helpers.user()["id"],
        "change",
        "template_variant",
        stored["id"],
        stored["kind"],
    )
    flash("Вариант шаблона загружен и включён.", "ok")
    return redirect(url_for("admin.variants_page"))


@bp.post("/variants/<id:variant_id>/<any(activate, deactivate):action>")
@helpers.login_required
def switch_variant(variant_id: int, action: str) -> Any:
    db = get_db()
    org = permissions.require_on(db, helpers.user(), "manage", "template_variant", variant_id)
    try:
        switch = variants.activate if action == "activate" else variants.deactivate
        switch(db, org["id"], variant_id)
    except FieldErrors as err:
        helpers.flash_error(err)
        return redirect(url_for("admin.variants_page"))
    audit_log.record(db, helpers.user()["id"], "change", "template_variant", variant_id, action)
    flash("Вариант включён." if action == "activate" else "Вариант выключен.", "ok")
    return redirect(url_for("admin.variants_page"))


@bp.post("/variants/<id:variant_id>/delete")
@helpers.login_required
def delete_variant(variant_id: int) -> Any:
    db = get_db()
    org = permissions.require_on(db, helpers.user(), "manage", "template_variant", variant_id)
    removed = variants.delete(db, org["id"], variant_id)
    audit_log.record(
        db,
        helpers.user()["id"],
        "delete",
        "template_variant",
        variant_id,
        f"{removed['kind']}: {removed['filename']}",
    )
    flash(f"Вариант «{removed['filename']}» удалён.", "ok")
    return redirect(url_for("admin.variants_page"))
