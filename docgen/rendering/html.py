"""Rendered DOCX -> HTML preview -> PDF, so the preview and the PDF show exactly the DOCX text.

The converter reads the document XML of the rendered DOCX (never a second copy of the
template text) and keeps what ГОСТ Р 7.0.97 layouts rely on: page geometry, paragraph
styles, right-tab signature lines, borderless and bordered tables with merged cells,
page breaks.  Page numbers are always printed from page 2, centred in the top margin
(ГОСТ Р 7.0.97 numbers every multi-page document that way, DOMAIN.md §3.1), whatever
the DOCX header holds; other header and footer content is not rendered.

Not converted: automatic list numbering (numbering.xml), images and shapes, paragraph
borders, multi-column sections, fonts other than the bundled Liberation Serif.
"""

from __future__ import annotations

import atexit
import functools
import html
import io
import re
import threading
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
FONT_DIR = Path(__file__).parent.parent / "static" / "fonts"
# The bundled faces get a family name of their own: fontconfig treats "Liberation Serif"
# and "LiberationSerif" as one name, and a system copy (another version) or a real
# Times New Roman could win the match. The document's own font (w:rFonts) is not used.
FONT_FAMILY = "Liberation Serif Bundled"
FONT_STACK = f'"{FONT_FAMILY}", "Times New Roman", "Liberation Serif", serif'
_FONT_FILES = (
    ("LiberationSerif-Regular.ttf", "normal", "normal"),
    ("LiberationSerif-Bold.ttf", "bold", "normal"),
    ("LiberationSerif-Italic.ttf", "normal", "italic"),
    ("LiberationSerif-BoldItalic.ttf", "bold", "italic"),
)
# Word's "single" line of Times New Roman is about 1.15 of the font size.
_SINGLE_LINE = 1.15
_A4 = (11906, 16838)
_JC = {
    "left": "left",
    "start": "left",
    "center": "center",
    "right": "right",
    "end": "right",
    "both": "justify",
    "distribute": "justify",
}
_BORDER_STYLES = {
    "single": "solid",
    "thick": "solid",
    "double": "double",
    "dotted": "dotted",
    "dashed": "dashed",
    "dashSmallGap": "dashed",
    "dotDash": "dashed",
    "dotDotDash": "dashed",
}
_HEX = re.compile(r"[0-9A-Fa-f]{6}")
_OFF = ("0", "false", "off")
_DEFAULT_TAB = re.compile(rb'<w:defaultTabStop w:val="(\d+)"')
_PDF_LOCK = threading.Lock()
_HEADER_MARK = "#000001"
_HEADER_MARK_RGB = (0.0, 0.0, 1 / 255)
# Line breaks after these are layout, not text: normalize_text drops the space after them.
_BREAK_AFTER = re.compile(r"([-\u2010\u2011\u2013\u2014/])\s+")


# --- public API -----------------------------------------------------------------------


def docx_to_html(docx: bytes, *, fragment: bool = False) -> str:
    """Convert a DOCX to a full HTML page, or to an `<article class="doc">` + scoped style."""
    conv = _Converter(docx)
    conv.convert()
    if fragment:
        return f"<style>{conv.css(fragment=True)}</style>\n{conv.article()}"
    return _page(conv, font_base=FONT_DIR.as_uri() + "/", css=conv.css(fragment=False))


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

    conv = _Converter(docx)
    conv.convert()
    font_config, font_css = _font_setup()
    # Documents of one kind share their stylesheet, so it is parsed once and given as a
    # user stylesheet: nothing else but the UA sheet competes with it, inline styles
    # (author origin) still win, and the PDF is the same as from docx_to_html's page.
    page_css = _parsed_css(conv.css(fragment=False))
    page = _page(conv, font_base=None, css=None)
    return HTML(string=page).render(stylesheets=[font_css, page_css], font_config=font_config)


def docx_text(docx: bytes) -> str:
    """Visible text of a DOCX, one paragraph a line, table cells in order."""
    conv = _Converter(docx)
    conv.convert()
    return "\n".join(conv.text)


def pdf_text(pdf: bytes) -> str:
    """Text of a PDF in drawing order, without page numbers and repeated table headers."""
    import pdfplumber

    out = []
    headers: set[str] = set()
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            number_chars = _page_number(page, number)
            drop = number_chars | _repeated_header(page, number, headers, number_chars)
            if drop:
                page = page.filter(
                    lambda obj, drop=drop: obj.get("object_type") != "char" or _key(obj) not in drop
                )
            out.append(page.extract_text(use_text_flow=True))
    return "\n".join(out)


def _key(char: dict) -> tuple:
    return (char["text"], round(char["x0"], 2), round(char["top"], 2))


