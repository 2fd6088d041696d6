"""What a rule is and what it finds: plain data, so the catalogue of rules reads as a list."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from docgen.checking.structure import Parsed

ERROR = "ошибка"
WARNING = "предупреждение"


@dataclass(frozen=True)
class Hit:
    """A rule's raw finding: the paragraph, the excerpt and, if it differs, a specific message."""

    paragraph: int | None
    excerpt: str
    message: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class Rule:
    """One named rule: its code, level, title, default message and the function that applies it."""

    code: str
    level: str
    title: str
    message: str
    find: Callable[[Parsed], Iterable[Hit]]


@dataclass(frozen=True)
class Finding:
    """What the checker tells a person about one place in a document."""

    rule: str
    level: str
    message: str
    excerpt: str
    paragraph: int | None = None

    def as_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "level": self.level,
            "message": self.message,
            "excerpt": self.excerpt,
        }


def excerpt(text: str, start: int = 0, end: int | None = None, margin: int = 40) -> str:
    """A short quote around text[start:end], with ellipses where it is cut."""
    end = len(text) if end is None else end
    left = max(0, start - margin)
    right = min(len(text), end + margin)
    quote = text[left:right].strip()
    return ("…" if left > 0 else "") + quote + ("…" if right < len(text) else "")
