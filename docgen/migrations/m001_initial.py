"""Registry, numbering journal, document archive, users and audit, with the append-only triggers."""

from __future__ import annotations

import sqlite_utils

from docgen.migrations.helpers import abort_trigger


def apply(db: sqlite_utils.Database) -> None:
    """Registry, numbering journal, document archive, users and audit."""
    db["organisations"].create(
        {
            "id": int,
            "kind": str,
            "parent_id": int,
            "full_name": str,
            "short_name": str,
            "locality": str,
            "address": str,
            "phone": str,
            "email": str,
            "website": str,
            "inn": str,
            "kpp": str,
            "ogrn": str,
            "founder_line": str,
            "head_position": str,
            "head_surname": str,
            "head_name": str,
            "head_patronymic": str,
            "head_gender": str,
            "head_acting": int,
            "region": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("parent_id", "organisations", "id")],
        not_null=["kind", "full_name", "head_acting", "created_at"],
        defaults={"head_acting": 0},
    )
    db["people"].create(
        {
            "id": int,
            "org_id": int,
            "surname": str,
            "name": str,
            "patronymic": str,
            "gender": str,
            "birth_date": str,
            "category": str,
            "position": str,
            "experience_years": int,
            "partner_org": str,
            "email": str,
            "phone": str,
            "competences": str,
            "time_available": str,
            "request": str,
            "is_mentor": int,
            "is_mentee": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("org_id", "organisations", "id")],
        not_null=[
            "org_id",
            "surname",
            "name",
            "patronymic",
            "gender",
            "category",
            "is_mentor",
            "is_mentee",
            "created_at",
        ],
        defaults={"patronymic": "", "is_mentor": 0, "is_mentee": 0},
    )
    # An expression index, because a plain UNIQUE index treats every NULL birth_date
    # as distinct and would let the same undated person be entered twice.
    db.execute(
        "CREATE UNIQUE INDEX idx_people_identity ON people "
        "(org_id, surname, name, patronymic, ifnull(birth_date, ''))"
    )
    db["mentoring_forms"].create(
        {
            "code": str,
            "title": str,
            "audience": str,
            "mentor_categories": str,
            "mentee_categories": str,
            "position": int,
        },
        pk="code",
        not_null=["title", "audience", "mentor_categories", "mentee_categories"],
    )
    db["series"].create(
        {"id": int, "org_id": int, "code": str, "title": str, "pattern": str},
        pk="id",
        foreign_keys=[("org_id", "organisations", "id")],
        not_null=["org_id", "code", "title", "pattern"],
    )
    db["series"].create_index(["org_id", "code"], unique=True)
    db["users"].create(
        {
            "id": int,
            "login": str,
            "password_hash": str,
            "full_name": str,
            "role": str,
            "org_id": int,
            "api_token_hash": str,
            "failed_logins": int,
            "locked_until": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("org_id", "organisations", "id")],
        not_null=["login", "password_hash", "full_name", "role", "failed_logins", "created_at"],
        defaults={"failed_logins": 0},
    )
    db["users"].create_index(["login"], unique=True)
    db["users"].create_index(["api_token_hash"], unique=True)
    # content last: a large file is written in pieces into a zeroblob, and only a blob at the
    # end of the row can be written without SQLite building the whole row in memory.
    db["files"].create(
        {"sha256": str, "size": int, "mime": str, "content": bytes},
        pk="sha256",
        not_null=["content", "size", "mime"],
    )
    db["documents"].create(
        {
            "id": int,
            "org_id": int,
            "kind": str,
            "title": str,
            "status": str,
            "series_id": int,
            "number": str,
            "reg_date": str,
            "registered_version": int,
            "revision_of": int,
            "created_by": int,
            "created_at": str,
            "cancelled_at": str,
            "cancel_reason": str,
        },
        pk="id",
        foreign_keys=[
            ("org_id", "organisations", "id"),
            ("series_id", "series", "id"),
            ("revision_of", "documents", "id"),
            ("created_by", "users", "id"),
        ],
        not_null=["org_id", "kind", "title", "status", "created_at"],
        defaults={"status": "draft"},
    )
    db["documents"].create_index(["org_id", "kind"])
    db["versions"].create(
        {
            "id": int,
            "document_id": int,
            "n": int,
            "input_json": str,
            "docx_sha256": str,
            "pdf_sha256": str,
            "author_id": int,
            "created_at": str,
            "note": str,
        },
        pk="id",
        foreign_keys=[
            ("document_id", "documents", "id"),
            ("docx_sha256", "files", "sha256"),
            ("pdf_sha256", "files", "sha256"),
            ("author_id", "users", "id"),
        ],
        not_null=["document_id", "n", "input_json", "docx_sha256", "created_at"],
    )
    db["versions"].create_index(["document_id", "n"], unique=True)
    db["journal"].create(
        {
            "id": int,
            "series_id": int,
            "year": int,
            "seq": int,
            "number": str,
            "document_id": int,
            "registered_on": str,
            "registered_by": int,
        },
        pk="id",
        foreign_keys=[
            ("series_id", "series", "id"),
            ("document_id", "documents", "id"),
            ("registered_by", "users", "id"),
        ],
        not_null=["series_id", "year", "seq", "number", "document_id", "registered_on"],
    )
    db["journal"].create_index(["series_id", "year", "seq"], unique=True)
    db["journal"].create_index(["document_id"], unique=True)
    db["links"].create(
        {"parent_document_id": int, "child_document_id": int, "role": str, "position": int},
        pk=("parent_document_id", "child_document_id"),
        foreign_keys=[
            ("parent_document_id", "documents", "id"),
            ("child_document_id", "documents", "id"),
        ],
        not_null=["role", "position"],
        defaults={"role": "annex"},
    )
    db["links"].create_index(["parent_document_id", "role", "position"], unique=True)
    db["mentoring_groups"].create(
        {
            "id": int,
            "org_id": int,
            "form_code": str,
            "kind_of_mentoring": str,
            "mentor_id": int,
            "start_date": str,
            "end_date": str,
            "status": str,
            "result": str,
            "closed_on": str,
            "order_document_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[
            ("org_id", "organisations", "id"),
            ("form_code", "mentoring_forms", "code"),
            ("mentor_id", "people", "id"),
            ("order_document_id", "documents", "id"),
        ],
        not_null=["org_id", "form_code", "mentor_id", "start_date", "end_date", "status"],
    )
    db["mentoring_groups"].create_index(["org_id", "status"])
    db["group_mentees"].create(
        {"group_id": int, "person_id": int},
        pk=("group_id", "person_id"),
        foreign_keys=[("group_id", "mentoring_groups", "id"), ("person_id", "people", "id")],
    )
    db["consents"].create(
        {
            "id": int,
            "person_id": int,
            "kind": str,
            "status": str,
            "signer": str,
            "representative_name": str,
            "representative_doc": str,
            "signed_on": str,
            "withdrawn_on": str,
            "document_id": int,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("person_id", "people", "id"), ("document_id", "documents", "id")],
        not_null=["person_id", "kind", "status", "created_at"],
    )
    db["consents"].create_index(["person_id", "kind"])
    db["audit"].create(
        {
            "id": int,
            "at": str,
            "user_id": int,
            "action": str,
            "object_type": str,
            "object_id": str,
            "detail": str,
        },
        pk="id",
        foreign_keys=[("user_id", "users", "id")],
        not_null=["at", "action"],
    )
    db["template_variants"].create(
        {
            "id": int,
            "org_id": int,
            "kind": str,
            "file_sha256": str,
            "filename": str,
            "uploaded_by": int,
            "uploaded_at": str,
            "active": int,
        },
        pk="id",
        foreign_keys=[
            ("org_id", "organisations", "id"),
            ("file_sha256", "files", "sha256"),
            ("uploaded_by", "users", "id"),
        ],
        not_null=["org_id", "kind", "file_sha256", "filename", "uploaded_at", "active"],
        defaults={"active": 0},
    )
    db["template_variants"].create_index(["org_id", "kind"])
    db["targets"].create(
        {"org_id": int, "year": int, "indicator": str, "value": float},
        pk=("org_id", "year", "indicator"),
        foreign_keys=[("org_id", "organisations", "id")],
        not_null=["value"],
    )
    _create_immutability_triggers(db)


