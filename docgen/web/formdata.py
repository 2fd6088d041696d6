"""Flat HTML form data <-> the nested input of a marshmallow schema, and what pages draw.

A page names every input by its dotted path in the input (`curator.surname`,
`duties.2.deadline`); this module turns the submitted pairs back into nested input, maps
marshmallow's nested error messages onto the same paths, and describes each field (label,
hint, widget) so one template can draw a form for any schema.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema, fields, missing, validate

from docgen import codes, dates
from docgen.documents import archive
from docgen.errors import field_paths
from docgen.forms import Text, int_from_text
from docgen.kinds.collegial import refs
from docgen.kinds.fields import PersonForm
from docgen.registry import groups as registry_groups


def row_placeholder(depth: int) -> str:
    """The index placeholder of a row template at a nesting depth (rows inside rows differ)."""
    return f"__i{depth}__"


# Codes a select box offers are shown as words (docgen.codes holds every family).
CHOICE_LABELS = {
    **codes.CODES["sex"],
    **codes.CODES["consent_kind"],
    **codes.CODES["signer"],
    **codes.CODES["group_status"],
}
_LONG_TEXT = 1000


# The kinds' hints («например: до 01.10.2024») are written for the school year 2024/2025; a
# page shows them moved to the current school year, so the example is a date one may type.
HINT_SCHOOL_YEAR = 2024
_YEAR = re.compile(r"(?<!\d)(20[2-3]\d)(?!\d)")


def school_year(on: dt.date) -> int:
    """The year the school year containing `on` began (it begins on 1 September)."""
    return on.year if on.month >= 9 else on.year - 1


def current_years(hint: str, on: dt.date) -> str:
    """The hint with its years moved from the school year 2024/2025 to the one of `on`."""
    shift = school_year(on) - HINT_SCHOOL_YEAR
    if not shift or not hint:
        return hint
    return _YEAR.sub(lambda m: str(int(m.group(1)) + shift), hint)


@dataclass(frozen=True)
class Spec:
    """One field of a schema as a page draws it."""

    name: str
    title: str
    hint: str
    widget: str  # text, textarea, date, number, checkbox, select, group, person, rows, pick
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    children: tuple[Spec, ...] = ()
    item: Spec | None = None  # the element of a `rows` field
    default: Any = None  # what the schema takes when the field is left out
    source: str = ""  # for `pick`: which registry list the options come from (PICKERS)
    integer: bool = False  # the schema wants an int: typed digits are read as one


@dataclass
class Bound:
    """A field with its dotted input name, the value to show and its error messages."""

    spec: Spec
    path: str
    value: str = ""
    errors: list[str] = field(default_factory=list)
    children: list[Bound] = field(default_factory=list)
    rows: list[Bound] = field(default_factory=list)
    blank_row: Bound | None = None
    placeholder: str = ""
    given: bool = False  # the value came from the input, not from the schema's default
    options: list[tuple[str, str]] = field(default_factory=list)

    @property
    def widget(self) -> str:
        return self.spec.widget

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def hint(self) -> str:
        return current_years(self.spec.hint, dt.date.today())

    @property
    def filled(self) -> bool:
        """Whether anything was entered here or below, or an error points here."""
        if self.errors or (self.given and self.value):
            return True
        return any(b.filled for b in (*self.children, *self.rows))

    @property
    def dom_id(self) -> str:
        return "f-" + self.path.replace(".", "-")


def _schema(schema: type[Schema] | Schema) -> Schema:
    return schema() if isinstance(schema, type) else schema


def _choices(schema_field: fields.Field) -> tuple[tuple[str, str], ...]:
    for validator in schema_field.validators:
        if isinstance(validator, validate.OneOf):
            if validator.labels:  # the schema names its codes (forms.one_of with labels)
                return tuple(
                    (str(c), str(t))
                    for c, t in zip(validator.choices, validator.labels, strict=True)
                )
            return tuple((str(c), CHOICE_LABELS.get(str(c), str(c))) for c in validator.choices)
    return ()


def _max_length(schema_field: fields.Field) -> int | None:
    for validator in schema_field.validators:
        if isinstance(validator, validate.Length) and validator.max is not None:
            return validator.max
    return None


def _spec(name: str, schema_field: fields.Field) -> Spec:
    meta = schema_field.metadata
    default = schema_field.load_default
    common = {
        "name": name,
        "title": meta.get("title") or name,
        "hint": meta.get("description") or "",
        "required": schema_field.required,
        "default": None if default is missing or callable(default) else default,
        "integer": isinstance(schema_field, fields.Integer),
    }
    if isinstance(schema_field, fields.Nested):
        nested = _schema(schema_field.schema)
        widget = "person" if isinstance(nested, PersonForm) else "group"
        return Spec(widget=widget, children=describe(nested), **common)
    if isinstance(schema_field, fields.List):
        inner = schema_field.inner
        item = _spec("", inner)
        if item.widget in ("group", "person"):
            item = Spec(**{**item.__dict__, "title": "", "hint": ""})
        return Spec(widget="rows", item=item, **common)
    source = meta.get("picker") or PICKERS.get(name)
    if source:
        return Spec(widget="pick", source=source, **common)
    choices = _choices(schema_field)
    if choices:
        return Spec(widget="select", choices=choices, **common)
    if isinstance(schema_field, fields.Boolean):
        return Spec(widget="checkbox", **common)
    if isinstance(schema_field, fields.Date):
        return Spec(widget="date", **common)
    if isinstance(schema_field, fields.Number):
        return Spec(widget="number", **common)
    long_text = isinstance(schema_field, Text) or (_max_length(schema_field) or 0) >= _LONG_TEXT
    return Spec(widget="textarea" if long_text else "text", **common)


# Fields that name a registry record by its number, or a value the registry lists, are drawn
# as a list of the records by name (`pick`); a field may also say so with metadata `picker`.
PICKERS = {
    "group_id": "groups",
    "form": "forms",
    "protocol_id": "protocols",
    "programme_id": "programmes",
}


def pick_options(db: Any, org_id: int) -> dict[str, list[tuple[str, str]]]:
    """The lists `pick` fields choose from: the organisation's pairs and the mentoring forms."""
    pairs = []
    for group in registry_groups.list_groups(db, org_id):
        mentees = ", ".join(_short(mentee) for mentee in group["mentees"])
        start = dt.date.fromisoformat(group["start_date"])
        label = (
            f"{_short(group['mentor'])} → {mentees}, {group['form']['title']}, с {start:%d.%m.%Y}"
        )
        if group["status"] == "closed":
            label += " (завершена)"
        pairs.append((str(group["id"]), label))
    forms = [(form["title"], form["title"]) for form in registry_groups.list_forms(db)]
    protocols = [
        (str(row["id"]), f"Протокол № {row['number']} от {_ru_date(row['reg_date'])}")
        for row in refs.registered_protocols(db, org_id)
    ]
    programmes = [
        (str(row["id"]), _document_label(row))
        for row in archive.list_documents(db, org_id, kind="personal-programme")
        if row["status"] != "cancelled"
    ]
    return {"groups": pairs, "forms": forms, "protocols": protocols, "programmes": programmes}


