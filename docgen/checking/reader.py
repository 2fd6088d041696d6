"""Any Word file read into plain paragraphs: body and table cells in reading order, with where each stands.

The checker reads what a person sees, not our templates: python-docx on the package, table cells
once each (a merged cell is one cell), and the page header of the first section, where many school
blanks keep the organisation's name.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from docx import Document as open_docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml
from docx.styles.styles import Styles
from lxml import etree

if TYPE_CHECKING:
    from docgen.rendering.docx import Parts

NBSP = "\u00a0"
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")


@dataclass(frozen=True)
class Paragraph:
    """One paragraph as a reader sees it."""

    index: int
    text: str
    where: str = "body"  # body | table | header
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    numbered: bool = False  # Word's own list numbering (the number is not in the text)
    style: str = ""

    @functools.cached_property
    def clean(self) -> str:
        """The text with every run of spaces, tabs and no-break spaces as one space."""
        return _SPACES.sub(" ", self.text).strip()


@dataclass
class Document:
    """The paragraphs of one file, and the rows of its tables for row-wise rules."""

    paragraphs: list[Paragraph] = field(default_factory=list)

    @property
    def body(self) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.where != "header"]

    def rows(self) -> list[list[Paragraph]]:
        """Table rows, each the paragraphs of its cells in order."""
        grouped: dict[tuple[int, int], list[Paragraph]] = {}
        for p in self.paragraphs:
            if p.where == "table":
                grouped.setdefault((p.table, p.row), []).append(p)  # type: ignore[arg-type]
        return list(grouped.values())

    def text(self) -> str:
        return "\n".join(p.clean for p in self.body)


def read(content: bytes) -> Document:
    """The document's paragraphs; the caller has checked the package (docgen.safezip)."""
    docx = open_docx(io.BytesIO(content))
    header: list = []
    sections = docx.sections
    if sections:
        chosen = (
            sections[0].first_page_header
            if sections[0].different_first_page_header_footer
            else sections[0].header
        )
        if not chosen.is_linked_to_previous:
            header = [paragraph._p for paragraph in chosen.paragraphs]
    return _walk(docx.element.body, header, _StyleBook(docx.part))


def read_parts(parts: Parts) -> Document:
    """`read` of a document rendered but not packed (rendering.docx.render_parts): the same
    paragraphs, read from the parts' own parsed trees (those the HTML converter reads) by the
    look-ups python-docx makes; the styles and relationships are the template's and are read
    once per template."""
    template = _template(parts)
    root = parts.tree("word/document.xml")
    header: list = []
    # python-docx's sections[0]: the first sectPr of a body paragraph, else the body's own
    first = root.find(_PARA_SECT_PR)
    if first is None:
        first = root.find(_BODY_SECT_PR)
    if first is not None:
        kind = "first" if _on(first.find(_TITLE_PG)) else "default"
        reference = next((r for r in first.iterfind(_HEADER_REF) if r.get(_TYPE) == kind), None)
        if reference is not None:
            rid = reference.get(_RID)
            if rid is None:
                rid = _read_by_python_docx(reference, "rId")
            header = [p for p in parts.tree(template.targets[rid]) if p.tag == _P]
    return _walk(root.find(_BODY), header, template.styles)


def _on(element) -> bool:
    """An on/off element's value as python-docx reads it (absent: off; no w:val: on)."""
    if element is None:
        return False
    value = element.get(_VAL)
    if value is None:
        return True
    if value not in ("1", "0", "true", "false", "on", "off"):
        return _read_by_python_docx(element, "val")
    return value in ("1", "true", "on")


def _read_by_python_docx(element, attribute: str):
    """An attribute of an element python-docx may refuse (missing, out of range), read by
    python-docx's own class for it: it answers or refuses exactly as python-docx does."""
    return getattr(parse_xml(etree.tostring(element)), attribute)


@dataclass(frozen=True)
class _Template:
    """What reading a document takes from its template: styles and relationship targets."""

    styles: _StyleBook
    targets: dict[str, str]


_TEMPLATES: dict[str, _Template] = {}
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"


def _template(parts: Parts) -> _Template:
    template = _TEMPLATES.get(parts.key)
    if template is None:
        styles = parts.read("word/styles.xml")
        if styles is None:
            raise ValueError("a template without word/styles.xml")
        rels = parts.read("word/_rels/document.xml.rels")
        targets = {}
        for rel in etree.fromstring(rels).iter(_RELS) if rels else ():
            if rel.get("TargetMode") != "External":
                target = rel.get("Target") or ""
                name = target.lstrip("/") if target.startswith("/") else f"word/{target}"
                targets[rel.get("Id")] = posixpath.normpath(name)
        if len(_TEMPLATES) >= 64:
            _TEMPLATES.clear()
        template = _TEMPLATES[parts.key] = _Template(
            _StyleBook(_StylesPart(Styles(parse_xml(styles)))), targets
        )
    return template


class _StylesPart:
    """Styles looked up as python-docx's document part looks them up."""

    def __init__(self, styles: Styles) -> None:
        self.styles = styles

    def get_style(self, style_id: str | None, style_type: WD_STYLE_TYPE):
        return self.styles.get_by_id(style_id, style_type)


