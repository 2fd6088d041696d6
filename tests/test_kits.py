"""Kits: an order that approves documents carries them in full and freezes them with itself."""

from __future__ import annotations

import copy
import io

import pytest
from docx.oxml.ns import qn
from pdftext import docx_text, pdf_text
from pypdf import PdfReader
from webfixtures import login

from docgen import demo
from docgen.accounts import users
from docgen.documents import archive, compose, typed_tables
from docgen.documents import service as documents
from docgen.errors import Conflict, FieldErrors
from docgen.kinds import catalog

pytest_plugins = ["apifixtures"]

APPROVED = "Документ утверждён приказом № {number} от {date}; изменить его можно только через изменение приказа."


def sample(slug: str, drop: tuple[str, ...] = ("organisation",)) -> dict:
    payload = copy.deepcopy(catalog.get(slug).sample())
    for name in drop:
        payload.pop(name, None)
    return payload


def order_with(*entries: dict) -> dict:
    payload = sample("approval-order")
    payload["documents"] = list(entries)
    return payload


@pytest.fixture
def director(db):
    demo.seed(db)
    return db, next(u for u in users.list_users(db) if u["login"] == "director")


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def body_lines(docx: bytes) -> list[str]:
    """The Положение's text from its title on: what the order must carry whole."""
    lines = [line.strip() for line in docx_text(docx).split("\n") if line.strip()]
    return lines[lines.index("ПОЛОЖЕНИЕ") :]


def test_registered_order_carries_the_regulation_and_freezes_it(director, today):
    db, user = director
    regulation = documents.create(db, user, "regulation", sample("regulation"), user["org_id"])
    own, _, _ = documents.download(db, user, regulation["id"], None, "docx")
    order = documents.create(
        db, user, "approval-order", order_with({"document_id": regulation["id"]}), user["org_id"]
    )
    info = documents.register(db, user, order["id"], today)
    number, date = info["number"], today.strftime("%d.%m.%Y")

    docx, _, _ = documents.download(db, user, order["id"], None, "docx")
    text = docx_text(docx).replace("\u00a0", " ")
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    # the order names the annex by its real title, then the whole Положение follows it
    assert "1. Утвердить Положение о системе (целевой модели) наставничества педагогических " \
        "работников в МБОУ «Обливская СОШ № 1» (приложение)." in lines  # fmt: skip
    after = lines[lines.index("ПРИКАЗЫВАЮ:") :]
    whole = [line.replace("\u00a0", " ") for line in body_lines(own)]
    start = after.index("ПОЛОЖЕНИЕ")
    assert after[start : start + len(whole)] == whole
    # the annex mark and the grif carry the order's number and date
    assert f"Приложение\nк приказу МБОУ «Обливская СОШ № 1»\nот {date} № {number}" in text
    assert f"УТВЕРЖДЕНО\nприказом МБОУ «Обливская СОШ № 1»\nот {date} № {number}" in text
    pdf, _, _ = documents.download(db, user, order["id"], None, "pdf")
    pdf_lines = pdf_text(pdf, docx)
    assert f"от {date} № {number}" in pdf_lines and "1. Общие положения" in pdf_lines
    assert pdf_lines.index("1. Общие положения") > pdf_lines.index("ПРИКАЗЫВАЮ:")

    # the Положение is registered with the order and refuses new versions and revisions
    frozen = archive.get_document(db, regulation["id"])
    assert (frozen["status"], frozen["number"], frozen["reg_date"]) == (
        "registered",
        number,
        today.isoformat(),
    )
    message = APPROVED.format(number=number, date=date)
    with pytest.raises(Conflict) as refused:
        documents.update(db, user, regulation["id"], sample("regulation"))
    assert refused.value.message == message
    with pytest.raises(Conflict, match="только через изменение приказа"):
        documents.revise(db, user, regulation["id"])
    annex_docx, _, _ = documents.download(db, user, regulation["id"], None, "docx")
    assert f"от {date} № {number}" in docx_text(annex_docx).replace("\u00a0", " ")


def test_the_approval_trail_is_the_same_in_the_order_and_the_annex(director):
    db, user = director
    given = sample("regulation")
    given["pedsovet"] = {"date": "20.08.2024", "number": "9"}
    regulation = documents.create(db, user, "regulation", given, user["org_id"])
    payload = order_with({"document_id": regulation["id"]})
    payload["pedsovet"] = {"date": "29.08.2024", "number": "1"}
    order = documents.create(db, user, "approval-order", payload, user["org_id"])
    docx, _, _ = documents.download(db, user, order["id"], None, "docx")
    text = docx_text(docx).replace("\u00a0", " ")
    assert "педагогического совета (протокол от 29.08.2024 № 1)" in text
    assert "протокол от 29.08.2024 № 1" in text.split("ПОЛОЖЕНИЕ")[0].split("ПРИНЯТО")[1]
    assert "20.08.2024" not in text


