"""One DOCX from several: an order followed by its annexes, each annex from a new page.

The built-in templates share one set of styles, so copying the body XML is enough. Each part
keeps its own section (page size, orientation, margins): the section that closes a part becomes a
section break of type «next page», which is what starts the next part on a new page. Headers
and footers come from the first part (later sections inherit them). Not merged: images,
hyperlinks, comments or numbering definitions of later parts (the built-in templates have none).
"""

from __future__ import annotations

import copy
import io
import zipfile

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DOCUMENT = "word/document.xml"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)


class MergeError(ValueError):
    """A part is not a DOCX package."""


def _document(part: bytes) -> etree._Element:
    try:
        with zipfile.ZipFile(io.BytesIO(part)) as package:
            return etree.fromstring(package.read(DOCUMENT), _PARSER)
    except (zipfile.BadZipFile, KeyError) as err:
        raise MergeError("Файл не является документом DOCX.") from err


def _final_section(body: etree._Element) -> etree._Element:
    last = body[-1] if len(body) else None
    if last is not None and last.tag == W + "sectPr":
        return last
    section = etree.SubElement(body, W + "sectPr")
    return section


def _starting_on_new_page(section: etree._Element) -> etree._Element:
    """A later part's section: its own page setup, the first part's headers, a new page."""
    section = copy.deepcopy(section)
    for ref in section.findall(W + "headerReference") + section.findall(W + "footerReference"):
        section.remove(ref)
    for old in section.findall(W + "type"):
        section.remove(old)
    kind = etree.Element(W + "type")
    kind.set(W + "val", "nextPage")
    section.insert(0, kind)
    return section


def merge_docx(parts: list[bytes]) -> bytes:
    """The parts in order as one DOCX; every part after the first starts on a new page."""
    if not parts:
        raise MergeError("Нет документов для объединения.")
    root = _document(parts[0])
    body = root.find(W + "body")
    for part in parts[1:]:
        other = _document(part).find(W + "body")
        closing = _final_section(body)
        body.remove(closing)
        # The previous part's page setup moves into a paragraph: a section break.
        carrier = etree.SubElement(body, W + "p")
        etree.SubElement(carrier, W + "pPr").append(closing)
        section = None
        for child in other:
            if child.tag == W + "sectPr":
                section = child
            else:
                body.append(copy.deepcopy(child))
        if section is None:
            section = etree.Element(W + "sectPr")
        body.append(_starting_on_new_page(section))
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(parts[0])) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = xml if info.filename == DOCUMENT else source.read(info)
            target.writestr(info, data)
    return out.getvalue()
