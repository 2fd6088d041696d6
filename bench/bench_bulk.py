"""Bulk generation speed and memory: N consent forms as a ZIP of DOCX and as one merged PDF.

Run: .venv/bin/python bench/bench_bulk.py [KIND]        (default kind: consent)
Each measurement runs in a fresh process so that peak RSS (ru_maxrss) belongs to it alone;
the PDF workers' peak is reported separately (RUSAGE_CHILDREN, the largest child).
Targets (issue 6): 1,000 as DOCX <= 5 s, as one merged PDF <= 60 s, memory flat in N.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SURNAMES = ["Савченко", "Петрова", "Иванова", "Кузнецова", "Смирнова", "Попова", "Волкова"]
NAMES = ["Дарья", "Анна", "Мария", "Елена", "Ольга", "Ксения", "Вера"]


def run(kind_slug: str, count: int, pdf: bool) -> dict:
    from docgen.accounts import users
    from docgen.db import connect, migrate
    from docgen.documents import bulk
    from docgen.kinds import catalog
    from docgen.registry import organisations

    tmp = Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    db = connect(tmp / "bench.sqlite")
    migrate(db)
    dept = organisations.create_organisation(
        db, {"kind": "department", "full_name": "Отдел образования Администрации Обливского района"}
    )
    sample = catalog.get(kind_slug).sample()
    org = sample["organisation"]
    org_id = organisations.create_organisation(
        db,
        {
            "kind": "school",
            "parent_id": dept,
            "full_name": org["full_name"],
            "short_name": org.get("short_name", ""),
            "address": org.get("address", "ст. Обливская"),
            "locality": org.get("locality", ""),
            "head_position": "Директор",
            "head_surname": "Кудаков",
            "head_name": "Александр",
            "head_patronymic": "Михайлович",
            "head_gender": "m",
        },
    )
    user_id = users.create_user(db, "curator", "nastavnik2024", "curator", org_id, "Чернова Н.В.")
    user = users.get_user(db, user_id)
    items = []
    for i in range(count):
        item = json.loads(json.dumps(sample))
        person_key = "subject" if "subject" in item else "curator"
        item[person_key]["surname"] = SURNAMES[i % len(SURNAMES)]
        item[person_key]["name"] = NAMES[(i // len(SURNAMES)) % len(NAMES)]
        items.append(item)
    import datetime as dt

    start = time.perf_counter()
    result = bulk.generate(
        db, user, kind_slug, items, on=dt.date(2024, 9, 2), org_id=org_id, pdf=pdf
    )
    seconds = time.perf_counter() - start

    def size(sha: str | None) -> int:
        # only the size column: selecting the row would read the whole file into memory
        row = db.execute("SELECT size FROM files WHERE sha256 = ?", [sha]).fetchone()
        return row[0] if row else 0

    zip_size, pdf_size = size(result.zip_sha256), size(result.pdf_sha256)
    pages = 0
    if result.pdf_sha256:
        from pypdf import PdfReader

        out = tmp / "check.pdf"
        with (
            db.conn.blobopen(
                "files",
                "content",
                db.execute(
                    "SELECT rowid FROM files WHERE sha256 = ?", [result.pdf_sha256]
                ).fetchone()[0],
                readonly=True,
            ) as blob,
            open(out, "wb") as dst,
        ):
            while piece := blob.read(1 << 20):
                dst.write(piece)
        # the page count from the page tree root: loading every page would add to the peak
        pages = int(PdfReader(out).trailer["/Root"]["/Pages"]["/Count"])
    return {
        "count": result.count,
        "errors": len(result.errors),
        "seconds": round(seconds, 2),
        "seconds_docx": round(result.seconds_docx, 2),
        "seconds_pdf": round(result.seconds_pdf, 2),
        "zip_mb": round(zip_size / 2**20, 1),
        "pdf_mb": round(pdf_size / 2**20, 1),
        "pages": pages,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "worker_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1
        ),
    }


def measure(kind_slug: str, count: int, pdf: bool) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--one", kind_slug, str(count), "pdf" if pdf else "docx"],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(run(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "pdf")))
        return
    kind_slug = sys.argv[1] if len(sys.argv) > 1 else "consent"
    print(f"kind: {kind_slug}; cpus: {os.cpu_count()}")
    for pdf in (False, True):
        for count in (200, 1000):
            r = measure(kind_slug, count, pdf)
            what = "ZIP of DOCX + merged PDF" if pdf else "ZIP of DOCX"
            line = (
                f"{count:5d} {what}: {r['seconds']:.1f} s total (DOCX {r['seconds_docx']:.1f} s"
                + (f", PDF {r['seconds_pdf']:.1f} s, {r['pages']} pages" if pdf else "")
                + f"); zip {r['zip_mb']} MB"
                + (f", pdf {r['pdf_mb']} MB" if pdf else "")
                + f"; peak RSS {r['peak_rss_mb']} MB"
                + (f", worker peak RSS {r['worker_peak_rss_mb']} MB" if pdf else "")
                + (f"; {r['errors']} items refused" if r["errors"] else "")
            )
            print(line, flush=True)


if __name__ == "__main__":
    main()
