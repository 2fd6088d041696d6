"""Citations of the federal acts of the mentoring model (DOMAIN §0): kind, date and number."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

from docgen.checking.model import ERROR, WARNING, Hit, Rule, excerpt
from docgen.checking.structure import Parsed, first_date

KIND_WORDS = re.compile(
    r"\b(распоряжени|постановлени|приказ|письм|указ|закон|рекомендаци|положени|концепци)[а-яё]*",
    re.IGNORECASE,
)
KIND_TITLES = {
    "распоряжени": "распоряжение",
    "постановлени": "постановление",
    "приказ": "приказ",
    "письм": "письмо",
    "указ": "указ",
    "закон": "федеральный закон",
}


@dataclass(frozen=True)
class Act:
    code: str
    number: str  # regex of the act's number as written after «№»
    kind: str  # key of KIND_TITLES
    date: dt.date
    canonical: str


ACTS = (
    Act("CIT-R145", r"[РP]\s?-\s?145\b", "распоряжени", dt.date(2019, 12, 25),
        "распоряжение Минпросвещения России от 25.12.2019 № Р-145"),
    Act("CIT-MR42", r"МР\s?-\s?42/02\b", "письм", dt.date(2020, 1, 23),
        "письмо Минпросвещения России от 23.01.2020 № МР-42/02"),
    Act("CIT-AZ1128", r"АЗ\s?-\s?1128/08\b", "письм", dt.date(2021, 12, 21),
        "письмо Минпросвещения России и Общероссийского Профсоюза образования от 21.12.2021 № АЗ-1128/08"),
    Act("CIT-273FZ", r"273\s?-\s?ФЗ\b", "закон", dt.date(2012, 12, 29),
        "Федеральный закон от 29.12.2012 № 273-ФЗ «Об образовании в Российской Федерации»"),
    Act("CIT-152FZ", r"152\s?-\s?ФЗ\b", "закон", dt.date(2006, 7, 27),
        "Федеральный закон от 27.07.2006 № 152-ФЗ «О персональных данных»"),
    Act("CIT-3273R", r"3273\s?-\s?р\b", "распоряжени", dt.date(2019, 12, 31),
        "распоряжение Правительства Российской Федерации от 31.12.2019 № 3273-р"),
    Act("CIT-1264R", r"1264\s?-\s?р\b", "распоряжени", dt.date(2025, 5, 21),
        "распоряжение Правительства Российской Федерации от 21.05.2025 № 1264-р (Концепция развития наставничества)"),
    Act("CIT-381FZ", r"381\s?-\s?ФЗ\b", "закон", dt.date(2024, 11, 9),
        "Федеральный закон от 09.11.2024 № 381-ФЗ"),
)  # fmt: skip

# Указы are numbered plainly («№ 94»): checked only when «Указ» governs the citation.
DECREES = {
    "94": (dt.date(2018, 3, 2), "Указ Президента Российской Федерации от 02.03.2018 № 94"),
    "204": (dt.date(2018, 5, 7), "Указ Президента Российской Федерации от 07.05.2018 № 204"),
    "474": (dt.date(2020, 7, 21), "Указ Президента Российской Федерации от 21.07.2020 № 474"),
    "309": (dt.date(2024, 5, 7), "Указ Президента Российской Федерации от 07.05.2024 № 309"),
}
_DATE = r"(?:\d{1,2}\.\d{1,2}\.\d{4}|«?\d{1,2}»?\s+[а-я]+\s+\d{4})"
_BEFORE = re.compile(rf"от\s+({_DATE})\s*(?:г\.|года)?\s*$")
_AFTER = re.compile(rf"^\s*(?:/\s*№\s*\d+\s*)?от\s+({_DATE})")


def _texts(parsed: Parsed, *needles: str) -> Iterator[tuple[int, str]]:
    """(index, clean text) of each paragraph; none when the document holds none of the needles,
    words every match of the caller's patterns contains (most citations are in few documents)."""
    if needles and not any(needle in parsed.paragraph_text for needle in needles):
        return
    for p in parsed.doc.paragraphs:
        if p.clean:
            yield p.index, p.clean


def _kind_before(text: str, start: int) -> str | None:
    """The kind word governing the citation that ends at `start` (None if none in its clause)."""
    window = text[max(0, start - 200) : start]
    cut = max(window.rfind("»"), window.rfind(";"), window.rfind("("), window.rfind(")"))
    if cut >= 0:
        window = window[cut + 1 :]
    words = list(KIND_WORDS.finditer(window))
    return words[-1][1].lower() if words else None


def _date_near(text: str, start: int, end: int) -> dt.date | None:
    before = _BEFORE.search(text[max(0, start - 40) : start])
    if before:
        found = first_date(before[1])
        return found[0] if found else None
    after = _AFTER.match(text[end : end + 40])
    if after:
        found = first_date(after[1])
        return found[0] if found else None
    return None


def _act_rule(act: Act):
    number = re.compile(r"(?:№|N)\s*" + act.number)
    digits = re.search(r"\d+", act.number)[0]  # in every citation of the number

    def find(parsed: Parsed) -> Iterator[Hit]:
        for index, text in _texts(parsed, digits):
            for m in number.finditer(text):
                kind = _kind_before(text, m.start())
                if kind in KIND_TITLES and kind != act.kind:
                    yield Hit(
                        index,
                        excerpt(text, m.start() - 60, m.end()),
                        f"Акт № {m[0].lstrip('№N ').strip()} — не {KIND_TITLES[kind]}: "
                        f"правильно «{act.canonical}».",
                    )
                    continue
                date = _date_near(text, m.start(), m.end())
                if date is not None and date != act.date:
                    yield Hit(
                        index,
                        excerpt(text, m.start() - 30, m.end()),
                        f"Неверная дата акта: {date:%d.%m.%Y} вместо "
                        f"{act.date:%d.%m.%Y}; правильно «{act.canonical}».",
                    )

    return find


