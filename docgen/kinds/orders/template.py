"""Templates of the orders (приказы) and their annexes, authored with the kit.

Every order follows DOMAIN.md §1: requisites, title, preamble citing canonical acts,
«ПРИКАЗЫВАЮ:», numbered items each ending with its deadline, familiarisation and control items,
signature, familiarisation table, executor; annexes start on a new page with a header that
repeats the order's date and number.
"""

from __future__ import annotations

from collections.abc import Callable

from docgen.kinds import docxkit as kit
from docgen.kinds.orders.parts import (
    FEDERAL_BASIS,
    MODEL_GEN,
    REGULATION,
    annex_start,
    cell_lines,
    command,
    item,
    items_loop,
    order_end,
    table,
    ucfirst,
)

# ---------------------------------------------------------------- curator


def curator_order():
    doc = kit.new_document()
    kit.org_header(doc)
    kit.title(doc, "{{ title }}")
    kit.par(
        doc,
        FEDERAL_BASIS
        + REGULATION
        + ", в целях организации наставничества в {{ org.name_in('pre') }}",
    )
    command(doc)
    item(
        doc,
        "{{ n.next() }}. {% if assign_duties %}Возложить на {{ curator.short('acc') }}, "
        "{{ curator.pos('acc') }}, обязанности куратора внедрения целевой модели наставничества "
        "в {{ org.name_in('pre') }} с {{ start_date|date_short }}.{% else %}Назначить "
        "{{ curator.full('acc') }}, {{ curator.pos('acc') }}, куратором внедрения целевой модели "
        "наставничества в {{ org.name_in('pre') }} с {{ start_date|date_short }}.{% endif %}",
    )
    item(doc, "{{ n.next() }}. Куратору {{ curator.short('dat') }}:")
    items_loop(doc, "d in duties", "{{ d.text }} — {{ d.deadline }}", last="d.deadline")
    kit.tag(doc, "{%p if pay_amount %}")
    item(
        doc,
        "{{ n.next() }}. Установить {{ curator.short('dat') }} ежемесячную доплату за выполнение "
        "обязанностей куратора в размере {{ pay_amount|money_words }} в соответствии "
        "с Положением об оплате труда работников на период исполнения обязанностей; заключить "
        "с {{ curator.short('ins') }} дополнительное соглашение к трудовому договору. "
        "Срок — с {{ start_date|date_short }}.",
    )
    kit.tag(doc, "{%p endif %}")
    order_end(doc)
    return doc


# ---------------------------------------------------------------- pairs

PAIR_TEXT = (
    "{{ r.mentor.short('acc') }}{% if r.mentor.position %}, {{ r.mentor.pos('acc') }},{% endif %}"
    " — наставником за "
    "{% for m in r.mentees %}{{ m.short('ins') }}{% if m.position %}, {{ m.pos('ins') }}{% endif %}"
    "{% if loop.revindex == 2 %}{{ ', и ' if m.position else ' и ' }}{% elif not loop.last %}, "
    "{% endif %}{% endfor %}"
    " (форма «{{ r.form }}», с {{ r.start|date_short }} по {{ r.end|date_short }})"
)


