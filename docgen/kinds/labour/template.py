"""Templates of the ст. 351.8 documents: the employee's consent to mentor, the supplementary
agreement to the labour contract (docxkit authoring)."""

from __future__ import annotations

from collections.abc import Callable

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from docgen.kinds import docxkit as kit

TERM = "с {{ term_start|date_short }} по {{ term_end|date_short }}"
FORMS = "{% if forms_text %}, форма наставничества {{ forms_text }}{% endif %}"


def _keep(doc, text: str, style: str = "DocItem"):
    """A paragraph kept on the page of the next: the last clauses and the signatures stay together."""
    paragraph = kit.par(doc, text, style)
    paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.keep_together = True
    return paragraph


def _party(doc, text: str):
    """A party's name over its signature: flush left, kept with the signature."""
    paragraph = _keep(doc, text, "DocText")
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    return paragraph


def tk_consent():
    doc = kit.new_document()
    kit.par(doc, "{{ addressee }}", "DocGrif")
    kit.par(doc, "{{ addressee_name }}", "DocGrif")
    kit.par(doc, "от {{ employee.full('gen') }},", "DocGrif")
    kit.tag(doc, "{%p if employee.position %}")
    kit.par(doc, "{{ employee.pos('gen') }}", "DocGrif")
    kit.tag(doc, "{%p endif %}")
    kit.par(doc, "", "DocText")
    kit.par(doc, "СОГЛАСИЕ", "DocKind")
    kit.title(doc, "на осуществление наставничества")
    kit.par(
        doc,
        "Я, {{ employee.full() }}{% if employee.position %}, {{ employee.pos() }}{% endif %}, "
        "в соответствии со статьёй 351.8 Трудового кодекса Российской Федерации даю согласие "
        "на осуществление по поручению работодателя наставничества в отношении "
        "{{ mentees_gen }} на период " + TERM + FORMS + ".",
    )
    kit.par(
        doc,
        "Мне известно, что содержание, срок и форма наставничества, а также выплата "
        "за наставничество устанавливаются дополнительным соглашением к трудовому договору; "
        "что я и работодатель вправе досрочно прекратить выполнение мной наставничества, "
        "предупредив об этом другую сторону в письменной форме не позднее чем за 3 (три) "
        "рабочих дня.",
    )
    kit.par(doc, "", "DocText")
    kit.par(
        doc,
        "{{ sign_date_text }}\t____________ {{ employee.sign }}",
        "DocSignature",
    )
    return doc


def tk_agreement():
    doc = kit.new_document()
    kit.par(doc, "ДОПОЛНИТЕЛЬНОЕ СОГЛАШЕНИЕ № {{ number_text }}", "DocKind")
    kit.title(doc, "к трудовому договору {{ contract_text }}")
    kit.par(doc, "{{ org.locality }}\t{{ sign_date_text }}", "DocDateNumber")
    kit.par(doc, "", "DocText")
    kit.par(
        doc,
        "{{ org.full_name }}, {{ org_named }} в дальнейшем «Работодатель», в лице "
        "{{ employer_rep }}, с одной стороны, и {{ employee.full() }}"
        "{% if employee.position %}, {{ employee.pos() }}{% endif %}, "
        "{{ employee.agree('именуемый', 'именуемая') }} в дальнейшем «Работник», с другой "
        "стороны, вместе именуемые «Стороны», на основании статьи 351.8 Трудового кодекса "
        "Российской Федерации и письменного согласия Работника заключили настоящее "
        "дополнительное соглашение о нижеследующем.",
    )
    kit.par(
        doc,
        "1. Работник с его письменного согласия по поручению Работодателя осуществляет "
        "наставничество в отношении {{ mentees_gen }} наряду с работой, определённой трудовым "
        "договором.",
        "DocItem",
    )
    kit.par(doc, "2. Содержание наставничества. Работник обязуется:", "DocItem")
    kit.tag(doc, "{%p for d in duties %}")
    kit.par(
        doc,
        "2.{{ loop.index }}. {{ d }}{{ ';' if not loop.last else ('' if d.endswith('.') else '.') }}",
        "DocItem",
    )
    kit.tag(doc, "{%p endfor %}")
    kit.par(
        doc,
        "3. Форма наставничества: {% if forms_text %}{{ forms_text }}{% else %}______________"
        "{% endif %}{% if kinds_text %}, вид наставничества — {{ kinds_text }}{% endif %}.",
        "DocItem",
    )
    kit.par(doc, "4. Срок наставничества: " + TERM + ".", "DocItem")
    kit.par(
        doc,
        "5. За осуществление наставничества Работнику устанавливается "
        "{% if pay_monthly %}ежемесячная {% endif %}выплата {{ pay_text }}"
        "{% if pay_monthly %} на срок наставничества{% endif %}.",
        "DocItem",
    )
    _keep(
        doc,
        "6. Работодатель и Работник вправе досрочно прекратить выполнение Работником "
        "наставничества, предупредив об этом другую Сторону в письменной форме не позднее "
        "чем за {{ notice_text }}.",
        "DocItem",
    )
    _keep(
        doc,
        "7. Остальные условия трудового договора остаются неизменными. Настоящее соглашение "
        "является неотъемлемой частью трудового договора, вступает в силу со дня его "
        "подписания Сторонами и составлено в двух экземплярах, имеющих равную юридическую "
        "силу, по одному для каждой из Сторон.",
        "DocItem",
    )
    _keep(doc, "Подписи Сторон", "DocHeading").paragraph_format.space_before = Pt(18)
    _party(doc, "Работодатель: {{ org.full_name }}")
    _keep(doc, "{{ signer.position_line }}\t____________ {{ signer.sign }}", "DocSignature")
    _party(doc, "Работник: {{ employee.full() }}").paragraph_format.space_before = Pt(18)
    _keep(doc, "\t____________ {{ employee.sign }}", "DocSignature")
    _keep(
        doc,
        "Экземпляр соглашения {{ employee.agree('получил', 'получила') }}:\t____________ "
        "{{ employee.sign }}",
        "DocSignature",
    )
    kit.par(
        doc, "\t«___» ____________ 20___ г.", "DocSignature"
    ).paragraph_format.space_before = Pt(6)
    return doc


TEMPLATES: dict[str, Callable] = {
    "tk-consent.docx": tk_consent,
    "tk-agreement.docx": tk_agreement,
}
