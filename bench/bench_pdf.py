"""PDF: ms per page for text documents, the kinds' samples and a growing table, in one process.

Run from the project's root: PYTHONPATH=. .venv/bin/python bench/bench_pdf.py [--repeats N]
[--pages 2,5,10,15] [--auto-repeats N]
or, for every kind's sample (goal: every page <= 50 ms), beside another checkout's code (say
main's), each code in a process of its own kept warm, the two taking turns kind by kind:
PYTHONPATH=. .venv/bin/python bench/bench_pdf.py --every-kind [--baseline ../main] [--rounds N]
[--order catalog|reverse|shuffle]

Every document is converted with the tables laid out as the converter emits them (fixed, from the
template's column widths) and, beside it in the same process, with WeasyPrint's automatic table
layout (the converter's CSS before the change): the baseline. The growing table shows whether the
cost of a page stays the same as the table gets longer. Medians of the repeats, with min–max.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.shared import Cm, Mm, Pt
from pypdf import PdfReader

import docgen
from docgen.documents import compose
from docgen.kinds import catalog
from docgen.rendering import docx as engine
from docgen.rendering import html as converter
from docgen.rendering import pdf as pdfmaker

ITEM = (
    "Назначить наставником учителя математики Иванову Марию Петровну, закрепив за ней "
    "молодого специалиста Петрова Алексея Сергеевича, учителя информатики, на период "
    "с 01.09.2025 по 31.05.2026."
)
ROW = (
    "Разработка и утверждение индивидуального плана развития наставляемого",
    "Иванова Мария Петровна, учитель математики",
    "Петров Алексей Сергеевич, учитель информатики",
    "«учитель — учитель»",
    "сентябрь 2025 — май 2026",
)
TEXT_KINDS = ("consent", "regulation", "council-order")
TABLE_KINDS = ("pairs-order", "municipal-roadmap-order", "roadmap", "personal-programme")
FIXED = "table-layout: fixed; "


def _document() -> Document:
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
    return doc


def _save(doc: Document) -> bytes:
    signature = doc.add_paragraph("Директор\tН.В.\u00a0Чернова")
    signature.paragraph_format.first_line_indent = Cm(0)
    signature.paragraph_format.tab_stops.add_tab_stop(Mm(170), WD_TAB_ALIGNMENT.RIGHT)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def build_order(items: int) -> bytes:
    """A school order of text items with a small bordered table and the signature."""
    doc = _document()
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
    return _save(doc)


def build_table(rows: int) -> bytes:
    """An order whose annex is one table of `rows` rows under a header repeated on every page."""
    doc = _document()
    doc.add_paragraph("Утвердить план мероприятий (приложение).")
    header = ("№", "Мероприятие", "Наставник", "Наставляемый", "Форма", "Срок")
    table = doc.add_table(rows=rows + 1, cols=len(header))
    table.style = "Table Grid"
    table.autofit = False
    widths = (Mm(10), Mm(45), Mm(35), Mm(35), Mm(22), Mm(23))
    for col, width in enumerate(widths):
        table.columns[col].width = width
    head = table.rows[0]
    mark = OxmlElement("w:tblHeader")
    head._tr.get_or_add_trPr().append(mark)
    for row_index, row in enumerate(table.rows):
        values = header if row_index == 0 else (f"{row_index}.", *ROW)
        for col, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = widths[col]
            paragraph = cell.paragraphs[0]
            paragraph.text = value
            paragraph.paragraph_format.first_line_indent = Cm(0)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            for run in paragraph.runs:
                run.font.size = Pt(12)
                run.bold = row_index == 0
    return _save(doc)


def _sample(slug: str) -> bytes:
    kind = catalog.get(slug)
    context = compose.build_context(kind, compose.validate(kind, kind.sample()))
    return engine.render(engine.builtin_template(kind.template), context)


@contextlib.contextmanager
def _layout(fixed: bool):
    """The converter's CSS as it is (fixed tables) or without `table-layout: fixed` (automatic)."""
    css = converter._BASE_CSS
    assert FIXED in css, "the converter's table CSS changed; update the bench"
    if not fixed:
        converter._BASE_CSS = css.replace(FIXED, "")
    try:
        yield
    finally:
        converter._BASE_CSS = css


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def measure(docx: bytes, repeats: int, fixed: bool) -> tuple[int, list[float], list[float], str]:
    """Pages, wall and CPU ms per page of each repeat, the PDF's text."""
    with _layout(fixed):
        pdf = pdfmaker.docx_to_pdf(docx)  # warm-up: fonts, the parsed stylesheet
        pages = _pages(pdf)
        runs, cpu = [], []
        for _ in range(repeats):
            start, start_cpu = time.perf_counter(), time.process_time()
            pdfmaker.docx_to_pdf(docx)
            runs.append((time.perf_counter() - start) * 1000 / pages)
            cpu.append((time.process_time() - start_cpu) * 1000 / pages)
    return pages, runs, cpu, _text(pdf)


