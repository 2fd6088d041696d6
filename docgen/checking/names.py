"""People named in a document: full names, «Фамилия И.О.», «И.О. Фамилия», and their gender."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from docgen import ru

_CAP = r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?"
_PATR = r"[А-ЯЁ][а-яё]*(?:вич|вн|ичн|ьич|инич)[а-яё]{0,3}"
FULL = re.compile(rf"\b({_CAP}) ({_CAP}) ({_PATR})\b")
SHORT = re.compile(rf"\b({_CAP}) ?([А-ЯЁ])\. ?([А-ЯЁ])\.")
INITIALS_FIRST = re.compile(rf"\b([А-ЯЁ])\. ?([А-ЯЁ])\. ?({_CAP})\b")


@dataclass(frozen=True)
class Mention:
    """A person as written at one place: the words, their span and, if a full name, the parts."""

    start: int
    end: int
    surname: str
    initials: str
    name: str | None = None
    patronymic: str | None = None

    @property
    def text(self) -> str:
        if self.name:
            return f"{self.surname} {self.name} {self.patronymic}"
        return f"{self.surname} {self.initials}"


def mentions(text: str) -> list[Mention]:
    """Every person mention in reading order (a full name wins over a shorter reading)."""
    return list(_mentions(text))


# Several rules look for the people of the same paragraph, and a preview checks the same
# paragraphs again and again: the mentions of a text are found once.
@functools.lru_cache(maxsize=4096)
def _mentions(text: str) -> tuple[Mention, ...]:
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for m in FULL.finditer(text):
        if not _is_patronymic(m[3]):
            continue
        found.append(Mention(m.start(), m.end(), m[1], f"{m[2][0]}.{m[3][0]}.", m[2], m[3]))
        taken.append((m.start(), m.end()))
    for m in SHORT.finditer(text):
        if free(m.start(), m.end()) and not _is_common_word(m[1]):
            found.append(Mention(m.start(), m.end(), m[1], f"{m[2]}.{m[3]}."))
            taken.append((m.start(), m.end()))
    for m in INITIALS_FIRST.finditer(text):
        if free(m.start(), m.end()):
            found.append(Mention(m.start(), m.end(), m[3], f"{m[1]}.{m[2]}."))
            taken.append((m.start(), m.end()))
    return tuple(sorted(found, key=lambda x: x.start))


@functools.lru_cache(maxsize=16384)
def parse_word(word: str) -> tuple[Any, ...]:
    """pymorphy's readings of a word, found once per word (the analysis is pure and the
    dictionary look-up is most of the checker's time)."""
    return tuple(ru._morph().parse(word))


def _is_patronymic(word: str) -> bool:
    return any("Patr" in p.tag for p in parse_word(word)) or bool(
        re.search(r"(?:вич|вна|ична|ьич)[а-яё]{0,3}$", word)
    )


def _is_common_word(word: str) -> bool:
    """Words that start a sentence before an abbreviation («Приказ Т.Б.» is not a person)."""
    parses = parse_word(word)
    return (
        bool(parses)
        and not any("Surn" in p.tag or "Name" in p.tag for p in parses[:3])
        and (parses[0].tag.POS in {"PREP", "CONJ", "PRCL", "VERB", "INFN"})
    )


def patronymic_nominative(patronymic: str) -> bool:
    """«Викторовна», «Петрович»: the nominative of a patronymic."""
    return bool(re.search(r"(?:вна|чна|ич)$", patronymic))


def gender_of(m: Mention) -> str | None:
    if m.patronymic:
        if re.search(r"(?:вн|чн)[аыеуо]", m.patronymic) or m.patronymic.endswith(("вна", "чна")):
            return "f"
        if re.search(r"ич(?:а|у|ем|е)?$", m.patronymic):
            return "m"
    return None


def nominative_gender(surname: str) -> str | None:
    """Gender of a surname known to be in the nominative (signature, sheet line)."""
    low = surname.lower()
    if low.endswith(("ова", "ева", "ёва", "ина", "ына", "ская", "цкая", "ая")):
        return "f"
    if low.endswith(("ов", "ев", "ёв", "ин", "ын", "ский", "цкий", "ий", "ый", "ой")):
        return "m"
    return None


@dataclass(frozen=True)
class Person:
    surname: str  # nominative
    name: str
    patronymic: str
    gender: str | None

    @property
    def initials(self) -> str:
        return f"{self.name[0]}.{self.patronymic[0]}."

    def form(self, case: str, full: bool) -> str:
        s, n, p = ru.name_parts(self.surname, self.name, self.patronymic, case, self.gender)
        return f"{s} {n} {p}" if full else f"{s} {self.initials}"


def people(texts: list[str]) -> dict[tuple[str, str], Person]:
    """People whose full name stands somewhere in the nominative, by (surname, initials)."""
    known: dict[tuple[str, str], Person] = {}
    for text in texts:
        for m in mentions(text):
            if m.name and m.patronymic and patronymic_nominative(m.patronymic):
                person = Person(m.surname, m.name, m.patronymic, gender_of(m))
                known.setdefault((m.surname, m.initials), person)
    return known


def same(a: str, b: str) -> bool:
    return a.replace("ё", "е").lower() == b.replace("ё", "е").lower()
