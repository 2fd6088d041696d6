"""Consistency inside one document: annex marks, item numbering, deadlines, the familiarisation sheet."""

from __future__ import annotations

import re
from collections.abc import Iterator

from docgen.checking import names
from docgen.checking.model import ERROR, WARNING, Hit, Rule, excerpt
from docgen.checking.structure import Parsed, all_dates


def _annex_marks(parsed: Parsed) -> Iterator[Hit]:
    if parsed.kind != "order" or parsed.datenum is None:
        return
    own_date, own_number = parsed.order_date, parsed.order_number
    for mark in parsed.annexes:
        if mark.index < (parsed.signature or 0):
            continue
        index = parsed.units[mark.index].index
        if own_date and mark.date and mark.date != own_date:
            yield Hit(
                index,
                mark.text,
                f"Дата в отметке приложения ({mark.date:%d.%m.%Y}) не совпадает с датой приказа "
                f"({own_date:%d.%m.%Y}).",
            )
        if own_number and mark.reg_number and _norm(mark.reg_number) != _norm(own_number):
            yield Hit(
                index,
                mark.text,
                f"Номер в отметке приложения («№ {mark.reg_number}») не совпадает с номером приказа "
                f"(«№ {own_number}»).",
            )
        if (own_date or own_number) and not (mark.date or mark.reg_number or mark.blank):
            yield Hit(
                index,
                mark.text,
                "В отметке приложения нет даты и номера приказа, к которому оно относится.",
                WARNING,
            )


def _norm(number: str) -> str:
    return re.sub(r"\s+", "", number).lower().replace("n", "№")


_ITEM = re.compile(r"^([1-9]\d?(?:\.[1-9]\d?){0,3})(\.|\)|\s)\s*\S")


def _numbering(parsed: Parsed) -> Iterator[Hit]:
    if parsed.kind != "order":
        return
    last: dict[tuple[int, ...], int] = {}  # parent item -> its last sub-item number
    existing: set[tuple[int, ...]] = {()}
    for unit in parsed.items():
        if unit.in_table:
            continue
        m = _ITEM.match(unit.text)
        if not m or m[2] == ")" or (m[2] != "." and "." not in m[1]):
            continue
        parts = tuple(int(x) for x in m[1].split("."))
        parent, number = parts[:-1], parts[-1]
        if parent not in existing:
            yield Hit(
                unit.index,
                excerpt(unit.text, 0, 0, 60),
                f"Подпункт {m[1]} стоит под пунктом {'.'.join(map(str, parent))}, которого нет.",
            )
        else:
            expected = last.get(parent, 0) + 1
            if number != expected:
                what = "номер повторяется" if number < expected else f"пропущен номер {expected}"
                yield Hit(
                    unit.index,
                    excerpt(unit.text, 0, 0, 60),
                    f"Нумерация пунктов нарушена: пункт {m[1]} — {what}.",
                )
        last[parent] = number
        existing.add(parts)
        for key in [k for k in last if len(k) > len(parent)]:
            del last[key]
        for key in [k for k in existing if len(k) > len(parent) and k[: len(parent) + 1] != parts]:
            existing.discard(key)


_DEADLINE = re.compile(
    r"(?:\bдо\b|\bне\s+позднее\b|[Сс]рок\s*(?:исполнения)?\s*[—–:-]?\s*(?:до\s+)?)\s*$"
)


def _deadlines(parsed: Parsed) -> Iterator[Hit]:
    on = parsed.order_date
    if parsed.kind != "order" or on is None:
        return
    for unit in parsed.items():
        for date, m in all_dates(unit.text):
            before = unit.text[max(0, m.start() - 30) : m.start()]
            if _DEADLINE.search(before) and date < on:
                yield Hit(
                    unit.index,
                    excerpt(unit.text, m.start() - 20, m.end()),
                    f"Срок исполнения {date:%d.%m.%Y} раньше даты приказа ({on:%d.%m.%Y}).",
                )


