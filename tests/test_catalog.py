"""Every kind of the catalog: its sample validates, its template asks only for what the kind
provides, and it renders to DOCX, HTML and PDF with the same text."""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pdftext
import pytest
from docx import Document
from marshmallow import fields, validate

from docgen.documents import compose
from docgen.forms import json_schema
from docgen.kinds import catalog
from docgen.rendering import docx as render
from docgen.rendering import html as preview
from docgen.rendering.context import Requisites
from docgen.rendering.pdf import docx_to_pdf
from docgen.typography import quotes

KINDS = [pytest.param(kind, id=kind.slug) for kind in catalog.KINDS]
INJECTIONS = ("{{ 7*7 }}", "{% for x in y %}", "<w:p>", "A & B", "\"кавычки\" и 'апостроф'")


def rendered(kind: catalog.Kind, data: dict[str, Any] | None = None, **kwargs: Any) -> bytes:
    data = compose.validate(kind, kind.sample() if data is None else data)
    return compose.render_docx(kind, compose.build_context(kind, data, **kwargs))


@pytest.mark.parametrize("kind", KINDS)
def test_sample_validates(kind):
    data = compose.validate(kind, kind.sample())
    assert data


@pytest.mark.parametrize("kind", KINDS)
def test_template_uses_only_variables_the_kind_provides(kind):
    compiled = render.compile_template(render.builtin_template(kind.template))
    assert compiled.variables, "a template without variables fills in nothing"
    assert compiled.variables <= kind.variables, compiled.variables - kind.variables


@pytest.mark.parametrize("kind", KINDS)
def test_json_schema_lists_every_field_with_a_russian_title(kind):
    schema = json_schema(kind.schema)
    assert set(schema["properties"]) == set(kind.schema().fields)
    for name, prop in schema["properties"].items():
        assert re.search("[А-Яа-яЁё]", prop.get("title", "")), f"{name} has no Russian title"


@dataclass(frozen=True)
class Rendered:
    """One kind's sample in every format a user gets: the DOCX, the preview page, the PDF."""

    docx: bytes
    html: str
    pdf: bytes


@pytest.fixture(scope="session")
def renders() -> Callable[[catalog.Kind], Rendered]:
    """Each kind's sample rendered once per session, PDF included (the slow part)."""
    cache: dict[str, Rendered] = {}

    def get(kind: catalog.Kind) -> Rendered:
        if kind.slug not in cache:
            docx = rendered(kind)
            cache[kind.slug] = Rendered(docx, preview.docx_to_html(docx), docx_to_pdf(docx))
        return cache[kind.slug]

    return get


@pytest.mark.parametrize("kind", KINDS)
def test_docx_html_and_pdf_carry_the_same_text(kind, renders):
    # Each text is read by its own library, not by the converter under test: text the
    # converter drops or invents shows up as a difference.
    made = renders(kind)
    text = preview.normalize_text(pdftext.docx_text(made.docx))
    assert text, "python-docx reads no text"
    assert made.pdf.startswith(b"%PDF")
    assert preview.normalize_text(pdftext.pdf_text(made.pdf, made.docx)) == text
    # the preview page shows the same words
    assert preview.normalize_text(pdftext.html_text(made.html)) == text


@pytest.mark.parametrize("kind", KINDS)
def test_draft_shows_blanks_and_registration_fills_number_and_date(kind):
    if kind.series is None:
        pytest.skip("not numbered in the registration journal")
    import datetime as dt

    draft = preview.docx_text(rendered(kind))
    registered = preview.docx_text(
        rendered(kind, requisites=Requisites("77-од", dt.date(2024, 9, 2)))
    )
    assert "№ ____" in draft.replace("\xa0", " ")
    assert "77-од" in registered and "02.09.2024" in registered
    assert "№ ____" not in registered.replace("\xa0", " ")


def _text_paths(schema, data: Any, path: tuple = ()) -> list[tuple]:
    """Paths of the sample's free-text values (strings not restricted to a list of choices)."""
    result: list[tuple] = []
    if not isinstance(data, dict):
        return result
    for name, value in data.items():
        field = schema.fields.get(name)
        if field is None or value is None:
            continue
        inner = field.inner if isinstance(field, fields.List) else None
        if isinstance(field, fields.Nested) and isinstance(value, dict):
            result += _text_paths(field.schema, value, (*path, name))
        elif inner is not None and isinstance(inner, fields.Nested) and isinstance(value, list):
            for index, item in enumerate(value):
                result += _text_paths(inner.schema, item, (*path, name, index))
        elif isinstance(field, fields.String) and isinstance(value, str) and _free(field):
            result.append((*path, name))
    return result


def _free(field: fields.Field) -> bool:
    """Free text: no list of choices or format, and room for the injected payload."""
    restricted = (validate.OneOf, validate.Regexp, validate.URL, validate.Email)
    short = any(
        isinstance(v, validate.Length) and v.max is not None and v.max < 200
        for v in field.validators
    )
    return not (
        isinstance(field, fields.Email | fields.URL)
        or short
        or any(isinstance(v, restricted) for v in field.validators)
    )


def _get(data: Any, path: tuple) -> Any:
    for key in path:
        data = data[key]
    return data


def _set(data: Any, path: tuple, value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("payload", INJECTIONS)
def test_template_tags_and_xml_in_values_are_printed_literally(kind, payload):
    sample = kind.sample()
    paths = [p for p in _text_paths(kind.schema(), sample) if p[-1] not in NAME_PARTS]
    assert paths, "the sample has free-text fields"
    data = json.loads(json.dumps(sample))
    for index, path in enumerate(paths):
        original = _get(data, path)
        _set(data, path, f"{original} {payload} №{index}")
    docx = rendered(kind, data)
    Document(io.BytesIO(docx))  # still a well-formed document
    with zipfile.ZipFile(io.BytesIO(docx)) as package:
        xml = package.read("word/document.xml").decode()
    assert " 49 №" not in xml
    text = preview.docx_text(docx)
    # Literally, but for typed straight quotes, which print as «…».
    printed = [i for i in range(len(paths)) if f"{quotes(payload)} №{i}" in text]
    assert printed, "no free-text value reached the document literally"


# Name parts go through the declension library and may change case endings; they are checked
# for escaping by the registry and ru tests.
NAME_PARTS = {"surname", "name", "patronymic", "gender", "position"}


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_text_stays_within_the_margins(kind, renders):
    import pdfplumber

    mm = 72 / 25.4
    with pdfplumber.open(io.BytesIO(renders(kind).pdf)) as document:
        for number, page in enumerate(document.pages, start=1):
            for word in page.extract_words():
                # ГОСТ Р 7.0.97: 30 mm on the left, 10 mm on the right (1 pt for rounding)
                assert word["x0"] >= 30 * mm - 1, (number, word["text"])
                assert word["x1"] <= page.width - 10 * mm + 1, (number, word["text"])
