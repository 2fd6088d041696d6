"""DOCX rendering: docgen's engine beside plain docxtpl and a Jinja lower bound, in one process.

Run from the project's root: PYTHONPATH=. .venv/bin/python bench/bench_render.py [--rounds N]
[--repeats N] [--kinds a,b|all] (the header names the docgen it imported).

For each kind's sample (the same template, the same context) four ways of rendering take turns
in interleaved rounds, so a change in the machine's load hits all of them alike:
  docxtpl       DocxTemplate(bytes), render(context, our environment), save: what plain use costs;
  engine-before the compiled engine as it was: docxtpl's per-part post-processing on every render
                (a newline before each <w:p>, resolve_listing on every part);
  engine        docgen.rendering.docx.render(compiled, context);
  jinja-lb      the lower bound: docxtpl's patch_xml once, a plain (unsandboxed) Jinja template
                compiled once, per document one Jinja call and one append to the pre-zipped parts.
Each repeat prints medians and the ratios; the spread of the repeats is how much the figures move.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import statistics
import time
import zipfile

from docxtpl import DocxTemplate
from jinja2 import Environment

import docgen
from docgen import ru
from docgen.documents import compose
from docgen.kinds import catalog
from docgen.rendering import docx as engine
from docgen.rendering import html as preview

DEFAULT_KINDS = "curator-order,pairs-order,municipal-roadmap-order,consent,personal-programme"


def _docxtpl(template: bytes):
    def run(context: dict) -> bytes:
        tpl = DocxTemplate(io.BytesIO(template))
        tpl.render({**context, "n": engine.Counter()}, engine.environment())
        out = io.BytesIO()
        tpl.save(out)
        return out.getvalue()

    return run


def _pre_zipped(template: bytes, skip: set[str]) -> bytes:
    base = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template)) as package,
        zipfile.ZipFile(base, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for info in package.infolist():
            if info.filename not in skip:
                out.writestr(info, package.read(info))
    return base.getvalue()


def _append(base: bytes, parts: list[tuple[str, str]]) -> bytes:
    out = io.BytesIO(base)
    out.seek(0, io.SEEK_END)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
        for name, xml in parts:
            package.writestr(name, xml.encode("utf-8"))
    return out.getvalue()


def _templated_sources(template: bytes) -> list[tuple[str, str]]:
    """The parts the engine templates, as docxtpl's patch_xml leaves them."""
    patcher = DocxTemplate(io.BytesIO(template))
    names = [info.filename for info, _ in engine.compile_template(template).parts]
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        return [(name, patcher.patch_xml(package.read(name).decode("utf-8"))) for name in names]


def _engine_before(template: bytes):
    """The engine before this change: docxtpl's post-processing in full on every part."""
    env = engine.environment()
    sources = _templated_sources(template)
    base = _pre_zipped(template, {name for name, _ in sources})
    compiled = [
        (name, env.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", source)))
        for name, source in sources
    ]

    def run(context: dict) -> bytes:
        context = {**context, "n": engine.Counter()}
        parts = []
        for name, tpl in compiled:
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", tpl.render(context))
            xml = xml.replace("{_{", "{{").replace("}_}", "}}")
            xml = xml.replace("{_%", "{%").replace("%_}", "%}")
            parts.append((name, DocxTemplate.resolve_listing(None, xml)))
        return _append(base, parts)

    return run


def _engine(template: bytes):
    compiled = engine.compile_template(template)
    return lambda context: engine.render(compiled, context)


def _jinja_lb(template: bytes):
    env = Environment(autoescape=True, keep_trailing_newline=True)
    env.filters.update(ru.FILTERS)
    sources = _templated_sources(template)
    base = _pre_zipped(template, {name for name, _ in sources})
    compiled = [(name, env.from_string(source)) for name, source in sources]

    def run(context: dict) -> bytes:
        context = {**context, "n": engine.Counter()}
        return _append(base, [(name, tpl.render(context)) for name, tpl in compiled])

    return run


WAYS = {
    "docxtpl": _docxtpl,
    "engine-before": _engine_before,
    "engine": _engine,
    "jinja-lb": _jinja_lb,
}


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def bench_kind(slug: str, rounds: int, per_round: int, repeats: int) -> None:
    kind = catalog.get(slug)
    context = compose.build_context(kind, compose.validate(kind, kind.sample()))
    template = engine.builtin_template(kind.template)
    ways = {name: make(template) for name, make in WAYS.items()}
    texts = {name: preview.docx_text(run(context)) for name, run in ways.items()}
    same = all(text == texts["docxtpl"] for text in texts.values())
    print(f"\n{slug} ({kind.template}); same text from every way: {same}; {_load()}")
    print(f"  {'repeat':>6} " + " ".join(f"{name:>14}" for name in ways) + "   ratios")
    for run in ways.values():  # warm-up: imports, caches, the morphology
        for _ in range(3):
            run(context)
    for repeat in range(1, repeats + 1):
        times: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(rounds):
            for name, run in ways.items():
                for _ in range(per_round if name != "docxtpl" else 1):
                    start = time.perf_counter()
                    run(context)
                    times[name].append(time.perf_counter() - start)
        ms = {name: statistics.median(values) * 1000 for name, values in times.items()}
        cells = " ".join(f"{ms[name]:11.2f} ms" for name in ways)
        print(
            f"  {repeat:>6} {cells}   docxtpl/engine {ms['docxtpl'] / ms['engine']:5.1f}x"
            f"  before/engine {ms['engine-before'] / ms['engine']:4.2f}x"
            f"  engine/jinja-lb {ms['engine'] / ms['jinja-lb']:4.2f}x  ({_load()})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--per-round", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--kinds", default=DEFAULT_KINDS, help="comma-separated slugs, or all")
    args = parser.parse_args()
    slugs = [k.slug for k in catalog.KINDS] if args.kinds == "all" else args.kinds.split(",")
    print(f"docgen from {os.path.dirname(docgen.__file__)}")
    print(
        f"{os.cpu_count()} CPUs; median ms of one render, docxtpl 1 per round, others "
        f"{args.per_round}; {args.rounds} rounds a repeat; {_load()}"
    )
    for slug in slugs:
        bench_kind(slug, args.rounds, args.per_round, args.repeats)


if __name__ == "__main__":
    main()
