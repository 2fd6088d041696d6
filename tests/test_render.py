"""The rendering engine: same text as plain docxtpl, values escaped, tags sandboxed."""

from __future__ import annotations

import copy
import io
import zipfile

import pytest
from docx import Document
from docxtpl import DocxTemplate
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from docgen.documents import compose
from docgen.kinds import catalog
from docgen.rendering import docx as render
from docgen.rendering import html as preview


def _template(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _plain_docxtpl(template: bytes, context: dict) -> bytes:
    env = ImmutableSandboxedEnvironment(autoescape=True)
    env.filters.update(render.FILTERS)
    tpl = DocxTemplate(io.BytesIO(template))
    tpl.render({**context, "n": render.Counter()}, env)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def test_engine_gives_the_same_text_as_plain_docxtpl_on_a_real_order():
    kind = catalog.get("curator-order")
    values = compose.build_context(kind, compose.validate(kind, kind.sample()))
    template = render.builtin_template(kind.template)
    ours = preview.docx_text(render.render(template, values))
    values = compose.build_context(kind, compose.validate(kind, kind.sample()))
    plain = preview.docx_text(_plain_docxtpl(template, values))
    assert ours == plain
    assert "Назначить Чернову Наталью Викторовну" in ours


def test_rendering_twice_gives_identical_bytes():
    template = _template("Приказ № {{ number }}", "{% for p in people %}{{ p }}; {% endfor %}")
    context = {"number": "12-од", "people": ["Чернова Н.В.", "Петрова Е.С."]}
    assert render.render(template, context) == render.render(template, context)


def test_values_are_escaped_for_xml_and_never_run_as_tags():
    template = _template("Тема: {{ topic }}")
    topic = "{{ 7*7 }} {% if 1 %}x{% endif %} <w:p> A & B \"q\" 'a'"
    docx = render.render(template, {"topic": topic})
    # Printed literally, but for the typed quotes, which print as «…» (docgen.typography).
    printed = topic.replace('"q"', "«q»")
    assert Document(io.BytesIO(docx)).paragraphs[0].text == f"Тема: {printed}"


def test_newlines_in_values_become_line_breaks_as_in_docxtpl():
    template = _template("{{ text }}")
    docx = render.render(template, {"text": "первая\nвторая"})
    assert "<w:br/>" in preview.docx_to_html(docx) or "первая" in preview.docx_text(docx)
    assert preview.docx_text(docx).replace("\n", " ").split() == ["первая", "вторая"]


@pytest.mark.parametrize(
    "tag",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{{ self.__init__.__globals__ }}",
        "{{ lipsum.__globals__['os'].popen('id').read() }}",
        "{{ people.append(1) }}",
    ],
)
def test_a_template_cannot_reach_python_internals(tag):
    template = _template("Внимание: " + tag)
    with pytest.raises(render.TemplateInvalid):
        render.render(template, {"people": []})


def test_a_template_cannot_switch_escaping_off():
    template = _template("{{ value|safe }}")
    with pytest.raises(render.TemplateInvalid):
        render.render(template, {"value": "<w:p>"})


def test_broken_tags_are_reported_in_russian():
    with pytest.raises(render.TemplateInvalid, match="Ошибка в тегах шаблона"):
        render.compile_template(_template("{% for x in %}"))


def test_not_a_docx_is_refused():
    with pytest.raises(render.TemplateInvalid, match="не является документом DOCX"):
        render.compile_template(b"plain text")


def test_compiled_template_lists_its_variables():
    compiled = render.compile_template(_template("{{ org.name }} {{ doc.number_text }}"))
    assert compiled.variables == {"org", "doc"}


def _docxtpl_parts(template: bytes, context: dict) -> dict[str, bytes]:
    """Every part as docxtpl's own per-part pipeline gives it, with the engine's environment.

    render_xml_part is docxtpl's step for one part (newlines before paragraphs, Jinja, the
    escapes, resolve_listing on every part), so the engine's shortcuts are checked byte for byte.
    """
    patcher = DocxTemplate(io.BytesIO(template))
    compiled = render.compile_template(template)
    context = {**context, "n": render.Counter()}
    parts = {}
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        for info in package.infolist():
            content = package.read(info)
            if info.filename in {part.filename for part, _ in compiled.parts}:
                source = patcher.patch_xml(content.decode("utf-8"))
                xml = patcher.render_xml_part(source, None, context, render.environment())
                if compiled.fix_tables:
                    xml = etree.tostring(DocxTemplate.fix_tables(None, xml), encoding="unicode")
                content = xml.encode("utf-8")
            parts[info.filename] = content
    return parts


