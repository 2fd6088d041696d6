"""The public answer page of a personal survey link: no account, no JavaScript, one answer.

The link's token is the whole scope: it opens one questionnaire and takes one answer, and no
page shows a name or anyone's answers. Wrong and expired links are counted per address and
rate-limited. The form carries a CSRF token (kept in the session cookie, which needs no account).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, current_app, jsonify, render_template, request

from docgen.errors import FieldErrors, field_paths
from docgen.surveys import answers, issuing
from docgen.web.api.surveys import WHO_SEES
from docgen.web.helpers import get_db

bp = Blueprint("survey_answer", __name__)


def _page(template: str, status: int = 200, **context: Any) -> tuple[str, int, dict[str, str]]:
    headers = {
        "Cache-Control": "no-store",
        "Referrer-Policy": "no-referrer",
        "X-Robots-Tag": "noindex",
    }
    return render_template(template, who_sees=WHO_SEES, **context), status, headers


def _message(status: int, title: str, text: str) -> tuple[str, int, dict[str, str]]:
    return _page("survey_message.html", status, title=title, text=text)


def _opened(token: str) -> issuing.Opened | tuple[str, int, dict[str, str]]:
    db = get_db()
    now = dt.datetime.now(dt.UTC)
    address = request.remote_addr or "unknown"
    if issuing.throttled(db, address, now):
        return _message(
            429,
            "Слишком много попыток",
            "С этого устройства открыто слишком много неверных ссылок. Попробуйте через 15 минут.",
        )
    try:
        return issuing.open_link(db, token, dt.date.today())
    except issuing.LinkExpired:
        issuing.record_miss(db, address, now)
        return _message(
            410,
            "Анкетирование завершено",
            "Срок ответа на эту анкету истёк. Если вы не успели ответить, обратитесь к куратору "
            "наставничества в школе.",
        )
    except issuing.LinkNotFound:
        issuing.record_miss(db, address, now)
        return _message(
            404,
            "Ссылка не найдена",
            "Такой анкеты нет. Проверьте, что ссылка скопирована полностью, или отсканируйте "
            "QR-код ещё раз. Если не получается, обратитесь к куратору наставничества.",
        )


def _answered() -> tuple[str, int, dict[str, str]]:
    return _message(
        409,
        "Вы уже ответили",
        "По этой ссылке уже получен ответ — второй раз ответить нельзя. Спасибо за участие!",
    )


def _wants_json() -> bool:
    if request.method == "POST":
        return request.is_json
    return request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
        "application/json"
    )


def _json(page: tuple[str, int, dict[str, str]], message: str | None = None) -> Any:
    """A page's answer as the API's one JSON shape, for a client that posted JSON."""
    status = page[1]
    body = {"message": message} if status < 400 else {"error": message}
    return jsonify(body), status, {"Cache-Control": "no-store"}


@bp.route("/s/<token>", methods=["GET", "POST"])
def answer(token: str) -> Any:
    """The link: a page for people; JSON for a client that posts JSON (the API's own shape)."""
    as_json = _wants_json()
    if request.method == "POST" and not as_json and current_app.config["WTF_CSRF_ENABLED"]:
        current_app.extensions["csrf"].protect()  # JSON cannot be posted cross-site without CORS
    opened = _opened(token)
    if not isinstance(opened, issuing.Opened):
        return _json(opened, _TITLES.get(opened[1])) if as_json else opened
    if opened.answered:
        return _json(_answered(), _TITLES[409]) if as_json else _answered()
    if as_json:
        return _answer_json(token, opened)
    given: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        given = request.form.to_dict()
        try:
            answers.record(get_db(), token, given, dt.date.today())
        except answers.AlreadyAnswered:
            return _answered()
        except FieldErrors as err:
            errors = err.fields
        else:
            return _message(200, "Спасибо!", "Ваш ответ записан. Страницу можно закрыть.")
    return _page(
        "survey_answer.html",
        422 if errors else 200,
        opened=opened,
        given=given,
        errors=errors,
        closes_on=dt.date.fromisoformat(opened.survey["closes_on"]),
    )


_TITLES = {
    404: "Ссылка не найдена.",
    409: "Вы уже ответили на эту анкету. Спасибо!",
    410: "Срок ответа на эту анкету истёк.",
    429: "Слишком много неверных ссылок. Повторите позже.",
}


def _answer_json(token: str, opened: issuing.Opened) -> Any:
    if request.method == "GET":
        return jsonify(
            {
                "title": opened.questionnaire.title,
                "organisation": opened.org_name,
                "closes_on": opened.survey["closes_on"],
                "who_sees": WHO_SEES,
                "items": [item.as_dict() for item in opened.items],
            }
        )
    given = request.get_json(silent=True)
    if not isinstance(given, dict):
        raise FieldErrors(
            "Тело запроса должно быть JSON-объектом.", fields={"_schema": ["Ожидается объект."]}
        )
    try:
        answer_id = answers.record(get_db(), token, given, dt.date.today())
    except answers.AlreadyAnswered:
        return _json(_answered(), _TITLES[409])
    except FieldErrors as err:
        return jsonify({"error": err.message, "fields": field_paths(err.fields)}), 422
    return jsonify({"id": answer_id, "message": "Спасибо! Ответ записан."}), 201
