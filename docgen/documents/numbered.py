"""A document rendered before its registration number is known, the number filled in later.

Registration renders and checks the DOCX before it takes the write lock, with the number the
journal will most likely give; when other registrations took that number meanwhile, the number
actually taken is filled in under the lock instead of rendering the document again there.
A built-in template prints the number as one value (`doc.number_text`), so rendering with a
placeholder and putting the number in its place gives the same parts as rendering with the
number (tests/test_numbered.py checks it for every kind); a number that escaping or the
typography step would change is not filled in: the caller renders again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from docgen.documents import kits
from docgen.rendering import context as ctx
from docgen.rendering import docx as engine

PLACEHOLDER = "\ue000docgen-number\ue001"
"""Private-use characters no input or template holds, and that no step of the engine alters."""
# What a number may hold to be filled in as it is: letters, digits and the punctuation of the
# usual patterns («145-од», «01-05/7», «№ 3.1»); nothing XML escapes, nothing the typography
# step turns into «ёлочки».
PLAIN = re.compile(r"[\w№/.\- ]+")


@dataclass(frozen=True)
class Blank:
    """The rendered parts of a document with the placeholder where its number goes."""

    parts: engine.Parts

    def numbered(self, number: str | None) -> engine.Parts | None:
        """The parts with `number` in the placeholder's place; None if it cannot be put as is."""
        if number is None or not PLAIN.fullmatch(number):
            return None
        rendered = {
            name: xml.replace(PLACEHOLDER, number) for name, xml in self.parts.rendered.items()
        }
        return engine.Parts(self.parts.compiled, rendered)


@dataclass(frozen=True)
class Prepared:
    """The frozen files of a registration, rendered and checked before the write lock."""

    number: str | None
    version: dict
    docx: bytes
    parts: list[tuple[kits.Annex, bytes]]
    annex_versions: dict[int, int]
    blank: Blank | None


class Changed(Exception):
    """The document or an annex got a new version between rendering and registering."""


def render(
    template: engine.Compiled,
    values: Callable[[ctx.Requisites], Mapping[str, Any]],
    requisites: ctx.Requisites,
) -> tuple[engine.Parts, Blank | None]:
    """The parts rendered with `requisites`, and their Blank if its number can be filled in
    (`values` gives the template's values for given requisites)."""
    blank = Blank(
        engine.render_parts(template, values(ctx.Requisites(PLACEHOLDER, requisites.date)))
    )
    rendered = blank.numbered(requisites.number)
    if rendered is not None:
        return rendered, blank
    return engine.render_parts(template, values(requisites)), None


def fill(blank: Blank | None, number: str) -> engine.Parts | None:
    """The blank's parts with `number`, or None where the document must be rendered again."""
    return blank.numbered(number) if blank is not None else None
