"""Pages of the documents: start page, catalog of kinds, form, preview, document, downloads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from markupsafe import Markup

from docgen import checking, codes, ru
from docgen import jobs as job_queue
from docgen.accounts import permissions, users
from docgen.documents import archive, path
from docgen.documents import journal as numbering
from docgen.documents import service as documents
from docgen.errors import Conflict, FieldErrors, NotFound
from docgen.kinds import catalog
from docgen.registry import consents, deadlines, indicators, organisations, people
from docgen.registry.excel import journal as journal_book
from docgen.rendering import html as html_preview
from docgen.web import downloads, formdata, helpers, listing, path_pages
from docgen.web.helpers import get_db

bp = Blueprint("pages", __name__)

# The registry consent a signed paper of these kinds is (person page, «Отметить как подписанное»).
SIGNED_AS = {"consent": "processing", "consent-dissemination": "dissemination"}


def _people_options(org_id: int) -> list[tuple[int, str]]:
    options = []
    for person in people.list_people(get_db(), org_id):
        label = " ".join(p for p in (person["surname"], person["name"], person["patronymic"]) if p)
        if person.get("position"):
            label += f" — {person['position']}"
        options.append((person["id"], label))
    return options


def _allowed_kinds() -> list[catalog.Kind]:
    me, org = helpers.user(), helpers.org()
    if not permissions.can(me, "create_document", org):
        return []
    return [kind for kind in catalog.KINDS if me["role"] in kind.roles]


@bp.get("/")
@helpers.login_required
def home() -> Any:
    """The start page: the path «Внедрение наставничества» first, then drafts, deadlines and
    indicators."""
    db, org, me = get_db(), helpers.org(), helpers.user()
    today = dt.date.today()
    org_ids = [org["id"]]
    if org["kind"] == "department":
        org_ids += [school["id"] for school in organisations.list_schools(db, org["id"])]
    drafts = archive.list_documents(db, org["id"], status="draft")
    may_register = permissions.can(me, "register_document", org)
    return render_template(
        "home.html",
        org=org,
        drafts=drafts,
        awaiting=_awaiting(drafts) if may_register else [],
        authors={u["id"]: u["full_name"] for u in users.list_users(db)},
        missing=consents.missing_consents(db, org["id"]) if org["kind"] == "school" else [],
        kinds=_allowed_kinds(),
        kinds_count=ru.plural(len(_allowed_kinds()), "вид"),
        deadlines=deadlines.upcoming(db, org["id"], today, catalog.planners()),
        values=indicators.compute(db, org_ids, today),
        titles={kind.slug: kind.title for kind in catalog.KINDS},
        **path_pages.context(org, today),
    )


def _awaiting(drafts: list[dict]) -> list[dict]:
    """Drafts of numbered kinds: what the director is to register, oldest first."""
    numbered = {kind.slug for kind in catalog.KINDS if kind.series is not None}
    return sorted((d for d in drafts if d["kind"] in numbered), key=lambda d: d["id"])


@bp.post("/org")
@helpers.login_required
def choose_org() -> Any:
    try:
        chosen = organisations.get_organisation(get_db(), int(request.form.get("org_id", "")))
    except ValueError:
        abort(400)
    permissions.require(helpers.user(), "read", chosen, get_db())
    session["org_id"] = chosen["id"]
    return helpers.back(url_for("pages.home"))


@bp.get("/kinds")
@helpers.login_required
def kinds() -> Any:
    return render_template("kinds.html", org=helpers.org(), kinds=_allowed_kinds())


@bp.get("/documents")
@helpers.login_required
def document_list() -> Any:
    """The organisation's documents: search by title or number, kind, status, author, dates."""
    org, db = helpers.org(), get_db()
    titles = {kind.slug: kind.title for kind in catalog.KINDS}
    status = listing.choice("status", codes.CODES["document_status"])
    filters = {
        "text": listing.text(),
        "kind": listing.choice("kind", titles),
        "status": status,
        "author_id": listing.number("author"),
        "date_from": listing.day("from"),
        "date_to": listing.day("to"),
    }
    found = archive.search_documents(db, org["id"], **filters, page=listing.page())
    return render_template(
        "documents.html",
        org=org,
        found=found,
        documents=found.rows,
        status=status,
        filters=filters,
        authors=archive.authors(db, org["id"]),
        statuses=codes.CODES["document_status"],
        titles=titles,
    )


def _journal_year() -> tuple[dict, int]:
    """The organisation whose journal the user may read, and the year asked for (else this one)."""
    org = helpers.org()
    permissions.require(helpers.user(), "read", org, get_db())
    try:
        return org, int(request.args.get("year") or dt.date.today().year)
    except ValueError:
        return org, dt.date.today().year


