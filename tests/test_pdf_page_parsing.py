"""The PDF renderer's shortcuts (the converter's page parsed as XML, a user-agent stylesheet
without list, footnote and note rules) draw exactly what WeasyPrint's own parser and
stylesheet draw."""

from __future__ import annotations

import io

import pytest
from pdftext import pdf_text
from pypdf import PdfReader

from docgen.documents import compose
from docgen.kinds import catalog
from docgen.rendering import html as preview
from docgen.rendering import pdf


def _sample(slug: str) -> bytes:
    kind = catalog.get(slug)
    return compose.render_docx(
        kind, compose.build_context(kind, compose.validate(kind, kind.sample()))
    )


def _stock_pdf(docx: bytes) -> bytes:
    """The PDF as WeasyPrint makes it from the converter's page with its own HTML parser and
    user-agent stylesheet."""
    from weasyprint import HTML

    page, css = preview.bare_page(docx)
    page, inline_css = pdf._styles_to_classes(page)
    font_config, font_css = pdf._font_setup()
    sheets = [font_css, pdf._parsed_css(css), pdf._parsed_css(inline_css)]
    return HTML(string=page).write_pdf(stylesheets=sheets, font_config=font_config)


def _drawn(document: bytes) -> list[bytes]:
    """What each page draws: its content stream, text and positions included."""
    return [page.get_contents().get_data() for page in PdfReader(io.BytesIO(document)).pages]


@pytest.mark.parametrize("slug", [kind.slug for kind in catalog.KINDS])
def test_every_kind_draws_the_same_pages_as_with_weasyprints_own_parser(slug):
    docx = _sample(slug)
    drawn = _drawn(pdf.docx_to_pdf(docx))
    assert drawn and drawn == _drawn(_stock_pdf(docx))


def test_a_page_that_is_not_xml_is_still_printed_whole():
    page = (
        '<!DOCTYPE html>\n<html lang="ru"><body><p>Первый абзац<p>Второй абзац &nbsp;</body></html>'
    )
    with pdf._PDF_LOCK:
        document = pdf._render(page, "").write_pdf()
    assert preview.normalize_text(pdf_text(document)) == "Первый абзац Второй абзац"
