"""The one rule for text docgen accepts: no control characters but tab and line breaks.

A control character cannot go into an XLSX cell or a DOCX paragraph (XML 1.0 forbids most of
them; docxtpl turns U+0007 into a paragraph break), so text holding one is refused at every
entry — forms, API, Excel import — with a field message, and is never stored. Tab, line feed
and carriage return stay: a text area sends its lines as CR LF.
"""

from __future__ import annotations

import re

from marshmallow import ValidationError

# C0 controls except TAB (09), LF (0A), CR (0D); DEL (7F); the C1 range (80–9F).
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def first_control(text: str) -> str | None:
    """The first forbidden character of `text`, or None."""
    found = CONTROL.search(text)
    return found.group() if found else None


def message(char: str) -> str:
    """The field message for a forbidden character, naming it as U+XXXX."""
    return (
        f"Текст содержит управляющий символ U+{ord(char):04X} — удалите его "
        "(такие символы попадают при копировании из некоторых программ)."
    )


def check(text: str) -> None:
    """Raise a marshmallow ValidationError if `text` holds a forbidden character."""
    char = first_control(text)
    if char is not None:
        raise ValidationError(message(char))


def without_control(text: str) -> str:
    """`text` with forbidden characters removed: for writing rows stored before the rule."""
    return CONTROL.sub("", text)
