"""Where the parts of a document stand: its kind, the order's requisites, items, signature,
familiarisation sheet and annex marks, found by pattern on the text a person reads."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field

from docgen.checking.caseless import fold
from docgen.checking.reader import Document

MONTHS = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
DIGITAL_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4})(?![\d.]\d)")
VERBAL_DATE = re.compile(
    r"(?<![\d])«?(\d{1,2})»?\s+(" + "|".join(MONTHS) + r")\s+(\d{4})(?:\s*(?:г\.|года?\b))?",
    re.IGNORECASE,
)
BLANK_DATE = re.compile(r"«?_{2,}»?\s*_{3,}\s*(?:20_*|\d{4})?|_{2,}\.\s?_{2,}\.\s?(?:20)?_{2,}")
NUMBER = re.compile(r"(?:№|N)\s*([0-9А-Яа-яЁёA-Za-z_][0-9А-Яа-яЁёA-Za-z_\-/.]*)")

_PLACE = re.compile(
    r"^(?:г\.|город|с\.|село|ст\.|станица|п\.|пос\.|посёлок|поселок|д\.|деревня|рп\.?|пгт\.?|х\.|хутор|аул|сл\.)\s*[А-ЯЁ]"
)
_PREAMBLE = re.compile(
    r"^(?:В\s+соответствии|В\s+целях|В\s+целях|На\s+основании|Во\s+исполнение|С\s+целью|По\s+итогам|"
    r"Руководствуясь|В\s+связи|Согласно|Для\s|В\s+рамках)"
)
_SIGNER = re.compile(
    r"^(?:Директор|Заведующ|Начальник|И\.\s?о\.|Исполняющ|Временно|Врио|Председател|Руководител|Ректор|"
    r"Глава|Министр|Заместитель|Генеральный)",
    re.IGNORECASE,
)
INITIALS_SURNAME = re.compile(r"\b[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?")
SURNAME_INITIALS = re.compile(r"\b[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?\s[А-ЯЁ]\.\s?[А-ЯЁ]\.")
_ACQ = re.compile(
    r"^(?:С\s+(?:настоящим\s+)?приказом\s+ознакомлен|Лист\s+ознакомления|Ознакомлены?\s*:)",
    re.IGNORECASE,
)
_ANNEX = re.compile(r"^(?:Приложение|ПРИЛОЖЕНИЕ)(?:\s*(?:№|N)?\s*(\d+))?(?=$|[\s,.:])")


def parse_date(text: str) -> dt.date | None:
    """The first full date in the text (05.06.2016 or 5 июня 2016 г.), if valid."""
    found = first_date(text)
    return found[0] if found else None


def first_date(text: str) -> tuple[dt.date, re.Match] | None:
    candidates = []
    for match in DIGITAL_DATE.finditer(text):
        d = _date(int(match[3]), int(match[2]), int(match[1]))
        if d:
            candidates.append((match.start(), d, match))
    for match in VERBAL_DATE.finditer(text):
        d = _date(int(match[3]), MONTHS.index(match[2].lower()) + 1, int(match[1]))
        if d:
            candidates.append((match.start(), d, match))
    if not candidates:
        return None
    _, d, match = min(candidates, key=lambda c: c[0])
    return d, match


def all_dates(text: str) -> list[tuple[dt.date, re.Match]]:
    found = []
    for match in DIGITAL_DATE.finditer(text):
        d = _date(int(match[3]), int(match[2]), int(match[1]))
        if d:
            found.append((d, match))
    for match in VERBAL_DATE.finditer(text):
        d = _date(int(match[3]), MONTHS.index(match[2].lower()) + 1, int(match[1]))
        if d:
            found.append((d, match))
    return sorted(found, key=lambda f: f[1].start())


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True)
class Unit:
    """A body paragraph, or a whole table row read as one line."""

    index: int  # the first paragraph's index
    text: str
    in_table: bool = False
    paragraphs: tuple[int, ...] = ()


@dataclass(frozen=True)
class AnnexMark:
    index: int
    text: str
    number: int | None
    date: dt.date | None
    reg_number: str | None
    blank: bool


@dataclass
class Parsed:
    """A read document with its parts located."""

    doc: Document
    units: list[Unit] = field(default_factory=list)
    kind: str = "other"  # order | consent | other
    head: int | None = None  # unit of «ПРИКАЗ»
    datenum: int | None = None
    order_date: dt.date | None = None
    order_number: str | None = None
    title: int | None = None
    title_text: str = ""
    command: int | None = None  # unit of «ПРИКАЗЫВАЮ»
    signature: int | None = None
    acq: int | None = None  # unit where the familiarisation sheet starts
    annexes: list[AnnexMark] = field(default_factory=list)
    consent_title: str = ""
    # what several rules derive from the same document, derived once (see rules.grammar)
    shared: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @functools.cached_property
    def text(self) -> str:
        """The non-empty units' texts, one a line: what the consent rules search as a whole."""
        return "\n".join(u.text for u in self.units if u.text)

    @functools.cached_property
    def folded_text(self) -> str | None:
        """`text` folded for case-insensitive searches (checking.caseless.fold)."""
        return fold(self.text)

    @functools.cached_property
    def paragraph_text(self) -> str:
        """Every paragraph's clean text, one a line: a word absent here is in no paragraph, so
        a rule whose every match contains it can skip the document after one look."""
        return "\n".join(p.clean for p in self.doc.paragraphs)

    @functools.cached_property
    def folded_paragraphs(self) -> str | None:
        """`paragraph_text` folded for case-insensitive searches (checking.caseless.fold)."""
        return fold(self.paragraph_text)

    def unit_text(self, i: int | None) -> str:
        return self.units[i].text if i is not None and 0 <= i < len(self.units) else ""

    @property
    def main_end(self) -> int:
        """The unit after the order's own text: the sheet or the first annex."""
        ends = [a for a in (self.acq, *(m.index for m in self.annex_units())) if a is not None]
        return min(ends) if ends else len(self.units)

    def annex_units(self) -> list[AnnexMark]:
        return self.annexes

    def items(self) -> list[Unit]:
        """The order's executive part: between «ПРИКАЗЫВАЮ» and the signature."""
        if self.command is None:
            return []
        end = self.signature if self.signature is not None else self.main_end
        return [u for u in self.units[self.command + 1 : end] if u.text]


