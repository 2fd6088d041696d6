"""Login throttling per (login, client address) pair and per client address.

Rules, the same for logins that exist and logins that do not (so a 429 tells nothing about
which logins exist):
- a pair is locked after MAX_FAILED_LOGINS failures in a row, for LOCKOUT; each further lock
  of the same pair doubles, up to PAIR_LOCKOUT_CAP. A success from the pair clears it. Because
  the lock is per address, a stranger who types wrong passwords locks only their own address,
  not the user at their desk;
- an address is locked after ADDRESS_MAX_FAILURES failures (any logins) within ADDRESS_WINDOW,
  for ADDRESS_LOCKOUT, doubling up to ADDRESS_LOCKOUT_CAP: this stops password spraying across
  many logins, and a success does not clear it.
Rows untouched for FORGET_AFTER are forgotten (also pruned on every failure). The address limit
applies only when the caller names an address.
"""

from __future__ import annotations

import datetime as dt

import sqlite_utils

from docgen.db import transaction

MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
PAIR_LOCKOUT_CAP = dt.timedelta(hours=1)
ADDRESS_MAX_FAILURES = 20
ADDRESS_WINDOW = dt.timedelta(minutes=15)
ADDRESS_LOCKOUT = dt.timedelta(minutes=15)
ADDRESS_LOCKOUT_CAP = dt.timedelta(hours=1)
FORGET_AFTER = dt.timedelta(days=1)


def aware(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC if it carries no time zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _key(login: str) -> str:
    return (login or "").strip().casefold()[:128]


def _rows(db: sqlite_utils.Database, login: str, address: str) -> list[dict]:
    keys = [("pair", _key(login), address)]
    if address:
        keys.append(("address", "", address))
    rows = []
    for scope, key, addr in keys:
        row = next(
            db.query(
                "SELECT * FROM login_throttle WHERE scope = ? AND login = ? AND address = ?",
                [scope, key, addr],
            ),
            None,
        )
        rows.append(row or {"scope": scope, "login": key, "address": addr})
    return rows


def locked_until(
    db: sqlite_utils.Database, login: str, now: dt.datetime, address: str = ""
) -> dt.datetime | None:
    """When the lock on this login from this address ends, if it is locked at `now`."""
    now = aware(now)
    ends = [
        dt.datetime.fromisoformat(row["locked_until"])
        for row in _rows(db, login, address)
        if row.get("locked_until")
    ]
    ends = [end for end in ends if now < end]
    return max(ends) if ends else None


def _doubled(base: dt.timedelta, locks: int, cap: dt.timedelta) -> dt.timedelta:
    return min(cap, base * 2 ** min(locks, 16))


def record_failure(
    db: sqlite_utils.Database, login: str, now: dt.datetime, address: str = ""
) -> None:
    """Count a failed attempt, and lock the pair or the address when it reaches its limit."""
    now = aware(now)
    stamp = now.isoformat()
    with transaction(db):
        db.execute(
            "DELETE FROM login_throttle WHERE last_failure_at < ?",
            [(now - FORGET_AFTER).isoformat()],
        )
        for row in _rows(db, login, address):
            failures, locks = row.get("failures") or 0, row.get("locks") or 0
            window_start = row.get("window_start") or stamp
            locked = row.get("locked_until")
            if row["scope"] == "pair":
                failures += 1
                if failures >= MAX_FAILED_LOGINS:
                    locked = (now + _doubled(LOCKOUT, locks, PAIR_LOCKOUT_CAP)).isoformat()
                    failures, locks = 0, locks + 1
            else:
                if now - dt.datetime.fromisoformat(window_start) > ADDRESS_WINDOW:
                    failures, window_start = 0, stamp
                failures += 1
                if failures >= ADDRESS_MAX_FAILURES:
                    lockout = _doubled(ADDRESS_LOCKOUT, locks, ADDRESS_LOCKOUT_CAP)
                    locked = (now + lockout).isoformat()
                    failures, locks, window_start = 0, locks + 1, stamp
            db["login_throttle"].upsert(
                {
                    "scope": row["scope"],
                    "login": row["login"],
                    "address": row["address"],
                    "failures": failures,
                    "locks": locks,
                    "locked_until": locked,
                    "window_start": window_start,
                    "last_failure_at": stamp,
                },
                pk=("scope", "login", "address"),
            )


def record_success(db: sqlite_utils.Database, login: str, address: str = "") -> None:
    """Clear the pair's count and locks (the address keeps its count: see the module note)."""
    with transaction(db):
        db.execute(
            "DELETE FROM login_throttle WHERE scope = 'pair' AND login = ? AND address = ?",
            [_key(login), address],
        )


def clear_login(db: sqlite_utils.Database, login: str) -> None:
    """Lift every lock on the login, from every address (an administrator's password reset)."""
    with transaction(db):
        db.execute("DELETE FROM login_throttle WHERE scope = 'pair' AND login = ?", [_key(login)])
