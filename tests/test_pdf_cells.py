"""A table cell holding one paragraph is printed without the paragraph's own box (the cell
carries the paragraph's class): the PDF draws exactly what it drew with the paragraph."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from pypdf import PdfReader

from docgen.documents import compose
from docgen.kinds import catalog
from docgen.rendering import html as preview
from docgen.rendering import pdf, tables


def _drawn(document: bytes) -> list[bytes]:
    """What each page draws: its content stream, text and positions included."""
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(document)).pages]


def _with_paragraphs_kept(docx: bytes, monkeypatch) -> bytes:
    with monkeypatch.context() as patch:
        patch.setattr(tables, "_lone_paragraph_to_cell", lambda out, flush: False)
        patch.setattr(preview, "_lone_paragraph_to_cell", lambda out, flush: False)
        return pdf.docx_to_pdf(docx)


def _table_docx() -> bytes:
    doc = Document()
    normal = doc.styles["Normal"].paragraph_format
    normal.space_before = normal.space_after = Pt(0)
    spaced = doc.styles.add_style("Spaced", 1)
    spaced.paragraph_format.space_after = Pt(18)
    centred = doc.styles.add_style("Centred", 1)
    spaced.base_style = centred.base_style = doc.styles["Normal"]
    centred.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    centred.paragraph_format.first_line_indent = Pt(12)
    centred.font.size = Pt(9)
    table = doc.add_table(rows=3, cols=3)
    texts = [
        ("Наставник", "Centred"),
        ("Наставляемый с отступом после абзаца", "Spaced"),
        ("", None),
        ("Иванова Мария Петровна, учитель математики", None),
        ("Петров Алексей Сергеевич", "Centred"),
        ("Два абзаца", None),
        ("1.", "Centred"),
        ("  два пробела в начале", None),
        ("жирный", None),
    ]
    cells = [c for row in table.rows for c in row.cells]
    for cell, (text, style) in zip(cells, texts, strict=True):
        paragraph = cell.paragraphs[0]
        if text == "жирный":
            paragraph.add_run("обычный и ")
            paragraph.add_run(text).bold = True
        else:
            paragraph.add_run(text)
        if style:
            paragraph.style = doc.styles[style]
        if text == "Два абзаца":
            cell.add_paragraph("второй абзац ячейки")
    doc.add_paragraph("После таблицы.")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_cells_of_one_paragraph_draw_what_they_drew_as_paragraphs(monkeypatch):
    docx = _table_docx()
    page, _ = preview.bare_page(docx)
    assert page.count('<td class="s-') == 7  # the cells with one paragraph but the spaced one
    assert _drawn(pdf.docx_to_pdf(docx)) == _drawn(_with_paragraphs_kept(docx, monkeypatch))


def test_a_paragraph_with_spacing_keeps_its_own_box_in_the_cell():
    page, _ = preview.bare_page(_table_docx())
    assert '<p class="s-Spaced">Наставляемый с отступом после абзаца</p>' in page
    assert '<td class="s-Centred c' in page


@pytest.mark.parametrize("slug", ["roadmap", "monitoring-report", "pairs-order"])
def test_kinds_with_tables_draw_what_they_drew_with_paragraphs_in_cells(slug, monkeypatch):
    kind = catalog.get(slug)
    docx = compose.render_docx(
        kind, compose.build_context(kind, compose.validate(kind, kind.sample()))
    )
    assert _drawn(pdf.docx_to_pdf(docx)) == _drawn(_with_paragraphs_kept(docx, monkeypatch))