def pairs_order():
    doc = kit.new_document()
    kit.org_header(doc)
    kit.title(doc, "{{ title }}")
    kit.par(
        doc,
        FEDERAL_BASIS + "{% if employee_mentors %}, статьёй 351.8 Трудового кодекса Российской "
        "Федерации{% endif %}, Положением о системе наставничества, утверждённым приказом "
        "{{ org.name_gen }} от {{ regulation.date|date_short }} № {{ regulation.number }}, "
        "на основании письменных согласий наставников и наставляемых (законных представителей "
        "несовершеннолетних наставляемых) на участие в программах наставничества"
        "{% if employee_mentors %}, письменных согласий работников на выполнение наставнической "
        "деятельности{% endif %}, в целях организации наставничества в {{ org.name_in('pre') }}",
    )
    command(doc)
    item(
        doc,
        "{{ n.next() }}. Закрепить наставнические пары (группы) на период с "
        "{{ period_start|date_short }} по {{ period_end|date_short }} согласно приложению "
        "к настоящему приказу:",
    )
    items_loop(doc, "r in pair_rows", PAIR_TEXT)
    item(
        doc,
        "{{ n.next() }}. Наставникам совместно с наставляемыми разработать персонализированные "
        "программы наставничества и представить их куратору {{ curator.short('dat') }} "
        "на согласование. Срок — {{ plans_deadline }}{{ '' if plans_deadline.endswith('.') else '.' }}",
    )
    item(
        doc,
        "{{ n.next() }}. Куратору {{ curator.short('dat') }} обеспечить методическое "
        "сопровождение наставнических пар (групп) и мониторинг реализации программ "
        "наставничества, представить отчёт о результатах. Срок — {{ report_deadline }}{{ '' if report_deadline.endswith('.') else '.' }}",
    )
    kit.tag(doc, "{%p if employee_mentors %}")
    item(
        doc,
        "{{ n.next() }}. {% if hr %}" + ucfirst("hr.pos('dat')") + " {{ hr.short('dat') }} "
        "подготовить{% else %}Подготовить{% endif %} дополнительные соглашения к трудовым "
        "договорам с наставниками из числа работников, определяющие содержание, срок и форму "
        "наставничества{% if pay_amount %} и выплату за наставническую деятельность{% endif %} "
        "(статья 351.8 Трудового кодекса Российской Федерации). Срок — {{ agreements_deadline }}{{ '' if agreements_deadline.endswith('.') else '.' }}",
    )
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p if pay_amount %}")
    item(
        doc,
        "{{ n.next() }}. Установить наставникам из числа работников ежемесячную выплату "
        "за наставническую деятельность в размере {{ pay_amount|money_words }} в соответствии "
        "с Положением об оплате труда работников на период наставничества. "
        "Срок — с {{ period_start|date_short }}.",
    )
    kit.tag(doc, "{%p endif %}")
    order_end(doc)
    annex_start(doc)
    kit.par(doc, "Наставнические пары (группы)", "DocHeading")
    kit.par(
        doc,
        "на период с {{ period_start|date_short }} по {{ period_end|date_short }}",
        "DocTitle",
    )
    tbl = table(
        doc,
        [
            "№ п/п",
            "Наставник (ФИО, должность / класс)",
            "Наставляемый (ФИО, должность / класс)",
            "Форма наставничества",
            "Срок",
        ],
        ["{{ loop.index }}", "{{ r.mentor.fio }}", "{%p for m in r.mentees %}", "{{ r.form }}", ""],
        widths_cm=[1.5, 4.3, 4.4, 3.8, 3.0],
        loop="pair_rows",
    )
    body = tbl.rows[2].cells
    cell_lines(doc, body[1], ["{{ r.mentor.position }}"])
    cell_lines(
        doc,
        body[2],
        ["{{ m.fio }}{% if m.position %}, {{ m.position }}{% endif %}", "{%p endfor %}"],
    )
    body[4].paragraphs[0].add_run("с {{ r.start|date_short }}")
    cell_lines(doc, body[4], ["по {{ r.end|date_short }}"])
    return doc


# ---------------------------------------------------------------- implementation


def implementation_order():
    doc = kit.new_document()
    kit.org_header(doc)
    kit.title(doc, "{{ title }}")
    kit.par(
        doc,
        FEDERAL_BASIS + "{% for a in local_acts %}, {{ a.cite('ins') }}{% endfor %}, в целях "
        "создания условий для профессионального и личностного роста " + MODEL_GEN + " "
        "в {{ org.name_in('pre') }}",
    )
    command(doc)
    item(
        doc,
        "{{ n.next() }}. Внедрить целевую модель наставничества " + MODEL_GEN + " в "
        "{{ org.name_in('pre') }} с {{ start_date|date_short }}{% if end_date %} на период до "
        "{{ end_date|date_short }}{% endif %}.",
    )
    kit.tag(doc, "{%p if annexes|length == 1 %}")
    item(
        doc,
        "{{ n.next() }}. Утвердить и ввести в действие с {{ start_date|date_short }} "
        "{{ annexes[0].title|inflect('acc', None, 'org') }} (приложение).",
    )
    kit.tag(doc, "{%p else %}")
    item(
        doc,
        "{{ n.next() }}. Утвердить и ввести в действие с {{ start_date|date_short }} прилагаемые:",
    )
    items_loop(
        doc,
        "a in annexes",
        "{{ a.title|inflect('acc', None, 'org') }} (приложение {{ loop.index }})",
    )
    kit.tag(doc, "{%p endif %}")
    item(
        doc,
        "{{ n.next() }}. Назначить {{ curator.full('acc') }}, {{ curator.pos('acc') }}, куратором "
        "внедрения целевой модели наставничества в {{ org.name_in('pre') }} с "
        "{{ start_date|date_short }}.",
    )
    item(doc, "{{ n.next() }}. Куратору {{ curator.short('dat') }}:")
    for text in (
        "{{ n.value }}.1. сформировать базу наставников — {{ mentor_base_deadline }};",
        "{{ n.value }}.2. сформировать базу наставляемых — {{ mentee_base_deadline }};",
        "{{ n.value }}.3. провести мониторинг эффективности реализации программ наставничества "
        "— {{ monitoring }};",
        "{{ n.value }}.4. представить отчёт о внедрении целевой модели наставничества — "
        "{{ report_deadline }}{{ '' if report_deadline.endswith('.') else '.' }}",
    ):
        item(doc, text)
    kit.tag(doc, "{%p if responsible_mto %}")
    item(
        doc,
        "{{ n.next() }}. Назначить {{ responsible_mto.full('acc') }}, "
        "{{ responsible_mto.pos('acc') }}, {{ responsible_mto.agree('ответственным', "
        "'ответственной') }} за материально-техническое обеспечение программ наставничества. "
        "Срок — с {{ start_date|date_short }}.",
    )
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p if website %}")
    item(
        doc,
        "{{ n.next() }}. " + ucfirst("website.pos('dat')") + " {{ website.short('dat') }} "
        "разместить настоящий приказ и утверждённые им документы на официальном сайте "
        "{{ org.name_gen }} в разделе «Наставничество». Срок — {{ website_deadline }}{{ '' if website_deadline.endswith('.') else '.' }}",
    )
    kit.tag(doc, "{%p endif %}")
    order_end(doc)
    return doc


