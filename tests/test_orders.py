"""The orders as a person reads them: requisites, items, cases, annexes, familiarisation."""

from __future__ import annotations

import copy
import io
import re
from datetime import date

import pypdf
import pytest
import registry_factory as make
from docx import Document

from docgen.documents import compose
from docgen.errors import FieldErrors
from docgen.kinds import catalog
from docgen.rendering import html as preview
from docgen.rendering.context import Requisites
from docgen.rendering.pdf import docx_to_pdf

ORDERS = (
    "curator-order",
    "pairs-order",
    "implementation-order",
    "municipal-roadmap-order",
    "council-order",
    "approval-order",
    "award-order",
)
REGISTERED = Requisites(number="145-од", date=date(2024, 9, 2))
DRAFT_DATE = "«___» ____________ 20___ г."

EMIRBEKOV = {
    "surname": "Эмирбеков",
    "name": "Магомед",
    "patronymic": "Расулович",
    "position": "учитель физики",
}
KOH = {"surname": "Кох", "name": "Анна", "patronymic": "Петровна", "position": "учитель химии"}
ALIEV = {
    "surname": "Алиев",
    "name": "Тимур",
    "patronymic": "Русланович",
    "position": "учитель физики",
}
ORLOVA = {
    "surname": "Орлова",
    "name": "Вера",
    "patronymic": "Ивановна",
    "position": "учитель биологии",
}
ZAITSEV = {
    "surname": "Зайцев",
    "name": "Кирилл",
    "patronymic": "Олегович",
    "position": "учитель химии",
}


def sample(slug: str) -> dict:
    return copy.deepcopy(catalog.get(slug).sample())


def render(slug: str, payload: dict | None = None, requisites=None, sources=None) -> bytes:
    kind = catalog.get(slug)
    data = compose.validate(kind, sample(slug) if payload is None else payload)
    values = compose.build_context(kind, data, requisites=requisites, sources=sources)
    return compose.render_docx(kind, values)


def text_of(docx: bytes) -> str:
    """The document text a person reads, no-break spaces as plain spaces."""
    return preview.docx_text(docx).replace("\u00a0", " ")


def lines(text: str) -> list[str]:
    return [line for line in text.split("\n") if line.strip()]


def order_text(text: str) -> str:
    """The order's own text, without the annexes after it (they have items of their own)."""
    return text.split("\nПриложение", 1)[0]


def items(text: str) -> list[str]:
    """Top-level numbered items of the order («1. …»), in order."""
    return [line for line in lines(text) if re.match(r"\d+\. ", line)]


def invalid(slug: str, payload: dict) -> dict[str, list[str]]:
    with pytest.raises(FieldErrors) as caught:
        compose.validate(catalog.get(slug), payload)
    return caught.value.fields


# ---------------------------------------------------------------- every order


@pytest.mark.parametrize("registered", [False, True], ids=["draft", "registered"])
@pytest.mark.parametrize("slug", ORDERS)
def test_requisites_come_in_gost_order(slug, registered):
    text = text_of(render(slug, requisites=REGISTERED if registered else None))
    org = sample(slug)["organisation"]
    date_line = "02.09.2024\t№ 145-од" if registered else f"{DRAFT_DATE}\t№ ____"
    kind = catalog.get(slug)
    title = kind.document_title(compose.validate(kind, sample(slug)))
    positions = [
        text.index(org["full_name"]),
        text.index("\nПРИКАЗ\n"),
        text.index(date_line),
        text.index("\n" + title + "\n"),
        text.index("\nПРИКАЗЫВАЮ:\n"),
        text.index("\n1. "),
    ]
    assert positions == sorted(positions)
    if org.get("locality"):
        assert text.index(date_line) < text.index(org["locality"] + "\n") < positions[3]
    assert re.match("Об? ", title) and not title.endswith(".")