def parse(doc: Document) -> Parsed:
    parsed = Parsed(doc=doc, units=_units(doc))
    units = parsed.units
    head_zone = [i for i, u in enumerate(units) if u.text][:30]
    for i in head_zone:
        squeezed = _squeezed(units[i].text)
        if re.fullmatch(r"ПРИКАЗ(?:№.*)?", squeezed):
            parsed.head = i
            break
    for i, u in enumerate(units):
        if "приказываю" in _squeezed(u.text).lower():
            parsed.command = i
            break
    if parsed.head is not None or parsed.command is not None:
        parsed.kind = "order"
        _order(parsed)
    else:
        for i in head_zone[:12]:
            text = units[i].text
            if re.match(r"^(?:СОГЛАСИЕ|Согласие)\b", text) and re.search(
                r"персональн", text + " " + parsed.unit_text(i + 1), re.IGNORECASE
            ):
                parsed.kind = "consent"
                parsed.consent_title = text
                break
    parsed.annexes = _annexes(units)
    return parsed


def _squeezed(text: str) -> str:
    """The text without whitespace («П Р И К А З» → «ПРИКАЗ»): re.sub(r"\\s+", "", text), as
    fast as str.split, which splits on the same characters."""
    return "".join(text.split())


def _units(doc: Document) -> list[Unit]:
    units: list[Unit] = []
    row_key = None
    for p in doc.paragraphs:
        if p.where == "table":
            key = (p.table, p.row)
            if key == row_key:
                last = units[-1]
                joined = (last.text + " \t " + p.clean).strip() if p.clean else last.text
                units[-1] = Unit(last.index, joined, True, (*last.paragraphs, p.index))
                continue
            row_key = key
            units.append(Unit(p.index, p.clean, True, (p.index,)))
        else:
            row_key = None
            units.append(Unit(p.index, p.clean, False, (p.index,)))
    return units


