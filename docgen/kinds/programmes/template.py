"""Templates of the approved local acts: regulation, roadmap, programme, personalised programme.

Registered in docgen/kinds/build.py; run `python -m docgen.kinds.build <name>.docx`.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.shared import Cm, Pt

from docgen.kinds import docxkit as kit

BLANK_SIGN = "____________"


def _style(doc, style_id: str):
    return next(style for style in doc.styles if style.style_id == style_id)


def _write(cell, lines: list[str], style: str = "DocTable", *, bold_first: bool = False) -> None:
    """Put `lines` in a table cell, one paragraph each (the cell's own first paragraph first)."""
    doc_styles = cell.part.document
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        paragraph.style = _style(doc_styles, style)
        if line:
            run = paragraph.add_run(line)
            if bold_first and index == 0:
                run.bold = True


def _approval_lines(title_word: str) -> list[str]:
    """The right-hand grif: by an order («УТВЕРЖДЕНО приказом … от … № …») or «УТВЕРЖДАЮ»."""
    return [
        "{%p if approve_as == 'приказ' or doc.registered %}",
        "{{ '" + title_word + "'|grif_word }}",
        "приказом {{ org.name_gen }}",
        "от {{ approval.date_text }} № {{ approval.number_text }}",
        "{%p else %}",
        "УТВЕРЖДАЮ",
        "{{ signer.position_line }} {{ org.name }}",
        BLANK_SIGN + " {{ signer.sign }}",
        "{{ approval.date_text }}",
        "{%p endif %}",
    ]


def _grif_table(doc, left: list[str], right: list[str], widths_cm: tuple[float, float]):
    """Approval blocks side by side on the first page: left (collegial bodies), right (head)."""
    table = doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for cell, lines in zip(table.rows[0].cells, (left, right), strict=True):
        _write(cell, lines or [""])
    _widths(table, widths_cm)
    kit.par(doc, "", "DocText")
    return table


def _org_lines(doc) -> None:
    kit.tag(doc, "{%p if org.founder_line %}")
    kit.par(doc, "{{ org.founder_line }}", "DocFounder")
    kit.tag(doc, "{%p endif %}")
    kit.par(doc, "{{ org.full_name }}", "DocOrg")
    kit.par(doc, "", "DocOrgDetails")


def _bullets(doc, expr: str, *, last: str = ".") -> None:
    """«— item;» lines of a list, the last one closed with `last`."""
    kit.tag(doc, "{%p for x in " + expr + " %}")
    kit.par(doc, "— {{ x }}{{ ';' if not loop.last else '" + last + "' }}", "DocText")
    kit.tag(doc, "{%p endfor %}")


def _small(table, size: int = 10) -> None:
    for row in table.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(size)


def _grid(doc, headers: list[str], widths_cm: list[float]):
    """A bordered table with a header row repeated on every page."""
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    kit._repeat_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _write(cell, [text], "DocTableHead")
    return table


def _row(table, texts: list[str], style: str = "DocTable", *, merged: bool = False):
    row = table.add_row()
    if merged:
        cell = row.cells[0].merge(row.cells[-1])
        _write(cell, texts, style)
        return row
    for cell, text in zip(row.cells, texts, strict=True):
        _write(cell, [text], style)
    return row


def _widths(table, widths_cm: list[float] | tuple[float, ...]) -> None:
    """Column widths in the grid (what Word and the preview lay out by) and in every cell."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        spans: dict[int, tuple[object, float]] = {}
        for cell, width in zip(row.cells, widths_cm, strict=True):
            # A merged cell is listed once per grid column it spans: give it their sum.
            _, total = spans.get(id(cell._tc), (cell, 0.0))
            spans[id(cell._tc)] = (cell, total + width)
        for cell, width in spans.values():
            cell.width = Cm(width)


# ---------------------------------------------------------------- regulation


def regulation():
    doc = kit.new_document()
    _org_lines(doc)
    left = [
        "ПРИНЯТО",
        "на заседании педагогического совета",
        "протокол от {{ protocol.date_text }} № {{ protocol.number_text }}",
        "{%p for o in opinions %}",
        "",
        "УЧТЕНО мнение {{ o.body|inflect('gen', kind='org') }}",
        "(протокол от {{ o.protocol.date_text }} № {{ o.protocol.number_text }})",
        "{%p endfor %}",
    ]
    _grif_table(doc, left, _approval_lines("Положение"), (8.5, 8.5))
    kit.par(doc, "{{ kind_word }}", "DocKind")
    kit.title(doc, "{{ heading }}")
    kit.tag(doc, "{%p for s in text %}")
    kit.par(doc, "{{ s.number }}. {{ s.heading }}", "DocHeading")
    kit.tag(doc, "{%p for c in s.clauses %}")
    kit.par(doc, "{{ (c.label ~ ' ') if c.label else '' }}{{ c.text }}", "DocText")
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p endfor %}")
    return doc


# ---------------------------------------------------------------- roadmap

ROADMAP_HEADERS = [
    "№ п/п",
    "Содержание",
    "Сроки",
    "Ожидаемый результат (вид документа)",
    "Показатели эффективности",
    "Ответственный",
]
ROADMAP_WIDTHS = [1.3, 7.5, 3.5, 4.6, 4.6, 4.2]


def roadmap():
    doc = kit.new_document(landscape=True)
    _org_lines(doc)
    _grif_table(doc, [""], _approval_lines("Дорожная карта"), (17.7, 8.0))
    kit.par(doc, "{{ kind_word }}", "DocKind")
    kit.title(doc, "{{ heading }}")
    table = _grid(doc, ROADMAP_HEADERS, ROADMAP_WIDTHS)
    _row(table, ["{%tr for s in roadmap %}"], merged=True)
    kit.keep_row_with_next(
        _row(table, ["{{ s.number }}. {{ s.title }}"], "DocTableHead", merged=True)
    )
    _row(table, ["{%tr for r in s.rows %}"], merged=True)
    _row(
        table,
        [
            "{{ r.number }}",
            "{{ r.content }}",
            "{{ r.deadline }}",
            "{{ r.result }}",
            "{{ r.indicator }}",
            "{{ r.responsible }}",
        ],
    )
    _row(table, ["{%tr endfor %}"], merged=True)
    _row(table, ["{%tr endfor %}"], merged=True)
    _widths(table, ROADMAP_WIDTHS)
    return doc


# ---------------------------------------------------------------- programme


def _heading(doc, text: str) -> None:
    kit.par(doc, text, "DocHeading")


def programme():
    doc = kit.new_document()
    _org_lines(doc)
    left = [
        "РАССМОТРЕНА",
        "на заседании {{ (reviewed.body if reviewed else 'педагогический совет')"
        "|inflect('gen', kind='org') }}",
        "протокол от {{ reviewed_protocol.date_text }} № {{ reviewed_protocol.number_text }}",
    ]
    _grif_table(doc, left, _approval_lines("Программа"), (8.5, 8.5))
    kit.par(doc, "{{ kind_word }}", "DocKind")
    kit.title(doc, "{{ heading }}")
    kit.tag(doc, "{%p if authors %}")
    kit.par(
        doc,
        "Разработчики: {% for a in authors %}{{ a.short() }}{{ ', ' ~ a.pos() if a.position }}"
        "{{ '; ' if not loop.last else '.' }}{% endfor %}",
        "DocText",
    )
    kit.tag(doc, "{%p endif %}")

    _heading(doc, "1. Пояснительная записка")
    kit.tag(doc, "{%p for p in programme.relevance %}")
    kit.par(doc, "{{ p }}", "DocText")
    kit.tag(doc, "{%p endfor %}")

    _heading(doc, "2. Нормативная основа реализации программы")
    kit.par(doc, "Программа разработана в соответствии с документами:", "DocText")
    _bullets(doc, "programme.legal")

    _heading(doc, "3. Цель и задачи программы")
    kit.par(doc, "Цель программы:", "DocText")
    kit.par(doc, "{{ programme.goal }}", "DocText")
    kit.par(doc, "Задачи программы:", "DocText")
    _bullets(doc, "programme.tasks")

    _heading(doc, "4. Формы и ролевые модели наставничества")
    widths = [1.0, 4.5, 7.0, 4.5]
    table = _grid(doc, ["№", "Форма наставничества", "Ролевые модели", "Участники"], widths)
    _row(table, ["{%tr for f in programme.forms %}"], merged=True)
    _row(table, ["{{ loop.index }}", "{{ f.name }}", "{{ f.role_model }}", "{{ f.participants }}"])
    _row(table, ["{%tr endfor %}"], merged=True)
    _widths(table, widths)

    _heading(doc, "5. Механизм управления программой")
    kit.tag(doc, "{%p for p in programme.management %}")
    kit.par(doc, "{{ p }}", "DocText")
    kit.tag(doc, "{%p endfor %}")

    _heading(doc, "6. Этапы реализации программы")
    kit.tag(doc, "{%p for st in programme.stages %}")
    kit.par(doc, "Этап {{ loop.index }}. {{ st.title }}", "DocText", bold=True)
    _bullets(doc, "st.actions")
    kit.tag(doc, "{%p if st.result %}")
    kit.par(doc, "Результат этапа: {{ st.result }}.", "DocText")
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p endfor %}")

    _heading(doc, "7. Мониторинг реализации программы")
    kit.par(
        doc,
        "Мониторинг программы наставничества проводится в {{ programme.monitoring|length }} этапа:",
        "DocText",
    )
    kit.tag(doc, "{%p for m in programme.monitoring %}")
    kit.par(doc, "7.{{ loop.index }}. {{ m.title }}", "DocText", bold=True)
    kit.tag(doc, "{%p for p in m.paragraphs %}")
    kit.par(doc, "{{ p }}", "DocText")
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p endfor %}")

    _heading(doc, "8. Ожидаемые результаты")
    kit.par(doc, "В результате реализации программы ожидается:", "DocText")
    _bullets(doc, "programme.expected_results")
    return doc


# ---------------------------------------------------------------- personalised programme

PLAN_HEADERS = [
    "№",
    "Направление",
    "Мероприятие",
    "Форма работы",
    "Срок",
    "Результат",
    "Форма отчётности",
    "Отметка о выполнении",
]
PLAN_WIDTHS = [1.0, 3.6, 5.4, 3.4, 2.8, 3.7, 3.3, 2.5]
PEOPLE_WIDTHS = [2.9, 3.4, 3.8, 3.2, 3.7]


def _participant_row(table, role: str, who: str, *, extra: bool = True) -> None:
    if extra:
        cells = [
            role,
            "{{ " + who + ".person.fio }}",
            "{{ " + who + ".person.pos() }}{{ ', ' ~ " + who + ".subject if " + who + ".subject }}",
            "{{ " + who + ".experience_text }}",
            "{{ " + who + ".category }}",
        ]
    else:
        cells = [role, "{{ " + who + ".fio }}", "{{ " + who + ".pos() }}", "", ""]
    _row(table, cells)


def personal_programme():
    doc = kit.new_document()
    _org_lines(doc)
    _grif_table(doc, [""], _approval_lines("Персонализированная программа"), (9.0, 8.0))
    kit.par(doc, "{{ 'Персонализированная программа наставничества'|upper }}", "DocKind")
    kit.title(
        doc,
        "педагогического работника {{ mentee.person.full('gen') }}"
        "{{ ', ' ~ mentee.person.pos('gen') if mentee.person.position }}",
    )
    kit.title(doc, "на период с {{ start|date_short }} по {{ end|date_short }}")

    _heading(doc, "1. Участники программы")
    table = _grid(
        doc,
        [
            "Участник",
            "ФИО",
            "Должность, предмет",
            "Педагогический стаж",
            "Квалификационная категория",
        ],
        PEOPLE_WIDTHS,
    )
    _participant_row(table, "Наставник", "mentor")
    _participant_row(table, "Наставляемый", "mentee")
    _participant_row(table, "Куратор", "curator", extra=False)
    _widths(table, PEOPLE_WIDTHS)
    _small(table, 10)

    _heading(doc, "2. Форма наставничества и срок реализации")
    kit.par(
        doc,
        "Форма наставничества (ролевая модель): «{{ form }}»; вид наставничества: "
        "{{ kind_of_mentoring }}. Программа реализуется с {{ start|date_short }} "
        "по {{ end|date_short }}.",
        "DocText",
    )

    _heading(doc, "3. Профессиональные затруднения и запрос наставляемого")
    kit.par(doc, "Выявленные профессиональные затруднения (дефициты):", "DocText")
    _bullets(doc, "deficits")
    kit.par(doc, "Запрос наставляемого:", "DocText")
    kit.par(doc, "{{ request }}", "DocText")
    kit.tag(doc, "{%p if strengths %}")
    kit.par(doc, "Сильные стороны наставляемого:", "DocText")
    _bullets(doc, "strengths")
    kit.tag(doc, "{%p endif %}")

    _heading(doc, "4. Цель и задачи программы")
    kit.par(doc, "Цель:", "DocText")
    kit.par(doc, "{{ goal }}", "DocText")
    kit.par(doc, "Задачи:", "DocText")
    _bullets(doc, "tasks")

    # Eight columns of words like «дифференцированными» need the width of a landscape page.
    kit.new_section(doc, landscape=True)
    _heading(doc, "5. План мероприятий")
    plan = _grid(doc, PLAN_HEADERS, PLAN_WIDTHS)
    _row(plan, ["{%tr for r in plan %}"], merged=True)
    _row(
        plan,
        [
            "{{ loop.index }}",
            "{{ r.direction }}",
            "{{ r.activity }}",
            "{{ r.work_form }}",
            "{{ r.deadline }}",
            "{{ r.result }}",
            "{{ r.report_form }}",
            "{{ r.done }}",
        ],
    )
    _row(plan, ["{%tr endfor %}"], merged=True)
    _widths(plan, PLAN_WIDTHS)
    _small(plan, 10)

    kit.new_section(doc)
    _heading(doc, "6. Ожидаемые результаты")
    for key, label in (
        ("mentee", "Для наставляемого"),
        ("mentor", "Для наставника"),
        ("org", "Для образовательной организации"),
    ):
        kit.par(doc, label + ":", "DocText")
        _bullets(doc, "expected." + key)

    _heading(doc, "7. Мониторинг и оценка результатов")
    _bullets(doc, "monitoring_items")

    kit.par(doc, "Наставник\t" + BLANK_SIGN + " {{ mentor.person.sign }}", "DocSignature")
    kit.par(doc, "Наставляемый\t" + BLANK_SIGN + " {{ mentee.person.sign }}", "DocSignature")
    kit.par(doc, "Куратор\t" + BLANK_SIGN + " {{ curator.sign }}", "DocSignature")
    return doc


# ---------------------------------------------------------------- municipal programme

LEVEL_WIDTHS = [5.5, 11.5]


def municipal_programme():
    doc = kit.new_document()
    _org_lines(doc)
    _grif_table(doc, [""], _approval_lines("Муниципальная целевая программа"), (9.0, 8.0))
    kit.par(doc, "{{ kind_word }}", "DocKind")
    kit.title(doc, "{{ heading }}")
    kit.tag(doc, "{%p for s in text %}")
    kit.par(doc, "{{ s.number }}. {{ s.heading }}", "DocHeading")
    kit.tag(doc, "{%p for c in s.clauses %}")
    kit.par(doc, "{{ (c.label ~ ' ') if c.label else '' }}{{ c.text }}", "DocText")
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p if s.levels %}")
    table = _grid(doc, ["Уровень управления", "Направления деятельности"], LEVEL_WIDTHS)
    _row(table, ["{%tr for l in levels %}"], merged=True)
    row = _row(table, ["{{ l.level }}", "{%p for d in l.directions %}"])
    cell = row.cells[1]
    for line in ("{{ loop.index }}. {{ d }}", "{%p endfor %}"):
        paragraph = cell.add_paragraph(line)
        paragraph.style = _style(doc, "DocTable")
    _row(table, ["{%tr endfor %}"], merged=True)
    _widths(table, LEVEL_WIDTHS)
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p endfor %}")
    return doc


TEMPLATES: dict[str, Callable] = {
    "regulation.docx": regulation,
    "roadmap.docx": roadmap,
    "programme.docx": programme,
    "personal-programme.docx": personal_programme,
    "municipal-programme.docx": municipal_programme,
}
