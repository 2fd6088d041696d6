"""The OpenAPI 3.1 description of the JSON API, generated from the routes and marshmallow schemas.

Each API view carries an `api_doc` (summary, body/query/response schemas, statuses); the
paths come from the application's URL rules, the schemas from web/api/schemas.py and the
kinds' input forms, so the description cannot drift from the code. No flask import: the
application is passed in and only its URL map and view functions are read.

A request valid by this description is refused only for what no schema can state: 409 names
the rules against stored records an operation checks (`conflicts` of its view); 422 names
the rules across a body's fields that JSON Schema cannot state (`rules` of its view; for a
document's form, the kinds' rules: dates in order, one chair of a commission, the registry).
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from docgen.forms import field_constraints
from docgen.kinds import catalog
from docgen.web.api import schemas

TITLE = "docgen API"
VERSION = "1.0"
DESCRIPTION = (
    "Документы целевой модели наставничества: виды документов, черновики, версии, регистрация, "
    "файлы DOCX/PDF, реестр, показатели. Токен: POST /api/token, затем заголовок "
    "`Authorization: Bearer <токен>`. Ошибки — JSON `{error, fields}`."
)
ERROR_TEXT = {
    400: "Тело запроса не JSON-объект или неверная кодировка текста",
    401: "Нет токена или токен недействителен",
    403: "Недостаточно прав",
    404: "Не найдено",
    409: "Конфликт с состоянием записи",
    422: "Ошибки в полях запроса",
    410: "Срок ответа по ссылке истёк",
    429: "Слишком много попыток",
}
FORM_RULES = (
    "правила формы вида документа, которых не выразить схемой: порядок дат (окончание не "
    "раньше начала), один председатель и один секретарь комиссии, люди и пары из реестра "
    "организации, согласия, не отозванные на дату документа"
)
_RULE_PART = re.compile(r"<(?:(?P<conv>\w+)(?:\((?P<args>[^)]*)\))?:)?(?P<name>\w+)>")
_CACHE_KEY = "docgen.openapi"


def spec(app: Any) -> dict[str, Any]:
    """The description for this application (built once, then cached on the app)."""
    cached = app.extensions.get(_CACHE_KEY)
    if cached is None:
        cached = app.extensions[_CACHE_KEY] = build(app)
    return cached


def kind_component(kind: catalog.Kind) -> str:
    return f"input.{kind.slug}"


def build(app: Any) -> dict[str, Any]:
    named: dict[str, type] = {}
    plugin = MarshmallowPlugin(schema_name_resolver=_name_resolver(named))
    api = APISpec(
        title=TITLE,
        version=VERSION,
        openapi_version="3.1.0",
        plugins=[plugin],
        info={"description": DESCRIPTION},
        security=[{"bearer": []}],
    )
    plugin.converter.add_attribute_function(field_constraints)  # type: ignore[union-attr]
    api.components.security_scheme(
        "bearer", {"type": "http", "scheme": "bearer", "description": "Токен из POST /api/token"}
    )
    api.components.schema("Error", schema=schemas.ErrorOut)
    for kind in catalog.KINDS:
        api.components.schema(kind_component(kind), schema=kind.schema)
    rules = [
        rule
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
        if hasattr(app.view_functions.get(rule.endpoint), "api_doc")
    ]
    # The view that reads a record, by its name: where a created record's Location points.
    readers = {
        rule.endpoint.split(".", 1)[1]: (_operation_id(rule.endpoint, "GET"), name)
        for rule in rules
        if "GET" in rule.methods
        for name in [m["name"] for m in _RULE_PART.finditer(rule.rule)][-1:]
    }
    for rule in rules:
        api_doc = app.view_functions[rule.endpoint].api_doc
        path, parameters = _path(rule.rule)
        methods = sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS"))
        api.path(
            path=path,
            operations={
                m.lower(): _operation(api_doc, rule.endpoint, m, parameters, readers)
                for m in methods
            },
        )
    result = api.to_dict()
    _link_inputs(result)
    _state_rules(result, named)
    _patch_is_partial(result)
    _require_bodies(result)
    return result


def _name_resolver(taken: dict[str, type]) -> Any:
    """Component names from class names; kinds' modules may reuse a name (RoadmapRowForm).
    `taken` gathers the classes by their names."""

    def resolve(schema: Any) -> str:
        cls = schema if isinstance(schema, type) else type(schema)
        name = cls.__name__
        if taken.setdefault(name, cls) is not cls:
            name = f"{cls.__module__.rsplit('.', 1)[-1]}.{name}"
            taken.setdefault(name, cls)
        return name

    return resolve


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    """Flask rule -> OpenAPI path and its path parameters."""
    parameters = []
    for match in _RULE_PART.finditer(rule):
        parameters.append(
            {
                "name": match["name"],
                "in": "path",
                "required": True,
                "schema": _converter_schema(match["conv"] or "string", match["args"]),
            }
        )
    return _RULE_PART.sub(lambda m: "{" + m["name"] + "}", rule), parameters


def _converter_schema(converter: str, args: str | None) -> dict[str, Any]:
    if converter == "id":
        return {"type": "integer", "minimum": 1, "maximum": schemas.MAX_ID}
    if converter == "int":
        return {"type": "integer", "minimum": 0}
    if converter == "any":
        return {"type": "string", "enum": [a.strip().strip("'\"") for a in (args or "").split(",")]}
    return {"type": "string", "minLength": 1, "pattern": "^[^/]+$"}


def _operation_id(endpoint: str, method: str) -> str:
    return endpoint.split(".", 1)[1] + ("" if method != "DELETE" else "_delete")


def _json(schema: Any, many: bool) -> dict[str, Any]:
    body = {"type": "array", "items": schema} if many and schema else schema or {"type": "object"}
    return {"application/json": {"schema": body}}


def _operation(
    api_doc: Any, endpoint: str, method: str, parameters: list, readers: dict[str, tuple[str, str]]
) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "operationId": _operation_id(endpoint, method),
        "summary": api_doc.summary,
        "tags": [api_doc.tag],
        "parameters": list(parameters),
    }
    errors = set(api_doc.errors)
    if api_doc.public:
        operation["security"] = []
    else:
        errors.add(401)
    if parameters:
        errors.add(404)  # a path's record may not exist
    if api_doc.conflicts:
        errors.add(409)
    if api_doc.query is not None:
        operation["parameters"].append({"in": "query", "schema": api_doc.query})
        errors |= {400, 422}
    if method in ("POST", "PATCH"):
        # Every body is read as JSON, even when the operation declares no fields.
        operation["requestBody"] = {
            "required": False,
            "content": _json(api_doc.body or {"type": "object", "maxProperties": 0}, False),
        }
        errors |= {400, 422}
    if api_doc.binary:
        success = {
            "description": "Файл",
            "content": {mime: {"schema": {"type": "string"}} for mime in api_doc.binary},
        }
    elif api_doc.html:
        success = {
            "description": "Страница",
            "content": {"text/html": {"schema": {"type": "string"}}},
        }
    elif api_doc.status == 204:
        success = {"description": "Готово"}
    else:
        success = {"description": "Успешно", "content": _json(api_doc.response, api_doc.many)}
    if api_doc.created:
        target, param = readers[api_doc.created]
        success["headers"] = {
            "Location": {
                "description": "Адрес созданной записи (GET)",
                "schema": {"type": "string"},
            }
        }
        success["links"] = {
            "read": {"operationId": target, "parameters": {param: "$response.body#/id"}}
        }
    described = dict(ERROR_TEXT)
    if api_doc.conflicts:
        described[409] = f"Запрос верен, но противоречит записям: {api_doc.conflicts}"
    rules = api_doc.rules
    if rules is None and api_doc.body is not None and "input" in api_doc.body().fields:
        rules = FORM_RULES
    if rules:
        described[422] = f"{ERROR_TEXT[422]} или {rules}"
    operation["responses"] = {str(api_doc.status): success} | {
        str(status): {
            "description": described[status],
            "content": {"application/json": {"schema": schemas.ErrorOut}},
        }
        for status in sorted(errors)
    }
    return operation


def _link_inputs(result: dict[str, Any]) -> None:
    """A request's `input` is one of the kinds' forms: say so with references, and where the
    request names the kind, pair each kind with its own form."""
    refs = [{"$ref": f"#/components/schemas/{kind_component(k)}"} for k in catalog.KINDS]
    for component in result["components"]["schemas"].values():
        prop = component.get("properties", {}).get("input")
        if prop is not None and prop.get("type") == "object":
            described = {k: prop[k] for k in ("title", "description") if prop.get(k)}
            component["properties"]["input"] = {**described, "anyOf": refs}
            if "kind" in component["properties"]:
                component["oneOf"] = [
                    {"properties": {"kind": {"const": kind.slug}, "input": ref}}
                    for kind, ref in zip(catalog.KINDS, refs, strict=True)
                ]


def _state_rules(result: dict[str, Any], named: dict[str, type]) -> None:
    """A request's rules across its fields (`json_rules` of its schema) as `allOf`."""
    for name, component in result["components"]["schemas"].items():
        rules = getattr(named.get(name), "json_rules", ())
        if rules:
            component["allOf"] = [dict(rule) for rule in rules]