# ---------------------------------------------------------------- municipal roadmap


def municipal_roadmap_order():
    doc = kit.new_document()
    kit.org_header(doc)
    kit.title(doc, "{{ title }}")
    kit.par(
        doc,
        "В соответствии с {{ acts.r145.cite('ins') }}, {{ acts.az1128.cite('ins') }}"
        "{% for a in basis_acts %}, {{ a.cite('ins') }}{% endfor %}, в целях внедрения целевой "
        "модели наставничества в образовательных организациях "
        "{{ area|inflect('gen', None, 'org') }}",
    )
    command(doc)
    kit.tag(doc, "{%p if approved|length == 1 %}")
    item(
        doc,
        "{{ n.next() }}. Утвердить {{ approved[0].title|inflect('acc', None, 'org') }} "
        "(приложение {{ approved[0].number }}).",
    )
    kit.tag(doc, "{%p else %}")
    item(doc, "{{ n.next() }}. Утвердить:")
    items_loop(
        doc,
        "a in approved",
        "{{ a.title|inflect('acc', None, 'org') }} (приложение {{ a.number }})",
    )
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p if coordinator %}")
    item(
        doc,
        "{{ n.next() }}. Назначить {{ coordinator.full('acc') }}, {{ coordinator.pos('acc') }}, "
        "муниципальным куратором внедрения целевой модели наставничества в образовательных "
        "организациях {{ area|inflect('gen', None, 'org') }}.",
    )
    kit.tag(doc, "{%p endif %}")
    item(
        doc,
        "{{ n.next() }}. Руководителям образовательных организаций "
        "{{ area|inflect('gen', None, 'org') }}:",
    )
    kit.tag(doc, "{%p for t in heads_tasks %}")
    item(doc, "{{ n.value }}.{{ loop.index }}. {{ t.text }} — {{ t.deadline }};")
    kit.tag(doc, "{%p endfor %}")
    item(
        doc,
        "{{ n.value }}.{{ heads_tasks|length + 1 }}. представлять в {{ org.name_in('acc') }} "
        "информацию о реализации целевой модели наставничества {{ report_form }} — "
        "{{ report_deadline }}{{ '' if report_deadline.endswith('.') else '.' }}",
    )
    kit.tag(doc, "{%p if service_tasks %}")
    item(doc, "{{ n.next() }}. " + ucfirst("service|inflect('dat', None, 'org')") + ":")
    items_loop(doc, "t in service_tasks", "{{ t.text }} — {{ t.deadline }}", last="t.deadline")
    kit.tag(doc, "{%p endif %}")
    order_end(doc)
    annex_start(doc, "{{ roadmap_number }}")
    kit.title(doc, "{{ roadmap_title }}")
    table(
        doc,
        [
            "№ п/п",
            "Наименование мероприятия",
            "Сроки",
            "Ответственные исполнители",
            "Результат / вид документа",
        ],
        [
            "{{ loop.index }}.",
            "{{ r.event }}",
            "{{ r.deadline }}",
            "{{ r.responsible }}",
            "{{ r.result }}",
        ],
        widths_cm=[1.2, 5.0, 2.4, 3.4, 5.0],
        loop="rows",
    )
    return doc