def _parts(docx: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        return {info.filename: package.read(info) for info in package.infolist()}


@pytest.mark.parametrize("kind", catalog.KINDS, ids=lambda kind: kind.slug)
def test_every_sample_renders_to_the_same_bytes_as_docxtpl_part_by_part(kind):
    values = compose.build_context(kind, compose.validate(kind, kind.sample()))
    template = render.builtin_template(kind.template)
    ours = _parts(render.render(template, values))
    reference = _docxtpl_parts(template, values)
    assert sorted(ours) == sorted(reference)
    for name, content in reference.items():
        assert ours[name] == content, name
    assert b"w:document" in ours["word/document.xml"]


def test_tabs_newlines_and_page_marks_in_values_give_docxtpls_bytes():
    template = _template(
        "Пункт {{ text }}",
        "{%p if flag %}",
        "Условный абзац {{- ' ' -}} {{ text }}",
        "{%p endif %}",
        "{% for p in people -%} {{ p }}\t{%- endfor %}",
    )
    context = {
        "text": "первая\nвторая\tтабуляция\aновый абзац\fновая страница",
        "flag": True,
        "people": ["Чернова Н.В.", "Петрова Е.С."],
    }
    ours = _parts(render.render(template, context))
    assert ours == _docxtpl_parts(template, context)
    assert b"<w:br/>" in ours["word/document.xml"]
    assert b'<w:br w:type="page"/>' in ours["word/document.xml"]


def _appended_by_zipfile(parts: render.Parts) -> bytes:
    """The package as zipfile's append mode writes it (the engine's way before its own packer),
    from copies of the template's entries (writestr changes the ZipInfo it is given)."""
    out = io.BytesIO(parts.compiled.base_zip)
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as package:
        for info, _ in parts.compiled.parts:
            package.writestr(copy.copy(info), parts.rendered[info.filename].encode("utf-8"))
    return out.getvalue()


@pytest.mark.parametrize("kind", catalog.KINDS, ids=lambda kind: kind.slug)
def test_every_sample_packs_to_the_bytes_zipfile_appends(kind):
    values = compose.build_context(kind, compose.validate(kind, kind.sample()))
    parts = render.render_parts(render.builtin_template(kind.template), values)
    docx = parts.docx()
    assert docx == _appended_by_zipfile(parts)
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        assert package.testzip() is None
    assert preview.docx_text(docx) == preview.docx_text(render.render(parts.compiled, values))


def test_a_template_with_stored_parts_and_a_comment_packs_as_zipfile_appends():
    source = _template("Приказ № {{ number }}", "Наставник: {{ mentor }}")
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as package,
        zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as stored,
    ):
        for info in package.infolist():
            stored.writestr(info.filename, package.read(info))
        stored.writestr("customXml/данные.xml", "<x/>")
        stored.comment = "шаблон школы".encode()
    parts = render.render_parts(out.getvalue(), {"number": "12-од", "mentor": "Чернова Н.В."})
    docx = parts.docx()
    assert docx == _appended_by_zipfile(parts)
    assert "Приказ № 12-од" in preview.docx_text(docx)
    assert "Наставник: Чернова Н.В." in preview.docx_text(docx)


def test_packing_leaves_the_templates_entries_as_they_were():
    kind = catalog.get("consent")
    values = compose.build_context(kind, compose.validate(kind, kind.sample()))
    compiled = render.compile_template(render.builtin_template(kind.template))
    before = [(info.CRC, info.file_size, info.header_offset) for info, _ in compiled.parts]
    render.render(compiled, values)
    assert [(info.CRC, info.file_size, info.header_offset) for info, _ in compiled.parts] == before