def _ru_date(iso: str | None) -> str:
    return dt.date.fromisoformat(iso[:10]).strftime("%d.%m.%Y") if iso else ""


def _document_label(row: Mapping[str, Any]) -> str:
    """«title — № 5 от 01.10.2026», or «title — черновик от 01.10.2026»."""
    if row["status"] == "registered":
        return f"{row['title']} — № {row['number']} от {_ru_date(row['reg_date'])}"
    return f"{row['title']} — черновик от {_ru_date(row['created_at'])}"


def _short(person: Mapping[str, Any]) -> str:
    initials = "".join(f"{p[0]}." for p in (person.get("name"), person.get("patronymic")) if p)
    return f"{person['surname']} {initials}".strip()


def _rank(schema_class: type, name: str) -> int:
    """How far up the class tree a field is declared: the kind's own fields come first."""
    # marshmallow moves declared fields off the class into _declared_fields, inherited ones
    # included, so a field is declared just below the first base that lacks it.
    for depth, klass in enumerate(schema_class.__mro__):
        if name not in getattr(klass, "_declared_fields", {}):
            return depth - 1
    return len(schema_class.__mro__)


def describe(schema: type[Schema] | Schema) -> tuple[Spec, ...]:
    """The fields of a schema as pages draw them: its own fields first, shared ones after."""
    instance = _schema(schema)
    names = [
        name
        for name, f in instance.fields.items()
        if not f.dump_only and not f.metadata.get("api_only")
    ]
    names.sort(key=lambda name: _rank(type(instance), name))  # stable: keeps declaration order
    return tuple(_spec(name, instance.fields[name]) for name in names)


