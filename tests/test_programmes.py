"""Regulation, roadmap, programme and personalised programme: the text a school would check."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from pdftext import pdf_text

from docgen.documents import compose
from docgen.errors import FieldErrors
from docgen.kinds import catalog
from docgen.registry import groups, organisations
from docgen.registry import people as registry_people
from docgen.rendering import html as preview
from docgen.rendering.context import Requisites
from docgen.rendering.pdf import docx_to_pdf

LYCEUM = {
    "full_name": "Муниципальное автономное общеобразовательное учреждение «Лицей № 7»",
    "short_name": "МАОУ «Лицей № 7»",
    "locality": "г. Нальчик",
    "head_position": "Директор",
    "head": {"surname": "Королёв", "name": "Пётр", "patronymic": "Алексеевич"},
}
MENTEE = {
    "surname": "Шибзухова",
    "name": "Мадина",
    "patronymic": "Руслановна",
    "position": "учитель начальных классов",
}
MENTOR = {
    "surname": "Эмирбеков",
    "name": "Руслан",
    "patronymic": "Магомедович",
    "position": "учитель начальных классов",
}


def sample(slug: str, **changes) -> dict:
    payload = copy.deepcopy(catalog.get(slug).sample())
    payload.update(changes)
    return payload


class Text(str):
    """Document text compared the way preview compares it (whitespace and dashes normalised)."""

    def __contains__(self, part: object) -> bool:
        return str.__contains__(self, preview.normalize_text(str(part)))


def text_of(docx: bytes) -> Text:
    return Text(preview.normalize_text(preview.docx_text(docx)))


def render(slug: str, payload: dict, **kwargs) -> Text:
    kind = catalog.get(slug)
    values = compose.build_context(kind, compose.validate(kind, payload), **kwargs)
    return text_of(compose.render_docx(kind, values))


def errors(slug: str, payload: dict) -> dict:
    with pytest.raises(FieldErrors) as err:
        compose.validate(catalog.get(slug), payload)
    return err.value.fields


TEACHER_SECTIONS = [
    "1. Общие положения",
    "2. Цель и задачи системы наставничества. Формы наставничества",
    "3. Организация системы наставничества",
    "4. Права и обязанности наставника",
    "5. Права и обязанности наставляемого",
    "6. Процесс формирования наставнических пар и групп",
    "7. Завершение персонализированной программы наставничества",
    "8. Условия публикации результатов персонализированной программы наставничества на сайте "
    "образовательной организации",
    "9. Заключительные положения",
]
STUDENT_SECTIONS = [
    "1. Общие положения",
    "2. Цели и задачи наставничества",
    "3. Организационные основы наставничества",
    "4. Права и обязанности наставника",
    "5. Права и обязанности наставляемого",
    "6. Формы наставничества",
    "7. Этапы реализации программы наставничества",
    "8. Мониторинг и оценка результатов",
    "9. Мотивация и поощрение наставников",
    "10. Перечень документов, регламентирующих наставничество",
    "11. Заключительные положения",
]


def _in_order(text: str, parts: list[str]) -> None:
    position = -1
    for part in parts:
        found = text.find(preview.normalize_text(part), position + 1)
        assert found > position, f"{part!r} missing or out of order"
        position = found


# ---------------------------------------------------------------- regulation


@pytest.mark.parametrize(
    ("variant", "sections", "act"),
    [
        ("педагоги", TEACHER_SECTIONS, "№ АЗ-1128/08"),
        ("обучающиеся", STUDENT_SECTIONS, "от 25.12.2019 № Р-145"),
    ],
)
def test_regulation_has_every_section_with_the_organisation_filled_in(variant, sections, act):
    text = render("regulation", {"organisation": LYCEUM, "variant": variant})
    _in_order(text, ["ПОЛОЖЕНИЕ", *sections])
    assert "в МАОУ «Лицей № 7» (далее — Положение" in text
    assert (
        "официального сайта МАОУ «Лицей № 7»" in text
        or "официальном сайте МАОУ «Лицей № 7»" in text
    )
    assert act in text
    assert "1.1. Настоящее Положение" in text
    assert "{" not in text and "}" not in text
    assert "вступает в силу со дня его утверждения" in text


def test_regulation_approval_trail_with_councils_and_approving_order():
    payload = {
        "organisation": LYCEUM,
        "variant": "обучающиеся",
        "pedsovet": {"date": "27.08.2024", "number": "1"},
        "councils": [
            {"body": "Совет обучающихся", "date": "26.08.2024", "number": "2"},
            {"body": "Совет родителей", "date": "26.08.2024", "number": "4"},
            {"body": "первичная профсоюзная организация"},
        ],
        "approved_by": {"date": "30.08.2024", "number": "77-од"},
    }
    text = render("regulation", payload)
    _in_order(
        text,
        [
            "ПРИНЯТО на заседании педагогического совета протокол от 27.08.2024 № 1",
            "УЧТЕНО мнение Совета обучающихся (протокол от 26.08.2024 № 2)",
            "УЧТЕНО мнение Совета родителей (протокол от 26.08.2024 № 4)",
            "УЧТЕНО мнение первичной профсоюзной организации "
            "(протокол от «___» ____________ 20___ г. № ____)",
            "УТВЕРЖДЕНО приказом МАОУ «Лицей № 7» от 30.08.2024 № 77-од",
            "ПОЛОЖЕНИЕ о наставничестве обучающихся в МАОУ «Лицей № 7»",
        ],
    )


def test_regulation_as_annex_takes_the_orders_number_and_a_draft_has_blanks():
    payload = {"organisation": LYCEUM, "variant": "педагоги"}
    annex = render("regulation", payload, requisites=Requisites("145-од", dt.date(2024, 9, 2)))
    assert "УТВЕРЖДЕНО приказом МАОУ «Лицей № 7» от 02.09.2024 № 145-од" in annex
    draft = render("regulation", payload)
    assert "УТВЕРЖДЕНО приказом МАОУ «Лицей № 7» от «___» ____________ 20___ г. № ____" in draft
    assert "протокол от «___» ____________ 20___ г. № ____" in draft
    assert "УЧТЕНО" not in draft


def test_regulation_sections_are_replaced_by_number_or_heading_and_can_be_dropped():
    payload = {
        "organisation": LYCEUM,
        "variant": "педагоги",
        "effective_date": "01.09.2024",
        "sections": [
            {"number": 4, "paragraphs": ["Наставник вправе выбрать удобный график встреч."]},
            {
                "heading": "права и обязанности наставляемого",
                "paragraphs": ["Наставляемый выполняет план.", "— посещает уроки наставника;"],
            },
            {
                "heading": "Условия публикации результатов персонализированной программы наставничества на сайте образовательной организации",
                "omit": True,
            },
            {
                "heading": "Оплата наставничества",
                "paragraphs": ["Размер выплаты устанавливает Положение об оплате труда."],
            },
        ],
    }
    text = render("regulation", payload)
    assert "4.1. Наставник вправе выбрать удобный график встреч." in text
    assert "Наставник обязан" not in text
    assert "5.1. Наставляемый выполняет план. — посещает уроки наставника;" in text
    assert "Условия публикации" not in text
    _in_order(
        text,
        [
            "7. Завершение",
            "8. Оплата наставничества",
            "8.1. Размер выплаты",
            "9. Заключительные положения",
        ],
    )
    assert "вступает в силу с 01.09.2024" in text


def test_regulation_full_list_of_own_sections_and_rules():
    own = [{"heading": "Общие положения", "paragraphs": ["Текст."]}]
    text = render(
        "regulation",
        {"organisation": LYCEUM, "variant": "педагоги", "sections": own, "sections_full": True},
    )
    assert "1. Общие положения 1.1. Текст." in text
    assert "2. " not in text.split("ПОЛОЖЕНИЕ", 1)[1]
    assert "variant" in errors("regulation", {"organisation": LYCEUM, "variant": "все"})
    late = errors(
        "regulation",
        {
            "organisation": LYCEUM,
            "variant": "педагоги",
            "pedsovet": {"date": "05.09.2024", "number": "1"},
            "approved_by": {"date": "30.08.2024", "number": "77-од"},
        },
    )
    assert "позже даты приказа" in late["pedsovet"][0]


# ---------------------------------------------------------------- roadmap

ROADMAP_COLUMNS = "№ п/п Содержание Сроки Ожидаемый результат (вид документа) Показатели эффективности Ответственный"
ROADMAP_SECTIONS = [
    "1. Организационно-методическое сопровождение деятельности",
    "2. Программно-методическое сопровождение деятельности",
    "3. Аналитическое сопровождение деятельности, мониторинг",
    "4. Информационное сопровождение деятельности",
    "5. Управление реализацией целевой модели наставничества",
]


def test_roadmap_without_rows_offers_the_model_roadmap_with_people_filled_in():
    payload = {
        "organisation": LYCEUM,
        "period": "2025/2026 учебный год",
        "curator": MENTEE,
    }
    text = render("roadmap", payload)
    _in_order(text, ["ДОРОЖНАЯ КАРТА", ROADMAP_COLUMNS, *ROADMAP_SECTIONS])
    assert "в МАОУ «Лицей № 7» на 2025/2026 учебный год" in text
    assert "1.1 Формирование базы наставляемых" in text
    assert "Куратор Шибзухова М.Р." in text
    assert "Директор Королёв П.А." in text
    assert "{curator}" not in text and "{director}" not in text
    assert "УТВЕРЖДЕНА приказом МАОУ «Лицей № 7» от «___» ____________ 20___ г. № ____" in text


def test_roadmap_sample_rows_sections_and_registry_people():
    kind = catalog.get("roadmap")
    payload = sample("roadmap")
    payload["sections"][0]["rows"][0]["responsible"] = [{"id": 7}]
    people = {
        7: {
            "id": 7,
            "surname": "Шибзухова",
            "name": "Мадина",
            "patronymic": "Руслановна",
            "gender": "f",
            "position": "педагог-психолог",
        }
    }
    values = compose.build_context(
        kind, compose.validate(kind, payload), resolve=people.__getitem__
    )
    text = text_of(compose.render_docx(kind, values))
    _in_order(
        text,
        [
            ROADMAP_COLUMNS,
            "1. Организационно-методическое",
            "1.1 Формирование базы наставляемых",
            "10.09.2026",
            "Педагог-психолог Шибзухова М.Р., куратор Чернова Н.В.",
            "5. Управление",
        ],
    )
    assert "УТВЕРЖДЕНА приказом МБОУ «Обливская СОШ № 1» от 28.08.2026 № 112-од" in text
    assert "Методист" in text


def test_roadmap_deadline_before_approval_is_refused():
    payload = sample("roadmap")
    payload["sections"][1]["rows"][0]["deadline"] = "до 20.08.2026"
    message = errors("roadmap", payload)["sections"][0]
    assert (
        message
        == "Раздел 2, мероприятие 1: срок 20.08.2026 раньше даты утверждения дорожной карты 28.08.2026."
    )
    # As an annex the approving order's date counts.
    payload = sample("roadmap", approved_by=None)
    with pytest.raises(FieldErrors) as err:
        render("roadmap", payload, requisites=Requisites("12-од", dt.date(2026, 9, 20)))
    assert "срок 10.09.2026 раньше даты утверждения" in err.value.fields["sections"][0]
    row = {"content": "Мероприятие", "deadline": "май"}
    bad = sample("roadmap", sections=[{"title": "Раздел", "rows": [row]}])
    assert "Укажите ответственного" in str(errors("roadmap", bad))


def test_roadmap_head_grif_agrees_and_names_the_director():
    text = render("roadmap", sample("roadmap", approve_as="руководитель", approved_by=None))
    assert (
        "УТВЕРЖДАЮ Директор МБОУ «Обливская СОШ № 1» ____________ Е.В. Тарабанова «___» ____________ 20___ г."
        in text
    )
    assert "УТВЕРЖДЕНА" not in text


# ---------------------------------------------------------------- programme


def test_programme_has_its_sections_six_stages_and_two_monitoring_stages():
    text = render("programme", sample("programme"))
    _in_order(
        text,
        [
            "РАССМОТРЕНА на заседании педагогического совета протокол от 26.08.2026 № 1",
            "УТВЕРЖДЕНА приказом МБОУ «Обливская СОШ № 1» от 28.08.2026 № 112-од",
            "ПРОГРАММА наставничества «Вместе к успеху» МБОУ «Обливская СОШ № 1» на 2026/2027 учебный год",
            "1. Пояснительная записка",
            "2. Нормативная основа реализации программы",
            "распоряжение Министерства просвещения Российской Федерации от 25.12.2019 № Р-145",
            "Положение о наставничестве МБОУ «Обливская СОШ № 1», утверждённое приказом от 27.08.2026 № 108-од",
            "3. Цель и задачи программы",
            "4. Формы и ролевые модели наставничества",
            "Учитель – учитель",
            "6. Этапы реализации программы",
            "Этап 1. Подготовка условий для запуска программы",
            "Этап 2. Отбор и обучение наставников",
            "Этап 3. Формирование базы наставников",
            "Этап 4. Формирование базы наставляемых",
            "Этап 5. Организация работы наставнических пар (групп)",
            "Этап 6. Завершение программы",
            "7. Мониторинг реализации программы",
            "проводится в 2 этапа",
            "7.1. Оценка качества процесса реализации программы",
            "7.2. Оценка влияния программы на всех участников",
            "8. Ожидаемые результаты",
        ],
    )
    assert "Этап 7" not in text


def test_programme_for_teachers_cites_az1128_and_takes_own_tasks():
    payload = {
        "organisation": LYCEUM,
        "audience": "педагоги",
        "period": "2025/2026 учебный год",
        "tasks": ["закрепить молодых педагогов в профессии"],
        "approve_as": "руководитель",
    }
    text = render("programme", payload)
    assert "№ АЗ-1128/08" in text and "Р-145" not in text
    assert "Ученик – ученик" not in text and "Учитель – учитель" in text
    assert "— закрепить молодых педагогов в профессии." in text
    assert "охватывает педагогических работников" in text
    assert "УТВЕРЖДАЮ Директор МАОУ «Лицей № 7» ____________ П.А. Королёв" in text


# ---------------------------------------------------------------- personalised programme


def personal(**changes) -> dict:
    payload = sample("personal-programme", organisation=LYCEUM)
    payload["mentee"] = {"person": MENTEE, "experience": 1, "category": "без категории"}
    payload["mentor"] = {"person": MENTOR, "experience": 12, "category": "высшая"}
    payload["curator"] = {
        "surname": "Королёва",
        "name": "Анна",
        "patronymic": "Петровна",
        "position": "заместитель директора по учебно-воспитательной работе",
    }
    payload.update(changes)
    return payload


def test_personal_programme_names_participants_plan_and_signatures():
    text = render("personal-programme", personal())
    _in_order(
        text,
        [
            "УТВЕРЖДЕНА приказом МАОУ «Лицей № 7» от 01.10.2026 № 137-од",
            "ПЕРСОНАЛИЗИРОВАННАЯ ПРОГРАММА НАСТАВНИЧЕСТВА",
            "педагогического работника Шибзуховой Мадины Руслановны, учителя начальных классов",
            "на период с 01.10.2026 по 31.05.2027",
            "Наставник Эмирбеков Руслан Магомедович учитель начальных классов 12 лет высшая",
            "Наставляемый Шибзухова Мадина Руслановна учитель начальных классов 1 год без категории",
            "Куратор Королёва Анна Петровна заместитель директора по учебно-воспитательной работе",
            "Форма наставничества (ролевая модель): «учитель – учитель»",
            "5. План мероприятий",
            "№ Направление Мероприятие Форма работы Срок Результат Форма отчётности Отметка о выполнении",
            "1 Нормативно-правовая Изучение ФГОС ООО",
            "6 Самообразование Открытый урок",
            "Для наставляемого:",
            "Для наставника:",
            "Для образовательной организации:",
            "Наставник ____________ Р.М. Эмирбеков",
            "Наставляемый ____________ М.Р. Шибзухова",
            "Куратор ____________ А.П. Королёва",
        ],
    )


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("01.10.2024", "01.09.2024", "Дата окончания программы должна быть позже даты начала."),
        (
            "01.10.2024",
            "30.11.2024",
            "Срок персонализированной программы наставничества — не менее 3 месяцев.",
        ),
        (
            "01.10.2024",
            "01.12.2025",
            "Срок персонализированной программы наставничества — не более 1 года.",
        ),
    ],
)
def test_personal_programme_period_is_checked(start, end, message):
    assert errors("personal-programme", personal(start=start, end=end))["end"] == [message]


def test_personal_programme_period_bounds_and_pair_rules():
    compose.validate(
        catalog.get("personal-programme"), personal(start="01.10.2024", end="31.12.2024")
    )
    compose.validate(
        catalog.get("personal-programme"), personal(start="01.10.2024", end="01.10.2025")
    )
    same = personal(mentor={"person": MENTEE})
    assert errors("personal-programme", same)["mentee"] == [
        "Наставник и наставляемый — разные люди."
    ]
    alone = personal(mentor=None)
    assert "наставника" in errors("personal-programme", alone)["mentor"][0]


def test_personal_programme_takes_the_pair_from_the_registry(db):
    school = organisations.create_organisation(
        db,
        {
            "kind": "school",
            "full_name": LYCEUM["full_name"],
            "short_name": LYCEUM["short_name"],
            "head_position": "Директор",
            "head_surname": "Королёв",
            "head_name": "Пётр",
            "head_patronymic": "Алексеевич",
            "head_gender": "m",
        },
    )
    mentor = registry_people.add_person(
        db, school, {**MENTOR, "gender": "m", "category": "педагог", "experience_years": 15}
    )
    mentee = registry_people.add_person(
        db, school, {**MENTEE, "gender": "f", "category": "педагог", "experience_years": 0}
    )
    group = groups.create_group(
        db,
        school,
        form_code="teacher_teacher",
        mentor_id=mentor,
        mentee_ids=[mentee],
        start_date="2024-11-01",
        end_date="2025-06-30",
    )
    payload = personal(
        group_id=group,
        mentor=None,
        mentee={"person": {"id": mentee}, "category": "без категории"},
        start=None,
        end=None,
        form="",
    )
    kind = catalog.get("personal-programme")
    values = compose.build_context(
        kind,
        compose.validate(kind, payload),
        resolve=lambda pid: registry_people.get_person(db, pid),
        sources=compose.Sources(db=db, org_id=school),
    )
    text = text_of(compose.render_docx(kind, values))
    assert (
        "педагогического работника Шибзуховой Мадины Руслановны, учителя начальных классов" in text
    )
    assert "на период с 01.11.2024 по 30.06.2025" in text
    assert "Эмирбеков Руслан Магомедович учитель начальных классов 15 лет" in text
    assert (
        "Шибзухова Мадина Руслановна учитель начальных классов менее 1 года без категории" in text
    )
    assert "«учитель – учитель»" in text
    with pytest.raises(FieldErrors) as err:
        compose.build_context(
            kind,
            compose.validate(kind, payload),
            sources=compose.Sources(db=db, org_id=school + 100),
        )
    assert err.value.fields["group_id"] == ["Наставническая пара принадлежит другой организации."]
    without_registry = compose.validate(kind, payload)
    with pytest.raises(FieldErrors) as err:
        compose.build_context(kind, without_registry)
    assert "Реестр недоступен" in err.value.fields["group_id"][0]


@pytest.mark.parametrize("slug", ["regulation", "roadmap", "programme", "personal-programme"])
def test_pdf_carries_the_approval_grif(slug):
    kind = catalog.get(slug)
    values = compose.build_context(kind, compose.validate(kind, kind.sample()))
    pdf = docx_to_pdf(compose.render_docx(kind, values))
    text = Text(preview.normalize_text(pdf_text(pdf)))
    word = "УТВЕРЖДЕНО" if slug == "regulation" else "УТВЕРЖДЕНА"
    assert word in text
    assert "№ " in text
