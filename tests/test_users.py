"""Users: accounts, lockout, tokens, the permission matrix, audit."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from docgen.accounts import users
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
    users.require_on(db, user, "read", "person", own_person)
    users.require_on(db, user, "read", "document", people_and_docs["doc_school_1"])
    for action in ("read", "edit_registry"):
        with pytest.raises(Forbidden) as err:
            users.require_on(db, user, action, "person", other_person)
        assert err.value.message.startswith(f"Недостаточно прав: роль «{users.ROLES[role]}»")
        assert "«СОШ № 2»" in err.value.message
    for action in ("read", "create_document", "register_document"):
        assert not users.can(user, action, orgs["school_2"], db)
        with pytest.raises(Forbidden):
            users.require_on(db, user, action, "document", people_and_docs["doc_school_2"])


def test_roles_inside_their_own_school(db, orgs):
    school = organisations.get_organisation(db, orgs["school_1"])
    director = _user(db, "dir1", "director", orgs["school_1"])
    curator = _user(db, "cur1", "curator", orgs["school_1"])
    methodologist = _user(db, "met1", "methodologist", orgs["school_1"])
    assert users.can(director, "register_document", school, db)
    assert users.can(director, "approve", school, db)
    assert users.can(director, "manage", school, db)
    assert not users.can(director, "manage_users", school, db)
    assert users.can(curator, "edit_registry", school, db)
    assert users.can(curator, "create_document", school, db)
    assert not users.can(curator, "register_document", school, db)
    assert users.can(methodologist, "create_document", school, db)
    assert users.can(methodologist, "read", school, db)
    with pytest.raises(Forbidden) as err:
        users.require(methodologist, "edit_registry", school, db)
    assert "«Методист» не позволяет изменять реестр" in err.value.message


def test_municipal_user_reads_the_schools_of_its_department_only(db, orgs, people_and_docs):
    specialist = _user(db, "mun_a", "municipal", orgs["dept_a"])
    for school in ("school_1", "school_2"):
        users.require_on(db, specialist, "read", "person", people_and_docs[f"person_{school}"])
        users.require_on(db, specialist, "read", "document", people_and_docs[f"doc_{school}"])
        assert not users.can(specialist, "edit_registry", orgs[school], db)
        assert not users.can(specialist, "register_document", orgs[school], db)
    with pytest.raises(Forbidden):
        users.require_on(db, specialist, "read", "person", people_and_docs["person_school_3"])
    with pytest.raises(Forbidden):
        users.require_on(db, specialist, "read", "document", people_and_docs["doc_school_3"])
    assert users.can(specialist, "create_document", orgs["dept_a"], db)
    assert users.can(specialist, "register_document", orgs["dept_a"], db)
    assert not users.can(specialist, "read", orgs["dept_b"], db)


def test_admin_may_do_everything_and_anonymous_nothing(db, orgs):
    admin = _user(db, "root", "admin", None)
    for org_id in orgs.values():
        for action in users.ACTIONS:
            assert users.can(admin, action, org_id, db)
    assert not users.can(None, "read", orgs["school_1"], db)
    with pytest.raises(Forbidden, match="Войдите"):
        users.require(None, "read", orgs["school_1"], db)
    with pytest.raises(ValueError):
        users.can(admin, "fly", orgs["school_1"], db)


def test_audit_log_is_append_only(db, orgs):
    user = _user(db, "dir1", "director", orgs["school_1"])
    users.audit(db, user["id"], "register", "document", 7, "№ 1-од")
    users.audit(db, user["id"], "cancel", "document", 7)
    log = users.audit_log(db, object_type="document", object_id=7)
    assert [row["action"] for row in log] == ["cancel", "register"]
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM audit")
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE audit SET detail = ''")