@pytest.mark.parametrize("slug", ORDERS)
def test_items_are_numbered_and_the_last_is_control(slug):
    text = order_text(text_of(render(slug)))
    numbered = items(text)
    assert [int(line.split(".")[0]) for line in numbered] == list(range(1, len(numbered) + 1))
    last = numbered[-1].split(". ", 1)[1]
    assert last.startswith("Контроль за исполнением настоящего приказа")
    assert not last.endswith("..")


@pytest.mark.parametrize("slug", ORDERS)
def test_signature_is_position_and_initials_then_surname(slug):
    text = text_of(render(slug))
    org = sample(slug)["organisation"]
    head = org["head"]
    line = f"{org['head_position']}\t{head['name'][0]}.{head['patronymic'][0]}. {head['surname']}"
    assert line in lines(text)
    assert text.index("Контроль за исполнением") < text.index(line)


@pytest.mark.parametrize("slug", ORDERS)
def test_acts_are_cited_in_canonical_form(slug):
    text = text_of(render(slug))
    assert "постановлением Министерства просвещения" not in text
    assert "24.12.2019" not in text and "145-р" not in text
    if "Р-145" in text:
        assert (
            "распоряжением Министерства просвещения Российской Федерации от 25.12.2019 № Р-145"
            in text
        )
    if "АЗ-1128/08" in text:
        assert "от 21.12.2021 № АЗ-1128/08" in text


@pytest.mark.parametrize("slug", ORDERS)
def test_every_deadline_of_an_executive_item_is_stated(slug):
    """Items that order someone to do something end with «Срок — …» or list sub-items with «— срок»."""
    text = order_text(text_of(render(slug)))
    for line in lines(text):
        if re.match(r"\d+\.\d+\. ", line) and slug not in ("pairs-order",):
            if "(приложение" in line:
                continue
            assert " — " in line, line
        elif re.match(
            r"\d+\. (Куратору|Наставникам|Специалисту|Председателю|Секретарю|Главному)", line
        ):
            assert "Срок — " in line or line.endswith(":"), line


@pytest.mark.parametrize("slug", ORDERS)
def test_acting_head_signs_as_acting(slug):
    payload = sample(slug)
    payload["organisation"]["head_acting"] = True
    text = text_of(render(slug, payload))
    position = payload["organisation"]["head_position"]
    acting = {
        "Директор": "И.о. директора",
        "Начальник отдела образования": "И.о. начальника отдела образования",
    }
    assert any(line.startswith(acting[position] + "\t") for line in lines(text))


@pytest.mark.parametrize("slug", ORDERS)
def test_title_must_start_with_o_and_have_no_final_period(slug):
    payload = sample(slug)
    payload["title"] = "Назначение куратора"
    assert "«О» или «Об»" in invalid(slug, payload)["title"][0]
    payload["title"] = "О закреплении наставников."
    assert invalid(slug, payload)["title"] == ["Точка в конце заголовка не ставится."]


@pytest.mark.parametrize("slug", ORDERS)
def test_familiarisation_lists_each_person_with_gender_agreement(slug):
    docx = render(slug)
    table = next(t for t in Document(io.BytesIO(docx)).tables if t.cell(0, 3).text == "Отметка")
    rows = [[cell.text for cell in row.cells] for row in table.rows[1:]]
    assert rows, "nobody to acquaint"
    text = text_of(docx)
    assert "С приказом ознакомлены:" in text
    item = next(line for line in items(text) if "Ознакомить с настоящим приказом" in line)
    named = item.split("приказом ", 1)[1].split(" под подпись")[0].split(", ")
    assert len(named) == len(rows)
    for (_, fio, _, mark, signature, day), short in zip(rows, named, strict=True):
        assert mark in ("ознакомлен", "ознакомлена")
        assert signature == day == ""
        surname, name, patronymic = fio.split()
        assert short.endswith(f" {name[0]}.{patronymic[0]}.") and short[:3] == surname[:3]


# ---------------------------------------------------------------- curator


