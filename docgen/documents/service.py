"""Documents as users handle them: preview, draft, new version, register, cancel, download.

The one path from form to archive: input -> schema -> context (+ registry, requisites) -> DOCX ->
archive, then the PDF from the stored DOCX outside the write lock (`PdfQueue`). Views call these."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import sqlite_utils
from marshmallow import Schema, fields

from docgen import checking
from docgen.accounts import audit, permissions, users
from docgen.db import transaction
from docgen.documents import archive, compose, kits, numbered, pdfs
from docgen.documents import journal as numbering
from docgen.errors import Conflict, DocgenError, FieldErrors, Forbidden, NotFound
from docgen.kinds import catalog
from docgen.kinds.catalog import Kind
from docgen.registry import bases, organisations, people
from docgen.rendering import context as ctx
from docgen.rendering import docx as engine
from docgen.rendering import html
from docgen.rendering.pdf import docx_to_pdf

FORMATS = {"docx": archive.DOCX_MIME, "pdf": archive.PDF_MIME}
PdfQueue = Callable[[list[int]], None]
"""Takes the ids of versions whose PDF is pending, after their transaction is committed: the
web passes the job queue's; without one the PDFs are made at once, still outside the lock."""
# Registration renders and checks the DOCX before it takes the write lock; if the document
# changed meanwhile it starts again, at most this many times.
REGISTER_ATTEMPTS = 3


def require_create(
    db: sqlite_utils.Database, user: Mapping[str, Any], kind: Kind, org_id: int
) -> None:
    """The user may create documents in the organisation, and this kind in their role."""
    permissions.require(dict(user), "create_document", org_id, db)
    if user["role"] not in kind.roles:
        raise Forbidden(
            f"Роль «{users.ROLES.get(user['role'], user['role'])}» не составляет документ "
            f"«{kind.title}»."
        )


def resolver(
    db: sqlite_utils.Database, org_id: int, on: dt.date | None = None
) -> ctx.PersonResolver:
    """People by registry id, only of this organisation (or its schools, for a department),
    and never a person who has withdrawn their consent to the processing of their data."""
    allowed = {org_id} | {school["id"] for school in organisations.list_schools(db, org_id)}

    def resolve(person_id: int) -> Mapping[str, Any]:
        try:
            record = people.get_person(db, person_id)
        except NotFound:
            record = None
        if record is None or record["org_id"] not in allowed:
            raise FieldErrors(
                "Человек не найден в реестре организации.",
                fields={"id": [f"В реестре организации нет человека с номером {person_id}."]},
            )
        usable, reason = bases.usable(db, person_id, on)
        if not usable:
            raise FieldErrors(reason, fields={"id": [reason]})
        return record

    return resolve


def _inline_people(
    schema: Schema, data: Mapping[str, Any], prefix: str = ""
) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(field path, field title, block) of every person typed inline (no registry id)."""
    for name, field in schema.fields.items():
        value = data.get(name)
        if value is None:
            continue
        path = f"{prefix}.{name}" if prefix else name
        title = field.metadata.get("title") or name
        target = field.inner if isinstance(field, fields.List) else field
        items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
        if not isinstance(target, fields.Nested):
            continue
        for index, item in items:
            if not isinstance(item, Mapping):
                continue
            at = path if index is None else f"{path}.{index}"
            if isinstance(target.schema, ctx.PersonBlock):
                if item.get("id") is None:
                    yield at, title, item
            else:
                yield from _inline_people(target.schema, item, at)


def refuse_withdrawn_inline(
    db: sqlite_utils.Database,
    kind: Kind,
    data: Mapping[str, Any],
    org_id: int,
    on: dt.date | None = None,
) -> None:
    """FieldErrors when a person typed inline is a registry person of the organisation whose
    consent to the processing of their data is withdrawn: the same rule as for a registry id."""
    inline = list(_inline_people(kind.form, data))
    if not inline:
        return
    allowed = {org_id} | {school["id"] for school in organisations.list_schools(db, org_id)}
    find = bases.namesakes(db, allowed)
    fields_: dict[str, list[str]] = {}
    for path, title, block in inline:
        usable, reason = bases.usable_inline(db, find, block, on)
        if not usable:
            fields_.setdefault(path, []).append(f"{title}: {reason}")
    if fields_:
        messages = [m for ms in fields_.values() for m in ms]
        raise FieldErrors("; ".join(messages), fields=fields_)


def variant(db: sqlite_utils.Database, kind: Kind, org_id: int) -> bytes | None:
    """The organisation's active template variant of a kind, if it uploaded one."""
    row = next(
        db.query(
            "SELECT file_sha256 FROM template_variants WHERE org_id = ? AND kind = ? AND active = 1 "
            "ORDER BY id DESC LIMIT 1",
            [org_id, kind.slug],
        ),
        None,
    )
    return archive.get_file(db, row["file_sha256"]) if row else None


