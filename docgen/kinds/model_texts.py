"""Model texts of regulations, roadmaps and programmes: data the user edits, with placeholders.

The texts live as JSON in docgen/templates/model/ so that a methodologist can correct a clause
without touching code. A placeholder names what the organisation or the input fills in:
`{org:gen}` (short name in a case), `{org_full:pre}`, `{act:r145:ins}` (a canonical citation in
a case), `{act:r145:short}`, or a plain `{name}` looked up in the values given. Anything else in
braces stays as typed, so a user's own text with braces is never broken.
"""

from __future__ import annotations

import copy
import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docgen.kinds.acts import ACTS

MODEL_DIR = Path(__file__).parent.parent / "templates" / "model"
CASES = ("nom", "gen", "dat", "acc", "ins", "pre")

_PLACEHOLDER = re.compile(r"\{([a-z_]+)((?::[a-z0-9_]+)*)\}")


@functools.cache
def _read(name: str) -> str:
    return (MODEL_DIR / f"{name}.json").read_text(encoding="utf-8")


def load(name: str) -> dict[str, Any]:
    """A fresh copy of the model `name` (e.g. "regulation-teachers")."""
    return copy.deepcopy(json.loads(_read(name)))


def fill(text: str, org: Any, values: Mapping[str, Any] | None = None) -> str:
    """`text` with its placeholders replaced; unknown placeholders are left untouched."""
    values = values or {}

    def replace(match: re.Match[str]) -> str:
        name, args = match.group(1), match.group(2).split(":")[1:]
        if name in ("org", "org_full") and len(args) <= 1:
            case = args[0] if args else "nom"
            if case not in CASES:
                return match.group(0)
            return org.name_in(case) if name == "org" else org.full(case)
        if name == "act" and args and args[0] in ACTS and len(args) <= 2:
            act = ACTS[args[0]]
            form = args[1] if len(args) == 2 else "nom"
            if form == "short":
                return act.short
            return act.cite(form) if form in CASES else match.group(0)
        if not args and name in values and values[name] is not None:
            return str(values[name])
        return match.group(0)

    return _PLACEHOLDER.sub(replace, text)