def _create_immutability_triggers(db: sqlite_utils.Database) -> None:
    """Make registered documents, their versions, the journal and files append-only.

    The only sanctioned UPDATE of a version is replacing its file hashes while the
    document is still a draft (numbering.register re-renders inside its transaction
    before it flips the status), so the rules can stay strict after that.
    """
    not_draft = "(SELECT status FROM documents WHERE id = {ref}.document_id) IS NOT 'draft'"
    triggers = [
        abort_trigger(
            "versions_no_delete",
            "BEFORE DELETE ON versions",
            "",
            "Версии документов удалять нельзя",
        ),
        abort_trigger(
            "versions_no_insert_unless_draft",
            "BEFORE INSERT ON versions",
            not_draft.format(ref="NEW"),
            "Новую версию можно добавить только к черновику",
        ),
        abort_trigger(
            "versions_frozen_columns",
            "BEFORE UPDATE OF id, document_id, n, input_json, author_id, created_at, note "
            "ON versions",
            "",
            "Версию документа изменять нельзя",
        ),
        abort_trigger(
            "versions_no_update_unless_draft",
            "BEFORE UPDATE ON versions",
            not_draft.format(ref="OLD"),
            "Зарегистрированный документ изменять нельзя",
        ),
        abort_trigger(
            "documents_no_delete",
            "BEFORE DELETE ON documents",
            "",
            "Документы удалять нельзя",
        ),
        abort_trigger(
            "documents_insert_as_draft",
            "BEFORE INSERT ON documents",
            "NEW.status IS NOT 'draft' OR NEW.number IS NOT NULL OR NEW.reg_date IS NOT NULL "
            "OR NEW.registered_version IS NOT NULL",
            "Новый документ создаётся только как черновик",
        ),
        abort_trigger(
            "documents_status_flow",
            "BEFORE UPDATE OF status ON documents",
            "NEW.status IS NOT OLD.status AND NOT ("
            "(OLD.status = 'draft' AND NEW.status IN ('registered', 'cancelled')) OR "
            "(OLD.status = 'registered' AND NEW.status = 'cancelled'))",
            "Недопустимая смена статуса документа",
        ),
        abort_trigger(
            "documents_registered_in_journal",
            "BEFORE UPDATE ON documents",
            "NEW.status = 'registered' AND (NEW.number IS NULL OR NEW.reg_date IS NULL "
            "OR NEW.registered_version IS NULL OR NOT EXISTS (SELECT 1 FROM journal "
            "WHERE journal.document_id = NEW.id AND journal.number = NEW.number "
            "AND journal.registered_on = NEW.reg_date))",
            "Документ регистрируется только через журнал регистрации",
        ),
        abort_trigger(
            "documents_frozen_when_registered",
            "BEFORE UPDATE ON documents",
            "OLD.status IS NOT 'draft' AND (NEW.number IS NOT OLD.number "
            "OR NEW.reg_date IS NOT OLD.reg_date "
            "OR NEW.registered_version IS NOT OLD.registered_version "
            "OR NEW.series_id IS NOT OLD.series_id OR NEW.org_id IS NOT OLD.org_id "
            "OR NEW.kind IS NOT OLD.kind OR NEW.title IS NOT OLD.title "
            "OR NEW.revision_of IS NOT OLD.revision_of "
            "OR NEW.created_by IS NOT OLD.created_by OR NEW.created_at IS NOT OLD.created_at)",
            "Зарегистрированный документ изменять нельзя",
        ),
        abort_trigger(
            "documents_cancelled_final",
            "BEFORE UPDATE ON documents",
            "OLD.status = 'cancelled'",
            "Аннулированный документ изменять нельзя",
        ),
        abort_trigger(
            "journal_no_update", "BEFORE UPDATE ON journal", "", "Журнал регистрации неизменяем"
        ),
        abort_trigger(
            "journal_no_delete", "BEFORE DELETE ON journal", "", "Журнал регистрации неизменяем"
        ),
        abort_trigger("files_no_update", "BEFORE UPDATE ON files", "", "Файлы архива неизменяемы"),
        abort_trigger(
            "files_no_delete", "BEFORE DELETE ON files", "", "Файлы архива удалять нельзя"
        ),
        abort_trigger(
            "links_frozen_with_parent",
            "BEFORE DELETE ON links",
            "(SELECT status FROM documents WHERE id = OLD.parent_document_id) IS NOT 'draft'",
            "Приложения зарегистрированного документа изменять нельзя",
        ),
        abort_trigger(
            "links_no_update", "BEFORE UPDATE ON links", "", "Связи документов неизменяемы"
        ),
        abort_trigger(
            "links_insert_into_draft",
            "BEFORE INSERT ON links",
            "(SELECT status FROM documents WHERE id = NEW.parent_document_id) IS NOT 'draft'",
            "Приложения зарегистрированного документа изменять нельзя",
        ),
        abort_trigger(
            "audit_no_update", "BEFORE UPDATE ON audit", "", "Журнал действий неизменяем"
        ),
        abort_trigger(
            "audit_no_delete", "BEFORE DELETE ON audit", "", "Журнал действий неизменяем"
        ),
    ]
    for sql in triggers:
        db.execute(sql)