def _spread(runs: list[float]) -> str:
    return f"{statistics.median(runs):7.1f} ({min(runs):.0f}–{max(runs):.0f})"


def row(name: str, docx: bytes, repeats: int, auto: int) -> tuple[int, float, float]:
    """One line: fixed tables, then (if auto repeats) the automatic baseline and the ratio.

    Returns the pages and the median wall and CPU ms per page with fixed tables.
    """
    pages, fixed, cpus, text = measure(docx, repeats, fixed=True)
    cpu = statistics.median(cpus)
    line = f"{name:34} {pages:3d}  {_spread(fixed):>18} {cpu:6.1f}"
    if auto:
        auto_pages, automatic, _, auto_text = measure(docx, auto, fixed=False)
        ratio = statistics.median(automatic) / statistics.median(fixed)
        same = "same" if (auto_pages, auto_text) == (pages, text) else "DIFFERENT"
        line += f"  {_spread(automatic):>18}  {ratio:5.2f}x  {same}"
    print(f"{line}   {_load()}", flush=True)
    return pages, statistics.median(fixed), cpu


def kind_figures(slug: str, repeats: int) -> dict:
    """Pages, median wall and CPU ms per page of a kind's sample, each repeat's CPU ms per
    page, and its PDF text."""
    docx = _SAMPLES.get(slug) or _SAMPLES.setdefault(slug, _sample(slug))
    pages, runs, cpus, text = measure(docx, repeats, fixed=True)
    return {
        "pages": pages,
        "wall": statistics.median(runs),
        "cpu": statistics.median(cpus),
        "cpus": cpus,
        "text": text,
    }


_SAMPLES: dict[str, bytes] = {}  # a measuring process converts each sample many times


def _serve() -> None:
    """Measure kinds asked for on stdin (`slug repeats`), one JSON line each, until EOF."""
    for line in sys.stdin:
        slug, repeats = line.split()
        print(json.dumps(kind_figures(slug, int(repeats)), ensure_ascii=False), flush=True)


