"""DOCX -> HTML -> PDF: the PDF shows the DOCX text on ГОСТ pages, tables and lines intact."""

import datetime as dt
import io
import shutil
import subprocess

import pdfplumber
import pytest
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.exceptions import InvalidXmlError
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from fontTools.ttLib import TTFont
from lxml import html as lxml_html
from pdftext import pdf_text
from pypdf import PdfReader

from docgen import checking, demo
from docgen.accounts import users
from docgen.checking.reader import _style_and_numbering, _text, read, read_parts
from docgen.documents import compose
from docgen.documents import service as documents
from docgen.kinds import catalog
from docgen.rendering import docx as engine
from docgen.rendering.context import Requisites
from docgen.rendering.html import docx_text, docx_to_html, normalize_text, parts_to_html
from docgen.rendering.pdf import docx_to_pdf, html_to_pdf

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
LEFT, RIGHT, TOP = 30 * MM, 10 * MM, 20 * MM
TRICKY = 'Значение <w:p> & "кавычки" «ёлочки» A&B < C'
TITLE = "О внедрении целевой модели наставничества"


def _a4_document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(10)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(14)
    fmt = normal.paragraph_format
    fmt.first_line_indent, fmt.alignment = Cm(1.25), WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.space_after, fmt.line_spacing = Pt(0), 1.0
    return doc


