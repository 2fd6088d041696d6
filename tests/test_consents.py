"""Consents: the nine elements of 152-ФЗ ч. 4 ст. 9, who signs at which age, ст. 10.1."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from pdftext import pdf_text

from docgen.documents import compose
from docgen.errors import FieldErrors
from docgen.kinds import catalog
from docgen.registry import organisations, people
from docgen.rendering.html import docx_text, normalize_text
from docgen.rendering.pdf import docx_to_pdf

SIGN_ON = dt.date(2024, 9, 2)


def _born(age: int) -> str:
    """A birth date giving exactly `age` full years on SIGN_ON (birthday that very day)."""
    return SIGN_ON.replace(year=SIGN_ON.year - age).strftime("%d.%m.%Y")


def _render(slug: str, payload: dict, **kwargs) -> str:
    kind = catalog.get(slug)
    values = compose.build_context(kind, compose.validate(kind, payload), **kwargs)
    # No-break spaces (initials, «№ 152-ФЗ») read as spaces for a person checking the text.
    return docx_text(compose.render_docx(kind, values)).replace("\u00a0", " ")


def _consent(age: int, *, representative: bool = True) -> dict:
    payload = copy.deepcopy(catalog.get("consent").sample())
    payload["date"] = SIGN_ON.strftime("%d.%m.%Y")
    payload["subject"]["birth_date"] = _born(age)
    if not representative:
        for name in (
            "representative",
            "representative_relation",
            "representative_address",
            "representative_doc",
            "authority_doc",
        ):
            payload.pop(name, None)
    return payload


def test_all_nine_elements_of_article_9_are_in_the_text():
    text = _render("consent", _consent(15))
    # 1. subject: name, address, identity document number, date of issue, issuer
    assert "Я, Кузнецова Дарья Олеговна" in text
    assert "ул. Садовая, д. 7, кв. 3" in text
    assert "60 24 418275, дата выдачи 04.03.2024, выдавший орган: ГУ МВД России" in text
    # 2. representative with document and the document proving authority
    assert "Кузнецова Олега Николаевича, зарегистрированного по адресу" in text
    assert "60 05 112408, дата выдачи 19.07.2005" in text
    assert "свидетельство о рождении № III-АН 564312 от 19.02.2010" in text
    # 3. operator: name and address
    assert "оператору — Муниципальное бюджетное общеобразовательное учреждение" in text
    assert "(адрес: 347140, Ростовская область, ст. Обливская, ул. Коммунистическая, д. 12)" in text
    # 4. purpose, 5. data list
    assert "Цель обработки персональных данных: организация и реализация программ" in text
    assert "Перечень персональных данных, на обработку которых даётся согласие: фамилия" in text
    # 6. processor on behalf of the operator
    assert "по поручению оператора: Государственное бюджетное учреждение Ростовской" in text
    assert "344011, г. Ростов-на-Дону" in text
    # 7. actions and methods
    assert "Перечень действий с персональными данными: сбор, запись" in text
    assert "смешанная обработка" in text
    # 8. term and how to withdraw
    assert "Срок, в течение которого действует согласие: на срок реализации" in text
    assert "Способ отзыва согласия: согласие может быть отозвано" in text
    # 9. signature
    assert "Субъект персональных данных\t____________ Д.О. Кузнецова" in text
    assert "Федерального закона от 27.07.2006 № 152-ФЗ «О персональных данных»" in text


def test_adult_signs_alone():
    payload = _consent(30, representative=False)
    payload["subject"] |= {"surname": "Петрова", "name": "Елена", "patronymic": "Сергеевна"}
    text = _render("consent", payload)
    assert "Субъект персональных данных\t____________ Е.С. Петрова" in text
    assert "Законный представитель" not in text
    assert "законным представителем" not in text
    assert "моих персональных данных" in text


def test_minor_of_14_signs_and_the_representative_cosigns():
    text = _render("consent", _consent(14))
    assert "Субъект персональных данных\t____________ Д.О. Кузнецова" in text
    assert "Законный представитель (отец)\t____________ О.Н. Кузнецов" in text
    assert (
        "действуя с согласия законного представителя (отца) Кузнецова Олега Николаевича, "
        "зарегистрированного по адресу" in text
    )


def test_child_of_10_the_representative_signs_alone():
    payload = _consent(10)
    payload["subject"] |= {
        "surname": "Соколов",
        "name": "Артём",
        "patronymic": "Игоревич",
        "gender": "m",
    }
    payload["subject_doc"] = {
        "kind": "свидетельство о рождении",
        "series_number": "III-АН 771204",
        "issued_on": "20.09.2014",
        "issuer": "Отдел ЗАГС Администрации Обливского района",
    }
    text = _render("consent", payload)
    assert "Субъект персональных данных" not in text
    assert "Законный представитель (отец)\t____________ О.Н. Кузнецов" in text
    assert "Я, Кузнецов Олег Николаевич, зарегистрированный по адресу" in text, (
        "the representative speaks"
    )
    assert (
        "являющийся законным представителем (отцом) несовершеннолетнего Соколова Артёма "
        "Игоревича, " in text
    )
    assert "г. р., зарегистрированного по адресу" in text
    assert "свидетельство о рождении III-АН 771204, дата выдачи 20.09.2014" in text
    assert "персональных данных несовершеннолетнего Соколова Артёма Игоревича" in text


def test_a_day_before_the_14th_birthday_the_representative_signs_alone():
    payload = _consent(14)
    payload["date"] = (SIGN_ON - dt.timedelta(days=1)).strftime("%d.%m.%Y")
    text = _render("consent", payload)
    assert "Субъект персональных данных" not in text
    assert "Законный представитель (отец)" in text


def test_minor_without_representative_is_refused_naming_the_fields():
    kind = catalog.get("consent")
    with pytest.raises(FieldErrors) as err:
        compose.validate(kind, _consent(12, representative=False))
    fields = err.value.fields
    assert set(fields) == {
        "representative",
        "representative_relation",
        "representative_address",
        "representative_doc",
        "authority_doc",
    }
    assert fields["representative"] == [
        "Законный представитель: обязательное поле (субъекту на 02.09.2024 12 лет — нужен "
        "законный представитель)."
    ]


def test_registry_minor_without_representative_is_refused_at_render(db):
    org = organisations.create_organisation(
        db,
        {
            "kind": "school",
            "full_name": "МОУ «Заречная СОШ»",
            "address": "с. Заречное, ул. Мира, 1",
        },
    )
    pupil = people.add_person(
        db,
        org,
        {
            "surname": "Орлов",
            "name": "Пётр",
            "gender": "m",
            "category": "обучающийся",
            "birth_date": "2013-05-05",
        },
    )
    payload = _consent(30, representative=False)
    payload["subject"] = {"id": pupil}
    kind = catalog.get("consent")
    data = compose.validate(kind, payload)
    with pytest.raises(FieldErrors) as err:
        compose.build_context(kind, data, resolve=lambda pid: people.get_person(db, pid))
    assert "authority_doc" in err.value.fields


def test_subject_without_birth_date_is_refused():
    payload = _consent(30, representative=False)
    del payload["subject"]["birth_date"]
    with pytest.raises(FieldErrors) as err:
        compose.validate(catalog.get("consent"), payload)
    assert "Дата рождения" in err.value.fields["subject"][0]


def test_blank_date_leaves_a_line_to_fill_in():
    payload = _consent(30, representative=False)
    payload["subject"]["birth_date"] = "01.01.1980"
    del payload["date"]
    text = _render("consent", payload)
    assert "Дата подписания: «___» ____________ 20___ г." in text


def test_pdf_has_the_same_text():
    kind = catalog.get("consent")
    values = compose.build_context(kind, compose.validate(kind, kind.sample()))
    docx = compose.render_docx(kind, values)
    pdf = pdf_text(docx_to_pdf(docx), docx)
    assert "Законный представитель (отец) ____________ О.Н. Кузнецов" in normalize_text(pdf)
    assert normalize_text(pdf) == normalize_text(docx_text(docx))


# --- dissemination (ст. 10.1) -----------------------------------------------------


def test_dissemination_lists_sites_operator_data_and_conditions():
    text = _render("consent-dissemination", catalog.get("consent-dissemination").sample())
    assert "https://sh1-oblivskaya-r61.gosweb.gosuslugi.ru/nastavnichestvo;" in text
    assert "https://vk.com/sosh1_oblivskaya." in text
    assert "ИНН 6124004711, ОГРН 1026101343062" in text
    assert "телефон +7 (928) 614-22-07, электронная почта petrova.es@example.ru" in text
    assert "статьёй 10.1 Федерального закона от 27.07.2006 № 152-ФЗ" in text
    assert "от 24.02.2021 № 18" in text
    lines = text.splitlines()
    row = lines.index("номер телефона, адрес электронной почты")
    assert lines[row + 1 : row + 3] == ["нет", "запрещаю распространение"]
    assert "Срок действия согласия: до 31.08.2027" in text


@pytest.mark.parametrize(
    "url",
    ["sh1.example.ru/nastavnichestvo", "ftp://sh1.example.ru", "https://localhost", "https://"],
)
def test_dissemination_refuses_a_bad_site_address(url):
    payload = copy.deepcopy(catalog.get("consent-dissemination").sample())
    payload["resources"] = ["https://школа1.рф/nastavnichestvo", url]
    with pytest.raises(FieldErrors) as err:
        compose.validate(catalog.get("consent-dissemination"), payload)
    assert err.value.fields["resources"] == [next(m for m in err.value.fields["resources"])]
    assert url in err.value.fields["resources"][0]


def test_dissemination_needs_a_contact_and_operator_numbers():
    kind = catalog.get("consent-dissemination")
    payload = copy.deepcopy(kind.sample())
    payload["subject_phone"] = payload["subject_email"] = ""
    with pytest.raises(FieldErrors) as err:
        compose.validate(kind, payload)
    assert "subject_phone" in err.value.fields
    payload = copy.deepcopy(kind.sample())
    payload["operator_inn"] = payload["operator_ogrn"] = ""
    with pytest.raises(FieldErrors) as err:
        compose.build_context(kind, compose.validate(kind, payload))
    assert set(err.value.fields) == {"operator_inn", "operator_ogrn"}


def test_a_blank_to_fill_in_by_hand_keeps_every_element_as_a_line_to_complete():
    kind = catalog.get("consent")
    payload = {
        "organisation": kind.sample()["organisation"],
        "by_hand": True,
        "role": "наставляемый",
        "subject": {
            "surname": "Морозова",
            "name": "Алина",
            "patronymic": "Игоревна",
            "gender": "f",
            "birth_date": "30.03.2016",
        },
    }
    data = compose.validate(kind, payload)
    text = docx_text(compose.render_docx(kind, compose.build_context(kind, data)))
    assert "несовершеннолетней Морозовой Алины Игоревны" in text
    assert "(фамилия, имя, отчество)" in text  # the representative writes their name in
    assert "документ, подтверждающий полномочия законного представителя: ____" in text
    assert "Законный представитель (____________)" in text
    without = dict(payload, by_hand=False)
    with pytest.raises(FieldErrors) as refused:
        compose.validate(kind, without)
    assert "representative" in refused.value.fields
