"""Excel in and out: blank workbook, import with errors by sheet/row/column, round trip."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook
from registry_factory import consent, department, person, school

from docgen.errors import FieldErrors
from docgen.registry import consents as registry_consents
from docgen.registry import groups as registry_groups
from docgen.registry import people as registry_people
from docgen.registry.excel import batches, exporting, importing, register, sheets

PEOPLE_ROWS = [
    # surname, name, patronymic, gender, birth, category, position, experience, partner,
    # email, phone, signed_on, signer, representative, representative doc, withdrawn
    [
        "Чернова",
        "Наталья",
        "Викторовна",
        "ж",
        dt.date(1980, 5, 2),
        "педагог",
        "учитель математики",
        20,
        None,
        "chernova@example.ru",
        "8 (86396) 2-14-55",
        dt.date(2024, 9, 2),
        "сам",
        None,
        None,
        None,
    ],
    [
        "Петров",
        "Алексей",
        "Сергеевич",
        "м",
        "12.03.1999",
        "педагог",
        "учитель информатики",
        1,
        None,
        None,
        None,
        "02.09.2024",
        "сам",
        None,
        None,
        None,
    ],
    [
        "Иванов",
        "Пётр",
        "",
        "м",
        dt.date(2012, 1, 10),
        "обучающийся",
        "7 «Б» класс",
        None,
        None,
        None,
        None,
        dt.date(2024, 9, 3),
        "законный представитель",
        "Иванова Ольга Петровна",
        "свидетельство о рождении III-АН № 123456",
        None,
    ],
    [
        "Смирнова",
        "Ольга",
        "Игоревна",
        "ж",
        dt.date(2008, 7, 15),
        "обучающийся",
        "10 «А» класс",
        None,
        None,
        None,
        None,
        dt.date(2024, 9, 3),
        "сам и законный представитель",
        "Смирнов Игорь Петрович",
        "паспорт 6010 123456",
        dt.date(2025, 1, 20),
    ],
]


def fill(content: bytes, rows: dict[str, list[list]]) -> bytes:
    wb = load_workbook(io.BytesIO(content))
    for sheet, values in rows.items():
        for row in values:
            wb[sheet].append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def valid_file() -> bytes:
    return fill(
        exporting.blank_workbook(),
        {
            sheets.PEOPLE: PEOPLE_ROWS,
            sheets.MENTORS: [
                [
                    "Чернова Наталья Викторовна",
                    dt.date(1980, 5, 2),
                    "ИКТ, олимпиадная математика",
                    "вторник, четверг после 14:00",
                ],
            ],
            sheets.MENTEES: [
                ["Петров Алексей Сергеевич", "12.03.1999", "освоить методику урока"],
                ["Иванов Пётр", dt.date(2012, 1, 10), "подготовка к олимпиаде"],
            ],
            sheets.PAIRS: [
                [
                    1,
                    "Чернова Наталья Викторовна",
                    dt.date(1980, 5, 2),
                    "Петров Алексей Сергеевич",
                    dt.date(1999, 3, 12),
                    "учитель – учитель",
                    "традиционное",
                    dt.date(2024, 9, 10),
                    dt.date(2025, 5, 31),
                    "действует",
                    None,
                    None,
                ],
                [
                    2,
                    "Чернова Наталья Викторовна",
                    dt.date(1980, 5, 2),
                    "Иванов Пётр",
                    dt.date(2012, 1, 10),
                    "учитель – ученик",
                    None,
                    dt.date(2023, 9, 10),
                    dt.date(2024, 5, 31),
                    "завершена",
                    "призёр муниципального этапа олимпиады",
                    dt.date(2024, 5, 20),
                ],
            ],
        },
    )


def snapshot(db, org_id: int) -> dict:
    """The registry of an organisation without ids and timestamps."""
    people = {}
    for p in registry_people.list_people(db, org_id):
        key = (p["surname"], p["name"], p["patronymic"], p["birth_date"])
        consents = [
            (c["status"], c["signer"], c["signed_on"], c["withdrawn_on"], c["representative_name"])
            for c in registry_consents.list_consents(db, p["id"])
        ]
        people[key] = {k: v for k, v in p.items() if k not in ("id", "org_id", "created_at")} | {
            "consents": consents
        }
    groups = sorted(
        (
            g["mentor"]["surname"],
            tuple(m["surname"] for m in g["mentees"]),
            g["form_code"],
            g["kind_of_mentoring"],
            g["start_date"],
            g["end_date"],
            g["status"],
            g["result"],
            g["closed_on"],
        )
        for g in registry_groups.list_groups(db, org_id)
    )
    return {"people": people, "groups": groups}


@pytest.fixture
def org(db) -> int:
    return school(db, department(db))


def test_blank_workbook_has_the_sheets_columns_and_lists():
    wb = load_workbook(io.BytesIO(exporting.blank_workbook()))
    assert wb.sheetnames[:4] == ["Люди", "Наставники", "Наставляемые", "Пары и группы"]
    headers = [c.value for c in wb["Наставники"][1]]
    assert headers == ["ФИО", "Дата рождения", "Компетенции", "Свободное время"]
    assert "Запрос" in [c.value for c in wb["Наставляемые"][1]]
    assert wb["Списки"].sheet_state == "hidden"
    lists = [v.formula1 for v in wb["Люди"].data_validations.dataValidation]
    assert any("Списки" in f for f in lists)
    forms = [wb["Списки"].cell(row=r, column=4).value for r in range(2, 11)]
    assert "учитель – ученик" in forms


def test_import_with_errors_reports_each_by_sheet_row_and_column_and_writes_nothing(db, org):
    before = list(db.conn.iterdump())
    mentees = [[f"Пустой{i} Ряд Рядович", None, None] for i in range(11)]
    mentees.append(["Иванов Пётр", "31.02.2010", "подготовка к олимпиаде"])
    content = fill(
        valid_file(),
        {
            sheets.PEOPLE: [
                [
                    "Кузнецов",
                    "Иван1",
                    "",
                    "x",
                    "01.01.1990",
                    "ученик",
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ],
            ],
            sheets.MENTEES: mentees,
        },
    )
    report = importing.import_workbook(db, org, content)
    assert not report.written and not report.ok
    messages = report.messages()
    assert (
        "Лист «Наставляемые», строка 15, столбец «Дата рождения»: 31.02.2010 — такой даты нет"
        in messages
    )
    assert (
        "Лист «Люди», строка 6, столбец «Имя»: Иван1 — допустимы только буквы, дефис, апостроф и пробел"
        in messages
    )
    assert "Лист «Люди», строка 6, столбец «Пол»: x — допустимые значения — м, ж" in messages
    assert any(
        m.startswith("Лист «Люди», строка 6, столбец «Категория»: ученик — допустимые значения")
        for m in messages
    )
    assert any(
        m.startswith(
            "Лист «Наставляемые», строка 4, столбец «ФИО»: Пустой0 Ряд Рядович — человека без даты рождения нет"
        )
        for m in messages
    )
    assert list(db.conn.iterdump()) == before
    with pytest.raises(FieldErrors) as err:
        report.raise_if_errors()
    assert len(err.value.fields["file"]) == len(messages)


def test_valid_import_twice_gives_the_same_registry(db, org):
    content = valid_file()
    first = importing.import_workbook(db, org, content, on=dt.date(2024, 9, 10))
    assert first.ok and first.written, first.messages()
    assert (first.people_added, first.groups_added, first.consents_added) == (4, 2, 4)
    state = snapshot(db, org)
    chernova = state["people"][("Чернова", "Наталья", "Викторовна", "1980-05-02")]
    assert chernova["is_mentor"] == 1 and chernova["competences"] == "ИКТ, олимпиадная математика"
    smirnova = state["people"][("Смирнова", "Ольга", "Игоревна", "2008-07-15")]
    assert smirnova["consents"][0][:4] == ("withdrawn", "both", "2024-09-03", "2025-01-20")
    assert (
        "Чернова",
        ("Иванов",),
        "teacher_student",
        None,
        "2023-09-10",
        "2024-05-31",
        "closed",
        "призёр муниципального этапа олимпиады",
        "2024-05-20",
    ) in state["groups"]
    second = importing.import_workbook(db, org, content, on=dt.date(2024, 9, 10))
    assert second.ok and second.written
    assert (second.people_added, second.people_updated, second.groups_added) == (0, 0, 0)
    assert second.groups_existing == 2 and second.consents_added == 0
    assert snapshot(db, org) == state


def test_export_then_import_into_an_empty_organisation_is_the_identity(db, org):
    assert importing.import_workbook(db, org, valid_file(), on=dt.date(2024, 9, 10)).written
    exported = exporting.export_workbook(db, org)
    other = school(db, None, "МБОУ «СОШ № 2»")
    report = importing.import_workbook(db, other, exported, on=dt.date(2024, 9, 10))
    assert report.ok, report.messages()
    assert snapshot(db, other) == snapshot(db, org)
    again = load_workbook(io.BytesIO(exporting.export_workbook(db, other)))
    first = load_workbook(io.BytesIO(exported))
    for sheet in ("Люди", "Наставники", "Наставляемые", "Пары и группы"):
        assert list(again[sheet].values) == list(first[sheet].values)


def test_a_pair_without_consent_is_refused_and_named(db, org):
    rows = [list(r) for r in PEOPLE_ROWS]
    rows[1][11] = rows[1][12] = None  # Петров has no consent
    content = fill(
        exporting.blank_workbook(),
        {
            sheets.PEOPLE: rows,
            sheets.PAIRS: [
                [
                    1,
                    "Чернова Наталья Викторовна",
                    dt.date(1980, 5, 2),
                    "Петров Алексей Сергеевич",
                    dt.date(1999, 3, 12),
                    "учитель – учитель",
                    None,
                    dt.date(2024, 9, 10),
                    dt.date(2025, 5, 31),
                    "действует",
                    None,
                    None,
                ],
            ],
        },
    )
    report = importing.import_workbook(db, org, content, on=dt.date(2024, 9, 10))
    assert not report.written
    assert report.messages() == [
        "Лист «Пары и группы», строка 2, столбец «Наставляемый (ФИО)»: Петров Алексей "
        "Сергеевич — нет согласия на обработку персональных данных — подписывает сам человек"
    ]
    partial = importing.import_workbook(
        db, org, content, valid_rows_only=True, on=dt.date(2024, 9, 10)
    )
    assert partial.written and partial.people_added == 4 and partial.groups_added == 0
    assert registry_groups.list_groups(db, org) == []


def test_duplicate_person_in_file_and_pair_contradictions(db, org):
    content = fill(
        valid_file(),
        {
            sheets.PEOPLE: [PEOPLE_ROWS[0]],
            sheets.PAIRS: [
                [
                    1,
                    "Петров Алексей Сергеевич",
                    dt.date(1999, 3, 12),
                    "Иванов Пётр",
                    dt.date(2012, 1, 10),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ],
            ],
        },
    )
    messages = importing.import_workbook(db, org, content).messages()
    assert (
        "Лист «Люди», строка 6, столбец «Фамилия»: Чернова — этот человек уже есть в строке 2"
        in messages
    )
    assert any(
        m.startswith(
            "Лист «Пары и группы», строка 4, столбец «Наставник (ФИО)»: Петров Алексей Сергеевич — не совпадает со строкой 2"
        )
        for m in messages
    )


def _zip(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "Файл пустой"),
        ("Фамилия;Имя\nИванов;Иван\n".encode(), "не является книгой Excel"),
        (
            _zip({"[Content_Types].xml": b"<a/>", "xl/workbook.xml": b"\0" * 50_000_000}),
            "zip-бомб",
        ),
        (
            _zip(
                {
                    "[Content_Types].xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>',
                    "xl/workbook.xml": b"<x/>",
                }
            ),
            "DTD",
        ),
        (_zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>"}), "повреждён"),
    ],
)
def test_bad_files_are_refused_with_a_clear_message(db, org, content, expected):
    with pytest.raises(FieldErrors) as err:
        importing.import_workbook(db, org, content)
    assert expected in err.value.message
    assert err.value.fields["file"]


def test_a_workbook_without_the_sheets_is_refused(db, org):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Лист1"
    out = io.BytesIO()
    wb.save(out)
    with pytest.raises(FieldErrors) as err:
        importing.import_workbook(db, org, out.getvalue())
    assert (
        "В книге нет листов «Люди», «Наставники», «Наставляемые», «Пары и группы»"
        in err.value.message
    )


def test_register_has_the_columns_of_the_domain(db, org):
    assert importing.import_workbook(db, org, valid_file(), on=dt.date(2024, 9, 10)).written
    wb = load_workbook(io.BytesIO(register.register_workbook(db, org, dt.date(2024, 10, 1))))
    mentors, mentees = wb["Реестр наставников"], wb["Реестр наставляемых"]
    assert mentors["A1"].value == "Реестр участников программы наставничества. Реестр наставников"
    assert [c.value for c in mentors[5]][:4] == [
        "№",
        "ФИО",
        "Контакты",
        "Место работы/учёбы, должность/класс",
    ]
    row = [c.value for c in mentors[6]]
    assert row[1] == "Чернова Наталья Викторовна"
    assert "Петров Алексей Сергеевич" in row[7] and "Иванов Пётр" in row[7]
    assert row[12] == "получено 02.09.2024"
    names = [mentees.cell(row=r, column=2).value for r in (6, 7)]
    assert names == ["Иванов Пётр", "Петров Алексей Сергеевич"]
    ivanov = [c.value for c in mentees[6]]
    assert (
        ivanov[2].startswith("Иванова Ольга Петровна") and ivanov[7] == "Чернова Наталья Викторовна"
    )


def test_people_already_in_the_registry_are_matched_not_duplicated(db, org):
    existing = person(db, org, "Чернова", "Наталья", "Викторовна", birth_date="1980-05-02")
    consent(db, existing, "2024-09-02")
    report = importing.import_workbook(db, org, valid_file(), on=dt.date(2024, 9, 10))
    assert report.ok and report.people_added == 3 and report.people_updated == 1
    assert len(registry_people.list_people(db, org)) == 4


def test_register_writes_the_age_in_words_that_agree_with_it(db, org):
    """«21 год», «22 года», «25 лет» — not «21 лет»."""
    on = dt.date(2024, 10, 1)
    born = {"Андреев": "2003-05-01", "Борисов": "2002-05-01", "Васильев": "1999-05-01"}
    for surname, birth in born.items():
        person(db, org, surname, "Иван", "Иванович", birth_date=birth, is_mentor=True)
    wb = load_workbook(io.BytesIO(register.register_workbook(db, org, on)))
    rows = {
        row[1]: row[4] for row in wb["Реестр наставников"].iter_rows(min_row=6, values_only=True)
    }
    assert rows["Андреев Иван Иванович"].startswith("21 год")
    assert rows["Борисов Иван Иванович"].startswith("22 года")
    assert rows["Васильев Иван Иванович"].startswith("25 лет")


def _sheet_part(content: bytes, title: str) -> str:
    """The zip member of a sheet, found through the workbook (sheet order may differ)."""
    wb = load_workbook(io.BytesIO(content), read_only=True)
    index = wb.sheetnames.index(title) + 1
    wb.close()
    return f"xl/worksheets/sheet{index}.xml"


def _repacked(content: bytes, name: str, data: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    return _zip(
        {
            info.filename: data if info.filename == name else source.read(info)
            for info in source.infolist()
        }
    )


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("bom", [True, False], ids=["bom", "no-bom"])
def test_a_dtd_in_a_utf16_sheet_is_refused_at_import(db, org, encoding, bom):
    content = valid_file()
    part = _sheet_part(content, sheets.PEOPLE)
    xml = zipfile.ZipFile(io.BytesIO(content)).read(part).decode("utf-8")
    body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
    hostile = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        '<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">' + body
    )
    mark = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding] if bom else b""
    bad = _repacked(content, part, mark + hostile.encode(encoding))
    with pytest.raises(FieldErrors) as err:
        importing.import_workbook(db, org, bad, on=dt.date(2024, 9, 10))
    assert "DTD" in err.value.message and part in err.value.message
    assert err.value.fields["file"]
    assert registry_people.list_people(db, org) == []


def test_a_utf16_sheet_without_a_dtd_imports(db, org):
    content = valid_file()
    part = _sheet_part(content, sheets.PEOPLE)
    xml = zipfile.ZipFile(io.BytesIO(content)).read(part).decode("utf-8")
    body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
    utf16 = b"\xff\xfe" + ('<?xml version="1.0" encoding="UTF-16"?>' + body).encode("utf-16-le")
    report = importing.import_workbook(
        db, org, _repacked(content, part, utf16), on=dt.date(2024, 9, 10)
    )
    assert report.written, report.messages()
    assert len(registry_people.list_people(db, org)) == len(PEOPLE_ROWS)


def test_an_import_that_fails_late_takes_back_every_committed_batch(db, org, monkeypatch):
    """Every row committed on its own (a zero-length batch), and the last row of the file
    failing: the registry is as before, and the report is the same as in one transaction."""
    monkeypatch.setattr(batches, "BATCH_SECONDS", 0.0)
    rows = [list(r) for r in PEOPLE_ROWS]
    rows[1][11] = rows[1][12] = None  # Петров has no consent, so his pair fails at the end
    content = fill(
        exporting.blank_workbook(),
        {
            sheets.PEOPLE: rows,
            sheets.PAIRS: [
                [
                    1,
                    "Чернова Наталья Викторовна",
                    dt.date(1980, 5, 2),
                    "Петров Алексей Сергеевич",
                    dt.date(1999, 3, 12),
                    "учитель – учитель",
                    None,
                    dt.date(2024, 9, 10),
                    dt.date(2025, 5, 31),
                    "действует",
                    None,
                    None,
                ],
            ],
        },
    )
    existing = person(db, org, "Чернова", "Наталья", "Викторовна", birth_date="1980-05-02")
    consent(db, existing, "2024-09-02")
    before = list(db.conn.iterdump())
    report = importing.import_workbook(db, org, content, on=dt.date(2024, 9, 10))
    assert not report.written and report.people_added == 0
    assert report.messages() == [
        "Лист «Пары и группы», строка 2, столбец «Наставляемый (ФИО)»: Петров Алексей "
        "Сергеевич — нет согласия на обработку персональных данных — подписывает сам человек"
    ]
    assert list(db.conn.iterdump()) == before
    names = [p["surname"] for p in registry_people.list_people(db, org)]
    assert names == ["Чернова"]


def test_other_writers_get_the_lock_between_batches(db, org, monkeypatch):
    """With one-row batches, another connection writes at once before every batch begins."""
    from docgen.db import connect

    monkeypatch.setattr(batches, "BATCH_SECONDS", 0.0)
    other = connect(db.conn.execute("PRAGMA database_list").fetchone()[2])
    other.execute("PRAGMA busy_timeout = 0")  # fail at once instead of waiting for the lock
    begin = batches.Writer._begin
    writes = []

    def other_writes_then_begin(writer):
        with other.conn:
            other.execute("INSERT INTO audit (at, action) VALUES ('2024-09-10', 'other')")
        writes.append(1)
        begin(writer)

    monkeypatch.setattr(batches.Writer, "_begin", other_writes_then_begin)
    report = importing.import_workbook(db, org, valid_file(), on=dt.date(2024, 9, 10))
    assert report.written, report.messages()
    assert len(writes) > 5  # a batch per row, and the other writer never waited
    assert db["audit"].count_where("action = 'other'") == len(writes)
    other.close()


def test_the_sheet_reader_reads_every_kind_of_cell_as_openpyxl_does(db, org):
    """The import's own row reader against openpyxl's read-only cells, on cells of every type."""
    wb = load_workbook(io.BytesIO(exporting.blank_workbook()))
    ws = wb[sheets.PEOPLE]
    ws.append(["Иванов", "Иван", None, "м", dt.date(1990, 1, 2), "педагог", 3.5, 20, True])
    ws.append(["=A2&B2", "  Пётр  ", "x_x000B_y", "ж", dt.datetime(2001, 2, 3, 10, 30)])
    ws.append([None, None, None, None, None, "педагог", "#N/A", -2, 1e20, "2024-09-02"])
    ws.cell(row=7, column=3, value="=SUM(1,2)")
    ws["B7"].data_type = "s"
    ws.cell(row=9, column=16, value=dt.time(12, 30))
    ws.cell(row=9, column=1, value=0.1)
    out = io.BytesIO()
    wb.save(out)
    book = sheets.open_workbook(out.getvalue())
    expected = []
    for number, row in enumerate(book[sheets.PEOPLE].iter_rows(min_row=2), start=2):
        values = {i: sheets._cell_value(c.value, c.data_type) for i, c in enumerate(row, start=1)}
        record = {
            key: values.get(i) for i, (key, _, _) in enumerate(sheets.PEOPLE_COLUMNS, start=1)
        }
        if any(sheets.cell_text(value) for value in record.values()):
            expected.append((number, record))
    got = list(sheets.data_rows(book, sheets.PEOPLE))
    assert got == expected
    assert [type(v) for v in got[1][1].values()][:2] == [sheets.Formula, str]
    assert got[1][1]["patronymic"] == "x\x0by"


def _tricky_file() -> bytes:
    """Rows the cheap path must hand to the registry: a child signing alone, a consent
    withdrawn before it was signed, a representative without a document, a pair whose mentee
    withdrew, a group naming one mentee twice, a closed pair closed before it started."""
    rows = [list(r) for r in PEOPLE_ROWS]
    rows[2][12] = "сам"  # Иванов, 12 years old, signs alone
    rows[3][15] = dt.date(2024, 1, 1)  # Смирнова withdrew before she signed
    child = ["Орлова", "Вера", "Ивановна", "ж", dt.date(2013, 4, 5), "обучающийся", "6 «А»"]
    child += [None, None, None, None, dt.date(2024, 9, 3), "законный представитель"]
    child += ["Орлова Ирина Петровна", None, None]
    pairs = [
        [1, "Чернова Наталья Викторовна", dt.date(1980, 5, 2), "Петров Алексей Сергеевич"]
        + [dt.date(1999, 3, 12), "учитель – учитель", None, dt.date(2024, 9, 10)]
        + [dt.date(2025, 5, 31), "действует", None, None],
        [1, None, None, "Петров Алексей Сергеевич", dt.date(1999, 3, 12)] + [None] * 7,
        [2, "Чернова Наталья Викторовна", dt.date(1980, 5, 2), "Иванов Пётр"]
        + [dt.date(2012, 1, 10), "учитель – ученик", None, dt.date(2023, 9, 10)]
        + [dt.date(2024, 5, 31), "завершена", "итог", dt.date(2023, 1, 1)],
    ]
    return fill(exporting.blank_workbook(), {sheets.PEOPLE: [*rows, child], sheets.PAIRS: pairs})


@pytest.mark.parametrize("partial", [False, True], ids=["all-or-nothing", "valid-rows"])
@pytest.mark.parametrize(
    "make",
    [valid_file, _tricky_file, lambda: fill(valid_file(), {sheets.PEOPLE: [PEOPLE_ROWS[0]]})],
)
def test_the_cheap_path_gives_the_registry_and_report_of_the_registry_functions(
    db, org, monkeypatch, make, partial
):
    from docgen.registry.excel import fast

    content = make()
    other = school(db, None, "МБОУ «СОШ № 2»")
    quick = importing.import_workbook(
        db, org, content, valid_rows_only=partial, on=dt.date(2024, 9, 10)
    )
    monkeypatch.setattr(fast, "ENABLED", False)
    slow = importing.import_workbook(
        db, other, content, valid_rows_only=partial, on=dt.date(2024, 9, 10)
    )
    assert quick.as_dict() == slow.as_dict()
    assert snapshot(db, org) == snapshot(db, other)
    if make is _tricky_file:
        assert len(slow.errors) >= 4, slow.messages()


def _person_rows() -> list[dict]:
    base = {
        "surname": "Салтыков-Щедрин",
        "name": "Анна",
        "patronymic": "Ивановна",
        "gender": "f",
        "birth_date": "1980-05-02",
        "category": "педагог",
        "position": "учитель",
        "experience_years": 20,
        "partner_org": "",
        "email": None,
        "phone": "8 (86396) 2-14-55",
    }
    changes = [
        {},
        {"patronymic": ""},
        {"patronymic": "Гусейн  оглы", "name": "д'Артаньян"},
        {"surname": "Иванов1"},
        {"surname": "  "},
        {"name": "А" * 101},
        {"experience_years": 0},
        {"experience_years": 70},
        {"experience_years": 71},
        {"experience_years": "много"},
        {"experience_years": None},
        {"birth_date": None},
        {"birth_date": None, "category": "обучающийся"},
        {"birth_date": "1919-12-31"},
        {"birth_date": "2999-01-01"},
        {"category": "ученик"},
        {"category": "представитель организации-партнёра"},
        {"category": "представитель организации-партнёра", "partner_org": "ДДТ"},
        {"position": "до 31.02.2026"},
        {"position": "у" * 301},
        {"phone": "1" * 101},
        {"email": "chernova@example.ru"},
        {"gender": "x"},
    ]
    return [base | change for change in changes]


@pytest.mark.parametrize("data", _person_rows())
def test_the_cheap_person_check_accepts_only_what_the_schema_loads_the_same(data):
    from marshmallow import ValidationError

    from docgen.registry.excel import fast
    from docgen.registry.schemas import PersonSchema

    quick = fast.person(data)
    try:
        loaded = PersonSchema().load(data)
    except ValidationError:
        loaded = None
    if quick is not None:
        assert quick == loaded