def _save(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _order() -> bytes:
    doc = _a4_document()
    title = doc.styles.add_style("Заголовок документа", WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = doc.styles["Normal"]
    title.font.bold = True
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.first_line_indent = Cm(0)
    title.paragraph_format.space_after = Pt(12)

    grif = doc.add_table(rows=1, cols=2)  # no style: borderless, as grifs are
    right = grif.cell(0, 1)
    right.paragraphs[0].text = "УТВЕРЖДЕН"
    right.add_paragraph("приказом от 01.09.2025 № 12-од")
    doc.add_paragraph("ПРИКАЗ", style=title)
    doc.add_paragraph(TITLE, style=title)
    text = doc.add_paragraph(
        "В соответствии с распоряжением Министерства просвещения Российской Федерации "
        "от 25.12.2019 № Р-145, в целях развития наставничества в общеобразовательной "
        f"организации и с учётом значения {TRICKY} "
    )
    text.add_run("приказываю").font.all_caps = True
    text.add_run(":")
    doc.add_paragraph("")
    table = doc.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Наставник и номер"
    table.cell(0, 2).text = "Должность"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Иванова Мария Петровна"
    table.cell(1, 1).text = "1"
    table.cell(1, 2).text = "учитель"
    table.cell(2, 1).text = "2"
    table.cell(2, 2).text = "учитель начальных классов"
    doc.add_paragraph("")
    signature = doc.add_paragraph("Директор\tН.В.\u00a0Чернова")
    signature.paragraph_format.first_line_indent = Cm(0)
    signature.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    doc.add_page_break()
    doc.add_paragraph("Приложение к приказу", style=title)
    doc.add_paragraph("Состав рабочей группы утверждается отдельным приказом.")
    return _save(doc)


@pytest.fixture(scope="module")
def order() -> bytes:
    return _order()


@pytest.fixture(scope="module")
def order_pdf(order) -> bytes:
    return docx_to_pdf(order)


@pytest.fixture(scope="module")
def pages(order_pdf):
    with pdfplumber.open(io.BytesIO(order_pdf)) as pdf:
        yield pdf.pages


def _words(page, text: str) -> list[dict]:
    return [w for w in page.extract_words() if w["text"] == text]


def test_pdf_text_equals_docx_text(order, order_pdf):
    expected = normalize_text(docx_text(order))
    assert TRICKY in expected
    assert "ПРИКАЗЫВАЮ:" in expected
    assert normalize_text(pdf_text(order_pdf, order)) == expected


def test_pages_are_a4_and_page_break_starts_page_two(pages):
    assert len(pages) == 2
    for page in pages:
        assert page.width == pytest.approx(A4[0], abs=1)
        assert page.height == pytest.approx(A4[1], abs=1)
    assert "Приложение" not in pages[0].extract_text()
    assert pages[1].extract_text().splitlines()[1] == "Приложение к приказу"


def test_page_number_from_page_two_centred_in_top_margin(pages):
    assert [w for w in pages[0].extract_words() if w["bottom"] < TOP] == []
    in_margin = [w for w in pages[1].extract_words() if w["bottom"] < TOP]
    assert [w["text"] for w in in_margin] == ["2"]
    centre = (in_margin[0]["x0"] + in_margin[0]["x1"]) / 2
    assert centre == pytest.approx((LEFT + A4[0] - RIGHT) / 2, abs=3)
    assert in_margin[0]["top"] >= 10 * MM


def test_signature_name_ends_at_right_margin(pages):
    (position,) = _words(pages[0], "Директор")
    (surname,) = _words(pages[0], "Чернова")
    assert position["x0"] == pytest.approx(LEFT, abs=2)
    assert surname["x1"] == pytest.approx(A4[0] - RIGHT, abs=10)
    assert surname["top"] == pytest.approx(position["top"], abs=1)


def test_centred_title_is_centred(pages):
    (anchor,) = _words(pages[0], TITLE.split()[1])
    line = [w for w in pages[0].extract_words() if abs(w["top"] - anchor["top"]) < 1]
    assert " ".join(w["text"] for w in line) == TITLE
    centre = (line[0]["x0"] + line[-1]["x1"]) / 2
    assert centre == pytest.approx((LEFT + A4[0] - RIGHT) / 2, abs=3)


def test_grif_is_borderless_and_grid_table_has_borders(pages):
    page = pages[0]
    (order_word,) = _words(page, "ПРИКАЗ")
    (header,) = _words(page, "Должность")
    (last_cell,) = _words(page, "классов")
    assert [line for line in page.lines if line["top"] < order_word["top"]] == []
    table_lines = [
        line
        for line in page.lines
        if header["top"] - 5 < line["top"] < last_cell["bottom"] + 5
        or header["top"] - 5 < line["bottom"] < last_cell["bottom"] + 5
    ]
    assert len(table_lines) >= 8


def test_merged_cells_become_colspan_and_rowspan(order, pages):
    grid_table = lxml_html.fromstring(docx_to_html(order)).findall(".//table")[1]
    cells = {" ".join(td.text_content().split()): td for td in grid_table.iter("td")}
    assert len(cells) == 7
    assert cells["Наставник и номер"].get("colspan") == "2"
    assert cells["Иванова Мария Петровна"].get("rowspan") == "2"
    # In the PDF no rule crosses the merged cell between its two rows.
    (one,) = _words(pages[0], "1")
    (two,) = _words(pages[0], "2")
    (name,) = _words(pages[0], "Иванова")
    between = [
        line
        for line in pages[0].lines
        if one["bottom"] < line["top"] < two["top"] and line["x0"] < name["x1"] < line["x1"]
    ]
    assert between == []


def test_values_are_escaped_and_spaces_kept(order):
    page = docx_to_html(order)
    assert "<w:p>" not in page
    tree = lxml_html.fromstring(page)
    body_text = tree.find(".//article").text_content()
    assert TRICKY in body_text
    assert "Н.В.\u00a0Чернова" in body_text


def test_font_embedded_is_bundled_liberation_serif(order_pdf):
    reader = PdfReader(io.BytesIO(order_pdf))
    fonts = [font.get_object() for font in reader.pages[0]["/Resources"]["/Font"].values()]
    assert fonts
    for font in fonts:
        assert "Liberation-Serif" in font["/BaseFont"]
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        program = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
        assert program["name"].getDebugName(1) == "Liberation Serif"
        # 2.x is the bundled copy; a system package may hold Liberation 1.x.
        assert program["name"].getDebugName(5).startswith("Version 2.")


def test_html_to_pdf_of_full_page_gives_same_pdf(order, order_pdf):
    assert html_to_pdf(docx_to_html(order)) == order_pdf


def test_fragment_is_an_article_with_style_scoped_to_doc(order):
    fragment = docx_to_html(order, fragment=True)
    style, _, body = fragment.partition("</style>")
    assert style.startswith("<style>")
    assert body.strip().startswith('<article class="doc">')
    assert body.strip().endswith("</article>")
    assert "@page" not in style and "@font-face" not in style
    selectors = [rule.split("{")[0].strip() for rule in style[len("<style>") :].split("}")]
    for selector in filter(None, selectors):
        assert all(part.strip().startswith(".doc") for part in selector.split(",")), selector


def test_empty_paragraph_keeps_a_line(tmp_path):
    doc = _a4_document()
    for text in ("Первая строка", "Вторая строка", "", "Третья строка"):
        doc.add_paragraph(text)
    with pdfplumber.open(io.BytesIO(docx_to_pdf(_save(doc)))) as pdf:
        page = pdf.pages[0]
        tops = [_words(page, word)[0]["top"] for word in ("Первая", "Вторая", "Третья")]
    line = tops[1] - tops[0]
    assert line > 10
    assert tops[2] - tops[1] == pytest.approx(2 * line, abs=1)


def test_header_row_repeats_on_every_page():
    doc = _a4_document()
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.cell(0, 0).text, table.cell(0, 1).text = "Наставник", "Наставляемый"
    header = table.rows[0]._tr.get_or_add_trPr()
    header.append(OxmlElement("w:tblHeader"))
    for number in range(80):
        row = table.add_row()
        row.cells[0].text, row.cells[1].text = f"Наставник {number}", f"Ученик {number}"
    docx = _save(doc)
    pdf = docx_to_pdf(docx)
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        assert len(opened.pages) >= 2
        for page in opened.pages:
            assert page.extract_text().splitlines()[int(page.page_number > 1)] == (
                "Наставник Наставляемый"
            )
    # the repeats are layout: the PDF's text is still the DOCX's text
    assert normalize_text(pdf_text(pdf, docx)) == normalize_text(docx_text(docx))


def test_normalize_text_ignores_line_breaks_after_hyphens_and_nbsp():
    assert normalize_text("учебно-\nвоспитательной\u00a0работе 2024–\n2025") == normalize_text(
        "учебно-воспитательной  работе\n2024–2025"
    )
    assert normalize_text("Иванов И.И.") != normalize_text("ИвановИ.И.")


def test_landscape_section_gets_its_own_page_size():
    doc = _a4_document()
    doc.add_paragraph("Приказ на книжной странице")
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    doc.add_paragraph("Дорожная карта на альбомной странице")
    docx = _save(doc)
    pdf = docx_to_pdf(docx)
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        sizes = [(round(p.width), round(p.height)) for p in opened.pages]
    assert sizes == [(595, 842), (842, 595)]
    assert normalize_text(pdf_text(pdf, docx)) == normalize_text(docx_text(docx))


def test_paragraph_style_and_direct_formatting_reach_the_css():
    doc = _a4_document()
    style = doc.styles.add_style("Annex Header", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    style.paragraph_format.left_indent = Cm(10)
    style.font.size = Pt(12)
    doc.add_paragraph("Приложение 1", style=style)
    para = doc.add_paragraph()
    para.add_run("жирный").bold = True
    para.add_run(" и ")
    para.add_run("курсив").italic = True
    page = docx_to_html(_save(doc))
    assert ".doc .s-AnnexHeader {" in page
    rule = page.split(".doc .s-AnnexHeader {")[1].split("}")[0]
    for decl in ("text-align:right", "margin-left:283.45pt", "font-size:12pt"):
        assert decl in rule
    assert "text-align:justify" in page.split(".doc .s-Normal {")[1].split("}")[0]
    assert '<span style="font-weight:bold">жирный</span>' in page
    assert '<span style="font-style:italic">курсив</span>' in page


W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
INLINE_CASES = [
    # a complex field shows its result, not its instruction
    '<w:r><w:t xml:space="preserve">Стр. </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/>'
    '</w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/>'
    '</w:r><w:r><w:t>7</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r>',
    # hidden text is not shown, caps are, a hyperlink's text is, soft hyphens are dropped
    "<w:hyperlink><w:r><w:t>ссылка </w:t></w:r></w:hyperlink>"
    "<w:r><w:rPr><w:vanish/></w:rPr><w:t>скрытый текст</w:t></w:r>"
    "<w:r><w:rPr><w:caps/></w:rPr><w:t>капитель</w:t></w:r>"
    '<w:r><w:t xml:space="preserve"> нас\u00adтавник</w:t></w:r>',
]


def test_fields_hidden_text_caps_tabs_and_spaces():
    doc = _a4_document()
    doc.add_paragraph("Один  два   три\tчетыре")
    last = doc.element.body[-1]
    for runs in INLINE_CASES:
        last.addprevious(parse_xml(f"<w:p {W_NS}>{runs}</w:p>"))
    docx = _save(doc)
    assert docx_text(docx).splitlines() == [
        "Один  два   три\tчетыре",
        "Стр. 7",
        "ссылка КАПИТЕЛЬ наставник",
    ]
    pdf = docx_to_pdf(docx)
    assert normalize_text(pdf_text(pdf, docx)) == normalize_text(docx_text(docx))
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        words = opened.pages[0].extract_words()
    one, two = (next(w for w in words if w["text"] == t) for t in ("Один", "два"))
    three, four = (next(w for w in words if w["text"] == t) for t in ("три", "четыре"))
    space = two["x0"] - one["x1"]
    assert space > 5  # two spaces stay two spaces wide
    assert four["x0"] - three["x1"] > 2 * space  # a tab is wider than spaces


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_first_page_renders_to_png(order_pdf, tmp_path):
    (tmp_path / "order.pdf").write_bytes(order_pdf)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", "order.pdf", "page"],
        cwd=tmp_path,
        check=True,
    )
    (png,) = tmp_path.glob("page*.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 5000  # a page with text, not a blank sheet


def test_several_documents_print_as_one_pdf_each_numbering_its_own_pages():
    from docgen.documents import compose
    from docgen.kinds import catalog
    from docgen.rendering import html as preview
    from docgen.rendering.pdf import docxs_to_pdf

    kind = catalog.get("consent")
    docx = compose.render_docx(
        kind, compose.build_context(kind, compose.validate(kind, kind.sample()))
    )
    single = docx_to_pdf(docx)
    with pdfplumber.open(io.BytesIO(single)) as pdf:
        per_document = len(pdf.pages)
    assert per_document >= 2
    combined = docxs_to_pdf([docx, docx])
    with pdfplumber.open(io.BytesIO(combined)) as pdf:
        assert len(pdf.pages) == 2 * per_document
        tops = [
            (page.crop((0, 0, page.width, 56)).extract_text() or "").strip() for page in pdf.pages
        ]
    expected = ["", *[str(n) for n in range(2, per_document + 1)]]
    assert tops == expected * 2
    assert preview.normalize_text(pdf_text(combined)).count("Согласие на обработку") == 2


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def test_inline_image_shows_at_its_size_in_html_and_pdf():
    doc = _a4_document()
    doc.add_paragraph("Бланк школы")
    doc.add_picture(io.BytesIO(_png(60, 30)), width=Mm(60), height=Mm(30))
    doc.add_paragraph("Текст после бланка")
    docx = _save(doc)
    page = lxml_html.fromstring(docx_to_html(docx))
    (img,) = page.xpath("//img")
    assert img.get("src").startswith("data:image/png;base64,")
    assert img.get("style") == f"width:{60 * MM:.2f}pt;height:{30 * MM:.2f}pt"
    # the picture adds no text, and its paragraph no blank line of its own
    assert docx_text(docx).splitlines() == ["Бланк школы", "", "Текст после бланка"]
    assert img.getparent().xpath("string()") == ""
    assert img.getparent().find("br") is None
    pdf = docx_to_pdf(docx)
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        (image,) = opened.pages[0].images
        title = next(w for w in opened.pages[0].extract_words() if w["text"] == "Бланк")
    assert image["width"] == pytest.approx(60 * MM, abs=0.5)
    assert image["height"] == pytest.approx(30 * MM, abs=0.5)
    assert image["x0"] == pytest.approx(LEFT + 1.25 / 2.54 * 72, abs=0.5)  # first-line indent
    assert image["top"] > title["bottom"]
    assert normalize_text(pdf_text(pdf)) == normalize_text(docx_text(docx))


# --- the preview from rendered parts (no DOCX round trip) -------------------------------

REGISTERED = Requisites("77-од", dt.date(2024, 9, 2))


@pytest.mark.parametrize("requisites", [None, REGISTERED], ids=["draft", "registered"])
@pytest.mark.parametrize("kind", catalog.KINDS, ids=lambda kind: kind.slug)
def test_preview_from_parts_is_the_preview_of_the_docx(kind, requisites):
    """For every kind's sample, the HTML and the findings from the rendered parts are exactly
    those of the old path: the DOCX bytes through the converter and the checker."""
    values = compose.build_context(
        kind, compose.validate(kind, kind.sample()), requisites=requisites
    )
    template = engine.builtin_template(kind.template)
    parts = engine.render_parts(template, values)
    docx = engine.render(template, values)
    assert parts.docx() == docx
    assert parts_to_html(parts, fragment=True) == docx_to_html(docx, fragment=True)
    assert parts_to_html(parts) == docx_to_html(docx)
    assert read_parts(parts) == read(docx)
    assert checking.check_parts(parts) == checking.check(docx)


def _headed_document(first_page: bool) -> bytes:
    """A document with a page header, list numbering, a vertical merge and a styled title."""
    doc = _a4_document()
    section = doc.sections[0]
    section.different_first_page_header_footer = first_page
    header = section.first_page_header if first_page else section.header
    header.paragraphs[0].text = "МБОУ «СОШ № 1»\tст. Обливская"
    doc.add_paragraph(TITLE, style="Title")
    doc.add_paragraph("Первый пункт", style="List Number")
    doc.add_paragraph("Второй пункт", style="List Number")
    table = doc.add_table(rows=3, cols=2)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Объединённая ячейка"
    table.cell(2, 1).text = "Чернова Н.В."
    tail = doc.add_paragraph("Директор")
    tail.add_run().add_break()
    tail.add_run("А.М. Кудаков\tподпись")
    linked = doc.add_paragraph("Сайт: ")
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), "rId99")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "school1.ru"
    run.append(text)
    link.append(run)
    linked._p.append(link)
    return _save(doc)


@pytest.mark.parametrize("first_page", [False, True], ids=["header", "first-page-header"])
def test_reading_parts_is_reading_the_docx(first_page):
    """The checker reads the same paragraphs from parts as python-docx does from the package:
    the header of the first page, numbered lists, merged cells, styles by name."""
    docx = _headed_document(first_page)
    parts = engine.render_parts(engine.compile_template(docx), {})
    from_docx = read(docx)
    assert read_parts(parts) == from_docx
    header = [p.text for p in from_docx.paragraphs if p.where == "header"]
    assert header == ["МБОУ «СОШ № 1»\tст. Обливская"]
    body = [p.text for p in from_docx.paragraphs if p.where == "body"]
    assert body == [p.text for p in Document(io.BytesIO(docx)).paragraphs]
    assert body[-2:] == ["Директор\nА.М. Кудаков\tподпись", "Сайт: school1.ru"]
    assert [p.style for p in from_docx.paragraphs if p.numbered] == ["List Number"] * 2
    assert parts_to_html(parts) == docx_to_html(docx)


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def test_reading_a_paragraph_is_reading_it_with_python_docx():
    """The checker reads each kind of run content as python-docx prints it (a tab as \\t, a
    line break as \\n, a page or column break as nothing, a non-breaking hyphen as «-»), from
    the plain tree the converter parsed, and refuses what python-docx refuses."""
    from lxml import etree

    xml = (
        f"<w:p {_W}><w:pPr><w:pStyle w:val='Title'/></w:pPr>"
        "<w:r><w:rPr><w:b/></w:rPr><w:t>Приказ</w:t><w:tab/><w:t xml:space='preserve'> № </w:t>"
        "<w:br/><w:t>12</w:t><w:br w:type='page'/><w:br w:type='column'/><w:cr/>"
        "<w:noBreakHyphen/><w:ptab w:relativeTo='margin' w:alignment='right' w:leader='none'/>"
        "<w:br w:type='textWrapping'/><w:t/><w:fldChar w:fldCharType='begin'/></w:r>"
        "<w:hyperlink><w:r><w:t>school1.ru</w:t></w:r></w:hyperlink></w:p>"
    )
    plain = _text(etree.fromstring(xml))
    assert plain == parse_xml(xml).text == "Приказ\t № \n12\n-\t\nschool1.ru"
    for broken in ("<w:pStyle/>", "<w:numPr><w:numId/></w:numPr>"):
        ppr = f"<w:pPr {_W}>{broken}</w:pPr>"
        parsed = parse_xml(ppr)
        with pytest.raises(InvalidXmlError) as theirs:
            assert parsed.numPr.numId.val if "numId" in broken else parsed.style
        with pytest.raises(InvalidXmlError) as ours:
            _style_and_numbering(etree.fromstring(ppr))
        assert str(ours.value) == str(theirs.value)


def test_service_preview_is_the_preview_of_the_saved_docx(db, today):
    """The page and the API preview (documents.service.preview) show what the DOCX of the
    same input shows: for documents without annexes (from parts) and for an order carrying
    an annex (merged as packages)."""
    demo.seed(db)
    user = next(u for u in users.list_users(db) if u["login"] == "director")
    order = catalog.get("approval-order").sample()
    order["documents"] = [{"kind": "regulation", "input": catalog.get("regulation").sample()}]
    for slug, payload in (
        ("consent", catalog.get("consent").sample()),
        ("curator-order", catalog.get("curator-order").sample()),
        ("approval-order", order),
    ):
        kind = catalog.get(slug)
        shown, findings = documents.preview(db, user, slug, payload, user["org_id"])
        docx = documents.render(db, kind, compose.validate(kind, payload), user["org_id"])
        assert shown == docx_to_html(docx, fragment=True)
        assert findings == checking.check(docx)
    assert "ПОЛОЖЕНИЕ" in lxml_html.fromstring(shown).text_content()