# ---------------------------------------------------------------- council


def council_order():
    doc = kit.new_document()
    kit.org_header(doc)
    kit.title(doc, "{{ title }}")
    kit.par(
        doc,
        FEDERAL_BASIS + REGULATION + ", в целях текущего руководства реализацией программ "
        "наставничества в {{ org.name_in('pre') }}",
    )
    command(doc)
    item(
        doc,
        "{{ n.next() }}. Создать Совет наставников {{ org.name_gen }}{% if period %} {{ period }}"
        "{% endif %} в следующем составе:",
    )
    item(doc, "Председатель — {{ chair.short() }}, {{ chair.position }};")
    kit.tag(doc, "{%p if deputy %}")
    item(doc, "Заместитель председателя — {{ deputy.short() }}, {{ deputy.position }};")
    kit.tag(doc, "{%p endif %}")
    item(doc, "Секретарь — {{ secretary.short() }}, {{ secretary.position }};")
    item(doc, "Члены Совета:")
    kit.tag(doc, "{%p for p in plain_members %}")
    item(doc, "{{ p.short() }}, {{ p.position }}{{ ';' if not loop.last else '.' }}")
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p if annexes|length == 1 %}")
    item(
        doc,
        "{{ n.next() }}. Утвердить {{ annexes[0].title|inflect('acc', None, 'org') }} "
        "(приложение).",
    )
    kit.tag(doc, "{%p elif annexes %}")
    item(doc, "{{ n.next() }}. Утвердить прилагаемые:")
    items_loop(
        doc,
        "a in annexes",
        "{{ a.title|inflect('acc', None, 'org') }} (приложение {{ loop.index }})",
    )
    kit.tag(doc, "{%p endif %}")
    item(
        doc,
        "{{ n.next() }}. Председателю Совета наставников {{ chair.short('dat') }} провести первое "
        "заседание Совета. Срок — {{ first_meeting }}{{ '' if first_meeting.endswith('.') else '.' }}",
    )
    item(
        doc,
        "{{ n.next() }}. Совету наставников разработать и утвердить план работы"
        "{% if period %} {{ period }}{% endif %}. Срок — {{ plan_deadline }}{{ '' if plan_deadline.endswith('.') else '.' }}",
    )
    item(
        doc,
        "{{ n.next() }}. Секретарю Совета наставников {{ secretary.short('dat') }} вести протоколы "
        "заседаний Совета. Срок — постоянно.",
    )
    order_end(doc)
    return doc


# ---------------------------------------------------------------- approval

REPEAL_WORD = (
    "{{ {'УТВЕРЖДЕНА': 'утратившей', 'УТВЕРЖДЕНЫ': 'утратившими'}.get(repealed|grif_word, "
    "'утратившим') }}"
)


