"""«Проверка документа»: any Word file checked against named rules — citations, requisites,
grammar, consistency, consents. `check(docx) -> list[Finding]`; `blocking(findings)`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docgen.checking.model import ERROR, WARNING, Finding, Rule
from docgen.checking.reader import Document, read, read_parts
from docgen.checking.rules import citations, consents, consistency, grammar, requisites
from docgen.checking.structure import parse
from docgen.safezip import Limits, open_package

if TYPE_CHECKING:
    from docgen.rendering.docx import Parts

# The same limits as an organisation's template variants (docgen/documents/variants.py).
LIMITS = Limits(max_compressed=5 * 1024 * 1024, max_total=30 * 1024 * 1024, max_ratio=100)

RULES: tuple[Rule, ...] = (
    *citations.RULES,
    *requisites.RULES,
    *grammar.RULES,
    *consistency.RULES,
    *consents.RULES,
)

__all__ = [
    "ERROR", "WARNING", "Finding", "RULES", "check", "check_parts", "blocking", "check_upload"
]  # fmt: skip


def check(docx: bytes) -> list[Finding]:
    """Every rule's findings on a DOCX, in the order of the paragraphs they concern."""
    return _findings(read(docx))


def check_parts(parts: Parts) -> list[Finding]:
    """`check` of a document rendered but not packed (rendering.docx.render_parts)."""
    return _findings(read_parts(parts))


def _findings(document: Document) -> list[Finding]:
    parsed = parse(document)
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
