"""Rendered DOCX -> HTML preview, so the preview (and the PDF made from it) show exactly the DOCX.

The converter reads the document XML of the rendered DOCX (never a second copy of the
template text) and keeps what ГОСТ Р 7.0.97 layouts rely on: page geometry, paragraph
styles, right-tab signature lines, borderless and bordered tables with merged cells,
page breaks, inline images.  Page numbers are always printed from page 2, centred in the top
margin (ГОСТ Р 7.0.97 numbers every multi-page document that way, DOMAIN.md §3.1), whatever
the DOCX header holds; other header and footer content is not rendered.

Not converted: automatic list numbering (numbering.xml), shapes, the position of floating
images (they are shown in line), paragraph borders, multi-column sections, fonts other than
the bundled Liberation Serif.  Properties and styles are read in `ooxml`, runs in `runs`,
table grids in `tables`; `pdf` lays the page out with WeasyPrint.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docgen.rendering.ooxml import (
    _HEX,
    _SINGLE_LINE,
    W,
    _border_css,
    _borders,
    _elements,
    _margins,
    _merge_ppr,
    _num,
    _parse_xml,
    _ppr_css,
    _ppr_props,
    _pt,
    _rpr_css,
    _rpr_props,
    _split_sections,
    _Styles,
    _styles,
    _TableStyle,
    _val,
)
from docgen.rendering.runs import _inline_html, _Runs, media
from docgen.rendering.tables import _grid_from_cells, _lone_paragraph_to_cell, _table_layout

if TYPE_CHECKING:
    from docgen.rendering.docx import Parts

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
_A4 = (11906, 16838)
_DEFAULT_TAB = re.compile(rb'<w:defaultTabStop w:val="(\d+)"')
# Line breaks after these are layout, not text: normalize_text drops the space after them.
# What the items of a run (runs._Runs) other than text count as in the visible text.
_TEXT = {"tab": "\t", "br": "\n"}
_BREAK_AFTER = re.compile(r"([-\u2010\u2011\u2013\u2014/])\s+")
# What a paragraph class may not set to be carried by a table cell: margins, a page break.
_NOT_IN_CELL = ("before", "after", "left", "right", "pageBreakBefore")


# --- public API -----------------------------------------------------------------------


def docx_to_html(docx: bytes, *, fragment: bool = False) -> str:
    """Convert a DOCX to a full HTML page, or to an `<article class="doc">` + scoped style."""
    return _html(_Converter.of_docx(docx), fragment)


def parts_to_html(parts: Parts, *, fragment: bool = False) -> str:
    """`docx_to_html` of a document rendered but not packed (rendering.docx.render_parts):
    the same HTML, without zipping and unzipping it; what the converter takes from the
    template alone (styles, settings, images) is read once per template."""
    document = parts.tree("word/document.xml")
    if document is None:
        raise ValueError("the parts have no word/document.xml")
    return _html(_Converter(document, _template_package(parts)), fragment)


def _html(conv: _Converter, fragment: bool) -> str:
    conv.convert()
    if fragment:
        return f"<style>{conv.css(fragment=True)}</style>\n{conv.article()}"
    return _page(conv, font_base=FONT_DIR.as_uri() + "/", css=conv.css(fragment=False))


def bare_page(docx: bytes) -> tuple[str, str]:
    """The full HTML page without a stylesheet, and its stylesheet without @font-face (the PDF
    parses each stylesheet once and brings the fonts itself)."""
    conv = _Converter.of_docx(docx)
    conv.convert()
    return _page(conv, font_base=None, css=None), conv.css(fragment=False)


def docx_text(docx: bytes) -> str:
    """Visible text of a DOCX, one paragraph a line, table cells in order."""
    conv = _Converter.of_docx(docx)
    conv.convert()
    return "\n".join(conv.text)


def normalize_text(s: str) -> str:
    """Collapse all whitespace (NO-BREAK SPACE included), drop soft hyphens.

    A line may break after a hyphen, dash or slash without a space in the text, so the
    space after those is dropped on both sides of a comparison.

    Page numbers are removed by the tests' `pdf_text` by position: dropping every digits-only
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


def _page(conv: _Converter, *, font_base: str | None, css: str | None) -> str:
    fonts = font_face_css(font_base) + "\n" if font_base else ""
    style = f"<style>\n{fonts}{css}\n</style>\n" if css is not None else ""
    return (
        '<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
        f"{style}</head>\n<body>\n{conv.article()}\n</body>\n</html>\n"
    )


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


