"""Kits: an order and the documents it approves, carried in full as its annexes.

A kind that approves documents says so on its `Kind.annexes` (catalog.Annexes): the input
field listing them and the kinds each may be. Each entry is a draft of the organisation chosen
from the archive (`document_id`), a draft created in the same step (`kind` + `input`), or only a
title with typed text. The service renders every annex with the order's number and date,
puts «Приложение N к приказу … от … № …» on its first page, merges them after the order, and on
registration freezes the annexes together with the order.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import docx
import sqlite_utils
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from docgen import ru, typography
from docgen.documents import archive, typed_tables
from docgen.errors import FieldErrors, NotFound
from docgen.kinds import catalog
from docgen.kinds.catalog import Annexes, Kind
from docgen.rendering import context as ctx
from docgen.rendering import merge

SQLITE_MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class Annex:
    """One entry of an order's list of annexes, resolved."""

    index: int
    """Position in the input list (for field paths)."""
    number: int
    """The annex number printed («Приложение N»)."""
    entry: Mapping[str, Any]
    document: Mapping[str, Any] | None = None
    kind: Kind | None = None
    data: Mapping[str, Any] | None = None
    """The annex's own validated input (archive documents only)."""


def declared(kind: Kind) -> Annexes | None:
    return kind.annexes


def _errors(decl: Annexes, index: int, name: str, message: Any) -> FieldErrors:
    """A 422 naming the entry's field, e.g. «documents.0.document_id»."""
    if isinstance(message, list) and len(message) == 1 and isinstance(message[0], str):
        text = message[0]
    else:
        text = "Исправьте поля нового документа."
    return FieldErrors(text, fields={decl.field: {index: {name: message}}})


def _fitting_titles(decl: Annexes) -> str:
    return "; ".join(f"«{catalog.get(slug).title}»" for slug in decl.fitting)


def unfit(db: sqlite_utils.Database, decl: Annexes, org_id: int, document_id: Any) -> str | None:
    """Why a document cannot be this order's annex (not a fitting draft of the organisation)."""
    missing = f"В архиве организации нет документа № {document_id} среди черновиков."
    if not isinstance(document_id, int) or not 0 < document_id <= SQLITE_MAX_ID:
        return missing
    try:
        document = archive.get_document(db, document_id)
    except NotFound:
        return missing
    if document["org_id"] != org_id:
        return missing
    if document["kind"] not in decl.fitting:
        return (
            f"«{document['title']}» не может быть приложением к этому приказу: подходят "
            f"{_fitting_titles(decl)}."
        )
    if document["status"] == "registered":
        order = archive.approving_order(db, document_id)
        if order is not None:
            return archive.approved_message(order) + _carried(db, document_id)
        return f"«{document['title']}» уже зарегистрирован: приложить можно только черновик."
    if document["status"] != "draft":
        return f"«{document['title']}» аннулирован: приложить можно только черновик."
    return None


def _carried(db: sqlite_utils.Database, document_id: int) -> str:
    """Where the new redaction of an approved annex is, if a revision of its order made one."""
    draft = next(
        db.query(
            "SELECT id, title, created_at FROM documents WHERE revision_of = ? AND status = 'draft'"
            " ORDER BY id DESC LIMIT 1",
            [document_id],
        ),
        None,
    )
    if draft is None:
        return ""
    made = dt.date.fromisoformat(draft["created_at"][:10])
    return (
        f" Для новой редакции приказа выберите черновик новой редакции: «{draft['title']}» "
        f"от {made:%d.%m.%Y}."
    )


