"""HTTP load: the real server on 127.0.0.1, 16 clients, preview and registration.

Run: .venv/bin/python bench/bench_http.py [SECONDS] [preview|register]
(default 20 s per server and path; both paths unless one is named)
For each server in turn — waitress in one process (the `make run` set-up) and gunicorn with two
worker processes (the README's production set-up) — a fresh instance folder is seeded with the
demo, the server is started, a curator's API token is taken, and 16 client threads (http.client,
one keep-alive connection each, as the director, who may register) run for SECONDS against `POST /api/preview` (the kind's sample),
then against creation (`POST /api/documents`, for SECONDS or MAX_DRAFTS drafts) and
registration of every draft so made (`POST /api/documents/<id>/register`, 16 at a time), each
timed on its own; before each next phase it waits until the job queue has made the PDFs of the
last one (and prints how long that took).
Printed: requests/s, p50/p95/p99 in ms, errors, and the load average before and after.
Goals (issue 15): preview >= 150/s with p95 <= 100 ms, registration p99 <= 500 ms, no error.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CLIENTS = 16
MAX_DRAFTS = 10 * CLIENTS  # created, then registered
KIND = "consent"  # previewed
REGISTERED = "curator-order"  # created and registered (an order has a journal)
LOGIN, PASSWORD = "director", "nastavnik2024"  # may register


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def servers(port: int) -> dict[str, list[str]]:
    listen = f"127.0.0.1:{port}"
    return {
        "waitress, 1 process": [
            str(BIN / "waitress-serve"), f"--listen={listen}", "--call", "docgen:create_app"
        ],
        "gunicorn, 2 workers": [
            str(BIN / "gunicorn"), "--workers=2", "--threads=4", f"--bind={listen}",
            "--log-level=warning", "docgen:create_app()",
        ],
    }  # fmt: skip


def call(conn, method: str, path: str, body: dict | None, token: str | None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else {})


def wait_up(port: int, proc: subprocess.Popen) -> None:
    for _ in range(300):
        if proc.poll() is not None:
            raise SystemExit(f"the server exited with {proc.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


def org_and_sample(port: int, token: str, kind: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, me = call(conn, "GET", "/api/me", None, token)
    assert status == 200, me
    status, sample = call(conn, "GET", f"/api/kinds/{kind}/sample", None, token)
    assert status == 200, sample
    return me.get("org_id") or me["user"]["org_id"], sample


def run_clients(port: int, seconds: float, one_request) -> tuple[list[float], int, float]:
    """Each client repeats `one_request(conn)` (-> True if fine, None if nothing is left to
    do) until time is up."""
    times: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                ok = one_request(conn)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            if ok is None:
                break  # nothing left to do
            mine.append(time.perf_counter() - start)
            bad += not ok
        with lock:
            times.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, errors[0], time.monotonic() - began


def wait_for_pdfs(port: int, token: str, document_ids: list[int]) -> None:
    """Wait until the PDF of each document's last version is made (the job queue makes it
    after the request), so that the next phase does not share the machine with that backlog."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    began = time.monotonic()
    for document_id in document_ids:
        while time.monotonic() - began < 900:
            status, document = call(conn, "GET", f"/api/documents/{document_id}", None, token)
            # A server that makes the PDF inside the request has no "pdf" state.
            if status != 200 or (document.get("pdf") or {}).get("status") != "pending":
                break
            time.sleep(0.5)
    waited = time.monotonic() - began
    print(f"  {'(PDFs made)':<14} {len(document_ids)} PDFs ready {waited:.0f} s later  {load()}")


def report(name: str, times: list[float], errors: int, elapsed: float) -> None:
    ms = sorted(t * 1000 for t in times)

    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(p / 100 * len(ms)))] if ms else float("nan")

    rate = len(ms) / elapsed
    print(
        f"  {name:<14} {rate:7.1f}/s  p50 {pct(50):6.0f}  p95 {pct(95):6.0f}  p99 {pct(99):6.0f} ms"
        f"  n={len(ms)} errors={errors}  {load()}",
        flush=True,
    )


def bench_server(label: str, seconds: float, only: str | None = None) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        env = dict(os.environ, DOCGEN_INSTANCE_PATH=tmp, DOCGEN_SECRET_KEY="bench-only-secret")
        env["PYTHONPATH"] = str(ROOT)
        for command in ("init-db", "seed-demo"):
            subprocess.run(
                [str(BIN / "flask"), "--app", "docgen", command],
                env=env, cwd=ROOT, check=True, capture_output=True,
            )  # fmt: skip
        port = free_port()
        # The server's log goes to a file: a pipe nobody reads fills up (the render workers log
        # every task) and then blocks every thread that writes to it.
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            servers(port)[label], env=env, cwd=ROOT, start_new_session=True,
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_up(port, proc)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status, issued = call(
                conn, "POST", "/api/token", {"login": LOGIN, "password": PASSWORD}, None
            )
            assert status == 201, issued
            token = issued["token"]
            org_id, sample = org_and_sample(port, token, KIND)
            preview_body = {"kind": KIND, "org_id": org_id, "input": sample}
            order = org_and_sample(port, token, REGISTERED)[1]
            order_body = {"kind": REGISTERED, "org_id": org_id, "input": order}

            def preview(conn) -> bool:
                status, out = call(conn, "POST", "/api/preview", preview_body, token)
                return status == 200 and "html" in out

            drafts: list[int] = []
            registered: list[int] = []

            def create(conn) -> bool | None:
                if len(drafts) >= MAX_DRAFTS:
                    return None
                status, made = call(conn, "POST", "/api/documents", order_body, token)
                if status == 201:
                    drafts.append(made["id"])  # list.append is atomic
                return status == 201

            def register(conn) -> bool | None:
                try:
                    document_id = drafts.pop()
                except IndexError:
                    return None  # every draft is registered
                path = f"/api/documents/{document_id}/register"
                status, _ = call(conn, "POST", path, {}, token)
                registered.append(document_id)
                return status == 200

            print(f"{label}  ({CLIENTS} clients, {seconds:.0f} s each; {load()})", flush=True)
            if only in (None, "preview"):
                report("preview", *run_clients(port, seconds, preview))
            if only in (None, "register"):
                report("create", *run_clients(port, seconds, create))
                wait_for_pdfs(port, token, list(drafts))
                report("register", *run_clients(port, 10 * seconds, register))
                wait_for_pdfs(port, token, list(registered))
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            log.close()


def main(argv: list[str]) -> None:
    seconds = float(argv[0]) if argv else 20.0
    only = argv[1] if len(argv) > 1 else None
    if only not in (None, "preview", "register"):
        raise SystemExit("usage: bench_http.py [SECONDS] [preview|register]")
    print(f"cpus {os.cpu_count()}, {load()}; times are per request, ms", flush=True)
    for label in servers(0):
        bench_server(label, seconds, only)


if __name__ == "__main__":
    main(sys.argv[1:])
