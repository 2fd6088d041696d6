"""Bulk generation: a ZIP of DOCX and one merged PDF, kept in the archive, with progress."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile

import pytest
from pdftext import pdf_text
from pypdf import PdfReader
from registry_factory import consent, department, person, school
from test_bulk_consent import _adult

from docgen.accounts import users
from docgen.documents import archive, bulk
from docgen.kinds import catalog
from docgen.kinds.consents import values as consent_values
from docgen.registry import consents, organisations
from docgen.rendering import html as preview
from docgen.rendering.pdf import docx_to_pdf

ON = dt.date(2024, 9, 2)


@pytest.fixture
def setup(db):
    org = organisations.get_organisation(db, school(db, department(db)))
    user_id = users.create_user(
        db, "curator1", "nastavnik2024", "curator", org["id"], "Чернова Н.В."
    )
    return org["id"], users.get_user(db, user_id)


def item(surname: str) -> dict:
    data = copy.deepcopy(catalog.get("consent").sample())
    data["subject"]["surname"] = surname
    return data


def test_documents_zip_and_merged_pdf_are_archived_with_progress(db, setup):
    org_id, user = setup
    bad = item("Ошибкина")
    del bad["subject_address"]
    seen = []
    result = bulk.generate(
        db,
        user,
        "consent",
        [item("Савченко"), item("Кузнецова"), bad, item("Волкова")],
        on=ON,
        org_id=org_id,
        progress=lambda done, total, phase: seen.append((done, total, phase)),
        workers=1,
    )
    assert result.count == 3
    assert len(result.errors) == 1 and result.errors[0].startswith("Документ 3: ")
    assert "Адрес субъекта" in result.errors[0] or "subject_address" in result.errors[0]
    with zipfile.ZipFile(io.BytesIO(archive.get_file(db, result.zip_sha256))) as package:
        names = package.namelist()
        texts = [preview.docx_text(package.read(name)) for name in names]
    assert names == [
        "0001 Савченко Д.О.docx",
        "0002 Кузнецова Д.О.docx",
        "0003 Волкова Д.О.docx",
    ]
    assert "Савченко Дарья Олеговна" in texts[0] and "Волкова Дарья Олеговна" in texts[2]
    pdf = archive.get_file(db, result.pdf_sha256)
    single = len(
        PdfReader(
            io.BytesIO(
                docx_to_pdf(
                    zipfile.ZipFile(io.BytesIO(archive.get_file(db, result.zip_sha256))).read(
                        names[0]
                    )
                )
            )
        ).pages
    )
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 3 * single
    text = preview.normalize_text(pdf_text(pdf))
    assert text.index("Савченко") < text.index("Кузнецова") < text.index("Волкова")
    assert seen[0][2] == "docx" and (4, 4, "docx") in seen and seen[-1][2] == "pdf"
    job = bulk.get_job(db, result.job_id, org_id)
    assert job["status"] == "done" and job["zip_sha256"] == result.zip_sha256
    assert job["errors"] == result.errors


def test_a_person_who_withdrew_consent_is_left_out(db, setup):
    org_id, user = setup
    kept = person(db, org_id, "Кузнецова", "Мария", "Ивановна", birth_date="1985-02-03")
    gone = person(db, org_id, "Волков", "Пётр", "Ильич", birth_date="1984-02-03")
    consent(db, gone, "2024-08-01")
    consents.withdraw_consent(db, person_id=gone, kind="processing", withdrawn_on="2024-08-20")
    items = [_for(pid) for pid in (kept, gone)]
    result = bulk.generate(db, user, "consent", items, on=ON, org_id=org_id, pdf=False)
    assert result.count == 1 and result.pdf_sha256 is None
    assert (
        "Волков П.И. отозвал согласие на обработку персональных данных 20.08.2024"
        in result.errors[0]
    )
    with zipfile.ZipFile(io.BytesIO(archive.get_file(db, result.zip_sha256))) as package:
        assert package.namelist() == ["0001 Кузнецова М.И.docx"]


def _for(person_id: int) -> dict:
    """An adult's consent form for a registry person."""
    return _adult({"id": person_id})


def test_people_read_once_for_the_job_are_refused_as_one_by_one(db, setup):
    """The job reads its people and their withdrawals in one go; who is kept out, and why,
    is what the single document's check says."""
    org_id, user = setup
    other = school(db, department(db, "Отдел образования Тацинского района"), "МБОУ «СОШ № 2»")
    kept = person(db, org_id, "Кузнецова", "Мария", "Ивановна", birth_date="1985-02-03")
    again = person(db, org_id, "Орлова", "Анна", "Петровна", birth_date="1986-02-03")
    consent(db, again, "2024-08-01")
    consents.withdraw_consent(db, person_id=again, kind="processing", withdrawn_on="2024-08-10")
    consent(db, again, "2024-08-20")  # signed anew before the job's date
    later = person(db, org_id, "Зайцев", "Олег", "Ильич", birth_date="1983-02-03")
    consent(db, later, "2024-08-01")
    consents.withdraw_consent(db, person_id=later, kind="processing", withdrawn_on="2024-09-10")
    gone = person(db, org_id, "Волков", "Пётр", "Ильич", birth_date="1984-02-03")
    consent(db, gone, "2024-08-01")
    consents.withdraw_consent(db, person_id=gone, kind="processing", withdrawn_on="2024-08-20")
    stranger = person(db, other, "Иванова", "Ольга", "Сергеевна", birth_date="1980-02-03")
    ids = [kept, again, later, gone, stranger, 9999]
    result = bulk.generate(
        db, user, "consent", [_for(i) for i in ids], on=ON, org_id=org_id, pdf=False
    )
    withdrawn = (
        "Волков П.И. отозвал согласие на обработку персональных данных 20.08.2024: "
        "эти данные нельзя использовать в новых документах"
    )
    assert result.errors == [
        f"Документ 4: {withdrawn} ({withdrawn})",
        "Документ 5: Человек не найден в реестре организации. "
        f"(В реестре организации нет человека с номером {stranger}.)",
        "Документ 6: Человек не найден в реестре организации. "
        "(В реестре организации нет человека с номером 9999.)",
    ]
    with zipfile.ZipFile(io.BytesIO(archive.get_file(db, result.zip_sha256))) as package:
        assert package.namelist() == [
            "0001 Кузнецова М.И.docx",
            "0002 Орлова А.П.docx",
            "0003 Зайцев О.И.docx",
        ]
        assert "Орлова Анна Петровна" in preview.docx_text(package.read("0002 Орлова А.П.docx"))


