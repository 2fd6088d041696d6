"""The «Наставничество» page of a school's website: required documents and indicators.

The documents come from the archive (registered documents of the organisation by kind) or
from the input; the indicators from `docgen.registry.indicators`. `disclosure_html` gives the fragment
to paste into a site; the DOCX/PDF is rendered from the `disclosure` template like any kind.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from docgen import ru
from docgen.registry.indicators import Value

MISSING = "отсутствует"


@dataclass(frozen=True)
class Line:
    """A document line the page must have: its code (used by the form) and its title."""

    code: str
    title: str
    many: bool = False


# The page's document lines, in the order of the page; which kinds fill each is said by the
# kinds themselves (`Kind.disclosed_as` in the catalog).
LINES: tuple[Line, ...] = (
    Line("implementation_order", "Приказ о внедрении целевой модели наставничества"),
    Line("regulation_teachers", "Положение о системе наставничества педагогических работников"),
    Line("regulation_students", "Положение о системе наставничества обучающихся"),
    Line(
        "roadmap",
        "План мероприятий (дорожная карта) внедрения целевой модели наставничества",
    ),
    Line("programme", "Программа наставничества образовательной организации"),
    Line(
        "curator_order",
        "Приказ о назначении куратора внедрения и реализации целевой модели наставничества",
    ),
    Line("pairs_orders", "Приказ(ы) о закреплении наставнических пар/групп", many=True),
)
REQUIRED_CODES = tuple(line.code for line in LINES)
REQUIRED_TITLES = tuple(line.title for line in LINES)


@dataclass(frozen=True)
class Shown:
    """A page line a kind fills (`Kind.disclosed_as`); for the two regulations, which one.

    A regulation is told by its input's `variant` (kinds/programmes/schema.py), or failing that
    by a word of its title.
    """

    code: str
    title_has: str = ""
    variant: str = ""


@dataclass(frozen=True)
class Required:
    """A kind that fills a page line, as the catalog hands it to `from_archive`."""

    kind: str
    shown: Shown

    def matches(self, row: Mapping[str, Any]) -> bool:
        if row["kind"] != self.kind:
            return False
        if not (self.shown.variant or self.shown.title_has):
            return True
        variant = _input(row.get("input_json")).get("variant")
        if variant:
            return variant == self.shown.variant
        return self.shown.title_has in (row["title"] or "").casefold()


def _input(text: str | None) -> dict:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class Found:
    """One registered document (or the order that approved it) with its published PDF link."""

    number: str
    date: dt.date
    url: str = ""
    approved_by_order: bool = False

    @property
    def text(self) -> str:
        requisites = f"от {ru.date_short(self.date)} № {self.number}"
        return f"утверждено приказом {requisites}" if self.approved_by_order else requisites


@dataclass(frozen=True)
class Entry:
    """A line of the page: a required document and what the archive (or input) has of it."""

    code: str
    title: str
    found: tuple[Found, ...]

    @property
    def missing(self) -> bool:
        return not self.found

    @property
    def text(self) -> str:
        return "; ".join(f.text for f in self.found) if self.found else MISSING


def _url(pattern: str, document_id: int, number: str) -> str:
    if not pattern:
        return ""
    return pattern.replace("{id}", str(document_id)).replace("{number}", number)


def from_archive(
    db: Any,
    org_id: int,
    on: dt.date,
    required: Iterable[Required],
    pdf_url_pattern: str = "",
) -> list[Entry]:
    """The page's lines from documents registered by `on`: an annex counts with the order
    approving it. `required` says which kinds fill which line."""
    rows = list(
        db.query(
            "SELECT d.id, d.kind, d.title, d.number, d.reg_date, d.status, "
            "o.number AS order_number, o.reg_date AS order_date, "
            "(SELECT v.input_json FROM versions v WHERE v.document_id = d.id "
            "ORDER BY v.n DESC LIMIT 1) AS input_json "
            "FROM documents d LEFT JOIN links l ON l.child_document_id = d.id "
            "LEFT JOIN documents o ON o.id = l.parent_document_id AND o.status = 'registered' "
            "WHERE d.org_id = ? AND d.status IN ('registered', 'draft') "
            "ORDER BY coalesce(d.reg_date, o.reg_date), d.id",
            [org_id],
        )
    )
    day = on.isoformat()
    required = tuple(required)
    entries = []
    for line in LINES:
        fillers = [item for item in required if item.shown.code == line.code]
        found = []
        for row in rows:
            if not any(item.matches(row) for item in fillers):
                continue
            if row["status"] == "registered" and row["reg_date"] <= day:
                number, date, by_order = row["number"], row["reg_date"], False
            elif row["order_number"] and row["order_date"] <= day:
                number, date, by_order = row["order_number"], row["order_date"], True
            else:
                continue
            url = _url(pdf_url_pattern, row["id"], number)
            found.append(Found(number, dt.date.fromisoformat(date), url, by_order))
        if found and not line.many:
            found = found[-1:]  # the newest is the one in force
        entries.append(Entry(line.code, line.title, tuple(found)))
    return entries


def from_input(documents: Iterable[Mapping[str, Any]]) -> list[Entry]:
    """Required documents as the form gives them: {code, number, date, url}, several per code."""
    given: dict[str, list[Found]] = {}
    for item in documents:
        found = Found(item["number"], item["date"], item.get("url") or "")
        given.setdefault(item["code"], []).append(found)
    return [Entry(line.code, line.title, tuple(given.get(line.code, ()))) for line in LINES]


def with_links(entries: list[Entry], documents: Iterable[Mapping[str, Any]]) -> list[Entry]:
    """Archive entries with the links the form gives for a code where the archive has none."""
    links = {item["code"]: item.get("url") for item in documents if item.get("url")}
    result = []
    for entry in entries:
        url = links.get(entry.code)
        if url and entry.found:
            found = tuple(
                f if f.url else Found(f.number, f.date, url, f.approved_by_order)
                for f in entry.found
            )
            entry = Entry(entry.code, entry.title, found)
        result.append(entry)
    return result


def indicator_text(value: Value) -> str:
    """«41,7 % (5 из 12)», «5/2», «8», «—»; a satisfaction figure says where it comes from."""
    if value.is_share and value.value is not None and value.denominator:
        text = f"{value.text} ({value.numerator} из {value.denominator})"
        return f"{text}; {value.source_text}" if value.source_text else text
    return value.text


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def disclosure_html(values: Mapping[str, Any]) -> str:
    """The page section as an HTML fragment: a heading and one semantic, escaped table.

    `values` is the disclosure kind's context (org, title, on, entries, figures).
    """
    org = values["org"]
    on = values.get("on_date") or values.get("on")
    heading = f"{values['title']} в {org.name_in('pre')}"
    lines = [
        '<section class="mentoring-disclosure">',
        f"<h2>{_e(heading)}</h2>",
    ]
    if on:
        lines.append(
            f'<p>По состоянию на <time datetime="{on.isoformat()}">{_e(ru.date_short(on))}</time></p>'
        )
    lines += [
        "<table>",
        f"<caption>{_e(heading)}</caption>",
        "<thead><tr>"
        '<th scope="col">№ п/п</th>'
        '<th scope="col">Наименование документа, показателя</th>'
        '<th scope="col">Реквизиты, электронная ссылка, значение</th>'
        "</tr></thead>",
        "<tbody>",
    ]
    n = 0
    for entry in values["entries"]:
        n += 1
        if entry.missing:
            cell = f'<span class="missing">{_e(MISSING)}</span>'
        else:
            parts = []
            for found in entry.found:
                text = _e(found.text)
                if found.url:
                    text += f' — <a href="{_e(found.url)}">{_e(found.url)}</a>'
                parts.append(text)
            cell = "<br>".join(parts)
        lines.append(f'<tr><td>{n}.</td><th scope="row">{_e(entry.title)}</th><td>{cell}</td></tr>')
    for value in values["figures"]:
        n += 1
        title = value.title + (", %" if value.is_share else "")
        lines.append(
            f'<tr><td>{n}.</td><th scope="row">{_e(title)}</th>'
            f"<td>{_e(indicator_text(value))}</td></tr>"
        )
    lines += ["</tbody>", "</table>", "</section>"]
    return "\n".join(lines) + "\n"
