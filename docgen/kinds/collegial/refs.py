"""«протокол от … № …» as a reference to a registered protocol of the archive.

Every form that cites a protocol (the approval trail of a regulation, a programme, the approval
and award orders) builds its field on `ProtocolRef`: the requisites are typed, or taken from a
registered protocol of the organisation by `protocol_id`. `resolve` puts the archive's number and
date into the values before a template sees them, so templates keep reading `date` and `number`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from docgen.errors import FieldErrors
from docgen.forms import Date, Form, Int, Str, field

PROTOCOL_KIND = "protocol"
MAX_ID = 2**31 - 1


def _protocol_id() -> Int:
    return Int(
        load_default=None,
        validate=validate.Range(min=1, max=MAX_ID, error="Номер документа в архиве — от 1."),
        metadata=field(
            "Протокол из архива",
            "Зарегистрированный протокол организации: дата и номер берутся из него",
        ),
    )


class ProtocolRef(Form):
    """A protocol of a collegial body; empty parts print as blanks to fill in by hand."""

    protocol_id = _protocol_id()
    date = Date(load_default=None, metadata=field("Дата протокола"))
    number = Str(load_default=None, max_length=50, metadata=field("Номер протокола"))


class ProtocolActForm(ProtocolRef):
    """A protocol an order relies on: a registered protocol, or its date and number typed."""

    @validates_schema
    def _given(self, data: dict, **kwargs: Any) -> None:
        if data.get("protocol_id") is not None:
            return
        for name in ("date", "number"):
            if not data.get(name):
                raise ValidationError(
                    "Укажите дату и номер протокола или выберите протокол из архива.", name
                )


def registered_protocols(db: Any, org_id: int) -> list[dict[str, Any]]:
    """The organisation's registered protocols, newest first: what a picker offers."""
    return list(
        db.query(
            "SELECT id, title, number, reg_date FROM documents WHERE org_id = ? AND kind = ? "
            "AND status = 'registered' ORDER BY reg_date DESC, id DESC",
            [org_id, PROTOCOL_KIND],
        )
    )


def requisites(db: Any, org_id: int | None, protocol_id: int, name: str) -> tuple[str, dt.date]:
    """(number, date) of a registered protocol of the organisation, or FieldErrors on `name`."""
    row = next(
        db.query(
            "SELECT org_id, kind, status, number, reg_date FROM documents WHERE id = ?",
            [protocol_id],
        ),
        None,
    )
    if row is None or row["kind"] != PROTOCOL_KIND or row["org_id"] != org_id:
        message = f"В архиве организации нет протокола № {protocol_id} (номер документа)."
    elif row["status"] != "registered" or not row["number"]:
        message = "Протокол ещё не зарегистрирован или отменён: сошлитесь на зарегистрированный."
    else:
        return row["number"], dt.date.fromisoformat(row["reg_date"])
    raise FieldErrors(message, fields={name: [message]})


def _is_ref(field_: fields.Field) -> bool:
    return isinstance(field_, fields.Nested) and isinstance(field_.schema, ProtocolRef)


def resolve(schema: Schema, values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    """`values` with every protocol reference's date and number taken from the archive.

    Without a registry (CLI, samples) typed requisites stay as they are.
    """
    result = dict(values)
    db = getattr(sources, "db", None)
    if db is None:
        return result
    for name, field_ in schema.fields.items():
        value = values.get(name)
        if value is None:
            continue
        inner = field_.inner if isinstance(field_, fields.List) else None
        if _is_ref(field_):
            result[name] = _filled(db, sources.org_id, value, name)
        elif inner is not None and _is_ref(inner):
            result[name] = [
                _filled(db, sources.org_id, item, f"{name}.{index}")
                for index, item in enumerate(value)
            ]
    return result


def _filled(db: Any, org_id: int | None, value: Mapping[str, Any], name: str) -> dict[str, Any]:
    if not isinstance(value, Mapping) or value.get("protocol_id") is None:
        return value  # type: ignore[return-value]
    number, date = requisites(db, org_id, value["protocol_id"], f"{name}.protocol_id")
    return {**value, "number": number, "date": date}
