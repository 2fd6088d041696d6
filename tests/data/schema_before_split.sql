BEGIN TRANSACTION;
CREATE TABLE "_migrations" (
   "name" TEXT PRIMARY KEY,
   "applied_at" TEXT
);
INSERT INTO "_migrations" VALUES('m001_initial','2025-01-01T00:00:00+00:00');
INSERT INTO "_migrations" VALUES('m002_mentoring_forms','2025-01-01T00:00:00+00:00');
INSERT INTO "_migrations" VALUES('m003_bulk_jobs','2025-01-01T00:00:00+00:00');
CREATE TABLE "audit" (
   "id" INTEGER PRIMARY KEY,
   "at" TEXT NOT NULL,
   "user_id" INTEGER REFERENCES "users"("id"),
   "action" TEXT NOT NULL,
   "object_type" TEXT,
   "object_id" TEXT,
   "detail" TEXT
);
CREATE TABLE "bulk_jobs" (
   "id" INTEGER PRIMARY KEY,
   "org_id" INTEGER NOT NULL REFERENCES "organisations"("id"),
   "kind" TEXT NOT NULL,
   "status" TEXT NOT NULL DEFAULT 'running',
   "phase" TEXT,
   "total" INTEGER NOT NULL,
   "done" INTEGER NOT NULL DEFAULT 0,
   "zip_sha256" TEXT REFERENCES "files"("sha256"),
   "pdf_sha256" TEXT REFERENCES "files"("sha256"),
   "errors_json" TEXT,
   "created_by" INTEGER REFERENCES "users"("id"),
   "created_at" TEXT NOT NULL,
   "finished_at" TEXT
);
CREATE TABLE "consents" (
   "id" INTEGER PRIMARY KEY,
   "person_id" INTEGER NOT NULL REFERENCES "people"("id"),
   "kind" TEXT NOT NULL,
   "status" TEXT NOT NULL,
   "signer" TEXT,
   "representative_name" TEXT,
   "representative_doc" TEXT,
   "signed_on" TEXT,
   "withdrawn_on" TEXT,
   "document_id" INTEGER REFERENCES "documents"("id"),
   "created_at" TEXT NOT NULL
);
CREATE TABLE "documents" (
   "id" INTEGER PRIMARY KEY,
   "org_id" INTEGER NOT NULL REFERENCES "organisations"("id"),
   "kind" TEXT NOT NULL,
   "title" TEXT NOT NULL,
   "status" TEXT NOT NULL DEFAULT 'draft',
   "series_id" INTEGER REFERENCES "series"("id"),
   "number" TEXT,
   "reg_date" TEXT,
   "registered_version" INTEGER,
   "revision_of" INTEGER REFERENCES "documents"("id"),
   "created_by" INTEGER REFERENCES "users"("id"),
   "created_at" TEXT NOT NULL,
   "cancelled_at" TEXT,
   "cancel_reason" TEXT
);
CREATE TABLE "files" (
   "sha256" TEXT PRIMARY KEY,
   "size" INTEGER NOT NULL,
   "mime" TEXT NOT NULL,
   "content" BLOB NOT NULL
);
CREATE TABLE "group_mentees" (
   "group_id" INTEGER REFERENCES "mentoring_groups"("id"),
   "person_id" INTEGER REFERENCES "people"("id"),
   PRIMARY KEY ("group_id", "person_id")
);
CREATE TABLE "journal" (
   "id" INTEGER PRIMARY KEY,
   "series_id" INTEGER NOT NULL REFERENCES "series"("id"),
   "year" INTEGER NOT NULL,
   "seq" INTEGER NOT NULL,
   "number" TEXT NOT NULL,
   "document_id" INTEGER NOT NULL REFERENCES "documents"("id"),
   "registered_on" TEXT NOT NULL,
   "registered_by" INTEGER REFERENCES "users"("id")
);
CREATE TABLE "links" (
   "parent_document_id" INTEGER REFERENCES "documents"("id"),
   "child_document_id" INTEGER REFERENCES "documents"("id"),
   "role" TEXT NOT NULL DEFAULT 'annex',
   "position" INTEGER NOT NULL,
   PRIMARY KEY ("parent_document_id", "child_document_id")
);
CREATE TABLE "mentoring_forms" (
   "code" TEXT PRIMARY KEY,
   "title" TEXT NOT NULL,
   "audience" TEXT NOT NULL,
   "mentor_categories" TEXT NOT NULL,
   "mentee_categories" TEXT NOT NULL,
   "position" INTEGER
);
INSERT INTO "mentoring_forms" VALUES('student_student','ученик – ученик','students','["обучающийся"]','["обучающийся"]',1);
INSERT INTO "mentoring_forms" VALUES('teacher_student','учитель – ученик','students','["педагог"]','["обучающийся"]',2);
INSERT INTO "mentoring_forms" VALUES('college_student_student','студент – ученик','students','["студент", "выпускник"]','["обучающийся"]',3);
INSERT INTO "mentoring_forms" VALUES('employer_student','работодатель – ученик','students','["представитель организации-партнёра"]','["обучающийся"]',4);
INSERT INTO "mentoring_forms" VALUES('employer_college_student','работодатель – студент','students','["представитель организации-партнёра"]','["студент"]',5);
INSERT INTO "mentoring_forms" VALUES('college_student_college_student','студент – студент','students','["студент"]','["студент"]',6);
INSERT INTO "mentoring_forms" VALUES('teacher_teacher','учитель – учитель','teachers','["педагог"]','["педагог"]',7);
INSERT INTO "mentoring_forms" VALUES('head_teacher','руководитель ОО – учитель','teachers','["педагог", "работник"]','["педагог"]',8);
INSERT INTO "mentoring_forms" VALUES('university_young_teacher','педагог вуза/колледжа – молодой педагог','teachers','["представитель организации-партнёра", "педагог"]','["педагог"]',9);
CREATE TABLE "mentoring_groups" (
   "id" INTEGER PRIMARY KEY,
   "org_id" INTEGER NOT NULL REFERENCES "organisations"("id"),
   "form_code" TEXT NOT NULL REFERENCES "mentoring_forms"("code"),
   "kind_of_mentoring" TEXT,
   "mentor_id" INTEGER NOT NULL REFERENCES "people"("id"),
   "start_date" TEXT NOT NULL,
   "end_date" TEXT NOT NULL,
   "status" TEXT NOT NULL,
   "result" TEXT,
   "closed_on" TEXT,
   "order_document_id" INTEGER REFERENCES "documents"("id"),
   "created_at" TEXT
);
CREATE TABLE "organisations" (
   "id" INTEGER PRIMARY KEY,
   "kind" TEXT NOT NULL,
   "parent_id" INTEGER REFERENCES "organisations"("id"),
   "full_name" TEXT NOT NULL,
   "short_name" TEXT,
   "locality" TEXT,
   "address" TEXT,
   "phone" TEXT,
   "email" TEXT,
   "website" TEXT,
   "inn" TEXT,
   "kpp" TEXT,
   "ogrn" TEXT,
   "founder_line" TEXT,
   "head_position" TEXT,
   "head_surname" TEXT,
   "head_name" TEXT,
   "head_patronymic" TEXT,
   "head_gender" TEXT,
   "head_acting" INTEGER NOT NULL DEFAULT 0,
   "region" TEXT,
   "created_at" TEXT NOT NULL
);
CREATE TABLE "people" (
   "id" INTEGER PRIMARY KEY,
   "org_id" INTEGER NOT NULL REFERENCES "organisations"("id"),
   "surname" TEXT NOT NULL,
   "name" TEXT NOT NULL,
   "patronymic" TEXT NOT NULL DEFAULT '',
   "gender" TEXT NOT NULL,
   "birth_date" TEXT,
   "category" TEXT NOT NULL,
   "position" TEXT,
   "experience_years" INTEGER,
   "partner_org" TEXT,
   "email" TEXT,
   "phone" TEXT,
   "competences" TEXT,
   "time_available" TEXT,
   "request" TEXT,
   "is_mentor" INTEGER NOT NULL DEFAULT 0,
   "is_mentee" INTEGER NOT NULL DEFAULT 0,
   "created_at" TEXT NOT NULL
);
CREATE TABLE "series" (
   "id" INTEGER PRIMARY KEY,
   "org_id" INTEGER NOT NULL REFERENCES "organisations"("id"),
   "code" TEXT NOT NULL,
   "title" TEXT NOT NULL,
   "pattern" TEXT NOT NULL
);
CREATE TABLE "targets" (
   "org_id" INTEGER REFERENCES "organisations"("id"),
   "year" INTEGER,
   "indicator" TEXT,
   "value" REAL NOT NULL,
   PRIMARY KEY ("org_id", "year", "indicator")
);
CREATE TABLE "template_variants" (
   "id" INTEGER PRIMARY KEY,
   "org_id" INTEGER NOT NULL REFERENCES "organisations"("id"),
   "kind" TEXT NOT NULL,
   "file_sha256" TEXT NOT NULL REFERENCES "files"("sha256"),
   "filename" TEXT NOT NULL,
   "uploaded_by" INTEGER REFERENCES "users"("id"),
   "uploaded_at" TEXT NOT NULL,
   "active" INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE "users" (
   "id" INTEGER PRIMARY KEY,
   "login" TEXT NOT NULL,
   "password_hash" TEXT NOT NULL,
   "full_name" TEXT NOT NULL,
   "role" TEXT NOT NULL,
   "org_id" INTEGER REFERENCES "organisations"("id"),
   "api_token_hash" TEXT,
   "failed_logins" INTEGER NOT NULL DEFAULT 0,
   "locked_until" TEXT,
   "created_at" TEXT NOT NULL
);
CREATE TABLE "versions" (
   "id" INTEGER PRIMARY KEY,
   "document_id" INTEGER NOT NULL REFERENCES "documents"("id"),
   "n" INTEGER NOT NULL,
   "input_json" TEXT NOT NULL,
   "docx_sha256" TEXT NOT NULL REFERENCES "files"("sha256"),
   "pdf_sha256" TEXT REFERENCES "files"("sha256"),
   "author_id" INTEGER REFERENCES "users"("id"),
   "created_at" TEXT NOT NULL,
   "note" TEXT
);
CREATE UNIQUE INDEX idx_people_identity ON people (org_id, surname, name, patronymic, ifnull(birth_date, ''));
CREATE UNIQUE INDEX "idx_series_org_id_code"
    ON "series" ("org_id", "code");
CREATE UNIQUE INDEX "idx_users_login"
    ON "users" ("login");
CREATE UNIQUE INDEX "idx_users_api_token_hash"
    ON "users" ("api_token_hash");
CREATE INDEX "idx_documents_org_id_kind"
    ON "documents" ("org_id", "kind");
CREATE UNIQUE INDEX "idx_versions_document_id_n"
    ON "versions" ("document_id", "n");
CREATE UNIQUE INDEX "idx_journal_series_id_year_seq"
    ON "journal" ("series_id", "year", "seq");
CREATE UNIQUE INDEX "idx_journal_document_id"
    ON "journal" ("document_id");
CREATE UNIQUE INDEX "idx_links_parent_document_id_role_position"
    ON "links" ("parent_document_id", "role", "position");
CREATE INDEX "idx_mentoring_groups_org_id_status"
    ON "mentoring_groups" ("org_id", "status");
CREATE INDEX "idx_consents_person_id_kind"
    ON "consents" ("person_id", "kind");
CREATE INDEX "idx_template_variants_org_id_kind"
    ON "template_variants" ("org_id", "kind");
CREATE TRIGGER versions_no_delete BEFORE DELETE ON versions  BEGIN SELECT RAISE(ABORT, 'Версии документов удалять нельзя'); END;
CREATE TRIGGER versions_no_insert_unless_draft BEFORE INSERT ON versions WHEN (SELECT status FROM documents WHERE id = NEW.document_id) IS NOT 'draft' BEGIN SELECT RAISE(ABORT, 'Новую версию можно добавить только к черновику'); END;
CREATE TRIGGER versions_frozen_columns BEFORE UPDATE OF id, document_id, n, input_json, author_id, created_at, note ON versions  BEGIN SELECT RAISE(ABORT, 'Версию документа изменять нельзя'); END;
CREATE TRIGGER versions_no_update_unless_draft BEFORE UPDATE ON versions WHEN (SELECT status FROM documents WHERE id = OLD.document_id) IS NOT 'draft' BEGIN SELECT RAISE(ABORT, 'Зарегистрированный документ изменять нельзя'); END;
CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents  BEGIN SELECT RAISE(ABORT, 'Документы удалять нельзя'); END;
CREATE TRIGGER documents_insert_as_draft BEFORE INSERT ON documents WHEN NEW.status IS NOT 'draft' OR NEW.number IS NOT NULL OR NEW.reg_date IS NOT NULL OR NEW.registered_version IS NOT NULL BEGIN SELECT RAISE(ABORT, 'Новый документ создаётся только как черновик'); END;
CREATE TRIGGER documents_status_flow BEFORE UPDATE OF status ON documents WHEN NEW.status IS NOT OLD.status AND NOT ((OLD.status = 'draft' AND NEW.status IN ('registered', 'cancelled')) OR (OLD.status = 'registered' AND NEW.status = 'cancelled')) BEGIN SELECT RAISE(ABORT, 'Недопустимая смена статуса документа'); END;
CREATE TRIGGER documents_registered_in_journal BEFORE UPDATE ON documents WHEN NEW.status = 'registered' AND (NEW.number IS NULL OR NEW.reg_date IS NULL OR NEW.registered_version IS NULL OR NOT EXISTS (SELECT 1 FROM journal WHERE journal.document_id = NEW.id AND journal.number = NEW.number AND journal.registered_on = NEW.reg_date)) BEGIN SELECT RAISE(ABORT, 'Документ регистрируется только через журнал регистрации'); END;
CREATE TRIGGER documents_frozen_when_registered BEFORE UPDATE ON documents WHEN OLD.status IS NOT 'draft' AND (NEW.number IS NOT OLD.number OR NEW.reg_date IS NOT OLD.reg_date OR NEW.registered_version IS NOT OLD.registered_version OR NEW.series_id IS NOT OLD.series_id OR NEW.org_id IS NOT OLD.org_id OR NEW.kind IS NOT OLD.kind OR NEW.title IS NOT OLD.title OR NEW.revision_of IS NOT OLD.revision_of OR NEW.created_by IS NOT OLD.created_by OR NEW.created_at IS NOT OLD.created_at) BEGIN SELECT RAISE(ABORT, 'Зарегистрированный документ изменять нельзя'); END;
CREATE TRIGGER documents_cancelled_final BEFORE UPDATE ON documents WHEN OLD.status = 'cancelled' BEGIN SELECT RAISE(ABORT, 'Аннулированный документ изменять нельзя'); END;
CREATE TRIGGER journal_no_update BEFORE UPDATE ON journal  BEGIN SELECT RAISE(ABORT, 'Журнал регистрации неизменяем'); END;
CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal  BEGIN SELECT RAISE(ABORT, 'Журнал регистрации неизменяем'); END;
CREATE TRIGGER files_no_update BEFORE UPDATE ON files  BEGIN SELECT RAISE(ABORT, 'Файлы архива неизменяемы'); END;
CREATE TRIGGER files_no_delete BEFORE DELETE ON files  BEGIN SELECT RAISE(ABORT, 'Файлы архива удалять нельзя'); END;
CREATE TRIGGER links_frozen_with_parent BEFORE DELETE ON links WHEN (SELECT status FROM documents WHERE id = OLD.parent_document_id) IS NOT 'draft' BEGIN SELECT RAISE(ABORT, 'Приложения зарегистрированного документа изменять нельзя'); END;
CREATE TRIGGER links_no_update BEFORE UPDATE ON links  BEGIN SELECT RAISE(ABORT, 'Связи документов неизменяемы'); END;
CREATE TRIGGER links_insert_into_draft BEFORE INSERT ON links WHEN (SELECT status FROM documents WHERE id = NEW.parent_document_id) IS NOT 'draft' BEGIN SELECT RAISE(ABORT, 'Приложения зарегистрированного документа изменять нельзя'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit  BEGIN SELECT RAISE(ABORT, 'Журнал действий неизменяем'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit  BEGIN SELECT RAISE(ABORT, 'Журнал действий неизменяем'); END;
CREATE INDEX "idx_bulk_jobs_org_id_created_at"
    ON "bulk_jobs" ("org_id", "created_at");
COMMIT;
