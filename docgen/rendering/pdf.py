"""HTML and DOCX to PDF with WeasyPrint, through the HTML preview and the bundled fonts."""

from __future__ import annotations

import atexit
import functools
import hashlib
import html as htmlcodec
import re
import threading
from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

from docgen.rendering.html import FONT_DIR, bare_page, bare_pages, font_face_css

_PDF_LOCK = threading.Lock()
# A style attribute of the converter's page (the page is ours: a text's quotes and angle
# brackets are escaped, so a match starts at a real tag).
_STYLE_ATTR = re.compile(r'<([a-z][a-z0-9]*)([^<>]*?) style="([^"]*)"')
_CLASS_ATTR = re.compile(r' class="([^"]*)"')
# The converter's void elements, closed so that its page parses as XML.
_VOID = re.compile(r"<(br|col|img|meta)\b([^<>]*?)/?>")
# Rules of WeasyPrint's user-agent stylesheet for list markers, footnotes and notes, which
# the converter never makes: each matches every element, and WeasyPrint computes a style for
# every element and each of them.
_UA_UNUSED = re.compile(
    r"^::(marker|footnote-call|footnote-marker|note-call|note-marker|note-callback) \{[^{}]*\}\n",
    re.M,
)


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
    pages; fonts are embedded once.

    Documents of one template are laid out as one HTML page (bare_pages), which saves the
    set-up of each layout and lets them share computed styles; others one by one.
    """
    docxs = list(docxs)
    if not docxs:
        raise ValueError("no documents to put into a PDF")
    with _PDF_LOCK:
        printed = bare_pages(docxs) if len(docxs) > 1 else None
        if printed is not None:
            return _render(*printed).write_pdf()
        documents = [_layout(docx) for docx in docxs]
        pages = [page for document in documents for page in document.pages]
        return documents[0].copy(pages).write_pdf()


def _layout(docx: bytes):
    """A DOCX laid out by WeasyPrint (call under _PDF_LOCK)."""
    return _render(*bare_page(docx))


def _render(page: str, css: str):
    """The converter's page laid out with its stylesheet (call under _PDF_LOCK)."""
    page, inline_css = _styles_to_classes(page)
    font_config, font_css = _font_setup()
    # Documents of one kind share their stylesheet, so it is parsed once and given as a
    # user stylesheet: nothing else but the UA sheet competes with it, the former inline
    # styles still win (see _styles_to_classes), and the PDF is the same as from
    # docx_to_html's page.
    sheets = [font_css, _parsed_css(css), _parsed_css(inline_css)]
    return _page_class()(page).render(stylesheets=sheets, font_config=font_config)


@functools.cache
def _page_class():
    """WeasyPrint's HTML for the converter's page, made cheaper where that page allows.

    The page is parsed as XML (it is well-formed: text is escaped and only void elements
    are left open): WeasyPrint's HTML5 parser, pure Python, took as long as laying out a
    page of text. And the user-agent stylesheet leaves out the rules for list markers,
    footnotes and notes (_UA_UNUSED), which halves the time of the cascade. A test checks
    that every kind's PDF draws the same pages as with WeasyPrint's own parser and sheet.
    """
    import cssselect2
    from weasyprint import CSS, HTML
    from weasyprint import html as stock

    # Its name in recent WeasyPrint and in older ones; without either, the stock sheet.
    counters = getattr(stock, "UA_COUNTER_STYLE", None) or getattr(
        stock, "HTML5_UA_COUNTER_STYLE", None
    )
    ua = (resources.files("weasyprint.css") / "html5_ua.css").read_text("utf-8")
    # The sheet's @counter-style rules are already in the stock counter styles (parsed from the
    # same file when WeasyPrint loads), which every layout copies; parsed again into them they
    # would be refused as redefinitions, with a warning. A blank collection takes them instead.
    sheets = (
        [CSS(string=_UA_UNUSED.sub("", ua), counter_style=type(counters)())] if counters else None
    )

    class Page(HTML):
        def __init__(self, page: str) -> None:
            try:
                root = ElementTree.fromstring(_VOID.sub(r"<\1\2/>", page))
            except ElementTree.ParseError:  # not well-formed after all: the HTML parser
                super().__init__(string=page)
                return
            # The base URL, URL fetcher and media type as this WeasyPrint sets them.
            super().__init__(string="<html></html>")
            self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root)
            self.etree_element = self.wrapper_element.etree_element

        def _ua_stylesheets(self, forms: bool = False) -> list:
            if forms:
                return super()._ua_stylesheets(forms)
            return sheets if sheets is not None else super()._ua_stylesheets()

    return Page


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


