"""The checker finds each planted defect in a Word file written here, and nothing in a correct one."""

from __future__ import annotations

import pytest
from checkdocs import ANNEX, PREAMBLE, consent_lines, docx, order_lines

from docgen.checking import ERROR, RULES, blocking, check


def codes(lines: list[object]) -> list[str]:
    return [f.rule for f in check(docx(lines))]


def test_a_correct_order_gives_no_finding():
    assert check(docx(order_lines(annex=None))) == []
    assert check(docx([*order_lines(), *ANNEX])) == []


def test_a_correct_consent_gives_no_finding():
    assert check(docx(consent_lines())) == []


def test_rule_codes_are_unique_and_every_rule_has_a_russian_message():
    assert len({r.code for r in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.level in ("ошибка", "предупреждение")
        assert any("а" <= ch <= "я" for ch in rule.message.lower())


ORDER_DEFECTS = [
    # citations
    ("CIT-R145", {"preamble": PREAMBLE.replace("распоряжением Министерства", "постановлением Министерства")}),
    ("CIT-R145", {"preamble": PREAMBLE.replace("25.12.2019", "24.12.2019")}),
    ("CIT-R145-NUMBER", {"preamble": PREAMBLE.replace("№ Р-145", "№ 145-р")}),
    ("CIT-AZ1128", {"preamble": PREAMBLE.replace("21.12.2021", "21.12.2022")}),
    ("CIT-273FZ", {"preamble": PREAMBLE.replace("29.12.2012", "29.12.2013")}),
    ("CIT-MR42", {"preamble": PREAMBLE + ", письмом Минпросвещения России от 23.01.2021 № МР-42/02"}),
    ("CIT-3273R", {"preamble": PREAMBLE + ", постановлением Правительства РФ от 31.12.2019 № 3273-р"}),
    ("CIT-1264R", {"preamble": PREAMBLE + ", распоряжением Правительства РФ от 21.05.2024 № 1264-р"}),
    ("CIT-CONCEPT", {"preamble": PREAMBLE + ", Концепцией развития наставничества, утверждённой "
                     "распоряжением Правительства РФ от 21.05.2025 № 1246-р"}),
    ("CIT-UKAZ", {"preamble": PREAMBLE + ", Указом Президента РФ от 02.03.2019 № 94"}),
    ("CIT-TK3518", {"preamble": PREAMBLE + ", статьёй 358.1 Трудового кодекса Российской Федерации"}),
    ("CIT-152FZ", {"preamble": PREAMBLE + ", Федеральным законом от 27.07.2007 № 152-ФЗ"}),
    ("CIT-381FZ", {"preamble": PREAMBLE + ", Федеральным законом от 09.11.2023 № 381-ФЗ"}),
    ("CIT-SUPERSEDED", {"datenum": "01.09.2025\t№ 77-од", "item21": "2.1. оформлять документы по ГОСТ Р "
                        "7.0.97-2016 — до 15.09.2025;", "item22": "2.2. представить отчёт — до 31.05.2026."}),
    # requisites
    ("REQ-ORG", {"org": None}),
    ("REQ-KIND", {"kind": None}),
    ("REQ-DATE-NUMBER", {"datenum": None}),
    ("REQ-TITLE", {"title": None}),
    ("REQ-TITLE-FORM", {"title": "О назначении куратора внедрения целевой модели наставничества."}),
    ("REQ-TITLE-FORM", {"title": "Назначение куратора внедрения целевой модели наставничества"}),
    ("REQ-COMMAND", {"command": None}),
    ("REQ-SEQUENCE", {"kind": "О назначении куратора\nПРИКАЗ", "title": None}),
    ("REQ-ITEMS", {k: None for k in ("item1", "item2", "item21", "item22", "item3", "item4", "item5")}
     | {"preamble": PREAMBLE, "command": "ПРИКАЗЫВАЮ:", "signature": "Директор\tА.М. Кудаков"}),
    ("REQ-SIGNATURE", {"signature": None}),
    ("FMT-DATE-MIX", {"item22": "2.2. представить отчёт — до 31 мая 2025 г."}),
    ("FMT-DATE-FORM", {"item22": "2.2. представить отчёт — до 31.05.2025 г."}),
    # grammar
    ("GRM-CASE", {"item1": "1. Назначить Чернова Наталья Викторовна, заместителя директора, куратором."}),
    ("GRM-CASE", {"item4": "4. Ознакомить с настоящим приказом Чернову Н.В., Петрова Е.С. под подпись."}),
    ("GRM-CASE", {"item3": "3. Объявить благодарность Петрова Елена Сергеевна, учителю математики."}),
    ("GRM-CASE", {"item1": "1. Возложить на Чернова Наталья Викторовна обязанности куратора."}),
    ("GRM-POSITION", {"item1": "1. Назначить Чернову Наталью Викторовну, заместитель директора, куратором."}),
    ("GRM-POSITION", {"item3": "3. Объявить благодарность Петровой Елене Сергеевне, учитель математики."}),
    ("GRM-ACQUAINTED", {"sheet": [["1", "Чернова Наталья Викторовна", "заместитель директора", "ознакомлен"],
                                  ["2", "Петрова Елена Сергеевна", "учитель", "ознакомлена"]]}),
    ("GRM-ACQUAINTED", {"sheet": "С приказом ознакомлена: ________ А.И. Данилов"}),
    ("GRM-BRACKETS", {"item21": "2.1. сформировать базы наставнических пар (группами) — до 15.09.2024;"}),
    # consistency
    ("CON-ANNEX", {"annex": "\n".join(["Приложение", "к приказу МБОУ «СОШ № 1»", "от 01.09.2024 № 77-од"])}),
    ("CON-ANNEX", {"annex": "Приложение к приказу МБОУ «СОШ № 1» от 02.09.2024 № 76-од"}),
    ("CON-NUMBERING", {"item3": "4. Объявить благодарность Петровой Елене Сергеевне, учителю математики.",
                       "item4": "5. Ознакомить с настоящим приказом Чернову Н.В., Петрову Е.С. под подпись.",
                       "item5": "6. Контроль за исполнением настоящего приказа оставляю за собой."}),
    ("CON-NUMBERING", {"item22": "2.3. представить отчёт — до 31.05.2025."}),
    ("CON-DEADLINE", {"item21": "2.1. сформировать базы наставников и наставляемых — до 15.08.2024;"}),
    ("CON-SHEET", {"item22": "2.2. Учителю информатики Мироновой Ю.А. разместить приказ на сайте — до 31.05.2025."}),
    ("CON-SHEET", {"item4": "4. Ознакомить с настоящим приказом Чернову Н.В., Петрову Е.С., Иванову А.А. под подпись."}),
]  # fmt: skip


@pytest.mark.parametrize(("code", "changes"), ORDER_DEFECTS)
def test_each_planted_defect_in_an_order_is_found(code, changes):
    lines = order_lines(**changes)
    # a multi-line string stands for several paragraphs
    lines = [
        piece for line in lines for piece in (line.split("\n") if isinstance(line, str) else [line])
    ]
    found = check(docx(lines))
    assert code in [f.rule for f in found], [(f.rule, f.message) for f in found]
    finding = next(f for f in found if f.rule == code)
    assert finding.message and finding.excerpt


CONSENT_DEFECTS = [
    ("CNS-SUBJECT", {"subject": "Я, Петрова Елена Сергеевна,"}),
    ("CNS-OPERATOR", {"operator": "даю согласие на обработку моих персональных данных:"}),
    ("CNS-PURPOSE", {"purpose": None}),
    ("CNS-DATA", {"data": None}),
    ("CNS-ACTIONS", {"actions": "3. Действия: любые, не запрещённые законом."}),
    ("CNS-TERM", {"term": None}),
    ("CNS-SIGNATURE", {"signature": "Е.С. Петрова"}),
    ("CNS-REPRESENTATIVE", {"subject": "Я, Петрова Елена Сергеевна, паспорт 60 23 418275, выдан 28.03.2023 "
                            "ГУ МВД, адрес: ст. Обливская, являясь законным представителем сына,"}),
    ("CNS-PROCESSOR", {"data": "2. Перечень персональных данных: фамилия, имя, отчество. Данные обрабатывает "
                       "по поручению оператора региональный центр."}),
    ("CNS-SIGNER", {"subject": "Я, Сидоренко Максим Павлович, 12.05.2014 г. р., зарегистрированный по адресу: "
                    "347140, ст. Обливская, свидетельство о рождении II-АН 123456, дата выдачи 20.05.2014, "
                    "выдавший орган: ЗАГС,"}),
    ("CNS-SIGNER", {"subject": "Я, Савченко Дарья Андреевна, 14.03.2009 г. р., зарегистрированная по адресу: "
                    "347140, ст. Обливская, паспорт 60 23 418275, дата выдачи 28.03.2023, выдавший орган: ГУ МВД,"}),
]  # fmt: skip


@pytest.mark.parametrize(("code", "changes"), CONSENT_DEFECTS)
def test_each_planted_defect_in_a_consent_is_found(code, changes):
    found = check(docx(consent_lines(**changes)))
    assert code in [f.rule for f in found], [(f.rule, f.message) for f in found]


def test_a_consent_for_dissemination_needs_the_web_addresses():
    lines = consent_lines(
        title="Согласие на обработку персональных данных, разрешённых субъектом персональных данных "
        "для распространения",
        subject="Я, Петрова Елена Сергеевна, телефон +7 928 614-22-07,",
    )
    assert "CNS-URLS" in codes(lines)
    with_site = [*lines, "Сайт: https://school1.example.ru/nastavnichestvo"]
    assert "CNS-URLS" not in codes(with_site)


def test_a_consent_inside_an_application_is_flagged():
    lines = [
        "Заявление об участии в программе наставничества",
        "Прошу включить меня в программу наставничества. Даю согласие на обработку моих "
        "персональных данных.",
    ]
    assert codes(lines) == ["CNS-SEPARATE"]


def test_the_parent_of_a_child_under_14_signs_without_a_finding():
    subject = (
        "Я, Сидоренко Ольга Петровна, паспорт 60 05 112408, дата выдачи 19.07.2005, выдавший орган: "
        "РОВД, зарегистрированная по адресу: ст. Обливская, являясь законным представителем "
        "(свидетельство о рождении II-АН 123456) несовершеннолетнего Сидоренко Максима Павловича, "
        "12.05.2014 г. р.,"
    )
    assert codes(consent_lines(subject=subject)) == []


def test_correct_grammar_is_left_alone():
    lines = order_lines(
        item1="1. Закрепить Петрову Е.С., учителя математики, наставником за Ивановой А.А., учителем "
        "информатики.",
        item3="3. Наградить Почётной грамотой Шибзухова Руслана Хасановича, учителя физической культуры.",
        item5="5. Контроль за исполнением приказа возложить на заместителя директора Чернову Н.В.",
    )
    assert [f for f in check(docx(lines)) if f.rule.startswith("GRM")] == []


def test_the_message_names_the_right_form():
    lines = order_lines(item1="1. Назначить Чернова Наталья Викторовна куратором.")
    finding = next(f for f in check(docx(lines)) if f.rule == "GRM-CASE")
    assert "«Чернову Наталью Викторовну»" in finding.message
    assert "Чернова Наталья Викторовна" in finding.excerpt


def test_blocking_keeps_only_errors():
    found = check(docx(order_lines(item22="2.2. представить отчёт — до 31.05.2025 г.")))
    assert found and all(f.level == "предупреждение" for f in found)
    assert blocking(found) == []
    found = check(docx(order_lines(title=None)))
    assert [f.rule for f in blocking(found)] == ["REQ-TITLE"]
    assert all(f.level == ERROR for f in blocking(found))


def test_a_draft_with_blank_date_and_number_passes():
    lines = order_lines(datenum="«___» ____________ 20___ г.\t№ ____")
    assert check(docx(lines)) == []
