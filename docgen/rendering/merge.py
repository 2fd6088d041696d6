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


def _page_break_only(element) -> bool:
    """A paragraph that holds nothing but a page break (the break before an annex)."""
    if element.tag != qn("w:p"):
        return False
    breaks = element.findall(".//" + qn("w:br"))
    text = "".join(t.text or "" for t in element.iter(qn("w:t")))
    return not text.strip() and any(b.get(qn("w:type")) == "page" for b in breaks)


def split_docx(docx_bytes: bytes, starts: list[int]) -> list[bytes]:
    """The DOCX cut before each of the body elements at `starts` (indexes among the body's
    children): the pieces in order, each with the page setup that governs its last element.

    A page break alone in the paragraph before a cut is dropped: `merge_docx` starts every
    part after the first on a new page itself.
    """
    original = _open(docx_bytes)
    count = len([e for e in original.element.body if e.tag != qn("w:sectPr")])
    bounds = [0, *sorted(set(starts)), count]
    if any(not 0 < cut < count for cut in bounds[1:-1]):
        raise MergeError("Место разбиения документа вне его текста.")
    pieces = []
    for begin, end in zip(bounds, bounds[1:], strict=False):
        document = _open(docx_bytes)
        body = document.element.body
        children = [e for e in body if e.tag != qn("w:sectPr")]
        # The section of the piece's last element: the first section break at or after it.
        governing = next(
            (
                e.find(qn("w:pPr") + "/" + qn("w:sectPr"))
                for e in children[end - 1 :]
                if e.find(qn("w:pPr") + "/" + qn("w:sectPr")) is not None
            ),
            None,
        )
        for element in children[end:] + children[:begin]:
            body.remove(element)
        kept = children[begin:end]
        while len(kept) > 1 and _page_break_only(kept[-1]):
            body.remove(kept.pop())
        if governing is not None:
            final = _final_section(body)
            governing.getparent().remove(governing)
            if final is not None:
                body.replace(final, governing)
            else:
                body.append(governing)
        out = io.BytesIO()
        document.save(out)
        pieces.append(out.getvalue())
    return pieces
