"""Russian quotation marks in documents: straight quotes typed by people become «…» and „…“.

People type `МБОУ "Обливская СОШ № 1"` or `приказ "О наставничестве"`; a document prints
«ёлочки», and quotes inside quotes as „лапки“ (outer «», inner „“, alternating deeper). The
stored value stays as typed: this runs on what goes into a document (the engine's finalize).

Only the ASCII double quote is changed. A quote that finds no partner (`12"`, a stray one)
stays as typed; apostrophes (О'Нил) and quotes already typographic are left alone.
No library was taken: the Russian typographers on PyPI (typus, richtypo, chakert, etpgrf) are
unmaintained or rewrite much more than quotes (spaces, dashes, HTML entities).
"""

from __future__ import annotations

STRAIGHT = '"'
# After these (or at the start) a straight quote opens: spaces, brackets, dashes, slash.
_OPENS_AFTER = frozenset("([{<«„/-\u2010\u2011\u2012\u2013\u2014\u2212")
# Before these (or at the end) it closes: punctuation and closing brackets.
_CLOSES_BEFORE = frozenset(".,;:!?…)]}>»“'")
_PAIRS = ("«»", "„“")


def _opens(prev: str) -> bool:
    return not prev or prev.isspace() or prev in _OPENS_AFTER


def _closes(nxt: str) -> bool:
    return not nxt or nxt.isspace() or nxt in _CLOSES_BEFORE


def _pair_up(text: str) -> tuple[set[int], set[int]]:
    """The indexes of the straight quotes that open a pair and of those that close one.

    A stack of open quotes, typographic ones included, so `«Школа "Лицей"»` nests and a
    straight quote may close a typed «. Whether a straight quote opens is read from its
    neighbours; one between two letters (`МБОУ"СОШ"`) opens when nothing is open.
    """
    stack: list[tuple[str, int]] = []  # (the mark, its index)
    opening: set[int] = set()
    closing: set[int] = set()
    role: dict[int, str] = {}  # index of a straight quote -> "open" / "close"
    for i, char in enumerate(text):
        if char in "«„":
            stack.append((char, i))
            continue
        if char in "»“":
            partner = "«" if char == "»" else "„"
            if any(mark == partner for mark, _ in stack):
                while stack and stack.pop()[0] != partner:
                    pass  # straight quotes opened inside and never closed stay as typed
            continue
        if char != STRAIGHT:
            continue
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if prev == STRAIGHT and i - 1 in role:  # `""` : the second follows the first
            opens = role[i - 1] == "open"
        elif prev and prev in "»“":  # right after a closing mark: closes too
            opens = False
        else:
            opens, closes = _opens(prev), _closes(nxt)
            if opens and closes:  # a quote standing alone between spaces
                continue
            opens = opens or (not closes and not stack)
        if opens:
            stack.append((STRAIGHT, i))
            role[i] = "open"
        elif stack:
            mark, start = stack.pop()
            if mark == STRAIGHT:
                opening.add(start)
            closing.add(i)
            role[i] = "close"
    return opening, closing


def quotes(text: str) -> str:
    """`text` with paired straight double quotes as «…», and „…“ inside another quote."""
    if STRAIGHT not in text:
        return text
    opening, closing = _pair_up(text)
    if not closing:
        return text
    out = list(text)
    # The same walk as _pair_up over the paired quotes only: a quote's depth is the number
    # open around it, a stray one not counted. The stack holds (opening mark, closing mark).
    stack: list[tuple[str, str]] = []
    for i, char in enumerate(text):
        if i in opening:
            pair = _PAIRS[len(stack) % 2]
            out[i] = pair[0]
            stack.append((STRAIGHT, pair[1]))
        elif i in closing:
            out[i] = stack.pop()[1]
        elif char in "«„":
            stack.append((char, "»" if char == "«" else "“"))
        elif char in "»“":
            partner = "«" if char == "»" else "„"
            if any(mark == partner for mark, _ in stack):
                while stack.pop()[0] != partner:
                    pass
    return "".join(out)
