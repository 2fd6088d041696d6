"""Bulk generation jobs."""

from __future__ import annotations

import sqlite_utils


def apply(db: sqlite_utils.Database) -> None:
    """Bulk generation jobs: progress for the page that polls, results kept in the archive."""
    db["bulk_jobs"].create(
        {
            "id": int,
            "org_id": int,
            "kind": str,
            "status": str,
            "phase": str,
            "total": int,
            "done": int,
            "zip_sha256": str,
            "pdf_sha256": str,
            "errors_json": str,
            "created_by": int,
            "created_at": str,
            "finished_at": str,
        },
        pk="id",
        foreign_keys=[
            ("org_id", "organisations", "id"),
            ("zip_sha256", "files", "sha256"),
            ("pdf_sha256", "files", "sha256"),
            ("created_by", "users", "id"),
        ],
        not_null=["org_id", "kind", "status", "total", "done", "created_at"],
        defaults={"status": "running", "done": 0},
    )
    db["bulk_jobs"].create_index(["org_id", "created_at"])
