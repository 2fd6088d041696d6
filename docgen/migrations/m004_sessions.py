"""Sessions that can be ended, blocked users, expiring API tokens and login throttling."""

from __future__ import annotations

import datetime as dt

import sqlite_utils

# Tokens issued before this migration had no expiry; they get this much time from the upgrade.
GRACE = dt.timedelta(days=30)


def apply(db: sqlite_utils.Database) -> None:
    """Per-user session version, blocking, token expiry and the login_throttle table.

    users.failed_logins and users.locked_until stay (dropping a column rebuilds the table
    that documents, versions and the journal refer to) but are no longer read.
    """
    users = db["users"]
    users.add_column("session_version", int, not_null_default=0)
    users.add_column("blocked_at", str)
    users.add_column("api_token_expires_at", str)
    expires = (dt.datetime.now(dt.UTC) + GRACE).isoformat(timespec="seconds")
    db.execute(
        "UPDATE users SET api_token_expires_at = ? WHERE api_token_hash IS NOT NULL", [expires]
    )
    # One row per (login, client address) pair and one per address (login ''): failures in a
    # row, how many locks they have earned, and until when the current lock runs.
    db["login_throttle"].create(
        {
            "scope": str,
            "login": str,
            "address": str,
            "failures": int,
            "locks": int,
            "locked_until": str,
            "window_start": str,
            "last_failure_at": str,
        },
        pk=("scope", "login", "address"),
        not_null=["failures", "locks", "last_failure_at"],
        defaults={"failures": 0, "locks": 0},
    )
    db["login_throttle"].create_index(["last_failure_at"])
