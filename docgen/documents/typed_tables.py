"""Tables in an annex's typed text: what a table copied from Word or Excel gives a text field.

A table copied into a text field arrives as lines with its cells separated by tabs. Two or more
such lines in a row are printed as a table: the first line is its header (repeated on every
page), a line with text in its first cell only is a heading row across the table («1.
Организационно-методическое сопровождение»), and the columns get widths from their text — no
word broken, the rest shared by how much each column holds. A lone line with a tab, or lines
that would make a table of one column, stay paragraphs.
"""

from __future__ import annotations

import re

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from docgen import typography

Rows = list[list[str]]

# A table of more columns than this prints at 10 pt instead of the order's 12 pt.
_WIDE = 4
# The width a character of Liberation Serif (Times) takes on average, per pt of size, in cm (a
# Cyrillic lowercase letter is about half an em), and a cell's padding (Word's default margins,
# 0.19 cm a side).
_CHAR_CM_PER_PT = 0.5 * 2.54 / 72
_PADDING_CM = 0.4
# Where a word may break: after a hyphen or a slash, as Word and the preview break it.
_WORD = re.compile(r"[^\s/-]+[/-]?")


def blocks(body: str) -> list[str | Rows]:
    """The typed text as paragraphs (str) and tables (rows of cells), blank lines left out.

    A tab after a line's text has started separates cells; a leading tab is an indent; a blank
    line ends a table.
    """
    out: list[str | list[tuple[str, list[str]]]] = []
    for raw in body.replace("\r", "").split("\n"):
        text = raw.strip()
        if not text:
            out.append("")  # a blank line ends a table
            continue
        if "\t" in raw.lstrip():
            row = (text, [cell.strip() for cell in raw.rstrip(" ").split("\t")])
            if out and isinstance(out[-1], list):
                out[-1].append(row)
            else:
                out.append([row])
        else:
            out.append(text)
    return [item for block in out if block for item in _table_or_lines(block)]


def _table_or_lines(block: str | list[tuple[str, list[str]]]) -> list[str | Rows]:
    """A run of lines with tabs as one table, if it has two rows and two columns at least;
    otherwise its lines as paragraphs (a name and a signature apart, an indent)."""
    if isinstance(block, str):
        return [block]
    rows = _squared([cells for _, cells in block])
    if len(rows) < 2 or len(rows[0]) < 2:
        return [text for text, _ in block]
    return [rows]


def _squared(rows: Rows) -> Rows:
    """Every row as wide as the widest; columns empty in every row left out."""
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    used = [i for i in range(width) if any(row[i] for row in rows)]
    return [[row[i] for i in used] for row in rows]


def _heading_row(row: list[str]) -> bool:
    return len(row) > 1 and bool(row[0]) and not any(row[1:])


def font_size(rows: Rows) -> int:
    """The table's text size in pt: smaller when it has many columns."""
    return 10 if len(rows[0]) > _WIDE else 12


def column_widths(rows: Rows, text_width_cm: float, size_pt: int = 12) -> list[float]:
    """Widths in cm: each column as wide as its longest word, and the rest of the width shared
    by how much more each would need to hold its average cell on one line (heading rows,
    which span the table, do not count)."""
    char = _CHAR_CM_PER_PT * size_pt
    counted = [row for row in rows if not _heading_row(row)] or rows
    columns = list(zip(*counted, strict=True))
    header = counted[0]  # bold: its letters a tenth wider
    minimum = [
        _PADDING_CM + char * max(_longest(column), 1.12 * _longest([title]), 1)
        for column, title in zip(columns, header, strict=True)
    ]
    wanted = [
        _PADDING_CM + char * sum(len(cell) for cell in column) / len(column) for column in columns
    ]
    need = [max(w - m, 0.0) for w, m in zip(wanted, minimum, strict=True)]
    spare = text_width_cm - sum(minimum)
    if spare <= 0:
        return [text_width_cm * m / sum(minimum) for m in minimum]
    if sum(need) <= spare:  # everything fits on one line: the rest to every column alike
        extra = (spare - sum(need)) / len(minimum)
        return [m + n + extra for m, n in zip(minimum, need, strict=True)]
    return [m + spare * n / sum(need) for m, n in zip(minimum, need, strict=True)]


def _longest(cells) -> int:
    return max((len(word) for cell in cells for word in _WORD.findall(cell)), default=0)


def _borders(table) -> None:
    """Single lines around and inside every cell, whatever table styles the template has."""
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        line = OxmlElement(f"w:{side}")
        for name, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", "000000")):
            line.set(qn(f"w:{name}"), value)
        borders.append(line)
    table._tbl.tblPr.append(borders)


def add(document, rows: Rows, style_of) -> None:
    """The rows as a table at the end of the document; `style_of(style_id)` gives the order's
    paragraph style of that id, or None."""
    section = document.sections[-1]
    text_width = (section.page_width - section.left_margin - section.right_margin) / 360000
    size = font_size(rows)
    widths = column_widths(rows, text_width, size)
    table = document.add_table(rows=len(rows), cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    _borders(table)
    for col, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        col.w = Cm(width)
    for index, (row, texts) in enumerate(zip(table.rows, rows, strict=True)):
        if index == 0:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        cells = row.cells
        for cell, width in zip(cells, widths, strict=True):
            cell.width = Cm(width)
        heading = index > 0 and _heading_row(texts)
        if heading:
            cells = [cells[0].merge(cells[-1])]
        style = style_of("DocTableHead" if index == 0 else "DocTable")
        for cell, text in zip(cells, texts, strict=False):
            paragraph = cell.paragraphs[0]
            if style is not None:
                paragraph.style = style
            run = paragraph.add_run(typography.quotes(text))
            run.font.size = Pt(size)
            if heading:
                run.bold = True
