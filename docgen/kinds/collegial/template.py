"""Templates of the collegial bodies' papers: the protocol and the Положение о Совете наставников.

Registered in docgen/kinds/build.py; run `python -m docgen.kinds.build <name>.docx`.
"""

from __future__ import annotations

from collections.abc import Callable

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

from docgen.kinds import docxkit as kit
from docgen.kinds.programmes import template as programmes

BLANK_SIGN = programmes.BLANK_SIGN


def _labelled(doc, label: str, text: str, *, keep_next: bool = False):
    """«СЛУШАЛИ: …» — the label in bold, the text after it plain, no first-line indent."""
    paragraph = kit.par(doc, label, "DocText", bold=True)
    if text:
        paragraph.add_run(" " + text)
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.keep_with_next = keep_next or None
    return paragraph


def _plain(doc, text: str, *, keep_next: bool = False):
    """A line of the protocol's header part: flush left, not stretched to the margins."""
    paragraph = kit.par(doc, text, "DocText")
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    paragraph.paragraph_format.first_line_indent = Cm(0)
    paragraph.paragraph_format.keep_with_next = keep_next or None
    return paragraph


def protocol():
    doc = kit.new_document()
    programmes._org_lines(doc)
    kit.par(doc, "ПРОТОКОЛ", "DocKind")
    kit.par(doc, "{{ protocol_date }}\t№ {{ doc.number_text }}", "DocDateNumber")
    kit.tag(doc, "{%p if place_text %}")
    kit.par(doc, "{{ place_text }}", "DocPlace")
    kit.tag(doc, "{%p endif %}")
    kit.title(doc, "{{ meeting }}")

    _plain(doc, "Председатель — {{ who.chairman }}.")
    _plain(doc, "Секретарь — {{ who.secretary }}.")
    _plain(doc, "Присутствовали: {{ present_text }}{{ ':' if who.present else '' }}")
    kit.tag(doc, "{%p for p in who.present %}")
    _plain(doc, "{{ loop.index }}. {{ p }}{{ ';' if not loop.last else '.' }}")
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p if who.invited %}")
    _plain(doc, "Приглашённые: {{ who.invited|join('; ') }}.")
    kit.tag(doc, "{%p endif %}")

    agenda = kit.par(doc, "ПОВЕСТКА ДНЯ:", "DocHeading")
    agenda.paragraph_format.space_before = Pt(12)
    kit.tag(doc, "{%p for i in items %}")
    kit.par(doc, "{{ i.number }}. {{ i.question }}.", "DocText")
    kit.tag(doc, "{%p endfor %}")

    kit.tag(doc, "{%p for i in items %}")
    heading = kit.par(doc, "{{ i.number }}. {{ i.question }}", "DocHeading")
    heading.paragraph_format.space_before = Pt(12)
    kit.tag(doc, "{%p if i.heard %}")
    _labelled(doc, "СЛУШАЛИ:", "{{ i.heard }}")
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p if i.report %}")
    kit.par(doc, "{{ i.report }}", "DocText")
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p if i.speeches %}")
    _labelled(doc, "ВЫСТУПИЛИ:", "", keep_next=True)
    kit.tag(doc, "{%p for s in i.speeches %}")
    kit.par(doc, "{{ s }}", "DocText")
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p endif %}")
    _labelled(doc, "ПОСТАНОВИЛИ:", "", keep_next=True)
    kit.tag(doc, "{%p for d in i.decisions %}")
    kit.par(doc, "{{ d }}", "DocText")
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p if i.votes %}")
    _plain(doc, "{{ i.votes.line }} {{ i.votes.outcome }}")
    kit.tag(doc, "{%p endif %}")
    kit.tag(doc, "{%p endfor %}")

    chair = kit.par(doc, "Председатель\t" + BLANK_SIGN + " {{ chairman.sign }}", "DocSignature")
    chair.paragraph_format.keep_with_next = True
    kit.par(doc, "Секретарь\t" + BLANK_SIGN + " {{ secretary.sign }}", "DocSignature")
    return doc


def council_regulation():
    doc = kit.new_document()
    programmes._org_lines(doc)
    left = [
        "{%p if reviewed %}",
        "ПРИНЯТО",
        "на заседании {{ reviewed.body|inflect('gen', kind='org') }}",
        "протокол от {{ reviewed_protocol.date_text }} № {{ reviewed_protocol.number_text }}",
        "{%p endif %}",
    ]
    programmes._grif_table(doc, left, programmes._approval_lines("Положение"), (8.5, 8.5))
    kit.par(doc, "{{ kind_word }}", "DocKind")
    kit.title(doc, "{{ heading }}")
    kit.tag(doc, "{%p for s in text %}")
    kit.par(doc, "{{ s.number }}. {{ s.heading }}", "DocHeading")
    kit.tag(doc, "{%p for c in s.clauses %}")
    kit.par(doc, "{{ (c.label ~ ' ') if c.label else '' }}{{ c.text }}", "DocText")
    kit.tag(doc, "{%p endfor %}")
    kit.tag(doc, "{%p endfor %}")
    return doc


TEMPLATES: dict[str, Callable] = {
    "protocol.docx": protocol,
    "council-regulation.docx": council_regulation,
}
