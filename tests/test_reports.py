"""Monitoring report (DOCX, PDF, XLSX) and the disclosure page, from input and from a registry."""

from __future__ import annotations

import copy
import datetime as dt
import io

import openpyxl
import pytest
from docx import Document
from pdftext import pdf_text

from docgen.documents import archive, compose
from docgen.documents import journal as numbering
from docgen.errors import FieldErrors
from docgen.kinds import catalog
from docgen.kinds.reports import disclosure
from docgen.kinds.reports import xlsx as xlsx_report
from docgen.registry import groups, organisations, people
from docgen.registry.indicators import format_number
from docgen.rendering.html import docx_text, normalize_text
from docgen.rendering.pdf import docx_to_pdf

ON = dt.date(2025, 4, 1)
KID_NAMES = "Анна Вера Галина Дина Ева Жанна Зоя Инна Кира Лада Мила Нина Ольга Рада Софья".split()


def _school(db) -> int:
    return organisations.create_organisation(
        db,
        {
            "kind": "school",
            "full_name": "Муниципальное общеобразовательное учреждение «Заречная средняя "
            "общеобразовательная школа»",
            "short_name": "МОУ «Заречная СОШ»",
            "locality": "с. Заречное",
            "address": "346000, Ростовская область, с. Заречное, ул. Мира, д. 1",
            "head_position": "Директор",
            "head_surname": "Ахмедова",
            "head_name": "Патимат",
            "head_patronymic": "Магомедовна",
            "head_gender": "f",
        },
    )


def _kid(db, org, name, age) -> int:
    born = dt.date(ON.year - age, 1, 10).isoformat()
    return people.add_person(
        db,
        org,
        {
            "surname": "Иванова",
            "name": name,
            "gender": "f",
            "category": "обучающийся",
            "birth_date": born,
        },
    )


@pytest.fixture
def known(db):
    """12 students: 8 aged 10–19 (3 mentees), of them 3 aged 15–19 (1 mentor); one closed pair."""
    org = _school(db)
    ages = [16, 17, 15, 10, 11, 12, 13, 14, 7, 8, 9, 9]
    kids = [_kid(db, org, name, age) for name, age in zip(KID_NAMES, ages, strict=False)]
    teacher = people.add_person(
        db,
        org,
        {
            "surname": "Орлов",
            "name": "Олег",
            "patronymic": "Ильич",
            "gender": "m",
            "category": "педагог",
            "experience_years": 2,
        },
    )
    groups.create_group(
        db,
        org,
        form_code="student_student",
        mentor_id=kids[0],
        mentee_ids=[kids[3], kids[4]],
        start_date="2024-09-01",
        end_date="2025-05-31",
    )
    groups.create_group(
        db,
        org,
        form_code="teacher_student",
        mentor_id=teacher,
        mentee_ids=[kids[5]],
        start_date="2024-09-01",
        end_date="2025-05-31",
    )
    closed = groups.create_group(
        db,
        org,
        form_code="student_student",
        mentor_id=kids[1],
        mentee_ids=[kids[6]],
        start_date="2024-09-01",
        end_date="2025-05-31",
    )
    groups.close_group(db, closed, "Запрос выполнен", "2025-02-01")
    return org


def _build(db, slug: str, org: int | None, payload: dict, on: dt.date = ON):
    kind = catalog.get(slug)
    data = compose.validate(kind, payload)
    organisation = organisations.get_organisation(db, org) if org else None
    sources = compose.Sources(db=db, org_id=org, on=on) if org else None
    return compose.build_context(kind, data, organisation=organisation, sources=sources)


def _report_payload(**extra) -> dict:
    payload = {"period_start": "01.09.2024", "period_end": "31.05.2025", "on": "01.04.2025"}
    return payload | extra


def _same_text_in_pdf(docx: bytes, header: str) -> None:
    """The PDF says what the DOCX says; a long table repeats its header row on each page."""
    pdf = normalize_text(normalize_text(pdf_text(docx_to_pdf(docx), docx)).replace(header, ""))
    assert pdf == normalize_text(normalize_text(docx_text(docx)).replace(header, ""))


def _table_rows(docx: bytes) -> list[list[str]]:
    table = Document(io.BytesIO(docx)).tables[0]
    return [[cell.text.strip().replace("\u00a0", " ") for cell in row.cells] for row in table.rows]


def _row(rows: list[list[str]], start: str) -> list[str]:
    return next(row for row in rows if row[1].startswith(start))


