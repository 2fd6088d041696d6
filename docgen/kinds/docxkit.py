"""Authoring kit for the built-in .docx templates (a developer tool, not used at run time).

Every built-in template is a real Word document with named paragraph styles, A4 and the margins
of ГОСТ Р 7.0.97; the blocks below (requisites, grifs, signature, annex header) keep the
templates alike. Jinja tags are docxtpl's: `{%p ... %}` on a paragraph of its own, `{%tr ... %}`
in a table row of its own. Run `python -m docgen.kinds.build` to write docgen/templates/docx/.
"""

from __future__ import annotations

import copy

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
TEXT_WIDTH = Mm(210 - 30 - 10)
CORNER_INDENT = TEXT_WIDTH - Cm(8)  # corner requisites: the longest line at most 8 cm

# (style id, Word name, size pt, bold, alignment, first-line indent cm, space after pt, extra)
STYLES = (
    ("DocFounder", "Реквизит: учредитель", 12, False, "center", 0, 0, {}),
    ("DocOrg", "Реквизит: организация", 14, True, "center", 0, 0, {}),
    ("DocOrgDetails", "Реквизит: справочные данные", 10, False, "center", 0, 6, {}),
    ("DocKind", "Реквизит: вид документа", 16, True, "center", 0, 6, {}),
    ("DocDateNumber", "Реквизит: дата и номер", 14, False, "left", 0, 0, {"right_tab": True}),
    ("DocPlace", "Реквизит: место составления", 12, False, "center", 0, 12, {}),
    ("DocTitle", "Заголовок к тексту", 14, True, "center", 0, 12, {"keep_next": True}),
    ("DocText", "Текст документа", 14, False, "both", 1.25, 0, {}),
    ("DocCommand", "Распорядительная часть", 14, True, "left", 0, 0, {"keep_next": True}),
    ("DocItem", "Пункт", 14, False, "both", 1.25, 0, {}),
    ("DocSignature", "Подпись", 14, False, "left", 0, 0, {"right_tab": True, "before": 24}),
    ("DocGrif", "Гриф", 14, False, "left", 0, 0, {"corner": True}),
    ("DocAnnexMark", "Отметка о приложении", 12, False, "left", 0, 0, {"corner": True}),
    ("DocHeading", "Заголовок раздела", 14, True, "center", 0, 6, {"keep_next": True, "before": 6}),
    ("DocTable", "Текст таблицы", 12, False, "left", 0, 0, {}),
    ("DocTableHead", "Шапка таблицы", 12, True, "center", 0, 0, {}),
    ("DocSmall", "Отметка об исполнителе", 10, False, "left", 0, 0, {"before": 24}),
)

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "both": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def new_document(*, landscape: bool = False):
    """An empty A4 document with the house styles and page numbers from page 2."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    if landscape:
        from docx.enum.section import WD_ORIENT

        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin, section.right_margin = Mm(30), Mm(10)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.header_distance = Mm(10)
    _page_numbers(section)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    for style_id, name, size, bold, align, indent, after, extra in STYLES:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.element.set(qn("w:styleId"), style_id)
        style.base_style = normal
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.bold = bold
        fmt = style.paragraph_format
        fmt.alignment = _ALIGN[align]
        fmt.first_line_indent = Cm(indent) if indent else Cm(0)
        fmt.space_after = Pt(after)
        fmt.space_before = Pt(extra.get("before", 0))
        fmt.keep_with_next = extra.get("keep_next", False)
        if extra.get("spacing"):
            style.font._element.get_or_add_rPr()
            spacing = OxmlElement("w:spacing")
            spacing.set(qn("w:val"), str(extra["spacing"] * 20))
            style.element.get_or_add_rPr().append(spacing)
        if extra.get("right_tab"):
            fmt.tab_stops.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        if extra.get("corner"):
            fmt.left_indent = CORNER_INDENT
    return doc


def _page_numbers(section) -> None:
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "2"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# Paragraphs that close a document: each keeps with what precedes it, so a signature never
# starts a page alone (keep_previous).
CLOSING_STYLES = frozenset({"DocSignature", "DocSmall"})


def par(doc, text: str = "", style: str = "DocText", *, bold: bool = False):
    """A paragraph in a house style (by style id)."""
    if style in CLOSING_STYLES:
        keep_previous(doc)
    paragraph = doc.add_paragraph(style=_style(doc, style))
    if text:
        run = paragraph.add_run(text)
        run.bold = bold or None
    return paragraph


def _tag_text(paragraph) -> str | None:
    """The docxtpl tag a paragraph holds alone (`{%p if … %}`), or None for a real paragraph."""
    text = paragraph.text.strip()
    return text if text.startswith("{%p") and text.endswith("%}") else None


def keep_previous(doc) -> None:
    """Keep the text written so far with the paragraph that comes next (keepNext).

    Walking back from the end: blank spacer lines and the paragraphs of an `{%p if %}` block
    keep too (any of them may be the one printed last), up to the first paragraph printed
    unconditionally. A `{%p for %}` loop or a table stops the walk: keeping every item would
    tie the whole list to the signature.
    """
    depth = 0
    for element in reversed(list(doc.element.body)):
        if element.tag != qn("w:p"):
            if element.tag == qn("w:sectPr"):
                continue
            return
        paragraph = Paragraph(element, doc._body)
        tag_text = _tag_text(paragraph)
        if tag_text is not None:
            if "endfor" in tag_text or ("for " in tag_text and depth == 0):
                return
            if "endif" in tag_text:
                depth += 1
            elif tag_text.startswith(("{%p if", "{%p  if")):
                depth = max(depth - 1, 0)
            continue
        paragraph.paragraph_format.keep_with_next = True
        if depth == 0 and paragraph.text.strip():
            return


def keep_row_with_next(row) -> None:
    """Keep a table row (a section heading in a table) with the row after it, whole."""
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.keep_together = True
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert(0, OxmlElement("w:cantSplit"))


def _style(doc, style_id: str):
    for style in doc.styles:
        if style.style_id == style_id:
            return style
    raise KeyError(style_id)


def tag(doc, text: str):
    """A paragraph that holds only a docxtpl paragraph tag (`{%p ... %}`)."""
    return doc.add_paragraph(text, style=_style(doc, "DocText"))


def page_break(doc):
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def org_header(doc, kind_word: str = "ПРИКАЗ") -> None:
    """Requisites of an order in ГОСТ order: founder, organisation, kind, date and number, place."""
    tag(doc, "{%p if org.founder_line %}")
    par(doc, "{{ org.founder_line }}", "DocFounder")
    tag(doc, "{%p endif %}")
    par(doc, "{{ org.full_name }}", "DocOrg")
    tag(doc, "{%p if org.short_name %}")
    par(doc, "({{ org.short_name }})", "DocOrg")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p if org.details %}")
    par(doc, "{{ org.details }}", "DocOrgDetails")
    tag(doc, "{%p endif %}")
    par(doc, "", "DocOrgDetails")
    par(doc, kind_word, "DocKind")
    par(doc, "{{ doc.date_text }}\t№ {{ doc.number_text }}", "DocDateNumber")
    tag(doc, "{%p if org.locality %}")
    par(doc, "{{ org.locality }}", "DocPlace")
    tag(doc, "{%p endif %}")


def title(doc, text: str) -> None:
    par(doc, text, "DocTitle")


def command(doc, word: str = "ПРИКАЗЫВАЮ:") -> None:
    par(doc, word, "DocCommand")


def signature(doc):
    """Signature block: position at the left, «И.О. Фамилия» ending at the right margin;
    it keeps with the text before it (DocSignature is a closing style)."""
    return par(doc, "{{ signer.position_line }}\t{{ signer.sign }}", "DocSignature")


def executor(doc) -> None:
    tag(doc, "{%p if executor %}")
    par(doc, "{{ executor.short() }}", "DocSmall")
    tag(doc, "{%p if executor_phone %}")
    par(doc, "{{ executor_phone }}", "DocSmall")
    tag(doc, "{%p endif %}")
    tag(doc, "{%p endif %}")


def annex_header(doc, number_expr: str = "") -> None:
    """«Приложение N к приказу <организации> от <дата> № <номер>» at the top right."""
    label = "Приложение" + (f" {number_expr}" if number_expr else "")
    par(doc, label, "DocAnnexMark")
    par(doc, "к приказу {{ org.name_gen }}", "DocAnnexMark")
    par(doc, "от {{ doc.date_text }} № {{ doc.number_text }}", "DocAnnexMark")
    par(doc, "", "DocAnnexMark")


def table(
    doc,
    headers: list[str],
    row: list[str],
    *,
    widths_cm: list[float],
    loop: str,
    keep_last: str | None = None,
):
    """A bordered table: a header row repeated on each page and one docxtpl row loop.

    `keep_last` is a Jinja condition under which the last row keeps with the paragraph after
    the table (the executor line after the familiarisation sheet never starts a page alone).
    """
    tbl = doc.add_table(rows=4, cols=len(headers))
    tbl.style = doc.styles["Table Grid"]
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    head, start, body, end = tbl.rows
    _repeat_header(head)
    for cells, texts, style in (
        (head.cells, headers, "DocTableHead"),
        (body.cells, row, "DocTable"),
    ):
        for cell, text in zip(cells, texts, strict=True):
            cell.paragraphs[0].style = _style(doc, style)
            cell.paragraphs[0].add_run(text)
    start.cells[0].paragraphs[0].add_run("{%tr for r in " + loop + " %}")
    end.cells[0].paragraphs[0].add_run("{%tr endfor %}")
    if keep_last:
        _keep_last_row(tbl, loop, keep_last)
    for index, width in enumerate(widths_cm):
        for row_ in tbl.rows:
            row_.cells[index].width = Cm(width)
    return tbl


def _keep_last_row(tbl, loop: str, condition: str) -> None:
    """The row loop split in two when `condition` holds: every item but the last, then the
    last in a row that keeps with the next paragraph and does not split (Word's keepNext on
    all its paragraphs; the preview turns it into `break-after: avoid`)."""
    _head, start, body, end = tbl.rows[:4]
    _set_tag(start, f"{{%tr for r in ({loop}[:-1] if {condition} else {loop}) %}}")
    last_start, last_body, last_end = (copy.deepcopy(r._tr) for r in (start, body, end))
    end._tr.addnext(last_start)
    last_start.addnext(last_body)
    last_body.addnext(last_end)
    rows = tbl.rows
    _set_tag(rows[4], f"{{%tr for r in ({loop}[-1:] if {condition} else []) %}}")
    for cell in rows[5].cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                # the row's number is the count: its loop has one item
                run.text = run.text.replace("loop.index", f"({loop})|length")
            paragraph.paragraph_format.keep_with_next = True
            paragraph.paragraph_format.keep_together = True
    tr_pr = rows[5]._tr.get_or_add_trPr()
    if tr_pr.find(qn("w:cantSplit")) is None:
        tr_pr.insert(0, OxmlElement("w:cantSplit"))


def _set_tag(row, text: str) -> None:
    paragraph = row.cells[0].paragraphs[0]
    for run in paragraph.runs[1:]:
        run._r.getparent().remove(run._r)
    paragraph.runs[0].text = text


def grid_table(doc, headers: list[str], row: list[str], *, widths_cm: list[float], loop: str):
    """The kit's table with grid columns set: Word and the preview lay columns out by them."""
    tbl = table(doc, headers, row, widths_cm=widths_cm, loop=loop)
    for col, width in zip(tbl._tbl.tblGrid.gridCol_lst, widths_cm, strict=True):
        col.w = Cm(width)
    return tbl


def small_table_text(tbl, size: int = 11) -> None:
    """Table text at `size` pt, its header row one point smaller."""
    for index, row in enumerate(tbl.rows):
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size - 1 if index == 0 else size)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def number_every_section(doc) -> None:
    """Every section prints the page number: each refers to the first section's header
    (LibreOffice does not inherit a missing one), and only the first hides it on page 1."""
    sections = doc.element.body.findall(".//" + qn("w:sectPr"))
    first = sections[0]
    reference = next(
        (r for r in first.findall(qn("w:headerReference")) if r.get(qn("w:type")) == "default"),
        None,
    )
    for sect_pr in sections[1:]:
        for old in sect_pr.findall(qn("w:headerReference")):
            sect_pr.remove(old)
        for old in sect_pr.findall(qn("w:titlePg")):
            sect_pr.remove(old)
        if reference is not None:
            sect_pr.insert(0, copy.deepcopy(reference))


def new_section(doc, *, landscape: bool = False) -> None:
    """A new page section (for a landscape annex table)."""
    from docx.enum.section import WD_ORIENT

    section = doc.add_section(WD_SECTION.NEW_PAGE)
    number_every_section(doc)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