def test_a_typed_annex_and_an_archive_annex_keep_their_numbers(director):
    db, user = director
    regulation = documents.create(db, user, "regulation", sample("regulation"), user["org_id"])
    payload = order_with(
        {"title": "Правила внутреннего распорядка наставнических пар", "body": "Текст правил."},
        {"document_id": regulation["id"]},
    )
    order = documents.create(db, user, "approval-order", payload, user["org_id"])
    docx, _, _ = documents.download(db, user, order["id"], None, "docx")
    text = docx_text(docx).replace("\u00a0", " ")
    assert text.index("Приложение 1\n") < text.index("Текст правил.") < text.index("Приложение 2\n")
    assert "(приложение 2)" in text and "ПОЛОЖЕНИЕ" in text.split("Приложение 2\n")[1]


ROADMAP = (
    "Сроки указаны на 2026/2027 учебный год.\n"
    "№\tМероприятие\tСрок\tОтветственный\n"
    "1. Организационный этап\t\t\t\n"
    "1.1.\tФормирование базы наставников и наставляемых\tдо 10.09.2026\tКуратор Чернова Н.В.\n"
    "1.2.\tОформление согласий на обработку персональных данных\tдо 30.10.2026\tКуратор\n"
    "\n"
    "Директор\tТарабанова Е.В.\n"
    "\tАбзац с отступом."
)


def test_a_typed_annex_prints_its_tab_separated_lines_as_a_table(director):
    """A table copied from Word or Excel into the annex's text (cells apart by tabs) prints as
    a table: its first line the header repeated on each page, a line with text in its first
    cell only a heading across the table; a lone line with a tab and an indent stay text."""
    from docx import Document

    db, user = director
    payload = sample("implementation-order")
    payload["annexes"] = [{"title": "Дорожная карта внедрения", "body": ROADMAP}]
    order = documents.create(db, user, "implementation-order", payload, user["org_id"])
    docx, _, _ = documents.download(db, user, order["id"], None, "docx")
    printed = Document(io.BytesIO(docx))
    roadmap = printed.tables[-1]
    rows = [[cell.text for cell in row.cells] for row in roadmap.rows]
    assert rows[0] == ["№", "Мероприятие", "Срок", "Ответственный"]
    assert rows[1] == ["1. Организационный этап"] * 4  # one cell across the row
    assert rows[2] == [
        "1.1.", "Формирование базы наставников и наставляемых", "до 10.09.2026",
        "Куратор Чернова Н.В.",
    ]  # fmt: skip
    assert rows[3][3] == "Куратор" and len(rows) == 4
    assert roadmap.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert roadmap.rows[1].cells[0].paragraphs[0].runs[0].bold
    widths = [col.w.cm for col in roadmap._tbl.tblGrid.gridCol_lst]
    assert widths[1] == max(widths) and widths[0] == min(widths)  # by how much each holds
    paragraphs = [p.text for p in printed.paragraphs]
    assert "Сроки указаны на 2026/2027 учебный год." in paragraphs
    assert "Директор\tТарабанова Е.В." in paragraphs and "Абзац с отступом." in paragraphs
    pdf, _, _ = documents.download(db, user, order["id"], None, "pdf")
    page = next(p for p in pdf_pages(pdf) if "Мероприятие" in p)
    assert "Оформление согласий на обработку персональных данных" in " ".join(page.split())


def test_typed_table_columns_fit_their_longest_word_and_the_page():
    """Every column is as wide as its longest word (bold in the header), a word may break only
    after a hyphen, and the columns fill the text width; many columns print smaller."""
    rows = [
        ["№", "Мероприятие", "Ответственный"],
        ["1.1.", "Разработка программно-методических материалов для всех форм", "Методист"],
        ["1.2.", "Диагностика", "Куратор Чернова Н.В."],
    ]
    widths = typed_tables.column_widths(rows, 16.5)
    assert abs(sum(widths) - 16.5) < 1e-9
    char = 0.5 * 2.54 / 72 * 12
    assert widths[2] >= 0.4 + 1.12 * char * len("Ответственный")
    assert widths[1] >= 0.4 + char * len("методических")
    assert widths[1] > widths[2] > widths[0]
    assert typed_tables.font_size(rows) == 12
    assert typed_tables.font_size([["а"] * 6, ["б"] * 6]) == 10