def test_a_consent_withdrawn_while_the_job_runs_keeps_the_person_out_of_later_documents(
    db, setup, monkeypatch
):
    """People are read a batch at a time, shortly before their documents are made."""
    org_id, user = setup
    first = person(db, org_id, "Кузнецова", "Мария", "Ивановна", birth_date="1985-02-03")
    second = person(db, org_id, "Волков", "Пётр", "Ильич", birth_date="1984-02-03")
    consent(db, second, "2024-08-01")
    render_docx = bulk.compose.render_docx

    def withdrawing_after_the_first(kind, values, template=None):
        docx = render_docx(kind, values, template)
        if values["subject"].surname == "Кузнецова":
            consents.withdraw_consent(
                db, person_id=second, kind="processing", withdrawn_on="2024-08-20"
            )
        return docx

    monkeypatch.setattr(bulk, "RESOLVE_BATCH", 1)
    monkeypatch.setattr(bulk.compose, "render_docx", withdrawing_after_the_first)
    result = bulk.generate(
        db, user, "consent", [_for(first), _for(second)], on=ON, org_id=org_id, pdf=False
    )
    assert result.count == 1
    assert result.errors[0].startswith("Документ 2: Волков П.И. отозвал согласие")


def test_consent_items_cover_everyone_who_lacks_a_consent(db, setup):
    org_id, _ = setup
    a = person(
        db, org_id, "Кузнецова", "Мария", "Ивановна", birth_date="1985-02-03", is_mentor=True
    )
    b = person(db, org_id, "Волков", "Пётр", "Ильич", birth_date="1984-02-03", is_mentee=True)
    consent(db, b, "2024-08-01")
    items = consent_values.consent_items(db, org_id, ON, {"purpose": "организация наставничества"})
    assert items == [
        {"purpose": "организация наставничества", "subject": {"id": a}, "role": "наставник"}
    ]


def test_nothing_to_generate_is_refused(db, setup):
    org_id, user = setup
    from docgen.errors import FieldErrors

    with pytest.raises(FieldErrors):
        bulk.generate(db, user, "consent", [], on=ON, org_id=org_id)


def test_progress_never_counts_past_its_total(db, setup):
    org_id, user = setup
    items = [item(name) for name in ("Савченко", "Кузнецова", "Волкова", "Морозова", "Ильина")]
    del items[1]["subject_address"]
    del items[3]["subject_address"]
    seen = []
    result = bulk.generate(
        db,
        user,
        "consent",
        items,
        on=ON,
        org_id=org_id,
        progress=lambda done, total, phase: seen.append((done, total, phase)),
    )
    assert result.count == 3
    assert seen and all(done <= total == 5 for done, total, _ in seen)
    job = bulk.get_job(db, result.job_id, org_id)
    assert job["done"] == job["total"] == 5
    assert job["message"] == "Сформировано документов: 3 из 5. Не сформировано: 2 (причины ниже)."


def test_a_pdf_chunk_lost_by_its_worker_is_handed_out_once_more(db, setup, monkeypatch):
    org_id, user = setup
    monkeypatch.setattr(bulk, "CHUNK_SECONDS", 0)
    handed: list[int] = []

    def lost_once(docxs):
        handed.append(len(docxs))
        if len(handed) == 1:
            return lambda: None  # its worker died: it never answers
        return bulk.render_here(docxs)

    result = bulk.generate(
        db, user, "consent", [item("Савченко")], on=ON, org_id=org_id, pdf_chunks=lost_once
    )
    assert handed == [1, 1]
    assert "Савченко" in pdf_text(archive.get_file(db, result.pdf_sha256))


def test_a_pdf_chunk_lost_twice_fails_the_job_with_a_message(db, setup, monkeypatch):
    org_id, user = setup
    monkeypatch.setattr(bulk, "CHUNK_SECONDS", 0)
    with pytest.raises(bulk.ChunkLost):
        bulk.generate(
            db,
            user,
            "consent",
            [item("Савченко")],
            on=ON,
            org_id=org_id,
            pdf_chunks=lambda docxs: lambda: None,
        )
    job = next(db.query("SELECT * FROM bulk_jobs ORDER BY id DESC LIMIT 1"))
    assert job["status"] == "failed"
    assert job["message"].startswith("PDF не собран: обработчики очереди не ответили вовремя.")
