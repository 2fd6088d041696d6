"""The municipal programme, the Положение о Совете наставников and the protocol: the text a
reader checks, in the DOCX and the PDF; a registered protocol cited by its archive number."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from pdftext import docx_text, pdf_text

from docgen import demo
from docgen.accounts import users
from docgen.documents import compose
from docgen.documents import service as documents
from docgen.errors import Conflict, FieldErrors
from docgen.kinds import catalog
from docgen.rendering import html as preview
from docgen.rendering.context import Requisites
from docgen.rendering.pdf import docx_to_pdf

SEED_002_SECTIONS = [
    "1. Общие положения",
    "2. Актуальность внедрения целевой программы наставничества",
    "3. Цели и задачи внедрения целевой программы наставничества",
    "4. Общие принципы внедрения целевой модели наставничества",
    "5. Этапы и модели реализации целевой программы наставничества",
    "6. Направления деятельности, обеспечивающие реализацию целевой программы наставничества "
    "в соответствии с уровнем структуры управления",
    "7. Планируемые результаты реализации программы наставничества",
    "8. Мониторинг и оценка результатов реализации целевой программы наставничества",
]


class Text(str):
    """Document text compared the way preview compares it (whitespace and dashes normalised)."""

    def __contains__(self, part: object) -> bool:
        return str.__contains__(self, preview.normalize_text(str(part)))


def read(text: str) -> Text:
    return Text(preview.normalize_text(text))


def sample(slug: str, **changes) -> dict:
    payload = copy.deepcopy(catalog.get(slug).sample())
    payload.update(changes)
    return payload


def render(slug: str, payload: dict | None = None, **kwargs) -> bytes:
    kind = catalog.get(slug)
    data = compose.validate(kind, sample(slug) if payload is None else payload)
    return compose.render_docx(kind, compose.build_context(kind, data, **kwargs))


def both(docx: bytes) -> list[str]:
    """The DOCX text and the PDF text, normalised alike: a reader sees each."""
    return [read(docx_text(docx)), read(pdf_text(docx_to_pdf(docx), docx))]


# ---------------------------------------------------------------- municipal programme


def test_municipal_programme_has_the_sections_of_seed_002_in_order():
    # approved the day before the Концепция 2030 (21.05.2025), so that act must not be cited
    payload = sample("municipal-programme", approved_by={"date": "20.05.2025", "number": "243"})
    for text in both(render("municipal-programme", payload)):
        positions = [text.find(preview.normalize_text(h)) for h in SEED_002_SECTIONS]
        assert -1 not in positions, [
            h for h, p in zip(SEED_002_SECTIONS, positions, strict=True) if p < 0
        ]
        assert positions == sorted(positions)
        assert "МУНИЦИПАЛЬНАЯ ЦЕЛЕВАЯ ПРОГРАММА НАСТАВНИЧЕСТВА" in text
        assert "УТВЕРЖДЕНА" in text and "от 20.05.2025 № 243" in text
        assert "Отдел образования Администрации Обливского района" in text
        assert "МОУ «Заречная СОШ»" in text
        # an act issued after the approval is not cited (Концепция 2030 is of 21.05.2025)
        assert "1264-р" not in text


def test_municipal_programme_section_edited_and_schools_from_the_registry(db):
    from registry_factory import department, school

    dept = department(db)
    school(db, dept, "МБОУ «Солонецкая СОШ»")
    payload = sample(
        "municipal-programme",
        schools=[],
        sections=[{"number": 2, "paragraphs": ["Наш район — сельский; молодых педагогов мало."]}],
    )
    docx = render("municipal-programme", payload, sources=compose.Sources(db, dept, None))
    text = read(docx_text(docx))
    assert "2.1. Наш район — сельский; молодых педагогов мало." in text
    assert "МБОУ «Солонецкая СОШ»" in text
    assert "Заречная" not in text


# ---------------------------------------------------------------- council regulation


def test_council_regulation_school_level():
    for text in both(render("council-regulation")):
        assert "ПОЛОЖЕНИЕ" in text and "о Совете наставников МБОУ «Обливская СОШ № 1»" in text
        assert "ПРИНЯТО" in text and "протокол от 26.08.2026 № 1" in text
        assert "УТВЕРЖДЕНО" in text and "от 04.09.2026 № 124-од" in text
        assert "не реже одного раза в четверть" in text


def test_council_regulation_municipal_level():
    payload = sample("municipal-programme", area="Обливский район")  # the department's requisites
    payload = {
        "organisation": payload["organisation"],
        "level": "муниципальный",
        "area": "Обливский район",
    }
    text = read(docx_text(render("council-regulation", payload)))
    assert "о муниципальном Совете педагогов-наставников Обливского района" in text
    assert "не реже одного раза в полугодие" in text
    with pytest.raises(FieldErrors) as err:
        compose.validate(catalog.get("council-regulation"), {**payload, "area": ""})
    assert "area" in err.value.fields


# ---------------------------------------------------------------- protocol


def test_protocol_heard_speakers_in_the_accusative():
    for text in both(render("protocol")):
        assert "ПРОТОКОЛ" in text and "заседания Совета наставников" in text
        assert "Председатель — Чернова Н.В." in text and "Секретарь — Кох А.П." in text
        assert "Присутствовали: 4 чел. (из 4)" in text
        # a woman and a man after «СЛУШАЛИ:», each with the position in the accusative
        assert (
            "СЛУШАЛИ: Чернову Н.В., заместителя директора по учебно-воспитательной работе" in text
        )
        assert "СЛУШАЛИ: Эмирбекова М.Р., учителя физики" in text
        # «ВЫСТУПИЛИ:» keeps the nominative
        assert "Петрова Е.С., учитель математики, — предложила" in text
        assert "ПОСТАНОВИЛИ:" in text
        assert "«за» — 3, «против» — 0, «воздержались» — 1" in text
        assert "Н.В. Чернова" in text and "А.П. Кох" in text


def test_protocol_present_as_a_list():
    payload = sample("protocol", present=None, members_total=None)
    payload["present_list"] = [
        {"surname": "Чернова", "name": "Наталья", "patronymic": "Викторовна"},
        {"surname": "Шибзухов", "name": "Руслан", "patronymic": "Хасанович"},
    ]
    for item in payload["agenda"]:
        item.update(votes_for=None, votes_against=None, votes_abstained=None)
    text = read(docx_text(render("protocol", payload)))
    assert "Присутствовали: 2 чел.:" in text and "2. Шибзухов Р.Х." in text
    assert "Голосовали" not in text


def test_votes_that_do_not_add_up_are_a_field_error():
    payload = sample("protocol")
    payload["agenda"][1]["votes_for"] = 2  # 2 + 0 + 1 of 4 present
    with pytest.raises(FieldErrors) as err:
        compose.validate(catalog.get("protocol"), payload)
    message = err.value.fields["agenda"][1]["votes_for"][0]
    assert "присутствовали 4" in message
    payload["agenda"][1]["votes_against"] = None
    with pytest.raises(FieldErrors) as err:
        compose.validate(catalog.get("protocol"), payload)
    assert "votes_against" in err.value.fields["agenda"][1]


def test_registered_protocol_fills_number_and_date():
    text = read(docx_text(render("protocol", requisites=Requisites("3", dt.date(2024, 9, 18)))))
    assert "18.09.2024 № 3" in text


# ---------------------------------------------------------------- protocol from the archive


@pytest.fixture
def director(db):
    demo.seed(db)
    return db, next(u for u in users.list_users(db) if u["login"] == "director")


def _payload(slug: str, **changes) -> dict:
    payload = sample(slug, **changes)
    payload.pop("organisation", None)
    return payload


def test_regulation_cites_a_registered_protocol_by_its_archive_number(director, today):
    db, user = director
    protocol = documents.create(
        db,
        user,
        "protocol",
        _payload("protocol", body="педагогический совет", date=today.isoformat()),
        user["org_id"],
    )
    # a draft is no basis yet
    draft_ref = _payload("regulation", pedsovet={"protocol_id": protocol["id"]}, approved_by=None)
    with pytest.raises(FieldErrors) as err:
        documents.create(db, user, "regulation", draft_ref, user["org_id"])
    assert "pedsovet.protocol_id" in err.value.fields

    registered = documents.register(db, user, protocol["id"], today)
    regulation = documents.create(db, user, "regulation", draft_ref, user["org_id"])
    docx, _, _ = documents.download(db, user, regulation["id"], None, "docx")
    pdf, _, _ = documents.download(db, user, regulation["id"], None, "pdf")
    cited = f"протокол от {today:%d.%m.%Y} № {registered['number']}"
    for text in (docx_text(docx), pdf_text(pdf, docx)):
        assert cited in read(text)

    # the award order takes the same protocol instead of a typed date and number
    award = _payload("award-order", protocol={"protocol_id": protocol["id"]})
    order = documents.create(db, user, "award-order", award, user["org_id"])
    docx, _, _ = documents.download(db, user, order["id"], None, "docx")
    assert f"(протокол от {today:%d.%m.%Y} № {registered['number']})" in read(docx_text(docx))


def test_protocol_of_another_organisation_is_refused(director, today):
    db, user = director
    other = next(u for u in users.list_users(db) if u["login"] == "director2")
    protocol = documents.create(
        db, other, "protocol", _payload("protocol", date=today.isoformat()), other["org_id"]
    )
    documents.register(db, other, protocol["id"], today)
    payload = _payload("regulation", pedsovet={"protocol_id": protocol["id"]}, approved_by=None)
    with pytest.raises(FieldErrors):
        documents.create(db, user, "regulation", payload, user["org_id"])


def test_protocol_is_registered_on_its_meeting_day(director, today):
    db, user = director
    protocol = documents.create(
        db, user, "protocol", _payload("protocol", date="18.09.2024"), user["org_id"]
    )
    with pytest.raises(Conflict) as err:
        documents.register(db, user, protocol["id"], today)
    assert "18.09.2024" in err.value.message
