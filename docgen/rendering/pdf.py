"""HTML and DOCX to PDF with WeasyPrint, through the HTML preview and the bundled fonts."""

from __future__ import annotations

import atexit
import functools
import hashlib
import html as htmlcodec
import re
import threading
from collections.abc import Iterable

from docgen.rendering.html import FONT_DIR, bare_page, font_face_css

_PDF_LOCK = threading.Lock()
# A style attribute of the converter's page (the page is ours: a text's quotes and angle
# brackets are escaped, so a match starts at a real tag).
_STYLE_ATTR = re.compile(r'<([a-z][a-z0-9]*)([^<>]*?) style="([^"]*)"')
_CLASS_ATTR = re.compile(r' class="([^"]*)"')


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
    page, inline_css = _styles_to_classes(page)
    font_config, font_css = _font_setup()
    # Documents of one kind share their stylesheet, so it is parsed once and given as a
    # user stylesheet: nothing else but the UA sheet competes with it, the former inline
    # styles still win (see _styles_to_classes), and the PDF is the same as from
    # docx_to_html's page.
    sheets = [font_css, _parsed_css(css), _parsed_css(inline_css)]
    return HTML(string=page).render(stylesheets=sheets, font_config=font_config)


def _styles_to_classes(page: str) -> tuple[str, str]:
    """The page with each style attribute replaced by a class, and the rules of those classes.

    WeasyPrint shares one computed style between elements only when their declarations are
    the same objects: every inline style is parsed on its own, so each styled paragraph,
    run and cell (and everything inside it) got a computed style of its own, computed
    property by property. A class rule is parsed once and shared. Its declarations are
    `!important` in the user stylesheet: that outranks every other rule the page gets, as
    the inline style (author origin) did.
    """
    rules: dict[str, str] = {}

    def replace(match: re.Match) -> str:
        tag, attrs, style = match.groups()
        style = htmlcodec.unescape(style)
        name = "i" + hashlib.blake2b(style.encode(), digest_size=5).hexdigest()
        if name not in rules:
            rules[name] = _important(style)
        if _CLASS_ATTR.search(attrs):
            attrs = _CLASS_ATTR.sub(lambda m: f' class="{m.group(1)} {name}"', attrs, count=1)
        else:
            attrs += f' class="{name}"'
        return f"<{tag}{attrs}"

    page = _STYLE_ATTR.sub(replace, page)
    return page, "\n".join(f".{name} {{ {decls} }}" for name, decls in sorted(rules.items()))


def _important(style: str) -> str:
    """`a: 1; b: 2` as `a: 1 !important; b: 2 !important`."""
    import tinycss2

    declarations = tinycss2.parse_blocks_contents(style, skip_whitespace=True, skip_comments=True)
    return "; ".join(
        f"{d.name}: {tinycss2.serialize(d.value).strip()} !important"
        for d in declarations
        if d.type == "declaration"
    )


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
