"""Registration stores the DOCX with its number in a short transaction; the PDF comes after it,
from the job queue, and the page, the API and downloads say so until it is there."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
from pathlib import Path

import docx as python_docx
import pytest
from jobs_support import wait_for
from pdftext import pdf_text
from webfixtures import login, make_app

from docgen import demo
from docgen.accounts import users
from docgen.db import connect, now_iso
from docgen.documents import archive, pdfs
from docgen.documents import journal as numbering
from docgen.documents import service as documents
from docgen.errors import Conflict
from docgen.jobs import state
from docgen.kinds import catalog

KIND = "curator-order"


def _text(content: bytes) -> str:
    document = python_docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.fixture
def school(db):
    demo.seed(db)
    director = next(u for u in users.list_users(db) if u["login"] == "director")
    return db, director["org_id"], director


def _draft(db, org_id, user) -> dict:
    return documents.create(db, user, KIND, catalog.get(KIND).sample(), org_id)


def _registered_version(db, document_id) -> dict:
    document = archive.get_document(db, document_id)
    return archive.get_version(db, document_id, document["registered_version"])


def test_the_docx_is_stored_with_its_number_and_the_pdf_waits_for_the_queue(school, today):
    db, org_id, director = school
    draft = _draft(db, org_id, director)
    queued: list[int] = []
    info = documents.register(db, director, draft["id"], today, queued.extend)

    version = _registered_version(db, draft["id"])
    assert archive.get_document(db, draft["id"])["status"] == "registered"
    assert f"№ {info['number']}" in _text(archive.get_file(db, version["docx_sha256"]))
    # The transaction stored the DOCX only; the PDF is asked of the queue after the commit.
    assert version["pdf_sha256"] is None
    assert queued == [version["id"]]
    assert pdfs.state(db, version) == {"status": "pending", "message": pdfs.PENDING}
    with pytest.raises(Conflict) as pending:
        documents.download(db, director, draft["id"], None, "pdf")
    assert pending.value.status == 409
    assert pending.value.message == "PDF готовится: обновите страницу через несколько секунд."
    content, name, _ = documents.download(db, director, draft["id"], None, "docx")
    assert content[:2] == b"PK" and name.startswith(f"№{info['number']} ")

    pdfs.make_now(db, queued, documents.docx_to_pdf)  # what the queue's worker does
    version = _registered_version(db, draft["id"])
    assert pdfs.state(db, version)["status"] == "ready"
    pdf, _, _ = documents.download(db, director, draft["id"], None, "pdf")
    assert f"№ {info['number']}" in pdf_text(pdf)
    assert archive.get_document(db, draft["id"])["number"] == info["number"]


def test_without_a_queue_the_pdf_is_made_after_the_commit(school, today):
    db, org_id, director = school
    draft = _draft(db, org_id, director)
    info = documents.register(db, director, draft["id"], today)
    version = _registered_version(db, draft["id"])
    assert not db.conn.in_transaction
    assert f"№ {info['number']}" in pdf_text(archive.get_file(db, version["pdf_sha256"]))
    assert pdfs.row(db, version["id"]) is None


def test_a_draft_pdf_made_while_the_draft_is_registered_is_not_kept(school, today, db_path):
    """The draft's PDF is still being made when the director registers the draft: that PDF
    (without the number) must not become the registered version's PDF."""
    db, org_id, director = school
    queued: list[int] = []
    draft = documents.create(db, director, KIND, catalog.get(KIND).sample(), org_id, queued.extend)
    (version_id,) = queued
    registered: list[int] = []

    def render_meanwhile(docx: bytes) -> bytes:
        other = connect(db_path)  # the director's request, in another connection
        info = documents.register(other, director, draft["id"], today, registered.extend)
        registered.append(info["number"])
        other.close()
        return documents.docx_to_pdf(docx)

    assert pdfs.claim(db, version_id, "a worker", None)
    pdfs.make(db, version_id, render_meanwhile)
    version = _registered_version(db, draft["id"])
    assert version["id"] == version_id and version["pdf_sha256"] is None
    assert pdfs.row(db, version_id)["status"] == "pending"  # the registration's own request
    assert registered[0] == version_id
    pdfs.make_now(db, [version_id], documents.docx_to_pdf)
    pdf, _, _ = documents.download(db, director, draft["id"], None, "pdf")
    assert f"№ {registered[-1]}" in pdf_text(pdf)


def test_a_number_taken_meanwhile_is_rendered_into_the_docx_that_is_stored(
    school, today, monkeypatch
):
    db, org_id, director = school
    draft = _draft(db, org_id, director)
    expected = numbering.peek_next(db, org_id, "orders", today)
    # The DOCX is rendered and checked before the lock with the number the journal would
    # give; here another registration «took» it first, so the journal gives another one.
    monkeypatch.setattr(documents.numbering, "peek_next", lambda *args, **kw: "999-од")
    info = documents.register(db, director, draft["id"], today)
    assert info["number"] == expected != "999-од"
    version = _registered_version(db, draft["id"])
    text = _text(archive.get_file(db, version["docx_sha256"]))
    assert f"№ {expected}" in text and "999-од" not in text
    assert f"№ {expected}" in pdf_text(archive.get_file(db, version["pdf_sha256"]))


