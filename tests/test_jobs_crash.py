"""kill -9 of the server in the middle of a bulk job: after a restart the job ends, nothing of
the killed server is left running and its temporary files are gone."""

from __future__ import annotations

import signal
from pathlib import Path

from jobs_support import demo_database, environment, session_processes, wait_for
from liveserver import LiveServer

from docgen.db import connect


def test_a_bulk_job_survives_kill_9_of_the_server(tmp_path: Path):
    database = tmp_path / "docgen.sqlite"
    org_id = demo_database(database, extra=39)
    instance = tmp_path / "instance"
    env = environment(database, instance)
    server = LiveServer(env, tmp_path / "server1.log")
    try:
        token = server.token("curator")
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
        server.kill()
    # The kernel kills the render worker when the server dies (PR_SET_PDEATHSIG).
    wait_for(
        lambda: session_processes(server.process.pid) == [], 10, "no process of the killed server"
    )

    again = LiveServer(env, tmp_path / "server2.log")
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
        again.stop(signal.SIGTERM)
    assert job["status"] == "done", job
    assert job["done"] == job["total"] == 40
    assert list((instance / "tmp" / "jobs").iterdir()) == []
    # It ran a second time: the first run died with the server.
    db = connect(database)
    assert db.execute("SELECT attempts FROM bulk_jobs WHERE id = ?", [job_id]).fetchone()[0] == 2
    db.close()
