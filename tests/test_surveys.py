"""Satisfaction surveys: issuing links, one answer per link, and the indicators they feed."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from docx import Document
from webfixtures import csrf_token

from docgen.db import connect
from docgen.documents import compose
from docgen.errors import FieldErrors
from docgen.kinds import catalog
from docgen.kinds.reports import disclosure
from docgen.kinds.reports import xlsx as xlsx_report
from docgen.registry import consents, district, indicators, organisations
from docgen.surveys import answers, issuing, questionnaires

pytest_plugins = ["apifixtures"]

TODAY = dt.date.today()
HIGH = {
    code: "9"
    for code in (
        "efficiency",
        "comfort",
        "usefulness",
        "clarity",
        "support",
        "organisation",
        "continue",
    )
}
LOW = {code: "4" for code in HIGH}


def _groups(db_path, org_id: int) -> list[int]:
    db = connect(db_path)
    ids = [r["id"] for r in db.query("SELECT id FROM mentoring_groups WHERE org_id = ?", [org_id])]
    db.close()
    return ids


def _token(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _issue(api, demo_ids, api_db_path, audience="mentees") -> dict:
    school = demo_ids["school1"]
    response = api("curator").post(
        "/api/surveys",
        json={
            "org_id": school,
            "audience": audience,
            "stage": "end",
            "group_ids": _groups(api_db_path, school),
        },
    )
    assert response.status_code == 201, response.json
    return response.json


def _by_code(values) -> dict:
    return {value["code"] if isinstance(value, dict) else value.code: value for value in values}


def test_questionnaires_cover_both_audiences_and_stages_with_seven_scored_items():
    for audience in questionnaires.AUDIENCES:
        for stage in questionnaires.STAGES:
            q = questionnaires.get(audience, stage)
            assert len(q.scored) == 7
            assert any(item.kind == "text" for item in q.items)
    with pytest.raises(FieldErrors) as err:
        questionnaires.check_answer(
            questionnaires.get("mentors", "end").items, {**HIGH, "comfort": "11"}
        )
    assert err.value.fields == {"comfort": ["Оценка — целое число от 1 до 10."]}


def test_issued_answered_twice_refused_and_the_indicator_changes(api, demo_ids, api_db_path):
    school = demo_ids["school1"]
    before = _by_code(
        api("curator").get(f"/api/organisations/{school}/indicators").json["indicators"]
    )
    assert before["satisfaction_mentees"]["text"] == "—"

    survey = _issue(api, demo_ids, api_db_path)
    links = {link["person_id"]: link["url"] for link in survey["links"]}
    people = demo_ids["people1"]
    assert set(links) == {
        people[s] for s in ("Иванова", "Королёв", "Фёдоров", "Волков", "Гаджиева", "Кузнецова")
    }
    first, second = _token(links[people["Иванова"]]), _token(links[people["Фёдоров"]])
    public = api(None)
    form = public.get(f"/api/surveys/answer/{first}")
    assert form.status_code == 200
    assert form.json["title"] == "Анкета наставляемого по окончании программы наставничества"
    assert "куратор" in form.json["who_sees"]
    assert (
        public.post(f"/api/surveys/answer/{first}", json={**HIGH, "liked": "Встречи"}).status_code
        == 201
    )
    assert public.post(f"/api/surveys/answer/{second}", json=LOW).status_code == 201
    again = public.post(f"/api/surveys/answer/{first}", json=HIGH)
    assert again.status_code == 409
    assert again.json == {"error": "Вы уже ответили на эту анкету. Спасибо!"}
    page = public.client.get(f"/s/{first}")
    assert page.status_code == 409
    assert "Вы уже ответили" in page.get_data(as_text=True)

    status = api("curator").get(f"/api/surveys/{survey['id']}").json
    assert (status["answered"], status["issued"]) == (2, 6)

    # The API: one of two respondents has a mean score of 7 or more.
    after = _by_code(
        api("curator").get(f"/api/organisations/{school}/indicators").json["indicators"]
    )
    mentees = after["satisfaction_mentees"]
    assert (mentees["value"], mentees["numerator"], mentees["denominator"]) == (50.0, 1, 2)
    assert mentees["source"] == "survey"
    assert mentees["source_text"].startswith("анкеты docgen: 2 ответа; методика: доля ответивших")
    assert after["satisfaction_mentors"]["text"] == "—"

    db = connect(api_db_path)
    # The monitoring report (DOCX and XLSX) and the disclosure page.
    kind = catalog.get("monitoring-report")
    data = compose.validate(
        kind,
        {
            "period_start": "01.09.2026",
            "period_end": TODAY.strftime("%d.%m.%Y"),
            "on": TODAY.strftime("%d.%m.%Y"),
        },
    )
    values = compose.build_context(
        kind,
        data,
        organisation=organisations.get_organisation(db, school),
        sources=compose.Sources(db=db, org_id=school, on=TODAY),
    )
    docx = compose.render_docx(kind, values)
    table = Document(io.BytesIO(docx)).tables[0]
    row = next(
        r
        for r in table.rows
        if r.cells[1].text.startswith("Уровень удовлетворенности наставляемых")
    )
    assert [c.text.replace("\u00a0", " ") for c in row.cells[2:5]] == ["1", "2", "50 %"]
    text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
    assert "анкеты docgen: 2 ответа; методика: доля ответивших" in text
    book = openpyxl.load_workbook(
        io.BytesIO(xlsx_report.report_xlsx(values["figures"], xlsx_report.meta_of(values)))
    )
    cells = [c for row in book["Показатели"].iter_rows(values_only=True) for c in row]
    assert any(isinstance(c, str) and "анкеты docgen: 2 ответа" in c for c in cells)
    figure = _by_code(indicators.compute(db, [school], TODAY))["satisfaction_mentees"]
    assert (
        disclosure.indicator_text(figure)
        .replace("\xa0", " ")
        .startswith("50 % (1 из 2); анкеты docgen: 2 ответа")
    )

    # The district table (page data and XLSX).
    rows = district.table(db, demo_ids["department"], TODAY, catalog.district_requirements())
    mine = next(r for r in rows if r.org["id"] == school)
    assert _by_code(mine.indicators)["satisfaction_mentees"].text == "50\xa0%"
    sheet = openpyxl.load_workbook(
        io.BytesIO(
            district.table_xlsx(db, demo_ids["department"], TODAY, catalog.district_requirements())
        )
    ).active
    texts = [c for r in sheet.iter_rows(values_only=True) for c in r]
    assert "50\xa0% (по анкетам: 2)" in texts
    assert "1 / 2" in texts
    db.close()


def test_district_page_shows_the_survey_figure_with_its_count(api, demo_ids, api_db_path, api_app):
    survey = _issue(api, demo_ids, api_db_path)
    for link, scores in zip(survey["links"][:2], (HIGH, HIGH), strict=True):
        assert (
            api(None).post(f"/api/surveys/answer/{_token(link['url'])}", json=scores).status_code
            == 201
        )
    api_app.config["WTF_CSRF_ENABLED"] = False
    web = api_app.test_client()
    from docgen import demo

    web.post("/login", data={"login": "municipal", "password": demo.PASSWORD})
    html = web.get("/registry/district").get_data(as_text=True)
    assert "2 из 2 по анкетам" in html


def test_a_child_without_a_consent_in_force_gets_no_link(api, demo_ids, api_db_path):
    people = demo_ids["people1"]
    db = connect(api_db_path)
    consents.withdraw_consent(
        db,
        person_id=people["Гаджиева"],
        kind="processing",
        withdrawn_on=TODAY - dt.timedelta(days=1),
    )
    db.close()
    survey = _issue(api, demo_ids, api_db_path)
    assert people["Гаджиева"] not in {link["person_id"] for link in survey["links"]}
    refused = {r["person_id"]: r["reason"] for r in survey["refused"]}
    assert refused[people["Гаджиева"]].startswith(
        "согласие на обработку персональных данных отозвано"
    )
    assert people["Кузнецова"] in {link["person_id"] for link in survey["links"]}


def test_wrong_and_expired_links_give_a_clear_page_and_no_data(api, demo_ids, api_db_path):
    survey = _issue(api, demo_ids, api_db_path)
    client = api(None).client
    wrong = client.get("/s/not-a-real-token")
    assert wrong.status_code == 404
    assert "Ссылка не найдена" in wrong.get_data(as_text=True)
    token = _token(survey["links"][0]["url"])
    db = connect(api_db_path)
    db.execute(
        "UPDATE surveys SET issued_on = ?, closes_on = ? WHERE id = ?",
        [
            (TODAY - dt.timedelta(days=30)).isoformat(),
            (TODAY - dt.timedelta(days=1)).isoformat(),
            survey["id"],
        ],
    )
    db.conn.commit()
    db.close()
    expired = client.get(f"/s/{token}")
    body = expired.get_data(as_text=True)
    assert expired.status_code == 410
    assert "Анкетирование завершено" in body
    for secret in ("Анкета наставляемого", "Иванова", "Насколько", '<form method="post">'):
        assert secret not in body
    assert api(None).post(f"/api/surveys/answer/{token}", json=HIGH).status_code == 410
    assert api(None).get("/api/surveys/answer/wrong").json == {"error": "Ссылка не найдена."}


def test_wrong_links_are_rate_limited_per_address(api):
    client = api(None).client
    for n in range(issuing.MAX_MISSES):
        assert client.get(f"/s/guess{n}").status_code == 404
    blocked = client.get("/s/guess-more")
    assert blocked.status_code == 429
    assert "Слишком много попыток" in blocked.get_data(as_text=True)


def test_the_token_is_kept_only_as_its_hash(api, demo_ids, api_db_path):
    survey = _issue(api, demo_ids, api_db_path)
    token = _token(survey["links"][0]["url"])
    raw = api_db_path.read_bytes()
    assert token.encode() not in raw
    db = connect(api_db_path)
    assert (
        db.execute(
            "SELECT count(*) FROM survey_links WHERE token_hash = ?", [issuing.token_hash(token)]
        ).fetchone()[0]
        == 1
    )
    db.close()


def test_the_html_form_needs_its_csrf_token_and_takes_one_answer(api, demo_ids, api_db_path):
    survey = _issue(api, demo_ids, api_db_path)
    client = api(None).client  # CSRF is on in this app
    path = "/s/" + _token(survey["links"][0]["url"])
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Кто увидит ответы" in html and "куратор наставничества" in html
    assert "<script" not in html.split("<main>")[1].split("</main>")[0]
    assert client.post(path, data=HIGH).status_code == 400  # no CSRF token
    incomplete = client.post(path, data={"csrf_token": csrf_token(html), "comfort": "5"})
    assert incomplete.status_code == 422
    assert "Поставьте оценку от 1 до 10." in incomplete.get_data(as_text=True)
    done = client.post(path, data={**HIGH, "csrf_token": csrf_token(html)})
    assert done.status_code == 200
    assert "Ваш ответ записан" in done.get_data(as_text=True)
    second = client.post(path, data={**HIGH, "csrf_token": csrf_token(html)})
    assert second.status_code == 409
    assert "второй раз ответить нельзя" in second.get_data(as_text=True)


def test_the_link_itself_takes_one_json_answer(api, demo_ids, api_db_path):
    survey = _issue(api, demo_ids, api_db_path)
    client = api(None).client  # CSRF is on in this app: a JSON answer needs none
    path = "/s/" + _token(survey["links"][0]["url"])
    form = client.get(path, headers={"Accept": "application/json"})
    assert form.status_code == 200 and form.json["items"]
    assert client.post(path, json={"comfort": "5"}).status_code == 422
    first = client.post(path, json=HIGH)
    assert first.status_code == 201 and first.json["message"] == "Спасибо! Ответ записан."
    again = client.post(path, json=HIGH)
    assert again.status_code == 409
    assert again.json == {"error": "Вы уже ответили на эту анкету. Спасибо!"}
    assert client.post("/s/wrong", json=HIGH).json == {"error": "Ссылка не найдена."}


def test_one_answer_per_link_even_when_the_check_is_bypassed(api, demo_ids, api_db_path):
    survey = _issue(api, demo_ids, api_db_path)
    token = _token(survey["links"][0]["url"])
    db = connect(api_db_path)
    answers.record(db, token, HIGH, TODAY)
    with pytest.raises(answers.AlreadyAnswered):
        answers.record(db, token, LOW, TODAY)
    link_id = db.execute("SELECT link_id FROM survey_answers").fetchone()[0]
    with pytest.raises(Exception, match="UNIQUE"):
        db.execute(
            "INSERT INTO survey_answers (survey_id, link_id, scores, texts, answered_on, "
            "answered_at) VALUES (?, ?, '{}', '{}', '2026-01-01', 'x')",
            [survey["id"], link_id],
        )
    assert db.execute("SELECT count(*) FROM survey_answers").fetchone()[0] == 1
    db.close()


def test_export_names_adults_and_not_children(api, demo_ids, api_db_path, api_app):
    survey = _issue(api, demo_ids, api_db_path)
    people = demo_ids["people1"]
    links = {link["person_id"]: _token(link["url"]) for link in survey["links"]}
    for surname, text in (("Иванова", "Методические советы"), ("Волков", "Мне понравилось")):
        assert (
            api(None)
            .post(f"/api/surveys/answer/{links[people[surname]]}", json={**HIGH, "liked": text})
            .status_code
            == 201
        )
    from docgen.surveys import results

    db = connect(api_db_path)
    book = openpyxl.load_workbook(io.BytesIO(results.export_xlsx(db, survey["id"])))
    db.close()
    cells = [str(c) for r in book.active.iter_rows(values_only=True) for c in r if c is not None]
    joined = "\n".join(cells)
    assert "Иванова" in joined
    assert "Волков" not in joined and "Никита" not in joined
    assert "обучающийся (анонимно)" in joined
    assert "Мне понравилось" in joined


def test_a_typed_figure_is_marked_typed(api_db_path, demo_ids):
    db = connect(api_db_path)
    typed = {"satisfaction_mentors": indicators.Survey(satisfied=7, respondents=8)}
    value = _by_code(indicators.compute(db, [demo_ids["school1"]], TODAY, survey=typed))[
        "satisfaction_mentors"
    ]
    db.close()
    assert value.source == "typed"
    assert (
        disclosure.indicator_text(value).replace("\xa0", " ")
        == "87,5 % (7 из 8); введено вручную (анкетирование вне docgen)"
    )


def test_curator_issues_from_the_page_and_gets_a_qr_sheet_with_names(api_app, demo_ids):
    from docgen import demo

    api_app.config["WTF_CSRF_ENABLED"] = False
    web = api_app.test_client()
    assert (
        web.post("/login", data={"login": "curator", "password": demo.PASSWORD}).status_code == 302
    )
    assert "Анкеты" in web.get("/").get_data(as_text=True)
    form = web.get("/surveys").get_data(as_text=True)
    assert "Выдать анкету" in form
    page = web.post("/surveys", data={"audience": "mentors", "stage": "end"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert html.count("<svg") == 5  # five mentors of the current pairs and groups
    assert "Петрова" in html and "Лист с QR-кодами" in html
    urls = re.findall(r'value="(http://localhost/s/[^"]+)"', html)
    assert len(urls) == 5
    survey_id = int(re.search(r"/surveys/(\d+)", html).group(1))
    detail = web.get(f"/surveys/{survey_id}").get_data(as_text=True)
    assert "Ответили 0 из 5" in detail
    export = web.get(f"/surveys/{survey_id}/answers.xlsx")
    assert export.status_code == 200