def approval_order():
    doc = kit.new_document()
    kit.org_header(doc)
    kit.title(doc, "{{ title }}")
    kit.par(
        doc,
        FEDERAL_BASIS + "{% if pedsovet %}, на основании решения педагогического совета "
        "(протокол от {{ pedsovet.date|date_short }} № {{ pedsovet.number }}){% endif %}"
        "{% for c in councils %}, с учётом мнения {{ c.body|inflect('gen', None, 'org') }}"
        "{% if c.date or c.number %} (протокол от {{ c.date|date_short if c.date else '____' }} "
        "№ {{ c.number or '____' }}){% endif %}{% endfor %}"
        "{% if opinion %}, {{ opinion }}{% endif %}",
    )
    command(doc)
    kit.tag(doc, "{%p if documents|length == 1 %}")
    item(
        doc,
        "{{ n.next() }}. Утвердить {{ documents[0].title|inflect('acc', None, 'org') }} "
        "(приложение).",
    )
    kit.tag(doc, "{%p else %}")
    item(doc, "{{ n.next() }}. Утвердить прилагаемые:")
    items_loop(
        doc,
        "d in documents",
        "{{ d.title|inflect('acc', None, 'org') }} (приложение {{ loop.index }})",
    )
    kit.tag(doc, "{%p endif %}")
    item(
        doc,
        "{{ n.next() }}. Ввести в действие {% if documents|length == 1 %}документ, утверждённый"
        "{% else %}документы, утверждённые{% endif %} пунктом 1 настоящего приказа, с "
        "{{ effective_date|date_short }}.",
    )
    kit.tag(doc, "{%p if repealed %}")
    item(
        doc,
        "{{ n.next() }}. Признать "
        + REPEAL_WORD
        + " силу с {{ effective_date|date_short }} {{ repealed|inflect('acc', None, 'org') }}.",
    )
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p if website %}")
    item(
        doc,
        "{{ n.next() }}. " + ucfirst("website.pos('dat')") + " {{ website.short('dat') }} "
        "разместить настоящий приказ и утверждённые им документы на официальном сайте "
        "{{ org.name_gen }} в разделе «Наставничество». Срок — {{ website_deadline }}{{ '' if website_deadline.endswith('.') else '.' }}",
    )
    kit.tag(doc, "{%p endif %}")
    order_end(doc)
    # Annexes the service attaches in full (from the archive) bring their own pages.
    kit.tag(doc, "{%p for d in documents if not d.attached %}")
    kit.page_break(doc)
    kit.par(
        doc, "Приложение{% if documents|length > 1 %} {{ loop.index }}{% endif %}", "DocAnnexMark"
    )
    kit.par(doc, "", "DocAnnexMark")
    kit.par(doc, "{{ d.title|grif_word }}", "DocAnnexMark")
    kit.par(doc, "приказом {{ org.name_gen }}", "DocAnnexMark")
    kit.par(doc, "от {{ doc.date_text }} № {{ doc.number_text }}", "DocAnnexMark")
    kit.par(doc, "", "DocAnnexMark")
    kit.title(doc, "{{ d.title }}")
    # The typed text, one paragraph a line (the service prints its section headings too).
    kit.tag(doc, "{%p for line in d.body.split('\\n') if line.strip() %}")
    kit.par(doc, "{{ line.strip() }}")
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p endfor %}")
    return doc


# ---------------------------------------------------------------- award


def award_order():
    doc = kit.new_document()
    kit.org_header(doc)
    kit.title(doc, "{{ title }}")
    kit.par(
        doc,
        "По итогам мониторинга реализации программ наставничества, на основании решения "
        "{{ council|inflect('gen', None, 'org') }} (протокол от {{ protocol.date|date_short }} "
        "№ {{ protocol.number }}){% if regulation %}, в соответствии с Положением о системе "
        "наставничества, утверждённым приказом {{ org.name_gen }} от "
        "{{ regulation.date|date_short }} № {{ regulation.number }}{% endif %}, в целях поощрения наставников и повышения "
        "статуса наставничества в {{ org.name_in('pre') }}",
    )
    command(doc)
    kit.tag(doc, "{%p for a in awards %}")
    item(
        doc,
        "{{ n.next() }}. {% set p = a.person %}{% if a.award == 'грамота' %}Наградить Почётной "
        "грамотой {{ org.name_gen }} {{ p.full('acc') }}{% if p.position %}, {{ p.pos('acc') }},"
        "{% endif %} {{ a.reason }}.{% elif a.award == 'благодарность' %}Объявить благодарность "
        "{{ p.full('dat') }}{% if p.position %}, {{ p.pos('dat') }},{% endif %} {{ a.reason }}."
        "{% else %}Выплатить премию {{ p.full('dat') }}{% if p.position %}, {{ p.pos('dat') }},"
        "{% endif %} в размере {{ a.amount|money_words }} {{ a.reason }}.{% endif %}",
    )
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p if has_premium %}")
    item(
        doc,
        "{{ n.next() }}. {% if accountant %}"
        + ucfirst("accountant.pos('dat')")
        + " {{ accountant.short('dat') }} произвести{% else %}Бухгалтерии произвести{% endif %} "
        "выплату {{ 'премии, назначенной' if premiums == 1 else 'премий, назначенных' }} "
        "настоящим приказом, в пределах фонда оплаты труда "
        "в соответствии с Положением об оплате труда работников. Срок — {{ pay_deadline }}{{ '' if pay_deadline.endswith('.') else '.' }}",
    )
    kit.tag(doc, "{%p endif %}")
    order_end(doc)
    return doc


TEMPLATES: dict[str, Callable] = {
    "curator-order.docx": curator_order,
    "pairs-order.docx": pairs_order,
    "implementation-order.docx": implementation_order,
    "municipal-roadmap-order.docx": municipal_roadmap_order,
    "council-order.docx": council_order,
    "approval-order.docx": approval_order,
    "award-order.docx": award_order,
}