def _page_number(page, number: int) -> set[tuple]:
    """The chars of the number in the top margin of pages 2, 3, …"""
    words = page.extract_words()
    if not words or number == 1:
        return set()
    top = min(w["top"] for w in words)
    first_line = [w for w in words if w["top"] - top < 1]
    if len(first_line) != 1 or first_line[0]["text"] != str(number):
        return set()
    limit = first_line[0]["bottom"] + 0.5
    return {_key(c) for c in page.chars if c["bottom"] <= limit}


def _repeated_header(page, number: int, seen: set[str], ignore: set[tuple]) -> set[tuple]:
    """Chars of a header row repeated at the top of a page; `seen` collects header texts."""
    runs: list[list[dict]] = []
    previous = False
    for char in page.chars:  # in drawing order: one header row is one run
        marked = _is_mark(char.get("non_stroking_color"))
        if marked and not previous:
            runs.append([])
        if marked:
            runs[-1].append(char)
        previous = marked
    if not runs:
        return set()
    first = runs[0]
    body_top = min(
        (
            c["top"]
            for c in page.chars
            if not _is_mark(c.get("non_stroking_color")) and _key(c) not in ignore
        ),
        default=float("inf"),
    )
    first_text = "".join(c["text"] for c in first)
    drop = set()
    # A repeat is the topmost text of the page (below the page number) and was seen before.
    if number > 1 and first_text in seen and min(c["top"] for c in first) < body_top + 1:
        drop = {_key(c) for c in first}
    seen.update("".join(c["text"] for c in run) for run in runs)
    return drop


def _is_mark(color) -> bool:
    if not isinstance(color, tuple | list) or len(color) != 3:
        return False
    return all(abs(a - b) < 0.001 for a, b in zip(color, _HEADER_MARK_RGB, strict=True))


def normalize_text(s: str) -> str:
    """Collapse all whitespace (NO-BREAK SPACE included), drop soft hyphens.

    A line may break after a hyphen, dash or slash without a space in the text, so the
    space after those is dropped on both sides of a comparison.

    Page numbers are removed by `pdf_text` by position: dropping every digits-only
    line here would also drop a table cell «1» in the DOCX text while the PDF shows it
    on one line with its neighbours.
    """
    text = " ".join(s.replace("\u00ad", "").replace("\u00a0", " ").split())
    return _BREAK_AFTER.sub(r"\1", text)


