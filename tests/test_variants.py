"""Template variants: only safe, fitting templates are stored, and documents then use them."""

from __future__ import annotations

import io
import sqlite3
import zipfile

import pytest
from docx import Document
from registry_factory import department, school

from docgen.documents import archive, compose, variants
from docgen.documents import service as documents
from docgen.errors import FieldErrors, NotFound
from docgen.kinds import catalog
from docgen.rendering import docx as render
from docgen.rendering import hostile, sandbox
from docgen.rendering import html as preview

KIND = "curator-order"


def builtin() -> bytes:
    return render.builtin_template(catalog.get(KIND).template)


def with_paragraph(text: str, source: bytes | None = None) -> bytes:
    doc = Document(io.BytesIO(source or builtin()))
    first = doc.paragraphs[0]
    first.insert_paragraph_before(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.fixture
def org(db) -> int:
    return school(db, department(db))


def test_a_valid_variant_is_stored_and_used_by_documents(db, org):
    content = with_paragraph("Бланк школы: ст. Обливская, ул. Ленина, 12")
    stored = variants.check_and_store(db, org, KIND, content, None, "мой бланк.docx")
    assert stored["active"] == 1 and stored["filename"] == "мой бланк.docx"
    kind = catalog.get(KIND)
    docx = documents.render(db, kind, compose.validate(kind, kind.sample()), org)
    text = preview.docx_text(docx)
    assert "Бланк школы: ст. Обливская, ул. Ленина, 12" in text
    assert "Чернов" in text  # the curator from the sample is still filled in
    # The built-in template is untouched.
    assert (
        render.builtin_template(kind.template) == (render.TEMPLATE_DIR / kind.template).read_bytes()
    )
    assert "Бланк школы" not in preview.docx_text(
        compose.render_docx(
            kind, compose.build_context(kind, compose.validate(kind, kind.sample()))
        )
    )
    variants.deactivate(db, org, stored["id"])
    docx = documents.render(db, kind, compose.validate(kind, kind.sample()), org)
    assert "Бланк школы" not in preview.docx_text(docx)
    assert [v["active"] for v in variants.list_variants(db, org, KIND)] == [0]


def test_a_new_variant_replaces_the_active_one(db, org):
    first = variants.check_and_store(db, org, KIND, with_paragraph("Бланк 1"), None, "1.docx")
    second = variants.check_and_store(db, org, KIND, with_paragraph("Бланк 2"), None, "2.docx")
    listed = {v["id"]: v["active"] for v in variants.list_variants(db, org)}
    assert listed == {first["id"]: 0, second["id"]: 1}
    variants.activate(db, org, first["id"])
    assert {v["id"]: v["active"] for v in variants.list_variants(db, org)} == {
        first["id"]: 1,
        second["id"]: 0,
    }


@pytest.mark.parametrize(
    "tag",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ org.__class__.__init__.__globals__ }}",
        "{{ cycler.__init__.__globals__ }}",
    ],
)
def test_sandbox_escapes_are_refused(db, org, tag):
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, with_paragraph(tag), None, "x.docx")
    assert "недоступным данным" in err.value.message
    assert variants.list_variants(db, org) == []


def test_unknown_variables_are_reported_by_name(db, org):
    content = with_paragraph("{{ school_motto }} {{ org.name }} {{ director_phone }}")
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, content, None, "x.docx")
    assert err.value.message == (
        "Шаблон использует переменные «director_phone», «school_motto», которых нет в документе "
        "«Приказ о назначении куратора внедрения целевой модели наставничества»."
    )


def test_broken_tags_are_refused(db, org):
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, with_paragraph("{% if %}"), None, "x.docx")
    assert "Ошибка в тегах шаблона" in err.value.message