def test_curator_is_appointed_in_the_accusative_and_addressed_in_the_dative():
    text = text_of(render("curator-order"))
    assert (
        "1. Назначить Чернову Наталью Викторовну, заместителя директора по учебно-воспитательной "
        "работе, куратором внедрения целевой модели наставничества в МБОУ «Обливская СОШ № 1» с 01.09.2026."
    ) in text
    assert "2. Куратору Черновой Н.В.:" in text
    assert "2.1. сформировать базы наставников и наставляемых — до 10.09.2026;" in text
    assert "заключить с Черновой Н.В. дополнительное соглашение" in text


def test_curator_of_another_gender_and_assignment_variant():
    payload = sample("curator-order")
    payload["curator"] = EMIRBEKOV
    payload["assign_duties"] = True
    payload["acquaint"] = [KOH]
    payload["control"] = {
        **KOH,
        "position": "заместитель директора по учебно-воспитательной работе",
    }
    docx = render("curator-order", payload)
    text = text_of(docx)
    assert "1. Возложить на Эмирбекова М.Р., учителя физики, обязанности куратора" in text
    assert "2. Куратору Эмирбекову М.Р.:" in text
    assert "Ознакомить с настоящим приказом Эмирбекова М.Р., Кох А.П. под подпись" in text
    assert (
        "Контроль за исполнением настоящего приказа возложить на заместителя директора по "
        "учебно-воспитательной работе Кох А.П." in text
    )
    assert "Кох А.П.." not in text
    table = Document(io.BytesIO(docx)).tables[-1]
    marks = {row.cells[1].text: row.cells[3].text for row in table.rows[1:]}
    assert marks == {
        "Эмирбеков Магомед Расулович": "ознакомлен",
        "Кох Анна Петровна": "ознакомлена",
    }


# ---------------------------------------------------------------- pairs


def pairs_payload() -> dict:
    payload = sample("pairs-order")
    payload["pairs"] = [
        {
            "mentor": EMIRBEKOV,
            "mentees": [ALIEV],
            "form": "учитель – учитель",
            "start": "02.09.2024",
            "end": "30.05.2025",
        },
        {
            "mentor": KOH,
            "mentees": [ORLOVA, ZAITSEV],
            "form": "учитель – учитель",
            "start": "09.09.2024",
            "end": "31.12.2024",
        },
    ]
    payload["acquaint"] = []
    return payload


def annex_table(docx: bytes):
    return next(t for t in Document(io.BytesIO(docx)).tables if "Наставник" in t.cell(0, 1).text)


def test_pairs_are_fixed_with_mentor_accusative_and_mentees_instrumental():
    text = text_of(render("pairs-order", pairs_payload()))
    assert (
        "1.1. Эмирбекова М.Р., учителя физики, — наставником за Алиевым Т.Р., учителем физики "
        "(форма «учитель – учитель», с 02.09.2024 по 30.05.2025);"
    ) in text
    assert (
        "1.2. Кох А.П., учителя химии, — наставником за Орловой В.И., учителем биологии, "
        "и Зайцевым К.О., учителем химии (форма «учитель – учитель», с 09.09.2024 по 31.12.2024)."
    ) in text
    assert "на период с 02.09.2024 по 30.05.2025 согласно приложению" in text
    assert "представить их куратору Черновой Н.В. на согласование. Срок — до 01.10.2026." in text
    assert "Куратору Черновой Н.В. обеспечить" in text


def test_pairs_order_cites_regulation_consents_and_labour_code():
    text = text_of(render("pairs-order"))
    assert (
        "Положением о системе наставничества, утверждённым приказом МБОУ «Обливская СОШ № 1» от 27.08.2026 № 108-од"
        in text
    )
    assert "на основании письменных согласий наставников и наставляемых" in text
    assert "статьёй 351.8 Трудового кодекса Российской Федерации" in text
    assert "дополнительные соглашения к трудовым договорам" in text
    assert "2 500 (две тысячи пятьсот) рублей 00 копеек" in text
    payload = sample("pairs-order")
    payload["employee_mentors"] = False
    payload.pop("pay_amount")
    text = text_of(render("pairs-order", payload))
    assert "351.8" not in text and "дополнительные соглашения" not in text