def test_a_version_saved_while_registering_is_the_one_registered(school, today, monkeypatch):
    db, org_id, director = school
    draft = _draft(db, org_id, director)
    prepare = documents._prepare
    calls = []

    def edited_meanwhile(*args, **kw):
        prepared = prepare(*args, **kw)
        if not calls:  # someone saves version 2 after the first render, before the lock
            payload = catalog.get(KIND).sample()
            documents.update(db, director, draft["id"], payload, "правка", lambda ids: None)
        calls.append(prepared.version["n"])
        return prepared

    monkeypatch.setattr(documents, "_prepare", edited_meanwhile)
    info = documents.register(db, director, draft["id"], today, lambda ids: None)
    assert calls == [1, 2]  # the first render was thrown away: no number was taken for it
    assert archive.get_document(db, draft["id"])["registered_version"] == 2
    assert info["seq"] == 1


def test_the_triggers_let_a_registered_pdf_be_filled_once_and_nothing_else(school, today):
    db, org_id, director = school
    draft = _draft(db, org_id, director)
    documents.register(db, director, draft["id"], today, lambda ids: None)
    version = _registered_version(db, draft["id"])
    first = archive.put_file(db, b"%PDF-1.7 first", archive.PDF_MIME)
    second = archive.put_file(db, b"%PDF-1.7 second", archive.PDF_MIME)
    other_docx = archive.put_file(db, b"PK other", archive.DOCX_MIME)
    refused = "Зарегистрированный документ изменять нельзя"
    with pytest.raises(sqlite3.IntegrityError, match=refused):  # the DOCX with the PDF
        db.execute(
            "UPDATE versions SET docx_sha256 = ?, pdf_sha256 = ? WHERE id = ?",
            [other_docx, first, version["id"]],
        )
    db.execute("UPDATE versions SET pdf_sha256 = ? WHERE id = ?", [first, version["id"]])
    for sql, params in [
        ("UPDATE versions SET pdf_sha256 = ? WHERE id = ?", [second, version["id"]]),
        ("UPDATE versions SET pdf_sha256 = NULL WHERE id = ?", [version["id"]]),
        ("UPDATE versions SET docx_sha256 = ? WHERE id = ?", [other_docx, version["id"]]),
    ]:
        with pytest.raises(sqlite3.IntegrityError, match=refused):
            db.execute(sql, params)
    assert _registered_version(db, draft["id"])["pdf_sha256"] == first
    # The service's own store does not overwrite it either.
    assert pdfs.store(db, version["id"], b"%PDF-1.7 third", version["docx_sha256"]) is False
    assert _registered_version(db, draft["id"])["pdf_sha256"] == first


def test_a_failed_pdf_says_why_and_can_be_made_again(school, today):
    db, org_id, director = school
    draft = _draft(db, org_id, director)
    queued: list[int] = []
    documents.register(db, director, draft["id"], today, queued.extend)

    def broken(content: bytes) -> bytes:
        raise pdfs.RenderFailed("обработчик PDF не ответил за 10 мин. Попробуйте ещё раз.")

    assert pdfs.claim(db, queued[0], "host:1", None)
    assert pdfs.make(db, queued[0], broken) == "failed"
    version = _registered_version(db, draft["id"])
    failed = "PDF не удалось сделать: обработчик PDF не ответил за 10 мин. Попробуйте ещё раз."
    assert pdfs.state(db, version) == {"status": "failed", "message": failed}
    with pytest.raises(Conflict, match=failed):
        documents.download(db, director, draft["id"], None, "pdf")
    # The number stays with its registered document and its DOCX whatever the PDF does.
    row = next(db.query("SELECT * FROM journal WHERE document_id = ?", [draft["id"]]))
    assert row["number"] == archive.get_document(db, draft["id"])["number"]

    documents.retry_pdf(db, director, draft["id"], version["n"])
    assert pdfs.state(db, _registered_version(db, draft["id"]))["status"] == "ready"
    with pytest.raises(Conflict, match="не ждёт повтора"):
        documents.retry_pdf(db, director, draft["id"], version["n"])


def test_an_order_and_its_annexes_are_frozen_together_and_their_pdfs_follow(school, today):
    db, org_id, director = school
    payload = catalog.get("approval-order").sample()
    payload.pop("organisation", None)
    regulation = catalog.get("regulation").sample()
    regulation.pop("organisation", None)
    payload["documents"] = [{"kind": "regulation", "input": regulation}]
    order = documents.create(db, director, "approval-order", payload, org_id)
    annex_ids = [a["id"] for a in archive.annexes(db, order["id"])]
    assert len(annex_ids) == 1
    queued: list[int] = []
    info = documents.register(db, director, order["id"], today, queued.extend)
    annex_versions = []
    for annex_id in annex_ids:
        annex = archive.get_document(db, annex_id)
        assert (annex["status"], annex["number"]) == ("registered", info["number"])
        annex_versions.append(_registered_version(db, annex_id)["id"])
    assert sorted(queued) == sorted([_registered_version(db, order["id"])["id"], *annex_versions])
    pdfs.make_now(db, queued, documents.docx_to_pdf)
    for document_id in [order["id"], *annex_ids]:
        assert _registered_version(db, document_id)["pdf_sha256"]


