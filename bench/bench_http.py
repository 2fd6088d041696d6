"""HTTP load: the real server on 127.0.0.1, 16 clients, preview and registration.

Run: .venv/bin/python bench/bench_http.py [options]
  --seconds S       each measured path runs S seconds (default 20)
  --only PATH       preview or register: run one path only (default both)
  --servers LIST    gunicorn,waitress (default both, gunicorn first)
  --workers N       gunicorn worker processes (default 2; its threads: --threads, default 4, as the README serves)
  --repeat N        measure each server and path N times, one after the other (default 1)
  --code DIR        serve the code of another checkout as well, labelled "baseline", e.g.
                    `git archive main | tar -x -C /tmp/base` then `--code /tmp/base`: each
                    server then runs the baseline and this checkout in turn, in the same run
For each server — gunicorn with N worker processes (the README's production set-up) and waitress
in one process (the `make run` set-up) — a fresh instance folder is seeded with the demo, the
server is started, the director's API token is taken, and 16 client threads (http.client, one
keep-alive connection each) run for S seconds against `POST /api/preview` (the consent sample),
then against creation (`POST /api/documents`, an order, for S seconds or MAX_DRAFTS drafts)
and registration of every draft so made (`POST /api/documents/<id>/register`, 16 at a time), each
timed on its own; before each next phase it waits until the job queue has made the PDFs of the
last one (and prints how long that took). Printed per line: requests/s, p50/p95/p99 in ms, requests, errors (any answer but the
expected status, or a broken connection), the server's CPU time per request (all its processes,
from /proc: the figure that moves least when other work shares the machine) and the 16 clients'
(this process: they share the machine with the server), and the load
average at the end of that line. The
server is stopped at the end (its whole process group), whatever happens.
Goals (issue 15): preview >= 150/s with p95 <= 100 ms, registration p99 <= 500 ms, no error.
"""

from __future__ import annotations

