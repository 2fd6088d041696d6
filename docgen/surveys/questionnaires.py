"""The satisfaction questionnaires (МР-42/02 family, DOMAIN.md §2.10) as data.

One questionnaire per audience (mentors, mentees) and stage (start, end of a programme). Adding
an item is one line in an items tuple; a school adds its own items when it issues a survey.
Only the standard scored items (`counts=True`) enter the satisfaction indicator, so a school's
own items never change what the figure means.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docgen.errors import FieldErrors

AUDIENCES = {"mentors": "наставники", "mentees": "наставляемые"}
STAGES = {"start": "начало программы", "end": "окончание программы"}
SCALE = (1, 10)
MAX_EXTRA_ITEMS = 10
MAX_TEXT = 2000
FREQUENCIES = (
    "чаще раза в неделю",
    "раз в неделю",
    "раз в две недели",
    "раз в месяц",
    "реже раза в месяц",
)


@dataclass(frozen=True)
class Item:
    """One question: a score 1–10, an open answer, or a choice of `options`."""

    code: str
    text: str
    kind: str = "score"  # score | text | choice
    counts: bool = False  # a standard scored item of the satisfaction method
    options: tuple[str, ...] = ()
    required: bool = True

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "text": self.text,
            "kind": self.kind,
            "options": list(self.options),
            "required": self.required,
        }


@dataclass(frozen=True)
class Questionnaire:
    """A questionnaire for one audience at one stage."""

    audience: str
    stage: str
    title: str
    items: tuple[Item, ...]

    @property
    def scored(self) -> tuple[Item, ...]:
        return tuple(item for item in self.items if item.counts)


def _score(code: str, text: str) -> Item:
    return Item(code, text, "score", counts=True)


def _open(code: str, text: str) -> Item:
    return Item(code, text, "text", required=False)


_FREQUENCY = Item(
    "frequency",
    "Как часто проходили (будут проходить) встречи?",
    "choice",
    options=FREQUENCIES,
    required=False,
)

QUESTIONNAIRES: tuple[Questionnaire, ...] = (
    Questionnaire(
        "mentees",
        "start",
        "Анкета наставляемого перед началом программы наставничества",
        (
            _score("efficiency", "Насколько эффективной, по-вашему, будет программа?"),
            _score("comfort", "Насколько комфортным вы ожидаете общение с наставником?"),
            _score("usefulness", "Насколько полезными, по-вашему, будут встречи с наставником?"),
            _score("clarity", "Насколько ясны вам цели и задачи программы?"),
            _score("support", "Насколько вы рассчитываете на поддержку наставника?"),
            _score("organisation", "Как вы оцениваете подготовку программы школой?"),
            _score("continue", "Насколько вам хочется участвовать в программе?"),
            _FREQUENCY,
            _open("expect", "Чего вы ждёте от программы наставничества?"),
            _open("worries", "Что вас беспокоит?"),
        ),
    ),
    Questionnaire(
        "mentees",
        "end",
        "Анкета наставляемого по окончании программы наставничества",
        (
            _score("efficiency", "Насколько эффективной оказалась программа?"),
            _score("comfort", "Насколько комфортным было общение с наставником?"),
            _score("usefulness", "Насколько полезными были встречи с наставником?"),
            _score("clarity", "Насколько ясными были задачи, которые ставились перед вами?"),
            _score("support", "Насколько вы ощущали поддержку наставника?"),
            _score("organisation", "Как вы оцениваете организацию программы?"),
            _score("continue", "Насколько вам хочется продолжить работу с наставником?"),
            Item(
                "become_mentor",
                "Хотели бы вы сами стать наставником?",
                "choice",
                options=("да", "нет", "пока не знаю"),
                required=False,
            ),
            _FREQUENCY,
            _open("liked", "Что было самым полезным?"),
            _open("change", "Что стоит изменить в программе?"),
        ),
    ),
    Questionnaire(
        "mentors",
        "start",
        "Анкета наставника перед началом программы наставничества",
        (
            _score("efficiency", "Насколько эффективной, по-вашему, будет программа?"),
            _score("comfort", "Насколько комфортным вы ожидаете общение с наставляемым?"),
            _score("usefulness", "Насколько полезными, по-вашему, будут встречи?"),
            _score("clarity", "Насколько ясны вам цели и задачи программы?"),
            _score("support", "Насколько вы рассчитываете на поддержку куратора?"),
            _score("organisation", "Как вы оцениваете подготовку программы школой?"),
            _score("continue", "Насколько вам хочется быть наставником?"),
            _FREQUENCY,
            _open("expect", "Чего вы ждёте от программы наставничества?"),
            _open("needs", "Какая помощь вам понадобится?"),
        ),
    ),
    Questionnaire(
        "mentors",
        "end",
        "Анкета наставника по окончании программы наставничества",
        (
            _score("efficiency", "Насколько эффективной оказалась программа?"),
            _score("comfort", "Насколько комфортным было общение с наставляемым?"),
            _score("usefulness", "Насколько полезными были встречи?"),
            _score("clarity", "Насколько ясными были цели и задачи программы?"),
            _score("support", "Насколько вы ощущали поддержку куратора и школы?"),
            _score("organisation", "Как вы оцениваете организацию программы?"),
            _score("continue", "Насколько вам хочется снова стать наставником?"),
            _FREQUENCY,
            _open("liked", "Что получилось лучше всего?"),
            _open("change", "Что стоит изменить в программе?"),
        ),
    ),
)

_BY_KEY = {(q.audience, q.stage): q for q in QUESTIONNAIRES}


def get(audience: str, stage: str) -> Questionnaire:
    """The questionnaire for the audience and stage; FieldErrors for unknown ones."""
    if audience not in AUDIENCES:
        message = "Аудитория: «mentors» (наставники) или «mentees» (наставляемые)."
        raise FieldErrors(message, fields={"audience": [message]})
    if stage not in STAGES:
        message = "Этап: «start» (начало программы) или «end» (окончание)."
        raise FieldErrors(message, fields={"stage": [message]})
    return _BY_KEY[(audience, stage)]


def extra_items(texts: list[str] | tuple[str, ...]) -> tuple[Item, ...]:
    """The school's own items from their wording: «?» ending or not, each a score 1–10.

    A line starting with «!» is an open question instead («! Что ещё вы хотите сказать?»).
    """
    lines = [" ".join(str(t).split()) for t in texts]
    lines = [line for line in lines if line.strip("! ")]
    if len(lines) > MAX_EXTRA_ITEMS:
        message = f"Не больше {MAX_EXTRA_ITEMS} своих вопросов."
        raise FieldErrors(message, fields={"extra_items": [message]})
    items = []
    for n, line in enumerate(lines, start=1):
        if len(line) > 300:
            message = f"Вопрос {n} длиннее 300 знаков."
            raise FieldErrors(message, fields={"extra_items": [message]})
        if line.startswith("!"):
            items.append(Item(f"own{n}", line.lstrip("! "), "text", required=False))
        else:
            items.append(Item(f"own{n}", line, "score", required=False))
    return tuple(items)


def items_of(questionnaire: Questionnaire, extra: tuple[Item, ...] = ()) -> tuple[Item, ...]:
    """The standard items, then the school's own before the open questions end the form."""
    closed = tuple(i for i in questionnaire.items if i.kind != "text")
    open_ = tuple(i for i in questionnaire.items if i.kind == "text")
    return closed + extra + open_


def check_answer(items: tuple[Item, ...], given: dict[str, Any]) -> tuple[dict, dict]:
    """(scores, texts) from a submitted form or JSON; FieldErrors names each wrong item."""
    low, high = SCALE
    scores: dict[str, int] = {}
    texts: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for item in items:
        raw = given.get(item.code)
        raw = "" if raw is None else str(raw).strip()
        if not raw:
            if item.required:
                errors[item.code] = ["Поставьте оценку от 1 до 10."]
            continue
        if item.kind == "score":
            if not raw.isdigit() or not low <= int(raw) <= high:
                errors[item.code] = ["Оценка — целое число от 1 до 10."]
                continue
            scores[item.code] = int(raw)
        elif item.kind == "choice":
            if raw not in item.options:
                errors[item.code] = ["Выберите один из вариантов."]
                continue
            texts[item.code] = raw
        else:
            texts[item.code] = raw[:MAX_TEXT]
    if errors:
        raise FieldErrors(
            "Анкета заполнена не полностью: проверьте отмеченные вопросы.", fields=errors
        )
    return scores, texts
