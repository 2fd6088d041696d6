"""Consent to the processing of personal data: the elements of 152-ФЗ ст. 9 ч. 4, a separate
document (since 01.09.2025), the signer fitting the age (ГК РФ ст. 26, 28), the web addresses
of a consent for dissemination (ст. 10.1, приказ Роскомнадзора от 24.02.2021 № 18)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from docgen import ru
from docgen.checking.caseless import Caseless
from docgen.checking.model import ERROR, WARNING, Hit, Rule, excerpt
from docgen.checking.structure import Parsed, all_dates, first_date


def _dissemination(parsed: Parsed) -> bool:
    return bool(re.search(r"распространени", parsed.consent_title, re.IGNORECASE))


def _anchor(parsed: Parsed) -> tuple[int, str]:
    first = next((u for u in parsed.units if u.text), None)
    return (first.index, first.text) if first else (0, "")


_REPRESENTATIVE = Caseless(
    r"законн\w+\s+представител|являясь\s+(?:родителем|опекуном|попечителем)|действующ\w+\s+от\s+имени"
)
_AUTHORITY = Caseless(
    r"свидетельств\w+\s+о\s+рождении|доверенност|подтверждающ\w+\s+полномочи|опек|попечител"
    r"|документ\w*,\s+подтверждающ"
)


def _found(pattern: Caseless, parsed: Parsed) -> bool:
    """Whether the pattern is in the consent's text (searched folded, see checking.caseless)."""
    return pattern.search(parsed.text, parsed.folded_text) is not None


def _representative(parsed: Parsed) -> Iterator[Hit]:
    if parsed.kind != "consent" or _dissemination(parsed):
        return
    if _found(_REPRESENTATIVE, parsed) and not _found(_AUTHORITY, parsed):
        for u in parsed.units:
            if _REPRESENTATIVE.slow.search(u.text):
                yield Hit(u.index, excerpt(u.text, 0, 0, 100))
                return


_PROCESSOR = Caseless(r"по\s+поручению\s+оператора")


def _processor(parsed: Parsed) -> Iterator[Hit]:
    """If someone processes the data on the operator's behalf, their name and address are given."""
    if parsed.kind != "consent" or not _found(_PROCESSOR, parsed):
        return
    for u in parsed.units:
        m = _PROCESSOR.slow.search(u.text)
        if not m:
            continue
        tail = u.text[m.end() :]
        if re.match(
            r"\s*[:—–-]?\s*(?:не\s+(?:привлекается|осуществляется)|отсутствует|нет)\b", tail
        ):
            return
        if not re.search(r"\b\d{6}\b|адрес|ул\.|г\.", tail):
            yield Hit(u.index, excerpt(u.text, m.start(), m.end()))
        return


def _subject_age(parsed: Parsed) -> tuple[int | None, int | None]:
    """(age of the person saying «Я, …» on the consent's date, unit) when both dates are written;
    None when that person speaks as someone's legal representative."""
    for i, u in enumerate(parsed.units):
        m = re.search(r"^Я,\s", u.text)
        if not m:
            continue
        birth = re.search(
            r"(\d{2}\.\d{2}\.\d{4})\s*(?:г\.\s*р\.|года\s+рождения|г\.р\.)|дата\s+рождения:?\s*(\d{2}\.\d{2}\.\d{4})",
            u.text,
        )
        if not birth or _REPRESENTATIVE.slow.search(u.text[: birth.start()]):
            return None, i
        born = first_date(birth[1] or birth[2])
        signed = _signing_date(parsed)
        if not born or not signed:
            return None, i
        b, s = born[0], signed
        return s.year - b.year - ((s.month, s.day) < (b.month, b.day)), i
    return None, None


def _signing_date(parsed: Parsed) -> dt.date | None:
    for u in reversed(parsed.units):
        if re.search(r"[Дд]ата|подпис", u.text):
            dates = all_dates(u.text)
            if dates:
                return dates[-1][0]
    for u in parsed.units[:6]:
        dates = all_dates(u.text)
        if dates and len(u.text) < 80:
            return dates[0][0]
    return None


def _signer(parsed: Parsed) -> Iterator[Hit]:
    if parsed.kind != "consent":
        return
    age, i = _subject_age(parsed)
    if age is None or age >= 18 or i is None:
        return
    unit = parsed.units[i]
    represented = _found(_REPRESENTATIVE, parsed)
    if age < 14:
        # the child is the «Я, …» of the consent: under 14 only the legal representative signs
        yield Hit(
            unit.index,
            excerpt(unit.text, 0, 0, 100),
            f"Субъекту персональных данных {ru.plural(age, 'год')}: до 14 лет согласие даёт и подписывает "
            "законный представитель (родитель, опекун) от своего имени, а не сам ребёнок.",
        )
    elif not represented:
        yield Hit(
            unit.index,
            excerpt(unit.text, 0, 0, 100),
            f"Субъекту персональных данных {ru.plural(age, 'год')}: с 14 до 18 лет несовершеннолетний подписывает "
            "согласие с согласия законного представителя (ст. 26 ГК РФ) — добавьте данные и подпись "
            "представителя.",
        )


_URL = Caseless(r"https?://|www\.|\.ru\b|\.рф\b")


def _urls(parsed: Parsed) -> Iterator[Hit]:
    if parsed.kind == "consent" and _dissemination(parsed) and not _found(_URL, parsed):
        index, head = _anchor(parsed)
        yield Hit(index, excerpt(head, 0, 0, 80))


