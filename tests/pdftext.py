"""What a reader sees in a DOCX, a PDF and an HTML page, each read by its own library.

Test-only: these readers are the oracle the converter is checked against, so none of them goes
through docgen's converter. The DOCX is read with python-docx, the PDF with pdfplumber, the
HTML with lxml.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

import lxml.html
import pdfplumber
from docx import Document
from docx.oxml.ns import qn
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

_OFF = ("0", "false", "off")


# --- DOCX ------------------------------------------------------------------------------


def docx_text(docx: bytes) -> str:
    """Text of the body, one paragraph a line: paragraphs and tables in document order, each
    cell once (merged cells too), nested tables inside their cell; headers and footers left out.
    """
    return "\n".join(_blocks(Document(io.BytesIO(docx))))


def header_rows(docx: bytes) -> list[str]:
    """Text of every table row marked to repeat on each page (w:tblHeader), in document order."""
    document = Document(io.BytesIO(docx))
    return [
        "\n".join(text for cell in _cells(row) for text in _blocks(cell))
        for table in _tables(document)
        for row in table.rows
        if _repeats(row._tr)
    ]


def _blocks(container) -> Iterator[str]:
    for item in container.iter_inner_content():
        if isinstance(item, Paragraph):
            yield item.text
        else:
            for row in item.rows:
                for cell in _cells(row):
                    yield from _blocks(cell)


def _cells(row) -> Iterator[_Cell]:
    # row.cells repeats a merged cell for each grid column it spans; the XML has it once.
    for tc in row._tr.tc_lst:
        yield _Cell(tc, row._parent)


def _tables(container) -> Iterator[Table]:
    for item in container.iter_inner_content():
        if isinstance(item, Table):
            yield item
            for row in item.rows:
                for cell in _cells(row):
                    yield from _tables(cell)


def _repeats(tr) -> bool:
    trpr = tr.trPr
    if trpr is None:
        return False
    flag = trpr.find(qn("w:tblHeader"))
    return flag is not None and flag.get(qn("w:val"), "true").lower() not in _OFF


# --- HTML ------------------------------------------------------------------------------


def html_text(html: str) -> str:
    """Text of the document in an HTML page or fragment (the `<article class="doc">`)."""
    root = lxml.html.fromstring(html)
    articles = root.xpath("//article")
    (article,) = articles or [root.find(".//body")]
    return article.text_content()


# --- PDF -------------------------------------------------------------------------------


def pdf_text(pdf: bytes, docxs: bytes | Iterable[bytes] = ()) -> str:
    """Text of a PDF in drawing order, without page numbers and repeated table headers.

    A header row repeated at the top of a page is recognised by its text: the header rows
    (w:tblHeader) of the DOCX(s) the PDF was made from, already printed on an earlier page.
    Without a DOCX nothing is taken for a repeated header.
    """
    if isinstance(docxs, bytes):
        docxs = [docxs]
    headers = sorted(
        {_squeeze(row) for docx in docxs for row in header_rows(docx)} - {""}, key=len, reverse=True
    )
    out = []
    earlier = ""  # the squeezed text of the pages before
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            drop = _page_number(page, number)
            if drop:
                page = page.filter(
                    lambda obj, drop=drop: obj.get("object_type") != "char" or _key(obj) not in drop
                )
            text = page.extract_text(use_text_flow=True)
            if number > 1:
                text = _without_repeated_header(text, headers, earlier)
            earlier += _squeeze(text)
            out.append(text)
    return "\n".join(out)


def _squeeze(text: str) -> str:
    return "".join(text.replace("\u00ad", "").split())


def _without_repeated_header(text: str, headers: list[str], earlier: str) -> str:
    """The page's text without a header row it starts with, if that row was printed before."""
    squeezed = _squeeze(text)
    for header in headers:
        if squeezed.startswith(header) and header in earlier:
            return _after(text, len(header))
    return text


def _after(text: str, count: int) -> str:
    """What follows the first `count` visible characters of `text`."""
    for index, char in enumerate(text):
        if count == 0:
            return text[index:]
        if not char.isspace() and char != "\u00ad":
            count -= 1
    return ""


def _key(char: dict) -> tuple:
    return (char["text"], round(char["x0"], 2), round(char["top"], 2))


def _page_number(page, number: int) -> set[tuple]:
    """The chars of the number in the top margin of pages 2, 3, …"""
    words = page.extract_words()
    if not words or number == 1:
        return set()
    top = min(w["top"] for w in words)
    first_line = [w for w in words if w["top"] - top < 1]
    if len(first_line) != 1 or first_line[0]["text"] != str(number):
        return set()
    limit = first_line[0]["bottom"] + 0.5
    return {_key(c) for c in page.chars if c["bottom"] <= limit}
