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
