"""Template values built from people: each person once on a familiarisation sheet."""

from docgen.rendering.context import Person, unique_people


def test_each_person_once_registry_namesakes_apart_inline_merged_by_name():
    chernova = Person("Чернова", "Наталья", "Викторовна", id=7)
    namesake = Person("Чернова", "Наталья", "Викторовна", id=9)
    typed = Person("Чернова", "Наталья", "Викторовна")
    petrova = Person("Петрова", "Елена", "Сергеевна")
    result = unique_people([chernova, typed, petrova, namesake, chernova, petrova])
    assert result == [chernova, petrova, namesake]