def test_report_from_a_known_registry(db, known):
    values = _build(db, "monitoring-report", known, _report_payload())
    docx = compose.render_docx(catalog.get("monitoring-report"), values)
    rows = _table_rows(docx)
    assert _row(rows, "Доля детей в возрасте от 10 до 19")[2:] == ["3", "8", "37,5 %", "70 %"]
    assert _row(rows, "Доля детей и подростков в возрасте от 15")[2:] == [
        "1",
        "3",
        "33,3 %",
        "10 %",
    ]
    # The only young teacher mentors a pupil: a mentor, not a mentee.
    assert _row(rows, "Доля педагогов - молодых")[2:] == ["0", "1", "0 %", "70 %"]
    assert _row(rows, "Доля педагогов, вошедших")[2:] == ["1", "1", "100 %", "10 %"]
    assert _row(rows, "Количество наставнических пар/групп")[4] == "1/1"
    assert _row(rows, "в том числе «ученик – ученик»")[4] == "0/1"
    assert _row(rows, "Уровень удовлетворенности наставников")[2:5] == ["—", "—", "—"]
    text = docx_text(docx)
    assert "по реестру участников программ наставничества" in text
    assert "на отчётную дату 01.04.2025" in text
    assert "в МОУ «Заречная СОШ» за период с 01.09.2024 по 31.05.2025" in text


def test_report_targets_are_configurable(db, known):
    db["targets"].insert(
        {"org_id": known, "year": 2025, "indicator": "students_mentees", "value": 40}
    )
    values = _build(db, "monitoring-report", known, _report_payload())
    rows = _table_rows(compose.render_docx(catalog.get("monitoring-report"), values))
    assert _row(rows, "Доля детей в возрасте от 10 до 19")[5] == "40 %"


def test_report_survey_figures_with_the_method(db, known):
    payload = _report_payload(
        survey_mentors={"satisfied": 7, "respondents": 8},
        survey_method="анкета МР-42/02, доля оценок 8–10",
    )
    values = _build(db, "monitoring-report", known, payload)
    docx = compose.render_docx(catalog.get("monitoring-report"), values)
    assert _row(_table_rows(docx), "Уровень удовлетворенности наставников")[2:5] == [
        "7",
        "8",
        "87,5 %",
    ]
    assert "методика: анкета МР-42/02, доля оценок 8–10" in docx_text(docx)


def test_report_refuses_a_numerator_above_the_denominator():
    payload = copy.deepcopy(catalog.get("monitoring-report").sample())
    payload["indicators"][3] |= {"numerator": 50, "denominator": 38}
    with pytest.raises(FieldErrors) as err:
        compose.validate(catalog.get("monitoring-report"), payload)
    assert "Числитель (50) больше знаменателя (38)." in str(err.value.fields)


def _xlsx_text(cell, unit: str = "") -> str:
    if cell is None:
        return ""
    if isinstance(cell, float | int):
        return format_number(cell, unit).replace("\u00a0", " ")
    return str(cell)


def test_xlsx_has_the_same_figures_as_the_docx(db, known):
    payload = _report_payload(survey_mentees={"satisfied": 9, "respondents": 11})
    values = _build(db, "monitoring-report", known, payload)
    docx = compose.render_docx(catalog.get("monitoring-report"), values)
    book = openpyxl.load_workbook(
        io.BytesIO(xlsx_report.report_xlsx(values["figures"], xlsx_report.meta_of(values)))
    )
    sheet = book["Показатели"]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = cells.index(list(xlsx_report.HEADERS))
    assert cells[0][0] == values["org"].full_name
    assert "Отчётная дата: 01.04.2025" in [row[0] for row in cells[:header]]
    body = cells[header + 1 :]
    docx_rows = _table_rows(docx)[1:]
    assert len(body) == len(docx_rows) == 11  # 9 indicators + 2 form lines
    for xrow, drow in zip(body, docx_rows, strict=True):
        number = drow[0].rstrip(".")
        assert _xlsx_text(xrow[0]) == number
        assert drow[1].startswith(xrow[1])
        unit = xrow[6] if xrow[6] == "%" else ""
        figures = [_xlsx_text(xrow[2]), _xlsx_text(xrow[3])]
        figures += [_xlsx_text(xrow[4], unit), _xlsx_text(xrow[5], unit)]
        assert figures == drow[2:6], drow[1]
    assert isinstance(body[-2][4], float)  # a share is a number cell


def test_monitoring_xlsx_is_the_workbook_of_the_report_with_a_download_name(db, known):
    values = _build(db, "monitoring-report", known, _report_payload())
    content, name = xlsx_report.monitoring_xlsx(values)
    assert name == "Показатели наставничества на 01.04.2025.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Показатели"]
    cells = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = cells.index(list(xlsx_report.HEADERS))
    assert sheet.cell(header + 1, 1).font.bold
    assert sheet.freeze_panes == f"A{header + 2}"
    titles = [row[1] for row in cells[header + 1 :]]
    assert any(title.startswith("Доля детей в возрасте от 10 до 19") for title in titles)


def test_report_from_the_sample_renders_pdf_with_the_same_text():
    kind = catalog.get("monitoring-report")
    values = compose.build_context(kind, compose.validate(kind, kind.sample()))
    docx = compose.render_docx(kind, values)
    rows = _table_rows(docx)
    assert _row(rows, "Доля детей в возрасте от 10 до 19")[2:] == ["4", "276", "1,4 %", "70 %"]
    assert "по данным, представленным организацией" in docx_text(docx)
    _same_text_in_pdf(docx, "№ п/п Показатель Числитель Знаменатель Значение Целевое значение")