def font_face_css(base_url: str) -> str:
    """@font-face rules for the bundled fonts, files looked up under `base_url`."""
    return "\n".join(
        f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{base_url}{filename}"); '
        f"font-weight: {weight}; font-style: {style}; }}"
        for filename, weight, style in _FONT_FILES
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


def _page(conv: _Converter, *, font_base: str | None, css: str | None) -> str:
    fonts = font_face_css(font_base) + "\n" if font_base else ""
    style = f"<style>\n{fonts}{css}\n</style>\n" if css is not None else ""
    return (
        '<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
        f"{style}</head>\n<body>\n{conv.article()}\n</body>\n</html>\n"
    )


# --- reading properties ---------------------------------------------------------------


def _children(el):
    """Child elements of the WordprocessingML namespace, as (local name, element)."""
    if el is None:
        return
    for child in el.iterchildren(tag=etree.Element):
        tag = child.tag
        if tag.startswith(W):
            yield tag[len(W) :], child


def _val(el, name: str = "val") -> str | None:
    return None if el is None else el.get(W + name)


def _num(el, *names: str) -> int | None:
    for name in names or ("val",):
        value = _val(el, name)
        if value is not None:
            try:
                return int(float(value))
            except ValueError:
                return None
    return None


def _on(el) -> bool:
    return _val(el) not in _OFF


def _ppr_props(ppr) -> dict:
    props: dict = {}
    for name, el in _children(ppr):
        if name == "jc":
            props["jc"] = _val(el)
        elif name == "ind":
            for key, attrs in (("left", ("left", "start")), ("right", ("right", "end"))):
                value = _num(el, *attrs)
                if value is not None:
                    props[key] = value
            hanging, first = _num(el, "hanging"), _num(el, "firstLine")
            if hanging is not None:
                props["first"] = -hanging
            elif first is not None:
                props["first"] = first
        elif name == "spacing":
            for key in ("before", "after", "line"):
                value = _num(el, key)
                if value is not None:
                    props[key] = value
            if _val(el, "lineRule"):
                props["lineRule"] = _val(el, "lineRule")
        elif name in ("keepNext", "keepLines", "pageBreakBefore"):
            props[name] = _on(el)
        elif name == "tabs":
            props["tabs"] = {
                _num(tab, "pos"): _val(tab) for tab in el.iterfind(W + "tab") if _num(tab, "pos")
            }
    return props


def _rpr_props(rpr) -> dict:
    props: dict = {}
    for name, el in _children(rpr):
        if name in ("b", "i", "caps", "smallCaps", "strike", "dstrike", "vanish"):
            props[name] = _on(el)
        elif name == "u":
            props["u"] = _val(el) not in (None, "none")
        elif name == "sz" and _num(el) is not None:
            props["sz"] = _num(el)
        elif name == "color" and _val(el) and _HEX.fullmatch(_val(el)):
            props["color"] = _val(el)
        elif name == "vertAlign":
            props["vertAlign"] = _val(el)
        elif name == "spacing" and _num(el) is not None:
            props["spacing"] = _num(el)
    return props


def _merge_ppr(base: dict, over: dict) -> dict:
    merged = {**base, **over}
    if "tabs" in base and "tabs" in over:
        tabs = dict(base["tabs"])
        for pos, kind in over["tabs"].items():
            if kind == "clear":
                tabs.pop(pos, None)
            else:
                tabs[pos] = kind
        merged["tabs"] = tabs
    return merged


def _borders(el) -> dict:
    """Border definitions by side (top/left/bottom/right/insideH/insideV)."""
    sides = {"start": "left", "end": "right"}
    return {sides.get(name, name): b for name, b in _children(el)}


def _margins(el) -> dict:
    sides = {"start": "left", "end": "right"}
    return {sides.get(name, name): _num(m, "w") or 0 for name, m in _children(el)}


def _pt(twips: float) -> str:
    return f"{twips / 20:.2f}".rstrip("0").rstrip(".") + "pt"


def _ppr_css(p: dict) -> list[str]:
    css = []
    if p.get("jc") in _JC:
        css.append(f"text-align:{_JC[p['jc']]}")
    if "left" in p:
        css.append(f"margin-left:{_pt(p['left'])}")
    if "right" in p:
        css.append(f"margin-right:{_pt(p['right'])}")
    if "first" in p:
        css.append(f"text-indent:{_pt(p['first'])}")
    if "before" in p:
        css.append(f"margin-top:{_pt(p['before'])}")
    if "after" in p:
        css.append(f"margin-bottom:{_pt(p['after'])}")
    if "line" in p:
        if p.get("lineRule", "auto") == "auto":
            css.append(f"line-height:{p['line'] / 240 * _SINGLE_LINE:.3f}")
        else:
            css.append(f"line-height:{_pt(p['line'])}")
    if "keepNext" in p:
        css.append("break-after:" + ("avoid" if p["keepNext"] else "auto"))
    if "keepLines" in p:
        css.append("break-inside:" + ("avoid" if p["keepLines"] else "auto"))
    if p.get("pageBreakBefore"):
        css.append("break-before:page")
    return css


def _rpr_css(r: dict) -> list[str]:
    css = []
    if "b" in r:
        css.append("font-weight:" + ("bold" if r["b"] else "normal"))
    if "i" in r:
        css.append("font-style:" + ("italic" if r["i"] else "normal"))
    lines = []
    if r.get("u"):
        lines.append("underline")
    if r.get("strike") or r.get("dstrike"):
        lines.append("line-through")
    if lines or "u" in r or "strike" in r:
        css.append("text-decoration:" + (" ".join(lines) or "none"))
    if r.get("caps"):
        css.append("text-transform:uppercase")
    if r.get("smallCaps"):
        css.append("font-variant:small-caps")
    if "sz" in r:
        css.append(f"font-size:{r['sz'] / 2:g}pt")
    if "color" in r and r["color"] != "000000":  # black is the default; see _HEADER_MARK
        css.append(f"color:#{r['color']}")
    if r.get("vertAlign") in ("superscript", "subscript"):
        css.append("vertical-align:" + ("super" if r["vertAlign"] == "superscript" else "sub"))
        css.append("font-size:smaller")
    if "spacing" in r:
        css.append(f"letter-spacing:{_pt(r['spacing'])}")
    return css


def _border_css(b) -> str:
    kind = _val(b)
    if b is None or kind in (None, "nil", "none"):
        return "none"
    width = max((_num(b, "sz") or 4) / 8, 0.25)
    style = _BORDER_STYLES.get(kind, "solid")
    if style == "double":
        width = max(width, 2.25)
    color = _val(b, "color")
    color = f"#{color}" if color and _HEX.fullmatch(color) else "#000"
    return f"{width:g}pt {style} {color}"


def _parse_xml(data: bytes):
    # A parser per call: lxml parsers must not be shared between threads.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    return etree.fromstring(data, parser)


@functools.lru_cache(maxsize=32)
def _styles(xml: bytes) -> _Styles:
    """Styles of a styles.xml; documents from one template share it, so it is kept."""
    return _Styles(_parse_xml(xml) if xml else None)


# --- styles ---------------------------------------------------------------------------


class _Styles:
    """styles.xml with `basedOn` chains and docDefaults resolved."""

    def __init__(self, root) -> None:
        self.by_id: dict[str, etree._Element] = {}
        self.default: dict[str, str] = {}
        self.ppr_default: dict = {}
        self.rpr_default: dict = {}
        self._cache: dict = {}
        if root is None:
            return
        for style in root.iterfind(W + "style"):
            sid, kind = style.get(W + "styleId"), style.get(W + "type")
            if sid is None:
                continue
            self.by_id[sid] = style
            if style.get(W + "default") in ("1", "true", "on"):
                self.default.setdefault(kind, sid)
        defaults = root.find(W + "docDefaults")
        if defaults is not None:
            self.ppr_default = _ppr_props(defaults.find(f"{W}pPrDefault/{W}pPr"))
            self.rpr_default = _rpr_props(defaults.find(f"{W}rPrDefault/{W}rPr"))

    def chain(self, sid: str | None) -> list:
        """Styles from the root of the `basedOn` chain down to `sid`."""
        out, seen = [], set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            style = self.by_id[sid]
            out.append(style)
            sid = _val(style.find(W + "basedOn"))
        return out[::-1]

    def para_own(self, sid: str | None) -> tuple[dict, dict]:
        """Paragraph and run properties a paragraph style chain sets, docDefaults apart."""
        key = ("own", sid)
        if key not in self._cache:
            ppr: dict = {}
            rpr: dict = {}
            for style in self.chain(sid):
                ppr = _merge_ppr(ppr, _ppr_props(style.find(W + "pPr")))
                rpr = {**rpr, **_rpr_props(style.find(W + "rPr"))}
            self._cache[key] = (ppr, rpr)
        return self._cache[key]

    def para(self, sid: str | None) -> tuple[dict, dict]:
        ppr, rpr = self.para_own(sid)
        return _merge_ppr(self.ppr_default, ppr), {**self.rpr_default, **rpr}

    def char(self, sid: str | None) -> dict:
        key = ("char", sid)
        if key not in self._cache:
            rpr: dict = {}
            for style in self.chain(sid):
                rpr = {**rpr, **_rpr_props(style.find(W + "rPr"))}
            self._cache[key] = rpr
        return self._cache[key]

    def table(self, sid: str | None) -> _TableStyle:
        key = ("table", sid)
        if key not in self._cache:
            ts = _TableStyle()
            for style in self.chain(sid):
                tblpr = style.find(W + "tblPr")
                if tblpr is not None:
                    ts.borders.update(_borders(tblpr.find(W + "tblBorders")))
                    ts.margins.update(_margins(tblpr.find(W + "tblCellMar")))
                ts.ppr = _merge_ppr(ts.ppr, _ppr_props(style.find(W + "pPr")))
                ts.rpr.update(_rpr_props(style.find(W + "rPr")))
            self._cache[key] = ts
        return self._cache[key]


@dataclass
class _TableStyle:
    borders: dict = field(default_factory=dict)
    margins: dict = field(default_factory=dict)
    ppr: dict = field(default_factory=dict)
    rpr: dict = field(default_factory=dict)


@dataclass(frozen=True)
class _Ctx:
    """Where blocks are being placed: the body or a table cell."""

    width: int  # available width, twips
    body: bool = True
    table: _TableStyle | None = None


@dataclass
class _Section:
    width: int
    height: int
    top: int
    right: int
    bottom: int
    left: int
    header: int
    new_page: bool

    @property
    def text_width(self) -> int:
        return self.width - self.left - self.right


def _section(sect_pr) -> _Section:
    size = sect_pr.find(W + "pgSz") if sect_pr is not None else None
    mar = sect_pr.find(W + "pgMar") if sect_pr is not None else None
    kind = _val(sect_pr.find(W + "type")) if sect_pr is not None else None

    def margin(name: str, default: int) -> int:
        value = _num(mar, name)
        return abs(value) if value is not None else default

    return _Section(
        width=_num(size, "w") or _A4[0],
        height=_num(size, "h") or _A4[1],
        top=margin("top", 1134),
        right=margin("right", 567),
        bottom=margin("bottom", 1134),
        left=margin("left", 1701),
        header=margin("header", 709),
        new_page=kind != "continuous",
    )


# --- conversion -----------------------------------------------------------------------


class _Converter:
    """One pass over document.xml producing the HTML body and the visible text together."""

    def __init__(self, docx: bytes) -> None:
        with zipfile.ZipFile(io.BytesIO(docx)) as zf:
            names = set(zf.namelist())
            self.document = _parse_xml(zf.read("word/document.xml"))
            styles = zf.read("word/styles.xml") if "word/styles.xml" in names else b""
            settings = zf.read("word/settings.xml") if "word/settings.xml" in names else b""
        self.styles = _styles(styles)
        tab = _DEFAULT_TAB.search(settings)
        self.default_tab = int(tab.group(1)) if tab else 708
        self.para_classes: dict[str | None, str] = {}
        self.cell_classes: dict[str, str] = {}
        self.pages: dict[tuple, str] = {}
        self.first_page: str | None = None
        self.out: list[str] = []
        self.text: list[str] = []
        self.pending_break = False

    def convert(self) -> None:
        body = self.document.find(W + "body")
        if body is None:
            return
        for number, (elements, sect_pr) in enumerate(_split_sections(body)):
            section = _section(sect_pr)
            geometry = (section.width, section.height, section.top, section.right)
            geometry += (section.bottom, section.left, section.header)
            page = self.pages.setdefault(geometry, f"g{len(self.pages)}")
            if number == 0:
                self.first_page = page
            elif section.new_page:
                self.pending_break = True
            self.out.append(f'<section class="sect pg-{page}">')
            self._blocks(elements, _Ctx(width=section.text_width))
            self.out.append("</section>")

    def article(self) -> str:
        return '<article class="doc">\n' + "\n".join(self.out) + "\n</article>"

    # blocks

    def _blocks(self, elements, ctx: _Ctx) -> None:
        for el in elements:
            tag = el.tag
            if tag == W + "p":
                self._paragraph(el, ctx)
            elif tag == W + "tbl":
                self._table(el, ctx)
            elif tag == W + "sdt":
                self._blocks(_elements(el.find(W + "sdtContent")), ctx)
            elif tag == W + "customXml":
                self._blocks(_elements(el), ctx)

    def _break_class(self, ctx: _Ctx) -> str:
        if ctx.body and self.pending_break:
            self.pending_break = False
            return " pgbreak"
        return ""

    def _para_class(self, sid: str | None) -> str:
        if sid not in self.para_classes:
            slug = re.sub(r"[^A-Za-z0-9_-]", "", sid or "default")
            name = f"s-{slug}" if slug else f"s-{len(self.para_classes)}"
            if name in self.para_classes.values():
                name = f"{name}-{len(self.para_classes)}"
            self.para_classes[sid] = name
        return self.para_classes[sid]

    def _paragraph(self, p, ctx: _Ctx) -> None:
        ppr = p.find(W + "pPr")
        sid = _val(ppr.find(W + "pStyle")) if ppr is not None else None
        if sid not in self.styles.by_id:
            sid = self.styles.default.get("paragraph")
        style_p, style_r = self.styles.para(sid)
        extra_p: dict = {}
        extra_r: dict = {}
        if ctx.table is not None:
            # Word ranks table-style formatting above docDefaults, below paragraph styles.
            own_p, own_r = self.styles.para_own(sid)
            extra_p = {k: v for k, v in ctx.table.ppr.items() if k not in own_p}
            extra_r = {k: v for k, v in ctx.table.rpr.items() if k not in own_r}
        direct = _ppr_props(ppr)
        eff_p = _merge_ppr(_merge_ppr(style_p, extra_p), direct)
        para_r = {**style_r, **extra_r}
        inline = _ppr_css(extra_p) + _ppr_css(direct) + _rpr_css(extra_r)

        items: list[tuple] = []
        _Runs(self.styles, para_r).collect(p, items)
        if not any(item[0] == "t" and item[1] for item in items) and ppr is not None:
            mark = _rpr_props(ppr.find(W + "rPr"))
            if "sz" in mark:
                inline.append(f"font-size:{mark['sz'] / 2:g}pt")

        segments: list[list[tuple]] = [[]]
        for item in items:
            if item[0] == "page":
                segments.append([])
            else:
                segments[-1].append(item)
        if ctx.body and eff_p.get("pageBreakBefore"):
            self.pending_break = True
        cls = self._para_class(sid)
        for index, segment in enumerate(segments):
            if index > 0 and ctx.body:
                self.pending_break = True
            if not segment and len(segments) > 1:
                continue  # the page break itself, not a line of text
            self._emit_paragraph(segment, cls, inline, eff_p, ctx)

    def _emit_paragraph(self, items, cls: str, inline: list[str], eff_p: dict, ctx: _Ctx) -> None:
        cls += self._break_class(ctx)
        text = "".join(
            item[1] if item[0] == "t" else "\t" if item[0] == "tab" else "\n" for item in items
        )
        self.text.append(text)
        right_tab = max(
            (pos for pos, kind in eff_p.get("tabs", {}).items() if kind in ("right", "end")),
            default=None,
        )
        parts: list[list[tuple]] = [[]]
        for item in items:
            if item[0] == "tab":
                parts.append([])
            else:
                parts[-1].append(item)
        style = ";".join(inline)
        if right_tab is not None and len(parts) > 1:
            cls += " tabline"
            gap = ctx.width - eff_p.get("right", 0) - right_tab
            spans = [f"<span>{_inline_html(part)}</span>" for part in parts[:-1]]
            last_style = f' style="margin-right:{_pt(gap)}"' if gap > 0 else ""
            spans.append(f'<span class="tabend"{last_style}>{_inline_html(parts[-1])}</span>')
            # whitespace between flex items is not laid out, but keeps the words apart as text
            content = " ".join(spans)
        else:
            content = _inline_html(items)
        if not text.strip("\n"):
            content += "<br>"  # an empty paragraph keeps its line height, as in Word
        attr = f' style="{style}"' if style else ""
        self.out.append(f'<p class="{cls}"{attr}>{content}</p>')

    def _table(self, tbl, ctx: _Ctx) -> None:
        tblpr = tbl.find(W + "tblPr")
        sid = _val(tblpr.find(W + "tblStyle")) if tblpr is not None else None
        if sid not in self.styles.by_id:
            sid = self.styles.default.get("table")
        ts = self.styles.table(sid)
        borders = {
            **ts.borders,
            **_borders(tblpr.find(W + "tblBorders") if tblpr is not None else None),
        }
        margins = {"left": 108, "right": 108, "top": 0, "bottom": 0, **ts.margins}
        if tblpr is not None:
            margins.update(_margins(tblpr.find(W + "tblCellMar")))
        grid = [_num(col, "w") or 0 for col in tbl.iterfind(f"{W}tblGrid/{W}gridCol")]
        rows = _table_layout(tbl)
        ncols = max([len(grid)] + [c.col + c.span for row in rows for c in row.cells])
        if len(grid) < ncols or not sum(grid):
            grid = _grid_from_cells(rows, ncols, ctx.width)

        style = ["width:" + _pt(sum(grid))]
        jc = _val(tblpr.find(W + "jc")) if tblpr is not None else None
        indent = _num(tblpr.find(W + "tblInd"), "w") if tblpr is not None else None
        if jc == "center":
            style.append("margin-left:auto;margin-right:auto")
        elif jc in ("right", "end"):
            style.append("margin-left:auto")
        elif indent:
            style.append(f"margin-left:{_pt(indent)}")
        cls = "tbl" + self._break_class(ctx)
        self.out.append(f'<table class="{cls}" style="{";".join(style)}"><colgroup>')
        self.out.extend(f'<col style="width:{_pt(w)}">' for w in grid)
        self.out.append("</colgroup>")
        header = 0
        while header < len(rows) and rows[header].header:
            header += 1
        for index, row in enumerate(rows):
            if index == 0 and header:
                self.out.append("<thead>")
            if index == header:
                self.out.append("<tbody>")
            self._row(row, index, len(rows), ncols, grid, borders, margins, ts, ctx)
            if index == header - 1:
                self.out.append("</thead>")
        if header < len(rows):
            self.out.append("</tbody>")
        self.out.append("</table>")

    def _row(self, row, index, nrows, ncols, grid, borders, margins, ts, ctx) -> None:
        style = []
        if row.height:
            style.append(f"height:{_pt(row.height)}")
        if row.cant_split:
            style.append("break-inside:avoid")
        attr = f' style="{";".join(style)}"' if style else ""
        self.out.append(f"<tr{attr}>")
        if row.before:
            self.out.append(f'<td colspan="{row.before}" style="border:none"></td>')
        for cell in row.cells:
            if cell.merged_away:
                continue
            self._cell(cell, index, nrows, ncols, grid, borders, margins, ts, ctx)
        self.out.append("</tr>")

    def _cell(self, cell, index, nrows, ncols, grid, borders, margins, ts, ctx) -> None:
        tcpr = cell.tc.find(W + "tcPr")
        own = _borders(tcpr.find(W + "tcBorders")) if tcpr is not None else {}
        last_row = index + cell.rowspan >= nrows
        sides = {
            "top": own.get("top", borders.get("top" if index == 0 else "insideH")),
            "bottom": own.get("bottom", borders.get("bottom" if last_row else "insideH")),
            "left": own.get("left", borders.get("left" if cell.col == 0 else "insideV")),
            "right": own.get(
                "right", borders.get("right" if cell.col + cell.span >= ncols else "insideV")
            ),
        }
        pad = dict(margins)
        if tcpr is not None:
            pad.update(_margins(tcpr.find(W + "tcMar")))
        style = [f"border-{side}:{_border_css(b)}" for side, b in sides.items()]
        style.append("padding:" + " ".join(_pt(pad[s]) for s in ("top", "right", "bottom", "left")))
        valign = _val(tcpr.find(W + "vAlign")) if tcpr is not None else None
        if valign in ("center", "bottom"):
            style.append("vertical-align:" + ("middle" if valign == "center" else "bottom"))
        fill = _val(tcpr.find(W + "shd"), "fill") if tcpr is not None else None
        if fill and _HEX.fullmatch(fill):
            style.append(f"background-color:#{fill}")
        span = f' colspan="{cell.span}"' if cell.span > 1 else ""
        span += f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
        # Cells repeat a handful of border sets: classes keep the page short and let
        # WeasyPrint parse each set once.
        cls = self.cell_classes.setdefault(";".join(style), f"c{len(self.cell_classes)}")
        self.out.append(f'<td class="{cls}"{span}>')
        width = sum(grid[cell.col : cell.col + cell.span]) - pad["left"] - pad["right"]
        self._blocks(_elements(cell.tc), _Ctx(width=width, body=False, table=ts))
        self.out.append("</td>")

    # stylesheet

    def css(self, *, fragment: bool) -> str:
        rules = [_BASE_CSS]
        for sid, cls in self.para_classes.items():
            ppr, rpr = self.styles.para(sid)
            decls = _ppr_css(ppr) + _rpr_css(rpr)
            rules.append(f".doc .{cls} {{ {'; '.join(decls)} }}")
        rules.extend(f".doc .{cls} {{ {decls} }}" for decls, cls in self.cell_classes.items())
        rules.append(f".doc .tab {{ display: inline-block; width: {_pt(self.default_tab)}; }}")
        for (w, h, top, right, bottom, left, header), name in self.pages.items():
            if fragment:
                rules.append(
                    f".doc .pg-{name} {{ width: {_pt(w)}; min-height: {_pt(h)}; "
                    f"padding: {_pt(top)} {_pt(right)} {_pt(bottom)} {_pt(left)}; }}"
                )
                continue
            # The number sits in the top margin, its top at the header distance.
            rules.append(
                f"@page {name} {{ size: {_pt(w)} {_pt(h)}; "
                f"margin: {_pt(top)} {_pt(right)} {_pt(bottom)} {_pt(left)}; "
                f"@top-center {{ content: counter(page); vertical-align: top; "
                f"padding-top: {_pt(max(header, 567))}; font-family: {FONT_STACK}; "
                f"font-size: 12pt; }} }}"
            )
            rules.append(f".doc .pg-{name} {{ page: {name}; }}")
        if fragment:
            rules.append(_FRAGMENT_CSS)
        elif self.first_page:
            rules.append(f"@page {self.first_page}:first {{ @top-center {{ content: none; }} }}")
            rules.append("html, body { margin: 0; padding: 0; }")
            rules.append(".doc .pgbreak { break-before: page; }")
        return "\n".join(rules)


# Table columns keep the widths of the template, and a word longer than its column is split
# only where it cannot fit otherwise, as Word does: the table never runs off the page.
# The layout is fixed, from those widths: an automatic one measures every cell (every
# character, with overflow-wrap: anywhere) again on each page the table continues.
# Templates give their columns room for the words they hold, so the PDF text stays the
# DOCX text (a split word would gain a space in the extracted text). Rows stay whole on a page, so a
# cell's text is not interleaved with its neighbours' across a page break. Header rows
# repeat on every page; their near-black colour lets pdf_text tell the repeats apart.
_BASE_CSS = f"""\
.doc {{ font-family: {FONT_STACK}; font-size: 10pt; color: #000; hyphens: none;
  font-variant-ligatures: none; font-feature-settings: "liga" 0, "clig" 0;
  line-height: {_SINGLE_LINE}; overflow-wrap: normal; }}
.doc p {{ margin: 0; }}
.doc .tabline {{ display: flex; justify-content: space-between; align-items: flex-end; }}
.doc .tabline > span + span {{ text-indent: 0; }}
.doc .tabline > .tabend {{ flex: none; text-align: right; }}
.doc table.tbl {{ border-collapse: collapse; border-spacing: 0; table-layout: fixed; }}
.doc td {{ vertical-align: top; overflow-wrap: anywhere; }}
.doc tr {{ break-inside: avoid; }}
.doc thead {{ color: {_HEADER_MARK}; }}"""

_FRAGMENT_CSS = """\
.doc { background: #e9ecef; padding: 12px 0; }
.doc .sect { box-sizing: content-box; background: #fff; margin: 0 auto 12px;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .3); }
.doc .pgbreak { border-top: 1px dashed #adb5bd; }"""


def _elements(parent):
    return [] if parent is None else list(parent.iterchildren(tag=etree.Element))


def _split_sections(body) -> list[tuple[list, object]]:
    """Body blocks grouped by section; a paragraph holding a sectPr ends its section."""
    sections, current, final = [], [], None
    for el in _elements(body):
        if el.tag == W + "sectPr":
            final = el
            continue
        current.append(el)
        if el.tag == W + "p":
            sect_pr = el.find(f"{W}pPr/{W}sectPr")
            if sect_pr is not None:
                sections.append((current, sect_pr))
                current = []
    if current or not sections:
        sections.append((current, final))  # an empty last section would add a blank page
    return sections


class _Runs:
    """Collects a paragraph's inline content as ("t", text, css) / ("tab",) / ("br",) / ("page",)."""

    def __init__(self, styles: _Styles, para_r: dict) -> None:
        self.styles = styles
        self.para_r = para_r
        self.fields: list[str] = []  # per open complex field: "instr" or "result"

    def collect(self, parent, items: list[tuple]) -> None:
        for name, el in _children(parent):
            if name == "r":
                self._run(el, items)
            elif name in ("hyperlink", "ins", "smartTag", "customXml", "fldSimple", "dir", "bdo"):
                self.collect(el, items)
            elif name == "moveTo":
                self.collect(el, items)
            elif name == "sdt":
                self.collect(el.find(W + "sdtContent"), items)

    def _run(self, r, items: list[tuple]) -> None:
        rpr = r.find(W + "rPr")
        rstyle = _val(rpr.find(W + "rStyle")) if rpr is not None else None
        run_r = {**self.styles.char(rstyle), **_rpr_props(rpr)}
        eff = {**self.para_r, **run_r}
        hidden = eff.get("vanish", False)
        css = ";".join(_rpr_css(run_r))
        for name, el in _children(r):
            if name == "fldChar":
                kind = _val(el, "fldCharType")
                if kind == "begin":
                    self.fields.append("instr")
                elif kind == "separate" and self.fields:
                    self.fields[-1] = "result"
                elif kind == "end" and self.fields:
                    self.fields.pop()
                continue
            if hidden or "instr" in self.fields:
                continue
            if name == "t":
                text = _clean(el.text or "")
                # Capitals are applied to the text itself, so the HTML, the PDF and
                # docx_text agree on the visible letters.
                items.append(("t", text.upper() if eff.get("caps") else text, css))
            elif name in ("tab", "ptab"):
                items.append(("tab",))
            elif name == "br":
                items.append(("page",) if _val(el, "type") == "page" else ("br",))
            elif name == "cr":
                items.append(("br",))
            elif name == "noBreakHyphen":
                items.append(("t", "-", css))


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\u00ad]")


