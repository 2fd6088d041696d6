"""Templates of the consents (docxkit authoring)."""

from __future__ import annotations

from collections.abc import Callable

from docgen.kinds import docxkit as kit

DOC_TEXT = (
    "{{ doc_.kind }} {{ doc_.series_number }}, дата выдачи {{ doc_.issued_on|date_short }}, "
    "выдавший орган: {{ doc_.issuer }}"
)


# On a form printed to be filled in by hand (`by_hand`), what the registry does not keep is a
# blank line with its caption, so every element of ст. 9 is still there to complete.
BLANK = "______________________________"
BLANK_DOC = (
    "документ, удостоверяющий личность: " + BLANK + ", серия и номер ____________, "
    "дата выдачи «___» ____________ ______ г., выдавший орган: " + BLANK
)


def _identity(prefix: str) -> str:
    return (
        "{% if "
        + prefix
        + " %}"
        + DOC_TEXT.replace("doc_", prefix)
        + "{% else %}"
        + BLANK_DOC
        + "{% endif %}"
    )


AUTHORITY = (
    "документ, подтверждающий полномочия законного представителя: {% if authority_doc %}"
    "{{ authority_doc.kind }} "
    "№ {{ authority_doc.number }} от {{ authority_doc.date|date_short }}"
    "{% if authority_doc.issuer %}, выдавший орган: {{ authority_doc.issuer }}{% endif %}"
    "{% else %}" + BLANK + " № ____________ от «___» ____________ ______ г.{% endif %}"
)
# «зарегистрированный» agrees with whoever it follows, in that person's case.
REGISTERED = {
    "nom": ("зарегистрированный", "зарегистрированная"),
    "gen": ("зарегистрированного", "зарегистрированной"),
}


def _registered(gender: str, case: str) -> str:
    """«зарегистрированного по адресу» agreeing with `gender` (a template expression) in `case`."""
    masc, fem = REGISTERED[case]
    return "{{ " + gender + "|agree('" + masc + "', '" + fem + "') }} по адресу: "


def _representative(case: str) -> str:
    """The representative's name, address and identity document, all agreeing in `case`."""
    return (
        "{% if representative %}{{ representative.full('"
        + case
        + "') }}{% else %}"
        + BLANK
        + " (фамилия, имя, отчество){% endif %}, "
        + _registered("(representative.gender if representative else none)", case)
        + "{{ representative_address or '"
        + BLANK
        + "' }}, "
        + _identity("representative_doc")
    )


def _relation(case: str) -> str:
    """«(мать)» in the signature, «(матери)» after «с согласия законного представителя»."""
    return (
        "{{ representative_relation|inflect('" + case + "', None, 'position') "
        "if representative_relation else '____________' }}"
    )


RELATION = _relation("nom")
OPERATOR = (
    "оператору — {{ org.full_name }} (адрес: {{ org.address }}"
    "{% if operator_inn %}, ИНН {{ operator_inn }}{% endif %}"
    "{% if operator_ogrn %}, ОГРН {{ operator_ogrn }}{% endif %})"
)
WHOSE = (
    "{% if variant == 'child' %}персональных данных {{ subject.agree('несовершеннолетнего', "
    "'несовершеннолетней') }} {{ subject.full('gen') }}{% else %}моих персональных данных"
    "{% endif %}"
)


def _heading(doc) -> None:
    kit.title(doc, "{{ title }}")
    kit.par(doc, "{{ org.locality }}\t{{ sign_date_text }}", "DocDateNumber")
    kit.par(doc, "", "DocText")


def _who(doc, subject_line: Callable[[str], str]) -> None:
    """«Я, …» for the three variants: the representative alone, the minor with consent, an adult.

    `subject_line(case)` is what follows the subject's name, agreeing in that case: the
    genitive after «законным представителем несовершеннолетнего …».
    """
    kit.tag(doc, "{%p if variant == 'child' %}")
    kit.par(
        doc,
        "Я, "
        + _representative("nom")
        + ", {{ (representative.gender if representative else none)|agree('являющийся', 'являющаяся') }} "
        "законным представителем (" + _relation("ins") + ") "
        "{{ subject.agree('несовершеннолетнего', 'несовершеннолетней') }} "
        "{{ subject.full('gen') }}, {{ subject.birth_date|date_short }} г. р., "
        + subject_line("gen")
        + ", "
        + AUTHORITY
        + ",",
    )
    kit.tag(doc, "{%p else %}")
    kit.par(
        doc,
        "Я, {{ subject.fio }}{% if subject.birth_date %}, {{ subject.birth_date|date_short }} "
        "г. р.{% endif %}, " + subject_line("nom") + ",",
    )
    kit.tag(doc, "{%p if variant == 'teen' %}")
    kit.par(
        doc,
        "действуя с согласия законного представителя ("
        + _relation("gen")
        + ") "
        + _representative("gen")
        + ", "
        + AUTHORITY
        + ",",
    )
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p endif %}")