@bp.get("/journal")
@helpers.login_required
def journal() -> Any:
    """The registration journal of the organisation for a year (numbers, dates, titles)."""
    org, year = _journal_year()
    titles = {kind.slug: kind.title for kind in catalog.KINDS}
    filters = {"text": listing.text(), "kind": listing.choice("kind", titles)}
    found = numbering.search_journal(get_db(), org["id"], year, **filters, page=listing.page())
    return render_template(
        "journal.html",
        org=org,
        year=year,
        found=found,
        entries=found.rows,
        filters=filters,
        titles=titles,
    )


@bp.get("/journal.xlsx")
@helpers.login_required
def journal_xlsx() -> Any:
    """The year's registration journal as an Excel workbook."""
    org, year = _journal_year()
    titles = {kind.slug: kind.title for kind in catalog.KINDS}
    content = journal_book.journal_workbook(
        numbering.journal(get_db(), org["id"], year), titles, year
    )
    name = f"Журнал регистрации — {org.get('short_name') or org['full_name']}, {year}.xlsx"
    return downloads.send(content, name.replace("/", "-"), journal_book.XLSX_MIME)


def _render_form(
    kind: catalog.Kind,
    values: dict | None,
    errors: Any = None,
    *,
    org_id: int,
    document: dict | None = None,
    preview: str | None = None,
    findings: list | None = None,
    note: str = "",
    status: int = 200,
) -> Any:
    annexes = kind.annexes
    form = formdata.bind(
        formdata.describe(kind.schema),
        values,
        errors,
        people=_people_options(org_id),
        picks={
            **formdata.pick_options(get_db(), org_id),
            "annexes": [
                (str(document_id), label)
                for document_id, label in documents.annex_options(
                    get_db(), helpers.user(), kind.slug, org_id
                )
            ]
            if annexes
            else [],
        },
    )
    page = render_template(
        "document_form.html",
        kind=kind,
        form=form,
        annex_kinds=[catalog.get(slug) for slug in annexes.fitting] if annexes else [],
        document=document,
        preview=Markup(preview) if preview else None,  # noqa: S704 - built by docgen.preview
        findings=findings or [],
        blocking=checking.blocking(findings or []),
        note=note,
    )
    return page, status


def _submit(kind: catalog.Kind, org_id: int, document: dict | None) -> Any:
    """Preview, save, or refill with the sample, from a submitted form."""
    db, me = get_db(), helpers.user()
    action = request.form.get("action", "preview")
    note = (request.form.get("note") or "").strip()
    if action == "sample":
        return _render_form(kind, kind.sample(), org_id=org_id, document=document, note=note)
    payload = formdata.unflatten(request.form, formdata.describe(kind.schema))
    try:
        if action == "save":
            if document is None:
                created = documents.create(
                    db, me, kind.slug, payload, org_id, job_queue.current().enqueue_pdfs
                )
                flash("Черновик сохранён (версия 1).", "ok")
                back = _back_to_order()
                if back:
                    return redirect(f"{back}?annex={created['id']}")
                return redirect(url_for("pages.document", document_id=created["id"]))
            version = documents.update(
                db, me, document["id"], payload, note or None, job_queue.current().enqueue_pdfs
            )
            flash(f"Сохранена версия {version['n']}.", "ok")
            return redirect(url_for("pages.document", document_id=document["id"]))
        shown, findings = documents.preview(db, me, kind.slug, payload, org_id)
    except FieldErrors as err:
        flash(_refusal(action, document), "error")
        return _render_form(
            kind, payload, err.fields or {"_schema": [err.message]},
            org_id=org_id, document=document, note=note, status=422,
        )  # fmt: skip
    return _render_form(
        kind, payload, org_id=org_id, document=document, preview=shown, findings=findings, note=note
    )


def _refusal(action: str, document: dict | None) -> str:
    """What a refused form says: nothing claims a saved draft is unsaved."""
    if action != "save":
        return "Предпросмотр не построен: исправьте поля, отмеченные красным."
    if document is not None:
        return (
            "Новая версия не сохранена: исправьте поля, отмеченные красным. "
            "Сохранённые версии документа не изменились."
        )
    return "Документ не сохранён: исправьте поля, отмеченные красным."


def _back_to_order() -> str | None:
    """The order form a new annex was started from («Создать и вернуться»), if any."""
    back = request.args.get("back") or ""
    if back.startswith("/documents/") and "//" not in back and "?" not in back:
        return back
    return None


