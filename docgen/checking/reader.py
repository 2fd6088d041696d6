"""Any Word file read into plain paragraphs: body and table cells in reading order, with where each stands.

The checker reads what a person sees, not our templates: python-docx on the package, table cells
once each (a merged cell is one cell), and the page header of the first section, where many school
blanks keep the organisation's name.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from docx import Document as open_docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph as DocxParagraph

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

    @property
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
    doc = Document()
    state = {"table": 0}

    def add(paragraph: DocxParagraph, where: str, **place: int) -> None:
        text = paragraph.text
        style = ""
        try:
            style = paragraph.style.name if paragraph.style is not None else ""
        except (KeyError, ValueError):
            style = ""
        doc.paragraphs.append(
            Paragraph(
                index=len(doc.paragraphs),
                text=text,
                where=where,
                numbered=_numbered(paragraph),
                style=style or "",
                **place,
            )
        )

    def walk_table(table: Table, parent: DocxDocument | object) -> None:
        number = state["table"]
        state["table"] += 1
        for r, tr in enumerate(table._tbl.tr_lst):
            seen: set[int] = set()
            for c, tc in enumerate(tr.tc_lst):
                if id(tc) in seen:
                    continue
                seen.add(id(tc))
                # a cell continuing a vertical merge repeats nothing new
                vmerge = tc.tcPr.find(qn("w:vMerge")) if tc.tcPr is not None else None
                if vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue"):
                    continue
                for child in tc.iterchildren():
                    if child.tag == qn("w:p"):
                        add(DocxParagraph(child, parent), "table", table=number, row=r, cell=c)
                    elif child.tag == qn("w:tbl"):
                        walk_table(Table(child, parent), parent)

    sections = docx.sections
    if sections:
        header = (
            sections[0].first_page_header
            if sections[0].different_first_page_header_footer
            else sections[0].header
        )
        if not header.is_linked_to_previous:
            for paragraph in header.paragraphs:
                add(paragraph, "header")
    for child in docx.element.body.iterchildren():
        if child.tag == qn("w:p"):
            add(DocxParagraph(child, docx), "body")
        elif child.tag == qn("w:tbl"):
            walk_table(Table(child, docx), docx)
        elif child.tag == qn("w:sdt"):
            for p in child.iter(qn("w:p")):
                add(DocxParagraph(p, docx), "body")
    return doc


def _numbered(paragraph: DocxParagraph) -> bool:
    ppr = paragraph._p.pPr
    if ppr is not None and ppr.numPr is not None:
        num = ppr.numPr.numId
        return num is None or num.val != 0
    try:
        style = paragraph.style
    except (KeyError, ValueError):
        return False
    while style is not None:
        sppr = style.element.pPr
        if sppr is not None and sppr.numPr is not None:
            return True
        style = style.base_style
    return False
