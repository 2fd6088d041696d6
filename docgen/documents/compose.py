"""From form input to a rendered document: validate, build the context, render the DOCX."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from docgen.errors import FieldErrors
from docgen.kinds.acts import ACTS
from docgen.kinds.catalog import Kind
from docgen.kinds.collegial import refs as protocol_refs
from docgen.rendering import context as ctx
from docgen.rendering import docx as render


@dataclass(frozen=True)
class Sources:
    """What a kind's extras may read: the registry of one organisation at a date.

    `db` is None when rendering without a registry (CLI, samples): extras then use the input only.
    """

    db: Any = None
    org_id: int | None = None
    on: dt.date | None = None


def validate(kind: Kind, payload: Any) -> dict[str, Any]:
    """The input checked and normalised by the kind's schema, or FieldErrors naming each field."""
    if not isinstance(payload, Mapping):
        raise FieldErrors(
            "Ожидается объект с полями формы.", fields={"_schema": ["Ожидается объект."]}
        )
    try:
        return kind.form.load(payload)
    except ValidationError as err:
        raise FieldErrors("Исправьте ошибки в полях формы.", fields=err.messages) from err


def build_context(
    kind: Kind,
    data: Mapping[str, Any],
    *,
    organisation: Mapping[str, Any] | None = None,
    resolve: ctx.PersonResolver | None = None,
    requisites: ctx.Requisites | None = None,
    sources: Sources | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Template values: the input with people resolved, the organisation, requisites, acts.

    `organisation` is the registry's record; without one, the input's own organisation block.
    `sources` gives kinds with extras access to the registry (None on an empty database).
    """
    org_record = organisation or data.get("organisation")
    if not org_record:
        raise FieldErrors(
            "Не указана организация.", fields={"organisation": ["Укажите организацию."]}
        )
    values = ctx.convert(kind.form, data, resolve)
    # «протокол от … № …» chosen from the archive: its number and date, as registered.
    values = protocol_refs.resolve(kind.form, values, sources or Sources())
    org = ctx.organisation(org_record)
    values |= {
        "org": org,
        "doc": requisites or ctx.Requisites(),
        "signer": ctx.signer_of(org, ctx.head(org_record)),
        "acts": ACTS,
        "today": today or dt.date.today(),
    }
    acquaint = [values[name] for name in kind.acquaint_fields if values.get(name)]
    values["acquaint_all"] = ctx.unique_people(acquaint + list(values.get("acquaint") or []))
    if kind.extras is not None:
        values |= kind.extras(values, sources or Sources())
    return values


def render_docx(kind: Kind, values: Mapping[str, Any], template: bytes | None = None) -> bytes:
    """The DOCX of a kind from its context, with the organisation's variant or the built-in."""
    source = template if template is not None else render.builtin_template(kind.template)
    return render.render(source, values)