def _signatures(doc) -> None:
    """Element 9: the signature of the subject, of the representative, or of both."""
    kit.tag(doc, "{%p if variant != 'child' %}")
    kit.par(doc, "Субъект персональных данных\t____________ {{ subject.sign }}", "DocSignature")
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p if variant != 'adult' %}")
    kit.par(
        doc,
        "Законный представитель (" + RELATION + ")\t____________ "
        "{{ representative.sign if representative else '________________' }}",
        "DocSignature",
    )
    kit.tag(doc, "{%p endif %}")
    kit.par(doc, "Дата подписания: {{ sign_date_text }}", "DocSignature")


def consent():
    doc = kit.new_document()
    _heading(doc)
    _who(
        doc,
        lambda case: (
            _registered("subject.gender", case)
            + "{{ subject_address or '"
            + BLANK
            + "' }}, "
            + _identity("subject_doc")
        ),
    )
    kit.par(
        doc,
        "в соответствии со статьёй 9 {{ acts.law152.cite('gen') }} свободно, своей волей и "
        "{% if variant == 'child' %}в интересе представляемого{% else %}в своём интересе"
        "{% endif %} даю согласие " + OPERATOR + " на обработку " + WHOSE + " как участника "
        "программы наставничества (роль в программе — {{ role }}) на следующих условиях.",
    )
    items = (
        "{{ n.next() }}. Цель обработки персональных данных: {{ purpose }}.",
        "{{ n.next() }}. Перечень персональных данных, на обработку которых даётся согласие: "
        "{{ data_items|join('; ') }}.",
        "{{ n.next() }}. Перечень действий с персональными данными: {{ actions|join(', ') }}. "
        "Общее описание используемых оператором способов обработки: {{ method_text }}.",
        "{{ n.next() }}. Лицо, осуществляющее обработку персональных данных по поручению "
        "оператора: {% if processor %}{{ processor.name }}, адрес: {{ processor.address }}"
        "{% else %}обработка по поручению оператора другим лицам не поручается{% endif %}.",
        "{{ n.next() }}. Срок, в течение которого действует согласие: {{ term }}.",
        "{{ n.next() }}. Способ отзыва согласия: {{ revoke_method }}.",
        "{{ n.next() }}. Настоящее согласие оформлено отдельным документом. Права субъекта "
        "персональных данных, предусмотренные статьёй 14 Федерального закона № 152-ФЗ, мне "
        "разъяснены.",
    )
    for text in items:
        kit.par(doc, text, "DocItem")
    _signatures(doc)
    return doc


def consent_dissemination():
    doc = kit.new_document()
    _heading(doc)
    _who(doc, lambda case: "контактная информация: {{ contacts_text }}")
    kit.par(
        doc,
        "руководствуясь статьёй 10.1 {{ acts.law152.cite('gen') }}, даю согласие "
        + OPERATOR
        + " на обработку в форме распространения "
        + WHOSE
        + " на следующих условиях.",
    )
    kit.par(doc, "{{ n.next() }}. Цель обработки персональных данных: {{ purpose }}.", "DocItem")
    kit.par(
        doc,
        "{{ n.next() }}. Сведения об информационных ресурсах оператора, посредством которых "
        "будут осуществляться предоставление доступа неограниченному кругу лиц и иные действия "
        "с персональными данными:",
        "DocItem",
    )
    kit.tag(doc, "{%p for url in resources %}")
    kit.par(doc, "{{ url }}{{ ';' if not loop.last else '.' }}", "DocItem")
    kit.tag(doc, "{%p endfor %}")
    kit.par(
        doc,
        "{{ n.next() }}. Категории и перечень персональных данных, на обработку которых "
        "даётся согласие, и установленные мной условия и запреты:",
        "DocItem",
    )
    tbl = kit.grid_table(
        doc,
        [
            "№",
            "Категория",
            "Персональные данные",
            "Разрешаю к распространению",
            "Условия и запреты",
        ],
        [
            "{{ loop.index }}",
            "{{ r.category }}",
            "{{ r.name }}",
            "{{ 'да' if r.allowed else 'нет' }}",
            "{{ r.conditions or 'не устанавливаю' }}",
        ],
        widths_cm=[0.8, 3.4, 5.1, 3.3, 4.4],
        loop="items",
    )
    kit.small_table_text(tbl)
    kit.par(doc, "", "DocText")
    kit.par(
        doc,
        "{{ n.next() }}. Условия, при которых полученные персональные данные могут "
        "передаваться оператором только по его внутренней сети, обеспечивающей доступ к "
        "информации лишь для строго определённых сотрудников, либо с использованием "
        "информационно-телекоммуникационных сетей, либо без передачи полученных персональных "
        "данных: {{ transfer_conditions }}.",
        "DocItem",
    )
    kit.par(
        doc,
        "{{ n.next() }}. Срок действия согласия: {{ term }}. Согласие может быть отозвано "
        "в любое время; распространение персональных данных прекращается по моему требованию, "
        "направленному оператору в соответствии со статьёй 10.1 Федерального закона № 152-ФЗ.",
        "DocItem",
    )
    kit.par(
        doc,
        "{{ n.next() }}. Согласие составлено в соответствии с требованиями, утверждёнными "
        "{{ acts.rkn18.cite('ins') }}, и оформлено отдельным документом.",
        "DocItem",
    )
    _signatures(doc)
    return doc


TEMPLATES: dict[str, Callable] = {
    "consent.docx": consent,
    "consent-dissemination.docx": consent_dissemination,
}