def _clean(text: str) -> str:
    """Drop soft hyphens (hyphenation is off) and control characters."""
    return _CONTROL.sub("", text).replace("\t", " ").replace("\n", " ")


def _inline_html(items) -> str:
    """Inline HTML for text/br items; runs of spaces stay visible as in Word."""
    out: list[str] = []
    prev_space = True  # leading spaces of a line are kept too
    pending: list[str] = []
    pending_css: str | None = None

    def flush() -> None:
        if pending:
            text = html.escape("".join(pending), quote=False)
            out.append(f'<span style="{pending_css}">{text}</span>' if pending_css else text)
            pending.clear()

    for item in items:
        if item[0] == "t":
            if item[2] != pending_css:
                flush()
                pending_css = item[2]
            chars = []
            for ch in item[1]:
                if ch == " " and prev_space:
                    chars.append("\u00a0")
                    prev_space = False
                else:
                    chars.append(ch)
                    prev_space = ch == " "
            pending.append("".join(chars))
        else:
            flush()
            out.append("<br>" if item[0] == "br" else '<span class="tab"> </span>')
            prev_space = item[0] == "br"
    flush()
    return "".join(out)


@dataclass
class _Cell:
    tc: object
    col: int
    span: int
    vmerge: str | None
    rowspan: int = 1
    merged_away: bool = False


