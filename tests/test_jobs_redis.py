"""The queue on Redis: a real redis-server and two worker processes render one bulk job."""

from __future__ import annotations

import shutil
import signal
import subprocess
from pathlib import Path

import pytest
import redis
from jobs_support import (
    add_teachers,
    environment,
    free_port,
    start,
    stop,
    token,
    wait_for,
)
from webfixtures import make_app

from docgen.db import connect

pytestmark = pytest.mark.skipif(
    shutil.which("redis-server") is None, reason="Debian's redis-server is not installed"
)


@pytest.fixture
def redis_url(tmp_path: Path):
    port = free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    server = start_redis(folder, port)
    client = redis.Redis(port=port)
    try:
        wait_for(lambda: _pings(client), 30, "redis-server answers")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        client.close()
        server.send_signal(signal.SIGTERM)
        server.wait(30)


def start_redis(folder: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(folder),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.ConnectionError:
        return False


def test_two_workers_render_one_bulk_job(tmp_path: Path, redis_url: str):
    app = make_app(tmp_path, QUEUE_URL=redis_url, QUEUE_IMMEDIATE=False)
    database = tmp_path / "web.sqlite"
    add_teachers(database, 39)
    env = environment(database, tmp_path / "instance", DOCGEN_QUEUE_URL=redis_url)
    workers = [
        start(["flask", "--app", "docgen", "worker", "--threads", "1"], env, tmp_path / f"w{n}.log")
        for n in (1, 2)
    ]
    try:
        # Both consume before the job starts, so that both can take its chunks.
        for n in (1, 2):
            log = tmp_path / f"w{n}.log"
            wait_for(
                lambda log=log: "Обработчик очереди запущен" in log.read_text(),
                60,
                "the worker runs",
            )
        client = app.test_client()
        headers = token(client)
        org_id = client.get("/api/me", headers=headers).get_json()["org_id"]
        started = client.post(
            "/api/bulk", json={"org_id": org_id, "action": "consents"}, headers=headers
        )
        assert started.status_code == 202
        url = f"/api/bulk/{started.get_json()['id']}"
        job = wait_for(
            lambda: (
                (j := client.get(url, headers=headers).get_json())["status"] in ("done", "failed")
                and j
            ),
            240,
            "the bulk job ends",
            every=0.5,
        )
    finally:
        for worker in workers:
            stop(worker)
    logs = "\n".join((tmp_path / f"w{n}.log").read_text() for n in (1, 2))
    assert job["status"] == "done", (job, logs)
    assert job["done"] == job["total"] == 40
    db = connect(database)
    row = db.execute("SELECT renderers FROM bulk_jobs WHERE id = ?", [job["id"]]).fetchone()
    db.close()
    pids = {name.rpartition(":")[2] for name in row[0].split(",")}
    assert pids == {str(worker.pid) for worker in workers}, logs
    assert all(worker.returncode == 0 for worker in workers), logs