@dataclass(frozen=True)
class _Package:
    """What the converter reads besides document.xml; every document of a template shares it."""

    styles: _Styles
    default_tab: int
    images: dict[str, str]


def _read_package(read: Callable[[str], bytes | None], document: bytes | None) -> _Package:
    """The package's styles, default tab stop and images (those `document` shows, or all)."""
    settings = read("word/settings.xml") or b""
    tab = _DEFAULT_TAB.search(settings)
    return _Package(
        styles=_styles(read("word/styles.xml") or b""),
        default_tab=int(tab.group(1)) if tab else 708,
        images=media(read, document),
    )


# Templates whose documents were converted from their parts, by content hash: only the
# built-in ones and organisations' variants come here, so a small bound is enough.
_PACKAGES: dict[str, _Package] = {}
_PACKAGES_MAX = 64


def _template_package(parts: Parts) -> _Package:
    package = _PACKAGES.get(parts.key)
    if package is None:
        if len(_PACKAGES) >= _PACKAGES_MAX:
            _PACKAGES.clear()
        # Every image the template's relationships name: a rendered document shows some of
        # them, and the converter looks each up by the id the document gives.
        package = _PACKAGES[parts.key] = _read_package(parts.read, None)
    return package


class _Converter:
    """One pass over document.xml producing the HTML body and the visible text together."""

    def __init__(self, document, package: _Package) -> None:
        self.document = document
        self.styles = package.styles
        self.default_tab = package.default_tab
        self.images = package.images
        self.para_classes: dict[str | None, str] = {}
        self.cell_classes: dict[str, str] = {}
        self.flush_classes: set[str] = set()
        self.pages: dict[tuple, str] = {}
        self.first_page: str | None = None
        self.out: list[str] = []
        self.text: list[str] = []
        self.pending_break = False

    @classmethod
    def of_docx(cls, docx: bytes) -> _Converter:
        with zipfile.ZipFile(io.BytesIO(docx)) as zf:
            names = set(zf.namelist())

            def read(name: str) -> bytes | None:
                return zf.read(name) if name in names else None

            document = zf.read("word/document.xml")
            package = _read_package(read, document)
        return cls(_parse_xml(document), package)

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
            if not any(self.styles.para(sid)[0].get(key) for key in _NOT_IN_CELL):
                self.flush_classes.add(name)  # a table cell may carry it (nothing to lose)
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
        _Runs(self.styles, para_r, self.images).collect(p, items)
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
        text = "".join(_TEXT.get(item[0], "") if item[0] != "t" else item[1] for item in items)
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
        if not text.strip("\n") and not any(item[0] == "img" for item in items):
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
        if self._row_keeps_with_next(row):
            # Word keeps a row whose paragraphs all keep with next on the page of the next row
            # (a section heading inside a table).
            style.append("break-after:avoid")
        attr = f' style="{";".join(style)}"' if style else ""
        self.out.append(f"<tr{attr}>")
        if row.before:
            self.out.append(f'<td colspan="{row.before}" style="border:none"></td>')
        for cell in row.cells:
            if cell.merged_away:
                continue
            self._cell(cell, index, nrows, ncols, grid, borders, margins, ts, ctx)
        self.out.append("</tr>")

    def _row_keeps_with_next(self, row) -> bool:
        paragraphs = [p for cell in row.cells for p in cell.tc.iter(W + "p")]
        if not paragraphs:
            return False
        for p in paragraphs:
            ppr = p.find(W + "pPr")
            sid = _val(ppr.find(W + "pStyle")) if ppr is not None else None
            if sid not in self.styles.by_id:
                sid = self.styles.default.get("paragraph")
            keep = _merge_ppr(self.styles.para(sid)[0], _ppr_props(ppr)).get("keepNext")
            if not keep:
                return False
        return True

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
        if not _lone_paragraph_to_cell(self.out, self.flush_classes):
            self.out.append("</td>")

    # stylesheet

    def css(self, *, fragment: bool) -> str:
        rules = self._content_css()
        for (w, h, top, right, bottom, left, _header), name in self.pages.items():
            if fragment:
                rules.append(
                    f".doc .pg-{name} {{ width: {_pt(w)}; min-height: {_pt(h)}; "
                    f"padding: {_pt(top)} {_pt(right)} {_pt(bottom)} {_pt(left)}; }}"
                )
                continue
            rules.extend(self._page_css(name, name))
        if fragment:
            rules.append(_FRAGMENT_CSS)
        elif self.first_page:
            rules.append(f"@page {self.first_page}:first {{ @top-center {{ content: none; }} }}")
            rules.extend(_PRINT_CSS)
        return "\n".join(rules)

    def _content_css(self) -> list[str]:
        """The rules of the document's text: the same for documents of one template."""
        rules = [_BASE_CSS]
        for sid, cls in self.para_classes.items():
            ppr, rpr = self.styles.para(sid)
            decls = _ppr_css(ppr) + _rpr_css(rpr)
            rules.append(f".doc .{cls} {{ {'; '.join(decls)} }}")
        rules.extend(f".doc .{cls} {{ {decls} }}" for decls, cls in self.cell_classes.items())
        rules.append(f".doc .tab {{ display: inline-block; width: {_pt(self.default_tab)}; }}")
        return rules

    def _page_css(self, name: str, page: str) -> list[str]:
        """The @page rule of geometry `name`, called `page`, and the class giving it."""
        w, h, top, right, bottom, left, header = next(
            geometry for geometry, own in self.pages.items() if own == name
        )
        # The number sits in the top margin, its top at the header distance.
        return [
            f"@page {page} {{ size: {_pt(w)} {_pt(h)}; "
            f"margin: {_pt(top)} {_pt(right)} {_pt(bottom)} {_pt(left)}; "
            f"@top-center {{ content: counter(page); vertical-align: top; "
            f"padding-top: {_pt(max(header, 567))}; font-family: {FONT_STACK}; "
            f"font-size: 12pt; }} }}",
            f".doc .pg-{page} {{ page: {page}; }}",
        ]


