"""An order and its annexes as one DOCX: every part's text, each annex from a new page."""

from __future__ import annotations

import io
import posixpath
import shutil
import subprocess
import zipfile

import pdfplumber
import pypdf
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from lxml import etree, html

from docgen.documents import compose
from docgen.kinds import catalog
from docgen.rendering import html as preview
from docgen.rendering.merge import MergeError, merge_docx
from docgen.rendering.pdf import docx_to_pdf

LIBREOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SITE = "https://наставник.рф/"


def rendered(slug: str) -> bytes:
    kind = catalog.get(slug)
    return compose.render_docx(
        kind, compose.build_context(kind, compose.validate(kind, kind.sample()))
    )


def saved(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def landscape_annex() -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    doc.add_paragraph("Приложение 2 в альбомной ориентации")
    doc.add_paragraph("Широкая таблица мероприятий")
    return saved(doc)


def pages(docx: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(docx_to_pdf(docx))).pages)


def test_merged_text_is_the_parts_in_order():
    parts = [rendered("approval-order"), rendered("pairs-order"), landscape_annex()]
    merged = merge_docx(parts)
    text = preview.normalize_text(preview.docx_text(merged))
    assert text == " ".join(preview.normalize_text(preview.docx_text(p)) for p in parts)
    Document(io.BytesIO(merged))  # still a Word document


def test_each_part_starts_on_a_new_page():
    parts = [rendered("curator-order"), landscape_annex(), rendered("council-order")]
    merged = merge_docx(parts)
    assert pages(merged) == sum(pages(p) for p in parts)
    pdf = pypdf.PdfReader(io.BytesIO(docx_to_pdf(merged)))
    starts = [preview.normalize_text(page.extract_text()) for page in pdf.pages]
    assert any(page.startswith("Приложение 2 в альбомной ориентации") for page in starts)


def test_each_part_keeps_its_page_orientation():
    merged = merge_docx([rendered("curator-order"), landscape_annex(), rendered("award-order")])
    sections = Document(io.BytesIO(merged)).sections
    assert [s.orientation for s in sections] == [
        WD_ORIENT.PORTRAIT,
        WD_ORIENT.LANDSCAPE,
        WD_ORIENT.PORTRAIT,
    ]
    assert sections[1].page_width > sections[1].page_height


def test_one_part_comes_back_with_the_same_text():
    order = rendered("curator-order")
    assert preview.docx_text(merge_docx([order])) == preview.docx_text(order)


def test_nothing_or_not_a_docx_is_refused():
    with pytest.raises(MergeError):
        merge_docx([])
    with pytest.raises(MergeError, match="не является документом DOCX"):
        merge_docx([rendered("curator-order"), b"not a zip"])


def png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (80, 20), (20, 60, 160)).save(out, "PNG")
    return out.getvalue()


PNG = png()


def letterhead_annex() -> bytes:
    """An annex on a school's letterhead variant: a picture and a link to the school's site."""
    doc = Document()
    doc.add_picture(io.BytesIO(PNG), width=Mm(80), height=Mm(20))
    paragraph = doc.add_paragraph("Приложение 3. Сайт: ")
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), doc.part.relate_to(SITE, RT.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "наставник.рф"
    run.append(text)
    link.append(run)
    paragraph._p.append(link)
    return saved(doc)


def test_an_annex_keeps_its_image_and_hyperlink():
    merged = merge_docx([rendered("curator-order"), letterhead_annex()])
    assert "Приложение 3. Сайт: наставник.рф" in preview.docx_text(merged)
    assert any(shape.width == Mm(80) for shape in Document(io.BytesIO(merged)).inline_shapes)
    with zipfile.ZipFile(io.BytesIO(merged)) as package:
        names = set(package.namelist())
        rels = etree.fromstring(package.read("word/_rels/document.xml.rels"))
        targets = {rel.get("Id"): rel for rel in rels}
        document = etree.fromstring(package.read("word/document.xml"))
        used = [
            (name, value)
            for element in document.iter()
            for name, value in element.attrib.items()
            if name.startswith(f"{{{R}}}")
        ]
        assert {name for name, _ in used} >= {f"{{{R}}}embed", f"{{{R}}}id"}
        for _, rid in used:
            rel = targets[rid]  # every reference has its relationship
            if rel.get("TargetMode") == "External":
                assert rel.get("Target") == SITE
            else:
                assert posixpath.normpath(posixpath.join("word", rel.get("Target"))) in names
        assert any(package.read(name) == PNG for name in names if name.startswith("word/media/"))


def test_an_annex_image_shows_in_the_preview_and_the_pdf():
    merged = merge_docx([rendered("curator-order"), letterhead_annex()])
    (img,) = html.fromstring(preview.docx_to_html(merged)).xpath("//img")
    assert img.get("src").startswith("data:image/png;base64,")
    with pdfplumber.open(io.BytesIO(docx_to_pdf(merged))) as pdf:
        images = [(number, image) for number, page in enumerate(pdf.pages) for image in page.images]
    ((number, image),) = images
    assert number > 0  # on the annex's page, after the order
    assert image["width"] == pytest.approx(80 / 25.4 * 72, abs=0.5)


@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_merged_docx_with_the_image(tmp_path):
    source = tmp_path / "merged.docx"
    source.write_bytes(merge_docx([rendered("curator-order"), letterhead_annex()]))
    subprocess.run(
        [
            LIBREOFFICE,
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    with pdfplumber.open(tmp_path / "merged.pdf") as pdf:
        assert any(page.images for page in pdf.pages[1:])
        text = " ".join(page.extract_text() or "" for page in pdf.pages)
    assert "наставник.рф" in text


def _two_part_document(*, landscape_second: bool) -> bytes:
    doc = Document()
    doc.add_paragraph("Текст приказа")
    if landscape_second:
        section = doc.add_section()
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
    else:
        doc.add_page_break()
    doc.add_paragraph("Приложение 2")
    doc.add_paragraph("Таблица мероприятий")
    return saved(doc)


def _cut_before(docx: bytes, text: str) -> int:
    body = [e for e in Document(io.BytesIO(docx)).element.body if e.tag != qn("w:sectPr")]
    return next(
        i for i, e in enumerate(body) if "".join(t.text or "" for t in e.iter(qn("w:t"))) == text
    )


def test_split_gives_the_parts_without_the_page_break_between_them():
    from docgen.rendering.merge import split_docx

    docx = _two_part_document(landscape_second=False)
    order, annex = split_docx(docx, [_cut_before(docx, "Приложение 2")])
    assert [p.text for p in Document(io.BytesIO(order)).paragraphs] == ["Текст приказа"]
    assert [p.text for p in Document(io.BytesIO(annex)).paragraphs] == [
        "Приложение 2",
        "Таблица мероприятий",
    ]
    # merged back with another part between them: the annex's text follows that part
    merged = preview.docx_text(merge_docx([order, landscape_annex(), annex]))
    assert merged.index("Широкая таблица") < merged.index("Приложение 2\nТаблица мероприятий")


def test_split_keeps_each_part_in_its_own_page_setup():
    from docgen.rendering.merge import split_docx

    docx = _two_part_document(landscape_second=True)
    order, annex = split_docx(docx, [_cut_before(docx, "Приложение 2")])
    assert Document(io.BytesIO(order)).sections[-1].orientation == WD_ORIENT.PORTRAIT
    assert len(Document(io.BytesIO(order)).sections) == 1
    assert Document(io.BytesIO(annex)).sections[-1].orientation == WD_ORIENT.LANDSCAPE
    with pytest.raises(MergeError):
        split_docx(docx, [0])
