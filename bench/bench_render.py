"""DOCX rendering: plain docxtpl (load, render, save each time) against docgen's engine.

Run: .venv/bin/python bench/bench_render.py [N]. Prints ms per document and the ratio, measured
in one process on the same one-page order template with the same context.
"""

from __future__ import annotations

import io
import statistics
import sys
import time

from docxtpl import DocxTemplate
from pypdf import PdfReader

from docgen.documents import compose
from docgen.kinds import catalog
from docgen.rendering import docx as render
from docgen.rendering import html as preview
from docgen.rendering.pdf import docx_to_pdf, html_to_pdf


def _plain(template: bytes, context: dict) -> bytes:
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render({**context, "n": render.Counter()}, render.environment())
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _ours(template: bytes, context: dict) -> bytes:
    return render.render(template, context)


def _timed(fn, template: bytes, context: dict, n: int) -> float:
    fn(template, context)  # warm-up: imports, caches
    runs = []
    for _ in range(n):
        start = time.perf_counter()
        fn(template, context)
        runs.append(time.perf_counter() - start)
    return statistics.median(runs) * 1000


def main(n: int = 200) -> None:
    kind = catalog.get("curator-order")
    context = compose.build_context(kind, compose.validate(kind, kind.sample()))
    template = render.builtin_template(kind.template)
    same = preview.docx_text(_plain(template, context)) == preview.docx_text(
        _ours(template, context)
    )
    plain = _timed(_plain, template, context, n)
    ours = _timed(_ours, template, context, n)
    print(f"template: {kind.template}, {n} renders each, median")
    print(f"plain docxtpl : {plain:7.2f} ms/document")
    print(f"docgen engine : {ours:7.2f} ms/document")
    print(f"ratio         : {plain / ours:7.1f}x   (target >= 10x; same text: {same})")
    docx = _ours(template, context)
    html = preview.docx_to_html(docx)
    html_to_pdf(html)
    runs = []
    for _ in range(max(5, n // 20)):
        start = time.perf_counter()
        pdf = docx_to_pdf(docx)
        runs.append(time.perf_counter() - start)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    pdf_ms = statistics.median(runs) * 1000
    print(
        f"PDF (warm)    : {pdf_ms:7.1f} ms/document, {pdf_ms / pages:.1f} ms/page ({pages} pages)"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
