"""The samples tell one school year of one school: nothing in one contradicts another."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
DATE = re.compile(r"^\d{2}\.\d{2}\.\d{4}$")
YEAR_START, YEAR_END = dt.date(2026, 9, 1), dt.date(2027, 8, 31)
# Keys under which a sample cites a protocol (the body is either a sibling "body" or the key).
PROTOCOL_KEYS = {"pedsovet": "педагогический совет", "councils": None, "reviewed": None}


def _samples() -> dict[str, dict]:
    return {path.stem: json.loads(path.read_text()) for path in sorted(SAMPLES.glob("*.json"))}


def _walk(node: Any, key: str = "", parent: dict | None = None):
    """Yield (key, dict, parent dict) for every dict in a sample."""
    if isinstance(node, dict):
        yield key, node, parent
        for child_key, child in node.items():
            yield from _walk(child, child_key, node)
    elif isinstance(node, list):
        for child in node:
            yield from _walk(child, key, parent)


def _date(text: str) -> dt.date:
    return dt.datetime.strptime(text, "%d.%m.%Y").date()


def _is_ref(node: dict) -> bool:
    return isinstance(node.get("number"), str) and DATE.match(str(node.get("date", ""))) is not None


def _is_order(key: str, node: dict) -> bool:
    """A school's or department's order: a cited number and date that is no protocol,
    no labour contract and no act of another issuer."""
    return (
        _is_ref(node)
        and key not in {*PROTOCOL_KEYS, "protocol", "contract"}
        and not node.get("body")
        and not node.get("issuer")
    )


def _person(node: dict) -> dict | None:
    """The person a dict describes: itself or its "person" member."""
    node = node.get("person", node) if isinstance(node.get("person"), dict) else node
    if isinstance(node.get("surname"), str) and isinstance(node.get("name"), str):
        return node
    return None


def _full_name(person: dict) -> str:
    return " ".join(filter(None, (person["surname"], person["name"], person.get("patronymic"))))


def _is_municipal(sample: dict) -> bool:
    return "area" in sample


def test_an_order_number_has_one_date_everywhere():
    dates = defaultdict(set)
    for slug, sample in _samples().items():
        for key, node, _ in _walk(sample):
            if _is_order(key, node):
                dates[node["number"]].add((node["date"], slug))
    clashes = {
        number: sorted(seen)
        for number, seen in dates.items()
        if len({date for date, _ in seen}) > 1
    }
    assert clashes == {}


def test_a_protocol_number_has_one_date_per_body():
    dates = defaultdict(set)
    for slug, sample in _samples().items():
        for key, node, parent in _walk(sample):
            if key in PROTOCOL_KEYS and _is_ref(node):
                body = node.get("body") or PROTOCOL_KEYS[key]
            elif key == "protocol" and _is_ref(node) and parent is not None:
                body = parent.get("council") or parent.get("body")
            else:
                continue
            dates[(body, node["number"])].add((node["date"], slug))
    clashes = {ref: sorted(seen) for ref, seen in dates.items() if len({d for d, _ in seen}) > 1}
    assert clashes == {}


def test_protocols_come_before_the_order_approving_on_them():
    late = []
    for slug, sample in _samples().items():
        for _, node, _ in _walk(sample):
            approved = node.get("approved_by")
            if not (isinstance(approved, dict) and _is_ref(approved)):
                continue
            for key, cited, _ in _walk(node):
                if key in PROTOCOL_KEYS and _is_ref(cited):
                    if _date(cited["date"]) > _date(approved["date"]):
                        late.append((slug, key, cited["date"], approved["date"]))
    assert late == []


def test_every_school_sample_names_the_same_school_and_every_municipal_one_its_department():
    names = defaultdict(set)
    heads = defaultdict(set)
    for sample in _samples().values():
        organisation = sample["organisation"]
        level = "municipal" if _is_municipal(sample) else "school"
        names[level].add(organisation["full_name"])
        heads[organisation["full_name"]].add(_full_name(organisation["head"]))
        for key in ("short_name", "address", "founder_line", "head_position"):
            if organisation.get(key):
                heads[(organisation["full_name"], key)].add(organisation[key])
    assert {level: len(found) for level, found in names.items()} == {"school": 1, "municipal": 1}
    assert {key: found for key, found in heads.items() if len(found) > 1} == {}


def test_the_school_is_one_of_its_departments_schools():
    samples = _samples()
    schools = {sample["organisation"].get("short_name") for sample in samples.values()}
    listed = [
        set(sample["schools"])
        for sample in samples.values()
        if isinstance(sample.get("schools"), list)
    ]
    assert listed
    for names in listed:
        assert schools - {None, ""} & names


def test_a_person_has_one_position_and_one_gender_everywhere():
    seen = defaultdict(lambda: defaultdict(set))
    for slug, sample in _samples().items():
        for _, node, _ in _walk(sample):
            person = _person(node)
            if person is None:
                continue
            for key in ("position", "gender"):
                if person.get(key):
                    seen[_full_name(person)][key].add((person[key].lower(), slug))
    clashes = {
        name: {key: sorted(values) for key, values in facts.items()}
        for name, facts in seen.items()
        if any(len({value for value, _ in values}) > 1 for values in facts.values())
    }
    assert clashes == {}


def test_a_surname_belongs_to_one_person():
    """«Иванова Анна» in one sample and «Иванова Анастасия» in another are one person misspelt."""
    names = defaultdict(set)
    for sample in _samples().values():
        for _, node, _ in _walk(sample):
            person = _person(node)
            if person is not None:
                names[person["surname"]].add(_full_name(person))
    assert {surname: found for surname, found in names.items() if len(found) > 1} == {}


def _periods(samples: dict[str, dict]):
    """(key, slug, mentor, mentees, start, end) for every dict with a mentor, mentees and a period."""
    for slug, sample in samples.items():
        for key, node, _ in _walk(sample):
            if not (
                DATE.match(str(node.get("start", ""))) and DATE.match(str(node.get("end", "")))
            ):
                continue
            mentor = node.get("mentor") or node.get("employee")
            mentees = node.get("mentees") or ([node["mentee"]] if node.get("mentee") else None)
            if not (isinstance(mentor, dict) and mentees):
                continue
            yield (
                key,
                slug,
                _full_name(_person(mentor)),
                frozenset(_full_name(_person(mentee)) for mentee in mentees),
                _date(node["start"]),
                _date(node["end"]),
            )


def test_pairs_and_programmes_lie_within_the_school_year():
    outside = [
        (slug, mentor, start, end)
        for _, slug, mentor, _, start, end in _periods(_samples())
        if not (YEAR_START <= start <= end <= YEAR_END)
    ]
    assert outside == []


def test_a_programme_lies_within_its_pair():
    periods = list(_periods(_samples()))
    pairs = {
        (mentor, mentees): (start, end)
        for key, _, mentor, mentees, start, end in periods
        if key == "pairs"
    }
    assert pairs
    outside = []
    for _, slug, mentor, mentees, start, end in periods:
        pair = pairs.get((mentor, mentees))
        if pair is None:
            outside.append((slug, mentor, "no such pair"))
        elif not (pair[0] <= start <= end <= pair[1]):
            outside.append((slug, mentor, start, end, pair))
    assert outside == []