def _values(
    db: sqlite_utils.Database,
    kind: Kind,
    data: Mapping[str, Any],
    org_id: int,
    requisites: ctx.Requisites | None,
) -> dict[str, Any]:
    on = requisites.date if requisites and requisites.date else dt.date.today()
    refuse_withdrawn_inline(db, kind, data, org_id, on)
    return compose.build_context(
        kind,
        data,
        organisation=organisations.get_organisation(db, org_id),
        resolve=resolver(db, org_id, on),
        requisites=requisites,
        sources=compose.Sources(db, org_id, on),
    )


def render(
    db: sqlite_utils.Database,
    kind: Kind,
    data: Mapping[str, Any],
    org_id: int,
    requisites: ctx.Requisites | None = None,
) -> bytes:
    """The DOCX of validated input for an organisation of the registry, annexes included."""
    return render_kit(db, kind, data, org_id, requisites)[0]


def render_kit(
    db: sqlite_utils.Database,
    kind: Kind,
    data: Mapping[str, Any],
    org_id: int,
    requisites: ctx.Requisites | None = None,
) -> tuple[bytes, list[tuple[kits.Annex, bytes]]]:
    """The order with every annex after it, and each archive annex's own DOCX.

    Every annex is rendered with the order's number and date (or blanks on a draft) and the
    order's approval trail, and starts on a new page with «Приложение N к приказу … от … № …».
    """
    annexes = kits.resolve(db, kind, data, org_id, compose.validate)
    data, annexes = kits.with_trail(kind, data, annexes)
    own: dict[int, tuple[str, bytes]] = {}
    for annex in annexes:
        if annex.data is not None:
            values = _values(db, annex.kind, annex.data, org_id, requisites)
            docx = compose.render_docx(annex.kind, values, variant(db, annex.kind, org_id))
            own[annex.index] = (kits.real_title(annex.kind, values), docx)
    data = kits.with_titles(kind, data, {index: title for index, (title, _) in own.items()})
    if annexes:
        data = kits.attached(kind, data)
    values = _values(db, kind, data, org_id, requisites)
    docx = compose.render_docx(kind, values, variant(db, kind, org_id))
    if not annexes:
        return docx, []
    parts = []
    for annex in annexes:
        lines = kits.mark_lines(
            kits.number_label(kind, annex, len(annexes)), values["org"], values["doc"]
        )
        if annex.data is not None:
            parts.append((annex, kits.marked(own[annex.index][1], lines)))
        else:
            entry = annex.entry
            part = kits.typed_part(
                docx, lines, entry.get("title") or "", entry.get("body") or "", values["org"]
            )
            parts.append((annex, part))
    merged = kits.assemble(docx, [(annex.number, part) for annex, part in parts])
    return merged, [(annex, part) for annex, part in parts if annex.document is not None]


def _link_annexes(
    db: sqlite_utils.Database, order_id: int, parts: list[tuple[kits.Annex, bytes]]
) -> None:
    archive.set_annexes(db, order_id, [(annex.number, annex.document["id"]) for annex, _ in parts])


