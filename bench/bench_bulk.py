"""Bulk generation through the job queue as production runs it: N consent forms as a ZIP of
DOCX, and as a ZIP plus one merged PDF.

Run from the project's root: PYTHONPATH=. .venv/bin/python bench/bench_bulk.py
[--counts 100,1000,3000] [--render-processes 1] [--repeats 1] [--no-pdf | --no-docx]
[--baseline ../main]

Each measurement runs in a fresh process (so its peak RSS is its own): an app on a new
database with N teachers lacking a consent, the embedded SQLite queue consumed by the app's
own jobs thread and `--render-processes` render worker processes (`flask worker
--render-only`, as `create_app` starts them); the «consents» bulk action is started as the
page starts it (`bulk.start`) and the job row is polled until it ends. «DOCX» is a job whose
input asks for no PDF (the ZIP alone); «DOCX+PDF» is the job as the page runs it. Printed:
wall seconds, the seconds the job waited in the queue, CPU seconds of the job process (the
web process: DOCX, ZIP, merge) and of the render workers (PDF layout), the process's peak RSS
(VmHWM) and each render worker process's (a worker replaced during the job, see
QUEUE_RENDER_RECYCLE, is listed with its successor; both are read at every poll), and the
load; with --baseline, the same job with another checkout's code right after. Goals
(issue 15): 1,000 as DOCX <= 2 s, with the merged PDF <= 30 s on a quiet 2-core machine,
memory flat in N. Compare figures only within one run: the machine is shared.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SURNAMES = ("Андреева", "Борисова", "Васильева", "Григорьева", "Денисова", "Егорова", "Жукова")
NAMES = ("Анна", "Вера", "Галина", "Дарья", "Елена", "Зоя", "Инна", "Ксения")
ON = dt.date(2026, 9, 1)


def _hwm_mb(pid: int | str = "self") -> float:
    """Peak resident memory of a process (VmHWM), MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a running process, seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _workers(queue) -> dict[int, tuple[float, float]]:
    """CPU seconds and peak RSS (MB) of each live render worker process, by pid."""
    found = {}
    for child in queue._children:
        process = child.process
        if process is not None and process.poll() is None:
            try:
                found[process.pid] = (_cpu_seconds(process.pid), _hwm_mb(process.pid))
            except (FileNotFoundError, ProcessLookupError):
                continue  # it ended between the poll and the read
    return found


