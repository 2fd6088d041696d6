"""A bulk job honours a withdrawn consent for people typed by name, as a single document does."""

from __future__ import annotations

import copy
import datetime as dt
import io
import zipfile

from registry_factory import consent, department, person, school

from docgen.accounts import users
from docgen.documents import archive, bulk
from docgen.kinds import catalog
from docgen.registry import consents, organisations
from docgen.rendering import html as preview

ON = dt.date(2024, 9, 2)


def _adult(subject: dict) -> dict:
    data = copy.deepcopy(catalog.get("consent").sample())
    data["subject"] = subject
    for key in (
        "representative",
        "representative_relation",
        "representative_address",
        "representative_doc",
        "authority_doc",
    ):
        data.pop(key, None)
    return data


def test_a_person_typed_inline_whose_consent_is_withdrawn_is_left_out(db):
    org_id = organisations.get_organisation(db, school(db, department(db)))["id"]
    user = users.get_user(
        db, users.create_user(db, "curator1", "nastavnik2024", "curator", org_id, "Чернова Н.В.")
    )
    gone = person(db, org_id, "Волков", "Пётр", "Ильич", birth_date="1984-02-03")
    consent(db, gone, "2024-08-01")
    consents.withdraw_consent(db, person_id=gone, kind="processing", withdrawn_on="2024-08-20")
    typed = {"surname": "Волков", "name": "Пётр", "patronymic": "Ильич", "gender": "m"}
    stranger = {"surname": "Орлова", "name": "Нина", "patronymic": "Павловна", "gender": "f"}
    items = [
        _adult({**stranger, "birth_date": "05.06.1980"}),
        # The registry person typed by name (no id), as the registry compares names.
        _adult({**typed, "birth_date": "03.02.1984"}),
        _adult({**typed, "surname": "волков", "birth_date": "1984-02-03"}),
    ]
    result = bulk.generate(db, user, "consent", items, on=ON, org_id=org_id, pdf=False)
    assert result.count == 1
    assert len(result.errors) == 2
    for number, error in zip((2, 3), result.errors, strict=True):
        assert error.startswith(f"Документ {number}: ")
        assert "Волков П.И. отозвал согласие на обработку персональных данных" in error
    with zipfile.ZipFile(io.BytesIO(archive.get_file(db, result.zip_sha256))) as package:
        assert package.namelist() == ["0001 Орлова Н.П.docx"]
        assert "Орлова Нина Павловна" in preview.docx_text(package.read("0001 Орлова Н.П.docx"))
    job = bulk.get_job(db, result.job_id, org_id)
    assert job["status"] == "done" and job["errors"] == result.errors