# --- disclosure ---------------------------------------------------------------------


def _registered(db, org, kind, title, on, *, annexes=()):
    numbering.ensure_series(db, org, "orders", "Приказы", "{n}-од")
    doc = archive.create_document(
        db, org_id=org, kind=kind, title=title, user_id=None, input={}, docx=b"PK"
    )
    for position, annex in enumerate(annexes, start=1):
        archive.link_annex(db, doc["id"], annex, position)
    numbering.register(db, doc["id"], series_code="orders", on=on, user_id=None)
    return doc["id"]


def _draft(db, org, kind, title, data=None):
    return archive.create_document(
        db, org_id=org, kind=kind, title=title, user_id=None, input=data or {}, docx=b"PK"
    )["id"]


def test_disclosure_from_the_archive_marks_missing_documents(db, known):
    # The regulation's title does not say which: its input's variant does.
    regulation = _draft(
        db,
        known,
        "regulation",
        "Положение о системе (целевой модели) наставничества",
        {"variant": "обучающиеся"},
    )
    _registered(
        db, known, "implementation-order", "О внедрении", dt.date(2024, 8, 28), annexes=[regulation]
    )
    curator = _registered(db, known, "curator-order", "О назначении куратора", dt.date(2024, 9, 2))
    _registered(db, known, "pairs-order", "О закреплении пар", dt.date(2025, 4, 2))  # after ON
    payload = {"on": "01.04.2025", "pdf_url_pattern": "https://zar-school.ru/docs/{id}.pdf"}
    values = _build(db, "disclosure", known, payload)
    text = docx_text(compose.render_docx(catalog.get("disclosure"), values)).replace("\u00a0", " ")
    lines = text.splitlines()

    def after(title: str) -> list[str]:
        i = lines.index(title)
        return lines[i + 1 : i + 3]

    assert after("Приказ о внедрении целевой модели наставничества")[0] == "от 28.08.2024 № 1-од"
    assert after("Положение о системе наставничества обучающихся")[0] == (
        "утверждено приказом от 28.08.2024 № 1-од"
    )
    assert after("Положение о системе наставничества педагогических работников")[0] == "отсутствует"
    assert after("Программа наставничества образовательной организации")[0] == "отсутствует"
    assert after("Приказ(ы) о закреплении наставнических пар/групп")[0] == "отсутствует"
    assert after(
        "Приказ о назначении куратора внедрения и реализации целевой модели наставничества"
    ) == ["от 02.09.2024 № 2-од", f"https://zar-school.ru/docs/{curator}.pdf"]
    assert lines[lines.index("Количество наставнических пар/групп") + 1] == "1/1"


def test_disclosure_html_is_escaped_and_semantic(db, known):
    payload = {
        "on": "01.04.2025",
        "title": "Информация <о наставничестве> & «реализации»",
        "documents": [{"code": "curator_order", "url": "https://zar-school.ru/a.pdf?x=1&y=<2>"}],
    }
    _registered(db, known, "curator-order", "О назначении куратора", dt.date(2024, 9, 2))
    values = _build(db, "disclosure", known, payload)
    html = disclosure.disclosure_html(values)
    assert "<script" not in html and "<о наставничестве>" not in html
    assert "&lt;о наставничестве&gt; &amp; «реализации»" in html
    assert 'href="https://zar-school.ru/a.pdf?x=1&amp;y=&lt;2&gt;"' in html
    assert '<th scope="col">№ п/п</th>' in html
    assert '<th scope="row">Программа наставничества образовательной организации</th>' in html
    assert html.count('<span class="missing">отсутствует</span>') == 6
    assert "37,5\u00a0% (3 из 8)" in html


def test_disclosure_from_the_sample_without_a_registry():
    kind = catalog.get("disclosure")
    values = compose.build_context(kind, compose.validate(kind, kind.sample()))
    docx = compose.render_docx(kind, values)
    text = docx_text(docx).replace("\u00a0", " ")
    lines = text.splitlines()
    i = lines.index("Приказ(ы) о закреплении наставнических пар/групп")
    assert lines[i + 1 : i + 4] == [
        "от 14.09.2026 № 131-од",
        "https://sh1-oblivskaya-r61.gosweb.gosuslugi.ru/nastavnichestvo/131-od.pdf",
        "8.",
    ]
    assert lines[lines.index("Программа наставничества образовательной организации") + 1] == (
        "отсутствует"
    )
    assert lines[lines.index("Количество наставнических пар/групп") + 1] == "4/1"
    _same_text_in_pdf(
        docx, "№ п/п Наименование документа, показателя Реквизиты, электронная ссылка, значение"
    )