def _with_annex(kind: catalog.Kind, values: dict) -> dict:
    """The order's input with the annex just created (`?annex=<id>`) added to its list."""
    annex_id = request.args.get("annex", type=int)
    if not annex_id or kind.annexes is None:
        return values
    listed = list(values.get(kind.annexes.field) or [])
    if any(isinstance(e, dict) and e.get("document_id") == annex_id for e in listed):
        return values
    entry: dict[str, Any] = {"document_id": annex_id}
    if kind.annexes.numbered:
        entry["number"] = len(listed) + 1
    return {**values, kind.annexes.field: [*listed, entry]}


@bp.route("/documents/new/<slug>", methods=["GET", "POST"])
@helpers.login_required
def new_document(slug: str) -> Any:
    kind, org, me = catalog.get(slug), helpers.org(), helpers.user()
    documents.require_create(get_db(), me, kind, org["id"])
    if request.method == "POST":
        return _submit(kind, org["id"], None)
    if request.args.get("sample"):
        values = kind.sample()
    elif request.args.get("prefill"):
        # The path's button: what the registry and the documents already made know.
        values = path.prefill(get_db(), org["id"], kind.slug, dt.date.today())
    else:
        values = {}
    values = _with_subject(kind, values, org["id"])
    return _render_form(kind, _with_annex(kind, values), org_id=org["id"])


def _with_subject(kind: catalog.Kind, values: dict, org_id: int) -> dict:
    """A consent started from a person (`?person_id=`): that person is its subject."""
    person_id = request.args.get("person_id", type=int)
    if not person_id or "subject" not in kind.schema().fields:
        return values
    try:
        person = people.get_person(get_db(), person_id)
    except NotFound:
        return values
    if person["org_id"] != org_id:
        return values
    return {**values, "subject": {**(values.get("subject") or {}), "id": person_id}}


def _consent_person(doc: dict, version: dict) -> dict | None:
    """The registry person a consent document is about, with the consent kind to mark signed."""
    if doc["kind"] not in SIGNED_AS or doc["status"] == "cancelled":
        return None
    subject = (version.get("input") or {}).get("subject") or {}
    # The page's form keeps the picked id as typed text ("13"); the API sends a number.
    person_id = str(subject.get("id") or "")
    if not person_id.isascii() or not person_id.isdigit():
        return None
    return {"person_id": int(person_id), "consent_kind": SIGNED_AS[doc["kind"]]}


def _saved_preview(doc: dict, version: dict) -> Markup | None:
    """The latest saved version as the page shows it (the DOCX converted to HTML)."""
    if not version.get("docx_sha256"):
        return None
    docx = archive.get_file(get_db(), version["docx_sha256"])
    return Markup(html_preview.docx_to_html(docx, fragment=True))  # noqa: S704 - our converter


def _document(document_id: int, action: str = "read") -> dict:
    db = get_db()
    permissions.require_on(db, helpers.user(), action, "document", document_id)
    return archive.get_document(db, document_id)


@bp.route("/documents/<id:document_id>/edit", methods=["GET", "POST"])
@helpers.login_required
def edit_document(document_id: int) -> Any:
    document = _document(document_id, "create_document")
    kind = catalog.get(document["kind"])
    documents.require_create(get_db(), helpers.user(), kind, document["org_id"])
    if document["status"] != "draft":
        raise Conflict("Изменять можно только черновик: создайте новую редакцию.")
    if request.method == "POST":
        return _submit(kind, document["org_id"], document)
    latest = archive.get_version(get_db(), document_id)
    values = _with_annex(kind, latest["input"])
    return _render_form(kind, values, org_id=document["org_id"], document=document)


@bp.get("/documents/<id:document_id>")
@helpers.login_required
def document(document_id: int) -> Any:
    db = get_db()
    doc = _document(document_id)
    kind = catalog.get(doc["kind"])
    history = archive.versions(db, document_id)
    authors = {u["id"]: u["full_name"] for u in users.list_users(db)}
    by_n = {v["n"]: v for v in history}
    newest = history[-1]["n"]
    a = request.args.get("a", type=int) or max(1, newest - 1)
    b = request.args.get("b", type=int) or newest
    changes = None
    if a in by_n and b in by_n and a != b:
        changes = formdata.diff(kind.schema, by_n[a]["input"], by_n[b]["input"])
    org = organisations.get_organisation(db, doc["org_id"])
    reg_date = request.args.get("date") or dt.date.today().strftime("%d.%m.%Y")
    try:
        reg_on = helpers.parse_date(reg_date, "date", "Дата регистрации")
    except FieldErrors:
        reg_on = dt.date.today()
    return render_template(
        "document.html",
        reg_date=reg_date,
        reg_on=reg_on,
        next_number=_next_number(doc, kind, reg_on) if doc["status"] == "draft" else None,
        preview=_saved_preview(doc, history[-1]) if doc["status"] == "draft" else None,
        sign_consent=_consent_person(doc, history[-1]),
        annexes=archive.annexes(db, document_id) if kind.annexes else [],
        pdf=documents.pdf_states(db, document_id),
        doc=doc,
        kind=kind,
        versions=history,
        authors=authors,
        a=a,
        b=b,
        changes=changes,
        may_edit=permissions.can(helpers.user(), "create_document", org)
        and helpers.user()["role"] in kind.roles,
        may_register=permissions.can(helpers.user(), "register_document", org)
        and kind.series is not None,
        may_cancel=permissions.can(helpers.user(), "register_document", org),
    )


