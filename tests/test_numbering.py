"""Registration numbers: formats, yearly restart, no duplicates or gaps under concurrency."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import sqlite3
import threading

import pytest

from docgen.db import connect, transaction
from docgen.documents import archive
from docgen.documents import journal as numbering
from docgen.errors import Conflict, FieldErrors, NotFound
from docgen.registry import organisations

DAY = dt.date(2025, 3, 3)


def _school(db) -> int:
    return organisations.create_organisation(db, {"kind": "school", "full_name": "МБОУ «СОШ № 1»"})


def _draft(db, org_id: int, title: str = "О назначении куратора") -> int:
    doc = archive.create_document(
        db,
        org_id=org_id,
        kind="curator_order",
        title=title,
        user_id=None,
        input={"title": title},
        docx=f"docx {title}".encode(),
        pdf=None,
    )
    return doc["id"]


@pytest.fixture
def school(db) -> int:
    org = _school(db)
    numbering.ensure_series(db, org, "orders", "Приказы по основной деятельности", "{n}-од")
    return org


@pytest.mark.parametrize(
    "pattern, n, year, expected",
    [
        ("{n}", 243, 2024, "243"),
        ("{n}-од", 145, 2022, "145-од"),
        ("{n}-а", 10, 2024, "10-а"),
        ("85/{n}", 7, 2024, "85/7"),
        ("01-05/{n}", 123, 2024, "01-05/123"),
        ("{n:03d}", 7, 2024, "007"),
        ("{n}/{year}", 12, 2025, "12/2025"),
    ],
)
def test_format_number(pattern, n, year, expected):
    assert numbering.format_number(pattern, n, year) == expected


@pytest.mark.parametrize(
    "pattern, text",
    [
        ("", "Шаблон номера: обязательное поле"),
        ("№ од", "Шаблон номера: должен содержать {n}"),
        ("{year}-од", "Шаблон номера: должен содержать {n}"),
        ("{n}-{num}", "Шаблон номера: неизвестная подстановка «{num}»"),
        ("{n.__class__}", "Шаблон номера: неизвестная подстановка"),
        ("{n", "Шаблон номера: непарные фигурные скобки"),
        ("{n:xyz}", "Шаблон номера: неверный формат подстановки"),
    ],
)
def test_bad_patterns_are_refused(db, pattern, text):
    org = _school(db)
    with pytest.raises(FieldErrors) as err:
        numbering.ensure_series(db, org, "orders", "Приказы", pattern)
    assert err.value.fields["pattern"][0].startswith(text)
    assert numbering.list_series(db, org) == []


def test_ensure_series_is_idempotent_and_updates_pattern(db):
    org = _school(db)
    first = numbering.ensure_series(db, org, "orders", "Приказы", "{n}")
    assert numbering.ensure_series(db, org, "orders", "Приказы по ОД", "{n}-од") == first
    assert numbering.get_series(db, org, "orders")["pattern"] == "{n}-од"


def test_register_assigns_consecutive_numbers_and_freezes_the_document(db, school):
    first, second = _draft(db, school), _draft(db, school, "О закреплении наставнических пар")
    info = numbering.register(db, first, series_code="orders", on=DAY, user_id=None)
    assert (info["seq"], info["number"], info["reg_date"]) == (1, "1-од", "2025-03-03")
    numbering.register(db, second, series_code="orders", on=DAY, user_id=None)
    doc = archive.get_document(db, second)
    assert (doc["status"], doc["number"], doc["reg_date"], doc["registered_version"]) == (
        "registered",
        "2-од",
        "2025-03-03",
        1,
    )
    rows = numbering.journal(db, school, 2025)
    assert [(r["number"], r["title"]) for r in rows] == [
        ("1-од", "О назначении куратора"),
        ("2-од", "О закреплении наставнических пар"),
    ]
    with pytest.raises(Conflict) as err:
        numbering.register(db, first, series_code="orders", on=DAY, user_id=None)
    assert err.value.message == "Документ уже зарегистрирован: № 1-од от 03.03.2025"


def test_numbers_restart_each_year_and_dates_stay_in_order(db, school):
    docs = [_draft(db, school, f"Приказ {i}") for i in range(4)]
    numbering.register(db, docs[0], series_code="orders", on=dt.date(2024, 12, 28), user_id=None)
    numbering.register(db, docs[1], series_code="orders", on=dt.date(2024, 12, 30), user_id=None)
    info = numbering.register(
        db, docs[2], series_code="orders", on=dt.date(2025, 1, 9), user_id=None
    )
    assert info["number"] == "1-од"
    assert [r["number"] for r in numbering.journal(db, school, 2024)] == ["1-од", "2-од"]
    with pytest.raises(Conflict) as err:
        numbering.register(db, docs[3], series_code="orders", on=dt.date(2025, 1, 8), user_id=None)
    assert "раньше последней записи журнала" in err.value.message
    assert archive.get_document(db, docs[3])["status"] == "draft"


def test_series_are_independent(db, school):
    numbering.ensure_series(db, school, "staff", "Приказы по личному составу", "{n}-к")
    a, b = _draft(db, school), _draft(db, school)
    assert numbering.register(db, a, series_code="orders", on=DAY, user_id=None)["number"] == "1-од"
    assert numbering.register(db, b, series_code="staff", on=DAY, user_id=None)["number"] == "1-к"


def test_cancelled_document_keeps_its_number_and_it_is_never_reused(db, school):
    first, second, draft = _draft(db, school), _draft(db, school), _draft(db, school)
    numbering.register(db, first, series_code="orders", on=DAY, user_id=None)
    archive.cancel(db, first, None, "Ошибка в составе пар")
    assert archive.get_document(db, first)["number"] == "1-од"
    assert numbering.register(db, second, series_code="orders", on=DAY, user_id=None)["seq"] == 2
    archive.cancel(db, draft, None, "Не нужен")
    with pytest.raises(Conflict):
        numbering.register(db, draft, series_code="orders", on=DAY, user_id=None)
    statuses = [(r["number"], r["status"]) for r in numbering.journal(db, school, 2025)]
    assert statuses == [("1-од", "cancelled"), ("2-од", "registered")]


def test_unknown_series_or_document(db, school):
    doc = _draft(db, school)
    with pytest.raises(NotFound) as err:
        numbering.register(db, doc, series_code="letters", on=DAY, user_id=None)
    assert "«letters» не настроен" in err.value.message
    with pytest.raises(NotFound):
        numbering.register(db, 9999, series_code="orders", on=DAY, user_id=None)


def test_document_without_version_is_refused(db, school):
    doc_id = (
        db["documents"]
        .insert(
            {
                "org_id": school,
                "kind": "x",
                "title": "Пустой",
                "status": "draft",
                "created_at": "now",
            }
        )
        .last_pk
    )
    with pytest.raises(Conflict) as err:
        numbering.register(db, doc_id, series_code="orders", on=DAY, user_id=None)
    assert "нет ни одной версии" in err.value.message
    assert numbering.journal(db, school, 2025) == []


def test_before_commit_stores_the_numbered_files_atomically(db, school):
    doc = _draft(db, school)

    def rerender(conn: sqlite3.Connection, info: dict) -> None:
        stamped = f"Приказ № {info['number']} от {info['on']:%d.%m.%Y}".encode()
        archive.replace_frozen_files(conn, info["version_id"], stamped, b"%PDF " + stamped)

    numbering.register(db, doc, series_code="orders", on=DAY, user_id=None, before_commit=rerender)
    version = archive.get_version(db, doc, 1)
    assert archive.get_file(db, version["docx_sha256"]).decode() == "Приказ № 1-од от 03.03.2025"
    assert archive.get_file(db, version["pdf_sha256"]).startswith(b"%PDF")
    # Once registered, the same path is closed by the trigger.
    with pytest.raises(sqlite3.IntegrityError, match="Зарегистрированный документ"):
        with transaction(db):
            archive.replace_frozen_files(db.conn, version["id"], b"forged", None)


def test_failing_before_commit_registers_nothing_and_consumes_no_number(db, school):
    doc = _draft(db, school)
    before = list(db.conn.iterdump())

    def broken(conn: sqlite3.Connection, info: dict) -> None:
        archive.replace_frozen_files(conn, info["version_id"], b"half done", None)
        raise RuntimeError("renderer crashed")

    with pytest.raises(RuntimeError):
        numbering.register(
            db, doc, series_code="orders", on=DAY, user_id=None, before_commit=broken
        )
    assert list(db.conn.iterdump()) == before
    assert (
        numbering.register(db, doc, series_code="orders", on=DAY, user_id=None)["number"] == "1-од"
    )


def _register_many(path: str, doc_ids: list[int], threads: int) -> list[str]:
    """Register the documents from `threads` threads, each with its own connection."""
    numbers: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def work(chunk: list[int]) -> None:
        db = connect(path)
        try:
            barrier.wait()
            for doc_id in chunk:
                info = numbering.register(db, doc_id, series_code="orders", on=DAY, user_id=None)
                with lock:
                    numbers.append(info["number"])
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            db.close()

    chunks = [doc_ids[i::threads] for i in range(threads)]
    workers = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    if errors:
        raise errors[0]
    return numbers


def _process_main(path: str, doc_ids: list[int], threads: int, queue) -> None:
    try:
        queue.put(("ok", _register_many(path, doc_ids, threads)))
    except Exception as exc:  # the parent re-raises it with context
        queue.put(("error", repr(exc)))


def _assert_consecutive(numbers: list[str], expected: int) -> None:
    seqs = sorted(int(n.removesuffix("-од")) for n in numbers)
    assert seqs == list(range(1, expected + 1))


def test_threads_get_unique_consecutive_numbers(db, db_path, school):
    docs = [_draft(db, school, f"Приказ {i}") for i in range(80)]
    numbers = _register_many(str(db_path), docs, threads=8)
    _assert_consecutive(numbers, 80)
    journal = numbering.journal(db, school, 2025)
    assert [r["seq"] for r in journal] == list(range(1, 81))
    assert sorted(r["document_id"] for r in journal) == docs


def test_processes_and_threads_together_get_unique_consecutive_numbers(db, db_path, school):
    docs = [_draft(db, school, f"Приказ {i}") for i in range(80)]
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    processes = [
        ctx.Process(target=_process_main, args=(str(db_path), docs[i::4], 2, queue))
        for i in range(4)
    ]
    for process in processes:
        process.start()
    # Bounded generously: each spawned process imports docgen first, slow on a busy machine.
    results = [queue.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=600)
        assert process.exitcode == 0
    assert all(status == "ok" for status, _ in results), results
    numbers = [n for _, chunk in results for n in chunk]
    _assert_consecutive(numbers, 80)
    assert [r["seq"] for r in numbering.journal(db, school, 2025)] == list(range(1, 81))


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (dt.date(39, 11, 18), "Дата регистрации 18.11.0039 раньше 1900 года"),
        (dt.date(1899, 12, 31), "раньше 1900 года"),
        (dt.date(2204, 3, 3), "больше чем на год впереди"),
    ],
)
def test_a_registration_date_out_of_bounds_opens_no_journal(db, school, on, expected):
    doc = _draft(db, school)
    with pytest.raises(FieldErrors) as err:
        numbering.register(db, doc, series_code="orders", on=on, user_id=None)
    assert expected in err.value.fields["date"][0]
    assert db["journal"].count == 0
    assert db["documents"].get(doc)["status"] == "draft"


def test_the_bounds_of_a_registration_date():
    today = dt.date(2025, 3, 3)
    numbering.check_date(dt.date(1900, 1, 1), today)
    numbering.check_date(today + dt.timedelta(days=366), today)
    with pytest.raises(FieldErrors):
        numbering.check_date(today + dt.timedelta(days=367), today)
