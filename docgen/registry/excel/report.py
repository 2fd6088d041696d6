"""What an import of a registry workbook found and did: every error by sheet, row and column."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any

from docgen.errors import FieldErrors


@dataclass(frozen=True)
class RowError:
    sheet: str
    row: int
    column: str
    value: str
    message: str

    @property
    def text(self) -> str:
        """«Лист «Наставляемые», строка 14, столбец «Дата рождения»: 31.02.2010 — такой даты нет»."""
        where = f"Лист «{self.sheet}», строка {self.row}, столбец «{self.column}»"
        return (
            f"{where}: {self.value} — {self.message}" if self.value else f"{where}: {self.message}"
        )


@dataclass
class ImportReport:
    """What an import found and did; `written` is False when nothing was saved."""

    errors: list[RowError] = field(default_factory=list)
    written: bool = False
    people_added: int = 0
    people_updated: int = 0
    people_unchanged: int = 0
    mentors: int = 0
    mentees: int = 0
    consents_added: int = 0
    groups_added: int = 0
    groups_existing: int = 0
    rows_skipped: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def messages(self) -> list[str]:
        return [error.text for error in self.errors]

    def as_dict(self) -> dict[str, Any]:
        counts = {
            key: value for key, value in self.__dict__.items() if key not in ("errors", "written")
        }
        return {"written": self.written, "errors": self.messages(), **counts}

    def raise_if_errors(self) -> None:
        """FieldErrors with every message, for callers that treat a bad file as bad input."""
        if self.errors:
            raise FieldErrors(
                f"В файле ошибки ({len(self.errors)}); ничего не записано.",
                fields={"file": self.messages()},
            )

    def to_json(self) -> str:
        """The report as stored with its import (the page shows it once the job is done)."""
        data = {k: v for k, v in self.__dict__.items() if k != "errors"}
        data["errors"] = [dataclasses.astuple(error) for error in self.errors]
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> ImportReport:
        data = json.loads(text)
        errors = [RowError(*error) for error in data.pop("errors")]
        return cls(errors=errors, **data)