import argparse
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
KIND = "consent"  # previewed
REGISTERED = "curator-order"  # created and registered (an order has a journal)
LOGIN, PASSWORD = "director", "nastavnik2024"  # may register
MAX_DRAFTS = 10 * CLIENTS  # created, then registered
GOALS = {
    "preview": "goal >= 150/s, p95 <= 100 ms",
    "create": "no goal",
    "register": "goal p99 <= 500 ms",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def command(server: str, port: int, workers: int, threads: int) -> list[str]:
    listen = f"127.0.0.1:{port}"
    if server == "waitress":  # as `make run` serves
        return [str(BIN / "waitress-serve"), f"--listen={listen}", "--call", "docgen:create_app"]
    return [  # as the README's «Production server on every core» serves
        str(BIN / "gunicorn"), f"--workers={workers}", f"--threads={threads}", f"--bind={listen}",
        "--log-level=warning", "wsgi:app",
    ]  # fmt: skip


def server_cpu(session: int) -> float:
    """CPU seconds used so far by the server's processes (its session: master and workers)."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # a process that ended meanwhile
        if int(fields[3]) == session:
            total += int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def settle(session: int, limit: float = 60.0) -> None:
    """Wait until the server is idle: its first requests start helper processes (the job
    queue's render worker, one per web process) whose start-up must not count as requests."""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        before = server_cpu(session)
        time.sleep(1.0)
        if server_cpu(session) - before < 0.05:
            return


def call(conn, method: str, path: str, body: dict | None, token: str | None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    response = conn.getresponse()
    data = response.read()
    return response.status, (json.loads(data) if data else {})


def wait_up(port: int, proc: subprocess.Popen) -> None:
    for _ in range(600):
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


def sample(port: int, token: str, kind: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    status, me = call(conn, "GET", "/api/me", None, token)
    assert status == 200, me
    status, data = call(conn, "GET", f"/api/kinds/{kind}/sample", None, token)
    assert status == 200, data
    return me.get("org_id") or me["user"]["org_id"], data


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
            except (OSError, http.client.HTTPException, ValueError):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            if ok is None:
                break  # nothing left to do
            mine.append(time.perf_counter() - start)
            bad += not ok
        conn.close()
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
    print(f"    (PDFs)    {len(document_ids)} ready {waited:.0f} s later  {load()}", flush=True)


def report(
    name: str, times: list[float], errors: int, elapsed: float, cpu: float, client_cpu: float
) -> None:
    ms = sorted(t * 1000 for t in times)

    def pct(p: float) -> float:
        return ms[min(len(ms) - 1, int(p / 100 * len(ms)))] if ms else float("nan")

    rate = len(ms) / elapsed
    print(
        f"    {name:<9} {rate:7.1f}/s  p50 {pct(50):6.0f}  p95 {pct(95):6.0f}  p99 {pct(99):6.0f} ms"
        f"  n={len(ms)} errors={errors}  CPU ms/request: server {cpu / max(len(ms), 1) * 1000:.1f}"
        f" clients {client_cpu / max(len(ms), 1) * 1000:.1f}"
        f"  {load()}  ({GOALS[name]})",
        flush=True,
    )


def seeded(code: Path, env: dict[str, str]) -> None:
    for step in ("init-db", "seed-demo"):
        subprocess.run(
            [str(BIN / "flask"), "--app", "docgen", step],
            env=env, cwd=code, check=True, capture_output=True,
        )  # fmt: skip


def bench_server(server: str, code: Path, label: str, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-http-") as tmp:
        env = dict(os.environ, DOCGEN_INSTANCE_PATH=tmp, DOCGEN_SECRET_KEY="bench-only-secret")
        env["PYTHONPATH"] = str(code)
        seeded(code, env)
        port = free_port()
        # The server's log goes to a file: a pipe nobody reads fills up (the render workers log
        # every task) and then blocks every thread that writes to it.
        log = open(Path(tmp) / "server.log", "wb")  # noqa: SIM115 - closed below
        proc = subprocess.Popen(
            command(server, port, args.workers, args.threads), env=env, cwd=code,
            start_new_session=True, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            wait_up(port, proc)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status, issued = call(
                conn, "POST", "/api/token", {"login": LOGIN, "password": PASSWORD}, None
            )
            assert status == 201, issued
            token = issued["token"]
            org_id, consent = sample(port, token, KIND)
            preview_body = {"kind": KIND, "org_id": org_id, "input": consent}
            order_body = {"kind": REGISTERED, "org_id": org_id, "input": sample(port, token, REGISTERED)[1]}  # fmt: skip

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

            def measured(name: str, one_request, seconds: float) -> None:
                settle(proc.pid)
                cpu, client = server_cpu(proc.pid), time.process_time()
                times = run_clients(port, seconds, one_request)
                cpu, client = server_cpu(proc.pid) - cpu, time.process_time() - client
                report(name, *times, cpu, client)

            if server == "waitress":
                shape = "1 process"
            else:
                shape = f"{args.workers} processes x {args.threads} threads"
            print(f"  {server} ({shape}), {label}: {code}", flush=True)
            for name in args.only or ("preview", "register"):
                if name == "preview":
                    warm = run_clients(port, min(2.0, args.seconds), preview)
                    if warm[1]:
                        print(f"    preview: {warm[1]} errors while warming up", flush=True)
                    measured("preview", preview, args.seconds)
                    continue
                measured("create", create, args.seconds)
                wait_for_pdfs(port, token, list(drafts))
                measured("register", register, 10 * args.seconds)
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("seconds_pos", nargs="?", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--only", choices=("preview", "register"), action="append")
    parser.add_argument("--servers", default="gunicorn,waitress")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--code", type=Path)
    args = parser.parse_args(argv)
    if args.seconds_pos:
        args.seconds = args.seconds_pos
    codes = [(args.code.resolve(), "baseline")] if args.code else []
    codes.append((ROOT, "this checkout"))
    print(f"cpus {os.cpu_count()}, {CLIENTS} clients, {args.seconds:.0f} s a line; {load()}")
    for round_ in range(1, args.repeat + 1):
        print(f"round {round_}", flush=True)
        for server in args.servers.split(","):
            for code, label in codes:
                bench_server(server, code, label, args)


if __name__ == "__main__":
    main(sys.argv[1:])
