"""What every response carries for the browser's protection, and where a redirect may lead.

Headers: a Content-Security-Policy without inline script (inline styles stay allowed: the
document preview is HTML with its own scoped <style>, and the indicator bars use style
attributes), no framing by another site, no MIME sniffing, no full referrer to other sites,
and HSTS when the app is served over HTTPS (the HTTPS setting, see create_app).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, current_app

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"

# Browsers drop tabs and newlines inside URLs and read a backslash as a slash, so
# "/\t/evil.host" and "/\\evil.host" both lead off-site: such characters refuse the target.
_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def local_path(target: str | None) -> str | None:
    """`target` if it is a path on this site ("/…", no scheme, no host), else None."""
    if not target or _UNSAFE.search(target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("HTTPS"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_add_headers)
