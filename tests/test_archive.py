"""Document archive: versions, content-addressed files, immutability after registration."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pytest

from docgen.documents import archive
from docgen.documents import journal as numbering
from docgen.errors import Conflict, FieldErrors, NotFound
from docgen.registry import organisations

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def school(db) -> int:
    org = organisations.create_organisation(db, {"kind": "school", "full_name": "МБОУ «СОШ № 1»"})
    numbering.ensure_series(db, org, "orders", "Приказы по основной деятельности", "{n}-од")
    return org


def _create(db, org_id, title="О назначении куратора", docx=b"docx v1", pdf=b"%PDF v1"):
    return archive.create_document(
        db,
        org_id=org_id,
        kind="curator_order",
        title=title,
        user_id=None,
        input={"curator": "Чернова Н.В.", "date": dt.date(2025, 3, 3)},
        docx=docx,
        pdf=pdf,
    )


@pytest.fixture
def registered(db, school) -> dict:
    doc = _create(db, school)
    archive.add_version(
        db, doc["id"], input={"curator": "Чернова Н.В."}, docx=b"docx v2", pdf=None, user_id=None
    )
    numbering.register(db, doc["id"], series_code="orders", on=DAY, user_id=None)
    return archive.get_document(db, doc["id"])


def test_files_are_stored_once_and_verified_on_read(db):
    sha = archive.put_file(db, b"hello", "text/plain")
    assert sha == hashlib.sha256(b"hello").hexdigest()
    assert archive.put_file(db, b"hello", "text/plain") == sha
    assert db["files"].count == 1
    assert archive.get_file(db, sha) == b"hello"
    with pytest.raises(NotFound):
        archive.get_file(db, "0" * 64)


def test_tampered_file_is_detected_on_read(db, school):
    doc = _create(db, school)
    sha = doc["version"]["docx_sha256"]
    # Simulate corruption below the application: the trigger forbids it from SQL.
    with pytest.raises(sqlite3.IntegrityError, match="Файлы архива неизменяемы"):
        db.execute("UPDATE files SET content = ? WHERE sha256 = ?", [b"forged", sha])
    db.execute("DROP TRIGGER files_no_update")
    db.execute("UPDATE files SET content = ? WHERE sha256 = ?", [b"forged", sha])
    with pytest.raises(archive.CorruptFile) as err:
        archive.get_file(db, sha)
    assert "повреждён" in err.value.message


def test_document_versions_and_their_files(db, school):
    doc = _create(db, school)
    assert doc["status"] == "draft" and doc["version"]["n"] == 1
    assert doc["version"]["input"] == {"curator": "Чернова Н.В.", "date": "2025-03-03"}
    second = archive.add_version(
        db,
        doc["id"],
        input={"curator": "Иванова"},
        docx=b"docx v2",
        pdf=None,
        user_id=None,
        note="исправлена фамилия",
    )
    assert second["n"] == 2 and second["pdf_sha256"] is None
    assert [v["n"] for v in archive.versions(db, doc["id"])] == [1, 2]
    assert archive.get_version(db, doc["id"])["n"] == 2
    assert archive.get_version(db, doc["id"], 1)["input"]["curator"] == "Чернова Н.В."
    for version in archive.versions(db, doc["id"]):
        for sha in (version["docx_sha256"], version["pdf_sha256"]):
            if sha:
                assert hashlib.sha256(archive.get_file(db, sha)).hexdigest() == sha
    assert [d["id"] for d in archive.list_documents(db, school, status="draft")] == [doc["id"]]
    assert archive.list_documents(db, school, kind="other") == []


def test_document_needs_a_title(db, school):
    with pytest.raises(FieldErrors) as err:
        _create(db, school, title="  ")
    assert err.value.fields["title"] == ["Заголовок документа: обязательное поле"]
    assert db["documents"].count == 0


def test_registered_document_refuses_new_versions(db, registered):
    assert registered["registered_version"] == 2
    with pytest.raises(Conflict) as err:
        archive.add_version(db, registered["id"], input={}, docx=b"docx v3", pdf=None, user_id=None)
    assert err.value.message.startswith("Документ зарегистрирован (№ 1-од от 03.03.2025)")
    assert len(archive.versions(db, registered["id"])) == 2


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE versions SET input_json = '{}' WHERE document_id = :doc",
        "UPDATE versions SET docx_sha256 = pdf_sha256 WHERE document_id = :doc",
        "DELETE FROM versions WHERE document_id = :doc",
        "INSERT INTO versions (document_id, n, input_json, docx_sha256, created_at) "
        "SELECT :doc, 9, '{}', docx_sha256, 'now' FROM versions WHERE document_id = :doc LIMIT 1",
        "UPDATE documents SET number = '99-од' WHERE id = :doc",
        "UPDATE documents SET reg_date = '2025-01-01' WHERE id = :doc",
        "UPDATE documents SET registered_version = 1 WHERE id = :doc",
        "UPDATE documents SET title = 'Другое' WHERE id = :doc",
        "UPDATE documents SET status = 'draft' WHERE id = :doc",
        "DELETE FROM documents WHERE id = :doc",
        "UPDATE journal SET number = '99-од' WHERE document_id = :doc",
        "DELETE FROM journal WHERE document_id = :doc",
        "DELETE FROM files",
    ],
)
def test_direct_sql_cannot_change_a_registered_document(db, registered, sql):
    before = list(db.conn.iterdump())
    with pytest.raises(sqlite3.IntegrityError):
        db.execute(sql, {"doc": registered["id"]})
    assert list(db.conn.iterdump()) == before


def test_direct_sql_cannot_fake_a_registration(db, school):
    doc = _create(db, school)
    with pytest.raises(sqlite3.IntegrityError, match="через журнал"):
        db.execute(
            "UPDATE documents SET status = 'registered', number = '5-од', reg_date = '2025-03-03',"
            " registered_version = 1 WHERE id = ?",
            [doc["id"]],
        )
    with pytest.raises(sqlite3.IntegrityError, match="только как черновик"):
        db.execute(
            "INSERT INTO documents (org_id, kind, title, status, number, created_at) "
            "VALUES (?, 'x', 'y', 'registered', '1', 'now')",
            [school],
        )


def test_cancel_keeps_the_number_and_freezes_the_document(db, registered):
    cancelled = archive.cancel(db, registered["id"], None, "Издан ошибочно")
    assert (cancelled["status"], cancelled["number"], cancelled["cancel_reason"]) == (
        "cancelled",
        "1-од",
        "Издан ошибочно",
    )
    with pytest.raises(Conflict):
        archive.cancel(db, registered["id"], None, "ещё раз")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE documents SET cancel_reason = 'x' WHERE id = ?", [registered["id"]])
    with pytest.raises(FieldErrors):
        archive.cancel(db, registered["id"], None, " ")


def test_revise_starts_a_draft_from_the_registered_version(db, registered):
    frozen = archive.get_version(db, registered["id"], registered["registered_version"])
    new = archive.revise(db, registered["id"], None)
    assert new["status"] == "draft" and new["revision_of"] == registered["id"]
    assert new["number"] is None
    assert new["version"]["n"] == 1
    assert new["version"]["input"] == frozen["input"]
    assert new["version"]["docx_sha256"] == frozen["docx_sha256"]
    assert new["version"]["note"] == "Новая редакция документа № 1-од от 03.03.2025"
    with pytest.raises(Conflict):
        archive.revise(db, new["id"], None)


def test_annexes_are_linked_to_a_draft_order_only(db, school):
    order = _create(db, school, "О закреплении наставнических пар")
    first = _create(db, school, "Состав наставнических пар")
    second = _create(db, school, "План мероприятий")
    archive.link_annex(db, order["id"], second["id"], 2)
    archive.link_annex(db, order["id"], first["id"], 1)
    assert [(a["position"], a["title"]) for a in archive.annexes(db, order["id"])] == [
        (1, "Состав наставнических пар"),
        (2, "План мероприятий"),
    ]
    with pytest.raises(Conflict, match="уже есть"):
        archive.link_annex(db, order["id"], _create(db, school)["id"], 1)
    numbering.register(db, order["id"], series_code="orders", on=DAY, user_id=None)
    with pytest.raises(Conflict):
        archive.link_annex(db, order["id"], first["id"], 3)
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM links WHERE parent_document_id = ?", [order["id"]])
    assert len(archive.annexes(db, order["id"])) == 2
