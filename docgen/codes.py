"""The Russian word for every internal code a person may see: one mapping per code family."""

from __future__ import annotations

import re

CODES: dict[str, dict[str, str]] = {
    "consent_kind": {
        "processing": "на обработку персональных данных",
        "dissemination": "на распространение персональных данных",
    },
    "consent_status": {"requested": "запрошено", "signed": "подписано", "withdrawn": "отозвано"},
    "signer": {
        "self": "сам человек",
        "representative": "законный представитель",
        "both": "сам обучающийся и законный представитель",
    },
    "sex": {"m": "мужской", "f": "женский"},
    "group_status": {"planned": "планируется", "active": "действует", "closed": "завершена"},
    "document_status": {
        "draft": "черновик",
        "registered": "зарегистрирован",
        "cancelled": "аннулирован",
    },
    "job_status": {"running": "выполняется", "done": "готово", "failed": "ошибка"},
    "action": {
        "login": "вход",
        "login_failed": "неудачный вход",
        "logout": "выход",
        "token": "выдан ключ API",
        "create": "создание",
        "edit": "изменение",
        "change": "изменение настроек",
        "register": "регистрация",
        "cancel": "аннулирование",
        "revise": "новая редакция",
        "download": "скачивание",
        "read": "просмотр",
        "bulk": "пакетное формирование",
        "import": "импорт из Excel",
        "export": "выгрузка в Excel",
        "close": "завершение",
        "consent_sign": "согласие подписано",
        "consent_withdraw": "согласие отозвано",
        "block": "блокировка",
        "unblock": "разблокировка",
        "password": "смена пароля",
        "password_reset": "сброс пароля",
    },
    "object": {
        "user": "пользователь",
        "person": "участник",
        "group": "пара/группа",
        "document": "документ",
        "bulk_job": "пакетное задание",
        "organisation": "организация",
        "series": "журнал регистрации",
        "template_variant": "вариант шаблона",
        "consent": "согласие",
        "survey": "анкета",
    },
    "detail": {
        "activate": "включён",
        "deactivate": "выключен",
        "docx": "DOCX",
        "pdf": "PDF",
        "zip": "ZIP",
        "xlsx": "XLSX",
        "processing": "на обработку персональных данных",
        "dissemination": "на распространение персональных данных",
    },
}

_VERSION = re.compile(r"^(docx|pdf) v(\d+)$")
_COUNTED = re.compile(r"^([a-z0-9-]+): (\d+)$")


def word(family: str, code: object) -> str:
    """The Russian word for `code` in `family`; an unknown code is shown as it is."""
    if code is None or code == "":
        return ""
    return CODES[family].get(str(code), str(code))


def choices(family: str) -> dict[str, str]:
    """Code -> word, in the family's order (for filters and select boxes)."""
    return dict(CODES[family])


def detail(text: str | None, kind_titles: dict[str, str]) -> str:
    """An audit line's detail in words: kind slugs become titles, «pdf v2» «PDF, версия 2»."""
    if not text:
        return ""
    if text in kind_titles:
        return kind_titles[text]
    if found := _VERSION.match(text):
        return f"{found[1].upper()}, версия {found[2]}"
    if (found := _COUNTED.match(text)) and found[1] in kind_titles:
        return f"{kind_titles[found[1]]}: {found[2]}"
    return CODES["detail"].get(text, text)
