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
    # the representative these tests decline: a woman (the sample's is the father)
    payload["representative"] = {
        "surname": "Савченко",
        "name": "Ольга",
        "patronymic": "Николаевна",
        "gender": "f",
    }
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


# ---------------------------------------------------------------- orders


def _values(slug: str, payload: dict) -> dict:
    kind = catalog.get(slug)
    return compose.build_context(kind, compose.validate(kind, payload))


@pytest.mark.parametrize(
    ("slug", "field"),
    [("pairs-order", "hr"), ("award-order", "accountant"), ("municipal-roadmap-order", "control")],
)
def test_every_executor_named_in_an_order_is_on_its_familiarisation_sheet(slug, field):
    payload = _sample(slug)
    person = payload[field]
    sheet = _render(slug, payload).split("С приказом ознакомлены:", 1)[1]
    assert f"{person['surname']} {person['name']} {person['patronymic']}" in sheet


def test_the_control_person_signs_the_sheet_of_any_order():
    payload = _sample("curator-order")
    payload["control"] = {
        "surname": "Миронова",
        "name": "Светлана",
        "patronymic": "Петровна",
        "position": "заместитель директора по воспитательной работе",
    }
    sheet = _render("curator-order", payload).split("С приказом ознакомлены:", 1)[1]
    assert "Миронова Светлана Петровна" in sheet


def test_351_8_agreements_are_due_before_the_pairs_start():
    payload = _sample("pairs-order")
    payload.pop("agreements_deadline", None)
    values = _values("pairs-order", payload)
    start = values["period_start"]
    assert values["agreements_deadline"] == f"до {start:%d.%m.%Y}"
    assert f"Срок — до {start:%d.%m.%Y}." in _render("pairs-order", payload)


def test_351_8_agreements_due_after_the_start_are_refused():
    from docgen.errors import FieldErrors

    payload = _sample("pairs-order")
    values = _values("pairs-order", payload)
    late = values["period_start"] + dt.timedelta(days=3)
    payload["agreements_deadline"] = f"до {late:%d.%m.%Y}"
    with pytest.raises(FieldErrors) as err:
        _values("pairs-order", payload)
    assert "agreements_deadline" in err.value.fields


def test_one_premium_is_paid_as_one():
    payload = _sample("award-order")
    premiums = [a for a in payload["awards"] if a["award"] == "премия"]
    payload["awards"] = premiums[:1]
    text = _render("award-order", payload)
    assert "выплату премии, назначенной настоящим приказом" in text
    payload["awards"] = [premiums[0], dict(premiums[0])]
    assert "выплату премий, назначенных настоящим приказом" in _render("award-order", payload)


# ---------------------------------------------------------------- sections


def _sections(docx: bytes) -> list:
    import io

    from docx import Document
    from docx.oxml.ns import qn

    body = Document(io.BytesIO(docx)).element.body
    return body.findall(".//" + qn("w:sectPr")), qn


def test_every_section_of_the_personal_programme_numbers_its_pages():
    kind = catalog.get("personal-programme")
    docx = compose.render_docx(kind, _values("personal-programme", _sample("personal-programme")))
    sections, qn = _sections(docx)
    assert len(sections) >= 3
    for index, sect_pr in enumerate(sections):
        types = [r.get(qn("w:type")) for r in sect_pr.findall(qn("w:headerReference"))]
        assert "default" in types, f"section {index + 1} has no page-number header"
        assert (sect_pr.find(qn("w:titlePg")) is not None) == (index == 0)


