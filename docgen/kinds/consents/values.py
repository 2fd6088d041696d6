"""Values the consent templates compute: who signs, dates as text, the operator's requisites;
and the bulk action's items (a consent for every participant lacking one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlite_utils

from docgen import ru
from docgen.errors import FieldErrors
from docgen.kinds.consents.schema import (
    METHODS,
    VARIANT_ADULT,
    missing_representative,
    variant_of,
)
from docgen.registry import consents


def _contacts(values: Mapping[str, Any]) -> str:
    parts = [
        f"телефон {values['subject_phone']}" if values.get("subject_phone") else "",
        f"электронная почта {values['subject_email']}" if values.get("subject_email") else "",
        f"почтовый адрес: {values['subject_address']}" if values.get("subject_address") else "",
    ]
    return ", ".join(part for part in parts if part)


def consent_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    """Variant (who signs), dates as text and the operator's requisites, checked."""
    on = values.get("date") or values["today"]
    subject = values["subject"]
    variant = variant_of(subject.birth_date, on)
    if variant != VARIANT_ADULT and not values.get("by_hand"):
        errors = missing_representative(values, subject.birth_date, on)
        if errors:
            raise FieldErrors("Не хватает сведений о законном представителе.", fields=errors)
    org = values["org"]
    if not org.address:
        message = "Адрес оператора: укажите адрес организации (обязательный элемент согласия)."
        raise FieldErrors(message, fields={"organisation": [message]})
    result: dict[str, Any] = {
        "variant": variant,
        "subject_age": subject.age_on(on),
        "sign_date_text": ru.date_short(values["date"])
        if values.get("date")
        else "«___» ____________ 20___ г.",
        "method_text": METHODS.get(values.get("methods") or "", ""),
        "operator_inn": values.get("operator_inn") or org.inn,
        "operator_ogrn": values.get("operator_ogrn") or org.ogrn,
        "contacts_text": _contacts(values),
    }
    return result


def dissemination_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    """As for a consent, and the operator's ИНН and ОГРН, which приказ РКН № 18 requires."""
    result = consent_extras(values, sources)
    missing = {
        name: [f"{title}: обязательное поле (приказ Роскомнадзора № 18)."]
        for name, title in (("operator_inn", "ИНН оператора"), ("operator_ogrn", "ОГРН оператора"))
        if not result[name]
    }
    if missing:
        raise FieldErrors("Не указаны ИНН и ОГРН оператора.", fields=missing)
    return result


PROVIDES = frozenset(
    {
        "variant",
        "subject_age",
        "sign_date_text",
        "method_text",
        "operator_inn",
        "operator_ogrn",
        "contacts_text",
    }
)


def consent_items(
    db: sqlite_utils.Database,
    org_id: int,
    on: dt.date,
    common: Mapping[str, Any],
    details: Mapping[int, Mapping[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """A consent payload for every participant lacking a consent in force on `on`.

    `common` holds what is the same on every form (processor, purpose…); `details` per person
    id what the registry does not keep (address, identity document, representative).
    """
    return _items(consents.missing_consents(db, org_id, "processing", on), common, details)


def participant_items(
    db: sqlite_utils.Database, org_id: int, on: dt.date, common: Mapping[str, Any]
) -> list[dict[str, Any]]:
    """A consent payload for every participant, a consent in force or not: for chosen people."""
    return _items(consents.participants(db, org_id), common, None)


def _items(
    people: list[Mapping[str, Any]],
    common: Mapping[str, Any],
    details: Mapping[int, Mapping[str, Any]] | None,
) -> list[dict[str, Any]]:
    items = []
    for person in people:
        role = "наставник" if person["is_mentor"] and not person["is_mentee"] else "наставляемый"
        if not (person["is_mentor"] or person["is_mentee"]):
            role = "участник"
        items.append(
            {**common, "subject": {"id": person["id"]}, "role": role}
            | dict((details or {}).get(person["id"], {}))
        )
    return items


def consent_common(choices: Mapping[str, Any], sample: Mapping[str, Any]) -> dict[str, Any]:
    """What every consent of the bulk action shares."""
    # Printed to be signed: what the registry does not keep is filled in by hand.
    return {"by_hand": True}
