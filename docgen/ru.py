"""Russian language layer: cases, gender, initials, dates, numbers and agreement.

Names are declined with pytrovich. Measured against petrovich on the name table of
tests/test_ru.py (38 people, 545 part forms in the five oblique cases, expected values
written by hand, true gender given to both): pytrovich 0.2.0 got 543/545 right,
petrovich 2.0.1 505/545 (it declines «Черных» for men, leaves «Данелия», «Окуджава»,
«Никита», «Кузьма», «Муса» undeclined, gives «Цого», «Ольгы», «Ильичем»). So pytrovich
is used; its two misses (dative and prepositional «Зульфие») are fixed by
`_fix_first_name`, and `_FIRST_NAME_GENDER` covers names its gender rules misread.
Positions, organisation names, number agreement and grif words use pymorphy3; numbers
in words num2words; dates babel.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

from babel.dates import format_date
from num2words import num2words

CASES = ("nom", "gen", "dat", "acc", "ins", "pre")
GENDERS = ("m", "f")
NBSP = "\u00a0"

_PYMORPHY_CASE = {
    "nom": "nomn",
    "gen": "gent",
    "dat": "datv",
    "acc": "accs",
    "ins": "ablt",
    "pre": "loct",
}

# Patronymic particles of Turkic names: the father's name before them stays in the
# nominative and the particle itself never declines.
_MALE_PARTICLES = frozenset({"оглы", "оглу", "улы", "уулу"})
_FEMALE_PARTICLES = frozenset({"кызы", "гызы", "кзы", "кизи"})

# First names whose gender pytrovich's suffix rules get wrong or cannot tell; most
# are Dagestani and Azerbaijani female names in -ат/-ун, common in our schools.
_FIRST_NAME_GENDER = {
    "хадижат": "f",
    "аминат": "f",
    "написат": "f",
    "загидат": "f",
    "жавгарат": "f",
    "айшат": "f",
    "салимат": "f",
    "асият": "f",
    "сапият": "f",
    "умукусум": "f",
    "гульнар": "f",
    "зарема": "f",
    "айгюн": "f",
    "лейла": "f",
    "нино": "f",
    "муса": "m",
    "абдулла": "m",
}

_WORD_RE = re.compile(r"^[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*$")


# ---------------------------------------------------------------- lazy singletons


@cache
def _morph() -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer()


@cache
def _name_maker() -> Any:
    from pytrovich.maker import PetrovichDeclinationMaker

    return PetrovichDeclinationMaker()


@cache
def _gender_detector() -> Any:
    from pytrovich.detector import PetrovichGenderDetector

    return PetrovichGenderDetector()


# ---------------------------------------------------------------- small helpers


def _check_case(case: str) -> None:
    if case not in CASES:
        raise ValueError(f"Неизвестный падеж: {case!r}; допустимы {', '.join(CASES)}")


def _check_gender(gender: str | None) -> None:
    if gender is not None and gender not in GENDERS:
        raise ValueError(f"Неизвестный род: {gender!r}; допустимы 'm', 'f' или None")


def _match_case(original: str, word: str) -> str:
    """Give `word` the capitalisation of `original` (all caps, capitalised or lower)."""
    if len(original) > 1 and original.isupper():
        return word.upper()
    if original[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _keep_yo(original: str, word: str) -> str:
    """Undo a dictionary «ё» where the user wrote «е» in the stem («ученый» -> «ученого»)."""
    # An «ё» in a new ending («секретарём») is grammar, not the user's spelling choice.
    letters = list(word)
    for i, (ours, theirs) in enumerate(zip(word, original, strict=False)):
        if ours in "ёЁ" and theirs in "еЕ":
            letters[i] = theirs
    return "".join(letters)


# ---------------------------------------------------------------- names


def detect_gender(surname: str, name: str, patronymic: str | None) -> str | None:
    """Gender "m"/"f" from the patronymic, else from the name and surname; None if unknown."""
    if patronymic:
        last = patronymic.split()[-1].lower()
        if last in _MALE_PARTICLES or last.endswith("ич"):
            return "m"
        if last in _FEMALE_PARTICLES or last.endswith(("вна", "чна", "шна")):
            return "f"
    if name and name.lower() in _FIRST_NAME_GENDER:
        return _FIRST_NAME_GENDER[name.lower()]
    if not (surname or name):
        return None
    from pytrovich.enums import Gender

    found = _gender_detector().detect(firstname=name or None, lastname=surname or None)
    return {Gender.MALE: "m", Gender.FEMALE: "f"}.get(found)


def _fix_first_name(nominative: str, declined: str, case: str) -> str:
    # pytrovich treats stressed -ия (Зульфия, Альфия) like Илья: «Зульфие». Nouns in
    # -ия take -ии in the dative and prepositional whatever the stress (Марии).
    if case in ("dat", "pre") and nominative.lower().endswith("ия") and len(nominative) > 3:
        return nominative[:-1] + _match_case(nominative[-1], "и")
    return declined


def _decline_part(part: str, kind: str, case: str, gender: str | None) -> str:
    from pytrovich.enums import Case, Gender, NamePart

    if case == "nom" or not part:
        return part
    name_part = {
        "surname": NamePart.LASTNAME,
        "name": NamePart.FIRSTNAME,
        "patronymic": NamePart.MIDDLENAME,
    }[kind]
    lib_case = {
        "gen": Case.GENITIVE,
        "dat": Case.DATIVE,
        "acc": Case.ACCUSATIVE,
        "ins": Case.INSTRUMENTAL,
        "pre": Case.PREPOSITIONAL,
    }[case]
    lib_gender = {"m": Gender.MALE, "f": Gender.FEMALE, None: Gender.ANDROGYNOUS}[gender]
    declined = _name_maker().make(name_part, lib_gender, lib_case, part, gender is not None)
    if kind == "name":
        declined = _fix_first_name(part, declined, case)
    return declined.upper() if len(part) > 1 and part.isupper() else declined


def _decline_patronymic(patronymic: str, case: str, gender: str | None) -> str:
    words = patronymic.split()
    if words[-1].lower() in _MALE_PARTICLES | _FEMALE_PARTICLES:
        return patronymic
    return _decline_part(patronymic, "patronymic", case, gender)


# Declension is pure and the same few names and positions recur in every document:
# caching it takes most of the rendering time away (bench/bench_render.py).
@lru_cache(maxsize=8192)
def name_parts(
    surname: str,
    name: str,
    patronymic: str | None,
    case: str,
    gender: str | None = None,
) -> tuple[str, str, str | None]:
    """Surname, name and patronymic, each in `case`."""
    _check_case(case)
    _check_gender(gender)
    if gender is None:
        gender = detect_gender(surname, name, patronymic)
    return (
        _decline_part(surname, "surname", case, gender),
        _decline_part(name, "name", case, gender),
        _decline_patronymic(patronymic, case, gender) if patronymic else patronymic,
    )


def full_name(
    surname: str,
    name: str,
    patronymic: str | None,
    case: str = "nom",
    gender: str | None = None,
) -> str:
    """«Чернову Наталью Викторовну»: the whole name in `case`."""
    parts = name_parts(surname, name, patronymic, case, gender)
    return " ".join(p for p in parts if p)


def _initials(name: str, patronymic: str | None) -> str:
    def initial(word: str) -> str:
        # A double name gives a double initial: Анна-Мария -> А.-М.
        return "-".join(piece[:1].upper() + "." for piece in word.split("-") if piece)

    result = initial(name) if name else ""
    if patronymic:
        result += initial(patronymic.split()[0])
    return result


def short_name(
    surname: str,
    name: str,
    patronymic: str | None,
    case: str = "nom",
    gender: str | None = None,
    initials_first: bool = False,
) -> str:
    """«Черновой Н.В.» or, with `initials_first`, «Н.В. Чернова» (ГОСТ: no-break space)."""
    declined_surname = name_parts(surname, name, patronymic, case, gender)[0]
    initials = _initials(name, patronymic)
    if not initials:
        return declined_surname
    if initials_first:
        return f"{initials}{NBSP}{declined_surname}"
    return f"{declined_surname}{NBSP}{initials}"


# ---------------------------------------------------------------- phrases (pymorphy3)


def _nominative_parses(word: str, pos: set[str]) -> list[Any]:
    return [p for p in _morph().parse(word) if p.tag.POS in pos and "nomn" in p.tag]


def _agrees(modifier: Any, word: str) -> bool:
    """Whether the nominative `modifier` parse can agree with some nominative parse of `word`."""
    for p in _nominative_parses(word, {"NOUN", "ADJF", "PRTF"}):
        if p.tag.number != modifier.tag.number:
            continue
        if p.tag.number == "plur" or p.tag.gender == modifier.tag.gender:
            return True
    return False


def _is_abbreviation(token: str) -> bool:
    if not (len(token) > 1 and token.isupper()):
        return False
    return not any(p.is_known and "Abbr" not in p.tag for p in _morph().parse(token.lower()))


def _head_phrase(tokens: list[str], animate: bool | None) -> tuple[list[Any], int, Any] | None:
    """Agreeing modifiers, the index of the head word and its parse, or None.

    The head phrase is the run of nominative adjectives at the start plus the first
    nominative noun they agree with; a lone substantivised adjective or participle
    («вожатый», «заведующий библиотекой») is itself the head.
    """
    modifiers: list[Any] = []
    for i, token in enumerate(tokens):
        if not _WORD_RE.match(token) or _is_abbreviation(token):
            return None
        last_piece = token.split("-")[-1].lower()
        adjectives = _nominative_parses(last_piece, {"ADJF", "PRTF"})
        nouns = _nominative_parses(token.lower(), {"NOUN"}) or _nominative_parses(
            last_piece, {"NOUN"}
        )
        following = tokens[i + 1] if i + 1 < len(tokens) else None
        if adjectives and following and _WORD_RE.match(following):
            agreeing = [a for a in adjectives if _agrees(a, following.split("-")[-1].lower())]
            if agreeing:
                modifiers.append(agreeing[0])
                continue
        candidates = nouns or adjectives
        if not candidates:
            return None
        if animate is not None:
            wanted = "anim" if animate else "inan"
            candidates = sorted(candidates, key=lambda p: wanted not in p.tag)
        return modifiers, i, candidates[0]
    return None


def _inflect_parse(parse: Any, grammemes: set[str], original: str) -> str:
    form = parse.inflect(grammemes)
    if form is None:
        return original
    return _match_case(original, _keep_yo(original, form.word))


def _inflect_head_word(token: str, case: str, animate: bool) -> str:
    """Decline a head noun; each part of a hyphenated noun («педагог-психолог») declines."""
    pieces = token.split("-")
    result = []
    for piece in pieces:
        parses = _nominative_parses(piece.lower(), {"NOUN"})
        if not parses:
            result.append(piece)
            continue
        wanted = "anim" if animate else "inan"
        parse = sorted(parses, key=lambda p: wanted not in p.tag)[0]
        result.append(_inflect_parse(parse, {_PYMORPHY_CASE[case]}, piece))
    return "-".join(result)


def _inflect_modifier(token: str, parse: Any, case: str, animate: bool) -> str:
    grammemes = {_PYMORPHY_CASE[case]}
    # Animacy shows only in the masculine singular and the plural accusative; asking
    # for it elsewhere makes pymorphy3 switch the adjective to the masculine.
    if case == "acc" and (parse.tag.number == "plur" or parse.tag.gender == "masc"):
        grammemes.add("anim" if animate else "inan")
    pieces = token.split("-")
    # In «северо-кавказский» only the last part is an inflected adjective.
    form = parse.inflect(grammemes) or parse.inflect({_PYMORPHY_CASE[case]})
    if form is None:
        return token
    pieces[-1] = _match_case(pieces[-1], _keep_yo(pieces[-1], form.word))
    return "-".join(pieces)


# Bracketed references that name a place in the document, not the thing itself:
# «Положение (приложение 1)» stays as written in every case.
_BRACKET_REFERENCES = frozenset({"приложение", "протокол", "пункт", "раздел", "статья"})


def _bracket_runs(tokens: list[str]) -> list[tuple[int, int]]:
    """Index ranges [start, end] of the tokens that make up each «( … )» group."""
    runs, start = [], None
    for i, token in enumerate(tokens):
        if start is None and token.startswith("("):
            start = i
        if start is not None and ")" in token:
            runs.append((start, i))
            start = None
    return runs


def _only_nominative(token_run: list[str]) -> bool:
    """Whether the bracket's head noun reads only as a nominative (or the same-looking accusative)."""
    inner = " ".join(token_run).strip().lstrip("(").split(")")[0].split()
    found = _head_phrase(inner, None)
    if found is None:
        return False
    word = inner[found[1]].split("-")[-1].lower()
    parses = [p for p in _morph().parse(word) if p.tag.POS == "NOUN"]
    return bool(parses) and all(p.tag.case in ("nomn", "accs") for p in parses)


