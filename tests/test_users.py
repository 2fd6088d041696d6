"""Users: accounts, lockout, tokens, the permission matrix, audit."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from docgen.accounts import audit, permissions, throttle, users
from docgen.documents import archive
from docgen.errors import FieldErrors, Forbidden
from docgen.registry import organisations, people

NOW = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)
PASSWORD = "верный-пароль-1"


@pytest.fixture
def orgs(db) -> dict[str, int]:
    def org(kind, name, parent=None):
        return organisations.create_organisation(
            db, {"kind": kind, "full_name": name, "short_name": name, "parent_id": parent}
        )

    dept_a = org("department", "Отдел образования района А")
    dept_b = org("department", "Отдел образования района Б")
    return {
        "dept_a": dept_a,
        "dept_b": dept_b,
        "school_1": org("school", "СОШ № 1", dept_a),
        "school_2": org("school", "СОШ № 2", dept_a),
        "school_3": org("school", "СОШ № 3", dept_b),
    }


def _user(db, login, role, org_id):
    uid = users.create_user(db, login, PASSWORD, role, org_id, f"Пользователь {login}")
    return users.get_user(db, uid)


@pytest.fixture
def people_and_docs(db, orgs):
    out = {}
    for key in ("school_1", "school_2", "school_3"):
        org_id = orgs[key]
        out[f"person_{key}"] = people.add_person(
            db,
            org_id,
            {"surname": "Чернова", "name": "Наталья", "gender": "f", "category": "педагог"},
        )
        out[f"doc_{key}"] = archive.create_document(
            db, org_id=org_id, kind="k", title="О назначении", user_id=None, input={}, docx=b"d"
        )["id"]
    return out


def test_create_user_validates_role_and_organisation_kind(db, orgs):
    before = list(db.conn.iterdump())
    with pytest.raises(FieldErrors) as err:
        users.create_user(db, "a", "123", "king", None, "")
    assert set(err.value.fields) == {"login", "password", "role", "full_name"}
    assert err.value.fields["password"] == ["Пароль: не короче 8 символов"]
    with pytest.raises(FieldErrors) as err:
        users.create_user(db, "curator1", PASSWORD, "curator", orgs["dept_a"], "Иванова И.И.")
    assert err.value.fields["org_id"] == ["Организация: для роли «Куратор» выберите школу"]
    with pytest.raises(FieldErrors) as err:
        users.create_user(db, "mun1", PASSWORD, "municipal", orgs["school_1"], "Петрова А.С.")
    assert "орган управления образованием" in err.value.fields["org_id"][0]
    with pytest.raises(FieldErrors):
        users.create_user(db, "root", PASSWORD, "admin", orgs["school_1"], "Админ")
    assert list(db.conn.iterdump()) == before
    users.create_user(db, "curator1", PASSWORD, "curator", orgs["school_1"], "Иванова И.И.")
    with pytest.raises(FieldErrors) as err:
        users.create_user(db, "curator1", PASSWORD, "curator", orgs["school_1"], "Другая")
    assert err.value.fields["login"] == ["Логин: такой логин уже занят"]


def test_password_is_hashed_and_authentication_works(db, orgs):
    user = _user(db, "director1", "director", orgs["school_1"])
    stored = db.execute("SELECT password_hash FROM users WHERE id = ?", [user["id"]]).fetchone()[0]
    assert PASSWORD not in stored
    assert "password_hash" not in user and user["role_title"] == "Директор"
    assert users.authenticate(db, "director1", PASSWORD, NOW)["id"] == user["id"]
    assert users.authenticate(db, "director1", "wrong-password", NOW) is None
    assert users.authenticate(db, "nobody", PASSWORD, NOW) is None


def test_five_failures_lock_the_login_for_fifteen_minutes(db, orgs):
    _user(db, "curator1", "curator", orgs["school_1"])
    for minute in range(5):
        at = NOW + dt.timedelta(minutes=minute)
        assert users.authenticate(db, "curator1", "bad-password", at) is None
    locked_at = NOW + dt.timedelta(minutes=4)
    assert users.locked_until(db, "curator1", locked_at) == locked_at + dt.timedelta(minutes=15)
    # Even the right password is refused while locked.
    assert (
        users.authenticate(db, "curator1", PASSWORD, locked_at + dt.timedelta(minutes=14)) is None
    )
    after = locked_at + dt.timedelta(minutes=15)
    assert users.locked_until(db, "curator1", after) is None
    assert users.authenticate(db, "curator1", PASSWORD, after) is not None


def test_four_failures_then_success_resets_the_counter(db, orgs):
    _user(db, "curator1", "curator", orgs["school_1"])
    for _ in range(4):
        users.authenticate(db, "curator1", "bad-password", NOW)
    assert users.authenticate(db, "curator1", PASSWORD, NOW) is not None
    for _ in range(4):
        users.authenticate(db, "curator1", "bad-password", NOW)
    assert users.authenticate(db, "curator1", PASSWORD, NOW) is not None


def test_api_tokens_are_stored_hashed_and_replaced(db, orgs):
    user = _user(db, "method1", "methodologist", orgs["school_1"])
    token = users.issue_token(db, user["id"])
    stored = db.execute("SELECT api_token_hash FROM users WHERE id = ?", [user["id"]]).fetchone()[0]
    assert token not in stored
    assert users.user_by_token(db, token)["login"] == "method1"
    newer = users.issue_token(db, user["id"])
    assert users.user_by_token(db, token) is None
    assert users.user_by_token(db, newer)["id"] == user["id"]
    assert users.user_by_token(db, "") is None
    users.revoke_token(db, user["id"])
    assert users.user_by_token(db, newer) is None


@pytest.mark.parametrize("role", ["director", "curator", "methodologist"])
def test_a_school_user_cannot_touch_another_schools_people_or_documents(
    db, orgs, people_and_docs, role
):
    user = _user(db, f"{role}1", role, orgs["school_1"])
    own_person, other_person = (
        people_and_docs["person_school_1"],
        people_and_docs["person_school_2"],
    )
    permissions.require_on(db, user, "read", "person", own_person)
    permissions.require_on(db, user, "read", "document", people_and_docs["doc_school_1"])
    for action in ("read", "edit_registry"):
        with pytest.raises(Forbidden) as err:
            permissions.require_on(db, user, action, "person", other_person)
        assert err.value.message.startswith(f"Недостаточно прав: роль «{users.ROLES[role]}»")
        assert "«СОШ № 2»" in err.value.message
    for action in ("read", "create_document", "register_document"):
        assert not permissions.can(user, action, orgs["school_2"], db)
        with pytest.raises(Forbidden):
            permissions.require_on(db, user, action, "document", people_and_docs["doc_school_2"])


def test_roles_inside_their_own_school(db, orgs):
    school = organisations.get_organisation(db, orgs["school_1"])
    director = _user(db, "dir1", "director", orgs["school_1"])
    curator = _user(db, "cur1", "curator", orgs["school_1"])
    methodologist = _user(db, "met1", "methodologist", orgs["school_1"])
    assert permissions.can(director, "register_document", school, db)
    assert permissions.can(director, "approve", school, db)
    assert permissions.can(director, "manage", school, db)
    assert not permissions.can(director, "manage_users", school, db)
    assert permissions.can(curator, "edit_registry", school, db)
    assert permissions.can(curator, "create_document", school, db)
    assert not permissions.can(curator, "register_document", school, db)
    assert permissions.can(methodologist, "create_document", school, db)
    assert permissions.can(methodologist, "read", school, db)
    with pytest.raises(Forbidden) as err:
        permissions.require(methodologist, "edit_registry", school, db)
    assert "«Методист» не позволяет изменять реестр" in err.value.message


def test_municipal_user_reads_the_schools_of_its_department_only(db, orgs, people_and_docs):
    specialist = _user(db, "mun_a", "municipal", orgs["dept_a"])
    for school in ("school_1", "school_2"):
        permissions.require_on(
            db, specialist, "read", "person", people_and_docs[f"person_{school}"]
        )
        permissions.require_on(db, specialist, "read", "document", people_and_docs[f"doc_{school}"])
        assert not permissions.can(specialist, "edit_registry", orgs[school], db)
        assert not permissions.can(specialist, "register_document", orgs[school], db)
    with pytest.raises(Forbidden):
        permissions.require_on(db, specialist, "read", "person", people_and_docs["person_school_3"])
    with pytest.raises(Forbidden):
        permissions.require_on(db, specialist, "read", "document", people_and_docs["doc_school_3"])
    assert permissions.can(specialist, "create_document", orgs["dept_a"], db)
    assert permissions.can(specialist, "register_document", orgs["dept_a"], db)
    assert not permissions.can(specialist, "read", orgs["dept_b"], db)


def test_admin_may_do_everything_and_anonymous_nothing(db, orgs):
    admin = _user(db, "root", "admin", None)
    for org_id in orgs.values():
        for action in permissions.ACTIONS:
            assert permissions.can(admin, action, org_id, db)
    assert not permissions.can(None, "read", orgs["school_1"], db)
    with pytest.raises(Forbidden, match="Войдите"):
        permissions.require(None, "read", orgs["school_1"], db)
    with pytest.raises(ValueError):
        permissions.can(admin, "fly", orgs["school_1"], db)


def test_audit_log_is_append_only(db, orgs):
    user = _user(db, "dir1", "director", orgs["school_1"])
    audit.record(db, user["id"], "register", "document", 7, "№ 1-од")
    audit.record(db, user["id"], "cancel", "document", 7)
    log = audit.entries(db, object_type="document", object_id=7)
    assert [row["action"] for row in log] == ["cancel", "register"]
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM audit")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE audit SET detail = ''")


# --- sessions, passwords, blocking, tokens with an expiry ---------------------------------


def _session(db, login, password=PASSWORD):
    """What the web layer keeps in the cookie after a sign-in: the user id and its version."""
    found = users.authenticate(db, login, password, NOW)
    return found["id"], found["session_version"]


def test_logout_everywhere_ends_a_copied_session_and_the_token(db, orgs):
    user = _user(db, "dir1", "director", orgs["school_1"])
    cookie = _session(db, "dir1")
    copied = tuple(cookie)
    token = users.issue_token(db, user["id"], now=NOW)
    assert users.session_user(db, *cookie)["login"] == "dir1"
    users.logout_everywhere(db, user["id"])
    assert users.session_user(db, *copied) is None
    assert users.user_by_token(db, token, NOW) is None
    fresh = _session(db, "dir1")
    assert users.session_user(db, *fresh)["id"] == user["id"]


def test_change_password_checks_the_old_one_and_ends_other_sessions(db, orgs):
    user = _user(db, "cur1", "curator", orgs["school_1"])
    other_device = _session(db, "cur1")
    token = users.issue_token(db, user["id"], now=NOW)
    with pytest.raises(FieldErrors) as err:
        users.change_password(db, user["id"], "не-тот-пароль", "1234567")
    assert err.value.fields == {
        "old_password": ["Текущий пароль: неверный"],
        "new_password": ["Новый пароль: не короче 8 символов"],
    }
    with pytest.raises(FieldErrors) as err:
        users.change_password(db, user["id"], PASSWORD, PASSWORD)
    assert err.value.fields == {"new_password": ["Новый пароль: должен отличаться от текущего"]}
    assert users.session_user(db, *other_device) is not None  # nothing changed yet
    version = users.change_password(db, user["id"], PASSWORD, "новый-пароль-2")
    assert users.session_user(db, *other_device) is None
    assert users.session_user(db, user["id"], version)["login"] == "cur1"
    assert users.user_by_token(db, token, NOW) is None
    assert users.authenticate(db, "cur1", PASSWORD, NOW) is None
    assert users.authenticate(db, "cur1", "новый-пароль-2", NOW) is not None


def test_admin_reset_sets_the_password_ends_sessions_and_lifts_the_lock(db, orgs):
    user = _user(db, "met1", "methodologist", orgs["school_1"])
    cookie = _session(db, "met1")
    for _ in range(users.MAX_FAILED_LOGINS):
        users.authenticate(db, "met1", "bad-password", NOW, "10.0.0.5")
    assert users.locked_until(db, "met1", NOW, "10.0.0.5") is not None
    with pytest.raises(FieldErrors, match="Пароль: не короче 8 символов"):
        users.set_password(db, user["id"], "1234567")
    users.set_password(db, user["id"], "сброшенный-1")
    assert users.session_user(db, *cookie) is None
    assert users.locked_until(db, "met1", NOW, "10.0.0.5") is None
    assert users.authenticate(db, "met1", "сброшенный-1", NOW, "10.0.0.5") is not None


def test_blocking_ends_sessions_refuses_login_and_revokes_the_token(db, orgs):
    user = _user(db, "dir1", "director", orgs["school_1"])
    cookie = _session(db, "dir1")
    token = users.issue_token(db, user["id"], now=NOW)
    users.block_user(db, user["id"], NOW)
    assert users.session_user(db, *cookie) is None
    assert users.user_by_token(db, token, NOW) is None
    stored = db.execute("SELECT api_token_hash FROM users WHERE id = ?", [user["id"]]).fetchone()
    assert stored[0] is None
    assert users.authenticate(db, "dir1", "wrong-password", NOW) is None
    with pytest.raises(Forbidden, match="Учётная запись заблокирована"):
        users.authenticate(db, "dir1", PASSWORD, NOW)
    with pytest.raises(Forbidden, match="Учётная запись заблокирована"):
        users.issue_token(db, user["id"], now=NOW)
    users.unblock_user(db, user["id"])
    assert users.session_user(db, *cookie) is None  # unblocking does not revive old sessions
    assert users.authenticate(db, "dir1", PASSWORD, NOW) is not None


def test_api_tokens_expire(db, orgs):
    user = _user(db, "met1", "methodologist", orgs["school_1"])
    token = users.issue_token(db, user["id"], now=NOW)
    assert users.user_by_token(db, token, NOW + dt.timedelta(days=29, hours=23))["id"] == user["id"]
    assert users.user_by_token(db, token, NOW + dt.timedelta(days=30)) is None
    short = users.issue_token(db, user["id"], now=NOW, lifetime=dt.timedelta(hours=1))
    assert users.user_by_token(db, short, NOW + dt.timedelta(minutes=59)) is not None
    assert users.user_by_token(db, short, NOW + dt.timedelta(hours=1)) is None


# --- throttling ----------------------------------------------------------------------------


def _fail(db, login, at, address, times=1):
    for _ in range(times):
        assert users.authenticate(db, login, "bad-password", at, address) is None


def test_unknown_logins_are_locked_exactly_like_known_ones(db, orgs):
    _user(db, "cur1", "curator", orgs["school_1"])
    for login in ("cur1", "nobody"):
        _fail(db, login, NOW, "10.0.0.9", users.MAX_FAILED_LOGINS - 1)
        assert users.locked_until(db, login, NOW, "10.0.0.9") is None
        _fail(db, login, NOW, "10.0.0.9")
        assert users.locked_until(db, login, NOW, "10.0.0.9") == NOW + dt.timedelta(minutes=15)


def test_a_stranger_locks_only_their_own_address(db, orgs):
    _user(db, "dir1", "director", orgs["school_1"])
    _fail(db, "dir1", NOW, "203.0.113.7", users.MAX_FAILED_LOGINS)
    assert users.authenticate(db, "dir1", PASSWORD, NOW, "203.0.113.7") is None
    assert users.locked_until(db, "dir1", NOW, "192.168.1.20") is None
    assert users.authenticate(db, "dir1", PASSWORD, NOW, "192.168.1.20") is not None


def test_repeated_locks_of_a_pair_double_up_to_an_hour(db):
    at = NOW
    lengths = []
    for _ in range(5):
        for _ in range(users.MAX_FAILED_LOGINS):
            throttle.record_failure(db, "dir1", at, "203.0.113.7")
        until = users.locked_until(db, "dir1", at, "203.0.113.7")
        lengths.append(int((until - at).total_seconds() // 60))
        at = until
    assert lengths == [15, 30, 60, 60, 60]
    # A day without failures and the pair starts again from 15 minutes.
    at += dt.timedelta(days=1, seconds=1)
    for _ in range(users.MAX_FAILED_LOGINS):
        throttle.record_failure(db, "dir1", at, "203.0.113.7")
    assert users.locked_until(db, "dir1", at, "203.0.113.7") == at + dt.timedelta(minutes=15)


def test_one_address_trying_many_logins_is_locked(db, orgs):
    _user(db, "dir1", "director", orgs["school_1"])
    for n in range(19):
        _fail(db, f"guess{n}", NOW + dt.timedelta(seconds=n), "203.0.113.7")
    assert users.locked_until(db, "dir1", NOW + dt.timedelta(seconds=19), "203.0.113.7") is None
    _fail(db, "guess19", NOW + dt.timedelta(seconds=19), "203.0.113.7")
    later = NOW + dt.timedelta(minutes=1)
    assert users.locked_until(db, "dir1", later, "203.0.113.7") is not None
    assert users.authenticate(db, "dir1", PASSWORD, later, "203.0.113.7") is None
    assert users.authenticate(db, "dir1", PASSWORD, later, "198.51.100.1") is not None


def test_failures_spread_over_time_do_not_lock_an_address(db):
    for n in range(40):
        # 10 failures in each quarter of an hour, each under its own login.
        at = NOW + dt.timedelta(minutes=16 * (n // 10), seconds=n)
        throttle.record_failure(db, f"user{n}", at, "10.1.1.1")
    assert users.locked_until(db, "someone", NOW + dt.timedelta(hours=1), "10.1.1.1") is None
