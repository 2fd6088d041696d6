"""How an API view is declared: one decorator routes it, documents it, parses and answers.

`endpoint(bp, "POST", "/documents", summary, tag, body=…, response=…)` registers the rule and
attaches an `ApiDoc` from which openapi.py describes the view. The wrapper checks the token,
reads the JSON body or the query with the declared schema, checks the declared permission,
and dumps what the view returns with the response schema, so a view only calls the service.

What the description cannot state — a rule against stored records (a date before the
person's birth, a pair closed before it started, the same person twice) — is declared with
`conflicts=`: when the body is valid by its schema and the service still refuses it with
field errors, the refusal is a conflict with the stored records, answered 409 with the same
message and fields (RFC 9110: a conflict with the current state of the resource).
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Callable
from typing import Any

import sqlite_utils
from flask import Blueprint, Response, current_app, g, jsonify, request, url_for
from marshmallow import Schema, ValidationError, fields

from docgen.accounts import permissions
from docgen.errors import Conflict, DocgenError, FieldErrors
from docgen.forms import Form, int_from_text
from docgen.registry.schemas import field_errors
from docgen.web import errors, helpers
from docgen.web.api import schemas


class Unauthorized(DocgenError):
    """No valid token, or a wrong login or password."""

    status = 401


class TooManyAttempts(DocgenError):
    """Sign-in is locked after too many wrong passwords."""

    status = 429


class BadRequest(DocgenError):
    """The body is not a JSON object a document or database can hold."""

    status = 400


@dataclasses.dataclass(frozen=True)
class ApiDoc:
    """What the OpenAPI description says about one view."""

    summary: str
    tag: str
    body: type[Schema] | None = None
    query: type[Schema] | None = None
    response: type[Schema] | None = None
    many: bool = False
    status: int = 200
    errors: tuple[int, ...] = ()
    public: bool = False
    binary: tuple[str, ...] = ()
    """MIME types of a file response instead of JSON."""
    html: bool = False
    """The answer is a page for people (text/html)."""
    created: str | None = None
    """The view (of this blueprint) that reads what the answer's `id` names: the Location."""
    conflicts: str | None = None
    """The rules the service checks against stored records (Russian, for the description):
    its field errors on a body valid by the schema answer 409."""
    rules: str | None = None
    """The body's rules across its fields that JSON Schema cannot state (Russian, for the
    description of 422): a date after another, a date from today."""


class StoredConflict(Conflict):
    """A body valid by its schema that the stored records do not admit."""


@dataclasses.dataclass
class Call:
    """What a view is given: the connection, the user, the parsed body or query."""

    db: sqlite_utils.Database
    user: dict | None
    data: dict[str, Any]
    org_id: int | None = None
    """The organisation the request names (the user's own by default), when declared."""

    def org(self, given: int | None) -> int:
        """`given`, or the user's organisation; a field error when the user has none."""
        if given is not None:
            return given
        org_id = (self.user or {}).get("org_id")
        if org_id is None:
            message = "Укажите организацию: у пользователя её нет."
            raise FieldErrors(message, fields={"org_id": [message]})
        return org_id


BODY_METHODS = ("POST", "PATCH")