def test_pairs_annex_table_and_familiarisation_name_the_same_people():
    docx = render("pairs-order", pairs_payload(), requisites=REGISTERED)
    rows = [[c.text for c in row.cells] for row in annex_table(docx).rows[1:]]
    assert rows == [
        [
            "1",
            "Эмирбеков Магомед Расулович\nучитель физики",
            "Алиев Тимур Русланович, учитель физики",
            "учитель – учитель",
            "с 02.09.2024\nпо 30.05.2025",
        ],
        [
            "2",
            "Кох Анна Петровна\nучитель химии",
            "Орлова Вера Ивановна, учитель биологии\nЗайцев Кирилл Олегович, учитель химии",
            "учитель – учитель",
            "с 09.09.2024\nпо 31.12.2024",
        ],
    ]
    sheet = Document(io.BytesIO(docx)).tables[0]
    marks = [(r.cells[1].text, r.cells[2].text, r.cells[3].text) for r in sheet.rows[1:]]
    assert marks[:2] == [
        ("Эмирбеков Магомед Расулович", "учитель физики", "ознакомлен"),
        ("Кох Анна Петровна", "учитель химии", "ознакомлена"),
    ]
    assert (
        "Чернова Наталья Викторовна",
        "заместитель директора по учебно-воспитательной работе",
        "ознакомлена",
    ) in marks


@pytest.mark.parametrize("registered", [False, True], ids=["draft", "registered"])
def test_pairs_annex_header_repeats_the_order_number_and_date(registered):
    text = text_of(render("pairs-order", requisites=REGISTERED if registered else None))
    expected = "от 02.09.2024 № 145-од" if registered else f"от {DRAFT_DATE} № ____"
    assert f"Приложение\nк приказу МБОУ «Обливская СОШ № 1»\n{expected}\n" in text
    assert text.index("Директор\t") < text.index("Приложение\nк приказу")


def test_pairs_come_from_the_registry_when_the_form_has_none(db):
    school = make.school(db, None)
    mentor = make.person(
        db, school, "Кох", "Анна", "Петровна", gender="f", position="учитель химии"
    )
    mentee = make.person(db, school, "Зайцев", "Кирилл", "Олегович", position="учитель химии")
    other = make.person(db, school, "Эмирбеков", "Магомед", "Расулович", position="учитель физики")
    from docgen.registry import groups

    groups.create_group(
        db,
        school,
        form_code="teacher_teacher",
        mentor_id=mentor,
        mentee_ids=[mentee, other],
        start_date="2024-09-02",
        end_date="2025-05-30",
        kind_of_mentoring="традиционное",
    )
    payload = sample("pairs-order")
    payload["pairs"] = []
    payload["acquaint"] = []
    sources = compose.Sources(db=db, org_id=school, on=date(2024, 9, 2))
    docx = render("pairs-order", payload, sources=sources)
    text = text_of(docx)
    assert (
        "Кох А.П., учителя химии, — наставником за Зайцевым К.О., учителем химии, и "
        "Эмирбековым М.Р., учителем физики (форма «учитель – учитель (традиционное)»" in text
    )
    rows = [[c.text for c in row.cells] for row in annex_table(docx).rows[1:]]
    assert rows[0][1:3] == [
        "Кох Анна Петровна\nучитель химии",
        "Зайцев Кирилл Олегович, учитель химии\nЭмирбеков Магомед Расулович, учитель физики",
    ]
    # an organisation without pairs and a form without pairs: a clear message
    empty = make.school(db, None, "МОУ «Заречная СОШ»")
    with pytest.raises(FieldErrors) as caught:
        render("pairs-order", payload, sources=compose.Sources(db=db, org_id=empty))
    assert "Нет наставнических пар" in caught.value.message


