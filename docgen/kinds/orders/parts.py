"""Pieces every order template shares: items, loops, tables, the familiarisation sheet, the
executor line, the order's end and the annex header (DOMAIN.md §1)."""

from __future__ import annotations

from docx.shared import Cm, Pt

from docgen.kinds import docxkit as kit

# Everyone who signs the order: the item names them in the accusative, the table in full.
ACQUAINT_ITEM = (
    "{{ n.next() }}. Ознакомить с настоящим приказом "
    "{% for p in acquaint_all %}{{ p.short('acc') }}{{ ', ' if not loop.last }}{% endfor %} "
    "под подпись. Срок — в течение трёх рабочих дней со дня подписания приказа."
)
CONTROL_ITEM = (
    "{{ n.next() }}. {% if control %}Контроль за исполнением настоящего приказа возложить на "
    "{{ control.pos('acc') }} {{ control.short('acc') }}{{ '' if control.short('acc').endswith('.') else '.' }}{% else %}Контроль за исполнением "
    "настоящего приказа оставляю за собой.{% endif %}"
)
# Preamble opening: the federal acts the mentoring model rests on, by `model`.
FEDERAL_BASIS = (
    "В соответствии с {{ acts.law273.cite('ins') }}"
    "{% if 'обучающиеся' in model %}, {{ acts.r145.cite('ins') }}{% endif %}"
    "{% if 'педагоги' in model %}, {{ acts.az1128.cite('ins') }}{% endif %}"
)
REGULATION = (
    "{% if regulation %}, Положением о системе наставничества, утверждённым приказом "
    "{{ org.name_gen }} от {{ regulation.date|date_short }} № {{ regulation.number }}{% endif %}"
)
MODEL_GEN = (
    "{% if model == 'обучающиеся' %}обучающихся{% elif model == 'педагоги' %}педагогических "
    "работников{% else %}обучающихся и педагогических работников{% endif %}"
)


def ucfirst(expr: str) -> str:
    """A Jinja expression printed with its first letter in capitals (Jinja's capitalize lowers the rest)."""
    return "{{ (" + expr + ")[:1]|upper }}{{ (" + expr + ")[1:] }}"


def style(doc, style_id: str):
    for candidate in doc.styles:
        if candidate.style_id == style_id:
            return candidate
    raise KeyError(style_id)


def command(doc) -> None:
    """«ПРИКАЗЫВАЮ:» on its own line, set off from the preamble and the items."""
    paragraph = kit.par(doc, "ПРИКАЗЫВАЮ:", "DocCommand")
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.space_after = Pt(6)


def item(doc, text: str) -> None:
    kit.par(doc, text, "DocItem")


def items_loop(doc, loop: str, text: str, last: str = "") -> None:
    """Sub-items «N.1.», «N.2.» … of the current item, one paragraph each.

    `last` is the value that ends the text: no second period after one it already has («г.»).
    """
    end = "'.'" if not last else f"('' if {last}.endswith('.') else '.')"
    kit.tag(doc, "{%p for " + loop + " %}")
    item(
        doc,
        "{{ n.value }}.{{ loop.index }}. " + text + "{{ ';' if not loop.last else " + end + " }}",
    )
    kit.tag(doc, "{%p endfor %}")


def table(
    doc,
    headers: list[str],
    row: list[str],
    *,
    widths_cm: list[float],
    loop: str,
    keep_last: str | None = None,
):
    """The kit's table with its grid columns set too: Word and the preview lay columns out by them."""
    tbl = kit.table(doc, headers, row, widths_cm=widths_cm, loop=loop, keep_last=keep_last)
    for col, width in zip(tbl._tbl.tblGrid.gridCol_lst, widths_cm, strict=True):
        col.w = Cm(width)
    return tbl


def cell_lines(doc, cell, lines: list[str], style_id: str = "DocTable") -> None:
    """Extra paragraphs in a table cell (docxtpl `{%p %}` tags work inside cells too)."""
    for line in lines:
        cell.add_paragraph(line, style=style(doc, style_id))


def acquaint_table(doc) -> None:
    """«С приказом ознакомлены:» — everyone who signs, with ознакомлен/ознакомлена by gender."""
    kit.tag(doc, "{%p if acquaint_all %}")
    paragraph = kit.par(doc, "С приказом ознакомлены:", "DocText")
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.space_before = Pt(18)
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    table(
        doc,
        ["№ п/п", "Фамилия, имя, отчество", "Должность", "Отметка", "Подпись", "Дата"],
        [
            "{{ loop.index }}",
            "{{ r.fio }}",
            "{{ r.position }}",
            "{{ r.agree('ознакомлен', 'ознакомлена') }}",
            "",
            "",
        ],
        widths_cm=[1.5, 3.9, 4.7, 2.9, 2.2, 1.8],
        loop="acquaint_all",
        keep_last="executor",
    )
    kit.tag(doc, "{%p endif %}")


def executor(doc) -> None:
    """Отметка об исполнителе: name and phone as two tight lines at the bottom left."""
    kit.tag(doc, "{%p if executor %}")
    name = kit.par(doc, "{{ executor.short() }}", "DocSmall")
    name.paragraph_format.keep_with_next = True
    kit.tag(doc, "{%p if executor_phone %}")
    phone = kit.par(doc, "{{ executor_phone }}", "DocSmall")
    phone.paragraph_format.space_before = Pt(0)
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p endif %}")


def order_end(doc) -> None:
    """Familiarisation and control items, signature, familiarisation table, executor."""
    kit.tag(doc, "{%p if acquaint_all %}")
    item(doc, ACQUAINT_ITEM)
    kit.tag(doc, "{%p endif %}")
    kit.par(doc, CONTROL_ITEM, "DocItem").paragraph_format.keep_with_next = True
    # The signature keeps with what follows: the familiarisation sheet's heading (itself kept
    # with its first row) or the executor line.
    kit.signature(doc).paragraph_format.keep_with_next = True
    acquaint_table(doc)
    executor(doc)


def annex_start(doc, number_expr: str = "") -> None:
    """A new page and the annex header with the order's date and number."""
    kit.page_break(doc)
    kit.annex_header(doc, number_expr)
