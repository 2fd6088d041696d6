"""Write the built-in .docx templates to docgen/templates/docx/ (run: python -m tools.build_templates).

Each function below authors one kind's template with the kit; the .docx it writes is the template
itself (a school can open and edit it in Word), committed to the repository.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from docgen.kinds.consents import template as tpl_consents
from docgen.kinds.orders import template as tpl_orders
from docgen.kinds.programmes import template as tpl_programmes

OUT = Path(__file__).resolve().parent.parent / "templates" / "docx"

# Builders live in one module per family of kinds; the orders (with their shared blocks:
# order_end, the familiarisation table) in tools/tpl_orders.py.
TEMPLATES: dict[str, Callable] = {
    **tpl_orders.TEMPLATES,
    **tpl_consents.TEMPLATES,
    **tpl_programmes.TEMPLATES,
}


def main(names: list[str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        if names and name not in names:
            continue
        build().save(OUT / name)
        print("wrote", OUT / name)


if __name__ == "__main__":
    main(sys.argv[1:])
