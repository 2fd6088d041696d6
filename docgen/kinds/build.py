"""Write the built-in .docx templates to docgen/templates/docx/ (run: python -m docgen.kinds.build).

Each family's template.py authors its kinds' templates with the kit (docxkit.py); the .docx
written is the template itself (a school can open and edit it in Word), committed to the
repository. tests/test_templates_built.py rebuilds each in memory and compares it with the
committed file, so a builder and its template cannot drift apart.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

from docgen.kinds.collegial import template as collegial
from docgen.kinds.consents import template as consents
from docgen.kinds.feedback import template as feedback
from docgen.kinds.labour import template as labour
from docgen.kinds.orders import template as orders
from docgen.kinds.programmes import template as programmes
from docgen.kinds.reports import template as reports

OUT = Path(__file__).resolve().parent.parent / "templates" / "docx"

# Template file name -> the function that authors it, gathered from the family folders.
TEMPLATES: dict[str, Callable] = {
    **orders.TEMPLATES,
    **consents.TEMPLATES,
    **reports.TEMPLATES,
    **programmes.TEMPLATES,
    **collegial.TEMPLATES,
    **labour.TEMPLATES,
    **feedback.TEMPLATES,
}


def build(name: str) -> bytes:
    """The .docx of one built-in template, as its builder makes it."""
    out = io.BytesIO()
    TEMPLATES[name]().save(out)
    return out.getvalue()


def main(names: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in TEMPLATES:
        if names and name not in names:
            continue
        (OUT / name).write_bytes(build(name))
        print("wrote", OUT / name)


if __name__ == "__main__":
    main(sys.argv[1:])