_INFINITIVE_START = re.compile(r"^(?:\d+(?:\.\d+)*[.)]?\s*)?")


def _executors(parsed: Parsed) -> list[tuple[int, str, names.Mention]]:
    """People the order makes do something: item addressees, those appointed or charged."""
    found = []
    for unit in parsed.items():
        text = unit.text
        if "оставляю за собой" in text:
            continue
        people = names.mentions(text)
        if not people:
            continue
        first = people[0]
        lead = text[: first.start]
        words = re.findall(r"[А-Яа-яЁё]+", lead)
        if words and not any(names.parse_word(w)[0].tag.POS == "INFN" for w in words):
            found.append((unit.index, text, first))  # «Куратору Черновой Н.В. обеспечить …»
        for g in re.finditer(r"\b(?:[Нн]азначить|[Вв]озложить\b[^;:]{0,120}?\bна)\b", text):
            after = [m for m in people if m.start >= g.end()]
            if after and not re.search(r"[;:]", text[g.end() : after[0].start]):
                found.append((unit.index, text, after[0]))
    return found


def _sheet(parsed: Parsed) -> list[names.Mention]:
    if parsed.acq is None:
        return []
    end = min([m.index for m in parsed.annexes if m.index > parsed.acq] or [len(parsed.units)])
    people = []
    for unit in parsed.units[parsed.acq : end]:
        people += names.mentions(unit.text)
    return people


def _matches(person: names.Mention, sheet: list[names.Mention]) -> bool:
    stem = _stem(person.surname)
    return any(s.initials == person.initials and _stem(s.surname) == stem for s in sheet)


def _stem(surname: str) -> str:
    low = surname.lower().replace("ё", "е")
    for ending in (
        "ому",
        "ему",
        "ого",
        "его",
        "ой",
        "ую",
        "ая",
        "яя",
        "ий",
        "ый",
        "ым",
        "ом",
        "ей",
        "у",
        "а",
        "е",
        "ы",
        "ю",
        "я",
    ):
        if low.endswith(ending) and len(low) - len(ending) >= 3:
            return low[: -len(ending)]
    return low


def _familiarisation(parsed: Parsed) -> Iterator[Hit]:
    if parsed.kind != "order":
        return
    sheet = _sheet(parsed)
    if not sheet:
        return
    reported = set()
    for index, text, m in _executors(parsed):
        key = (_stem(m.surname), m.initials)
        if key in reported or _matches(m, sheet):
            continue
        reported.add(key)
        yield Hit(
            index,
            excerpt(text, m.start, m.end),
            f"{m.text} — исполнитель по приказу, но его (её) нет в листе ознакомления.",
        )
    for unit in parsed.items():
        g = re.search(r"\b[Оо]знакомить\b", unit.text)
        if not g:
            continue
        for m in names.mentions(unit.text[g.end() :]):
            key = (_stem(m.surname), m.initials)
            if key in reported or _matches(m, sheet):
                continue
            reported.add(key)
            yield Hit(
                unit.index,
                excerpt(unit.text, g.start(), g.end() + m.end),
                f"{m.text} назван(а) в пункте «Ознакомить», но отсутствует в листе ознакомления.",
                ERROR,
            )


RULES = (
    Rule("CON-ANNEX", ERROR, "Отметка о приложении",
         "Отметка о приложении не повторяет дату и номер приказа.", _annex_marks),
    Rule("CON-NUMBERING", ERROR, "Нумерация пунктов", "Нумерация пунктов нарушена.", _numbering),
    Rule("CON-DEADLINE", WARNING, "Сроки не раньше даты приказа",
         "Срок исполнения раньше даты приказа.", _deadlines),
    Rule("CON-SHEET", WARNING, "Лист ознакомления",
         "Исполнитель отсутствует в листе ознакомления.", _familiarisation),
)  # fmt: skip
