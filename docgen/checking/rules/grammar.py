"""Case government in order formulae, a position beside the name in the same case,
«ознакомлен/ознакомлена» agreeing with the person; bracketed words agreeing.

Conservative on purpose: a name is called wrong only when it is certainly the nominative — a full
name whose patronymic is nominative, or a «Фамилия И.О.» whose full nominative name stands
elsewhere in the same document — and the case the verb needs has another form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from docgen.checking import names
from docgen.checking.caseless import Caseless
from docgen.checking.model import ERROR, WARNING, Hit, Rule, excerpt
from docgen.checking.structure import Parsed

CASE_WORDS = {"acc": "винительном (кого?)", "dat": "дательном (кому?)"}
_PYMORPHY = {"acc": "accs", "dat": "datv", "nom": "nomn"}

# verb -> the case of the person it governs; «возложить … на» and «ознакомить» are special
GOVERNORS = (
    (re.compile(r"\b(?:[Нн]азначить|[Зз]акрепить|[Нн]аградить)\b"), "acc", False),
    (re.compile(r"\b[Вв]озложить\b[^;:]{0,120}?\bна\b"), "acc", False),
    (
        re.compile(
            r"\b[Оо]знакомить(?:\s+с\s+(?:настоящим\s+|данным\s+|этим\s+)?"
            r"(?:приказом|распоряжением|положением|документ\w*|локальн\w+\s+акт\w*))?(?=\s)"
        ),
        "acc",
        True,
    ),
    (re.compile(r"\b(?:[Оо]бъявить|[Вв]ыразить)\s+благодарност[ьи]\b"), "dat", False),
    (re.compile(r"\b(?:[Пп]оручить|[Вв]ыплатить\s+преми[юи])\b"), "dat", False),
)
# a preposition between the verb and the name means the name is governed by it, not the verb
_PREPOSITION = re.compile(r"\b(?:за|с|со|для|от|при|к|ко|у|о|об|перед|между|из)\s", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[;:]|\.\s+[А-ЯЁ]")
POSITION_WORDS = frozenset(
    """учитель заместитель педагог методист директор советник воспитатель логопед дефектолог
    психолог преподаватель библиотекарь специалист бухгалтер секретарь руководитель тьютор
    инструктор концертмейстер заведующий ученик ученица обучающийся студент председатель
    начальник инспектор делопроизводитель лаборант вожатый социальный главный старший ведущий
    классный медицинский""".split()
)


def _people(parsed: Parsed) -> dict[tuple[str, str], names.Person]:
    known = parsed.shared.get("people")
    if known is None:
        known = parsed.shared["people"] = names.people([p.clean for p in parsed.doc.paragraphs])
    return known  # type: ignore[return-value]


def _wrong_form(
    m: names.Mention, case: str, known: dict[tuple[str, str], names.Person]
) -> str | None:
    """The form the case needs, when `m` is certainly a nominative that differs from it."""
    if m.name and m.patronymic:
        if not names.patronymic_nominative(m.patronymic):
            return None
        person = names.Person(m.surname, m.name, m.patronymic, names.gender_of(m))
        expected = person.form(case, full=True)
        return None if names.same(expected, m.text) else expected
    person = known.get((m.surname, m.initials))
    if person is None or not names.same(person.surname, m.surname):
        return None
    expected = person.form(case, full=False)
    return None if names.same(expected.split()[0], m.surname) else expected


def _position_wrong(text: str, case: str) -> tuple[int, int, str] | None:
    """A position right after «ФИО,» that stands in the nominative where `case` is needed."""
    m = re.match(r",\s+([а-яё]+)(?:-[а-яё]+)?", text)
    if not m:
        return None
    word = m[1]
    parses = [p for p in names.parse_word(word) if p.tag.POS in {"NOUN", "ADJF"}]
    ours = [p for p in parses if p.normal_form in POSITION_WORDS]
    if not ours:
        return None
    cases = {p.tag.case for p in ours}
    if _PYMORPHY[case] in cases or "nomn" not in cases:
        return None
    wanted = ours[0].inflect({_PYMORPHY[case]})
    return m.start(1), m.end(1), wanted.word if wanted else ""


def _governed(parsed: Parsed) -> list[tuple[int, str, names.Mention, str, str]]:
    """(paragraph, text, mention, case, verb) for every person a governing verb takes; found
    once per document for both rules that read them."""
    governed = parsed.shared.get("governed")
    if governed is None:
        governed = parsed.shared["governed"] = list(_find_governed(parsed))
    return governed  # type: ignore[return-value]


def _find_governed(parsed: Parsed) -> Iterator[tuple[int, str, names.Mention, str, str]]:
    for p in parsed.doc.paragraphs:
        text = p.clean
        if not text:
            continue
        found = names.mentions(text)
        if not found:
            continue
        for pattern, case, whole_list in GOVERNORS:
            for g in pattern.finditer(text):
                following = [m for m in found if m.start >= g.end()]
                if not following:
                    continue
                first = following[0]
                between = text[g.end() : first.start]
                if _CLAUSE_END.search(between) or _PREPOSITION.search(" " + between):
                    continue
                chosen = [first]
                if whole_list:
                    for nxt in following[1:]:
                        gap = text[chosen[-1].end : nxt.start]
                        if not re.fullmatch(r"\s*(?:,|и)\s*", gap):
                            break
                        chosen.append(nxt)
                verb = g[0].split()[0].lower()
                for m in chosen:
                    yield p.index, text, m, case, verb


def _case(parsed: Parsed) -> Iterator[Hit]:
    known = _people(parsed)
    for index, text, m, case, verb in _governed(parsed):
        expected = _wrong_form(m, case, known)
        if expected:
            yield Hit(
                index,
                excerpt(text, m.start, m.end),
                f"После «{verb}» имя ставится в {CASE_WORDS[case]} падеже: "
                f"«{expected}», а не «{m.text}».",
            )


def _position(parsed: Parsed) -> Iterator[Hit]:
    for index, text, m, case, verb in _governed(parsed):
        wrong = _position_wrong(text[m.end :], case)
        if wrong:
            start, end, wanted = wrong
            word = text[m.end + start : m.end + end]
            hint = f": «{wanted}», а не «{word}»" if wanted else ""
            yield Hit(
                index,
                excerpt(text, m.start, m.end + end),
                f"Должность рядом с именем ставится в том же падеже, что и имя ({verb} — "
                f"{CASE_WORDS[case]}){hint}.",
            )


_ACQ_WORD = re.compile(r"\b(ознакомлен|ознакомлена)\b(?!\s*\(|\()", re.IGNORECASE)
_ACQ_STEM = Caseless("ознакомлен")  # in every match of _ACQ_WORD


def _acquainted(parsed: Parsed) -> Iterator[Hit]:
    if _ACQ_STEM.search(parsed.text, parsed.folded_text) is None:
        return  # in no unit either
    known = _people(parsed)
    lines = [(u.index, u.text) for u in parsed.units if u.text]
    for index, text in lines:
        word = _ACQ_WORD.search(text)
        if not word:
            continue
        people = [m for m in names.mentions(text) if m.start > word.end() or m.end < word.start()]
        if len(people) != 1:
            continue
        m = people[0]
        gender = names.gender_of(m)
        if gender is None:
            person = known.get((m.surname, m.initials))
            gender = person.gender if person else names.nominative_gender(m.surname)
        said = "f" if word[1].lower().endswith("а") else "m"
        if gender and gender != said:
            right = "ознакомлена" if gender == "f" else "ознакомлен"
            yield Hit(
                index,
                excerpt(text, min(word.start(), m.start), max(word.end(), m.end)),
                f"«{word[1]}» не согласуется с полом: для {m.text} — «{right}».",
            )


_BRACKET = re.compile(r"\b([а-яё]{3,}) \(([а-яё]{3,})\)")


def _brackets(parsed: Parsed) -> Iterator[Hit]:
    if " (" not in parsed.paragraph_text:  # what _BRACKET needs in any match
        return
    for p in parsed.doc.paragraphs:
        text = p.clean
        if " (" not in text:
            continue
        for m in _BRACKET.finditer(text):
            outer = [x for x in names.parse_word(m[1]) if x.score > 0.05]
            inner = [x for x in names.parse_word(m[2]) if x.score > 0.05]
            if not outer or not inner or any(x.tag.POS != "NOUN" for x in outer + inner):
                continue
            if not {x.tag.case for x in outer} & {x.tag.case for x in inner}:
                yield Hit(
                    p.index,
                    excerpt(text, m.start(), m.end()),
                    f"Слово в скобках не согласуется с поясняемым: «{m[1]} ({m[2]})».",
                )


RULES = (
    Rule("GRM-CASE", ERROR, "Падеж имени после глагола",
         "Имя стоит не в том падеже, которого требует глагол.", _case),
    Rule("GRM-POSITION", ERROR, "Падеж должности рядом с именем",
         "Должность стоит не в том падеже, что и имя.", _position),
    Rule("GRM-ACQUAINTED", ERROR, "«ознакомлен / ознакомлена»",
         "Отметка об ознакомлении не согласуется с полом.", _acquainted),
    Rule("GRM-BRACKETS", WARNING, "Согласование слов в скобках",
         "Слово в скобках не согласуется с поясняемым.", _brackets),
)  # fmt: skip
