"""Values the report templates compute: the indicators (from the registry or the input) and the
disclosure page's lines (from the archive or the input)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from docgen.kinds.reports import disclosure
from docgen.registry import indicators as ind


def _survey(values: Mapping[str, Any]) -> dict[str, ind.Survey]:
    result = {}
    for code, name in (
        ("satisfaction_mentees", "survey_mentees"),
        ("satisfaction_mentors", "survey_mentors"),
    ):
        given = values.get(name)
        if given:
            result[code] = ind.Survey(given["satisfied"], given["respondents"])
    return result


def _org_ids(db: Any, org_id: int) -> list[int]:
    """A department reports for its schools; a school for itself."""
    org = next(db.query("SELECT kind FROM organisations WHERE id = ?", [org_id]), None)
    if org and org["kind"] == "department":
        schools = [
            r["id"] for r in db.query("SELECT id FROM organisations WHERE parent_id = ?", [org_id])
        ]
        return schools or [org_id]
    return [org_id]


def _from_registry(sources: Any) -> bool:
    return sources.db is not None and sources.org_id is not None


def figures(values: Mapping[str, Any], sources: Any, on: dt.date) -> tuple[list, bool]:
    """The indicators from the registry when attached, else from the input; and which."""
    survey = _survey(values)
    if _from_registry(sources):
        ids = _org_ids(sources.db, sources.org_id)
        return ind.compute(sources.db, ids, on, values.get("year"), survey), True
    rows = [dict(row) for row in values.get("indicators") or []]
    for code, figures_ in survey.items():
        rows = [r for r in rows if r["code"] != code]
        rows.append(
            {
                "code": code,
                "numerator": figures_.satisfied,
                "denominator": figures_.respondents,
                "source": "typed",
            }
        )
    return ind.from_input(rows), False


def report_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    on = values.get("on") or values["period_end"]
    values_, from_registry = figures(values, sources, on)
    return {
        "figures": values_,
        "table": ind.table_rows(values_),
        "on_date": on,
        "report_date": values.get("date") or on,
        "from_registry": from_registry,
    }


def disclosure_extras(
    values: Mapping[str, Any], sources: Any, required: Iterable[disclosure.Required]
) -> dict[str, Any]:
    """The page's lines and indicators; `required` (from the catalog) says which kinds fill
    which line."""
    on = values.get("on") or sources.on or values["today"]
    values_, from_registry = figures(values, sources, on)
    documents = values.get("documents") or []
    if _from_registry(sources):
        entries = disclosure.from_archive(
            sources.db, sources.org_id, on, required, values.get("pdf_url_pattern") or ""
        )
        entries = disclosure.with_links(entries, documents)
    else:
        complete = [d for d in documents if d.get("number") and d.get("date")]
        entries = disclosure.from_input(complete)
    lines = [
        {
            "title": e.title,
            "parts": [{"text": f.text, "url": f.url} for f in e.found]
            or [{"text": disclosure.MISSING, "url": ""}],
        }
        for e in entries
    ]
    lines += [
        {
            "title": v.title + (", %" if v.is_share else ""),
            "parts": [{"text": disclosure.indicator_text(v), "url": ""}],
        }
        for v in values_
    ]
    return {
        "figures": values_,
        "entries": entries,
        "lines": lines,
        "on_date": on,
        "from_registry": from_registry,
    }


REPORT_PROVIDES = frozenset({"figures", "table", "on_date", "report_date", "from_registry"})
DISCLOSURE_PROVIDES = frozenset({"figures", "entries", "lines", "on_date", "from_registry"})