def _inflect_bracket(token_run: list[str], case: str, animate: bool) -> list[str] | None:
    """The bracket's tokens with its nominative apposition in `case`, or None to keep them."""
    text = " ".join(token_run)
    match = re.fullmatch(r"\(([^()]*)\)(\W*)", text)
    if match is None:
        return None
    inner, tail = match.groups()
    inner_tokens = inner.split()
    found = _head_phrase(inner_tokens, animate)
    if found is None or found[2].tag.POS != "NOUN" or "nomn" not in found[2].tag:
        return None
    if inner_tokens[found[1]].lower() in _BRACKET_REFERENCES:
        return None
    declined = _inflect_phrase(inner, case, animate).split()
    declined[0] = "(" + declined[0]
    declined[-1] = declined[-1] + ")" + tail
    return declined


def _inflect_phrase(text: str, case: str, animate: bool) -> str:
    """Decline the head phrase of `text` and any nominative apposition in brackets after it.

    «План мероприятий (дорожная карта)» -> «План мероприятий (дорожную карту)»; a
    bracket right after the head word always agrees with it, one further on only when
    its noun can be nothing but nominative («пар (групп)», «группы (команды)» stay).
    """
    if case == "nom" or not text.strip():
        return text
    chunks = re.split(r"(\s+)", text.strip())
    tokens = chunks[0::2]
    runs = _bracket_runs(tokens)
    in_brackets = {i for start, end in runs for i in range(start, end + 1)}
    outside = [i for i in range(len(tokens)) if i not in in_brackets]
    found = _head_phrase([tokens[i] for i in outside], animate)
    if found is None:
        return text
    modifiers, head_at, head = found
    head_index = outside[head_at]
    head_animate = "anim" in head.tag if head.tag.POS == "NOUN" else animate
    new_tokens = list(tokens)
    for i, parse in enumerate(modifiers):
        new_tokens[outside[i]] = _inflect_modifier(tokens[outside[i]], parse, case, head_animate)
    head_token = tokens[head_index]
    if head.tag.POS == "NOUN":
        new_tokens[head_index] = _inflect_head_word(head_token, case, head_animate)
    else:
        new_tokens[head_index] = _inflect_modifier(head_token, head, case, head_animate)
    for start, end in runs:
        if start <= head_index:
            continue
        declined = _inflect_bracket(tokens[start : end + 1], case, animate)
        if declined is None or len(declined) != end + 1 - start:
            continue
        if start != head_index + 1 and not _only_nominative(tokens[start : end + 1]):
            continue
        new_tokens[start : end + 1] = declined
    chunks[0::2] = new_tokens
    return "".join(chunks)


