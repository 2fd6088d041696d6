"""New kinds: the ст. 351.8 consent and supplementary agreement (also in bulk for the employee
mentors of a pairs order), the mentor's report with the share of activities done, and the
printable satisfaction questionnaires with the online survey's own items."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json
import zipfile

import pytest
from pdftext import docx_text, pdf_text
from registry_factory import department, person, school

from docgen.accounts import users
from docgen.documents import archive, bulk, compose
from docgen.documents import service as documents
from docgen.errors import FieldErrors
from docgen.kinds import catalog
from docgen.registry import groups, organisations
from docgen.registry import people as registry_people
from docgen.rendering.pdf import docx_to_pdf
from docgen.surveys import questionnaires

SLUGS = ("tk-consent", "tk-agreement", "mentor-report", "questionnaire")


def sample(slug: str, **changes) -> dict:
    return copy.deepcopy(catalog.get(slug).sample()) | changes


def render(slug: str, payload: dict, **kwargs) -> bytes:
    kind = catalog.get(slug)
    return compose.render_docx(
        kind, compose.build_context(kind, compose.validate(kind, payload), **kwargs)
    )


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def errors(slug: str, payload: dict) -> dict:
    with pytest.raises(FieldErrors) as err:
        compose.validate(catalog.get(slug), payload)
    return err.value.fields


@pytest.mark.parametrize("slug", SLUGS)
def test_sample_renders_to_docx_and_pdf_with_the_same_words(slug):
    docx = render(slug, sample(slug))
    words, printed = flat(docx_text(docx)), flat(pdf_text(docx_to_pdf(docx), docx))
    assert "{{" not in words and "{%" not in words
    for phrase in {
        "tk-consent": ["СОГЛАСИЕ", "на осуществление наставничества"],
        "tk-agreement": [
            "ДОПОЛНИТЕЛЬНОЕ СОГЛАШЕНИЕ № 1",
            "к трудовому договору от 29.08.2000 № 14",
        ],
        "mentor-report": ["ОТЧЁТ НАСТАВНИКА", "83,3 %"],
        "questionnaire": ["Анкета наставляемого по окончании программы наставничества"],
    }[slug]:
        assert phrase in words and phrase in printed


def test_agreement_states_content_term_form_payment_and_early_end():
    text = flat(docx_text(render("tk-agreement", sample("tk-agreement"))))
    assert "на основании статьи 351.8 Трудового кодекса Российской Федерации" in text
    assert "в лице директора Тарабановой Елены Викторовны, действующей на основании устава" in text
    assert "Петрова Елена Сергеевна, учитель математики, именуемая в дальнейшем «Работник»" in text
    assert (
        "осуществляет наставничество в отношении Ивановой Анастасии Андреевны, учителя информатики, "
        "наряду с работой" in text
    )
    assert "2.1. оказывать наставляемому помощь в профессиональной адаптации" in text
    assert "3. Форма наставничества: «учитель – учитель», вид наставничества — традиционное" in text
    assert "4. Срок наставничества: с 15.09.2026 по 31.05.2027." in text
    assert (
        "ежемесячная выплата в размере 2 500 (две тысячи пятьсот) рублей 00 копеек на срок "
        "наставничества" in text
    )
    assert (
        "Работодатель и Работник вправе досрочно прекратить выполнение Работником наставничества, "
        "предупредив об этом другую Сторону в письменной форме не позднее чем за 3 (три) рабочих "
        "дня" in text
    )
    assert "Директор ____________ Е.В. Тарабанова" in text
    assert "Экземпляр соглашения получила: ____________ Е.С. Петрова" in text
    assert "358.1" not in text


def test_agreement_payment_by_the_order_and_blank_contract():
    payload = sample("tk-agreement", pay_amount=None, contract=None, number="")
    payload["pay_order"] = {"date": "10.09.2026", "number": "37-од"}
    text = flat(docx_text(render("tk-agreement", payload)))
    assert "ДОПОЛНИТЕЛЬНОЕ СОГЛАШЕНИЕ № ____" in text
    assert "к трудовому договору от «___» ____________ 20___ г. № ______" in text
    assert (
        "выплата в размере и порядке, установленных приказом МБОУ «Обливская СОШ № 1» "
        "от 10.09.2026 № 37-од" in text
    )


def test_consent_names_the_employee_and_mentees_in_their_cases():
    text = flat(docx_text(render("tk-consent", sample("tk-consent"))))
    assert (
        "Директору МБОУ «Обливская СОШ № 1» Тарабановой Е.В. от Петровой Елены Сергеевны, учителя математики"
        in text
    )
    assert "Я, Петрова Елена Сергеевна, учитель математики, в соответствии со статьёй 351.8" in text
    assert (
        "в отношении Ивановой Анастасии Андреевны, учителя информатики, на период с 15.09.2026 по 31.05.2027"
        in text
    )
    assert "не позднее чем за 3 (три) рабочих дня" in text
    assert "14.09.2026 ____________ Е.С. Петрова" in text
    group = sample(
        "tk-consent",
        employee={
            "surname": "Шибзухов",
            "name": "Руслан",
            "patronymic": "Хасанович",
            "position": "учитель физической культуры",
        },
        mentees=[
            {
                "surname": "Данилов",
                "name": "Артём",
                "patronymic": "Игоревич",
                "position": "учитель физической культуры",
            },
            {
                "surname": "Кузьмина",
                "name": "Дарья",
                "patronymic": "Олеговна",
                "position": "педагог-психолог",
            },
        ],
    )
    text = flat(docx_text(render("tk-consent", group)))
    assert "от Шибзухова Руслана Хасановича, учителя физической культуры" in text
    assert "Я, Шибзухов Руслан Хасанович, учитель физической культуры," in text
    assert (
        "в отношении Данилова Артёма Игоревича, учителя физической культуры, и Кузьминой Дарьи "
        "Олеговны, педагога-психолога, на период" in text
    )


def test_signing_dates_follow_article_351_8():
    early = errors("tk-agreement", sample("tk-agreement", date="28.02.2025"))
    assert "действует с 01.03.2025" in early["date"][0]
    late = errors("tk-consent", sample("tk-consent", date="16.09.2026"))
    assert late["date"] == ["Подписывается до начала наставничества: не позднее 15.09.2026."]
    nobody = errors("tk-consent", sample("tk-consent", mentees=[]))
    assert "наставляемых" in nobody["mentees"][0]
    short = errors("tk-agreement", sample("tk-agreement", notice_days=2))
    assert "Не менее 3 рабочих дней" in short["notice_days"][0]


def marked(done: list[bool]) -> dict:
    payload = sample("mentor-report")
    payload["programme"]["plan"] = payload["programme"]["plan"][: len(done)]
    payload["marks"] = [{"n": n, "done": d, "comment": ""} for n, d in enumerate(done, start=1)]
    return payload


def test_report_counts_the_share_of_activities_done():
    docx = render("mentor-report", marked([True, True, False, True]))
    text = flat(docx_text(docx))
    assert (
        "Выполнено 3 мероприятия из 4 запланированных: доля выполненных мероприятий плана — 75 %."
        in text
    )
    assert "75 %" in flat(pdf_text(docx_to_pdf(docx), docx))
    assert (
        "4. Посещение уроков наставляемого наставником, обратная связь январь – март 2027 выполнено"
        in text
    )
    assert "Наставник: Петрова Елена Сергеевна, учитель математики." in text
    assert "Наставляемая: Иванова Анастасия Андреевна, учитель информатики." in text
    assert "С отчётом ознакомлена, наставляемая ____________ А.А. Иванова" in text
    assert "Программа реализована частично." in text
    assert "Куратор ____________ Н.В. Чернова" in text
    one = flat(docx_text(render("mentor-report", marked([True]))))
    assert (
        "Выполнено 1 мероприятие из 1 запланированного: доля выполненных мероприятий плана — 100 %."
        in one
    )
    sample_text = flat(docx_text(render("mentor-report", sample("mentor-report"))))
    assert "Выполнено 5 мероприятий из 6 запланированных" in sample_text


def test_report_needs_a_mark_for_every_planned_activity():
    payload = marked([True, False, True])
    payload["marks"] = payload["marks"][:2]
    assert errors("mentor-report", payload)["marks"] == ["Отметьте выполнение мероприятий № 3."]
    payload = sample("mentor-report", programme=None)
    assert "программу" in errors("mentor-report", payload)["programme_id"][0]


@pytest.mark.parametrize(
    ("audience", "stage"),
    [(a, s) for a in questionnaires.AUDIENCES for s in questionnaires.STAGES],
)
def test_questionnaire_prints_the_online_survey_items(audience, stage):
    payload = sample(
        "questionnaire",
        audience=questionnaires.AUDIENCES[audience],
        stage=questionnaires.STAGES[stage],
        extra_items=["Насколько удобным было расписание встреч?", "! Что ещё вы хотите сказать?"],
    )
    online = questionnaires.get(audience, stage)
    extra = questionnaires.extra_items(payload["extra_items"])
    items = questionnaires.items_of(online, extra)
    docx = render("questionnaire", payload)
    lines = [flat(line) for line in docx_text(docx).splitlines()]
    printed = [line.split(". ", 1)[1] for line in lines if line[:1].isdigit() and ". " in line]
    assert printed == [item.text for item in items]
    assert online.title in lines
    scored = sum(item.kind == "score" for item in items)
    assert lines.count("1 2 3 4 5 6 7 8 9 10") == scored
    for item in items:
        if item.kind == "choice":
            assert " ".join(f"□ {o}" for o in item.options) in lines
    assert "Что ещё вы хотите сказать?" in flat(pdf_text(docx_to_pdf(docx), docx))


# ---------------------------------------------------------------- registry and bulk


@pytest.fixture
def registry(db):
    org_id = school(db, department(db))
    user = users.get_user(
        db, users.create_user(db, "director1", "nastavnik2024", "director", org_id, "Кудаков А.М.")
    )
    petrova = person(db, org_id, "Петрова", "Елена", "Сергеевна", position="учитель математики")
    ivanova = person(db, org_id, "Иванова", "Анна", "Андреевна", position="учитель математики")
    danilov = person(db, org_id, "Данилов", "Артём", "Игоревич", position="учитель истории")
    belyaeva = person(
        db, org_id, "Беляева", "Ольга", "Николаевна", position="учитель русского языка"
    )
    pupil = person(
        db,
        org_id,
        "Сидоренко",
        "Максим",
        "Павлович",
        position="7 «Б» класс",
        category="обучающийся",
        birth_date="2012-04-02",
    )
    pupil2 = person(
        db,
        org_id,
        "Орлов",
        "Иван",
        "Петрович",
        position="9 «А» класс",
        category="обучающийся",
        birth_date="2010-02-11",
    )
    pupil3 = person(
        db,
        org_id,
        "Котов",
        "Илья",
        "Сергеевич",
        position="5 «А» класс",
        category="обучающийся",
        birth_date="2014-01-20",
    )
    period = {"start_date": "2025-03-03", "end_date": "2025-05-30"}
    pairs = [
        groups.create_group(
            db,
            org_id,
            form_code="teacher_teacher",
            mentor_id=petrova,
            mentee_ids=[ivanova],
            **period,
        ),
        groups.create_group(
            db,
            org_id,
            form_code="teacher_teacher",
            mentor_id=petrova,
            mentee_ids=[danilov],
            **period,
        ),
        groups.create_group(
            db,
            org_id,
            form_code="teacher_student",
            mentor_id=belyaeva,
            mentee_ids=[pupil],
            **period,
        ),
        groups.create_group(
            db, org_id, form_code="student_student", mentor_id=pupil2, mentee_ids=[pupil3], **period
        ),
    ]
    return {
        "db": db,
        "org_id": org_id,
        "user": user,
        "pairs": pairs,
        "petrova": petrova,
        "belyaeva": belyaeva,
    }


def resolver(db):
    return lambda pid: registry_people.get_person(db, pid)


def test_agreement_from_registry_pairs_names_every_mentee(registry):
    db, org_id = registry["db"], registry["org_id"]
    payload = sample("tk-agreement", mentees=[], start=None, end=None, form="")
    payload["employee"] = {"id": registry["petrova"]}
    payload["groups"] = registry["pairs"][:2]
    payload["date"] = "01.03.2025"  # the registry's pairs start on 03.03.2025
    sources = compose.Sources(db, org_id, dt.date(2025, 3, 1))
    text = flat(docx_text(render("tk-agreement", payload, resolve=resolver(db), sources=sources)))
    assert (
        "в отношении Ивановой Анны Андреевны, учителя математики, и Данилова Артёма Игоревича, "
        "учителя истории, наряду" in text
    )
    assert "4. Срок наставничества: с 03.03.2025 по 30.05.2025." in text
    payload["groups"] = [registry["pairs"][2]]
    with pytest.raises(FieldErrors) as err:
        render("tk-agreement", payload, resolve=resolver(db), sources=sources)
    assert "не наставник пары" in err.value.fields["groups"][0]


def test_bulk_makes_one_agreement_per_employee_mentor(registry):
    db, org_id, user = registry["db"], registry["org_id"], registry["user"]
    on = dt.date(2025, 3, 1)
    kind = catalog.get("tk-agreement")
    action = bulk.ACTIONS["tk-agreements"]
    assert action.kind == "tk-agreement"
    items = action.items(db, org_id, on, action.common({}, kind.sample()))
    assert sorted(item["employee"]["id"] for item in items) == sorted(
        [registry["petrova"], registry["belyaeva"]]
    )
    result = bulk.generate(db, user, "tk-agreement", items, on=on, org_id=org_id, pdf=False)
    assert result.count == 2 and result.errors == []
    with zipfile.ZipFile(io.BytesIO(archive.get_file(db, result.zip_sha256))) as package:
        texts = [flat(docx_text(package.read(name))) for name in sorted(package.namelist())]
    petrova = next(t for t in texts if "Петрова Елена Сергеевна" in t)
    assert "Ивановой Анны Андреевны" in petrova and "Данилова Артёма Игоревича" in petrova
    assert "Сидоренко" not in petrova
    assert all("в размере ______________ рублей" in t for t in texts)
    consents = bulk.ACTIONS["tk-consents"]
    assert len(consents.items(db, org_id, on, consents.common({}, {}))) == 2


def test_bulk_for_a_pairs_order_takes_its_pairs_and_payment(registry):
    db, org_id, user = registry["db"], registry["org_id"], registry["user"]
    order_input = {**catalog.get("pairs-order").sample(), "pay_amount": "3000"}
    order = documents.create(db, user, "pairs-order", order_input, org_id)
    registered = documents.register(db, user, order["id"], dt.date(2025, 2, 28))
    number = registered["number"]
    for group_id in registry["pairs"][:2]:
        groups.set_group_order(db, group_id, order["id"])
    action = bulk.ACTIONS["tk-agreements"]
    items = action.items(
        db, org_id, dt.date(2025, 3, 1), action.common({"order_id": str(order["id"])}, {})
    )
    assert [item["employee"]["id"] for item in items] == [registry["petrova"]]
    assert items[0]["pay_amount"] == "3000"
    assert items[0]["pay_order"] == {"date": "2025-02-28", "number": number}
    sources = compose.Sources(db, org_id, dt.date(2025, 3, 1))
    organisation = organisations.get_organisation(db, org_id)
    text = flat(
        docx_text(
            render(
                "tk-agreement",
                items[0],
                organisation=organisation,
                resolve=resolver(db),
                sources=sources,
            )
        )
    )
    assert (
        "ежемесячная выплата в размере 3 000 (три тысячи) рублей 00 копеек в соответствии "
        f"с приказом МБОУ «СОШ № 1» от 28.02.2025 № {number}" in text
    )


def test_report_reads_the_programme_from_the_archive(registry):
    db, org_id, user = registry["db"], registry["org_id"], registry["user"]
    programme = catalog.get("personal-programme").sample()
    programme = {
        **programme,
        "group_id": registry["pairs"][0],
        "mentor": None,
        "mentee": None,
        "start": None,
        "end": None,
    }
    document = archive.create_document(
        db,
        org_id=org_id,
        kind="personal-programme",
        title="ППН",
        user_id=user["id"],
        input=json.loads(json.dumps(programme)),
        docx=b"PK",
    )
    payload = sample("mentor-report", programme=None, programme_id=document["id"])
    payload["marks"] = [{"n": n, "done": n != 2, "comment": ""} for n in range(1, 7)]
    sources = compose.Sources(db, org_id, dt.date(2025, 5, 26))
    text = flat(docx_text(render("mentor-report", payload, resolve=resolver(db), sources=sources)))
    assert "Наставник: Петрова Елена Сергеевна, учитель математики." in text
    assert "на период с 03.03.2025 по 30.05.2025" in text
    assert "Выполнено 5 мероприятий из 6 запланированных" in text
    assert "2. Посещение и анализ уроков наставника октябрь – ноябрь 2026 не выполнено" in text
    with pytest.raises(FieldErrors) as err:
        render("mentor-report", payload, sources=compose.Sources(db, org_id + 1, None))
    assert "не найдена" in err.value.fields["programme_id"][0]
