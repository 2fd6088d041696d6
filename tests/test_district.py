"""District view: each school's indicators, registered and lacking documents, deadlines."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from registry_factory import consent, department, person, school

from docgen.documents import archive
from docgen.documents import journal as numbering
from docgen.errors import FieldErrors
from docgen.kinds import catalog
from docgen.registry import district, groups

ON = dt.date(2024, 10, 15)
REQUIRED = catalog.district_requirements()


def registered(db, org_id: int, kind: str, on: dt.date) -> dict:
    numbering.ensure_series(db, org_id, "orders", "Приказы по основной деятельности", "{n}-од")
    doc = archive.create_document(
        db,
        org_id=org_id,
        kind=kind,
        title=kind,
        user_id=None,
        input={},
        docx=b"PK-docx-" + kind.encode(),
    )
    return numbering.register(db, doc["id"], series_code="orders", on=on, user_id=None)


@pytest.fixture
def area(db):
    dept = department(db)
    first = school(db, dept, "МБОУ «СОШ № 1»")
    second = school(db, dept, "МБОУ «Гимназия № 2»")
    school(db, None, "МБОУ «СОШ № 9»")  # another district's school stays out
    return dept, first, second


def test_the_table_shows_what_each_school_has_and_lacks(db, area):
    dept, first, second = area
    for kind in ("implementation-order", "curator-order", "regulation"):
        registered(db, first, kind, dt.date(2024, 8, 30))
    registered(db, first, "roadmap", dt.date(2024, 9, 20))  # after its 15.09 deadline
    late_pairs = registered(db, second, "pairs-order", dt.date(2024, 10, 20))  # after ON
    rows = district.table(db, dept, ON, REQUIRED)
    by_name = {row.name: row for row in rows}
    assert set(by_name) == {"МБОУ «СОШ № 1»", "МБОУ «Гимназия № 2»"}
    one = by_name["МБОУ «СОШ № 1»"]
    assert sorted(one.registered) == [
        "curator-order",
        "implementation-order",
        "regulation",
        "roadmap",
    ]
    assert one.registered["roadmap"]["late"] and not one.registered["regulation"]["late"]
    assert one.missing == ["programme", "pairs-order"]
    assert [(o["kind"], o["deadline"]) for o in one.overdue] == [
        ("programme", dt.date(2024, 9, 15)),
        ("pairs-order", dt.date(2024, 10, 1)),
    ]
    two = by_name["МБОУ «Гимназия № 2»"]
    assert two.registered == {} and len(two.missing) == 6 and len(two.overdue) == 6
    assert late_pairs["number"]
    # On the first day of the academic year nothing is overdue yet.
    early = {row.name: row for row in district.table(db, dept, dt.date(2024, 9, 1), REQUIRED)}
    assert early["МБОУ «Гимназия № 2»"].overdue == []
    # A cancelled document no longer counts.
    doc = next(
        db.query("SELECT id FROM documents WHERE org_id = ? AND kind = 'regulation'", [first])
    )
    archive.cancel(db, doc["id"], None, "ошибка в тексте")
    one = {row.name: row for row in district.table(db, dept, ON, REQUIRED)}["МБОУ «СОШ № 1»"]
    assert "regulation" in one.missing


def test_indicators_per_school_come_from_the_registry(db, area):
    dept, first, second = area
    mentor = person(db, first, "Чернова", "Наталья", "Викторовна", birth_date="1980-05-02")
    young = person(
        db, first, "Петров", "Алексей", "Сергеевич", birth_date="1999-03-12", experience_years=1
    )
    person(db, first, "Сидоров", "Олег", "Олегович", birth_date="1998-01-01", experience_years=2)
    for pid in (mentor, young):
        consent(db, pid, "2024-09-01")
    groups.create_group(
        db,
        first,
        form_code="teacher_teacher",
        mentor_id=mentor,
        mentee_ids=[young],
        start_date="2024-09-10",
        end_date="2025-05-31",
    )
    rows = {row.name: row for row in district.table(db, dept, ON, REQUIRED)}
    values = {v.code: v for v in rows["МБОУ «СОШ № 1»"].indicators}
    assert (
        values["young_teachers_mentees"].numerator,
        values["young_teachers_mentees"].denominator,
    ) == (1, 2)
    assert values["pairs_groups"].text == "1/0"
    other = {v.code: v for v in rows["МБОУ «Гимназия № 2»"].indicators}
    assert other["young_teachers_mentees"].value is None


def test_xlsx_has_a_row_per_school_and_a_district_total(db, area):
    dept, first, _ = area
    registered(db, first, "curator-order", dt.date(2024, 8, 30))
    wb = load_workbook(io.BytesIO(district.table_xlsx(db, dept, ON, REQUIRED)))
    ws = wb.active
    header = [c.value for c in ws[5]]
    assert header[:2] == ["№", "Образовательная организация"]
    assert "Приказ о назначении куратора внедрения целевой модели наставничества" in header
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=6)]
    names = [r[1] for r in rows]
    assert names == ["МБОУ «Гимназия № 2»", "МБОУ «СОШ № 1»", "Итого по району"]
    curator_col = header.index(
        "Приказ о назначении куратора внедрения целевой модели наставничества"
    )
    assert rows[1][curator_col].startswith("№ 1-од от 30.08.2024")
    assert rows[0][curator_col] == "нет"
    assert "до 01.09.2024" in rows[0][-1]


def test_a_school_is_not_a_district(db, area):
    _, first, _ = area
    with pytest.raises(FieldErrors):
        district.table(db, first, ON, REQUIRED)
