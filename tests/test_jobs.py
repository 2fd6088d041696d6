"""The job queue: bulk jobs through the API, a real consumer, and jobs whose worker died."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import pytest
from jobs_support import add_teachers, demo_database, token, wait_for
from pdftext import pdf_text
from webfixtures import login, make_app

from docgen.db import connect, now_iso
from docgen.documents import bulk
from docgen.jobs import state
from docgen.rendering import html as preview


def _ended(client, job_url: str, seconds: float) -> dict:
    """The bulk job's state once it is done or failed, as its page's script reads it."""
    return wait_for(
        lambda: (
            (j := client.get(job_url + ".json").get_json())["status"] in ("done", "failed") and j
        ),
        seconds,
        "the bulk job ends",
    )


@contextlib.contextmanager
def _consents_from_the_page(tmp_path: Path, **config):
    """An app whose embedded consumer runs the «consents» bulk action a curator starts on the
    page for the demo school and 3 new teachers: (client, queue, the job's page URL); the
    queue is stopped on leaving."""
    app = make_app(tmp_path, QUEUE_IMMEDIATE=False, QUEUE_CONSUMER=True, **config)
    add_teachers(tmp_path / "web.sqlite", 3)
    queue = app.extensions["docgen.jobs"]
    try:
        client = app.test_client()
        login(client, "curator")
        job_url = client.post("/documents/bulk", data={"action": "consents"}).headers["Location"]
        yield client, queue, job_url
    finally:
        queue.stop_in_process()


def test_a_bulk_job_through_the_api(app, client):
    headers = token(client)
    org_id = client.get("/api/me", headers=headers).get_json()["org_id"]
    started = client.post(
        "/api/bulk", json={"org_id": org_id, "action": "consents"}, headers=headers
    )
    assert started.status_code == 202
    job_id = started.get_json()["id"]
    job = client.get(f"/api/bulk/{job_id}", headers=headers).get_json()
    # Tests run the queue's tasks at once: the job is over when POST answers.
    assert job["status"] == "done" and job["done"] == job["total"] == 1
    assert job["message"] == "Сформировано документов: 1 из 1."
    login(client, "curator")
    package = client.get(f"/documents/bulk/{job_id}/documents.zip").data
    with zipfile.ZipFile(io.BytesIO(package)) as files:
        assert "Морозова" in files.namelist()[0]


def test_the_api_refuses_what_it_cannot_do(client):
    headers = token(client)
    assert client.post("/api/bulk", json={"org_id": 1, "action": "consents"}).status_code == 401
    wrong = client.post("/api/bulk", json={"org_id": 1, "action": "всё"}, headers=headers)
    assert wrong.status_code == 422 and "consents" in wrong.get_json()["fields"]["action"][0]
    org_id = client.get("/api/me", headers=headers).get_json()["org_id"]
    job_id = client.post(
        "/api/bulk", json={"org_id": org_id, "action": "consents"}, headers=headers
    ).get_json()["id"]
    other = client.post("/api/token", json={"login": "curator2", "password": "nastavnik2024"})
    other_headers = {"Authorization": f"Bearer {other.get_json()['token']}"}
    assert client.get(f"/api/bulk/{job_id}", headers=other_headers).status_code == 404
    assert client.get(f"/api/bulk/{10**30}", headers=headers).status_code == 404
    foreign = client.post(
        "/api/bulk", json={"org_id": org_id, "action": "consents"}, headers=other_headers
    )
    assert foreign.status_code == 403


def test_a_real_consumer_runs_the_job_from_the_page(tmp_path: Path):
    with _consents_from_the_page(tmp_path) as (client, queue, job_url):
        assert queue._consumers, "the first request starts the embedded consumer"
        job = _ended(client, job_url, 120)
    assert job["status"] == "done", job
    assert job["done"] == job["total"] == 4
    pdf = client.get(job_url + "/documents.pdf").data
    text = preview.normalize_text(pdf_text(pdf))
    assert "Морозовой Алины" in text and "Андреева Анна Ивановна" in text
    assert (tmp_path / "instance" / "queue.sqlite").exists()
    assert list((tmp_path / "instance" / "tmp" / "jobs").iterdir()) == []


def test_a_render_worker_makes_way_for_a_fresh_one_and_the_job_gets_every_page(tmp_path: Path):
    # Replaced after every document: 4 chunks of one consent each, each laid out by the
    # render worker process of its time.
    with _consents_from_the_page(tmp_path, QUEUE_RENDER_RECYCLE=1) as (client, queue, job_url):
        job = _ended(client, job_url, 180)
        assert len(queue._children) == 1
    assert job["status"] == "done", job
    db = connect(tmp_path / "web.sqlite")
    job_id = int(job_url.rstrip("/").rsplit("/", 1)[1])
    renderers = db.execute("SELECT renderers FROM bulk_jobs WHERE id = ?", [job_id]).fetchone()
    assert len(renderers[0].split(",")) >= 2, renderers  # «host:pid» of each process
    text = preview.normalize_text(pdf_text(client.get(job_url + "/documents.pdf").data))
    for name in ("Морозовой Алины", "Андреева Анна", "Борисова Анна", "Васильева Анна"):
        assert name in text, name


def _running_job(db, worker: str, beat: str, attempts: int = 1, given: bool = True) -> int:
    job_id = bulk.start_job(db, 2, "consent", 3, None, items=[{}], on=dt.date(2024, 9, 2))
    db["bulk_jobs"].update(
        job_id,
        {
            "status": "running",
            "worker": worker,
            "heartbeat_at": beat,
            "attempts": attempts,
            "done": 2,
            "input_json": json.dumps({"items": []}) if given else None,
        },
    )
    db.conn.commit()
    return job_id


@pytest.fixture
def jobs_db(tmp_path: Path):
    demo_database(tmp_path / "jobs.sqlite", extra=0)
    db = connect(tmp_path / "jobs.sqlite")
    yield db
    db.close()


def test_a_job_whose_worker_died_runs_again_once_then_fails(jobs_db, tmp_path: Path):
    path = str(tmp_path / "jobs.sqlite")
    root = tmp_path / "tmp" / "jobs"
    now = dt.datetime.now(dt.UTC)
    beat = now.isoformat(timespec="seconds")
    # A worker on another machine: only its heartbeat tells.
    job_id = _running_job(jobs_db, "elsewhere:1", beat)
    (root / str(job_id)).mkdir(parents=True)
    (root / str(job_id) / "documents.zip").write_bytes(b"partial")
    (root / "999").mkdir()  # a finished job's leftovers
    queued: list[int] = []
    assert state.recover(path, root, queued.append, host="here", now=now) == []
    assert (root / str(job_id)).exists() and not (root / "999").exists()

    later = now + state.STALE + dt.timedelta(seconds=1)
    assert state.recover(path, root, queued.append, host="here", now=later) == [job_id]
    job = bulk.get_job(jobs_db, job_id)
    assert job["status"] == "queued" and job["done"] == 0 and queued == [job_id]
    assert not (root / str(job_id)).exists()

    jobs_db["bulk_jobs"].update(job_id, {"status": "running", "attempts": 2})
    jobs_db.conn.commit()
    assert state.recover(path, root, queued.append, host="here", now=later) == []
    job = bulk.get_job(jobs_db, job_id)
    assert job["status"] == "failed"
    assert job["message"] == "Задание прервано: сервер был перезапущен. Запустите его снова."
    assert job["input_json"] is None and job["done"] <= job["total"]


def test_a_dead_process_on_this_host_is_seen_at_once(jobs_db, tmp_path: Path):
    path = str(tmp_path / "jobs.sqlite")
    host = state.worker_name().rpartition(":")[0]
    alive = _running_job(jobs_db, state.worker_name(), now_iso())
    dead = _running_job(jobs_db, f"{host}:{2**22 + 7}", now_iso(), given=False)
    queued: list[int] = []
    assert state.recover(path, tmp_path / "none", queued.append) == []
    assert bulk.get_job(jobs_db, alive)["status"] == "running"
    assert bulk.get_job(jobs_db, dead)["status"] == "failed"


def test_a_job_is_run_once_whoever_gets_it(jobs_db):
    job_id = bulk.start_job(
        jobs_db, 2, "consent", 1, None, items=[{}], on=dt.date(2024, 9, 2), queued=True
    )
    assert state.claim(jobs_db, job_id)["status"] == "running"
    assert state.claim(jobs_db, job_id) is None


def test_a_queued_job_the_queue_lost_is_queued_again(jobs_db, tmp_path: Path):
    path = str(tmp_path / "jobs.sqlite")
    job_id = bulk.start_job(
        jobs_db, 2, "consent", 1, None, items=[{}], on=dt.date(2024, 9, 2), queued=True
    )
    queued: list[int] = []
    now = dt.datetime.now(dt.UTC)
    assert state.recover(path, tmp_path / "none", queued.append, now=now) == []
    assert queued == []
    later = now + state.LOST_IN_QUEUE + dt.timedelta(seconds=1)
    state.recover(path, tmp_path / "none", queued.append, now=later)
    assert queued == [job_id]
    assert bulk.get_job(jobs_db, job_id)["status"] == "queued"