class _Measurer:
    """A process measuring kinds with the code under `root`, kept warm between kinds."""

    def __init__(self, root: Path) -> None:
        env = {**os.environ, "PYTHONPATH": str(root)}
        command = [sys.executable, __file__, "--serve"]
        self.process = subprocess.Popen(
            command, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )

    def figures(self, slug: str, repeats: int) -> dict:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(f"{slug} {repeats}\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait()


def _kinds(order: str) -> list[str]:
    slugs = [kind.slug for kind in catalog.KINDS]
    if order == "reverse":
        slugs.reverse()
    elif order == "shuffle":
        random.Random(15).shuffle(slugs)
    return slugs


def every_kind(repeats: int, baseline: Path | None, rounds: int, order: str) -> None:
    """Every kind's sample with this code and (if given) the baseline's.

    Each code runs in its own process, kept warm for the whole run; for each kind the two
    take turns for `rounds` rounds of `repeats` conversions, so that a change in the load
    of the machine hits both alike. CPU figures: median and minimum over all conversions.
    """
    this_root = Path(docgen.__file__).resolve().parent.parent
    measurers = {"this": _Measurer(this_root)}
    if baseline:
        measurers["baseline"] = _Measurer(baseline)
    header = f"{'kind':28} {'pp':>3} {'cpu ms/p':>9} {'min':>6}"
    if baseline:
        header += f"  {'baseline cpu':>12} {'min':>6}  ratio (median, min)  PDF text"
    print(header)
    worst: dict[str, tuple[float, str]] = {}
    totals = {name: [0.0, 0] for name in measurers}
    try:
        for slug in _kinds(order):
            cpus: dict[str, list[float]] = {name: [] for name in measurers}
            figures: dict[str, dict] = {}
            for turn in range(rounds):
                names = list(measurers) if turn % 2 == 0 else list(reversed(measurers))
                for name in names:
                    figures[name] = measurers[name].figures(slug, repeats)
                    cpus[name].extend(figures[name]["cpus"])
            this = figures["this"]
            medians = {name: statistics.median(values) for name, values in cpus.items()}
            line = f"{slug:28} {this['pages']:3d} {medians['this']:9.1f} {min(cpus['this']):6.1f}"
            if baseline:
                base = figures["baseline"]
                same = (base["pages"], base["text"]) == (this["pages"], this["text"])
                line += (
                    f"  {medians['baseline']:12.1f} {min(cpus['baseline']):6.1f}  "
                    f"{medians['baseline'] / medians['this']:6.2f}x "
                    f"{min(cpus['baseline']) / min(cpus['this']):6.2f}x      "
                    f"{'same' if same else 'DIFFERENT'}"
                )
            for name, median in medians.items():
                totals[name][0] += median * this["pages"]
                totals[name][1] += this["pages"]
                worst[name] = max(worst.get(name, (0.0, "")), (median, slug))
            print(f"{line}   {_load()}", flush=True)
    finally:
        for measurer in measurers.values():
            measurer.close()
    for name, (cpu, pages) in totals.items():
        print(
            f"{name}: {pages} pages, mean CPU {cpu / pages:.1f} ms/page, worst "
            f"{worst[name][0]:.1f} ({worst[name][1]}); goal: every kind <= 50   {_load()}"
        )


def main() -> None:
    if sys.argv[1:2] == ["--serve"]:
        _serve()
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pages", default="2,5,10,15", help="target pages of the growing table")
    parser.add_argument(
        "--auto-repeats",
        type=int,
        default=1,
        help="repeats of the automatic-layout baseline for the growing table (0: skip it)",
    )
    parser.add_argument("--every-kind", action="store_true", help="every kind's sample only")
    parser.add_argument("--baseline", type=Path, help="another checkout, with --every-kind")
    parser.add_argument(
        "--rounds", type=int, default=3, help="turns of this code and the baseline, per kind"
    )
    parser.add_argument(
        "--order",
        choices=("catalog", "reverse", "shuffle"),
        default="catalog",
        help="the order of the kinds (a cost that depends on the order is warm-up, not the kind)",
    )
    args = parser.parse_args()
    print(f"docgen from {os.path.dirname(docgen.__file__)}; {os.cpu_count()} CPUs; {_load()}")
    if args.every_kind:
        print(
            f"{args.rounds} rounds of {args.repeats} warm conversions per kind and code, "
            f"{args.order} order; CPU ms per page of the measuring process"
        )
        every_kind(args.repeats, args.baseline, args.rounds, args.order)
        return
    print(
        f"ms per page, median of {args.repeats} warm conversions (min–max) and the CPU ms of this "
        f"process; baseline: automatic table layout ({args.auto_repeats} for the growing table)"
    )
    print(
        f"{'document':34} {'pp':>3}  {'fixed tables':>18} {'cpu':>6}  {'automatic':>18}  ratio"
        "  PDF text"
    )
    row("order, 1 page of text", build_order(3), args.repeats, args.repeats)
    row("order, 3 pages of text", build_order(40), args.repeats, args.repeats)
    for slug in TEXT_KINDS + TABLE_KINDS:
        row(f"sample {slug}", _sample(slug), args.repeats, args.repeats)
    # About 8 rows of the table fill a page (the first and the last page hold fewer, so the
    # cost per row shows linearity better than the cost per page).
    per_row = []
    for target in (int(p) for p in args.pages.split(",")):
        rows = 8 * target - 4
        name = f"growing table, {rows} rows"
        pages, wall, cpu = row(name, build_table(rows), args.repeats, args.auto_repeats)
        per_row.append((rows, wall * pages / rows, cpu * pages / rows))
    print(
        "growing table, fixed, per table row: "
        + ", ".join(f"{rows} rows {wall:.1f} ms (cpu {cpu:.1f})" for rows, wall, cpu in per_row)
    )
    longest, shortest = per_row[-1], per_row[0]
    print(
        f"per row, longest / shortest: wall {longest[1] / shortest[1]:.2f}, "
        f"cpu {longest[2] / shortest[2]:.2f} (1.00 = linear)   {_load()}"
    )


if __name__ == "__main__":
    main()