def test_pairs_are_rejected_when_mentor_is_own_mentee_or_dates_reversed():
    payload = pairs_payload()
    payload["pairs"][0]["mentees"] = [EMIRBEKOV]
    assert "Наставник не может быть наставляемым" in str(invalid("pairs-order", payload))
    payload = pairs_payload()
    payload["pairs"][0]["end"] = "01.09.2024"
    assert "кончается раньше" in str(invalid("pairs-order", payload))


# ---------------------------------------------------------------- implementation


def test_implementation_order_approves_numbered_annexes_and_names_the_curator():
    text = text_of(render("implementation-order"))
    assert (
        "2.1. Дорожную карту (план мероприятий) по реализации Положения о системе наставничества "
        "педагогических работников на 2026/2027 учебный год (приложение 1);" in text
    )
    assert "2.2. Программу наставничества «Вместе к успеху» (приложение 2)." in text
    assert (
        "3. Назначить Чернову Наталью Викторовну, заместителя директора по учебно-воспитательной работе, куратором"
        in text
    )
    assert "4.1. сформировать базу наставников — до 10.09.2026;" in text
    assert "4.2. сформировать базу наставляемых — до 11.09.2026;" in text
    assert (
        "Гончарова Сергея Петровича, заместителя директора по административно-хозяйственной работе, ответственным"
        in text
    )
    assert "Учителю информатики Ивановой А.А. разместить" in text
    # federal acts first, then the regional and municipal ones in the given order
    assert text.index("№ Р-145") < text.index("№ 446") < text.index("№ 7 ") < text.index("№ 243")
    assert (
        "приказом министерства общего и профессионального образования Ростовской области от 08.06.2020 № 446"
        in text
    )
    assert (
        "постановлением министерства общего и профессионального образования Ростовской области"
        in text
    )


def test_implementation_order_with_one_annex_and_a_woman_responsible():
    payload = sample("implementation-order")
    payload["annexes"] = payload["annexes"][:1]
    payload["responsible_mto"] = KOH
    text = text_of(render("implementation-order", payload))
    assert "(приложение)." in text and "(приложение 1)" not in text
    assert "Кох Анну Петровну, учителя химии, ответственной за материально-техническое" in text


# ---------------------------------------------------------------- municipal


@pytest.mark.parametrize("registered", [False, True], ids=["draft", "registered"])
def test_municipal_annex_is_the_district_roadmap_with_the_order_requisites(registered):
    docx = render("municipal-roadmap-order", requisites=REGISTERED if registered else None)
    text = text_of(docx)
    expected = "от 02.09.2024 № 145-од" if registered else f"от {DRAFT_DATE} № ____"
    assert (
        f"Приложение 2\nк приказу Отдела образования Администрации Обливского района\n{expected}\n"
    ) in text
    table = Document(io.BytesIO(docx)).tables[-1]
    assert [c.text for c in table.rows[0].cells] == [
        "№ п/п",
        "Наименование мероприятия",
        "Сроки",
        "Ответственные исполнители",
        "Результат / вид документа",
    ]
    assert [c.text for c in table.rows[3].cells] == [
        "3.",
        "Разработка муниципальной целевой программы наставничества",
        "август 2026",
        "РМК",
        "Муниципальная целевая программа наставничества",
    ]
    assert len(table.rows) == 1 + 22


def test_municipal_order_cites_regional_before_municipal_and_instructs_heads():
    payload = sample("municipal-roadmap-order")
    payload["municipal_acts"] = [
        {
            "kind": "постановление",
            "issuer": "Администрации Обливского района",
            "date": "01.03.2022",
            "number": "150",
            "title": "О муниципальной системе наставничества",
        }
    ]
    payload["roadmap_number"] = 3
    payload["coordinator"] = EMIRBEKOV | {"position": "методист районного методического кабинета"}
    text = text_of(render("municipal-roadmap-order", payload))
    assert (
        text.index("№ 446")
        < text.index("№ 7 ")
        < text.index("постановлением Администрации Обливского района")
    )
    assert "1.2. План мероприятий (дорожную карту)" in text and "(приложение 3)." in text
    assert (
        "2. Назначить Эмирбекова Магомеда Расуловича, методиста районного методического кабинета, муниципальным куратором"
        in text
    )
    assert "3. Руководителям образовательных организаций Обливского района:" in text
    assert (
        "3.4. представлять в Отдел образования Администрации Обливского района информацию" in text
    )
    assert "4. Районному методическому кабинету:" in text
    assert "возложить на заместителя начальника отдела образования Попову М.А." in text
    assert "Приложение 3\nк приказу Отдела образования" in text
    assert "Начальник отдела образования\tИ.В. Гончарова" in text