def test_the_api_creates_an_inline_annex_in_the_same_request(api, demo_ids):
    director = api("director")
    payload = order_with({"kind": "regulation", "input": sample("regulation")})
    created = director.post(
        "/api/documents",
        json={"org_id": demo_ids["school1"], "kind": "approval-order", "input": payload},
    )
    assert created.status_code == 201, created.json
    listed = director.get(f"/api/documents?org_id={demo_ids['school1']}&kind=regulation").json
    assert len(listed) == 1 and listed[0]["status"] == "draft"
    stored = director.get(f"/api/documents/{created.json['id']}").json
    assert stored["versions"][0]["input"]["documents"] == [{"document_id": listed[0]["id"]}]
    registered = director.post(f"/api/documents/{created.json['id']}/register", json={})
    assert registered.status_code == 200, registered.json
    refused = director.post(
        f"/api/documents/{listed[0]['id']}/versions", json={"input": sample("regulation")}
    )
    assert refused.status_code == 409
    assert "только через изменение приказа" in refused.json["error"]

    bad = director.post(
        "/api/documents",
        json={
            "org_id": demo_ids["school1"],
            "kind": "approval-order",
            "input": order_with({"kind": "consent", "input": {}}),
        },
    )
    assert bad.status_code == 422 and "documents.0.kind" in bad.json["fields"]
    # nothing of the refused request stays: no second regulation, no order
    assert len(director.get(f"/api/documents?org_id={demo_ids['school1']}").json) == 2


def test_an_inline_annex_with_wrong_fields_names_them(api, demo_ids):
    given = sample("regulation")
    given["variant"] = "никто"
    response = api("director").post(
        "/api/documents",
        json={
            "org_id": demo_ids["school1"],
            "kind": "approval-order",
            "input": order_with({"kind": "regulation", "input": given}),
        },
    )
    assert response.status_code == 422
    assert "documents.0.input.variant" in response.json["fields"]


def test_a_wrong_annex_id_is_refused_naming_the_field(api, demo_ids):
    director, other = api("director"), api("director2")
    school1, school2 = demo_ids["school1"], demo_ids["school2"]

    def create(client, org_id, slug, payload):
        response = client.post(
            "/api/documents", json={"org_id": org_id, "kind": slug, "input": payload}
        )
        assert response.status_code == 201, response.json
        return response.json["id"]

    foreign = create(other, school2, "regulation", sample("regulation"))
    curator_order = create(director, school1, "curator-order", sample("curator-order"))
    registered = create(director, school1, "award-order", sample("award-order"))
    assert director.post(f"/api/documents/{registered}/register", json={}).status_code == 200
    cases = {
        foreign: "нет документа",
        curator_order: "не может быть приложением",
        registered: "не может быть приложением",
        10**30: "Слишком большое число",
        2**63 - 1: "нет документа",
    }
    for document_id, reason in cases.items():
        response = director.post(
            "/api/documents",
            json={
                "org_id": school1,
                "kind": "approval-order",
                "input": order_with({"document_id": document_id}),
            },
        )
        assert response.status_code == 422, (document_id, response.json)
        assert reason in " ".join(response.json["fields"]["documents.0.document_id"])


def test_a_registered_fitting_document_is_refused(director, today):
    db, user = director
    regulation = documents.create(db, user, "regulation", sample("regulation"), user["org_id"])
    first = documents.create(
        db, user, "approval-order", order_with({"document_id": regulation["id"]}), user["org_id"]
    )
    documents.register(db, user, first["id"], today)
    with pytest.raises(FieldErrors) as refused:
        documents.create(
            db,
            user,
            "approval-order",
            order_with({"document_id": regulation["id"]}),
            user["org_id"],
        )
    assert list(refused.value.fields["documents"][0]) == ["document_id"]
    assert "Документ утверждён приказом № " in refused.value.message


def test_the_page_offers_drafts_by_title_and_no_number_input(client, today):
    login(client, "director")
    page = client.get("/documents/new/regulation")
    assert page.status_code == 200
    form = client.get("/documents/new/approval-order?annex=1").get_data(as_text=True)
    assert '<select id="f-documents-0-document_id" name="documents.0.document_id"' in form
    assert 'type="text" id="f-documents-0-document_id"' not in form
    assert "Создать и вернуться" in form
    assert "documents.0.kind" not in form and "documents.0.input" not in form


