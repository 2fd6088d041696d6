"""Table layout: each cell's grid column and span, vertical merges as rowspans."""

from __future__ import annotations

import re
from dataclasses import dataclass

from docgen.rendering.ooxml import W, _num, _on, _val


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


# A cell's only paragraph as the converter writes it: one paragraph class, no style of its own.
_LONE_PARAGRAPH = re.compile(r'<p class="(s-[A-Za-z0-9_-]+)">((?:(?!<p[ >]).)*)</p>', re.S)


def _lone_paragraph_to_cell(out: list[str], flush: set[str]) -> bool:
    """A cell just opened (`<td class=…>`) holding one paragraph whose class sets no margins
    takes that class and the paragraph's content, and is closed: the same text laid out the
    same way (the class's margins would not apply to a cell, and it has none), one box fewer
    for WeasyPrint to lay out per cell. Whether the cell was closed."""
    if len(out) < 2 or not out[-2].startswith("<td class="):
        return False
    match = _LONE_PARAGRAPH.fullmatch(out[-1])
    if match is None or match.group(1) not in flush:
        return False
    # No whitespace around the content: it would be laid out as text of the cell.
    cell = out[-2].replace('<td class="', f'<td class="{match.group(1)} ', 1)
    out[-2:] = [f"{cell}{match.group(2)}</td>"]
    return True