@dataclass
class _Row:
    cells: list[_Cell]
    before: int
    header: bool
    cant_split: bool
    height: int | None


def _flag(parent, name: str) -> bool:
    el = parent.find(W + name) if parent is not None else None
    return el is not None and _on(el)


def _table_layout(tbl) -> list[_Row]:
    """Rows with each cell's grid column and span; vMerge turned into rowspans."""
    rows = []
    for tr in tbl.iterfind(W + "tr"):
        trpr = tr.find(W + "trPr")
        before = _num(trpr.find(W + "gridBefore")) if trpr is not None else None
        height = trpr.find(W + "trHeight") if trpr is not None else None
        col = before or 0
        cells = []
        for tc in tr.iterfind(W + "tc"):
            tcpr = tc.find(W + "tcPr")
            span = (_num(tcpr.find(W + "gridSpan")) if tcpr is not None else None) or 1
            vm = tcpr.find(W + "vMerge") if tcpr is not None else None
            vmerge = None if vm is None else ("restart" if _val(vm) == "restart" else "continue")
            cells.append(_Cell(tc, col, span, vmerge))
            col += span
        rows.append(
            _Row(
                cells=cells,
                before=before or 0,
                header=_flag(trpr, "tblHeader"),
                cant_split=_flag(trpr, "cantSplit"),
                height=_num(height),
            )
        )
    for index, row in enumerate(rows):
        for cell in row.cells:
            if cell.vmerge != "restart":
                continue
            for below in rows[index + 1 :]:
                match = next((c for c in below.cells if c.col == cell.col), None)
                if match is None or match.vmerge != "continue":
                    break
                match.merged_away = True
                cell.rowspan += 1
    return rows


def _grid_from_cells(rows: list[_Row], ncols: int, width: int) -> list[int]:
    """Column widths from tcW when tblGrid is missing or short."""
    grid = [0] * ncols
    for row in rows:
        for cell in row.cells:
            tcw = cell.tc.find(f"{W}tcPr/{W}tcW")
            if _val(tcw, "type") in (None, "dxa") and _num(tcw, "w") and cell.span == 1:
                grid[cell.col] = grid[cell.col] or _num(tcw, "w")
    free = [i for i, w in enumerate(grid) if not w]
    if free:
        rest = max(width - sum(grid), 720 * len(free))
        for i in free:
            grid[i] = rest // len(free)
    return grid
