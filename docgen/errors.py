"""Errors that reach a person: each carries an HTTP status and a Russian message."""


class DocgenError(Exception):
    """Base error with a status and a message fit for a person."""

    status = 400

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class FieldErrors(DocgenError):
    """Input failed validation; `fields` maps field names to messages."""

    status = 422


class NotFound(DocgenError):
    """Record not found."""

    status = 404


class Forbidden(DocgenError):
    """The user may not do this on this organisation."""

    status = 403


class Conflict(DocgenError):
    """The action conflicts with the record's state (e.g. a registered document)."""

    status = 409


def field_paths(messages: object, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as {"curator.surname": [...], "duties.0.text": [...]}.

    A schema-level message (`_schema`) belongs to the object it was raised on.
    """
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if key == "_schema":
                path = prefix or "_schema"
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            for sub, texts in field_paths(value, path).items():
                out.setdefault(sub, []).extend(texts)
    elif isinstance(messages, list | tuple):
        for item in messages:
            for sub, texts in field_paths(item, prefix).items():
                out.setdefault(sub, []).extend(texts)
    else:
        out.setdefault(prefix or "_schema", []).append(str(messages))
    return out
