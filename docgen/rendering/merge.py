"""One DOCX from several: an order followed by its annexes, each annex from a new page.

docxcompose copies each later part's body together with what it refers to: images,
hyperlinks, styles the first part lacks, numbering definitions, footnotes. The sections are
ours: each part keeps its own section (page size, orientation, margins), and the section
that closes a part becomes a section break of type «next page», which is what starts the
next part on a new page. Headers and footers come from the first part: every later section
refers to its default header (the page number; LibreOffice does not inherit a missing
reference) and none hides it on its first page, as the pages are numbered straight through.
"""

from __future__ import annotations

import copy
import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxcompose.composer import Composer


class MergeError(ValueError):
    """A part is not a DOCX package."""


def _open(part: bytes):
    try:
        return docx.Document(io.BytesIO(part))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as err:
        raise MergeError("Файл не является документом DOCX.") from err


def _final_section(body):
    sections = body.findall(qn("w:sectPr"))
    return sections[-1] if sections else None


def _default_header(section):
    """The first part's `w:headerReference` of type default (the page number), or None."""
    if section is None:
        return None
    for reference in section.findall(qn("w:headerReference")):
        if reference.get(qn("w:type")) == "default":
            return reference
    return None


def _starting_on_new_page(section, header=None):
    """A later part's section: its own page setup, the first part's header, a new page."""
    section = OxmlElement("w:sectPr") if section is None else copy.deepcopy(section)
    # References into the part's own package (headers, footers, printer settings) stay behind.
    for name in ("w:headerReference", "w:footerReference", "w:printerSettings", "w:type"):
        for old in section.findall(qn(name)):
            section.remove(old)
    for old in section.findall(qn("w:titlePg")):
        section.remove(old)
    kind = OxmlElement("w:type")
    kind.set(qn("w:val"), "nextPage")
    section.insert(0, kind)
    if header is not None:
        section.insert(0, copy.deepcopy(header))
    return section


def _number_every_section(body, header) -> None:
    """Every section after the first prints the page number, its first page too: a part's
    inner sections (a landscape table in an annex) come with their own first-page setting."""
    if header is None:
        return
    for section in body.iter(qn("w:sectPr")):
        if section is body.find(".//" + qn("w:sectPr")):
            continue
        for name in ("w:headerReference", "w:titlePg"):
            for old in section.findall(qn(name)):
                section.remove(old)
        section.insert(0, copy.deepcopy(header))


def merge_docx(parts: list[bytes]) -> bytes:
    """The parts in order as one DOCX; every part after the first starts on a new page."""
    if not parts:
        raise MergeError("Нет документов для объединения.")
    documents = [_open(part) for part in parts]
    first = documents[0]
    body = first.element.body
    header = _default_header(_final_section(body))
    composer = Composer(first)
    for document in documents[1:]:
        closing = _final_section(body)
        if closing is None:
            closing = OxmlElement("w:sectPr")
        else:
            body.remove(closing)
        # The previous part's page setup moves into a paragraph: a section break.
        carrier = OxmlElement("w:p")
        properties = OxmlElement("w:pPr")
        properties.append(closing)
        carrier.append(properties)
        body.append(carrier)
        # The part's own section closes the body; the composer inserts its content before it.
        body.append(_starting_on_new_page(_final_section(document.element.body), header))
        composer.append(document)
    _number_every_section(body, header)
    out = io.BytesIO()
    first.save(out)
    return out.getvalue()
