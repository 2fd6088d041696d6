"""An order and its annexes as one DOCX: every part's text, each annex from a new page."""

from __future__ import annotations

import io

import pypdf
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

from docgen.documents import compose
from docgen.kinds import catalog
from docgen.rendering import html as preview
from docgen.rendering.merge import MergeError, merge_docx
from docgen.rendering.pdf import docx_to_pdf


def rendered(slug: str) -> bytes:
    kind = catalog.get(slug)
    return compose.render_docx(
        kind, compose.build_context(kind, compose.validate(kind, kind.sample()))
    )


def saved(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def landscape_annex() -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    doc.add_paragraph("Приложение 2 в альбомной ориентации")
    doc.add_paragraph("Широкая таблица мероприятий")
    return saved(doc)


def pages(docx: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(docx_to_pdf(docx))).pages)


def test_merged_text_is_the_parts_in_order():
    parts = [rendered("approval-order"), rendered("pairs-order"), landscape_annex()]
    merged = merge_docx(parts)
    text = preview.normalize_text(preview.docx_text(merged))
    assert text == " ".join(preview.normalize_text(preview.docx_text(p)) for p in parts)
    Document(io.BytesIO(merged))  # still a Word document


def test_each_part_starts_on_a_new_page():
    parts = [rendered("curator-order"), landscape_annex(), rendered("council-order")]
    merged = merge_docx(parts)
    assert pages(merged) == sum(pages(p) for p in parts)
    pdf = pypdf.PdfReader(io.BytesIO(docx_to_pdf(merged)))
    starts = [preview.normalize_text(page.extract_text()) for page in pdf.pages]
    assert any(page.startswith("Приложение 2 в альбомной ориентации") for page in starts)


def test_each_part_keeps_its_page_orientation():
    merged = merge_docx([rendered("curator-order"), landscape_annex(), rendered("award-order")])
    sections = Document(io.BytesIO(merged)).sections
    assert [s.orientation for s in sections] == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
    ]
    assert sections[1].page_width > sections[1].page_height


def test_one_part_comes_back_with_the_same_text():
    order = rendered("curator-order")
    assert preview.docx_text(merge_docx([order])) == preview.docx_text(order)


def test_nothing_or_not_a_docx_is_refused():
    with pytest.raises(MergeError):
        merge_docx([])
    with pytest.raises(MergeError, match="не является документом DOCX"):
        merge_docx([rendered("curator-order"), b"not a zip"])