def _note(seen: dict[int, tuple[float, float]], now: dict[int, tuple[float, float]]) -> None:
    """Keep the most of each figure: a process that has just exited reads as nothing."""
    for pid, (cpu, peak) in now.items():
        before = seen.get(pid, (0.0, 0.0))
        seen[pid] = (max(cpu, before[0]), max(peak, before[1]))


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def _seed(database: Path, count: int) -> None:
    from docgen.accounts import users
    from docgen.db import connect, migrate, transaction
    from docgen.registry import organisations, people

    db = connect(database)
    migrate(db)
    dept = organisations.create_organisation(
        db, {"kind": "department", "full_name": "Отдел образования Администрации Обливского района"}
    )
    org_id = organisations.create_organisation(
        db,
        {
            "kind": "school",
            "parent_id": dept,
            "full_name": "Муниципальное бюджетное общеобразовательное учреждение "
            "«Обливская средняя общеобразовательная школа № 1»",
            "short_name": "МБОУ «Обливская СОШ № 1»",
            "address": "347140, Ростовская область, ст. Обливская, ул. Ленина, д. 1",
            "locality": "ст. Обливская",
            "head_position": "Директор",
            "head_surname": "Кудаков",
            "head_name": "Александр",
            "head_patronymic": "Михайлович",
            "head_gender": "m",
        },
    )
    users.create_user(db, "curator", "nastavnik2024", "curator", org_id, "Чернова Н.В.")
    with transaction(db):
        for n in range(count):
            people.add_person(
                db,
                org_id,
                {
                    "surname": SURNAMES[n % len(SURNAMES)],
                    "name": NAMES[n // len(SURNAMES) % len(NAMES)],
                    "patronymic": "Ивановна",
                    "gender": "f",
                    "category": "педагог",
                    # unique with the name: the registry refuses the same person twice
                    "birth_date": f"{1960 + n % 40}-{1 + n // 40 % 12:02d}-{1 + n // 480 % 28:02d}",
                    "is_mentee": True,
                },
            )
    db.close()


def _sample_docx() -> bytes:
    from docgen.documents import compose
    from docgen.kinds import catalog
    from docgen.rendering import docx as engine

    kind = catalog.get("consent")
    context = compose.build_context(kind, compose.validate(kind, kind.sample()))
    return engine.render(engine.builtin_template(kind.template), context)


def run(count: int, pdf: bool, render_processes: int) -> dict:
    """One bulk job of `count` consents through the embedded queue; its figures."""
    from docgen import create_app
    from docgen.accounts import users
    from docgen.db import connect
    from docgen.documents import bulk

    tmp = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    database = tmp / "bench.sqlite"
    _seed(database, count)
    app = create_app(
        {
            "DATABASE": str(database),
            "SECRET_KEY": "bench-secret",
            "INSTANCE_PATH": str(tmp / "instance"),
            "QUEUE_IMMEDIATE": False,
            "QUEUE_CONSUMER": True,
            "QUEUE_RENDER_PROCESSES": render_processes,
        }
    )
    queue = app.extensions["docgen.jobs"]
    db = connect(database)
    user = users.get_user(db, db.execute("SELECT id FROM users").fetchone()[0])
    queue.start_in_process()
    try:
        # The render workers are up once they answer (each is warm in production): their
        # start-up is not the job's time.
        for _ in range(render_processes):
            queue.tasks.render_pdf([_sample_docx()]).get(blocking=True, timeout=300)

        def enqueue(job_id: int) -> None:
            if not pdf:  # the job as the page starts it, asking for the ZIP alone
                given = json.loads(db["bulk_jobs"].get(job_id)["input_json"])
                db["bulk_jobs"].update(job_id, {"input_json": json.dumps(given | {"pdf": False})})
                db.conn.commit()
            queue.enqueue_bulk(job_id)

        # Render workers are replaced during a long job (QUEUE_RENDER_RECYCLE): each one's
        # CPU time and peak memory are read while it lives, at every poll.
        seen: dict[int, tuple[float, float]] = {}  # pid: (CPU s, VmHWM MB), the most read
        started_cpu = {pid: cpu for pid, (cpu, _) in _workers(queue).items()}
        start, start_cpu = time.perf_counter(), time.process_time()
        job_id = bulk.start(
            str(database), user, "consents", user["org_id"], ON, {}, enqueue=enqueue
        )
        phases = {}
        while True:
            job = bulk.get_job(db, job_id)
            phases.setdefault(job["phase"], time.perf_counter() - start)
            if job["status"] != "queued":
                phases.setdefault("taken", time.perf_counter() - start)
            _note(seen, _workers(queue))
            if job["status"] in ("done", "failed"):
                break
            time.sleep(0.05)
        seconds, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        _note(seen, _workers(queue))
        workers_cpu = sum(used - started_cpu.get(pid, 0.0) for pid, (used, _) in seen.items())
        workers = [round(peak, 1) for _, peak in seen.values()]
    finally:
        queue.stop_in_process()
    if job["status"] != "done":
        raise SystemExit(f"the job failed: {job['message']}")

    def size(sha: str | None) -> int:
        row = db.execute("SELECT size FROM files WHERE sha256 = ?", [sha]).fetchone()
        return row[0] if row else 0

    pages = 0
    if job["pdf_sha256"]:
        from pypdf import PdfReader

        out = tmp / "check.pdf"
        rowid = db.execute("SELECT rowid FROM files WHERE sha256 = ?", [job["pdf_sha256"]])
        with (
            db.conn.blobopen("files", "content", rowid.fetchone()[0], readonly=True) as blob,
            open(out, "wb") as dst,
        ):
            while piece := blob.read(1 << 20):
                dst.write(piece)
        # The count from the page tree's root: loading every page would add to the peak.
        pages = int(PdfReader(out).trailer["/Root"]["/Pages"]["/Count"])
    return {
        "count": job["total"],
        "seconds": round(seconds, 2),
        "cpu": round(cpu, 2),
        "workers_cpu": round(workers_cpu, 2),
        "seconds_to_pdf_phase": round(phases.get("pdf", seconds), 2),
        "seconds_queued": round(phases.get("taken", seconds), 2),
        "zip_mb": round(size(job["zip_sha256"]) / 2**20, 1),
        "pdf_mb": round(size(job["pdf_sha256"]) / 2**20, 1),
        "pages": pages,
        "peak_rss_mb": round(_hwm_mb(), 1),
        "worker_peak_rss_mb": workers,
        "renderers": job["renderers"],
    }


def measure(count: int, pdf: bool, render_processes: int, root: Path = ROOT) -> dict:
    """One measurement in a fresh process, with docgen imported from `root`."""
    command = [sys.executable, __file__, "--one", str(count), str(int(pdf)), str(render_processes)]
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        count, pdf, processes = int(sys.argv[2]), sys.argv[3] == "1", int(sys.argv[4])
        print(json.dumps(run(count, pdf, processes)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="100,1000,3000")
    parser.add_argument("--render-processes", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--no-pdf", action="store_true", help="only the DOCX jobs")
    parser.add_argument("--no-docx", action="store_true", help="only the DOCX+PDF jobs")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="another checkout of docgen (e.g. main's) measured right after each figure",
    )
    args = parser.parse_args()
    print(
        f"consents through the embedded queue, {args.render_processes} render worker "
        f"process(es); {os.cpu_count()} CPUs; {_load()}",
        flush=True,
    )
    kinds = [pdf for pdf in (False, True) if not (args.no_pdf and pdf or args.no_docx and not pdf)]
    roots = [("this", ROOT)] + ([("baseline", args.baseline)] if args.baseline else [])
    for pdf in kinds:
        for count in (int(c) for c in args.counts.split(",")):
            for _ in range(args.repeats):
                for name, root in roots:
                    r = measure(count, pdf, args.render_processes, root)
                    print(f"{name:8} {_line(r, pdf)}   {_load()}", flush=True)


def _line(r: dict, pdf: bool) -> str:
    what = "DOCX+PDF" if pdf else "DOCX    "
    line = f"{r['count']:5d} {what}: {r['seconds']:6.1f} s (CPU: job process {r['cpu']:.1f} s"
    if pdf:
        line += f", render workers {r['workers_cpu']:.1f} s"
    line += f", {r.get('seconds_queued', 0):.2f} s in the queue)"
    if pdf:
        pages = max(r["pages"], 1)
        line += (
            f", ZIP stored at {r['seconds_to_pdf_phase']:.1f} s, {r['pages']} pages, "
            f"{1000 * r['seconds'] / pages:.1f} ms/page (CPU {1000 * r['workers_cpu'] / pages:.1f})"
        )
    line += f"; zip {r['zip_mb']} MB"
    if pdf:
        line += f", pdf {r['pdf_mb']} MB"
    line += f"; peak RSS {r['peak_rss_mb']} MB"
    if pdf:
        line += f", render workers {r['worker_peak_rss_mb']} MB"
    return line


if __name__ == "__main__":
    main()
