"""Small builders of registry records for the Excel, bases, district and bulk tests."""

from __future__ import annotations

from docgen.registry import consents, organisations, people


def department(db, name: str = "Отдел образования Администрации Обливского района") -> int:
    return organisations.create_organisation(
        db,
        {
            "kind": "department",
            "full_name": name,
            "locality": "ст. Обливская",
            "head_position": "Начальник отдела образования",
            "head_surname": "Петрова",
            "head_name": "Анна",
            "head_patronymic": "Сергеевна",
            "head_gender": "f",
        },
    )


def school(db, parent_id: int | None, name: str = "МБОУ «СОШ № 1»") -> int:
    return organisations.create_organisation(
        db,
        {
            "kind": "school",
            "parent_id": parent_id,
            "full_name": f"Муниципальное бюджетное общеобразовательное учреждение {name}",
            "short_name": name,
            "locality": "ст. Обливская",
            "address": "347140, Ростовская область, ст. Обливская, ул. Ленина, д. 12",
            "head_position": "Директор",
            "head_surname": "Кудаков",
            "head_name": "Александр",
            "head_patronymic": "Михайлович",
            "head_gender": "m",
        },
    )


def person(db, org_id: int, surname: str, name: str, patronymic: str, **extra) -> int:
    data = {
        "surname": surname,
        "name": name,
        "patronymic": patronymic,
        "gender": extra.pop("gender", "f" if surname.endswith("а") else "m"),
        "category": extra.pop("category", "педагог"),
        **extra,
    }
    return people.add_person(db, org_id, data)


def consent(db, person_id: int, on: str = "2024-09-01", signer: str = "self") -> int:
    extra = {}
    if signer != "self":
        extra = {
            "representative_name": "Иванова Ольга Петровна",
            "representative_doc": "свидетельство о рождении III-АН № 123456",
        }
    return consents.sign_consent(db, person_id, "processing", on, signer, **extra)