def test_a_pending_pdf_whose_worker_died_is_queued_again(db_path, school, today):
    db, org_id, director = school
    draft = _draft(db, org_id, director)
    queued: list[int] = []
    documents.register(db, director, draft["id"], today, queued.extend)
    [version_id] = queued
    again: list[int] = []
    recent = dt.datetime.now(dt.UTC)
    # Asked for a moment ago and not yet taken: it is in the queue, nothing to do.
    assert state.recover_pdfs(str(db_path), again.append, host="here", now=recent) == []
    # Taken by a process of this host that is no longer alive: queued again.
    dead = "here:999999999"
    assert pdfs.claim(db, version_id, dead, None)
    assert state.recover_pdfs(str(db_path), again.append, host="here", now=recent) == [version_id]
    # The next worker takes it over from the dead one, and nobody else can.
    assert pdfs.claim(db, version_id, "here:1", dead)
    assert not pdfs.claim(db, version_id, "here:2", dead)


def test_the_page_and_the_api_show_the_pdf_when_the_queue_has_made_it(tmp_path: Path):
    app = make_app(tmp_path, QUEUE_IMMEDIATE=False, QUEUE_CONSUMER=False)
    queue = app.extensions["docgen.jobs"]
    client = app.test_client()
    issued = client.post("/api/token", json={"login": "director", "password": "nastavnik2024"})
    headers = {"Authorization": f"Bearer {issued.get_json()['token']}"}
    org_id = client.get("/api/me", headers=headers).get_json()["org_id"]
    body = {"kind": KIND, "org_id": org_id, "input": catalog.get(KIND).sample()}
    draft = client.post("/api/documents", json=body, headers=headers).get_json()
    registered = client.post(f"/api/documents/{draft['id']}/register", json={}, headers=headers)
    assert registered.status_code == 200, registered.get_json()
    answer = registered.get_json()
    assert answer["status"] == "registered"
    assert answer["pdf"] == {"status": "pending", "message": pdfs.PENDING}
    assert answer["versions"][-1]["pdf"]["status"] == "pending"
    number = answer["number"]

    pdf_url = f"/api/documents/{draft['id']}/latest.pdf"
    waiting = client.get(pdf_url, headers=headers)
    assert waiting.status_code == 409
    assert waiting.get_json()["error"] == pdfs.PENDING
    docx = client.get(f"/api/documents/{draft['id']}/latest.docx", headers=headers)
    assert docx.status_code == 200 and f"№ {number}" in _text(docx.data)

    login(client, "director")
    page = client.get(f"/documents/{draft['id']}").get_data(as_text=True)
    assert "PDF готовится" in page and "js/pdf.js" in page
    v = answer["registered_version"]
    assert client.get(f"/documents/{draft['id']}/v{v}.pdf").status_code == 409

    try:
        queue.start_in_process()
        wait_for(
            lambda: (
                client.get(f"/api/documents/{draft['id']}", headers=headers).get_json()["pdf"]
                == {"status": "ready", "message": None}
            ),
            120,
            "the queue makes the registered PDF",
        )
    finally:
        queue.stop_in_process()
    pdf = client.get(pdf_url, headers=headers)
    assert pdf.status_code == 200 and f"№ {number}" in pdf_text(pdf.data)
    page = client.get(f"/documents/{draft['id']}").get_data(as_text=True)
    assert "PDF готовится" not in page and f"/documents/{draft['id']}/v{v}.pdf" in page


def test_a_failed_pdf_is_shown_on_the_page_with_a_retry(app, client):
    db = connect(app.config["DATABASE"])
    director = next(u for u in users.list_users(db) if u["login"] == "director")
    draft = documents.create(db, director, KIND, catalog.get(KIND).sample(), director["org_id"])
    queued: list[int] = []
    documents.register(db, director, draft["id"], dt.date.today(), queued.extend)
    db.execute(
        "UPDATE pdf_renders SET status = 'failed', message = 'ошибка при вёрстке (ValueError). "
        "Попробуйте ещё раз.', started_at = ? WHERE version_id = ?",
        [now_iso(), queued[0]],
    )
    db.close()
    login(client, "director")
    page = client.get(f"/documents/{draft['id']}").get_data(as_text=True)
    assert "PDF не удалось сделать: ошибка при вёрстке (ValueError)." in page
    assert "Сделать PDF заново" in page
    # The journal keeps the number with its document and says what happened to the PDF.
    journal = client.get("/journal").get_data(as_text=True)
    assert "PDF не удалось сделать: ошибка при вёрстке (ValueError)." in journal
    retried = client.post(f"/documents/{draft['id']}/v1/pdf", follow_redirects=True)
    text = retried.get_data(as_text=True)
    # The tests' queue runs its tasks at once: the PDF is there when the page comes back.
    assert "PDF готовится заново." in text and f"/documents/{draft['id']}/v1.pdf" in text
