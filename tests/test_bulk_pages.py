"""Bulk generation from the page: one button, progress to poll, a ZIP and a PDF to download."""

from __future__ import annotations

import io
import time
import zipfile

from flask import Flask
from flask.testing import FlaskClient
from pdftext import pdf_text
from webfixtures import login

from docgen.registry import people as registry_people
from docgen.rendering import html as preview
from docgen.web.helpers import get_db

# The job renders its PDF in freshly spawned processes that import docgen and WeasyPrint:
# tens of seconds on a busy machine with a fresh clone (no bytecode, no font cache yet).
# The bound only keeps a hung job from hanging the suite; the test waits for the job's state.
JOB_BOUND_SECONDS = 600


def _wait(client: FlaskClient, url: str) -> dict:
    deadline = time.monotonic() + JOB_BOUND_SECONDS
    while (job := client.get(url + ".json").get_json())["status"] == "running":
        assert time.monotonic() < deadline, f"the bulk job did not finish: {job}"
        time.sleep(0.1)
    return job


def test_consent_forms_for_everyone_who_lacks_one(client: FlaskClient) -> None:
    login(client, "curator")
    page = client.get("/documents/bulk").get_data(as_text=True)
    assert "всем участникам, у кого их нет" in page
    started = client.post("/documents/bulk", data={"action": "consents"})
    assert started.status_code == 302
    job_url = started.headers["Location"]
    assert "Пакетное формирование №" in client.get(job_url).get_data(as_text=True)
    job = _wait(client, job_url)
    assert job["status"] == "done", job["errors"]
    assert job["done"] == job["total"] == 1  # only Морозова has no consent in the demo school
    archive_zip = client.get(job_url + "/documents.zip")
    with zipfile.ZipFile(io.BytesIO(archive_zip.data)) as package:
        names = package.namelist()
        assert len(names) == 1 and "Морозова" in names[0]
        text = preview.docx_text(package.read(names[0]))
    assert "несовершеннолетней Морозовой Алины Игоревны" in text
    pdf = client.get(job_url + "/documents.pdf")
    assert pdf.data.startswith(b"%PDF")
    assert "Морозовой Алины" in preview.normalize_text(pdf_text(pdf.data))


def test_personal_programmes_for_every_pair_of_young_teachers(
    app: Flask, client: FlaskClient
) -> None:
    login(client, "methodologist")
    refused = client.post("/documents/bulk", data={"action": "personal-programmes"})
    assert refused.status_code == 422
    assert "Выберите куратора программ" in refused.get_data(as_text=True)
    with app.app_context():
        people = registry_people.list_people(get_db(), 2)
    curator = next(p for p in people if p["surname"] == "Чернова")
    started = client.post(
        "/documents/bulk", data={"action": "personal-programmes", "curator_id": curator["id"]}
    )
    job = _wait(client, started.headers["Location"])
    assert job["status"] == "done", job["errors"]
    archive_zip = client.get(started.headers["Location"] + "/documents.zip")
    with zipfile.ZipFile(io.BytesIO(archive_zip.data)) as package:
        texts = [preview.docx_text(package.read(name)) for name in package.namelist()]
    # the demo school has two young teachers in pairs: Иванова (1 year) and Королёв (2 years)
    assert len(texts) == 2
    assert any("Иванова Анастасия Андреевна" in t for t in texts)
    assert any("Королёв Пётр Алексеевич" in t for t in texts)


def test_a_school_user_cannot_read_another_schools_job(client: FlaskClient) -> None:
    login(client, "curator")
    job_url = client.post("/documents/bulk", data={"action": "consents"}).headers["Location"]
    _wait(client, job_url)
    client.post("/logout")
    login(client, "curator2")
    assert client.get(job_url + ".json").status_code == 404
    assert client.get(job_url + "/documents.zip").status_code == 404


def test_the_page_offers_only_the_actions_of_the_users_role(client: FlaskClient) -> None:
    login(client, "municipal")
    page = client.get("/documents/bulk")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Для вашей роли таких действий нет" in text and 'name="action"' not in text
    client.post("/logout")
    login(client, "methodologist")
    text = client.get("/documents/bulk").get_data(as_text=True)
    assert 'value="personal-programmes"' in text and 'value="consents"' not in text
    client.post("/logout")
    login(client, "curator")
    text = client.get("/documents/bulk").get_data(as_text=True)
    assert 'value="consents"' in text and "Для вашей роли" not in text


def test_the_page_title_is_plain_text(client: FlaskClient) -> None:
    login(client, "curator")
    text = client.get("/documents/bulk").get_data(as_text=True)
    title = text[text.index("<title>") : text.index("</title>")]
    assert title == "<title>Пакетное формирование — docgen"
