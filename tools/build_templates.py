"""Write the built-in .docx templates to docgen/templates/docx/ (run: python -m tools.build_templates).

Each function below authors one kind's template with the kit; the .docx it writes is the template
itself (a school can open and edit it in Word), committed to the repository.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from tools import docxkit as kit
from tools import tpl_programmes

OUT = Path(__file__).resolve().parent.parent / "docgen" / "templates" / "docx"

# The closing items every order shares: familiarisation, control.
ACQUAINT_ITEM = (
    "{{ n.next() }}. Ознакомить с настоящим приказом "
    "{% for p in acquaint_all %}{{ p.short('acc') }}{{ ', ' if not loop.last }}{% endfor %} "
    "под подпись."
)
CONTROL_ITEM = (
    "{{ n.next() }}. {% if control %}Контроль за исполнением настоящего приказа возложить на "
    "{{ control.pos('acc') }} {{ control.short('acc') }}.{% else %}Контроль за исполнением "
    "настоящего приказа оставляю за собой.{% endif %}"
)


def order_end(doc) -> None:
    """Familiarisation and control items, signature, executor, familiarisation lines."""
    kit.par(doc, ACQUAINT_ITEM, "DocItem")
    kit.par(doc, CONTROL_ITEM, "DocItem")
    kit.signature(doc)
    kit.executor(doc)
    kit.par(doc, "", "DocText")
    kit.tag(doc, "{%p for p in acquaint_all %}")
    kit.par(
        doc,
        "С приказом {{ p.agree('ознакомлен', 'ознакомлена') }}:\t"
        "____________ {{ p.sign }}   «___» ____________ 20___ г.",
        "DocSignature",
    )
    kit.tag(doc, "{%p endfor %}")


def curator_order():
    doc = kit.new_document()
    kit.org_header(doc)
    kit.title(doc, "{{ title }}")
    kit.par(
        doc,
        "В соответствии с {{ acts.law273.cite('ins') }}"
        "{% if 'обучающиеся' in model %}, {{ acts.r145.cite('ins') }}{% endif %}"
        "{% if 'педагоги' in model %}, {{ acts.az1128.cite('ins') }}{% endif %}"
        "{% if regulation %}, Положением о системе наставничества, утверждённым приказом "
        "{{ org.name_gen }} от {{ regulation.date|date_short }} № {{ regulation.number }}{% endif %}, "
        "в целях организации наставничества в {{ org.name_in('pre') }}",
    )
    kit.command(doc)
    kit.par(
        doc,
        "{{ n.next() }}. {% if assign_duties %}Возложить на {{ curator.short('acc') }}, "
        "{{ curator.pos('acc') }}, обязанности куратора внедрения целевой модели наставничества "
        "в {{ org.name_in('pre') }} с {{ start_date|date_short }}.{% else %}Назначить "
        "{{ curator.full('acc') }}, {{ curator.pos('acc') }}, куратором внедрения целевой модели "
        "наставничества в {{ org.name_in('pre') }} с {{ start_date|date_short }}.{% endif %}",
        "DocItem",
    )
    kit.par(doc, "{{ n.next() }}. Куратору {{ curator.short('dat') }}:", "DocItem")
    kit.tag(doc, "{%p for d in duties %}")
    kit.par(
        doc,
        "{{ n.value }}.{{ loop.index }}. {{ d.text }} — {{ d.deadline }}"
        "{{ ';' if not loop.last else '.' }}",
        "DocItem",
    )
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p if pay_amount %}")
    kit.par(
        doc,
        "{{ n.next() }}. Установить {{ curator.short('dat') }} ежемесячную доплату за выполнение "
        "обязанностей куратора в размере {{ pay_amount|money_words }} в соответствии "
        "с Положением об оплате труда работников; заключить с {{ curator.short('ins') }} "
        "дополнительное соглашение к трудовому договору.",
        "DocItem",
    )
    kit.tag(doc, "{%p endif %}")
    order_end(doc)
    return doc


TEMPLATES: dict[str, Callable] = {
    **tpl_programmes.TEMPLATES,
    "curator-order.docx": curator_order,
}


def main(names: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        if names and name not in names:
            continue
        build().save(OUT / name)
        print("wrote", OUT / name)


if __name__ == "__main__":
    main(sys.argv[1:])
