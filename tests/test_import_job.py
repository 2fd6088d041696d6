"""The import page runs the import as a job in a child process, within a time and memory limit."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from webfixtures import login, make_app

from docgen.db import connect
from docgen.registry.excel import exporting, sheets

LETTERS = "абвгдежзиклмнопрстуфхцчшэюя"


def word(n: int) -> str:
    out = ""
    while True:
        n, rest = divmod(n, len(LETTERS))
        out += LETTERS[rest]
        if n == 0:
            return out


def workbook(rows: int) -> bytes:
    wb = load_workbook(io.BytesIO(exporting.blank_workbook()))
    for n in range(rows):
        wb[sheets.PEOPLE].append(
            [f"Импортова-{word(n)}", "Анна", "Ивановна", "ж", dt.date(1970, 1, 1 + n % 28)]
            + ["педагог", "учитель"]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def people(app) -> int:
    db = connect(app.config["DATABASE"])
    try:
        return db["people"].count
    finally:
        db.close()


def post(client, content: bytes):
    return client.post("/registry/import", data={"file": (io.BytesIO(content), "реестр.xlsx")})


def test_an_import_page_shows_the_report_of_its_job_and_records_it(tmp_path):
    app = make_app(tmp_path)
    client = app.test_client()
    login(client, "curator")
    before = people(app)
    answer = post(client, workbook(30))
    page = answer.get_data(as_text=True)
    assert answer.status_code == 200, page
    assert "добавлено людей — 30" in page
    assert people(app) == before + 30
    db = connect(app.config["DATABASE"])
    row = next(db.query("SELECT * FROM imports"))
    assert row["status"] == "done" and row["content"] is None
    assert db["import_undo"].count == 0
    assert db["audit"].count_where("action = 'import'") == 1
    assert client.get(f"/registry/import/{row['id']}").status_code == 200
    login(client, "methodologist")
    db.close()


@pytest.mark.parametrize(
    ("limit", "rows", "message"),
    [
        ({"IMPORT_SECONDS": 0}, 30, "Импорт не уложился в 0 с — разделите файл на части"),
        ({"IMPORT_MEMORY_MB": 1}, 2000, "Импорту не хватило 1 МБ памяти"),
    ],
    ids=["time", "memory"],
)
def test_an_import_past_its_limit_is_stopped_and_takes_nothing(tmp_path, limit, rows, message):
    app = make_app(tmp_path, **limit)
    client = app.test_client()
    login(client, "curator")
    before = people(app)
    answer = post(client, workbook(rows))
    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert people(app) == before
