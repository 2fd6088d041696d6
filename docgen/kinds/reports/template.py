"""Templates of the monitoring report and the disclosure page (docxkit authoring)."""

from __future__ import annotations

from collections.abc import Callable

from docgen.kinds import docxkit as kit


def monitoring_report():
    doc = kit.new_document()
    kit.tag(doc, "{%p if org.founder_line %}")
    kit.par(doc, "{{ org.founder_line }}", "DocFounder")
    kit.tag(doc, "{%p endif %}")
    kit.par(doc, "{{ org.full_name }}", "DocOrg")
    kit.par(doc, "", "DocOrgDetails")
    kit.par(doc, "ОТЧЁТ", "DocKind")
    kit.par(doc, "{{ report_date|date_short }}", "DocDateNumber")
    kit.tag(doc, "{%p if org.locality %}")
    kit.par(doc, "{{ org.locality }}", "DocPlace")
    kit.tag(doc, "{%p endif %}")
    kit.title(
        doc,
        "о реализации целевой модели наставничества в {{ org.name_in('pre') }} за период "
        "с {{ period_start|date_short }} по {{ period_end|date_short }}",
    )
    kit.par(
        doc,
        "Показатели рассчитаны на отчётную дату {{ on_date|date_short }} "
        "{% if from_registry %}по реестру участников программ наставничества и архиву "
        "документов организации{% else %}по данным, представленным организацией{% endif %}; "
        "возраст обучающихся и стаж педагогов определены на эту дату, учтены наставнические "
        "пары и группы, действовавшие на эту дату.",
    )
    kit.par(doc, "", "DocText")
    tbl = kit.grid_table(
        doc,
        ["№ п/п", "Показатель", "Числитель", "Знаменатель", "Значение", "Целевое значение"],
        [
            "{{ r.n }}{{ '.' if r.n }}",
            "{{ r.title }}{{ ', %' if r.unit == '%' }}",
            "{{ r.numerator }}",
            "{{ r.denominator }}",
            "{{ r.value }}",
            "{{ r.target }}",
        ],
        widths_cm=[1.1, 6.9, 2.4, 2.6, 2.0, 2.0],
        loop="table",
    )
    kit.small_table_text(tbl)
    kit.par(doc, "Методика расчёта", "DocHeading")
    kit.tag(doc, "{%p for v in figures %}")
    kit.par(
        doc,
        "К строке {{ loop.index }}: {{ v.formula }}"
        "{% if v.code.startswith('satisfaction') %}; {% if v.source == 'survey' %}"
        "{{ v.source_text }}{% else %}методика: {{ survey_method }}"
        "{% if v.source_text %} ({{ v.source_text }}){% endif %}{% endif %}{% endif %}"
        "{% if v.note and v.target is not none %} (целевое значение — {{ v.note }}){% endif %}.",
        "DocItem",
    )
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p if conclusions %}")
    kit.par(doc, "Выводы и предложения", "DocHeading")
    kit.par(doc, "{{ conclusions }}", "DocText")
    kit.tag(doc, "{%p endif %}")
    kit.signature(doc)
    kit.tag(doc, "{%p if curator %}")
    kit.par(
        doc,
        "Куратор внедрения целевой модели наставничества\t____________ {{ curator.sign }}",
        "DocSignature",
    )
    kit.tag(doc, "{%p endif %}")
    kit.executor(doc)
    return doc


def disclosure():
    doc = kit.new_document()
    kit.par(doc, "{{ org.full_name }}", "DocOrg")
    kit.par(doc, "", "DocOrgDetails")
    kit.title(doc, "{{ title }} в {{ org.name_in('pre') }}")
    kit.par(doc, "по состоянию на {{ on_date|date_short }}", "DocPlace")
    tbl = kit.grid_table(
        doc,
        ["№ п/п", "Наименование документа, показателя", "Реквизиты, электронная ссылка, значение"],
        [
            "{{ loop.index }}.",
            "{{ r.title }}",
            "{%p for p in r.parts %}",
        ],
        widths_cm=[1.5, 8.2, 7.3],
        loop="lines",
    )
    cell = tbl.rows[2].cells[2]
    for text in ("{{ p.text }}", "{%p if p.url %}", "{{ p.url }}", "{%p endif %}", "{%p endfor %}"):
        cell.add_paragraph(text, style=cell.paragraphs[0].style)
    kit.small_table_text(tbl)
    return doc


TEMPLATES: dict[str, Callable] = {
    "monitoring-report.docx": monitoring_report,
    "disclosure.docx": disclosure,
}