def _entries(decl: Annexes, data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [e for e in data.get(decl.field) or [] if isinstance(e, Mapping)]


def resolve(
    db: sqlite_utils.Database | None,
    kind: Kind,
    data: Mapping[str, Any],
    org_id: int | None,
    validate: Callable[[Kind, Any], dict],
) -> list[Annex]:
    """The order's annexes in their order of numbers, each archive draft checked and loaded."""
    decl = declared(kind)
    if decl is None:
        return []
    annexes = []
    for index, entry in enumerate(_entries(decl, data)):
        number = entry.get("number") if decl.numbered else index + 1
        document_id = entry.get("document_id")
        if entry.get("kind") in decl.fitting and isinstance(entry.get("input"), Mapping):
            # Shown before it is saved (a preview): the new document from its own input.
            annex_kind = catalog.get(entry["kind"])
            try:
                own = validate(annex_kind, entry["input"])
            except FieldErrors as err:
                raise _errors(decl, index, "input", err.fields or [err.message]) from err
            annexes.append(Annex(index, number, entry, None, annex_kind, own))
            continue
        if document_id is None or db is None:
            annexes.append(Annex(index, number, entry))
            continue
        reason = unfit(db, decl, org_id, document_id)
        if reason:
            raise _errors(decl, index, "document_id", [reason])
        document = archive.get_document(db, document_id)
        annex_kind = catalog.get(document["kind"])
        own = validate(annex_kind, archive.get_version(db, document_id)["input"])
        annexes.append(Annex(index, number, entry, document, annex_kind, own))
    return sorted(annexes, key=lambda a: a.number)


def attach_inline(
    db: sqlite_utils.Database,
    kind: Kind,
    payload: Any,
    create: Callable[[str, Any], int],
) -> Any:
    """The payload with every inline annex ({"kind", "input"}) made a draft and referred to by id.

    `create(slug, input)` saves the draft (in the caller's transaction) and returns its id.
    """
    decl = declared(kind)
    if decl is None or not isinstance(payload, Mapping):
        return payload
    listed = payload.get(decl.field)
    if not isinstance(listed, list):
        return payload
    entries = []
    for index, entry in enumerate(listed):
        if not isinstance(entry, Mapping) or entry.get("kind") is None:
            entries.append(entry)
            continue
        slug = entry["kind"]
        if slug not in decl.fitting:
            message = f"Приложением к этому приказу может быть только: {_fitting_titles(decl)}."
            raise _errors(decl, index, "kind", [message])
        if not isinstance(entry.get("input"), Mapping):
            raise _errors(decl, index, "input", ["Укажите поля нового документа."])
        try:
            new_id = create(slug, entry["input"])
        except FieldErrors as err:
            raise FieldErrors(
                f"Приложение {index + 1}: {err.message}",
                fields={decl.field: {index: {"input": err.fields or [err.message]}}},
            ) from err
        kept = {k: v for k, v in entry.items() if k not in ("kind", "input")}
        entries.append({**kept, "document_id": new_id})
    return {**payload, decl.field: entries}


def with_trail(
    kind: Kind, data: Mapping[str, Any], annexes: list[Annex]
) -> tuple[dict[str, Any], list[Annex]]:
    """The order and its annexes with one approval trail (protocol, opinions).

    The order's own trail wins; what it leaves out is taken from the first annex that has it.
    """
    decl = declared(kind)
    data = dict(data)
    if decl is None or not decl.trail:
        return data, annexes
    for order_field, annex_field in decl.trail:
        if data.get(order_field):
            continue
        given = next(
            (a.data[annex_field] for a in annexes if a.data and a.data.get(annex_field)), None
        )
        if given:
            data[order_field] = copy.deepcopy(given)
    shared = []
    for annex in annexes:
        if annex.data is None:
            shared.append(annex)
            continue
        own = dict(annex.data)
        for order_field, annex_field in decl.trail:
            if annex_field in annex.kind.form.fields and data.get(order_field):
                own[annex_field] = copy.deepcopy(data[order_field])
        shared.append(
            Annex(annex.index, annex.number, annex.entry, annex.document, annex.kind, own)
        )
    return data, shared


def with_titles(kind: Kind, data: Mapping[str, Any], titles: Mapping[int, str]) -> dict[str, Any]:
    """The order's input with each archive annex named by its real title."""
    decl = declared(kind)
    if decl is None or not titles:
        return dict(data)
    entries = [dict(e) for e in data.get(decl.field) or []]
    for index, title in titles.items():
        entries[index]["title"] = title
    return {**data, decl.field: entries}


def real_title(kind: Kind, values: Mapping[str, Any]) -> str:
    """The title a document prints: «ПОЛОЖЕНИЕ» + «о системе …» -> «Положение о системе …»."""
    word, heading = values.get("kind_word"), values.get("heading")
    if word and heading:
        return f"{word[:1].upper()}{word[1:].lower()} {heading}"
    return kind.document_title(values)


def label(document: Mapping[str, Any], title: str, version: Mapping[str, Any]) -> str:
    """«Положение о … — черновик от 01.09.2026 (версия 2)», as a picker lists it."""
    day = dt.datetime.fromisoformat(version["created_at"]).date()
    return f"{title} — черновик от {day:%d.%m.%Y} (версия {version['n']})"


def candidates(
    db: sqlite_utils.Database,
    kind: Kind,
    org_id: int,
    title_of: Callable[[Mapping[str, Any]], str],
) -> list[tuple[int, str]]:
    """The organisation's drafts an order of this kind may take as annexes: (id, label)."""
    decl = declared(kind)
    if decl is None:
        return []
    options = []
    for slug in decl.fitting:
        for document in archive.list_documents(db, org_id, kind=slug, status="draft"):
            version = archive.get_version(db, document["id"])
            options.append((document["id"], label(document, title_of(document), version)))
    return options


# ---------------------------------------------------------------- the annex pages


def _styles(document: Any) -> dict[str, Any]:
    """The document's styles by id."""
    return {style.style_id: style for style in document.styles}


def _paragraph(
    document: Any, text: str, style_id: str, *, before: Any = None, styles: Any = None
) -> Any:
    """A paragraph in the document's style of that id, right-aligned marks if it has none.

    Its text is typed or comes from the registry, so its straight quotes print as «…». Many
    paragraphs of one document pass `styles` (_styles) instead of looking them up each."""
    styles = _styles(document) if styles is None else styles
    paragraph = document.add_paragraph(typography.quotes(text))
    if style_id in styles:
        paragraph.style = styles[style_id]
    elif style_id == "DocAnnexMark":
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if before is not None:
        before.addprevious(paragraph._p)
    return paragraph


def mark_lines(number_label: str, org: Any, requisites: ctx.Requisites) -> list[str]:
    return [
        number_label,
        f"к приказу {org.name_gen}",
        f"от {requisites.date_text} № {requisites.number_text}",
        "",
    ]


def number_label(kind: Kind, annex: Annex, count: int) -> str:
    """«Приложение 2»; a single annex is not numbered (DOMAIN §3.4)."""
    numbered = kind.annexes is not None and kind.annexes.numbered
    return "Приложение" if count == 1 and not numbered else f"Приложение {annex.number}"


def attached(kind: Kind, data: Mapping[str, Any]) -> dict[str, Any]:
    """The order's input with its annexes marked as attached by the service: the order's
    template then leaves out the pages it would print for them on its own."""
    decl = declared(kind)
    entries = [{**e, "attached": True} for e in data.get(decl.field) or []]
    return {**data, decl.field: entries}


def _grif_cell(document: Any) -> Any:
    """The table cell of the approval grif on the first page («УТВЕРЖДЕН…»), if there is one."""
    for table in document.tables[:2]:
        for cell in table.rows[0].cells[::-1]:
            if "УТВЕРЖД" in cell.text:
                return cell
    return None


def marked(part: bytes, lines: list[str]) -> bytes:
    """The annex's DOCX with the annex mark on its first page: above its grif «УТВЕРЖДЕН…»
    in the top-right block, or at the top right of the page when it has no such block."""
    document = docx.Document(io.BytesIO(part))
    cell = _grif_cell(document)
    if cell is not None:
        first = cell.paragraphs[0]
        for line in lines:
            paragraph = first.insert_paragraph_before(typography.quotes(line))
            paragraph.style = first.style
    else:
        top = next(iter(document.element.body.iterchildren()), None)
        for line in lines:
            _paragraph(document, line, "DocAnnexMark", before=top)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# A line of typed text that heads a section: «2. Цели и задачи» — a top-level number, no dash,
# no closing punctuation (an item «2.1. …», «— …» or «… ;» is text).
_SECTION = re.compile(r"\d{1,2}\.\s+[^—\n]{1,150}(?<![.;:,])")


def typed_part(order_docx: bytes, lines: list[str], title: str, body: str, org: Any) -> bytes:
    """An annex given only by its title and typed text, in the order's own styles; lines with
    tabs (a table copied into the text field) print as a table (typed_tables)."""
    document = docx.Document(io.BytesIO(order_docx))
    body_element = document.element.body
    for child in list(body_element):
        if child.tag != qn("w:sectPr"):
            body_element.remove(child)
    head = [lines[0], "", ru.grif_word(title), f"приказом {org.name_gen}", lines[2], ""]
    styles = _styles(document)
    for line in head:
        _paragraph(document, line, "DocAnnexMark", styles=styles)
    _paragraph(document, title, "DocTitle", styles=styles)
    for block in typed_tables.blocks(body or ""):
        if isinstance(block, list):
            typed_tables.add(document, block, styles.get)
        else:
            style_id = "DocHeading" if _SECTION.fullmatch(block) else "DocText"
            _paragraph(document, block, style_id, styles=styles)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# «Приложение» or «Приложение 2» alone in the first line of an annex's mark.
_OWN_MARK = re.compile(r"Приложение(?:\s+(\d+))?")


def _own_annexes(order_docx: bytes) -> list[tuple[int | None, int]]:
    """(number, body index) of each annex the order's own template prints after its text
    (the municipal order's roadmap): the first line of each block of annex marks."""
    body = docx.Document(io.BytesIO(order_docx)).element.body
    found, previous = [], None
    children = [e for e in body if e.tag != qn("w:sectPr")]
    for index, element in enumerate(children):
        style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        is_mark = style is not None and style.get(qn("w:val")) == "DocAnnexMark"
        if is_mark and previous != "DocAnnexMark":
            text = "".join(t.text or "" for t in element.iter(qn("w:t"))).strip()
            matched = _OWN_MARK.fullmatch(text)
            if matched and index > 0:
                found.append((int(matched[1]) if matched[1] else None, index))
        previous = "DocAnnexMark" if is_mark else None
    return found


def assemble(order_docx: bytes, annexes: list[tuple[int, bytes]]) -> bytes:
    """The order followed by every annex in the order of its number: the annexes the order's
    template prints itself and those attached (`(number, docx)`), as the order's text lists
    them, so «Приложение 1» always comes before «Приложение 2»."""
    own = _own_annexes(order_docx) if annexes else []
    parts: list[tuple[float, bytes]] = []
    if own:
        order_docx, *pieces = merge.split_docx(order_docx, [index for _, index in own])
        parts = [
            (math.inf if number is None else number, piece)
            for (number, _), piece in zip(own, pieces, strict=True)
        ]
    parts += [(number, part) for number, part in annexes]
    parts.sort(key=lambda item: item[0])  # stable: the order's own annex first on a tie
    return merge.merge_docx([order_docx, *(part for _, part in parts)])


def revise(db: sqlite_utils.Database, kind: Kind, order: Mapping[str, Any], user_id: int) -> dict:
    """A new draft of a registered order with a new draft of every annex it approved.

    The annexes change only with their order: each is carried into a new draft (its own
    revision), the order's draft lists those drafts, and registering it numbers and freezes
    them with it, as the first registration did.
    """
    listed = archive.annexes(db, order["id"]) if order["status"] == "registered" else []
    drafts = {
        annex["id"]: archive.revise(db, annex["id"], user_id, order_id=order["id"])["id"]
        for annex in listed
    }
    given = None
    if drafts:
        frozen = archive.get_version(db, order["id"], order["registered_version"])["input"]
        given = carried(kind, frozen, drafts)
    result = archive.revise(db, order["id"], user_id, input=given)
    archive.set_annexes(db, result["id"], [(a["position"], drafts[a["id"]]) for a in listed])
    return result


def carried(kind: Kind, data: Mapping[str, Any], drafts: Mapping[int, int]) -> dict[str, Any]:
    """The order's input with each annex (`document_id`) replaced by its new draft."""
    decl = declared(kind)
    if decl is None:
        return dict(data)
    entries = [
        {**e, "document_id": drafts.get(e.get("document_id"), e.get("document_id"))}
        if isinstance(e, Mapping) and e.get("document_id") is not None
        else e
        for e in data.get(decl.field) or []
    ]
    return {**data, decl.field: entries}
