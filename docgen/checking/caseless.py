"""Case-insensitive searches as fast as case-sensitive ones, with the same matches.

Python's `re` tries a case-insensitive pattern at every position of the text, about 25 ns a
character; a case-sensitive one skips ahead to the letters it can start with. A consent's rules
search its whole text a dozen times, so the text is lowercased once instead and each pattern,
its letters lowercased, is searched without the flag. That finds the same spans for a text of
the characters in SAFE: for each of them `re.IGNORECASE` matches a Russian or Latin letter
exactly when its lowercase is that letter, and its lowercase is one character of the same kind
for \\w, \\s and \\d (tests/test_checking_shortcuts.py checks every one). A text with any other
character (the old «ᲃ», «ſ», the Turkish «İ») is searched the slow way, with the flag.
"""

from __future__ import annotations

import re

ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяabcdefghijklmnopqrstuvwxyz"
# Latin-1, basic Cyrillic, general punctuation, «№»
SAFE = "\x00-\xff\u0400-\u045f\u2000-\u206f\u2116"
_UNSAFE = re.compile(f"[^{SAFE}]")


def fold(text: str) -> str | None:
    """The text lowercased for Caseless, or None when it holds a character outside SAFE."""
    if _UNSAFE.search(text):
        return None
    return text.lower()


def _lowered(pattern: str) -> str:
    """The pattern with its letters lowercased and its escapes (\\S, \\W, \\B) kept."""
    out = []
    escaped = False
    for char in pattern:
        out.append(char if escaped else char.lower())
        escaped = not escaped and char == "\\"
    return "".join(out)


class Caseless:
    """A pattern searched case-insensitively: `search(text, fold(text))`."""

    def __init__(self, pattern: str) -> None:
        if "[" in pattern.replace(r"\[", "").replace(r"[\s\S]", ""):
            raise ValueError("a character class would need its letters folded as well")
        lowered = _lowered(pattern)
        unknown = {c for c in re.sub(r"\\.", "", lowered) if c.isalpha()} - set(ALPHABET)
        if unknown:
            raise ValueError(f"letters outside the alphabet: {''.join(sorted(unknown))}")
        self.pattern = pattern
        self.slow = re.compile(pattern, re.IGNORECASE)
        self.fast = re.compile(lowered)

    def search(self, text: str, folded: str | None) -> re.Match | None:
        """The first match's span is the same either way; read the text by the span, not by
        the match's groups, which may hold folded letters."""
        if folded is None:
            return self.slow.search(text)
        return self.fast.search(folded)
