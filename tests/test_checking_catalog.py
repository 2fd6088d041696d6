"""Our own output passes the checker; the CLI, the page, the API and registration use it."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from checkdocs import consent_lines, docx, order_lines
from click.testing import CliRunner
from webfixtures import login

from docgen import checking
from docgen.cli import check_command
from docgen.documents import compose
from docgen.kinds import catalog
from docgen.rendering.context import Requisites

pytest_plugins = ["apifixtures"]

KINDS = [pytest.param(kind, id=kind.slug) for kind in catalog.KINDS]


def rendered(kind: catalog.Kind, **kwargs) -> bytes:
    data = compose.validate(kind, kind.sample())
    return compose.render_docx(kind, compose.build_context(kind, data, **kwargs))


@pytest.mark.parametrize("kind", KINDS)
def test_every_sample_gives_no_error(kind):
    found = checking.check(rendered(kind))
    assert checking.blocking(found) == [], [(f.rule, f.message, f.excerpt) for f in found]


@pytest.mark.parametrize("kind", KINDS)
def test_every_registered_sample_gives_no_error(kind):
    if kind.series is None:
        pytest.skip("not numbered in the registration journal")
    found = checking.check(rendered(kind, requisites=Requisites("77-од", dt.date(2024, 9, 2))))
    assert checking.blocking(found) == [], [(f.rule, f.message, f.excerpt) for f in found]


def test_cli_prints_findings_and_exits_1_on_an_error(tmp_path):
    bad = tmp_path / "bad.docx"
    bad.write_bytes(docx(order_lines(title=None)))
    result = CliRunner().invoke(check_command, [str(bad)])
    assert result.exit_code == 1
    assert "ОШИБКА REQ-TITLE" in result.output
    good = tmp_path / "good.docx"
    good.write_bytes(docx(order_lines(item22="2.2. отчёт — до 31.05.2025 г.")))
    result = CliRunner().invoke(check_command, [str(good)])
    assert result.exit_code == 0
    assert "ПРЕДУПРЕЖДЕНИЕ FMT-DATE-FORM" in result.output


def test_cli_refuses_a_file_that_is_not_a_docx(tmp_path):
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"not a zip")
    result = CliRunner().invoke(check_command, [str(fake)])
    assert result.exit_code == 2
    assert "не является документом DOCX" in result.output


def test_page_shows_each_finding_beside_its_paragraph(client):
    login(client, "curator")
    assert "Проверить документ" in client.get("/check").get_data(as_text=True)
    content = docx(order_lines(item1="1. Назначить Чернова Наталья Викторовна куратором."))
    response = client.post(
        "/check",
        data={"file": (io.BytesIO(content), "приказ.docx")},
        content_type="multipart/form-data",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    row = html[html.index("1. Назначить Чернова") :]
    row = row[: row.index("</tr>")]
    assert "GRM-CASE" in row and "Чернову Наталью Викторовну" in row


def test_page_refuses_a_zip_bomb_like_a_template_variant(client):
    login(client, "curator")
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<!DOCTYPE x><w:document/>")
    response = client.post(
        "/check",
        data={"file": (io.BytesIO(buffer.getvalue()), "x.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "DTD" in response.get_data(as_text=True)


def test_api_check_answers_findings(api):
    content = docx(consent_lines(purpose=None))
    response = api("curator").post(
        "/api/check",
        data={"file": (io.BytesIO(content), "согласие.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    findings = response.get_json()["findings"]
    assert {"rule": "CNS-PURPOSE", "level": "ошибка"}.items() <= findings[0].items()
    assert set(findings[0]) == {"rule", "level", "message", "excerpt"}


def test_api_check_needs_a_token(api):
    content = docx(consent_lines())
    response = api(None).post(
        "/api/check",
        data={"file": (io.BytesIO(content), "согласие.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 401


def test_preview_carries_findings_and_an_error_blocks_registration(db, monkeypatch):
    from docgen import demo
    from docgen.accounts import users
    from docgen.documents import service as documents
    from docgen.errors import Conflict

    demo.seed(db)
    director = next(u for u in users.list_users(db) if u["login"] == "director")
    org_id = director["org_id"]
    payload = catalog.get("curator-order").sample()
    html, findings = documents.preview(db, director, "curator-order", payload, org_id)
    assert "О назначении куратора" in html
    assert checking.blocking(findings) == []

    document = documents.create(db, director, "curator-order", payload, org_id)
    # the frozen file loses its heading, a required requisite: registration is refused
    # (the defect is made where the document is rendered, before it is packed and checked)
    original = documents.engine.render_parts

    def with_defect(*args, **kwargs):
        return _drop_title_part(original(*args, **kwargs))

    monkeypatch.setattr(documents.engine, "render_parts", with_defect)
    with pytest.raises(Conflict) as refused:
        documents.register(db, director, document["id"], dt.date.today())
    assert "REQ-TITLE" in " ".join(refused.value.fields["findings"])
    assert documents.archive.get_document(db, document["id"])["status"] == "draft"
    monkeypatch.setattr(documents.engine, "render_parts", original)
    registered = documents.register(db, director, document["id"], dt.date.today())
    assert registered["number"]


def _drop_title_part(parts):
    """The same rendered parts without the heading paragraph of word/document.xml."""
    from lxml import etree

    from docgen.rendering.docx import Parts

    root = etree.fromstring(parts.rendered["word/document.xml"].encode("utf-8"))
    w_p = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}p"
    heading = [p for p in root.iter(w_p) if "".join(p.itertext()).startswith("О назначении куратора")]  # fmt: skip
    assert heading
    for paragraph in heading:
        paragraph.getparent().remove(paragraph)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode()
    return Parts(parts.compiled, {**parts.rendered, "word/document.xml": xml})


def _with_old_gost(payload: dict) -> dict:
    """The sample with a duty citing the superseded ГОСТ Р 7.0.97-2016: a finding, not a crash."""
    duties = [dict(duty) for duty in payload["duties"]]
    duties[0]["text"] = "оформлять документы по ГОСТ Р 7.0.97-2016"
    return {**payload, "duties": duties}


def test_api_preview_answers_the_findings_beside_the_html(api):
    payload = _with_old_gost(catalog.get("curator-order").sample())
    answer = api("director").post("/api/preview", json={"kind": "curator-order", "input": payload})
    assert answer.status_code == 200, answer.json
    assert "О назначении куратора" in answer.json["html"]
    found = answer.json["findings"]
    assert found and {"rule", "level", "message", "excerpt"} <= set(found[0])
    assert any("7.0.97-2016" in f["excerpt"] for f in found)
    clean = api("director").post(
        "/api/preview",
        json={"kind": "curator-order", "input": catalog.get("curator-order").sample()},
    )
    assert all(f["level"] != "ошибка" for f in clean.json["findings"])


def test_page_preview_lists_the_findings(client):
    from webfixtures import csrf_token  # noqa: F401 - CSRF is off in the test app

    login(client, "director")
    payload = _with_old_gost(catalog.get("curator-order").sample())
    form = {"action": "preview", "duties.0.text": payload["duties"][0]["text"]}
    page = client.get("/documents/new/curator-order?sample=1").get_data(as_text=True)
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page):
        form.setdefault(name, html.unescape(value))
    for name, value in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        form.setdefault(name, html.unescape(value))
    shown = client.post("/documents/new/curator-order", data=form).get_data(as_text=True)
    assert "Проверка документа" in shown
    assert "7.0.97-2016" in shown