def test_municipal_annex_numbers_must_differ():
    payload = sample("municipal-roadmap-order")
    payload["roadmap_number"] = 1
    assert invalid("municipal-roadmap-order", payload)["roadmap_number"] == [
        "Номера приложений повторяются."
    ]


# ---------------------------------------------------------------- council


def test_council_members_are_listed_in_the_nominative_with_roles():
    payload = sample("council-order")
    payload["members"].append({"person": EMIRBEKOV, "role": "член"})
    text = text_of(render("council-order", payload))
    assert (
        "Председатель — Чернова Н.В., заместитель директора по учебно-воспитательной работе;"
        in text
    )
    assert "Заместитель председателя — Петрова Е.С., учитель математики;" in text
    assert "Секретарь — Кох А.П., педагог-психолог;" in text
    assert "Эмирбеков М.Р., учитель физики." in text
    assert (
        "Председателю Совета наставников Черновой Н.В. провести первое заседание Совета. Срок — до 11.09.2026."
        in text
    )
    assert "Секретарю Совета наставников Кох А.П." in text


def test_council_needs_one_chair_and_one_secretary():
    payload = sample("council-order")
    payload["members"][1]["role"] = "председатель"
    assert invalid("council-order", payload)["members"] == [
        "В составе должен быть один председатель."
    ]
    payload = sample("council-order")
    payload["members"][2]["role"] = "член"
    assert invalid("council-order", payload)["members"] == ["В составе должен быть один секретарь."]


# ---------------------------------------------------------------- approval


@pytest.mark.parametrize("registered", [False, True], ids=["draft", "registered"])
def test_approval_grif_agrees_with_each_annex_and_repeats_the_order(registered):
    payload = sample("approval-order")
    payload["documents"].append(
        {
            "title": "Дорожная карта (план мероприятий) по реализации Положения о системе наставничества",
            "body": "Мероприятия дорожной карты.",
        }
    )
    payload["documents"].append(
        {"title": "Правила внутреннего распорядка наставнических пар", "body": "Текст правил."}
    )
    text = text_of(render("approval-order", payload, requisites=REGISTERED if registered else None))
    tail = "от 02.09.2024 № 145-од" if registered else f"от {DRAFT_DATE} № ____"
    for number, word in ((1, "УТВЕРЖДЕНО"), (2, "УТВЕРЖДЕНА"), (3, "УТВЕРЖДЕНЫ")):
        assert f"Приложение {number}\n\n{word}\nприказом МБОУ «Обливская СОШ № 1»\n{tail}\n" in text
    assert "1.2. Дорожную карту (план мероприятий) по реализации Положения" in text
    assert "1.3. Правила внутреннего распорядка наставнических пар (приложение 3)." in text


def test_approval_order_repeals_the_old_document_in_agreement():
    text = text_of(render("approval-order"))
    assert (
        "Признать утратившим силу с 01.09.2026 Положение о наставничестве, утверждённое приказом от 31.08.2021 № 96-од."
        in text
    )
    assert "на основании решения педагогического совета (протокол от 26.08.2026 № 1)" in text
    payload = sample("approval-order")
    payload["repealed"] = "Программа наставничества, утверждённая приказом от 01.09.2021 № 96"
    text = text_of(render("approval-order", payload))
    assert "Признать утратившей силу с 01.09.2026 Программу наставничества" in text


# ---------------------------------------------------------------- award


