"""Template variants: only safe, fitting templates are stored, and documents then use them."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from registry_factory import department, school

from docgen.documents import compose, variants
from docgen.documents import service as documents
from docgen.errors import FieldErrors
from docgen.kinds import catalog
from docgen.rendering import docx as render
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
