"""The real server (waitress) on 127.0.0.1 for the attack and crash tests: started on a demo
database in a process of its own, called over HTTP, stopped or killed by the test."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time
import urllib.request
from pathlib import Path

import requests
from jobs_support import demo_database, environment, free_port, start, stop, wait_for
from webfixtures import PASSWORD


class LiveServer:
    """docgen under waitress with the given environment, answering its login page."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.env = env
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = start(
            ["waitress", f"--listen=127.0.0.1:{self.port}", "--call", "docgen:create_app"],
            env,
            log,
        )
        wait_for(self._answers, 60, "the server answers")

    def _answers(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"the server exited with {self.process.returncode}")
        try:
            return requests.get(f"{self.url}/login", timeout=5).status_code == 200
        except requests.ConnectionError:
            return False

    def login_latencies(self, threads: list[threading.Thread]) -> list[float]:
        """Start the threads and time the login page every 0.1 s until they have all ended."""
        for thread in threads:
            thread.start()
        latencies = []
        while any(thread.is_alive() for thread in threads):
            started = time.monotonic()
            assert requests.get(f"{self.url}/login", timeout=30).status_code == 200
            latencies.append(time.monotonic() - started)
            time.sleep(0.1)
        for thread in threads:
            thread.join()
        return latencies

    def rss_mb(self) -> float:
        status = Path(f"/proc/{self.process.pid}/status").read_text()
        return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024

    def call(self, method: str, path: str, body: dict | None = None, token: str = "") -> dict:
        """One JSON call; an answer other than 2xx raises urllib's HTTPError."""
        request = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"}
            | ({"Authorization": f"Bearer {token}"} if token else {}),
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def token(self, login: str) -> str:
        """An API token of a demo user."""
        return self.call("POST", "/api/token", {"login": login, "password": PASSWORD})["token"]

    def signed_in(self, login: str) -> requests.Session:
        """A page session of a demo user, signed in through the login form."""
        session = requests.Session()
        form = session.get(f"{self.url}/login", timeout=30).text
        response = session.post(
            f"{self.url}/login",
            data={"login": login, "password": PASSWORD, "csrf_token": csrf(form)},
            timeout=30,
        )
        assert response.status_code == 200 and "/login" not in response.url, response.text[:500]
        return session

    def stop(self, sig: int = signal.SIGINT) -> None:
        stop(self.process, sig)

    def kill(self) -> None:
        """kill -9, as a crash would."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(30)
        self.process.log.close()  # type: ignore[attr-defined]


def demo_server(tmp_path: Path, extra: int = 0, **settings: str) -> LiveServer:
    """A live server on a fresh demo database in tmp_path; `settings` are DOCGEN_* variables."""
    database = tmp_path / "docgen.sqlite"
    demo_database(database, extra=extra)
    env = environment(database, tmp_path / "instance", **settings)
    return LiveServer(env, tmp_path / "server.log")


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