def bare_pages(docxs: Iterable[bytes]) -> tuple[str, str] | None:
    """Several DOCX as one page to print and its stylesheet, as bare_page gives one: each
    document starts on a new page, numbers its own pages and has no number on its first.

    None unless the documents share the rules of their text (one template) and each has one
    page geometry: a document's first page is the first of its own named page group (a
    page name of its own), which a second geometry would end.
    """
    articles, pages, content = [], [], None
    for index, docx in enumerate(docxs):
        conv = _Converter.of_docx(docx)
        conv.convert()
        own = conv._content_css()
        if content is None:
            content = own
        if own != content or len(conv.pages) != 1 or conv.first_page is None:
            return None
        name, page = conv.first_page, f"d{index}{conv.first_page}"
        pages.extend(conv._page_css(name, page))
        # A document's own first page: the numbering starts again and is not printed.
        pages.append(
            f"@page {page}:nth(1 of {page}) {{ counter-reset: page 1; "
            "@top-center { content: none; } }"
        )
        article = conv.article().replace(
            f'<section class="sect pg-{name}"', f'<section class="sect pg-{page}"'
        )
        articles.append(article)
    if content is None:
        return None
    body = "\n".join(articles)
    page = (
        '<!DOCTYPE html>\n<html lang="ru">\n<head>\n<meta charset="utf-8">\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return page, "\n".join([*content, *pages, *_PRINT_CSS, ".doc + .doc { break-before: page; }"])


# Table columns keep the widths of the template, and a word longer than its column is split
# only where it cannot fit otherwise, as Word does: the table never runs off the page.
# The layout is fixed, from those widths: an automatic one measures every cell (every
# character, with overflow-wrap: anywhere) again on each page the table continues.
# Templates give their columns room for the words they hold, so the PDF text stays the
# DOCX text (a split word would gain a space in the extracted text). Rows stay whole on a page, so a
# cell's text is not interleaved with its neighbours' across a page break. Header rows
# repeat on every page.
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
.doc tr {{ break-inside: avoid; }}"""

_PRINT_CSS = ["html, body { margin: 0; padding: 0; }", ".doc .pgbreak { break-before: page; }"]

_FRAGMENT_CSS = """\
.doc { background: #e9ecef; padding: 12px 0; }
.doc .sect { box-sizing: content-box; background: #fff; margin: 0 auto 12px;
  box-shadow: 0 1px 4px rgba(0, 0, 0, .3); }
.doc .pgbreak { border-top: 1px dashed #adb5bd; }"""