class _StyleBook:
    """A paragraph style's name and whether it numbers its paragraphs, found once per id."""

    def __init__(self, part) -> None:
        self._part = part
        self._known: dict[str | None, tuple[str, bool]] = {}

    def describe(self, style_id: str | None) -> tuple[str, bool]:
        known = self._known.get(style_id)
        if known is None:
            known = self._known[style_id] = self._describe(style_id)
        return known

    def _describe(self, style_id: str | None) -> tuple[str, bool]:
        try:
            style = self._part.get_style(style_id, WD_STYLE_TYPE.PARAGRAPH)
        except (KeyError, ValueError):
            return "", False
        name = (style.name if style is not None else "") or ""
        numbered = False
        while style is not None:
            sppr = style.element.pPr
            if sppr is not None and sppr.numPr is not None:
                numbered = True
                break
            style = style.base_style
        return name, numbered


# python-docx's own selections for a paragraph's text (CT_P.text, CT_Hyperlink.text, CT_R.text)
# are XPaths of children («w:r | w:hyperlink», then «w:br | w:cr | … | w:tab» of each run):
# walking the children in document order picks the same elements without an XPath evaluation
# per paragraph and run, and each item prints as python-docx prints it (_CONTENT: a tab as
# \t, a line break as \n), so plain lxml elements read the same as python-docx's.
_R, _P, _TBL, _SDT = qn("w:r"), qn("w:p"), qn("w:tbl"), qn("w:sdt")
_TR, _TC, _TCPR, _T, _BR = qn("w:tr"), qn("w:tc"), qn("w:tcPr"), qn("w:t"), qn("w:br")
_HYPERLINK, _PPR, _PSTYLE, _NUMPR, _NUMID = (
    qn("w:hyperlink"), qn("w:pPr"), qn("w:pStyle"), qn("w:numPr"), qn("w:numId"),
)  # fmt: skip
_CONTENT = {qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-", qn("w:ptab"): "\t", qn("w:tab"): "\t"}
_VMERGE, _VAL, _TYPE, _RID = qn("w:vMerge"), qn("w:val"), qn("w:type"), qn("r:id")
_BODY, _TITLE_PG, _HEADER_REF = qn("w:body"), qn("w:titlePg"), qn("w:headerReference")
_PARA_SECT_PR = f"{_BODY}/{_P}/{_PPR}/{qn('w:sectPr')}"
_BODY_SECT_PR = f"{_BODY}/{qn('w:sectPr')}"


def _text(p) -> str:
    """`p.text` as python-docx gives it."""
    out = []
    for item in p:
        if item.tag == _R:
            runs = (item,)
        elif item.tag == _HYPERLINK:
            runs = [run for run in item if run.tag == _R]
        else:
            continue
        for run in runs:
            for content in run:
                tag = content.tag
                if tag == _T:
                    out.append(content.text or "")
                elif tag == _BR:
                    out.append("\n" if content.get(_TYPE, "textWrapping") == "textWrapping" else "")
                elif tag in _CONTENT:
                    out.append(_CONTENT[tag])
    return "".join(out)


def _style_and_numbering(ppr) -> tuple[str | None, bool | None]:
    """(ppr.style, whether ppr.numPr numbers the paragraph, None without numPr) as python-docx
    reads them, by plain look-ups; an element python-docx would refuse (no w:val) is read by
    python-docx itself, so it raises as before."""
    pstyle = ppr.find(_PSTYLE)
    style = pstyle.get(_VAL) if pstyle is not None else None
    if pstyle is not None and style is None:
        style = _read_by_python_docx(ppr, "style")
    num_pr = ppr.find(_NUMPR)
    if num_pr is None:
        return style, None
    num = num_pr.find(_NUMID)
    if num is None:
        return style, True
    val = num.get(_VAL)
    return style, (_read_by_python_docx(num, "val") if val is None else int(val)) != 0


def _walk(body, header: list, styles: _StyleBook) -> Document:
    """Paragraphs of the header (its w:p elements), then of the body in reading order."""
    doc = Document()
    state = {"table": 0}

    def add(p, where: str, **place: int) -> None:
        ppr = p.find(_PPR)
        style_id, own = _style_and_numbering(ppr) if ppr is not None else (None, None)
        style, numbered = styles.describe(style_id)
        if own is not None:
            numbered = own
        doc.paragraphs.append(
            Paragraph(
                index=len(doc.paragraphs),
                text=_text(p),
                where=where,
                numbered=numbered,
                style=style,
                **place,
            )
        )

    def walk_table(tbl) -> None:
        number = state["table"]
        state["table"] += 1
        for r, tr in enumerate(child for child in tbl if child.tag == _TR):
            for c, tc in enumerate(child for child in tr if child.tag == _TC):
                # a cell continuing a vertical merge repeats nothing new
                tc_pr = tc.find(_TCPR)
                vmerge = tc_pr.find(_VMERGE) if tc_pr is not None else None
                if vmerge is not None and vmerge.get(_VAL) in (None, "continue"):
                    continue
                for child in tc.iterchildren():
                    if child.tag == _P:
                        add(child, "table", table=number, row=r, cell=c)
                    elif child.tag == _TBL:
                        walk_table(child)

    for p in header:
        add(p, "header")
    for child in body.iterchildren():
        if child.tag == _P:
            add(child, "body")
        elif child.tag == _TBL:
            walk_table(child)
        elif child.tag == _SDT:
            for p in child.iter(_P):
                add(p, "body")
    return doc