def test_create_and_return_selects_the_new_draft(client, today):
    login(client, "director")
    form = client.get("/documents/new/regulation?back=/documents/new/approval-order")
    token = form.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    saved = client.post(
        "/documents/new/regulation?back=/documents/new/approval-order",
        data={"csrf_token": token, "action": "save", "variant": "педагоги"},
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)[:500]
    assert saved.headers["Location"].startswith("/documents/new/approval-order?annex=")
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    selected = page.split('name="documents.0.document_id"')[1].split("</select>")[0]
    assert "selected>Положение о системе (целевой модели) наставничества педагогических" in selected
    assert f"черновик от {today:%d.%m.%Y} (версия 1)" in selected


# ---------------------------------------------------------------- annex order


def _marks(text: str) -> list[str]:
    """The annex marks in the order they are printed: «Приложение 1», «Приложение 2» …"""
    return [line.strip() for line in text.split("\n") if line.strip().startswith("Приложение")]


def test_the_municipal_programme_numbered_1_comes_before_the_roadmap(db, today):
    demo.seed(db)
    municipal = next(u for u in users.list_users(db) if u["login"] == "municipal")
    programme = documents.create(
        db, municipal, "municipal-programme", sample("municipal-programme"), municipal["org_id"]
    )
    payload = sample("municipal-roadmap-order")
    payload["other_annexes"] = [{"number": 1, "document_id": programme["id"]}]
    payload["roadmap_number"] = 2
    order = documents.create(db, municipal, "municipal-roadmap-order", payload, municipal["org_id"])
    info = documents.register(db, municipal, order["id"], today)
    date = today.strftime("%d.%m.%Y")

    docx, _, _ = documents.download(db, municipal, order["id"], None, "docx")
    text = docx_text(docx).replace("\u00a0", " ")
    # the order's text, the marks and the pages: one order of annexes
    assert "1.1. Муниципальную целевую программу наставничества" in text
    assert text.index("(приложение 1)") < text.index("(приложение 2)")
    assert _marks(text.split("ПРИКАЗЫВАЮ:")[1]) == ["Приложение 1", "Приложение 2"]
    programme_at = text.index("МУНИЦИПАЛЬНАЯ ЦЕЛЕВАЯ ПРОГРАММА НАСТАВНИЧЕСТВА")
    roadmap_at = text.index("Приложение 2\n")
    assert text.index("Приложение 1\n") < programme_at < roadmap_at
    assert text.index("Наименование мероприятия") > roadmap_at
    for number in (1, 2):
        mark = f"Приложение {number}\nк приказу Отдела образования"
        assert f"{mark}\nот {date} № {info['number']}" in text
    pdf, _, _ = documents.download(db, municipal, order["id"], None, "pdf")
    lines = pdf_text(pdf, docx)
    programme_line = lines.index("1. Общие положения")  # the programme's first section
    assert lines.index("Приложение 1") < programme_line < lines.index("Приложение 2")


@pytest.mark.parametrize(
    ("slug", "field"),
    [(kind.slug, kind.annexes.field) for kind in catalog.KINDS if kind.annexes is not None],
)
def test_annexes_follow_their_numbers_in_every_approving_order(director, slug, field):
    """Two typed annexes given as 2 then 1 (where numbers are typed) print as 1 then 2."""
    db, user = director
    kind = catalog.get(slug)
    payload = sample(slug)
    first = {"title": "Правила работы наставнических пар", "body": "Текст правил."}
    second = {"title": "План работы наставников", "body": "Текст плана."}
    if kind.annexes.numbered:
        payload["roadmap_number"] = 3
        payload[field] = [second | {"number": 2}, first | {"number": 1}]
    else:
        payload[field] = [first, second]
    docx = documents.render(db, kind, compose.validate(kind, payload), user["org_id"])
    text = docx_text(docx).replace("\u00a0", " ")
    after = text.split("ПРИКАЗЫВАЮ:")[1]
    marks = _marks(after)
    assert marks == sorted(marks, key=lambda m: int(m.split()[1])), marks
    assert after.index("Текст правил.") < after.index("Текст плана.")


# ---------------------------------------------------------------- revision of an order