_R145_AS_NUMBER = re.compile(r"(?:№|N)\s*145\s?-?\s?[рР]\b")


def _r145_number(parsed: Parsed) -> Iterator[Hit]:
    for index, text in _texts(parsed, "145"):
        for m in _R145_AS_NUMBER.finditer(text):
            around = text[max(0, m.start() - 200) : m.end() + 300]
            if re.search(
                r"2[45]\.12\.2019|наставничеств|Минпросвещ|Министерства просвещения", around
            ):
                yield Hit(
                    index,
                    excerpt(text, m.start() - 40, m.end()),
                    "Номер распоряжения Минпросвещения России о целевой модели наставничества — «Р-145», "
                    "а не «145-р»: правильно «распоряжение Минпросвещения России от 25.12.2019 № Р-145».",
                )


_CONCEPT = re.compile(r"Концепци[яиюей]+\s+развития\s+наставничества", re.IGNORECASE)
_CITATION = re.compile(rf"от\s+({_DATE})\s*(?:г\.|года)?\s*(?:№|N)\s*([\w\-/]+)")


def _concept(parsed: Parsed) -> Iterator[Hit]:
    for index, text in _texts(parsed):
        for m in _CONCEPT.finditer(text):
            window = text[max(0, m.start() - 250) : m.end() + 200]
            for c in _CITATION.finditer(window):
                number = c[2].lower().replace(" ", "")
                if number == "1264-р":
                    continue
                date = first_date(c[1])
                if date and date[0] == dt.date(2025, 5, 21) or re.fullmatch(r"\d+-р", number):
                    yield Hit(
                        index,
                        excerpt(window, c.start(), c.end()),
                        "Концепция развития наставничества утверждена распоряжением Правительства "
                        "Российской Федерации от 21.05.2025 № 1264-р.",
                    )


_DECREE = re.compile(
    rf"\b[Уу]каз\w*[^«»;]{{0,80}}?от\s+({_DATE})\s*(?:г\.|года)?\s*(?:№|N)\s*(\d+)\b"
)


def _decrees(parsed: Parsed) -> Iterator[Hit]:
    for index, text in _texts(parsed, "каз"):
        for m in _DECREE.finditer(text):
            known = DECREES.get(m[2])
            date = first_date(m[1])
            if known and date and date[0] != known[0]:
                yield Hit(
                    index,
                    excerpt(text, m.start(), m.end()),
                    f"Неверная дата указа № {m[2]}: {date[0]:%d.%m.%Y}; правильно «{known[1]}».",
                )


_TK_ARTICLE = re.compile(r"\b358\.1\b")


def _labour_code(parsed: Parsed) -> Iterator[Hit]:
    for index, text in _texts(parsed, "358.1"):
        for m in _TK_ARTICLE.finditer(text):
            around = text[max(0, m.start() - 80) : m.end() + 80]
            if re.search(r"Трудов\w*\s+кодекс|\bТК\b", around):
                yield Hit(
                    index,
                    excerpt(text, m.start() - 30, m.end() + 30),
                    "Наставничество в сфере труда — статья 351.8 Трудового кодекса Российской "
                    "Федерации, а не «358.1».",
                )


_GOST_2016 = re.compile(r"ГОСТ\s+Р\s+7\.0\.97\s?-\s?2016")
_GOST_630 = re.compile(r"ГОСТ\s+Р\s+6\.30\s?-\s?2003")
_UKAZ_474 = re.compile(r"\b[Уу]каз\w*[^«»;]{0,80}?(?:№|N)\s*474\b")


def _superseded(parsed: Parsed) -> Iterator[Hit]:
    on = parsed.order_date
    for index, text in _texts(parsed, "ГОСТ", "474"):
        for m in _GOST_2016.finditer(text):
            if on is None or on >= dt.date(2025, 8, 18):
                yield Hit(
                    index,
                    excerpt(text, m.start(), m.end()),
                    "ГОСТ Р 7.0.97-2016 заменён ГОСТ Р 7.0.97-2025, действующим с 18.08.2025.",
                )
        for m in _GOST_630.finditer(text):
            yield Hit(
                index,
                excerpt(text, m.start(), m.end()),
                "ГОСТ Р 6.30-2003 утратил силу (с 01.07.2018 — ГОСТ Р 7.0.97-2016, с 18.08.2025 — "
                "ГОСТ Р 7.0.97-2025).",
            )
        for m in _UKAZ_474.finditer(text):
            if on is None or on >= dt.date(2024, 5, 7):
                yield Hit(
                    index,
                    excerpt(text, m.start(), m.end()),
                    "Указ от 21.07.2020 № 474 утратил силу: национальные цели определены Указом "
                    "Президента Российской Федерации от 07.05.2024 № 309.",
                )


RULES = (
    *(
        Rule(act.code, ERROR, f"Ссылка: {act.canonical}", "Неверная ссылка на акт.", _act_rule(act))
        for act in ACTS
    ),
    Rule("CIT-R145-NUMBER", ERROR, "Номер Р-145", "Неверный номер распоряжения Р-145.", _r145_number),
    Rule("CIT-CONCEPT", ERROR, "Концепция развития наставничества", "Неверная ссылка на Концепцию.", _concept),
    Rule("CIT-UKAZ", ERROR, "Указы Президента", "Неверная дата указа.", _decrees),
    Rule("CIT-TK3518", ERROR, "ТК РФ ст. 351.8", "Неверная статья ТК РФ.", _labour_code),
    Rule("CIT-SUPERSEDED", WARNING, "Утратившие силу акты", "Акт утратил силу.", _superseded),
)  # fmt: skip