def concatenate(paths: Iterable[str | Path], target: str | Path) -> int:
    """The pages of several PDF files, one file after another, as one PDF; the pages written."""
    with open(target, "wb") as out:
        merged = Concatenation(out)
        for path in paths:
            merged.add(path)
        return merged.finish()


class Concatenation:
    """PDF files added one after another to one PDF written to `out`.

    Each file's objects are renumbered and written out as soon as it is added, so memory
    holds one file at a time whatever the count (pypdf's writer keeps every page until the
    end), and files can be added while the next ones are being made. Made for WeasyPrint's
    files: a flat page tree and nothing outside the pages but the catalog's language.
    """

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.offsets: dict[int, int] = {}
        self.kids: list[int] = []
        self.language = None
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def add(self, path: str | Path) -> None:
        from pypdf import PdfReader

        reader = PdfReader(path)
        if self.language is None:
            self.language = reader.trailer["/Root"].get("/Lang")
        copy = _Copy(reader, self.offsets, self.out)
        self.kids.extend(copy.reference(page.indirect_reference).idnum for page in reader.pages)
        copy.write_all()

    def finish(self) -> int:
        """Write the page tree, the catalog and the cross-reference table; the pages written."""
        out, offsets = self.out, self.offsets
        offsets[_PAGES] = out.tell()
        references = " ".join(f"{kid} 0 R" for kid in self.kids)
        out.write(
            f"{_PAGES} 0 obj\n<< /Type /Pages /Kids [{references}] /Count {len(self.kids)} >>"
            "\nendobj\n".encode()
        )
        offsets[_CATALOG] = out.tell()
        lang = f" /Lang ({self.language})" if self.language else ""
        out.write(
            f"{_CATALOG} 0 obj\n<< /Type /Catalog /Pages {_PAGES} 0 R{lang} >>\nendobj\n".encode()
        )
        start = out.tell()
        size = len(offsets) + 1
        out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
        for number in range(1, size):
            out.write(f"{offsets[number]:010d} 00000 n \n".encode())
        out.write(
            f"trailer\n<< /Size {size} /Root {_CATALOG} 0 R >>\nstartxref\n{start}\n%%EOF\n".encode()
        )
        return len(self.kids)


# The object numbers of the merged file's page tree and catalog, written last.
_PAGES, _CATALOG = 1, 2


class _Copy:
    """The objects of one file reachable from its pages, renumbered after those already
    written (`offsets`), each written once."""

    def __init__(self, reader, offsets: dict[int, int], out) -> None:
        self.reader = reader
        self.offsets = offsets
        self.out = out
        self.numbers: dict[int, int] = {}
        self.waiting: list[int] = []
        self.next = _CATALOG + 1 + len(offsets)  # every earlier object is written

    def reference(self, old):
        """The new reference of an object of the file, queued to be written."""
        from pypdf.generic import IndirectObject

        if old.idnum not in self.numbers:
            self.numbers[old.idnum] = self.next
            self.next += 1
            self.waiting.append(old.idnum)
        return IndirectObject(self.numbers[old.idnum], 0, None)  # type: ignore[arg-type]

    def rewrite(self, value):
        """The value with its references pointed at the new numbers (containers in place)."""
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

        if isinstance(value, IndirectObject):
            return value if value.pdf is None else self.reference(value)
        if isinstance(value, DictionaryObject):
            for key, item in list(value.items()):
                value[key] = self.rewrite(item)
        elif isinstance(value, ArrayObject):
            for index, item in enumerate(value):
                value[index] = self.rewrite(item)
        return value

    def write_all(self) -> None:
        from pypdf.generic import DictionaryObject, IndirectObject, NameObject

        while self.waiting:
            old = self.waiting.pop()
            obj = self.reader.get_object(old)
            if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/Page":
                obj[NameObject("/Parent")] = IndirectObject(_PAGES, 0, None)  # type: ignore[arg-type]
            self.rewrite(obj)
            number = self.numbers[old]
            self.offsets[number] = self.out.tell()
            self.out.write(f"{number} 0 obj\n".encode())
            obj.write_to_stream(self.out)
            self.out.write(b"\nendobj\n")