def test_merged_annexes_keep_the_page_number_header():
    from docgen.rendering.merge import merge_docx

    kind = catalog.get("personal-programme")
    part = compose.render_docx(kind, _values("personal-programme", _sample("personal-programme")))
    sections, qn = _sections(merge_docx([part, part]))
    assert len(sections) >= 6
    for index, sect_pr in enumerate(sections):
        types = [r.get(qn("w:type")) for r in sect_pr.findall(qn("w:headerReference"))]
        assert "default" in types, f"section {index + 1} has no page-number header"
        assert (sect_pr.find(qn("w:titlePg")) is not None) == (index == 0)


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice not installed")
def test_libreoffice_prints_page_numbers_in_every_section(tmp_path):
    import subprocess

    import pdfplumber

    kind = catalog.get("personal-programme")
    docx = compose.render_docx(kind, _values("personal-programme", _sample("personal-programme")))
    source = tmp_path / "p.docx"
    source.write_bytes(docx)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    with pdfplumber.open(tmp_path / "p.pdf") as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    assert len(pages) >= 3
    for number, text in enumerate(pages[1:], start=2):
        first_lines = [line.strip() for line in text.splitlines()[:3]]
        assert str(number) in first_lines, f"page {number} has no number: {first_lines}"


# ---------------------------------------------------------------- keep with next


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\t", " ").split())


def _marked(docx: bytes) -> tuple[set[str], set[str]]:
    """Texts of the headings (DocHeading, DocTitle, rows kept with the next) and signatures."""
    import io

    from docx import Document
    from docx.oxml.ns import qn

    document = Document(io.BytesIO(docx))
    headings, signatures = set(), set()
    last = None  # a heading that ends the page by a page break is not an orphan
    for p in document.paragraphs:
        style = p.style.style_id if p.style is not None else ""
        breaks = p._p.xpath(".//w:br[@w:type='page']") or p._p.find(".//" + qn("w:sectPr"))
        if breaks is not None and len(breaks) and last is not None and not p.text.strip():
            headings.discard(last)
        if p.text.strip():
            last = None
        if style in ("DocHeading", "DocTitle") and p.text.strip():
            headings.add(_norm(p.text))
            last = _norm(p.text)
        if style == "DocSignature" and p.text.strip():
            signatures.add(_norm(p.text))
    for table in document.tables:
        for row in table.rows:
            paragraphs = [p for cell in row.cells for p in cell.paragraphs]
            header = row._tr.trPr is not None and row._tr.trPr.find(qn("w:tblHeader")) is not None
            heading_row = not header and all(p.style.style_id == "DocTableHead" for p in paragraphs)
            kept = all(p.paragraph_format.keep_with_next for p in paragraphs)
            if paragraphs and (heading_row or kept):
                headings.add(_norm(" ".join(p.text for p in paragraphs)))
    return headings, signatures


@pytest.mark.parametrize("slug", [kind.slug for kind in catalog.KINDS])
def test_no_page_ends_with_a_heading_or_starts_with_a_lone_signature(slug):
    import io

    import pdfplumber

    from docgen.rendering.pdf import docx_to_pdf

    kind = catalog.get(slug)
    docx = compose.render_docx(kind, _values(slug, _sample(slug)))
    headings, signatures = _marked(docx)
    with pdfplumber.open(io.BytesIO(docx_to_pdf(docx))) as pdf:
        pages = [
            [_norm(line) for line in (page.extract_text() or "").splitlines() if line.strip()]
            for page in pdf.pages
        ]
    for number, lines in enumerate(pages, start=1):
        if number > 1 and lines and lines[0] == str(number):
            lines = lines[1:]
        if number < len(pages) and lines:
            last = lines[-1]
            ending = [h for h in headings if h.endswith(last) or last == h]
            assert not ending, f"page {number} ends with the heading {ending[0]!r}"
        if number > 1 and lines:
            assert lines[0] not in signatures, (
                f"page {number} starts with the signature {lines[0]!r}, away from its text"
            )


# ---------------------------------------------------------------- monitoring report


def test_the_monitoring_report_is_dated():
    payload = _sample("monitoring-report")
    text = _render("monitoring-report", payload)
    assert text.split("ОТЧЁТ", 1)[1].lstrip("\n").startswith(payload.get("date") or payload["on"])
    payload.pop("date", None)
    text = _render("monitoring-report", payload)
    assert text.split("ОТЧЁТ", 1)[1].lstrip("\n").startswith(payload["on"])


