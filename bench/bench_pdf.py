"""Time docgen.preview on a one-page and a three-page order (warm, after one warm-up).

Run: .venv/bin/python bench/bench_pdf.py [N]
"""

from __future__ import annotations

import io
import statistics
import sys
import time

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.shared import Cm, Mm, Pt
from pypdf import PdfReader

from docgen.rendering.html import docx_to_html
from docgen.rendering.pdf import docx_to_pdf

ITEM = (
    "Назначить наставником учителя математики Иванову Марию Петровну, закрепив за ней "
    "молодого специалиста Петрова Алексея Сергеевича, учителя информатики, на период "
    "с 01.09.2025 по 31.05.2026."
)


def build_order(items: int) -> bytes:
    """A school order: grif-less heading, text items, a bordered table, the signature."""
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
    for text in ("ПРИКАЗ", "О закреплении наставнических пар"):
        title = doc.add_paragraph(text)
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.first_line_indent = Cm(0)
        title.runs[0].bold = True
    doc.add_paragraph("В соответствии с Положением о системе наставничества ПРИКАЗЫВАЮ:")
    for number in range(1, items + 1):
        doc.add_paragraph(f"{number}. {ITEM}")
    table = doc.add_table(rows=4, cols=3)
    table.style = "Table Grid"
    for row, values in enumerate(
        [("№", "Наставник", "Наставляемый")]
        + [(str(n), "Иванова М.П.", "Петров А.С.") for n in range(1, 4)]
    ):
        for col, value in enumerate(values):
            table.cell(row, col).text = value
    signature = doc.add_paragraph("Директор\tН.В.\u00a0Чернова")
    signature.paragraph_format.first_line_indent = Cm(0)
    signature.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _times(func, docx: bytes, runs: int) -> tuple[float, float]:
    """Median and best wall time in ms; the median resists other load on the machine."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func(docx)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times)


def bench(name: str, docx: bytes, runs: int) -> None:
    pdf = docx_to_pdf(docx)  # warm-up: imports, fonts, caches
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    html_med, _ = _times(docx_to_html, docx, runs)
    pdf_med, pdf_min = _times(docx_to_pdf, docx, runs)
    print(
        f"{name}: {pages} page(s); HTML {html_med:.1f} ms/doc; PDF median {pdf_med:.1f} ms/doc "
        f"= {pdf_med / pages:.1f} ms/page (best {pdf_min:.1f} ms/doc)"
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    bench("one-page order", build_order(3), runs)
    bench("three-page order", build_order(40), runs)


if __name__ == "__main__":
    main()