# --- form -> input ----------------------------------------------------------------


def _get(form: Mapping[str, Any], key: str) -> str | None:
    if hasattr(form, "getlist"):
        values = form.getlist(key)
        return values[-1] if values else None
    value = form.get(key)
    if isinstance(value, list):
        return value[-1] if value else None
    return value


def _indices(form: Mapping[str, Any], path: str) -> list[int]:
    prefix = path + "."
    found: set[int] = set()
    for key in form:
        if key.startswith(prefix):
            head = key[len(prefix) :].split(".", 1)[0]
            if head.isdigit():
                found.add(int(head))
    return sorted(found)


def _read(spec: Spec, form: Mapping[str, Any], path: str) -> Any:
    """The value of one field, or None when nothing was entered."""
    if spec.widget in ("group", "person"):
        values = _read_all(spec.children, form, path + ".")
        # Unticked boxes alone do not make an optional block filled in.
        return values if any(v is not False for v in values.values()) else None
    if spec.widget == "rows":
        assert spec.item is not None
        items = [_read(spec.item, form, f"{path}.{i}") for i in _indices(form, path)]
        return [item for item in items if item is not None] or None
    raw = _get(form, path)
    if spec.widget == "checkbox":
        # Pages send a hidden "" before each box, so an unticked box reads as False.
        return None if raw is None else bool(raw)
    if raw is None or not raw.strip():
        return None
    return int_from_text(raw) if spec.integer else raw


def _read_all(specs: Iterable[Spec], form: Mapping[str, Any], prefix: str = "") -> dict:
    out: dict[str, Any] = {}
    for spec in specs:
        value = _read(spec, form, prefix + spec.name)
        if value is not None:
            out[spec.name] = value
    return out


def unflatten(form: Mapping[str, Any], specs: Iterable[Spec]) -> dict[str, Any]:
    """Nested input from submitted pairs; blank fields and rows are left out.

    A left-out field takes its schema default, and a required one is reported as missing,
    which is what a person who left it blank means. Rows keep their order, gaps removed.
    """
    return _read_all(specs, form)


# --- input -> what the page shows ---------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _date_value(value: Any) -> str:
    """ДД.ММ.ГГГГ whatever the browser's language; text that is no date is kept as typed."""
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    text = _text(value).strip()
    try:
        day = dates.parse(text)
    except dates.DateError:
        return text
    return f"{day.day:02d}.{day.month:02d}.{day.year:04d}"


def _own(messages: list[str], title: str) -> list[str]:
    # Registry messages start with the field's label, which the page already shows beside it.
    head = f"{title}: "
    return [m[len(head) :] if m.startswith(head) and len(m) > len(head) else m for m in messages]


class _Binder:
    def __init__(self, errors: Mapping[str, list[str]], options: Mapping[str, list]):
        self.errors = errors
        self.options = options
        self.used: set[str] = set()

    def errors_at(self, path: str, title: str) -> list[str]:
        self.used.add(path)
        return _own(list(self.errors.get(path, [])), title)

    @staticmethod
    def shown(spec: Spec, value: Any, path: str) -> Any:
        """A top-level field left out shows the value the schema will use for it.

        Not inside blocks: a default shown there would be sent back and make an optional
        block (the organisation, say) look filled in.
        """
        return spec.default if value is None and "." not in path else value

    def bind(self, spec: Spec, value: Any, path: str, depth: int = 0) -> Bound:
        bound = Bound(spec, path, errors=self.errors_at(path, spec.title), given=value is not None)
        if spec.widget in ("group", "person"):
            data = value if isinstance(value, Mapping) else {}
            bound.children = [
                self.bind(c, data.get(c.name), f"{path}.{c.name}", depth) for c in spec.children
            ]
            if spec.widget == "person":
                bound.options = list(self.options.get("person", []))
        elif spec.widget == "rows":
            assert spec.item is not None
            items = value if isinstance(value, list) else []
            bound.rows = [
                self.bind(spec.item, item, f"{path}.{i}", depth + 1) for i, item in enumerate(items)
            ]
            template = _Binder({}, self.options)
            bound.placeholder = row_placeholder(depth)
            bound.blank_row = template.bind(
                spec.item, None, f"{path}.{bound.placeholder}", depth + 1
            )
        elif spec.widget == "date":
            bound.value = _date_value(self.shown(spec, value, path))
        elif spec.widget == "pick":
            bound.value = _text(self.shown(spec, value, path))
            bound.options = list(self.options.get(spec.source, []))
        elif spec.widget == "checkbox":
            # A stored flag is 0 or 1 (SQLite), a form's is a bool: ticked only when true.
            shown = self.shown(spec, value, path)
            bound.value = "1" if shown not in (None, False, 0, "", "0") else ""
        else:
            bound.value = _text(self.shown(spec, value, path))
        return bound


