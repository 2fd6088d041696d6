"""The defects read on the sample pages (issue 11), each checked where a reader would see it."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from pdftext import docx_text

from docgen.documents import compose
from docgen.kinds import catalog

SIGN_ON = dt.date(2026, 9, 1)


def _render(slug: str, payload: dict, **kwargs) -> str:
    kind = catalog.get(slug)
    values = compose.build_context(kind, compose.validate(kind, payload), **kwargs)
    return docx_text(compose.render_docx(kind, values)).replace("\u00a0", " ")


def _sample(slug: str) -> dict:
    return copy.deepcopy(catalog.get(slug).sample())


# ---------------------------------------------------------------- brackets


def test_the_roadmap_order_approves_the_roadmap_in_the_accusative():
    text = _render("municipal-roadmap-order", _sample("municipal-roadmap-order"))
    assert "(дорожную карту)" in text
    assert "Утвердить" in text and "(дорожная карта)" not in text.split("Утвердить", 1)[1][:400]


# ---------------------------------------------------------------- consents


def _consent(age: int, subject: dict, relation: str = "мать") -> dict:
    payload = _sample("consent")
    payload["date"] = SIGN_ON.strftime("%d.%m.%Y")
    birth = SIGN_ON.replace(year=SIGN_ON.year - age)
    payload["subject"] |= subject | {"birth_date": birth.strftime("%d.%m.%Y")}
    payload["representative_relation"] = relation
    return payload


@pytest.mark.parametrize(
    ("subject", "expected"),
    [
        (
            {"surname": "Соколов", "name": "Артём", "patronymic": "Игоревич", "gender": "m"},
            "несовершеннолетнего Соколова Артёма Игоревича, {born} г. р., "
            "зарегистрированного по адресу",
        ),
        (
            {"surname": "Савченко", "name": "Дарья", "patronymic": "Андреевна", "gender": "f"},
            "несовершеннолетней Савченко Дарьи Андреевны, {born} г. р., "
            "зарегистрированной по адресу",
        ),
    ],
)
def test_under_14_the_child_agrees_with_the_genitive_it_follows(subject, expected):
    payload = _consent(10, subject)
    text = _render("consent", payload)
    assert expected.format(born=payload["subject"]["birth_date"]) in text
    assert "законным представителем (матерью) несовершеннолетн" in text
    assert "зарегистрированный" not in text


@pytest.mark.parametrize(
    ("relation", "expected"),
    [("мать", "матери"), ("отец", "отца"), ("опекун", "опекуна"), ("попечитель", "попечителя")],
)
def test_from_14_the_representative_is_in_the_genitive_after_s_soglasiya(relation, expected):
    subject = {"surname": "Савченко", "name": "Дарья", "patronymic": "Андреевна"}
    text = _render("consent", _consent(15, subject, relation))
    assert (
        f"с согласия законного представителя ({expected}) Савченко Ольги Николаевны, "
        "зарегистрированной по адресу" in text
    )
    assert f"Законный представитель ({relation})" in text