def _patch_is_partial(result: dict[str, Any]) -> None:
    result["components"]["schemas"].get("PersonPatchRequest", {}).pop("required", None)


def _require_bodies(result: dict[str, Any]) -> None:
    """A body whose schema names required fields is itself required (an empty body is `{}`)."""
    components = result["components"]["schemas"]
    for item in result["paths"].values():
        for operation in item.values():
            body = operation.get("requestBody")
            if body is None:
                continue
            schema = body["content"]["application/json"]["schema"]
            ref = schema.get("$ref", "").rsplit("/", 1)[-1]
            if components.get(ref, schema).get("required"):
                body["required"] = True


def html(description: dict[str, Any]) -> str:
    """A plain page listing the operations, for people reading the API without tools."""
    rows = []
    for path, item in description["paths"].items():
        for method, operation in item.items():
            rows.append(
                f"<tr><td><code>{method.upper()}</code></td><td><code>{html_lib.escape(path)}"
                f"</code></td><td>{html_lib.escape(operation.get('summary', ''))}</td></tr>"
            )
    return (
        '<!doctype html><html lang="ru"><head><meta charset="utf-8">'
        f"<title>{html_lib.escape(TITLE)}</title></head><body>"
        f"<h1>{html_lib.escape(TITLE)}</h1><p>{html_lib.escape(DESCRIPTION)}</p>"
        '<p>Машиночитаемое описание: <a href="/api/openapi.json">/api/openapi.json</a></p>'
        "<table border=1 cellpadding=4><tr><th>Метод</th><th>Путь</th><th>Назначение</th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