@lru_cache(maxsize=8192)
def inflect(text: str, case: str, gender: str | None = None, kind: str = "name") -> str:
    """`text` in `case`; kind is "name" (Фамилия Имя Отчество), "position" or "org".

    Positions stay masculine for women («заместителю директора»), so `gender` matters
    only for names.
    """
    _check_case(case)
    _check_gender(gender)
    if kind == "name":
        words = text.split()
        if not words:
            return text
        surname = words[0]
        name = words[1] if len(words) > 1 else ""
        patronymic = " ".join(words[2:]) or None
        return full_name(surname, name, patronymic, case, gender)
    if kind == "position":
        return _inflect_phrase(text, case, animate=True)
    if kind == "org":
        return _inflect_phrase(text, case, animate=False)
    raise ValueError(f"Неизвестный вид: {kind!r}; допустимы 'name', 'position', 'org'")


# ---------------------------------------------------------------- agreement


def agree(gender: str | None, masc: str, fem: str, neutral: str | None = None) -> str:
    """«ознакомлен»/«ознакомлена»; unknown gender gives `neutral` or «ознакомлен(а)»."""
    _check_gender(gender)
    if gender == "m":
        return masc
    if gender == "f":
        return fem
    if neutral is not None:
        return neutral
    if fem.startswith(masc) and len(fem) > len(masc):
        return f"{masc}({fem[len(masc) :]})"
    return f"{masc}/{fem}"


