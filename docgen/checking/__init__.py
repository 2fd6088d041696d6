"""«Проверка документа»: any Word file checked against named rules — citations, requisites,
grammar, consistency, consents. `check(docx) -> list[Finding]`; `blocking(findings)`."""

from __future__ import annotations

from docgen.checking.model import ERROR, WARNING, Finding, Rule
from docgen.checking.reader import read
from docgen.checking.rules import citations, consents, consistency, grammar, requisites
from docgen.checking.structure import parse
from docgen.safezip import Limits, open_package

# The same limits as an organisation's template variants (docgen/documents/variants.py).
LIMITS = Limits(max_compressed=5 * 1024 * 1024, max_total=30 * 1024 * 1024, max_ratio=100)

RULES: tuple[Rule, ...] = (
    *citations.RULES,
    *requisites.RULES,
    *grammar.RULES,
    *consistency.RULES,
    *consents.RULES,
)

__all__ = ["ERROR", "WARNING", "Finding", "RULES", "check", "blocking", "check_upload"]


def check(docx: bytes) -> list[Finding]:
    """Every rule's findings on a DOCX, in the order of the paragraphs they concern."""
    parsed = parse(read(docx))
    findings = []
    for rule in RULES:
        for hit in rule.find(parsed):
            findings.append(
                Finding(
                    rule=rule.code,
                    level=hit.level or rule.level,
                    message=hit.message or rule.message,
                    excerpt=hit.excerpt,
                    paragraph=hit.paragraph,
                )
            )
    unique = list(dict.fromkeys(findings))
    return sorted(unique, key=lambda f: (f.paragraph is None, f.paragraph or 0))


def check_upload(content: bytes) -> list[Finding]:
    """An uploaded file checked as a package first (size, zip bomb, DTD), then by the rules."""
    open_package(
        content,
        what="документом DOCX",
        required=("[Content_Types].xml", "word/document.xml"),
        limits=LIMITS,
    ).close()
    return check(bytes(content))


def blocking(findings: list[Finding]) -> list[Finding]:
    """The findings that stop registration: every «ошибка»."""
    return [f for f in findings if f.level == ERROR]
