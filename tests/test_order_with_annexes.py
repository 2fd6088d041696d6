"""An order and the documents it approves: one DOCX and one PDF, the same number and date."""

from __future__ import annotations

import io

import pytest
from pdftext import pdf_text
from pypdf import PdfReader

from docgen import demo
from docgen.accounts import users
from docgen.documents import archive
from docgen.documents import service as documents
from docgen.kinds import catalog
from docgen.rendering import html as preview


@pytest.fixture
def director(db):
    demo.seed(db)
    return db, next(u for u in users.list_users(db) if u["login"] == "director")


def _draft(db, user, slug, drop=(), **changes):
    payload = catalog.get(slug).sample()
    for name in ("organisation", *drop):
        payload.pop(name, None)
    payload.update(changes)
    return documents.create(db, user, slug, payload, user["org_id"])


def test_order_carries_its_annexes_with_its_own_number_and_date(director, today):
    db, user = director
    regulation = _draft(db, user, "regulation")
    roadmap = _draft(db, user, "roadmap", drop=["sections"])  # the model roadmap, undated
    order = _draft(
        db,
        user,
        "implementation-order",
        annexes=[
            {"title": "Положение о системе наставничества", "document_id": regulation["id"]},
            {"title": "Дорожная карта внедрения", "document_id": roadmap["id"]},
        ],
    )
    assert [a["id"] for a in archive.annexes(db, order["id"])] == [regulation["id"], roadmap["id"]]
    draft, _, _ = documents.download(db, user, order["id"], None, "docx")
    draft_text = preview.normalize_text(preview.docx_text(draft))
    assert "ПРИКАЗЫВАЮ" in draft_text and "Дорожная карта" in draft_text
    assert "УТВЕРЖДЕНО" in draft_text and "№ ____" in draft_text

    result = documents.register(db, user, order["id"], today)
    number, date = result["number"], today.strftime("%d.%m.%Y")
    docx, _, _ = documents.download(db, user, order["id"], None, "docx")
    text = preview.normalize_text(preview.docx_text(docx))
    assert "№ ____" not in text
    # the order's own requisite line and the grifs of both annexes carry the same number and date
    assert text.count(f"{date} № {number}") >= 3
    pdf, _, _ = documents.download(db, user, order["id"], None, "pdf")
    assert preview.normalize_text(pdf_text(pdf, docx)) == text
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    # each annex begins on a page of its own
    assert any(
        page.lstrip().startswith("УТВЕРЖДЕНО") or "ПРИНЯТО" in page[:200] for page in pages[1:]
    )


def test_an_annex_of_another_school_is_refused(director):
    db, user = director
    other = next(u for u in users.list_users(db) if u["login"] == "director2")
    foreign = _draft(db, other, "regulation")
    with pytest.raises(documents.FieldErrors, match="нет документа"):
        _draft(
            db,
            user,
            "implementation-order",
            annexes=[{"title": "Положение", "document_id": foreign["id"]}],
        )
