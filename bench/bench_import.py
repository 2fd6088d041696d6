"""Excel import speed: N people (with consents, bases and pairs) against openpyxl's bare read.

Run: .venv/bin/python bench/bench_import.py [N ...]        (default: 1000 5000 10000)
For each N a workbook in the registry layout is generated once; each repeat imports it into a
fresh organisation of a fresh temporary database. Printed: openpyxl's read-only read of every
cell (the floor), our import, their ratio in wall time and in CPU time of this process (the
machine is shared: under load the wall ratio moves more), seconds per 1,000 rows, and the load.
Target (issue 15): ratio <= 2 at 10,000 rows, and seconds per 1,000 rows flat in N.
`--profile N` prints a cProfile of one import instead.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not the installed one

REPEATS = 3
SURNAMES = ["Савченко", "Петрова", "Иванова", "Кузнецова", "Смирнова", "Попова", "Волкова"]
NAMES = ["Дарья", "Анна", "Мария", "Елена", "Ольга", "Ксения", "Вера"]
LETTERS = "абвгдежзиклмнопрстуфхцчшэюя"


def _word(i: int) -> str:
    """A distinct Cyrillic word per i, so every generated person is a new person."""
    out = ""
    while True:
        i, r = divmod(i, len(LETTERS))
        out += LETTERS[r]
        if i == 0:
            return out


def workbook(count: int) -> bytes:
    """`count` people: a tenth mentors (teachers), the rest students, half of them mentees in
    pairs of one mentor and up to five mentees; every person with a signed consent."""
    from docgen.registry.excel import exporting, sheets

    wb = load_workbook(io.BytesIO(exporting.blank_workbook()))
    people, mentors, mentees, pairs = (
        wb[sheets.PEOPLE],
        wb[sheets.MENTORS],
        wb[sheets.MENTEES],
        wb[sheets.PAIRS],
    )
    teachers = []
    students = []
    for i in range(count):
        surname = SURNAMES[i % len(SURNAMES)] + "-" + _word(i).capitalize()
        name = NAMES[i % len(NAMES)]
        if i % 10 == 0:
            birth = dt.date(1970 + i % 30, 1 + i % 12, 1 + i % 28)
            row = [
                surname,
                name,
                "Ивановна",
                "ж",
                birth,
                "педагог",
                "учитель",
                10,
                None,
                None,
                None,
                dt.date(2024, 9, 2),
                "сам",
                None,
                None,
                None,
            ]
            teachers.append((f"{surname} {name} Ивановна", birth))
        else:
            birth = dt.date(2012 + i % 5, 1 + i % 12, 1 + i % 28)
            row = [
                surname,
                name,
                "Петровна",
                "ж",
                birth,
                "обучающийся",
                "7 «Б» класс",
                None,
                None,
                None,
                None,
                dt.date(2024, 9, 3),
                "законный представитель",
                "Иванова Ольга Петровна",
                "свидетельство о рождении",
                None,
            ]
            students.append((f"{surname} {name} Петровна", birth))
        people.append(row)
    for fio, birth in teachers:
        mentors.append([fio, birth, "ИКТ, олимпиадная математика", "вторник, четверг"])
    chosen = students[: len(students) // 2]
    for fio, birth in chosen:
        mentees.append([fio, birth, "подготовка к олимпиаде"])
    for index, (fio, birth) in enumerate(chosen):
        number = index // 5 + 1
        mentor_fio, mentor_birth = teachers[(number - 1) % len(teachers)]
        pairs.append(
            [
                number,
                mentor_fio,
                mentor_birth,
                fio,
                birth,
                "учитель – ученик",
                None,
                dt.date(2024, 9, 10),
                dt.date(2025, 5, 31),
                "действует",
                None,
                None,
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def openpyxl_read(content: bytes) -> tuple[float, float]:
    """Seconds (wall, CPU) openpyxl takes to read every cell of every sheet (read-only mode)."""
    start, cpu = time.perf_counter(), time.process_time()
    wb = load_workbook(io.BytesIO(content), read_only=True)
    for ws in wb.worksheets:
        for _row in ws.iter_rows():
            pass
    wb.close()
    return time.perf_counter() - start, time.process_time() - cpu


def fresh_database(folder: Path):
    from docgen.db import connect, migrate
    from docgen.registry import organisations

    db = connect(folder / "bench.sqlite")
    migrate(db)
    dept = organisations.create_organisation(
        db, {"kind": "department", "full_name": "Отдел образования Администрации района"}
    )
    org_id = organisations.create_organisation(
        db,
        {
            "kind": "school",
            "parent_id": dept,
            "full_name": "Муниципальное бюджетное общеобразовательное учреждение «СОШ № 1»",
            "short_name": "МБОУ «СОШ № 1»",
            "address": "ст. Обливская",
            "head_position": "Директор",
            "head_surname": "Кудаков",
            "head_name": "Александр",
            "head_patronymic": "Михайлович",
            "head_gender": "m",
        },
    )
    return db, org_id


def our_import(content: bytes) -> tuple[float, float, object]:
    from docgen.registry.excel import importing

    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        db, org_id = fresh_database(Path(tmp))
        start, cpu = time.perf_counter(), time.process_time()
        report = importing.import_workbook(db, org_id, content, on=dt.date(2024, 9, 10))
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        db.close()
    if not report.ok:
        raise SystemExit("import failed: " + "; ".join(report.messages()[:5]))
    return elapsed, cpu, report


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def profile(count: int) -> None:
    content = workbook(count)
    profiler = cProfile.Profile()
    profiler.enable()
    our_import(content)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("counts", nargs="*", type=int, help="rows (default 1000 5000 10000)")
    parser.add_argument("--profile", type=int, metavar="N", help="profile one import of N rows")
    args = parser.parse_args(argv)
    if args.profile:
        profile(args.profile)
        return
    counts = args.counts or [1000, 5000, 10000]
    print(f"cpus {os.cpu_count()}, {load()}, {REPEATS} repeats (min / median / max)")
    print(
        f"{'rows':>6} {'openpyxl s':>18} {'import s':>18} {'ratio':>16} {'CPU ratio':>16}"
        f" {'s/1k':>6}  load"
    )
    for count in counts:
        content = workbook(count)
        reads, imports, ratios, cpu_ratios = [], [], [], []
        for _ in range(REPEATS):
            read, read_cpu = openpyxl_read(content)
            ours, ours_cpu, report = our_import(content)
            reads.append(read)
            imports.append(ours)
            ratios.append(ours / read)
            cpu_ratios.append(ours_cpu / read_cpu)
        assert report.people_added == count, report.as_dict()

        def spread(xs: list[float], fmt: str = "{:.2f}") -> str:
            return "/".join(fmt.format(x) for x in (min(xs), statistics.median(xs), max(xs)))

        print(
            f"{count:>6} {spread(reads):>18} {spread(imports):>18} {spread(ratios):>16}"
            f" {spread(cpu_ratios):>16} {statistics.median(imports) / count * 1000:>6.2f}  {load()}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