@dataclass
class BoundForm:
    """A whole form: its fields, and errors that belong to no field (shown on top)."""

    fields: list[Bound]
    general: list[str]

    @property
    def has_errors(self) -> bool:
        return bool(self.general) or any(_has_errors(b) for b in self.fields)


def _has_errors(bound: Bound) -> bool:
    return bool(bound.errors) or any(_has_errors(b) for b in (*bound.children, *bound.rows))


def bind(
    specs: Iterable[Spec],
    values: Mapping[str, Any] | None,
    errors: Any = None,
    *,
    people: Iterable[tuple[Any, str]] = (),
    picks: Mapping[str, list[tuple[str, str]]] | None = None,
) -> BoundForm:
    """The fields with the values to show and their errors; `people` fills person selects,
    `picks` the registry lists of `pick` fields (see pick_options)."""
    paths = field_paths(errors) if errors else {}
    options = {**(picks or {}), "person": [(str(pid), label) for pid, label in people]}
    binder = _Binder(paths, options)
    data = values or {}
    bound = [binder.bind(spec, data.get(spec.name), spec.name) for spec in specs]
    general = [msg for path, msgs in paths.items() if path not in binder.used for msg in msgs]
    return BoundForm(bound, general)


# --- what changed between two inputs --------------------------------------------------


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    return str(value)


def _leaves(specs: Iterable[Spec], data: Any, labels: tuple[str, ...]) -> dict[str, tuple]:
    """Dotted path -> (labels, value) for every filled leaf of the input."""
    out: dict[str, tuple] = {}
    data = data if isinstance(data, Mapping) else {}
    known = {spec.name: spec for spec in specs}
    for key, value in data.items():
        spec = known.get(key)
        label = labels + ((spec.title if spec else key),)
        out.update(_leaf(spec, value, key, label))
    return out


def _leaf(spec: Spec | None, value: Any, path: str, label: tuple[str, ...]) -> dict[str, tuple]:
    if spec is not None and spec.widget in ("group", "person") and isinstance(value, Mapping):
        return {f"{path}.{k}": v for k, v in _leaves(spec.children, value, label).items()}
    if isinstance(value, list):
        item = spec.item if spec is not None else None
        out: dict[str, tuple] = {}
        for i, element in enumerate(value):
            out.update(_leaf(item, element, f"{path}.{i}", (*label, f"№ {i + 1}")))
        return out
    if isinstance(value, Mapping):
        return {f"{path}.{k}": v for k, v in _leaves((), value, label).items()}
    return {path: (label, value)}


def diff(
    schema: type[Schema] | Schema, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[Change]:
    """Field-by-field changes between two inputs, labelled with the fields' Russian titles."""
    specs = describe(schema)
    old, new = _leaves(specs, before, ()), _leaves(specs, after, ())
    changes = []
    for path in list(old) + [p for p in new if p not in old]:
        a = old.get(path, ((), None))
        b = new.get(path, ((), None))
        if _shown(a[1]) != _shown(b[1]):
            label = " → ".join(x for x in (b[0] or a[0]) if x)
            changes.append(Change(label, _shown(a[1]), _shown(b[1])))
    return changes
