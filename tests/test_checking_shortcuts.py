"""The checker's shortcuts find what the plain rules find: case-insensitive patterns searched in
the lowercased text, and the words a citation rule looks for before it reads paragraph by
paragraph."""

from __future__ import annotations

import random
import re

import pytest
from checkdocs import consent_lines, docx, order_lines

from docgen import checking
from docgen.checking import caseless
from docgen.checking.reader import read
from docgen.checking.rules import consents, grammar
from docgen.checking.structure import parse

# letters that match a Russian or Latin letter only when case is ignored, outside SAFE
_FOLDS = "ᲀᲁᲂᲃᲄᲅᲆſKİıÅ"
PATTERNS = [
    *(
        caseless.Caseless(p)
        for _code, _title, patterns, _applies in consents.ELEMENTS
        for p in patterns
    ),
    *(
        v
        for module in (consents, grammar)
        for v in vars(module).values()
        if isinstance(v, caseless.Caseless)
    ),
]


def test_lowercase_is_what_ignorecase_matches_for_every_safe_character() -> None:
    safe = [c for c in map(chr, range(0x30000)) if caseless.fold(c) is not None]
    assert len(safe) > 400 and "Ё" in safe and "№" in safe and "ᲃ" not in safe
    classes = [re.compile(r"\w"), re.compile(r"\s"), re.compile(r"\d")]
    for letter in caseless.ALPHABET:
        ignoring = re.compile(re.escape(letter), re.IGNORECASE)
        for char in safe:
            assert bool(ignoring.fullmatch(char)) == (char.lower() == letter), (letter, char)
    for char in safe:
        low = char.lower()
        assert len(low) == 1, char
        assert [bool(c.match(char)) for c in classes] == [bool(c.match(low)) for c in classes]


def _texts(pattern: str) -> list[str]:
    """Our consent's text and random texts of the pattern's words in any case, with letters
    that fold to them, punctuation and line breaks."""
    words = re.findall(r"[а-яёА-ЯЁa-zA-Z]{2,}", pattern)
    pieces = [*words, *(w.upper() for w in words), *(w.capitalize() for w in words)]
    pieces += [" ", "  ", "\n", "(", ")", "_", "____", "123456", ", ", "ул.", "Я, ", "www.", ".РФ"]
    rnd = random.Random(pattern)
    texts = [parse(read(docx(consent_lines()))).text]
    for _ in range(300):
        texts.append("".join(rnd.choice(pieces) for _ in range(rnd.randint(0, 40))))
    for _ in range(100):
        texts.append("".join(rnd.choice([*pieces, *_FOLDS]) for _ in range(rnd.randint(0, 40))))
    for word in words:  # a folding letter in place of each letter of a word
        for i in range(len(word)):
            for fold in _FOLDS:
                texts.append(f"… {word[:i]}{fold}{word[i + 1 :]} …")
    return texts


def test_every_consent_pattern_is_checked() -> None:
    assert len(PATTERNS) >= 18


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:30])
def test_caseless_finds_what_ignorecase_finds(pattern: caseless.Caseless) -> None:
    plain = re.compile(pattern.pattern, re.IGNORECASE)
    for text in _texts(pattern.pattern):
        a, b = pattern.search(text, caseless.fold(text)), plain.search(text)
        assert (a and a.span()) == (b and b.span()), text


@pytest.mark.parametrize(
    "rewritten, original",
    [
        (r"ц(?<=\bц)ел(?:ь|и|ью|ях)\b", r"\bцел(?:ь|и|ью|ях)\b"),
        (r"п(?<=\bп)одпись\b|\(подпись\)|__{3,}", r"\bподпись\b|\(подпись\)|_{4,}"),
    ],
)
def test_patterns_written_to_start_with_a_letter_match_as_before(rewritten, original) -> None:
    assert any(rewritten in patterns for _c, _t, patterns, _a in consents.ELEMENTS)
    fast = caseless.Caseless(rewritten)
    before = re.compile(original, re.IGNORECASE)
    for text in _texts(original) + ["подписьпись ___", "(подпись) ____", "целый цель", "Цели"]:
        a, b = fast.search(text, caseless.fold(text)), before.search(text)
        assert (a and a.span()) == (b and b.span()), text


def test_a_character_class_is_refused() -> None:
    with pytest.raises(ValueError):
        caseless.Caseless(r"сво[её]")


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
