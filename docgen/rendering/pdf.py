"""HTML and DOCX to PDF with WeasyPrint, through the HTML preview and the bundled fonts."""

from __future__ import annotations

import atexit
import functools
import threading
from collections.abc import Iterable

from docgen.rendering.html import FONT_DIR, bare_page, font_face_css

_PDF_LOCK = threading.Lock()


def html_to_pdf(html: str) -> bytes:
    """Render HTML to PDF with WeasyPrint, the bundled fonts always available."""
    from weasyprint import HTML

    font_config, font_css = _font_setup()
    # The cached stylesheet already declares the bundled fonts; declaring them again
    # would add them to the shared font configuration on every call.
    html = html.replace(font_face_css(FONT_DIR.as_uri() + "/"), "")
    # The font configuration is shared between calls for speed; Pango and fontconfig
    # objects are not safe to use from several threads at once.
    with _PDF_LOCK:
        return HTML(string=html).write_pdf(stylesheets=[font_css], font_config=font_config)


def docx_to_pdf(docx: bytes) -> bytes:
    """Convert a DOCX to PDF through the HTML preview."""
    with _PDF_LOCK:
        return _layout(docx).write_pdf()


def docxs_to_pdf(docxs: Iterable[bytes]) -> bytes:
    """Several documents as one PDF to print: each starts on a new page and numbers its own
    pages; they are laid out one by one and written once, so fonts are embedded once."""
    with _PDF_LOCK:
        documents = [_layout(docx) for docx in docxs]
        if not documents:
            raise ValueError("no documents to put into a PDF")
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf()


def _layout(docx: bytes):
    """A DOCX laid out by WeasyPrint (call under _PDF_LOCK)."""
    from weasyprint import HTML

    page, css = bare_page(docx)
    font_config, font_css = _font_setup()
    # Documents of one kind share their stylesheet, so it is parsed once and given as a
    # user stylesheet: nothing else but the UA sheet competes with it, inline styles
    # (author origin) still win, and the PDF is the same as from docx_to_html's page.
    page_css = _parsed_css(css)
    return HTML(string=page).render(stylesheets=[font_css, page_css], font_config=font_config)


@functools.cache
def _font_setup():
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    # Dropped before interpreter shutdown: its __del__ needs the modules still loaded.
    atexit.register(_font_setup.cache_clear)
    css = CSS(string=font_face_css(FONT_DIR.as_uri() + "/"), font_config=font_config)
    return font_config, css


@functools.lru_cache(maxsize=64)
def _parsed_css(css: str):
    from weasyprint import CSS

    return CSS(string=css)  # no @font-face here: the fonts come from _font_setup