@lru_cache(maxsize=4096)
def _agree_with_number(n: int, text: str) -> str:
    """`text` (a nominative singular noun, optionally with adjectives) agreed with `n`."""
    tokens = text.split()
    found = _head_phrase(tokens, None)
    if found is None:
        return text
    modifiers, head_index, head = found
    if head.tag.POS != "NOUN":
        return text
    head_form = head.make_agree_with_number(abs(n))
    if head_form is None:
        return text
    word = head_form.word
    # After a numeral «год» takes the suppletive «лет» («5 лет»), not the dictionary «годов».
    if word == "годов":
        word = "лет"
    new_tokens = list(tokens)
    new_tokens[head_index] = _match_case(tokens[head_index], _keep_yo(tokens[head_index], word))
    last_two, last = abs(n) % 100, abs(n) % 10
    if last == 1 and last_two != 11:
        modifier_grammemes = None
    elif 2 <= last <= 4 and not 12 <= last_two <= 14:
        # «две наставнические пары», but «два молодых специалиста».
        modifier_grammemes = {"plur", "nomn" if head.tag.gender == "femn" else "gent"}
    else:
        modifier_grammemes = {"plur", "gent"}
    if modifier_grammemes:
        for i, parse in enumerate(modifiers):
            form = parse.inflect(modifier_grammemes)
            if form is not None:
                new_tokens[i] = _match_case(tokens[i], _keep_yo(tokens[i], form.word))
    return " ".join(new_tokens)


