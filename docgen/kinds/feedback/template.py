"""Templates of the mentor's report and the printable questionnaires (docxkit authoring)."""

from __future__ import annotations

from collections.abc import Callable

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from docgen.kinds import docxkit as kit

LINE = "_" * 60


def _line(doc, text: str, style: str = "DocText", *, center: bool = False, keep: bool = False):
    paragraph = kit.par(doc, text, style)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if keep:
        paragraph.paragraph_format.keep_with_next = True
    return paragraph


def _person(label: str, expr: str) -> str:
    return (
        label
        + ": {{ "
        + expr
        + ".full() }}{% if "
        + expr
        + ".position %}, {{ "
        + expr
        + ".pos() }}{% endif %}."
    )


def mentor_report():
    doc = kit.new_document()
    kit.par(doc, "{{ org.full_name }}", "DocOrg")
    kit.par(doc, "", "DocOrgDetails")
    kit.par(doc, "ОТЧЁТ НАСТАВНИКА", "DocKind")
    kit.title(
        doc,
        "о реализации персонализированной программы наставничества на период "
        "с {{ start|date_short }} по {{ end|date_short }}",
    )
    kit.tag(doc, "{%p if approved_by %}")
    _line(
        doc,
        "(программа утверждена приказом {{ org.name_gen }} от {{ approved_by.date|date_short }} "
        "№ {{ approved_by.number }})",
        center=True,
    )
    kit.tag(doc, "{%p endif %}")
    kit.par(doc, "", "DocText")
    kit.par(doc, _person("Наставник", "mentor"), "DocText")
    kit.par(doc, _person("{{ mentee.agree('Наставляемый', 'Наставляемая') }}", "mentee"), "DocText")
    kit.tag(doc, "{%p if curator %}")
    kit.par(doc, _person("Куратор", "curator"), "DocText")
    kit.tag(doc, "{%p endif %}")
    kit.par(doc, "1. Выполнение плана мероприятий", "DocHeading")
    tbl = kit.grid_table(
        doc,
        ["№ п/п", "Мероприятие", "Срок", "Отметка о выполнении", "Комментарий"],
        [
            "{{ r.n }}.",
            "{{ r.activity }}",
            "{{ r.deadline }}",
            "{{ r.done_text }}",
            "{{ r.comment }}",
        ],
        widths_cm=[1.5, 6.1, 2.8, 2.8, 3.8],
        loop="rows",
    )
    kit.small_table_text(tbl)
    paragraph = kit.par(
        doc,
        "{{ share_sentence }}: доля выполненных мероприятий плана — {{ share }}.",
        "DocText",
    )
    paragraph.paragraph_format.space_before = Pt(6)
    kit.par(doc, "2. Результаты наставничества", "DocHeading")
    kit.par(doc, "{{ results }}", "DocText")
    kit.tag(doc, "{%p if difficulties %}")
    kit.par(doc, "3. Трудности", "DocHeading")
    kit.par(doc, "{{ difficulties }}", "DocText")
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p if proposals %}")
    kit.par(doc, "{{ 4 if difficulties else 3 }}. Предложения", "DocHeading")
    kit.par(doc, "{{ proposals }}", "DocText")
    kit.tag(doc, "{%p endif %}")
    sign = kit.par(doc, "Наставник\t____________ {{ mentor.sign }}", "DocSignature")
    sign.paragraph_format.keep_with_next = True
    kit.par(
        doc,
        "С отчётом {{ mentee.agree('ознакомлен, наставляемый', 'ознакомлена, наставляемая') }}"
        "\t____________ {{ mentee.sign }}",
        "DocSignature",
    ).paragraph_format.keep_with_next = True
    _line(doc, "{{ sign_date_text }}").paragraph_format.space_before = Pt(12)
    kit.par(doc, "Отметка куратора", "DocHeading").paragraph_format.space_before = Pt(18)
    kit.tag(doc, "{%p if curator_mark %}")
    _line(doc, "{{ curator_mark|capitalize }}.", keep=True)
    kit.tag(doc, "{%p else %}")
    _line(
        doc,
        "\u25a1 программа реализована в полном объёме   \u25a1 реализована частично   "
        "\u25a1 не реализована",
        keep=True,
    )
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p if curator_comment %}")
    _line(doc, "{{ curator_comment }}", keep=True)
    kit.tag(doc, "{%p else %}")
    _line(doc, LINE, keep=True)
    _line(doc, LINE, keep=True)
    kit.tag(doc, "{%p endif %}")
    kit.par(
        doc,
        "Куратор\t____________ {% if curator %}{{ curator.sign }}{% else %}"
        "________________{% endif %}",
        "DocSignature",
    )
    return doc


def questionnaire():
    doc = kit.new_document()
    kit.par(doc, "{{ org.full_name }}", "DocOrg")
    kit.par(doc, "", "DocOrgDetails")
    kit.title(doc, "{{ heading }}")
    kit.tag(doc, "{%p if programme %}")
    _line(doc, "Программа наставничества: {{ programme }}")
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p if with_name %}")
    _line(doc, "Фамилия, имя, отчество (по желанию): ______________________________")
    kit.tag(doc, "{%p endif %}")
    _line(doc, "Дата заполнения: «___» ____________ 20___ г.")
    kit.par(
        doc,
        "Оцените каждое утверждение по шкале от 1 до 10, где 1 — самая низкая оценка, "
        "10 — самая высокая: обведите выбранную цифру. В вопросах с вариантами отметьте "
        "один вариант, на открытые вопросы ответьте своими словами.",
        "DocText",
    ).paragraph_format.space_before = Pt(6)
    kit.tag(doc, "{%p for q in questions %}")
    question = _line(doc, "{{ q.n }}. {{ q.text }}", keep=True)
    question.paragraph_format.space_before = Pt(8)
    kit.tag(doc, "{%p if q.kind == 'score' %}")
    _line(doc, "{{ scale }}", center=True).runs[0].bold = True
    kit.tag(doc, "{%p elif q.kind == 'choice' %}")
    _line(doc, "{{ q.options }}")
    kit.tag(doc, "{%p else %}")
    _line(doc, LINE, keep=True)
    _line(doc, LINE, keep=True)
    _line(doc, LINE)
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p endfor %}")
    _line(doc, "Спасибо за ответы!", center=True).paragraph_format.space_before = Pt(12)
    return doc


TEMPLATES: dict[str, Callable] = {
    "mentor-report.docx": mentor_report,
    "questionnaire.docx": questionnaire,
}
