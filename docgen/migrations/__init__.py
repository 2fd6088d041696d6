"""The schema's history: one numbered module per migration, listed here in the order they run.

A migration's `name` is what `_migrations` records, so it never changes once released; a new
schema change is a new module and one more line at the end of MIGRATIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from docgen.migrations import (
    m001_initial,
    m002_mentoring_forms,
    m003_bulk_jobs,
    m004_sessions,
    m005_surveys,
    m006_jobs,
    m007_annexes_registered,
    m008_variant_files,
    m009_people_lookup,
    m010_pdf_after_registration,
    m011_imports,
    m012_people_name_index,
)


@dataclass(frozen=True)
class Migration:
    name: str
    apply: Callable[[sqlite_utils.Database], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration("m001_initial", m001_initial.apply),
    Migration("m002_mentoring_forms", m002_mentoring_forms.apply),
    Migration("m003_bulk_jobs", m003_bulk_jobs.apply),
    Migration("m004_sessions", m004_sessions.apply),
    Migration("m005_surveys", m005_surveys.apply),
    Migration("m006_jobs", m006_jobs.apply),
    Migration("m007_annexes_registered", m007_annexes_registered.apply),
    Migration("m008_variant_files", m008_variant_files.apply),
    Migration("m009_people_lookup", m009_people_lookup.apply),
    Migration("m010_pdf_after_registration", m010_pdf_after_registration.apply),
    Migration("m011_imports", m011_imports.apply),
    Migration("m012_people_name_index", m012_people_name_index.apply),
)