def annex_options(
    db: sqlite_utils.Database, user: Mapping[str, Any], slug: str, org_id: int
) -> list[tuple[int, str]]:
    """The drafts an order of this kind may take as annexes, labelled by their real titles."""
    kind = catalog.get(slug)
    permissions.require(dict(user), "read", org_id, db)

    def title_of(document: Mapping[str, Any]) -> str:
        annex_kind = catalog.get(document["kind"])
        try:
            data = compose.validate(annex_kind, archive.get_version(db, document["id"])["input"])
            return kits.real_title(annex_kind, _values(db, annex_kind, data, org_id, None))
        except DocgenError:
            return document["title"]

    return kits.candidates(db, kind, org_id, title_of)


def preview(
    db: sqlite_utils.Database, user: Mapping[str, Any], slug: str, payload: Any, org_id: int
) -> tuple[str, list[checking.Finding]]:
    """The document as it would be saved, and the checker's findings on the same document.

    A document of the built-in template without annexes is converted and checked from its
    rendered parts, never packed into a DOCX: the same HTML and findings as from the DOCX
    (tests/test_preview.py). Annexes are merged as packages, and an organisation's variant
    renders in the sandbox, which answers a DOCX; those are read from the DOCX.
    """
    kind = catalog.get(slug)
    require_create(db, user, kind, org_id)
    data = compose.validate(kind, payload)
    if kits.resolve(db, kind, data, org_id, compose.validate) or variant(db, kind, org_id):
        docx = render(db, kind, data, org_id)
        return html.docx_to_html(docx, fragment=True), checking.check(docx)
    # render_kit without annexes: the order's own input, its own template
    values = _values(db, kind, kits.with_trail(kind, data, [])[0], org_id, None)
    parts = engine.render_parts(engine.builtin_template(kind.template), values)
    return html.parts_to_html(parts, fragment=True), checking.check_parts(parts)


def refuse_blocking(found: bytes | list[checking.Finding]) -> None:
    """Conflict listing every «ошибка» among the findings (or the checker's on a DOCX); a
    «предупреждение» never blocks."""
    findings = checking.check(found) if isinstance(found, bytes) else found
    errors = checking.blocking(findings)
    if errors:
        raise Conflict(
            "Документ не зарегистрирован: проверка нашла ошибки — исправьте их и повторите.",
            fields={"findings": [f"{f.rule}: {f.message} («{f.excerpt}»)" for f in errors]},
        )


def _pdfs_after(
    db: sqlite_utils.Database, version_ids: list[int], make_pdfs: PdfQueue | None
) -> None:
    """The pending PDFs of versions just stored: to the queue, or made here and now."""
    if not version_ids:
        return
    if make_pdfs is not None:
        make_pdfs(version_ids)
    else:
        pdfs.make_now(db, version_ids, docx_to_pdf)


def create(
    db: sqlite_utils.Database,
    user: Mapping[str, Any],
    slug: str,
    payload: Any,
    org_id: int,
    make_pdfs: PdfQueue | None = None,
) -> dict:
    """A new draft with its first version; annexes given inline are created with it.

    The DOCX is stored in the transaction; the PDF is made after it (see `PdfQueue`).
    """
    made: list[int] = []
    document = _create(db, user, slug, payload, org_id, made)
    _pdfs_after(db, made, make_pdfs)
    return {**document, "version": archive.get_version(db, document["id"], 1)}


def _create(
    db: sqlite_utils.Database,
    user: Mapping[str, Any],
    slug: str,
    payload: Any,
    org_id: int,
    made: list[int],
) -> dict:
    kind = catalog.get(slug)
    require_create(db, user, kind, org_id)
    with transaction(db):
        payload, data, docx, parts = _drafted(db, user, kind, payload, org_id, made)
        document = archive.create_document(
            db,
            org_id=org_id,
            kind=kind.slug,
            title=kind.document_title(_named_subject(db, data)),
            user_id=user["id"],
            input=_jsonable(payload),
            docx=docx,
        )
        pdfs.request(db.conn, document["version"]["id"])
        made.append(document["version"]["id"])
        _link_annexes(db, document["id"], parts)
        audit.record(db, user["id"], "create", "document", document["id"], kind.slug)
    return document


