"""Helpers of the job queue tests: a demo database with many forms to make, free ports,
real processes started and stopped by the tests, bounded waits."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from registry_factory import person
from webfixtures import PASSWORD, _seeded_copy

from docgen.db import connect

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = ("Андреева", "Борисова", "Васильева", "Григорьева", "Денисова")
NAMES = ("Анна", "Вера", "Галина", "Дарья", "Елена", "Зоя", "Инна", "Ксения")


def demo_database(path: Path, extra: int) -> int:
    """The demo district with `extra` more teachers without a consent in the curator's school;
    returns that school's id."""
    _seeded_copy(path)
    return add_teachers(path, extra)


def add_teachers(path: Path, extra: int) -> int:
    """`extra` more teachers without a consent in the curator's school; returns its id."""
    db = connect(path)
    org_id = db.execute("SELECT org_id FROM users WHERE login = 'curator'").fetchone()[0]
    for n in range(extra):
        person(
            db,
            org_id,
            SURNAMES[n % len(SURNAMES)],
            NAMES[n // len(SURNAMES) % len(NAMES)],
            "Ивановна",
            birth_date=f"19{70 + n % 25}-03-{1 + n % 28:02d}",
            is_mentee=True,
        )
    db.close()
    return org_id


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], Any], seconds: float, what: str, every: float = 0.2) -> Any:
    """Call `check` until it answers something true, at most `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(every)


def environment(database: Path, instance: Path, **more: str) -> dict[str, str]:
    """The environment of a docgen process on this database and instance folder."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DOCGEN_")}
    env |= {
        "DOCGEN_DATABASE": str(database),
        "DOCGEN_SECRET_KEY": "jobs-test-secret",
        "DOCGEN_INSTANCE_PATH": str(instance),
        "PYTHONUNBUFFERED": "1",
    }
    return env | more


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    """A docgen process from this tree (python -m puts it first on the path), in its own
    session so that everything it starts can be found and stopped."""
    out = open(log, "wb")  # noqa: SIM115 - closed by stop()
    process = subprocess.Popen(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    process.log = out  # type: ignore[attr-defined]
    return process


def stop(process: subprocess.Popen, sig: int = signal.SIGINT) -> None:
    """Ask a process to stop, kill it if it does not within 30 s, and reap it."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
    process.log.close()  # type: ignore[attr-defined]


def session_processes(sid: int) -> list[int]:
    """Processes still alive in a session (found through /proc, zombies left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        state, session = fields[0], int(fields[3])
        if session == sid and state != "Z":
            found.append(int(entry.name))
    return found


def token(client: Any) -> dict[str, str]:
    """Authorization header of the curator of the demo school."""
    response = client.post("/api/token", json={"login": "curator", "password": PASSWORD})
    assert response.status_code == 201, response.get_data(as_text=True)
    return {"Authorization": f"Bearer {response.get_json()['token']}"}
