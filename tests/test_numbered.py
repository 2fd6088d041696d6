"""A registration's number filled in after rendering is the number rendered: for every kind,
and for registrations racing each other in threads (each DOCX carries its own journal number)."""

from __future__ import annotations

import datetime as dt
import io
import re
import threading

import docx as python_docx
import pytest

from docgen import demo
from docgen.accounts import users
from docgen.db import connect
from docgen.documents import archive, compose, numbered
from docgen.documents import service as documents
from docgen.kinds import catalog
from docgen.rendering import docx as engine
from docgen.rendering.context import Requisites

ON = dt.date(2024, 9, 2)


def _text(content: bytes) -> str:
    document = python_docx.Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    parts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


@pytest.mark.parametrize("kind", catalog.KINDS, ids=lambda kind: kind.slug)
def test_a_number_filled_in_is_the_number_rendered(kind):
    data = compose.validate(kind, kind.sample())
    template = engine.builtin_template(kind.template)

    def values(requisites: Requisites) -> dict:
        return compose.build_context(kind, data, requisites=requisites)

    parts, blank = numbered.render(template, values, Requisites("77-од", ON))
    assert blank is not None
    assert parts.docx() == engine.render(template, values(Requisites("77-од", ON)))
    for number in ("78-од", "01-05/7", "№ 3.1", "12"):
        filled = numbered.fill(blank, number)
        assert filled is not None
        assert filled.docx() == engine.render(template, values(Requisites(number, ON)))


@pytest.mark.parametrize("number", ['7"А"', "7 & 8", "<7>", "7\t8", None])
def test_a_number_the_engine_would_change_is_rendered_again(number):
    kind = catalog.get("curator-order")
    data = compose.validate(kind, kind.sample())
    template = engine.builtin_template(kind.template)

    def values(requisites: Requisites) -> dict:
        return compose.build_context(kind, data, requisites=requisites)

    parts, blank = numbered.render(template, values, Requisites(number, ON))
    assert blank is None
    assert parts.docx() == engine.render(template, values(Requisites(number, ON)))
    _, plain = numbered.render(template, values, Requisites("1-од", ON))
    assert numbered.fill(plain, number) is None


def test_racing_registrations_each_carry_their_own_number(db, db_path, today):
    """Threads on their own connections register drafts at once, so most render with a number
    another thread takes first: every number is taken once, with no gap, and each stored
    DOCX prints the number of its own journal line."""
    demo.seed(db)
    director = next(u for u in users.list_users(db) if u["login"] == "director")
    kind = catalog.get("curator-order")
    drafts = [
        documents.create(db, director, kind.slug, kind.sample(), director["org_id"])["id"]
        for _ in range(24)
    ]
    todo = list(drafts)
    taken = threading.Lock()
    failures: list[BaseException] = []

    def registrar() -> None:
        own = connect(db_path)
        try:
            while True:
                with taken:
                    if not todo:
                        return
                    document_id = todo.pop()
                documents.register(own, director, document_id, today, lambda _: None)
        except BaseException as exc:  # reported below, in the test's thread
            failures.append(exc)
        finally:
            own.close()

    threads = [threading.Thread(target=registrar) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []

    lines = list(db.query("SELECT seq, number, document_id FROM journal ORDER BY seq"))
    assert [line["seq"] for line in lines] == list(range(1, 25))
    assert sorted(line["document_id"] for line in lines) == sorted(drafts)
    numbers = {line["number"] for line in lines}
    for line in lines:
        document = archive.get_document(db, line["document_id"])
        assert document["number"] == line["number"] == f"{line['seq']}-од"
        version = archive.get_version(db, document["id"], document["registered_version"])
        text = _text(archive.get_file(db, version["docx_sha256"]))
        assert set(re.findall(r"№ (\d+-од)", text)) & numbers == {line["number"]}
    audit = list(db.query("SELECT detail FROM audit WHERE action = 'register'"))
    assert sorted(a["detail"] for a in audit) == sorted(line["number"] for line in lines)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
