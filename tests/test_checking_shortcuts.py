"""The checker's shortcuts find what the plain rules find: a lookahead before a consent element's
pattern, and the words a citation rule looks for before it reads paragraph by paragraph."""

from __future__ import annotations

import random
import re

import pytest
from checkdocs import consent_lines, docx, order_lines

from docgen import checking
from docgen.checking.reader import read
from docgen.checking.rules import consents
from docgen.checking.structure import parse

_LOOKAHEAD = re.compile(r"^\(\?=\[[^\]]+\]\)")
# letters that match a Cyrillic or Latin letter of the patterns only when case is ignored
_FOLDS = "ᲀᲁᲂᲃᲄᲅᲆſKİı"


def _shortened() -> list[tuple[str, str]]:
    """(pattern with its lookahead, the same pattern without it) for every element pattern."""
    pairs = []
    for _code, _title, patterns, _applies in consents.ELEMENTS:
        for pattern in patterns:
            found = _LOOKAHEAD.match(pattern)
            if found:
                pairs.append((pattern, pattern[found.end() :]))
    return pairs


def _texts(pattern: str) -> list[str]:
    """Our consent's text and random texts of the pattern's words in any case, with letters
    that fold to them, punctuation and line breaks."""
    words = re.findall(r"[а-яёА-ЯЁa-zA-Z]{2,}", pattern)
    pieces = [*words, *(w.upper() for w in words), *(w.capitalize() for w in words)]
    pieces += [*_FOLDS, " ", "  ", "\n", "(", ")", "_", "____", "123456", ", ", "ул.", "Я, "]
    rnd = random.Random(pattern)
    texts = [parse(read(docx(consent_lines()))).text]
    for _ in range(400):
        texts.append("".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40))))
    for word in words:  # a fold letter in place of each letter of a word
        for i in range(len(word)):
            for fold in _FOLDS:
                texts.append(f"… {word[:i]}{fold}{word[i + 1 :]} …")
    return texts


def test_every_lookahead_is_checked() -> None:
    assert len(_shortened()) >= 6


@pytest.mark.parametrize("fast, plain", _shortened())
def test_lookahead_finds_what_the_pattern_finds(fast: str, plain: str) -> None:
    with_lookahead = re.compile(fast, re.IGNORECASE)
    without = re.compile(plain, re.IGNORECASE)
    for text in _texts(plain):
        a, b = with_lookahead.search(text), without.search(text)
        assert (a and a.span()) == (b and b.span()), text


@pytest.mark.parametrize(
    "line, rule",
    [
        ("Ссылка: письмо Минпросвещения России от 23.01.2020 № МР-42/02.", None),
        ("Ссылка: распоряжение от 23.01.2020 № МР-42/02.", "CIT-MR42"),
        ("Ссылка: Федеральный закон от 29.12.2013 № 273-ФЗ.", "CIT-273FZ"),
        ("Ссылка: приказ от 29.12.2012 № 273 - ФЗ.", "CIT-273FZ"),
        ("Ссылка: указ от 01.01.2020 № 94.", "CIT-UKAZ"),
        ("Ссылка: ГОСТ Р 6.30-2003.", "CIT-SUPERSEDED"),
        ("Ссылка: Трудового кодекса статья 358.1.", "CIT-TK3518"),
        ("Ссылка: распоряжение Минпросвещения от 25.12.2019 № 145-р.", "CIT-R145-NUMBER"),
    ],
)
def test_citation_rules_still_read_the_paragraphs(line: str, rule: str | None) -> None:
    """A citation rule skips a document without its number, and still finds it where it is."""
    findings = checking.check(docx(order_lines(item5=line)))
    found = {f.rule for f in findings if f.rule.startswith("CIT-")}
    assert found == ({rule} if rule else set()), findings
