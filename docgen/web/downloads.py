"""Files sent to the browser: the Russian name kept (RFC 5987) with a readable Latin fallback."""

from __future__ import annotations

import io
import re
from urllib.parse import quote

from flask import Response, send_file

_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch  y  e yu ya".split(" "),
        strict=True,
    )
)
_LATIN["№"] = "N"
_UNSAFE = re.compile(r"[^A-Za-z0-9 ._()\-]+")


def transliterate(text: str) -> str:
    """«№ 1-од Приказ (в1).docx» -> «N 1-od Prikaz (v1).docx»: what an old browser shows."""
    out = []
    for char in text:
        latin = _LATIN.get(char.lower())
        if latin is None:
            out.append(char)
        else:
            out.append(latin.capitalize() if char.isupper() and latin else latin)
    ascii_name = _UNSAFE.sub(" ", "".join(out).replace("«", "").replace("»", ""))
    return re.sub(r"\s+", " ", ascii_name).strip() or "file"


def disposition(name: str) -> str:
    """Content-Disposition with both names: `filename` in Latin, `filename*` in UTF-8."""
    return (
        f"attachment; filename=\"{transliterate(name)}\"; filename*=UTF-8''{quote(name, safe='')}"
    )


def send(content: bytes, name: str, mime: str) -> Response:
    """The bytes as an attachment called `name`, never sniffed as another type."""
    response = send_file(io.BytesIO(content), mimetype=mime, as_attachment=True, download_name=name)
    response.headers["Content-Disposition"] = disposition(name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
