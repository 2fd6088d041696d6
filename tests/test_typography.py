"""Straight quotes people type print as «ёлочки» in documents, „лапки“ inside; the stored text stays."""

from __future__ import annotations

import io

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st

from docgen.db import connect
from docgen.documents import kits
from docgen.kinds import catalog
from docgen.rendering import context as ctx
from docgen.rendering import docx as render
from docgen.rendering import html as preview
from docgen.typography import quotes

pytest_plugins = ["apifixtures"]


@pytest.mark.parametrize(
    ("typed", "printed"),
    [
        ('МБОУ "Обливская СОШ № 1"', "МБОУ «Обливская СОШ № 1»"),
        ('приказ "О наставничестве"', "приказ «О наставничестве»"),
        ('МБОУ "СОШ "Лицей""', "МБОУ «СОШ „Лицей“»"),
        ('"Школа "Лицей" и "Гимназия"".', "«Школа „Лицей“ и „Гимназия“»."),
        ('проект "Мы "за" "Точку роста""', "проект «Мы „за“ „Точку роста“»"),
        ('«Школа "Лицей"»', "«Школа „Лицей“»"),
        ('«Школа"', "«Школа»"),
        ('„Лицей"', "„Лицей“"),
        ('("Точка роста")', "(«Точка роста»)"),
        ('— "Да", — ответил он; "нет"!', "— «Да», — ответил он; «нет»!"),
        ('программа "Шаг"-2026', "программа «Шаг»-2026"),
        ('клуб "Шаг"\nвторая строка "Лад"', "клуб «Шаг»\nвторая строка «Лад»"),
        ("О'Нил Джон", "О'Нил Джон"),
        ("МБОУ «Обливская СОШ № 1»", "МБОУ «Обливская СОШ № 1»"),
        ('монитор 27"', 'монитор 27"'),
        ('приказ "О наставничестве', 'приказ "О наставничестве'),
        ('текст " с кавычкой', 'текст " с кавычкой'),
        ('"', '"'),
        ('""', '""'),
        ("", ""),
    ],
)
def test_examples(typed, printed):
    assert quotes(typed) == printed


def test_an_unclosed_quote_stays_and_the_pair_after_it_is_outer():
    assert quotes('"О наставничестве и "Точка роста"') == '"О наставничестве и «Точка роста»'


# Text as people type it: words, spaces, punctuation, brackets, dashes, quotes of every kind.
_TYPED = st.text(st.sampled_from(list("аб СОШ№1 ,.;:!?()-—\n'\"«»„“")), max_size=60)


@given(_TYPED)
def test_only_straight_quotes_change_and_only_into_russian_quotes(text):
    result = quotes(text)
    assert len(result) == len(text)
    for before, after in zip(text, result, strict=True):
        assert after == before or (before == '"' and after in "«»„“")


@given(_TYPED)
def test_running_twice_changes_nothing_more(text):
    assert quotes(quotes(text)) == quotes(text)


@given(st.text(st.sampled_from(list("аб СОШ№1 ,.;:!?()-—\n'\"")), max_size=60))
def test_opening_and_closing_marks_come_in_pairs(text):
    result = quotes(text)
    changed = [after for before, after in zip(text, result, strict=True) if before != after]
    assert changed.count("«") + changed.count("„") == changed.count("»") + changed.count("“")


def _quoted(words: st.SearchStrategy[str], depth: int) -> st.SearchStrategy[tuple[str, str]]:
    """(typed, expected) phrases of words, some in straight quotes nested up to `depth`."""
    plain = words.map(lambda word: (word, word))
    if depth == 0:
        return plain

    def wrap(inner: list[tuple[str, str]], level: int) -> tuple[str, str]:
        typed = " ".join(t for t, _ in inner)
        expected = " ".join(e for _, e in inner)
        opening, closing = ("«", "»") if level % 2 == 0 else ("„", "“")
        return f'"{typed}"', f"{opening}{expected}{closing}"

    def phrase(level: int, left: int) -> st.SearchStrategy[tuple[str, str]]:
        if left == 0:
            return plain
        inner = st.lists(phrase(level + 1, left - 1), min_size=1, max_size=3)
        return st.one_of(plain, inner.map(lambda parts: wrap(parts, level)))

    return phrase(0, depth)


@given(
    st.lists(_quoted(st.sampled_from(["школа", "Лицей", "№ 1", "(МБОУ)", "2026"]), 3), max_size=4)
)
def test_well_typed_nested_quotes_alternate_outer_and_inner(parts):
    typed = "приказ " + " ".join(t for t, _ in parts) + "."
    expected = "приказ " + " ".join(e for _, e in parts) + "."
    assert quotes(typed) == expected


def test_the_engine_prints_values_with_russian_quotes_and_leaves_its_own_text():
    source = Document()
    source.add_paragraph('Шаблон: "как есть". Тема: {{ topic }}')
    template = io.BytesIO()
    source.save(template)
    template = template.getvalue()
    docx = render.render(template, {"topic": 'приказ "О наставничестве"'})
    assert Document(io.BytesIO(docx)).paragraphs[0].text == (
        'Шаблон: "как есть". Тема: приказ «О наставничестве»'
    )


def test_a_document_prints_the_registry_name_and_typed_text_in_russian_quotes(
    api, api_db_path, demo_ids
):
    db = connect(api_db_path)
    db["organisations"].update(demo_ids["school1"], {"short_name": 'МБОУ "Обливская СОШ № 1"'})
    db.close()
    client = api("director")
    form = catalog.get("curator-order").sample()
    form["duties"][0]["text"] = 'изучить приказ "О наставничестве в МБОУ "СОШ № 1""'
    created = client.post("/api/documents", json={"kind": "curator-order", "input": form})
    assert created.status_code == 201, created.json
    document_id = created.json["id"]

    docx = client.get(f"/api/documents/{document_id}/latest.docx").data
    document = Document(io.BytesIO(docx))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "изучить приказ «О наставничестве в МБОУ „СОШ № 1“»" in text
    assert "МБОУ «Обливская СОШ № 1»" in text.replace("\xa0", " ")
    assert '"' not in text
    assert "«О наставничестве" in preview.docx_to_html(docx)

    stored = client.get(f"/api/documents/{document_id}").json
    assert stored["versions"][-1]["input"]["duties"][0]["text"] == form["duties"][0]["text"]


def test_annex_pages_added_to_a_kit_print_russian_quotes():
    order = Document()
    order.add_paragraph("Приказ")
    buffer = io.BytesIO()
    order.save(buffer)
    org = ctx.organisation({"full_name": 'МБОУ "СОШ № 1"'})
    lines = ["Приложение 1", f"к приказу {org.name_gen}", "от 01.09.2026 № 5-од"]
    part = kits.typed_part(buffer.getvalue(), lines, 'Положение о клубе "Шаг"', 'Клуб "Шаг"', org)
    text = [p.text for p in Document(io.BytesIO(part)).paragraphs]
    assert "приказом МБОУ «СОШ № 1»" in text
    assert "Положение о клубе «Шаг»" in text and "Клуб «Шаг»" in text
    marked = kits.marked(part, lines)
    assert "к приказу МБОУ «СОШ № 1»" in [p.text for p in Document(io.BytesIO(marked)).paragraphs]