def _repack(source: bytes, replace: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(source)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in replace.items():
            if name not in zin.namelist():
                zout.writestr(name, data)
    return out.getvalue()


def test_zip_bomb_dtd_and_non_docx_are_refused(db, org):
    bomb = _repack(builtin(), {"word/media/pad.bin": b"\0" * 40_000_000})
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, bomb, None, "x.docx")
    assert "распакованном виде больше 30 МБ" in err.value.message
    ratio = _repack(builtin(), {"word/media/pad.bin": b"\0" * 5_000_000})
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, ratio, None, "x.docx")
    assert "zip-бомб" in err.value.message
    with zipfile.ZipFile(io.BytesIO(builtin())) as zf:
        document_xml = zf.read("word/document.xml")
    entity = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    xxe = _repack(builtin(), {"word/document.xml": entity + document_xml.split(b"?>", 1)[1]})
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, xxe, None, "x.docx")
    assert "DTD" in err.value.message
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, b"%PDF-1.7 not a docx", None, "x.docx")
    assert "не является документом DOCX" in err.value.message
    with pytest.raises(FieldErrors):
        variants.check_and_store(db, org, KIND, builtin(), None, "x.pdf")
    assert variants.list_variants(db, org) == []


def _utf16(xml: bytes, encoding: str, bom: bool) -> bytes:
    """An XML part re-encoded as UTF-16, its declaration saying so."""
    text = xml.decode("utf-8").split("?>", 1)[1]
    declared = '<?xml version="1.0" encoding="UTF-16" standalone="yes"?>' + text
    marks = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}
    return (marks[encoding] if bom else b"") + declared.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_a_dtd_in_a_utf16_part_is_refused(db, org, encoding, bom):
    with zipfile.ZipFile(io.BytesIO(builtin())) as zf:
        styles = zf.read("word/styles.xml")
    doctype = b'<!DOCTYPE w:styles SYSTEM "file:///etc/passwd">'
    head, body = styles.split(b"?>", 1)
    hostile = _repack(
        builtin(), {"word/styles.xml": _utf16(head + b"?>" + doctype + body, encoding, bom)}
    )
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, hostile, None, "x.docx")
    assert "DTD" in err.value.message and "word/styles.xml" in err.value.message
    assert err.value.fields["file"]
    assert variants.list_variants(db, org) == []


def test_a_utf16_part_without_a_dtd_is_accepted(db, org):
    with zipfile.ZipFile(io.BytesIO(builtin())) as zf:
        styles = zf.read("word/styles.xml")
    plain = _repack(builtin(), {"word/styles.xml": _utf16(styles, "utf-16-le", True)})
    stored = variants.check_and_store(db, org, KIND, plain, None, "x.docx")
    assert stored["active"] == 1


def test_a_malformed_xml_part_is_refused_as_broken(db, org):
    broken = _repack(builtin(), {"word/styles.xml": b"<w:styles><unclosed>"})
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, broken, None, "x.docx")
    assert "Файл повреждён" in err.value.message and "word/styles.xml" in err.value.message


@pytest.fixture
def tight():
    """Small sandbox limits for one test, the defaults again after it."""
    before = sandbox.limits()
    sandbox.configure(sandbox.Limits(seconds=1, output_mb=1, processes=1, waiting=1))
    yield sandbox.limits()
    sandbox.configure(before)


@pytest.mark.parametrize(
    "tag",
    [
        "{% for i in range(10**9) %}x{% endfor %}",
        "{% for i in range(1000) %}{% for j in range(1000) %}x{% endfor %}{% endfor %}",
        "{{ range(-5, 10**12) | list }}",
        "{{ 'ab ' * 7*10**5 }}",
        "{{ 9 ** 9 ** 9 }}",
    ],
)
def test_obviously_hostile_tags_are_refused_without_running_them(db, org, tag):
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, with_paragraph(tag), None, "x.docx")
    assert "слишком" in err.value.message
    assert variants.list_variants(db, org) == []


def test_a_loop_that_runs_past_the_time_limit_is_refused(db, org, tight):
    # Not a literal: only the time limit can stop it.
    tag = (
        "{% set n = (org.full_name|length) * 400 %}"
        "{% for i in range(n) %}{% for j in range(n) %}{% endfor %}{% endfor %}"
    )
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, with_paragraph(tag), None, "x.docx")
    assert err.value.message == "Шаблон заполняется дольше 1 с — проверьте циклы."
    assert variants.list_variants(db, org) == []
    # The killed worker is replaced: the next variant is checked as usual.
    stored = variants.check_and_store(db, org, KIND, with_paragraph("Бланк"), None, "x.docx")
    assert stored["active"] == 1


