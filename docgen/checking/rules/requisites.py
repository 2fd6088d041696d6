"""Requisites of an order and their order (ГОСТ Р 7.0.97-2025); the heading; one date format."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from docgen.checking.model import ERROR, WARNING, Hit, Rule, excerpt
from docgen.checking.structure import DIGITAL_DATE, VERBAL_DATE, Parsed, _date


def _orders(find):
    def only_orders(parsed: Parsed) -> Iterator[Hit]:
        if parsed.kind == "order":
            yield from find(parsed)

    return only_orders


def _organisation(parsed: Parsed) -> Iterator[Hit]:
    if parsed.head is None:
        return
    before = [u for u in parsed.units[: parsed.head] if u.text]
    if not before:
        unit = parsed.units[parsed.head]
        yield Hit(unit.index, unit.text)


def _kind(parsed: Parsed) -> Iterator[Hit]:
    if parsed.head is None and parsed.command is not None:
        unit = parsed.units[parsed.command]
        yield Hit(unit.index, excerpt(unit.text, 0, 0, 60))


def _date_number(parsed: Parsed) -> Iterator[Hit]:
    if parsed.head is not None and parsed.datenum is None:
        unit = parsed.units[parsed.head]
        yield Hit(unit.index, unit.text)


def _title(parsed: Parsed) -> Iterator[Hit]:
    if parsed.head is None:
        return
    if parsed.title is None:
        anchor = parsed.datenum if parsed.datenum is not None else parsed.head
        unit = parsed.units[anchor]
        yield Hit(unit.index, unit.text)


_ABBREVIATION_END = re.compile(r"(?:\b(?:г|гг|уч|им|др|т\.\s?д|т\.\s?п|ст|с|п|д)\.)$")


def _title_form(parsed: Parsed) -> Iterator[Hit]:
    if parsed.title is None:
        return
    unit = parsed.units[parsed.title]
    text = parsed.title_text
    if not re.match(r"^(?:О|Об|Обо)\s", text):
        yield Hit(
            unit.index,
            excerpt(text, 0, 0, 60),
            "Заголовок к тексту приказа начинается с предлога «О» или «Об» и отвечает на вопрос "
            "«о чём?» (например, «О назначении куратора…»).",
        )
    if text.endswith(".") and not _ABBREVIATION_END.search(text):
        yield Hit(
            unit.index,
            excerpt(text, len(text) - 1, len(text), 60),
            "В конце заголовка к тексту точка не ставится.",
        )


def _command(parsed: Parsed) -> Iterator[Hit]:
    if parsed.head is None or parsed.command is not None:
        return
    # the executive part starts without «ПРИКАЗЫВАЮ:» — look for numbered items
    for unit in parsed.units[parsed.head + 1 :]:
        if re.match(r"^1\.\s+\S", unit.text) and not unit.in_table:
            yield Hit(unit.index, excerpt(unit.text, 0, 0, 60))
            return


def _sequence(parsed: Parsed) -> Iterator[Hit]:
    """ПРИКАЗ → date and number → heading → ПРИКАЗЫВАЮ → signature, in this order."""
    marks = [
        ("вид документа «ПРИКАЗ»", parsed.head),
        ("дата и номер", parsed.datenum),
        ("заголовок к тексту", parsed.title),
        ("«ПРИКАЗЫВАЮ:»", parsed.command),
        ("подпись", parsed.signature),
    ]
    present = [(name, i) for name, i in marks if i is not None]
    for (name_a, a), (name_b, b) in zip(present, present[1:], strict=False):
        if a > b:
            unit = parsed.units[a]
            yield Hit(
                unit.index,
                excerpt(unit.text, 0, 0, 60),
                f"Реквизиты приказа стоят не по порядку: {name_a} — после «{name_b}».",
            )


def _items(parsed: Parsed) -> Iterator[Hit]:
    if parsed.command is None:
        return
    items = parsed.items()
    numbered = [u for u in items if re.match(r"^\d{1,2}[.)]", u.text) or _word_numbered(parsed, u)]
    if not numbered:
        unit = parsed.units[parsed.command]
        yield Hit(unit.index, unit.text)


def _word_numbered(parsed: Parsed, unit) -> bool:
    return any(parsed.doc.paragraphs[i].numbered for i in unit.paragraphs)


def _signature(parsed: Parsed) -> Iterator[Hit]:
    if parsed.command is not None and parsed.signature is None:
        items = parsed.items()
        unit = items[-1] if items else parsed.units[parsed.command]
        yield Hit(unit.index, excerpt(unit.text, len(unit.text), len(unit.text), 80))


# --- dates: one format, digital with zeros and without «г.», verbal without a leading zero

_BLANKISH = re.compile(r"_")


# Both date rules scan every paragraph for both forms; the scan of a text is made once (and a
# paragraph that recurs, as the template's own text does in every document, is not scanned again).
@functools.lru_cache(maxsize=4096)
def _date_matches(text: str) -> tuple[tuple[re.Match, ...], tuple[re.Match, ...]]:
    return tuple(DIGITAL_DATE.finditer(text)), tuple(VERBAL_DATE.finditer(text))


def _dates(parsed: Parsed) -> Iterator[Hit]:
    digital, verbal = [], []
    for p in parsed.doc.paragraphs:
        text = p.clean
        digital_dates, verbal_dates = _date_matches(text)
        for m in digital_dates:
            if _date(int(m[3]), int(m[2]), int(m[1])):
                digital.append((p.index, text, m))
        for m in verbal_dates:
            if "«" in m[0]:  # «03» ноября 2022 г. — the fill-in form of grifs
                continue
            verbal.append((p.index, text, m))
    if digital and verbal:
        minority = verbal if len(verbal) <= len(digital) else digital
        index, text, m = minority[0]
        yield Hit(
            index,
            excerpt(text, m.start(), m.end()),
            "В документе смешаны форматы дат: цифровой (05.06.2024) и словесно-цифровой "
            "(5 июня 2024 г.) — используйте один формат.",
        )


def _date_form(parsed: Parsed) -> Iterator[Hit]:
    for p in parsed.doc.paragraphs:
        text = p.clean
        digital_dates, verbal_dates = _date_matches(text)
        for m in digital_dates:
            if not _date(int(m[3]), int(m[2]), int(m[1])):
                continue
            tail = text[m.end() : m.end() + 6]
            if re.match(r"\s?г\.(?!\s?р\.)|\s?года\b", tail):
                yield Hit(
                    p.index,
                    excerpt(text, m.start(), m.end() + 3),
                    "После даты в цифровой форме «г.» не пишется (05.06.2024, а не 05.06.2024 г.).",
                )
            elif len(m[1]) == 1 or len(m[2]) == 1:
                yield Hit(
                    p.index,
                    excerpt(text, m.start(), m.end()),
                    "День и месяц в цифровой дате пишутся двумя цифрами (05.06.2024).",
                )
        for m in verbal_dates:
            if "«" not in m[0] and m[1].startswith("0"):
                yield Hit(
                    p.index,
                    excerpt(text, m.start(), m.end()),
                    "В словесно-цифровой дате день пишется без нуля впереди (5 июня 2024 г.).",
                )


RULES = (
    Rule("REQ-ORG", ERROR, "Наименование организации",
         "Над видом документа «ПРИКАЗ» нет наименования организации.", _orders(_organisation)),
    Rule("REQ-KIND", ERROR, "Вид документа «ПРИКАЗ»",
         "В документе есть «ПРИКАЗЫВАЮ:», но нет вида документа «ПРИКАЗ».", _orders(_kind)),
    Rule("REQ-DATE-NUMBER", ERROR, "Дата и регистрационный номер",
         "Под видом документа «ПРИКАЗ» нет даты и регистрационного номера (или места для них).",
         _orders(_date_number)),
    Rule("REQ-TITLE", ERROR, "Заголовок к тексту",
         "У приказа нет заголовка к тексту («О …») — по ГОСТ Р 7.0.97-2025 он обязателен.",
         _orders(_title)),
    Rule("REQ-TITLE-FORM", WARNING, "Форма заголовка", "Заголовок оформлен не по ГОСТ Р 7.0.97.",
         _orders(_title_form)),
    Rule("REQ-COMMAND", ERROR, "«ПРИКАЗЫВАЮ:»",
         "Распорядительная часть не отделена словом «ПРИКАЗЫВАЮ:».", _orders(_command)),
    Rule("REQ-SEQUENCE", ERROR, "Порядок реквизитов", "Реквизиты приказа стоят не по порядку.",
         _orders(_sequence)),
    Rule("REQ-ITEMS", ERROR, "Нумерованные пункты",
         "После «ПРИКАЗЫВАЮ:» нет нумерованных пунктов.", _orders(_items)),
    Rule("REQ-SIGNATURE", ERROR, "Подпись",
         "После распорядительной части нет подписи (должность руководителя и «И.О. Фамилия»).",
         _orders(_signature)),
    Rule("FMT-DATE-MIX", WARNING, "Один формат дат", "В документе смешаны форматы дат.", _dates),
    Rule("FMT-DATE-FORM", WARNING, "Запись даты", "Дата записана не по ГОСТ Р 7.0.97.", _date_form),
)  # fmt: skip