def plural(n: int, word: str) -> str:
    """«2 наставника», «5 наставников», «21 наставник»: `word` in nominative singular."""
    return f"{n} {_agree_with_number(n, word)}"


def grif_word(doc_title: str, base: str = "УТВЕРЖДЕН") -> str:
    """«УТВЕРЖДЕНО» for «Положение …», «УТВЕРЖДЕНА» for «Программа …», and so on."""
    tokens = [t.strip('«»"(),.:;') for t in doc_title.split()]
    tokens = [t for t in tokens if t]
    while tokens and not _WORD_RE.match(tokens[0]):
        tokens.pop(0)
    found = _head_phrase(tokens, None)
    if found is None:
        return base
    head = found[2]
    wanted = {"plur"} if head.tag.number == "plur" else {head.tag.gender or "masc", "sing"}
    for parse in _morph().parse(base.lower()):
        if parse.tag.POS in ("PRTS", "ADJS"):
            form = parse.inflect(wanted)
            if form is not None:
                return _match_case(base, _keep_yo(base, form.word))
    return base


# ---------------------------------------------------------------- dates


def _as_date(d: date | str) -> date:
    if isinstance(d, datetime):
        return d.date()
    if isinstance(d, date):
        return d
    return date.fromisoformat(d)


def date_short(d: date) -> str:
    """«03.11.2022»."""
    return _as_date(d).strftime("%d.%m.%Y")


def date_long(d: date) -> str:
    """«3 ноября 2022 г.» (no leading zero, month in the genitive)."""
    return format_date(_as_date(d), "d MMMM y", locale="ru") + " г."


def month_year(d: date) -> str:
    """«ноябрь 2022 г.» (month in the nominative)."""
    return format_date(_as_date(d), "LLLL y", locale="ru") + " г."


def age_on(birth: date, on: date) -> int:
    """Full years of age on the date `on`."""
    birth, on = _as_date(birth), _as_date(on)
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


# ---------------------------------------------------------------- numbers and money


def number_words(n: int, gender: str = "m") -> str:
    """«двадцать одна» for n=21, gender="f"; gender is "m", "f" or "n"."""
    if gender not in ("m", "f", "n"):
        raise ValueError(f"Неизвестный род: {gender!r}; допустимы 'm', 'f', 'n'")
    return num2words(int(n), lang="ru", gender=gender)


def _group_digits(n: int) -> str:
    return f"{n:,}".replace(",", NBSP)


def money_words(amount: Decimal | float | str) -> str:
    """«5 000 (пять тысяч) рублей 00 копеек»."""
    text = str(amount).replace(NBSP, "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation as err:
        raise ValueError(f"Не удалось прочитать сумму: {amount!r}") from err
    if value < 0:
        raise ValueError(f"Сумма не может быть отрицательной: {amount!r}")
    rubles = int(value)
    kopecks = int((value - rubles) * 100)
    return (
        f"{_group_digits(rubles)} ({number_words(rubles)}) {_agree_with_number(rubles, 'рубль')} "
        f"{kopecks:02d} {_agree_with_number(kopecks, 'копейка')}"
    )


# ---------------------------------------------------------------- Jinja filters


def _blank_on_none(func: Callable[..., str]) -> Callable[..., str]:
    def wrapper(value: Any, *args: Any, **kwargs: Any) -> str:
        if value is None or value == "":
            return ""
        return func(value, *args, **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__doc__ = func.__doc__
    return wrapper


def _agree_filter(
    gender: str | None, masc: str | None, fem: str | None, neutral: str | None = None
) -> str:
    # The piped value is the gender, and None there is meaningful (unknown gender).
    if masc is None or fem is None:
        return ""
    return agree(gender or None, masc, fem, neutral)


FILTERS: dict[str, Callable[..., str]] = {
    "inflect": _blank_on_none(inflect),
    "date_short": _blank_on_none(date_short),
    "date_long": _blank_on_none(date_long),
    "month_year": _blank_on_none(month_year),
    "number_words": _blank_on_none(number_words),
    "money_words": _blank_on_none(money_words),
    "plural": _blank_on_none(plural),
    "grif_word": _blank_on_none(grif_word),
    "agree": _agree_filter,
}
