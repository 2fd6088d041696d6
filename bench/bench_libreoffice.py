"""PDF: docgen's converter beside LibreOffice converting the same DOCX files as one batch.

Run from the project's root: PYTHONPATH=. .venv/bin/python bench/bench_libreoffice.py [--repeats N]

The DOCX files are every kind's sample. LibreOffice converts them all in one
`soffice --headless --convert-to pdf` process (its start-up included, after one warm-up run that
creates its profile); docgen converts them one after another in this warm process. Each repeat
prints both totals, ms per page of each (its own page count) and the ratio. LibreOffice comes from
Debian's libreoffice-writer-nogui: the bench installs it with apt-get when it is missing and it
runs as root, otherwise it says what to install.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader

import docgen
from docgen.documents import compose
from docgen.kinds import catalog
from docgen.rendering import docx as engine
from docgen.rendering import pdf as pdfmaker

PACKAGE = "libreoffice-writer-nogui"


def soffice() -> str:
    """The soffice binary, installed from Debian first if it is missing and we are root."""
    found = shutil.which("soffice")
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit(f"soffice is missing: install Debian's {PACKAGE} (apt-get install {PACKAGE})")
    print(f"installing {PACKAGE} with apt-get…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", PACKAGE]
    if subprocess.run(install, env=env).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, check=True)
        subprocess.run(install, env=env, check=True)
    found = shutil.which("soffice")
    if not found:
        sys.exit(f"{PACKAGE} is installed but soffice is not on PATH")
    return found


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.2f} {five:.2f} {fifteen:.2f}"


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _libreoffice(binary: str, profile: Path, files: list[Path], out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one soffice process converting every file (a missing PDF fails)."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    command = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    start, start_cpu = time.perf_counter(), _children_cpu()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - start_cpu
    missing = [f.name for f in files if not (out / f.with_suffix(".pdf").name).exists()]
    if missing:
        sys.exit(f"LibreOffice made no PDF of {', '.join(missing)}")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    binary = soffice()
    version = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"docgen from {os.path.dirname(docgen.__file__)}; {os.cpu_count()} CPUs; {version}")
    with tempfile.TemporaryDirectory(prefix="docgen-bench-lo-") as tmp:
        root = Path(tmp)
        (root / "in").mkdir()
        documents = {}
        for kind in catalog.KINDS:
            context = compose.build_context(kind, compose.validate(kind, kind.sample()))
            docx = engine.render(engine.builtin_template(kind.template), context)
            path = root / "in" / f"{kind.slug}.docx"
            path.write_bytes(docx)
            documents[path] = docx
        files = list(documents)
        ours_pages = sum(_pages(pdfmaker.docx_to_pdf(docx)) for docx in documents.values())
        _libreoffice(binary, root / "profile", files, root / "out")  # warm-up: the profile
        lo_pages = sum(
            _pages((root / "out" / f.with_suffix(".pdf").name).read_bytes()) for f in files
        )
        print(
            f"{len(files)} DOCX files (every kind's sample); pages: docgen {ours_pages}, "
            f"LibreOffice {lo_pages}; {_load()}"
        )
        print(
            "wall s, wall ms/page (CPU ms/page: this process for docgen, the soffice process for "
            "LibreOffice; the CPU figures move less with the load)"
        )
        print(f"{'repeat':>6}  {'docgen':>30}  {'LibreOffice batch':>30}  LibreOffice/docgen")
        for repeat in range(1, args.repeats + 1):
            start, start_cpu = time.perf_counter(), time.process_time()
            for docx in documents.values():
                pdfmaker.docx_to_pdf(docx)
            ours, ours_cpu = time.perf_counter() - start, time.process_time() - start_cpu
            lo, lo_cpu = _libreoffice(binary, root / "profile", files, root / "out")
            ours_ms, lo_ms = ours * 1000 / ours_pages, lo * 1000 / lo_pages
            ours_cpu_ms, lo_cpu_ms = ours_cpu * 1000 / ours_pages, lo_cpu * 1000 / lo_pages
            print(
                f"{repeat:>6}  {ours:6.2f} s {ours_ms:6.1f} ms/page (cpu {ours_cpu_ms:5.1f})  "
                f"{lo:6.2f} s {lo_ms:6.1f} ms/page (cpu {lo_cpu_ms:5.1f})  "
                f"wall {lo_ms / ours_ms:4.2f}x, cpu {lo_cpu_ms / ours_cpu_ms:4.2f}x   {_load()}",
                flush=True,
            )


if __name__ == "__main__":
    main()