def _order(parsed: Parsed) -> None:
    units = parsed.units
    start = parsed.head if parsed.head is not None else 0
    stop = parsed.command if parsed.command is not None else len(units)
    for i in range(start + (1 if parsed.head is not None else 0), min(start + 6, stop)):
        text = units[i].text
        if len(text) > 120 or _PREAMBLE.match(text):
            continue
        if ("№" in text or re.search(r"\bN\s*\d", text)) and (
            first_date(text) or BLANK_DATE.search(text)
        ):
            parsed.datenum = i
            parsed.order_date = parse_date(text)
            number = NUMBER.search(text)
            if number and not number[1].startswith("_"):
                parsed.order_number = number[1].rstrip(".")
            break
    after = parsed.datenum if parsed.datenum is not None else parsed.head
    for i in range(max(0, start - 3), stop):
        if _TITLE.match(units[i].text) and len(units[i].text) < 400:
            _title(parsed, i, stop)
            after = None
            break
    if after is not None:
        i = after + 1
        while i < stop and (not units[i].text or _PLACE.match(units[i].text)):
            i += 1
        if i < stop and not _PREAMBLE.match(units[i].text) and len(units[i].text) < 400:
            _title(parsed, i, stop)
    if parsed.command is not None:
        for i in range(parsed.command + 1, len(units)):
            text = units[i].text
            if _ACQ.match(text) or _ANNEX.match(text):
                break
            if (
                len(text) < 200
                and _SIGNER.match(text)
                and (INITIALS_SURNAME.search(text) or SURNAME_INITIALS.search(text))
            ):
                parsed.signature = i
                break
        begin = parsed.signature if parsed.signature is not None else parsed.command
        for i in range(begin + 1, len(units)):
            if _ACQ.match(units[i].text):
                parsed.acq = i
                break


_TITLE = re.compile(r"^(?:О|Об|Обо)\s+[а-яё]")


def _title(parsed: Parsed, i: int, stop: int) -> None:
    units = parsed.units
    parsed.title = i
    parts = [units[i].text]
    j = i + 1
    while j < stop and units[j].text[:1].islower() and len(units[j].text) < 200:
        parts.append(units[j].text)
        j += 1
    parsed.title_text = " ".join(parts)


def _annexes(units: list[Unit]) -> list[AnnexMark]:
    marks = []
    for i, unit in enumerate(units):
        match = _ANNEX.match(unit.text)
        if not match or len(unit.text) > 250:
            continue
        block = [unit.text]
        j = i + 1
        while j < len(units) and j <= i + 4 and len(" ".join(block)) < 300:
            if not re.search(r"(?:от|№|N)\s", " ".join(block)) or not _has_date(" ".join(block)):
                if units[j].text:
                    block.append(units[j].text)
                j += 1
            else:
                break
        text = " ".join(block)
        if not re.search(r"\bк\s+(?:приказу|распоряжению|постановлению)", text):
            continue
        number = _reg_number(text)
        marks.append(
            AnnexMark(
                index=i,
                text=text,
                number=int(match[1]) if match[1] else None,
                date=parse_date(text),
                reg_number=number,
                blank=bool(BLANK_DATE.search(text)) or "№ _" in text or "№_" in text,
            )
        )
    return marks


def _has_date(text: str) -> bool:
    return bool(first_date(text) or BLANK_DATE.search(text))


def _reg_number(text: str) -> str | None:
    """The number of the order an annex mark names: «от <дата> № N» or «№ N от <дата>»."""
    found = first_date(text)
    if found:
        _, date = found
        after = re.match(r"\s*(?:г\.|года)?\s*(?:№|N)\s*([^\s,;]+)", text[date.end() :])
        before = re.search(r"(?:№|N)\s*([^\s,;]+)\s+от\s*$", text[: date.start()])
        number = after or before
        if number and not number[1].startswith("_"):
            return number[1].rstrip(".")
    return None