def test_the_monitoring_sample_counts_agree():
    rows = {r["code"]: r for r in _sample("monitoring-report")["indicators"]}
    forms = {f["form"]: f for f in rows["pairs_groups"]["by_form"]}
    student_led = forms.get("ученик – ученик", {"pairs": 0, "groups": 0})
    # one mentor per pair or group: no more student mentors than student-led pairs and groups
    assert rows["students_mentors"]["numerator"] <= student_led["pairs"] + student_led["groups"]
    assert rows["pairs_groups"]["pairs"] == sum(f["pairs"] for f in forms.values())
    assert rows["pairs_groups"]["groups"] == sum(f["groups"] for f in forms.values())
    assert (
        rows["partners"]["numerator"]
        <= forms.get("работодатель – ученик", {"pairs": 0})["pairs"]
        + forms.get("работодатель – ученик", {"groups": 0})["groups"]
    )


# ---------------------------------------------------------------- the executor line


def _long_pairs_order(extra: int) -> dict:
    """The pairs-order sample with `extra` more people on its familiarisation sheet: with 19
    the sheet used to end at the foot of page 3 and leave the executor alone on page 4."""
    payload = _sample("pairs-order")
    surnames = [
        f"{stem}{end}"
        for end in ("а", "ина", "ова")
        for stem in ("Андреев", "Борисов", "Васильев", "Григорьев", "Дмитриев", "Егоров", "Жуков")
    ]
    payload["acquaint"] = list(payload.get("acquaint") or []) + [
        {
            "surname": surname,
            "name": "Мария",
            "patronymic": "Ивановна",
            "gender": "f",
            "position": "учитель начальных классов",
        }
        for surname in surnames[:extra]
    ]
    return payload


def test_the_signature_and_the_last_sheet_row_keep_with_the_executor_in_the_docx():
    import io

    from docx import Document

    payload = _long_pairs_order(19)
    kind = catalog.get("pairs-order")
    document = Document(io.BytesIO(compose.render_docx(kind, _values("pairs-order", payload))))
    signature = next(p for p in document.paragraphs if p.style.style_id == "DocSignature")
    assert signature.paragraph_format.keep_with_next
    sheet = next(t for t in document.tables if "Отметка" in t.rows[0].cells[3].text)
    rows = sheet.rows
    last = rows[-1]
    assert last.cells[0].text == str(len(rows) - 1)  # numbered on from the rows before
    assert all(p.paragraph_format.keep_with_next for c in last.cells for p in c.paragraphs)
    assert not any(p.paragraph_format.keep_with_next for c in rows[-2].cells for p in c.paragraphs)
    executor = document.paragraphs[[p._p for p in document.paragraphs].index(sheet._tbl.getnext())]
    assert _norm(executor.text) == "Чернова Н.В." and executor.paragraph_format.keep_with_next


@pytest.mark.parametrize("extra", [18, 19, 20])
def test_the_executor_line_never_stands_alone_on_its_page(extra):
    import io

    import pdfplumber

    from docgen.rendering.pdf import docx_to_pdf

    kind = catalog.get("pairs-order")
    docx = compose.render_docx(kind, _values("pairs-order", _long_pairs_order(extra)))
    with pdfplumber.open(io.BytesIO(docx_to_pdf(docx))) as pdf:
        pages = [(page.extract_text() or "").splitlines() for page in pdf.pages]
    number, lines = next(
        (n, lines) for n, lines in enumerate(pages, start=1) if "Чернова Н.В." in lines
    )
    before = lines[: lines.index("Чернова Н.В.")]
    text = [line for line in before if line.strip() not in {str(number), ""}]
    header = {"№ п/ Фамилия, имя, Должность Отметка Подпись Дата", "п отчество"}
    assert [line for line in text if line not in header], (
        f"page {number} holds the executor line alone"
    )
