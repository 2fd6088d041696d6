"""Record ids in URLs: `<id:document_id>` in every page and API route.

SQLite integers are signed 64-bit, so a longer number can name no record; it is a 404 that
says what was not found, never an OverflowError from the database.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import BaseConverter

from docgen.errors import NotFound

MAX_ID = 2**63 - 1

# The same words the registry and the archive use when an id in range names no record.
NOT_FOUND = {
    "document_id": "Документ не найден",
    "n": "Версия документа не найдена",
    "org_id": "Организация не найдена",
    "person_id": "Человек не найден в реестре",
    "group_id": "Наставническая группа не найдена",
    "consent_id": "Подписанное согласие не найдено",
    "job_id": "Задание массовой генерации не найдено",
    "variant_id": "Вариант шаблона не найден",
    "user_id": "Пользователь не найден",
    "survey_id": "Анкетирование не найдено",
    "import_id": "Импорт не найден",
}


class IdConverter(BaseConverter):
    """Any run of digits as an int; the range is checked once the argument's name is known.

    Refusing a value here would make werkzeug try the other rules and answer 405 when the
    same path has a rule for another method, or a 404 that names nothing.
    """

    regex = r"\d+"
    weight = 50
    part_isolating = True

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: Any) -> str:
        return str(int(value))


def _ids_in_range(_endpoint: str | None, values: dict[str, Any] | None) -> None:
    for name, value in (values or {}).items():
        if isinstance(value, int) and not 1 <= value <= MAX_ID:
            raise NotFound(NOT_FOUND.get(name, "Запись не найдена"))


def init_app(app: Flask) -> None:
    """Register the converter; call before any blueprint whose rules use it."""
    app.url_map.converters["id"] = IdConverter
    app.url_value_preprocessor(_ids_in_range)