def test_a_revision_of_the_order_carries_its_annexes_as_new_drafts(director, today):
    db, user = director
    regulation = documents.create(db, user, "regulation", sample("regulation"), user["org_id"])
    order = documents.create(
        db, user, "approval-order", order_with({"document_id": regulation["id"]}), user["org_id"]
    )
    first = documents.register(db, user, order["id"], today)

    revision = documents.revise(db, user, order["id"])
    listed = revision["version"]["input"]["documents"]
    carried_id = listed[0]["document_id"]
    carried = archive.get_document(db, carried_id)
    assert carried_id != regulation["id"]
    assert (carried["status"], carried["revision_of"]) == ("draft", regulation["id"])
    assert [a["id"] for a in archive.annexes(db, revision["id"])] == [carried_id]
    # listing the old, approved Положение again says where its new redaction is
    stale = {**revision["version"]["input"], "documents": [{"document_id": regulation["id"]}]}
    with pytest.raises(FieldErrors) as refused:
        documents.update(db, user, revision["id"], stale)
    assert "выберите черновик новой редакции: «" in refused.value.message
    assert carried["title"] in refused.value.message

    # the Положение is changed in its new draft, and a new annex is added to the order
    changed = sample("regulation")
    changed["sections"][0]["paragraphs"][0] = "Настоящее Положение вступает в силу с 15.10.2026."
    documents.update(db, user, carried_id, changed)
    added = documents.create(db, user, "regulation", sample("regulation"), user["org_id"])
    payload = {**revision["version"]["input"]}
    payload["documents"] = [*listed, {"document_id": added["id"]}]
    documents.update(db, user, revision["id"], payload)
    second = documents.register(db, user, revision["id"], today)
    assert second["number"] != first["number"]

    date = today.strftime("%d.%m.%Y")
    for annex_id in (carried_id, added["id"]):
        frozen = archive.get_document(db, annex_id)
        assert (frozen["status"], frozen["number"]) == ("registered", second["number"])
        with pytest.raises(Conflict, match="только через изменение приказа"):
            documents.update(db, user, annex_id, sample("regulation"))
    docx, _, _ = documents.download(db, user, revision["id"], None, "docx")
    text = docx_text(docx).replace("\u00a0", " ")
    assert "Настоящее Положение вступает в силу с 15.10.2026." in text
    assert f"Приложение 2\nк приказу МБОУ «Обливская СОШ № 1»\nот {date} № {second['number']}" in (
        text
    )
    # the first order and its Положение stay as they were registered
    old = archive.get_document(db, regulation["id"])
    assert (old["status"], old["number"]) == ("registered", first["number"])
    old_docx, _, _ = documents.download(db, user, order["id"], None, "docx")
    assert "вступает в силу с 15.10.2026" not in docx_text(old_docx)


def test_an_annex_is_still_revised_only_with_its_order(director, today):
    db, user = director
    regulation = documents.create(db, user, "regulation", sample("regulation"), user["org_id"])
    order = documents.create(
        db, user, "approval-order", order_with({"document_id": regulation["id"]}), user["org_id"]
    )
    documents.register(db, user, order["id"], today)
    with pytest.raises(Conflict, match="только через изменение приказа"):
        documents.revise(db, user, regulation["id"])


# ---------------------------------------------------------------- typed annexes


@pytest.mark.parametrize(
    ("slug", "field"),
    [(kind.slug, kind.annexes.field) for kind in catalog.KINDS if kind.annexes is not None],
)
def test_a_typed_annex_without_text_is_refused_naming_its_field(api, demo_ids, slug, field):
    kind = catalog.get(slug)
    payload = sample(slug)
    entry = {"title": "Положение о наставничестве", "body": "  "}
    payload[field] = [entry | {"number": 1}] if kind.annexes.numbered else [entry]
    login_as = "municipal" if slug.startswith("municipal") else "director"
    org_id = demo_ids["department" if login_as == "municipal" else "school1"]
    response = api(login_as).post(
        "/api/documents", json={"org_id": org_id, "kind": slug, "input": payload}
    )
    assert response.status_code == 422, response.json
    assert "без текста" in " ".join(response.json["fields"][f"{field}.0.body"])


@pytest.mark.parametrize("slug", [kind.slug for kind in catalog.KINDS if kind.annexes is not None])
def test_every_annex_of_an_order_sample_has_text_after_its_title(director, slug):
    db, user = director
    kind = catalog.get(slug)
    payload = sample(slug)
    assert payload.get(kind.annexes.field), "the sample approves no annex"
    for entry in payload.get(kind.annexes.field) or []:
        assert entry.get("document_id") or entry.get("input") or entry["body"].strip(), entry
    text = docx_text(documents.render(db, kind, compose.validate(kind, payload), user["org_id"]))
    for entry in payload.get(kind.annexes.field) or []:
        if entry.get("body"):
            # a first line of cells (a table's header) is looked for by its longest cell
            first_line = max(entry["body"].strip().split("\n")[0].split("\t"), key=len)
            assert text.index(first_line) > text.index(entry["title"] + "\n")
