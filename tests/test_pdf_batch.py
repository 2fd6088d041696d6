"""Several documents printed as one PDF (bulk): the same pages as each printed on its own,
and PDF files concatenated into one."""

from __future__ import annotations

import copy
import io
import subprocess
from pathlib import Path

import pdfplumber
from pdftext import pdf_text
from pypdf import PdfReader

from docgen.documents import compose
from docgen.kinds import catalog
from docgen.rendering import html as preview
from docgen.rendering.pdf import concatenate, docx_to_pdf, docxs_to_pdf


def _docx(slug: str, surname: str | None = None) -> bytes:
    kind = catalog.get(slug)
    data = copy.deepcopy(kind.sample())
    if surname is not None:
        data["subject"]["surname"] = surname
    return compose.render_docx(kind, compose.build_context(kind, compose.validate(kind, data)))


def _pngs(pdf: bytes, folder: Path) -> list[bytes]:
    folder.mkdir()
    (folder / "doc.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-png", "doc.pdf", "page"], cwd=folder, check=True)
    return [path.read_bytes() for path in sorted(folder.glob("page*.png"))]


def _tops(pdf: bytes) -> list[str]:
    """What each page shows in its top margin (the page number)."""
    with pdfplumber.open(io.BytesIO(pdf)) as opened:
        return [
            (page.crop((0, 0, page.width, 56)).extract_text() or "").strip()
            for page in opened.pages
        ]


def test_documents_of_one_kind_print_as_each_alone(tmp_path):
    docxs = [_docx("consent", name) for name in ("Савченко", "Кузнецова-Водкина", "Ли")]
    combined = docxs_to_pdf(docxs)
    alone = [docx_to_pdf(docx) for docx in docxs]
    expected = [png for n, pdf in enumerate(alone) for png in _pngs(pdf, tmp_path / f"a{n}")]
    assert _pngs(combined, tmp_path / "combined") == expected
    tops = [top for pdf in alone for top in _tops(pdf)]
    assert _tops(combined) == tops and tops[0] == "" and tops[1] == "2"
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(combined)).pages]
    expected = [page.extract_text() for pdf in alone for page in PdfReader(io.BytesIO(pdf)).pages]
    assert pages == expected
    assert "Кузнецова-Водкина" in preview.normalize_text(pdf_text(combined))


def test_documents_of_different_kinds_still_number_their_own_pages():
    docxs = [_docx("consent"), _docx("regulation"), _docx("consent")]
    combined = docxs_to_pdf(docxs)
    expected = [top for docx in docxs for top in _tops(docx_to_pdf(docx))]
    assert _tops(combined) == expected
    assert expected.count("") == 3


def test_concatenated_pdf_has_every_page_in_order(tmp_path):
    parts = []
    for n, docxs in enumerate(([_docx("consent", "Савченко")], [_docx("regulation")])):
        path = tmp_path / f"part{n}.pdf"
        path.write_bytes(docxs_to_pdf(docxs))
        parts.append(path)
    target = tmp_path / "all.pdf"
    pages = concatenate(parts, target)
    read = [PdfReader(path) for path in parts]
    merged = PdfReader(target, strict=True)
    assert pages == len(merged.pages) == sum(len(reader.pages) for reader in read)
    expected = [page.extract_text() for reader in read for page in reader.pages]
    assert [page.extract_text() for page in merged.pages] == expected
    assert "Савченко" in pdf_text(target.read_bytes())
    assert merged.trailer["/Root"]["/Lang"] == "ru"