def endpoint(
    bp: Blueprint,
    method: str,
    rule: str,
    summary: str,
    tag: str,
    *,
    on: tuple[str, str] | None = None,
    org: str | None = None,
    raw: bool = False,
    **doc: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Route and document a view; see the module docstring.

    on: (action, object type) the user needs on the record named by the path's first id,
        checked before the body's fields are validated.
    org: the action the user needs on the organisation in the body's or query's `org_id`.
    raw: hand the JSON body over unvalidated: the service validates it with its own schema.
    """
    api_doc = ApiDoc(summary, tag, **doc)

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapped(**args: Any) -> Any:
            call = Call(helpers.get_db(), None if api_doc.public else _token_user(), {})
            body = _body() if method in BODY_METHODS else None
            if on is not None:
                action, object_type = on
                permissions.require_on(
                    call.db, call.user, action, object_type, next(iter(args.values()))
                )
            if body is not None:
                call.data = body if raw else errors.load(_schema(api_doc.body or Form), body)
            elif api_doc.query is not None:
                call.data = _query(_schema(api_doc.query))
            if org is not None:
                call.org_id = call.org(_pop_org_id(call.data, raw))
                permissions.require(call.user, org, call.org_id, call.db)
                g.api_org_id = call.org_id  # for the audit of reads (web/reads.py)
            if body is not None and raw:
                _as_described(api_doc, method, body)
            try:
                result = view(call, **args)
            except FieldErrors as err:
                if api_doc.conflicts is None:
                    raise
                # The body keeps to its description (checked above): what the service refuses
                # conflicts with what is stored.
                raise StoredConflict(err.message, fields=err.fields) from None
            return _respond(api_doc, result, bp.name)

        wrapped.api_doc = api_doc  # type: ignore[attr-defined]
        bp.add_url_rule(rule, view_func=wrapped, methods=[method])
        return wrapped

    return decorate


@functools.cache
def _schema(cls: type[Schema]) -> Schema:
    """One instance of each request and response schema: they keep no state between calls,
    and building one (its fields copied) cost more than using it."""
    return cls()


def _as_described(api_doc: ApiDoc, method: str, body: dict[str, Any]) -> None:
    """A body handed over raw is still refused where it breaks its description (the service's
    own schema may be kinder, e.g. to "" from a page's empty box), with labelled messages."""
    if api_doc.body is None:
        return
    schema = api_doc.body(partial=method == "PATCH")
    try:
        schema.load(body)
    except ValidationError as err:
        raise field_errors(schema, err.messages) from None


def _token_user() -> dict:
    # Only the token counts: a browser's session cookie must not drive the API without CSRF.
    header = request.headers.get("Authorization", "")
    user = helpers.current_user() if header.startswith("Bearer ") else None
    if user is None:
        raise Unauthorized("Нужен действующий токен: заголовок Authorization: Bearer <токен>.")
    return user


def _pop_org_id(data: dict[str, Any], raw: bool) -> int | None:
    given = data.pop("org_id", None)
    if raw:  # not validated yet: the service's schema knows nothing of org_id
        given = errors.load(schemas.OrgRef(), {"org_id": given})["org_id"]
    return given


def _respond(api_doc: ApiDoc, result: Any, blueprint: str) -> Response:
    if isinstance(result, Response):
        response = result
    elif result is None:
        return Response(status=api_doc.status)
    else:
        assert api_doc.response is not None, "a view that returns data declares its response"
        response = jsonify(_schema(api_doc.response).dump(result, many=api_doc.many))
        response.status_code = api_doc.status
    if api_doc.created and response.is_json and response.status_code < 300:
        response.headers["Location"] = _location(f"{blueprint}.{api_doc.created}", response)
    return response


def _location(reader: str, response: Response) -> str:
    """The URL of the reader view for the answer's `id` (its one path argument)."""
    (name,) = next(iter(current_app.url_map.iter_rules(reader))).arguments
    return url_for(reader, **{name: response.get_json()["id"]})


def _body() -> dict[str, Any]:
    """The request's JSON object; an empty body is an empty object."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("Тело запроса не является корректным JSON.") from None
    if not isinstance(data, dict):
        raise BadRequest("Тело запроса должно быть JSON-объектом.")
    _check_text(data)
    return data


def _query(schema: Schema) -> dict[str, Any]:
    """A query string loaded by its schema: a query string is text, so the digits given for an
    integer field are read as that integer (a JSON body must give the integer itself)."""
    args: dict[str, Any] = request.args.to_dict()
    _check_text(args)
    for name, value in args.items():
        wanted = schema.fields.get(name)
        if isinstance(wanted, fields.Integer):
            args[name] = int_from_text(value)
    return errors.load(schema, args)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(value: Any) -> None:
    """Refuse text no database can hold: lone surrogates (control characters are refused by
    the fields themselves, with a message naming the field: docgen.text)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            if _SURROGATE.search(item):
                raise BadRequest("Текст содержит неверную кодировку.")