def _act(document_id: int, run: Any) -> Any:
    """Run a state change and come back to the document with its result or error."""
    try:
        result = run()
    except (FieldErrors, Conflict) as err:
        helpers.flash_error(err)
        return redirect(url_for("pages.document", document_id=document_id))
    return result


def _next_number(doc: dict, kind: catalog.Kind, on: dt.date) -> str | None:
    """The number registering on `on` would give (not taken: the journal is only read)."""
    if kind.series is None:
        return None
    default = catalog.SERIES.get(kind.series, (None, None))[1]
    return numbering.peek_next(get_db(), doc["org_id"], kind.series, on, default)


@bp.get("/documents/<id:document_id>/register")
@helpers.login_required
def register_confirm(document_id: int) -> Any:
    """What registering will do — the number and the date — with the final button."""
    doc = _document(document_id, "register_document")
    kind = catalog.get(doc["kind"])
    if doc["status"] != "draft" or kind.series is None:
        return redirect(url_for("pages.document", document_id=document_id))
    chosen = request.args.get("date") or dt.date.today().strftime("%d.%m.%Y")
    try:
        on = helpers.parse_date(chosen, "date", "Дата регистрации")
    except FieldErrors as err:
        helpers.flash_error(err)
        return redirect(url_for("pages.document", document_id=document_id, date=chosen))
    return render_template(
        "register_confirm.html", doc=doc, kind=kind, on=on, number=_next_number(doc, kind, on)
    )


@bp.post("/documents/<id:document_id>/register")
@helpers.login_required
def register(document_id: int) -> Any:
    db, me = get_db(), helpers.user()
    _document(document_id, "register_document")
    chosen = (request.form.get("date") or "").strip()

    def run() -> Any:
        on = helpers.parse_date(chosen, "date", "Дата регистрации")
        info = documents.register(db, me, document_id, on, job_queue.current().enqueue_pdfs)
        flash(f"Документ зарегистрирован: № {info['number']} от {on:%d.%m.%Y}.", "ok")
        return redirect(url_for("pages.document", document_id=document_id))

    try:
        return run()
    except (FieldErrors, Conflict) as err:
        helpers.flash_error(err)
        # The refused date stays in the form: the person corrects it rather than retyping it.
        return redirect(url_for("pages.document", document_id=document_id, date=chosen or None))


@bp.post("/documents/<id:document_id>/cancel")
@helpers.login_required
def cancel(document_id: int) -> Any:
    db, me = get_db(), helpers.user()
    _document(document_id, "register_document")

    try:
        documents.cancel(db, me, document_id, request.form.get("reason") or "")
    except (FieldErrors, Conflict) as err:
        helpers.flash_error(err)
        # The confirmation stays open, so the reason can be given at once.
        return redirect(url_for("pages.document", document_id=document_id, cancel=1) + "#cancel")
    flash("Документ аннулирован.", "ok")
    return redirect(url_for("pages.document", document_id=document_id))


@bp.post("/documents/<id:document_id>/revise")
@helpers.login_required
def revise(document_id: int) -> Any:
    db, me = get_db(), helpers.user()
    _document(document_id, "create_document")

    def run() -> Any:
        new = documents.revise(db, me, document_id, job_queue.current().enqueue_pdfs)
        flash("Создана новая редакция (черновик).", "ok")
        return redirect(url_for("pages.document", document_id=new["id"]))

    return _act(document_id, run)


@bp.post("/documents/<id:document_id>/v<id:n>/pdf")
@helpers.login_required
def retry_pdf(document_id: int, n: int) -> Any:
    """Try again to make a version's PDF whose render failed."""
    _document(document_id)

    def run() -> Any:
        documents.retry_pdf(
            get_db(), helpers.user(), document_id, n, job_queue.current().enqueue_pdfs
        )
        flash("PDF готовится заново.", "ok")
        return redirect(url_for("pages.document", document_id=document_id))

    return _act(document_id, run)


@bp.get("/documents/<id:document_id>/v<id:n>.<fmt>")
@helpers.login_required
def download(document_id: int, n: int, fmt: str) -> Any:
    content, name, mime = documents.download(get_db(), helpers.user(), document_id, n, fmt)
    return downloads.send(content, name, mime)