_EMBEDDED = Caseless(
    r"(?:даю|выражаю)\s+(?:сво(?:е|ё)\s+)?(?:добровольное\s+)?согласие\s+на\s+обработку\s+"
    r"(?:\w+\s+){0,2}персональных\s+данных"
)


def _separate(parsed: Parsed) -> Iterator[Hit]:
    """A consent clause inside another document (an application, a contract, an order)."""
    if parsed.kind == "consent":
        return
    if _EMBEDDED.search(parsed.paragraph_text, parsed.folded_paragraphs) is None:
        return  # in no paragraph either
    for p in parsed.doc.paragraphs:
        m = _EMBEDDED.slow.search(p.clean)
        if m:
            yield Hit(p.index, excerpt(p.clean, m.start(), m.end()))
            return


_IDENTITY = r"паспорт|документ\w*,?\s+удостоверяющ"
# (code, title, patterns that must all be found, applies to: processing | dissemination | both).
# «ц(?<=\bц)ел» is «\bцел» and «__{3,}» is «_{4,}», written to start with a letter: re then skips
# ahead to the letters a match can start with instead of trying every position.
ELEMENTS = (
    ("CNS-SUBJECT", "ФИО, адрес и документ, удостоверяющий личность субъекта (номер, дата выдачи, кем выдан)",
     (r"\bЯ,\s", _IDENTITY, r"выдан|выдачи", r"адрес|зарегистрирован|проживающ"), "processing"),
    ("CNS-SUBJECT-CONTACTS", "ФИО и контактная информация субъекта",
     (r"\bЯ,\s", r"телефон|почт|e-mail|адрес"), "dissemination"),
    ("CNS-OPERATOR", "наименование и адрес оператора",
     (r"оператор|учреждени|\b(?:МБОУ|МАОУ|МКОУ|ГБОУ|ГАОУ|ГКОУ|МОУ|МБДОУ|МАДОУ|МБУ|МАУ)\b", r"\b\d{6}\b|адрес|ул\."),
     "both"),
    ("CNS-PURPOSE", "цель обработки персональных данных", (r"ц(?<=\bц)ел(?:ь|и|ью|ях)\b",), "both"),
    ("CNS-DATA", "перечень персональных данных",
     (r"перечень\s+(?:моих\s+)?персональных|категори\w+\s+и\s+перечень"
      r"|следующ\w+\s+(?:моих\s+)?персональных|персональных\s+данных\s*:\s*фамили",), "both"),
    ("CNS-ACTIONS", "перечень действий с персональными данными и способы обработки",
     (r"(?:сбор|запис|систематизац|накоплени|хранени|использовани|передач|уничтожени)"
      r"[\s\S]{0,200}(?:сбор|запис|систематизац|накоплени|хранени|использовани|передач|уничтожени)",
      r"автоматизац|автоматизированн|смешанн"), "processing"),
    ("CNS-TERM", "срок действия согласия и способ его отзыва",
     (r"срок|действует\s+(?:до|в\s+течение|бессрочно)", r"отозван|отзыв"), "both"),
    ("CNS-SIGNATURE", "подпись субъекта персональных данных", (r"п(?<=\bп)одпись\b|\(подпись\)|__{3,}",), "both"),
)  # fmt: skip


def _element_rule(code: str, title: str, patterns: tuple[str, ...], applies: str) -> Rule:
    compiled = [Caseless(group) for group in patterns]

    def find(parsed: Parsed) -> Iterator[Hit]:
        if parsed.kind != "consent":
            return
        kind = "dissemination" if _dissemination(parsed) else "processing"
        if applies not in ("both", kind):
            return
        if not all(_found(group, parsed) for group in compiled):
            index, head = _anchor(parsed)
            yield Hit(index, excerpt(head, 0, 0, 80))

    message = f"В согласии нет обязательного элемента: {title} (152-ФЗ ст. 9 ч. 4)."
    return Rule(code, ERROR, title[0].upper() + title[1:], message, find)


RULES = (
    *(_element_rule(*element) for element in ELEMENTS),
    Rule("CNS-REPRESENTATIVE", ERROR, "2. Представитель: документ, подтверждающий полномочия",
         "Согласие даёт представитель, но не указан документ, подтверждающий его полномочия "
         "(свидетельство о рождении, акт об опеке, доверенность).", _representative),
    Rule("CNS-PROCESSOR", ERROR, "6. Лицо, обрабатывающее данные по поручению оператора",
         "Упомянуто лицо, обрабатывающее данные по поручению оператора, но не указаны его "
         "наименование и адрес.", _processor),
    Rule("CNS-SIGNER", ERROR, "Подписант по возрасту", "Подписант согласия не соответствует возрасту.",
         _signer),
    Rule("CNS-URLS", ERROR, "Адреса ресурсов для распространения",
         "В согласии на распространение нет адресов информационных ресурсов (сайт, группы), где "
         "будут размещены данные (приказ Роскомнадзора от 24.02.2021 № 18).", _urls),
    Rule("CNS-SEPARATE", WARNING, "Согласие — отдельный документ",
         "Согласие на обработку персональных данных включено в другой документ: с 01.09.2025 оно "
         "оформляется отдельно от иных документов.", _separate),
)  # fmt: skip