def _drafted(
    db: sqlite_utils.Database,
    user: Mapping[str, Any],
    kind: Kind,
    payload: Any,
    org_id: int,
    made: list[int],
) -> tuple[Any, dict, bytes, list]:
    """Inline annexes created, then the input validated and rendered with its annexes."""
    payload = kits.attach_inline(
        db, kind, payload, lambda annex, given: _create(db, user, annex, given, org_id, made)["id"]
    )
    data = compose.validate(kind, payload)
    docx, parts = render_kit(db, kind, data, org_id)
    return payload, data, docx, parts


def _named_subject(db: sqlite_utils.Database, data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The input with a subject picked from the registry named, so the title carries the name."""
    subject = data.get("subject")
    if not isinstance(subject, Mapping) or subject.get("surname"):
        return data
    if not isinstance(subject.get("id"), int):
        return data
    try:
        person = people.get_person(db, subject["id"])
    except NotFound:
        return data
    named = {part: person[part] for part in ("surname", "name", "patronymic")}
    return {**data, "subject": {**subject, **named}}


def update(
    db: sqlite_utils.Database,
    user: Mapping[str, Any],
    document_id: int,
    payload: Any,
    note: str | None = None,
    make_pdfs: PdfQueue | None = None,
) -> dict:
    """A new version of a draft; a registered document is never changed."""
    document = archive.get_document(db, document_id)
    kind = catalog.get(document["kind"])
    require_create(db, user, kind, document["org_id"])
    if document["status"] != "draft":
        order = archive.approving_order(db, document_id)
        raise Conflict(
            archive.approved_message(order)
            if order is not None
            else "Зарегистрированный документ не изменяется: создайте новую редакцию или новый "
            "документ."
        )
    org_id = document["org_id"]
    made: list[int] = []
    with transaction(db):
        payload, _, docx, parts = _drafted(db, user, kind, payload, org_id, made)
        version = archive.add_version(
            db,
            document_id,
            input=_jsonable(payload),
            docx=docx,
            pdf=None,
            user_id=user["id"],
            note=note,
        )
        pdfs.request(db.conn, version["id"])
        made.append(version["id"])
        _link_annexes(db, document_id, parts)
        audit.record(db, user["id"], "edit", "document", document_id, f"версия {version['n']}")
    _pdfs_after(db, made, make_pdfs)
    return archive.get_version(db, document_id, version["n"])


def _latest_version_id(db: sqlite_utils.Database, document_id: int) -> int:
    return archive.get_version(db, document_id)["id"]


def _render_checked(
    db: sqlite_utils.Database,
    kind: Kind,
    data: Mapping[str, Any],
    org_id: int,
    requisites: ctx.Requisites,
) -> tuple[bytes, list[tuple[kits.Annex, bytes]], list[checking.Finding], numbered.Blank | None]:
    """`render_kit` and the checker's findings on its DOCX; as in `preview`, a document of the
    built-in template without annexes is checked from its parts, never read back from the DOCX,
    and comes with its `Blank` to take another number without rendering again."""
    if kits.resolve(db, kind, data, org_id, compose.validate) or variant(db, kind, org_id):
        docx, parts = render_kit(db, kind, data, org_id, requisites)
        return docx, parts, checking.check(docx), None
    rendered, blank = numbered.render(
        engine.builtin_template(kind.template),
        lambda given: _values(db, kind, kits.with_trail(kind, data, [])[0], org_id, given),
        requisites,
    )
    return rendered.docx(), [], checking.check_parts(rendered), blank


def _prepare(
    db: sqlite_utils.Database, kind: Kind, document: dict, number: str | None, on: dt.date
) -> numbered.Prepared:
    """The last version rendered with `number` and `on`, checked (a Conflict takes no number)."""
    version = archive.get_version(db, document["id"])
    data = compose.validate(kind, version["input"])
    requisites = ctx.Requisites(number, on)
    docx, parts, findings, blank = _render_checked(db, kind, data, document["org_id"], requisites)
    refuse_blocking(findings)
    annex_versions = {
        annex.document["id"]: _latest_version_id(db, annex.document["id"]) for annex, _ in parts
    }
    return numbered.Prepared(number, version, docx, parts, annex_versions, blank)


def register(
    db: sqlite_utils.Database,
    user: Mapping[str, Any],
    document_id: int,
    on: dt.date,
    make_pdfs: PdfQueue | None = None,
) -> dict:
    """Number and date from the journal; the last version is re-rendered with them and frozen.

    The DOCX (and each annex's) is rendered with the number the journal would give and checked
    before the write lock is taken; the transaction takes the number, and stores those files
    if the number is the same — else only the DOCX is rendered again with the number taken
    (the checked text differs only in the number). The number is never taken without its DOCX
    stored with it. The PDFs are made after the commit, outside the lock (see `PdfQueue`).
    """
    document = archive.get_document(db, document_id)
    permissions.require(dict(user), "register_document", document["org_id"], db)
    kind = catalog.get(document["kind"])
    if kind.series is None:
        raise Conflict(f"Документ «{kind.title}» не регистрируется в журнале.")
    if on > dt.date.today():
        raise FieldErrors(
            "Дата регистрации в будущем.", fields={"date": ["Дата ещё не наступила."]}
        )
    _series(db, document["org_id"], kind.series)
    if kind.before_register is not None:
        kind.before_register(db, document, archive.get_version(db, document_id)["input"], on)
    numbering.check_date(on)
    made: list[int] = []

    def freeze(prepared: numbered.Prepared, conn: Any, info: dict) -> None:
        made.clear()  # the journal may run this again after a busy database
        if info["version_id"] != prepared.version["id"] or any(
            _latest_version_id(db, annex_id) != version_id
            for annex_id, version_id in prepared.annex_versions.items()
        ):
            raise numbered.Changed  # rolls the transaction back: no number is taken
        docx, parts = prepared.docx, prepared.parts
        if info["number"] != prepared.number:
            # Another registration took the number first: the DOCX only, with the number taken
            # put in the parts rendered before the lock where it can be, else rendered again.
            filled = numbered.fill(prepared.blank, info["number"])
            if filled is not None:
                docx = filled.docx()
            else:
                data = compose.validate(kind, prepared.version["input"])
                requisites = ctx.Requisites(info["number"], on)
                docx, parts = render_kit(db, kind, data, document["org_id"], requisites)
        archive.replace_frozen_files(conn, info["version_id"], docx, None)
        pdfs.request(conn, info["version_id"])
        made.append(info["version_id"])
        # The annexes are approved by this order: numbered and frozen with it, or not at all.
        _link_annexes(db, document_id, parts)
        for annex, part in parts:
            annex_version = archive.freeze_annex(conn, info, annex.document["id"], part, None)
            pdfs.request(conn, annex_version)
            made.append(annex_version)
        if kind.on_register is not None:
            kind.on_register(db, document, prepared.version["input"], on)
        # In the same transaction: one commit (and one turn of the write lock), not two.
        audit.record(db, user["id"], "register", "document", document_id, info["number"])

    if document["status"] != "draft":
        # Nothing to render: the journal refuses it and says why (registered, or cancelled).
        numbering.register(db, document_id, series_code=kind.series, on=on, user_id=user["id"])
    for _ in range(REGISTER_ATTEMPTS):
        number = numbering.peek_next(db, document["org_id"], kind.series, on)
        prepared = _prepare(db, kind, document, number, on)
        try:
            result = numbering.register(
                db,
                document_id,
                series_code=kind.series,
                on=on,
                user_id=user["id"],
                before_commit=lambda conn, info, prepared=prepared: freeze(prepared, conn, info),
            )
        except numbered.Changed:
            continue
        break
    else:
        raise Conflict("Документ менялся во время регистрации: откройте его и повторите.")
    _pdfs_after(db, made, make_pdfs)
    return result


def _series(db: sqlite_utils.Database, org_id: int, code: str) -> dict:
    """The organisation's journal series; created with the default pattern on first use."""
    try:
        return numbering.get_series(db, org_id, code)
    except NotFound:
        numbering.ensure_series(db, org_id, code, *catalog.SERIES[code])
        return numbering.get_series(db, org_id, code)


def cancel(
    db: sqlite_utils.Database, user: Mapping[str, Any], document_id: int, reason: str
) -> dict:
    document = archive.get_document(db, document_id)
    permissions.require(dict(user), "register_document", document["org_id"], db)
    result = archive.cancel(db, document_id, user["id"], reason)
    audit.record(db, user["id"], "cancel", "document", document_id, reason)
    return result


def revise(
    db: sqlite_utils.Database,
    user: Mapping[str, Any],
    document_id: int,
    make_pdfs: PdfQueue | None = None,
) -> dict:
    document = archive.get_document(db, document_id)
    permissions.require(dict(user), "create_document", document["org_id"], db)
    with transaction(db):  # an order's annexes are carried into new drafts with it
        result = kits.revise(db, catalog.get(document["kind"]), document, user["id"])
    audit.record(db, user["id"], "revise", "document", document_id, str(result["id"]))
    if result["version"]["pdf_sha256"] is None:
        _pdfs_after(db, pdfs.of_document(db, [result["id"]]), make_pdfs)
        result = {**result, "version": archive.get_version(db, result["id"], 1)}
    return result


def download(
    db: sqlite_utils.Database,
    user: Mapping[str, Any],
    document_id: int,
    n: int | None,
    fmt: str,
) -> tuple[bytes, str, str]:
    """A version's file, its download name and MIME type; the sha256 is checked on read."""
    if fmt not in FORMATS:
        raise NotFound("Нет такого формата: доступны docx и pdf.")
    document = archive.get_document(db, document_id)
    permissions.require(dict(user), "read", document["org_id"], db)
    version = archive.get_version(db, document_id, n)
    sha = version[f"{fmt}_sha256"]
    if not sha:
        pdfs.refuse_unready(db, version)  # 409 «PDF готовится» / «не удалось сделать»
        raise NotFound("У этой версии нет файла в этом формате.")
    content = archive.get_file(db, sha)
    audit.record(db, user["id"], "download", "document", document_id, f"{fmt} v{version['n']}")
    return content, filename(document, version["n"], fmt), FORMATS[fmt]


def pdf_states(db: sqlite_utils.Database, document_id: int) -> dict[int, dict[str, Any]]:
    """The state of each version's PDF («ready», «pending», «failed» with the reason), by n."""
    return pdfs.states(db, document_id)


def retry_pdf(
    db: sqlite_utils.Database,
    user: Mapping[str, Any],
    document_id: int,
    n: int,
    make_pdfs: PdfQueue | None = None,
) -> None:
    """Try again to make a version's PDF whose render failed."""
    document = archive.get_document(db, document_id)
    permissions.require(dict(user), "read", document["org_id"], db)
    version = archive.get_version(db, document_id, n)
    if not pdfs.retry(db, version["id"]):
        raise Conflict("PDF этой версии не ждёт повтора: он готов или уже готовится.")
    audit.record(db, user["id"], "retry_pdf", "document", document_id, f"v{n}")
    _pdfs_after(db, [version["id"]], make_pdfs)


def filename(document: Mapping[str, Any], n: int, fmt: str) -> str:
    number = f"№{document['number']} " if document.get("number") else ""
    title = "".join(ch for ch in document["title"] if ch.isalnum() or ch in " -_«»")[:80]
    return f"{number}{title} (в{n}).{fmt}".replace("/", "-")


def _jsonable(payload: Any) -> Any:
    return json.loads(json.dumps(payload, ensure_ascii=False, default=str))