def test_a_variant_that_makes_a_huge_document_is_refused(db, org, tight):
    sandbox.configure(sandbox.Limits(seconds=60, output_mb=1))
    tag = "{% for i in range(400) %}{{ org.full_name * 50 }}{% endfor %}"
    with pytest.raises(FieldErrors) as err:
        variants.check_and_store(db, org, KIND, with_paragraph(tag), None, "x.docx")
    assert err.value.message == "Шаблон даёт слишком большой документ (больше 1 МБ)."


def test_every_document_of_a_variant_renders_within_the_limits(db, org, tight):
    # A variant accepted under looser limits (or before they existed) still cannot hang a render.
    content = with_paragraph(
        "{% set n = (org.full_name|length) * 400 %}"
        "{% for i in range(n) %}{% for j in range(n) %}{% endfor %}{% endfor %}"
    )
    sha = archive.put_file(db, content, archive.DOCX_MIME)
    db["template_variants"].insert(
        {"org_id": org, "kind": KIND, "file_sha256": sha, "filename": "old.docx",
         "uploaded_at": "2025-01-01T00:00:00", "active": 1}
    )  # fmt: skip
    kind = catalog.get(KIND)
    with pytest.raises(render.TemplateInvalid) as err:
        documents.render(db, kind, compose.validate(kind, kind.sample()), org)
    assert err.value.message == "Шаблон заполняется дольше 1 с — проверьте циклы."


def test_the_built_in_templates_pass_the_hostile_check():
    for kind in catalog.KINDS:
        assert hostile.find(render.builtin_template(kind.template)) is None, kind.slug


def test_deleting_a_variant_removes_its_file_and_keeps_documents(db, org):
    kind = catalog.get(KIND)
    content = with_paragraph("Бланк для удаления")
    stored = variants.check_and_store(db, org, KIND, content, None, "бланк.docx")
    docx = documents.render(db, kind, compose.validate(kind, kind.sample()), org)
    doc = archive.create_document(
        db, org_id=org, kind=KIND, title="Приказ", user_id=None, input=kind.sample(), docx=docx
    )
    variants.delete(db, org, stored["id"])
    assert variants.list_variants(db, org) == []
    sha = archive.sha256_hex(content)
    assert db.execute("SELECT count(*) FROM files WHERE sha256 = ?", [sha]).fetchone()[0] == 0
    # The document keeps its own bytes, and new documents use the built-in template again.
    version = archive.get_version(db, doc["id"])
    assert "Бланк для удаления" in preview.docx_text(archive.get_file(db, version["docx_sha256"]))
    again = documents.render(db, kind, compose.validate(kind, kind.sample()), org)
    assert "Бланк для удаления" not in preview.docx_text(again)
    with pytest.raises(NotFound):
        variants.delete(db, org, stored["id"])


def test_a_file_something_refers_to_cannot_be_deleted(db, org):
    content = with_paragraph("Общий бланк")
    first = variants.check_and_store(db, org, KIND, content, None, "1.docx")
    variants.check_and_store(db, org, KIND, content, None, "2.docx")
    variants.delete(db, org, first["id"])
    sha = archive.sha256_hex(content)
    assert db.execute("SELECT count(*) FROM files WHERE sha256 = ?", [sha]).fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError, match="удалять нельзя"):
        db.execute("DELETE FROM files WHERE sha256 = ?", [sha])


def test_the_compile_cache_is_capped_by_size_and_keeps_the_built_ins():
    builtins = {
        kind.slug: render.compile_template(render.builtin_template(kind.template))
        for kind in catalog.KINDS
    }
    render.set_cache_limit(2 * 1024 * 1024)
    try:
        for n in range(40):
            render.compile_template(with_paragraph(f"Бланк № {n} " + "поля " * 2000))
            assert render.cache_weight() <= 2 * 1024 * 1024
        for kind in catalog.KINDS:
            compiled = render.compile_template(render.builtin_template(kind.template))
            assert compiled is builtins[kind.slug], kind.slug
    finally:
        render.set_cache_limit(sandbox.limits().cache_mb * 1024 * 1024)
