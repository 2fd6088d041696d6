"""Template values built from people: each person once on a familiarisation sheet."""

from marshmallow import Schema, fields

from docgen.kinds.fields import PersonForm
from docgen.rendering.context import Person, PersonBlock, convert, unique_people


def test_each_person_once_registry_namesakes_apart_inline_merged_by_name():
    chernova = Person("Чернова", "Наталья", "Викторовна", id=7)
    namesake = Person("Чернова", "Наталья", "Викторовна", id=9)
    typed = Person("Чернова", "Наталья", "Викторовна")
    petrova = Person("Петрова", "Елена", "Сергеевна")
    result = unique_people([chernova, typed, petrova, namesake, chernova, petrova])
    assert result == [chernova, petrova, namesake]


class Someone(Schema, PersonBlock):
    id = fields.Int(load_default=None)
    surname = fields.Str()
    name = fields.Str()
    patronymic = fields.Str()
    position = fields.Str()


class Order(Schema):
    title = fields.Str()
    curator = fields.Nested(Someone)
    members = fields.List(fields.Nested(Someone))
    head = fields.Nested(PersonForm)


def test_person_blocks_become_people_inline_or_from_the_registry():
    registry = {7: {"id": 7, "surname": "Петрова", "name": "Елена", "patronymic": "Сергеевна"}}
    values = convert(
        Order(),
        {
            "title": "О наставничестве",
            "curator": {"surname": "Чернова", "name": "Наталья", "patronymic": "Викторовна"},
            "members": [{"id": 7, "position": "учитель математики"}],
            "head": {"surname": "Иванов", "name": "Пётр", "patronymic": "Олегович"},
        },
        registry.__getitem__,
    )
    assert values["title"] == "О наставничестве"
    assert values["curator"].full("acc") == "Чернову Наталью Викторовну"
    (member,) = values["members"]
    assert (member.sign, member.id, member.pos("gen")) == (
        "Е.С.\u00a0Петрова",
        7,
        "учителя математики",
    )
    assert values["head"].short("dat") == "Иванову\u00a0П.О."
