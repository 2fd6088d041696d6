"""kill -9 of the server in the middle of a bulk job: after a restart the job ends, nothing of
the killed server is left running and its temporary files are gone."""

from __future__ import annotations

import json
import os
import signal
import urllib.error
import urllib.request
from pathlib import Path

from jobs_support import (
    demo_database,
    environment,
    free_port,
    session_processes,
    start,
    stop,
    wait_for,
)
from webfixtures import PASSWORD

from docgen.db import connect


class Server:
    """The real server (waitress) on 127.0.0.1 with the embedded queue."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.process = start(
            ["waitress", f"--listen=127.0.0.1:{self.port}", "--call", "docgen:create_app"],
            env,
            log,
        )
        wait_for(self._answers, 60, "the server answers")

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/login", timeout=5):
                return True
        except (urllib.error.URLError, ConnectionError):
            return False

    def call(self, method: str, path: str, body: dict | None = None, token: str = "") -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Bearer {token}"} if token else {}),
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())


def test_a_bulk_job_survives_kill_9_of_the_server(tmp_path: Path):
    database = tmp_path / "docgen.sqlite"
    org_id = demo_database(database, extra=39)
    instance = tmp_path / "instance"
    env = environment(database, instance)
    server = Server(env, tmp_path / "server1.log")
    try:
        token = server.call("POST", "/api/token", {"login": "curator", "password": PASSWORD})[
            "token"
        ]
        job_id = server.call("POST", "/api/bulk", {"org_id": org_id, "action": "consents"}, token)[
            "id"
        ]
        url = f"/api/bulk/{job_id}"
        job = wait_for(
            lambda: (j := server.call("GET", url, token=token))["done"] > 0 and j,
            120,
            "the job makes progress",
            every=0.05,
        )
        assert job["status"] == "running" and job["total"] == 40
        assert (instance / "tmp" / "jobs" / str(job_id)).exists()
        # The server and its render worker process.
        assert len(session_processes(server.process.pid)) >= 2
    finally:
        os.kill(server.process.pid, signal.SIGKILL)
        server.process.wait(30)
        server.process.log.close()  # type: ignore[attr-defined]
    # The kernel kills the render worker when the server dies (PR_SET_PDEATHSIG).
    wait_for(
        lambda: session_processes(server.process.pid) == [], 10, "no process of the killed server"
    )

    again = Server(env, tmp_path / "server2.log")
    try:
        job = wait_for(
            lambda: (
                (j := again.call("GET", url, token=token))["status"] in ("done", "failed") and j
            ),
            120,
            "the job ends after the restart",
            every=0.5,
        )
    finally:
        stop(again.process, signal.SIGTERM)
    assert job["status"] == "done", job
    assert job["done"] == job["total"] == 40
    assert list((instance / "tmp" / "jobs").iterdir()) == []
    # It ran a second time: the first run died with the server.
    db = connect(database)
    assert db.execute("SELECT attempts FROM bulk_jobs WHERE id = ?", [job_id]).fetchone()[0] == 2
    db.close()