def test_award_verbs_govern_their_cases():
    payload = sample("award-order")
    payload["awards"] = [
        {
            "person": KOH,
            "award": "грамота",
            "reason": "за высокие результаты наставнической деятельности",
        },
        {
            "person": EMIRBEKOV,
            "award": "благодарность",
            "reason": "за успешную адаптацию молодого специалиста",
        },
        {
            "person": KOH | {"surname": "Орлова", "name": "Вера", "patronymic": "Ивановна"},
            "award": "премия",
            "amount": "7500.50",
            "reason": "за подготовку победителя конкурса",
        },
    ]
    text = text_of(render("award-order", payload))
    assert (
        "1. Наградить Почётной грамотой МБОУ «Обливская СОШ № 1» Кох Анну Петровну, учителя химии, за высокие"
        in text
    )
    assert (
        "2. Объявить благодарность Эмирбекову Магомеду Расуловичу, учителю физики, за успешную"
        in text
    )
    assert (
        "3. Выплатить премию Орловой Вере Ивановне, учителю химии, в размере 7 500 (семь тысяч "
        "пятьсот) рублей 50 копеек за подготовку победителя конкурса." in text
    )
    assert "4. Главному бухгалтеру Осиповой Г.В. произвести выплату премии, назначенной" in text


def test_award_without_premium_has_no_payment_item_and_premium_needs_amount():
    payload = sample("award-order")
    payload["awards"] = [a for a in payload["awards"] if a["award"] != "премия"]
    assert "выплату премий" not in text_of(render("award-order", payload))
    payload["awards"][0] = payload["awards"][0] | {"award": "премия"}
    assert "Укажите размер премии." in str(invalid("award-order", payload))


# ---------------------------------------------------------------- PDF


@pytest.mark.parametrize("slug", ["curator-order", "pairs-order"])
def test_pdf_pages_carry_the_order_and_the_annex_starts_a_page(slug):
    docx = render(slug, requisites=REGISTERED)
    pdf = pypdf.PdfReader(io.BytesIO(docx_to_pdf(docx)))
    pages = [preview.normalize_text(page.extract_text()) for page in pdf.pages]
    whole = " ".join(pages)
    assert "ПРИКАЗ" in pages[0] and "02.09.2024 № 145-од" in pages[0]
    assert "ПРИКАЗЫВАЮ:" in whole and "Директор Е.В. Тарабанова" in whole
    if slug == "pairs-order":
        annex = next(
            p for p in pages if "к приказу МБОУ «Обливская СОШ № 1» от 02.09.2024 № 145-од" in p
        )
        assert re.match(r"(\d+ )?Приложение к приказу", annex)
        assert "Петрова Елена Сергеевна" in annex


def test_a_student_named_by_class_declines_as_a_student_everywhere():
    payload = pairs_payload()
    student = {
        "surname": "Гаджиева",
        "name": "Патимат",
        "patronymic": "Магомедовна",
        "gender": "f",
        "position": "7 «Б» класс",
    }
    payload["pairs"] = [
        {
            "mentor": KOH,
            "mentees": [student],
            "form": "учитель – ученик",
            "start": "02.09.2024",
            "end": "30.05.2025",
        }
    ]
    docx = render("pairs-order", payload)
    text = text_of(docx)
    assert (
        "наставником за Гаджиевой П.М., обучающейся 7 «Б» класса (форма «учитель – ученик»" in text
    )
    row = [c.text for c in annex_table(docx).rows[1].cells]
    assert row[2] == "Гаджиева Патимат Магомедовна, обучающаяся 7 «Б» класса"


def test_a_deadline_ending_in_a_period_gets_no_second_one():
    payload = sample("curator-order")
    payload["duties"][-1]["deadline"] = "май 2025 г."
    text = text_of(render("curator-order", payload))
    assert "— май 2025 г.\n" in text and "г.." not in text
    payload = sample("council-order")
    payload["first_meeting"] = "сентябрь 2024 г."
    text = text_of(render("council-order", payload))
    assert "Срок — сентябрь 2024 г.\n" in text and "г.." not in text
