"""SQL snippets the migrations share."""

from __future__ import annotations


def abort_trigger(name: str, timing_event: str, when: str, message: str) -> str:
    """A trigger that refuses the statement with a Russian message."""
    when_sql = f"WHEN {when}" if when else ""
    return (
        f"CREATE TRIGGER {name} {timing_event} {when_sql} "
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )
