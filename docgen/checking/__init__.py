"""«Проверка документа»: any Word file checked against named rules — citations, requisites,
grammar, consistency, consents. `check(docx) -> list[Finding]`; `blocking(findings)`.

An uploaded file is a stranger's: `check_bounded` checks it in a worker process within the
per-request limits of variants (time, memory, output), so a huge or hostile document gets a
Russian message and the web thread stays free.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from docgen.checking.model import ERROR, WARNING, Finding, Rule
from docgen.checking.reader import Document, read, read_parts
from docgen.checking.rules import citations, consents, consistency, grammar, requisites
from docgen.checking.structure import parse
from docgen.errors import FieldErrors
from docgen.rendering import sandbox
from docgen.rendering.docx import TemplateInvalid
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

MESSAGES = sandbox.Messages(
    slow="Документ проверяется дольше {seconds} с — он слишком большой или сложный для "
    "проверки; проверьте его по частям.",
    memory="Проверке документа не хватает {mb} МБ памяти — документ слишком большой; "
    "проверьте его по частям.",
    output="Документ слишком большой для проверки (отчёт о нём больше {mb} МБ); "
    "проверьте его по частям.",
    busy="Сейчас проверяются другие документы — повторите через минуту.",
    failed="Файл не удалось прочитать: он повреждён или не является документом DOCX.",
)

__all__ = [
    "ERROR",
    "WARNING",
    "Finding",
    "RULES",
    "Checked",
    "check",
    "check_parts",
    "blocking",
    "check_upload",
    "check_bounded",
]


@dataclass(frozen=True)
class Checked:
    """An uploaded file's findings and its paragraphs (index, text) for the page beside them."""

    findings: list[Finding]
    paragraphs: list[tuple[int, str]]


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
    return checked(content).findings


def checked(content: bytes) -> Checked:
    """check_upload with the paragraphs read once; what a worker of check_bounded runs."""
    open_package(
        content,
        what="документом DOCX",
        required=("[Content_Types].xml", "word/document.xml"),
        limits=LIMITS,
    ).close()
    document = read(bytes(content))
    paragraphs = [(p.index, p.clean) for p in document.paragraphs]
    return Checked(_findings(document), paragraphs)


def check_bounded(content: bytes) -> Checked:
    """`checked` in a worker process within the per-request limits; FieldErrors (a Russian
    message on the field `file`) for a refused file or a limit; sandbox.Busy (503) when every
    checking worker is taken."""
    try:
        return sandbox.run("docgen.checking:checked", bytes(content), MESSAGES)
    except FieldErrors:
        raise
    except TemplateInvalid as err:  # a limit (LimitExceeded) or a broken file
        raise FieldErrors(err.message, fields={"file": [err.message]}) from err


def blocking(findings: list[Finding]) -> list[Finding]:
    """The findings that stop registration: every «ошибка»."""
    return [f for f in findings if f.level == ERROR]
