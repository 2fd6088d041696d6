"""KINDS: one declaration per document kind.

A kind lives in one folder of its family (kinds/orders, programmes, consents, reports: schema.py,
values.py, template.py), has a sample in samples/<slug>.json and one line here. What other parts
of the service need to know about a kind (the district's required documents and deadlines, the
disclosure page, the start page's reminders, a bulk action) is said here, as its attributes,
and handed to them by the functions at the end of this module.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import NotFound
from docgen.kinds.collegial import schema as collegial
from docgen.kinds.collegial import values as collegial_values
from docgen.kinds.consents import schema as consents
from docgen.kinds.consents import values as consent_values
from docgen.kinds.feedback import schema as feedback
from docgen.kinds.feedback import values as feedback_values
from docgen.kinds.labour import schema as labour
from docgen.kinds.labour import values as labour_values
from docgen.kinds.orders import schema as orders
from docgen.kinds.orders import values as order_values
from docgen.kinds.programmes import schema as programmes
from docgen.kinds.programmes import values as programme_values
from docgen.kinds.reports import disclosure
from docgen.kinds.reports import schema as reports
from docgen.kinds.reports import values as report_values
from docgen.registry import deadlines, district

SAMPLES_DIR = Path(__file__).parents[2] / "samples"

SCHOOL = frozenset({"director", "curator", "methodologist", "admin"})
DIRECTOR = frozenset({"director", "curator", "admin"})
MUNICIPAL = frozenset({"municipal", "admin"})
HEAD = frozenset({"director", "admin"})

# Registration journals a kind may use: code -> (title, default number pattern).
SERIES = {
    "orders": ("Приказы по основной деятельности", "{n}-од"),
    "protocols": ("Протоколы заседаний коллегиальных органов", "{n}"),
}

# Names every template may use besides its schema's fields (see context.build).
COMMON_VARIABLES = frozenset({"org", "doc", "signer", "acts", "today", "n", "acquaint_all"})

# Extra template values a kind computes from its input and the registry (pairs, indicators…).
Extras = Callable[[Mapping[str, Any], Any], Mapping[str, Any]]
# A registration hook: (db, document, the document's input, registration date).
Hook = Callable[[Any, Mapping[str, Any], Mapping[str, Any], dt.date], None]


@dataclass(frozen=True)
class Bulk:
    """A bulk action a school starts with one button: one document of the kind per item."""

    code: str
    title: str
    items: Callable[[Any, int, dt.date, Mapping[str, Any]], list[dict[str, Any]]]
    """(db, org_id, on, common) -> one input per document."""
    common: Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]
    """(the page's choices, the kind's sample) -> what every item shares."""
    person: tuple[str, ...] = ()
    """Where an item names its person's registry id: the action can be for chosen people."""
    choosable: Callable[[Any, int, dt.date, Mapping[str, Any]], list[dict[str, Any]]] | None = None
    """Like `items`, for everyone who may be chosen (default: `items`' own people)."""


@dataclass(frozen=True)
class Annexes:
    """The documents an order approves and carries as its annexes (a kit).

    `field` is the input's list of annexes (each: title, document_id, or an inline
    {"kind", "input"} the service turns into a draft); `kinds` are the slugs an annex may be
    (slugs not in KINDS are skipped, so a kind added later is declared here by its slug);
    `numbered` when the entries carry their own annex `number`; `trail` maps the order's
    fields of the approval trail (protocol, opinions) to the annex's fields of the same meaning.
    """

    field: str
    kinds: tuple[str, ...]
    numbered: bool = False
    trail: tuple[tuple[str, str], ...] = ()

    @property
    def fitting(self) -> tuple[str, ...]:
        """The declared slugs that are kinds of this catalog."""
        return tuple(slug for slug in self.kinds if slug in _BY_SLUG)


# The approving trail of a local act: the pedagogical council's protocol and the opinions
# of the councils and the trade union (ч. 3 ст. 30 273-ФЗ), the same in the order and its annexes.
TRAIL = (("pedsovet", "pedsovet"), ("councils", "councils"))
# What a school approves by an order: its local acts on mentoring.
LOCAL_ACTS = (
    "regulation",
    "roadmap",
    "programme",
    "personal-programme",
    "council-regulation",
)


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    schema: type
    template: str
    series: str | None = "orders"
    roles: frozenset[str] = DIRECTOR
    extras: Extras | None = None
    before_register: Hook | None = None
    """A check run before a document of the kind is registered (e.g. consents of a pairs order)."""
    on_register: Hook | None = None
    """Registry updates made in the registration's own transaction (e.g. pairs remember their order)."""
    acquaint_fields: tuple[str, ...] = ()
    """Input fields whose people sign the familiarisation sheet before `acquaint`."""
    provides: frozenset[str] = field(default_factory=frozenset)
    """Template names the extras add, besides the schema's fields."""
    required_in_year: tuple[int, int] | None = None
    """(month, day) in the academic year by which every school registers one (the district)."""
    disclosed_as: tuple[disclosure.Shown, ...] = ()
    """The lines of the website's «Наставничество» page a document of the kind fills."""
    events: deadlines.Events | None = None
    """Reads the dated events a document of the kind plans (the start page's reminders)."""
    bulk: Bulk | None = None
    """The bulk action that makes documents of the kind for every participant or pair."""
    annexes: Annexes | None = None
    """The documents an order of the kind approves, carried in full as its annexes."""

    def document_title(self, data: Mapping[str, Any]) -> str:
        """The archive's title: the typed one, else the kind's with the subject's name, so
        consents tell apart («Согласие на обработку персональных данных — Иванова А.А.»)."""
        typed = data.get("title")
        title_field = self.form.fields.get("title")
        subject = data.get("subject")
        named = isinstance(subject, Mapping) and subject.get("surname")
        # The schema fills an untyped title with its default: that one is not the person's own.
        default = title_field is not None and typed == title_field.load_default
        if typed and not (default and named):
            return typed
        if named:
            initials = "".join(
                f"{part[0]}." for part in (subject.get("name"), subject.get("patronymic")) if part
            )
            return f"{self.title} — {subject['surname']} {initials}".rstrip()
        return typed or self.title

    @functools.cached_property
    def form(self) -> Any:
        """The kind's schema instance, built once: building one deep-copies every field."""
        return self.schema()

    @property
    def variables(self) -> frozenset[str]:
        """Every name a template of this kind may use."""
        return COMMON_VARIABLES | frozenset(self.form.fields) | self.provides

    def sample(self) -> dict[str, Any]:
        return json.loads((SAMPLES_DIR / f"{self.slug}.json").read_text(encoding="utf-8"))


def _disclosure_extras(values: Mapping[str, Any], sources: Any) -> dict[str, Any]:
    """The disclosure page's values, told which kinds fill its lines (read from KINDS)."""
    return report_values.disclosure_extras(values, sources, disclosure_requirements())


KINDS: tuple[Kind, ...] = (
    Kind(
        "curator-order",
        "Приказ о назначении куратора внедрения целевой модели наставничества",
        orders.CuratorOrderForm,
        "curator-order.docx",
        roles=HEAD,
        acquaint_fields=("curator",),
        required_in_year=(9, 1),
        disclosed_as=(disclosure.Shown("curator_order"),),
    ),
    Kind(
        "pairs-order",
        "Приказ о закреплении наставнических пар (групп)",
        orders.PairsOrderForm,
        "pairs-order.docx",
        extras=order_values.pairs_extras,
        before_register=order_values.pairs_before_register,
        on_register=order_values.pairs_on_register,
        acquaint_fields=("curator",),
        provides=order_values.PAIRS_PROVIDES,
        required_in_year=(10, 1),
        disclosed_as=(disclosure.Shown("pairs_orders"),),
    ),
    Kind(
        "implementation-order",
        "Приказ о внедрении целевой модели наставничества",
        orders.ImplementationOrderForm,
        "implementation-order.docx",
        roles=HEAD,
        extras=order_values.implementation_extras,
        acquaint_fields=("curator", "responsible_mto", "website"),
        provides=order_values.IMPLEMENTATION_PROVIDES,
        required_in_year=(9, 1),
        disclosed_as=(disclosure.Shown("implementation_order"),),
        annexes=Annexes("annexes", ("regulation", "roadmap", "programme")),
    ),
    Kind(
        "municipal-roadmap-order",
        "Приказ об утверждении муниципального плана мероприятий (дорожной карты) внедрения "
        "целевой модели наставничества",
        orders.MunicipalRoadmapOrderForm,
        "municipal-roadmap-order.docx",
        roles=MUNICIPAL,
        extras=order_values.municipal_extras,
        acquaint_fields=("coordinator",),
        provides=order_values.MUNICIPAL_PROVIDES,
        annexes=Annexes("other_annexes", ("municipal-programme",), numbered=True),
    ),
    Kind(
        "council-order",
        "Приказ о создании Совета наставников",
        orders.CouncilOrderForm,
        "council-order.docx",
        roles=HEAD,
        extras=order_values.council_extras,
        provides=order_values.COUNCIL_PROVIDES,
        annexes=Annexes("annexes", ("council-regulation",)),
    ),
    Kind(
        "approval-order",
        "Приказ об утверждении документа",
        orders.ApprovalOrderForm,
        "approval-order.docx",
        roles=HEAD,
        acquaint_fields=("website",),
        annexes=Annexes("documents", LOCAL_ACTS, trail=TRAIL),
    ),
    Kind(
        "award-order",
        "Приказ о поощрении наставников",
        orders.AwardOrderForm,
        "award-order.docx",
        roles=HEAD,
        extras=order_values.award_extras,
        provides=order_values.AWARD_PROVIDES,
    ),
    Kind(
        "consent",
        "Согласие на обработку персональных данных участника программы наставничества",
        consents.ConsentForm,
        "consent.docx",
        series=None,
        extras=consent_values.consent_extras,
        provides=consent_values.PROVIDES,
        bulk=Bulk(
            "consents",
            "Согласия на обработку персональных данных — всем участникам, у кого их нет",
            consent_values.consent_items,
            consent_values.consent_common,
            person=("subject", "id"),
            choosable=consent_values.participant_items,
        ),
    ),
    Kind(
        "consent-dissemination",
        "Согласие на обработку персональных данных, разрешённых для распространения",
        consents.DisseminationForm,
        "consent-dissemination.docx",
        series=None,
        extras=consent_values.dissemination_extras,
        provides=consent_values.PROVIDES,
    ),
    Kind(
        "monitoring-report",
        "Отчёт о реализации целевой модели наставничества",
        reports.MonitoringReportForm,
        "monitoring-report.docx",
        series=None,
        roles=DIRECTOR | MUNICIPAL,
        extras=report_values.report_extras,
        provides=report_values.REPORT_PROVIDES,
    ),
    Kind(
        "disclosure",
        "Информация о внедрении и реализации целевой модели наставничества",
        reports.DisclosureForm,
        "disclosure.docx",
        series=None,
        extras=_disclosure_extras,
        provides=report_values.DISCLOSURE_PROVIDES,
    ),
    # Approved local acts: not numbered in the orders journal — their number and date are those
    # of the approving order (filled in when the act is that order's annex).
    Kind(
        "regulation",
        "Положение о системе (целевой модели) наставничества",
        programmes.RegulationForm,
        "regulation.docx",
        series=None,
        roles=SCHOOL,
        extras=programme_values.regulation_extras,
        provides=programme_values.PROVIDES["regulation"],
        required_in_year=(9, 15),
        disclosed_as=(
            disclosure.Shown("regulation_teachers", title_has="педагог", variant="педагоги"),
            disclosure.Shown("regulation_students", title_has="обучающ", variant="обучающиеся"),
        ),
    ),
    Kind(
        "roadmap",
        "Дорожная карта (план мероприятий) внедрения целевой модели наставничества",
        programmes.RoadmapForm,
        "roadmap.docx",
        series=None,
        roles=SCHOOL,
        extras=programme_values.roadmap_extras,
        provides=programme_values.PROVIDES["roadmap"],
        required_in_year=(9, 15),
        disclosed_as=(disclosure.Shown("roadmap"),),
        events=programme_values.roadmap_events,
    ),
    Kind(
        "programme",
        "Программа наставничества образовательной организации",
        programmes.ProgrammeForm,
        "programme.docx",
        series=None,
        roles=SCHOOL,
        extras=programme_values.programme_extras,
        provides=programme_values.PROVIDES["programme"],
        required_in_year=(9, 15),
        disclosed_as=(disclosure.Shown("programme"),),
    ),
    Kind(
        "personal-programme",
        "Персонализированная программа наставничества педагогического работника",
        programmes.PersonalProgrammeForm,
        "personal-programme.docx",
        series=None,
        roles=SCHOOL,
        extras=programme_values.personal_extras,
        provides=programme_values.PROVIDES["personal-programme"],
        bulk=Bulk(
            "personal-programmes",
            "Персонализированные программы наставничества — всем парам молодых педагогов",
            programme_values.personal_programme_items,
            programme_values.personal_programme_common,
            person=("mentee", "person", "id"),
        ),
    ),
    Kind(
        "municipal-programme",
        "Муниципальная целевая программа наставничества",
        programmes.MunicipalProgrammeForm,
        "municipal-programme.docx",
        series=None,
        roles=MUNICIPAL,
        extras=programme_values.municipal_programme_extras,
        provides=programme_values.PROVIDES["municipal-programme"],
    ),
    Kind(
        "council-regulation",
        "Положение о Совете наставников",
        collegial.CouncilRegulationForm,
        "council-regulation.docx",
        series=None,
        roles=SCHOOL | MUNICIPAL,
        extras=collegial_values.council_regulation_extras,
        provides=collegial_values.COUNCIL_PROVIDES,
    ),
    Kind(
        "protocol",
        "Протокол заседания коллегиального органа",
        collegial.ProtocolDocForm,
        "protocol.docx",
        series="protocols",
        roles=SCHOOL | MUNICIPAL,
        extras=collegial_values.protocol_extras,
        before_register=collegial_values.protocol_before_register,
        provides=collegial_values.PROTOCOL_PROVIDES,
    ),
    Kind(
        "tk-consent",
        "Согласие работника на осуществление наставничества (ст. 351.8 ТК РФ)",
        labour.TkConsentForm,
        "tk-consent.docx",
        series=None,
        extras=labour_values.mentoring_extras,
        provides=labour_values.MENTORING_PROVIDES,
        bulk=Bulk(
            "tk-consents",
            "Согласия работников на осуществление наставничества — всем наставникам-работникам",
            labour_values.consent_items,
            labour_values.consent_common,
            person=("employee", "id"),
        ),
    ),
    Kind(
        "tk-agreement",
        "Дополнительное соглашение к трудовому договору о наставничестве (ст. 351.8 ТК РФ)",
        labour.TkAgreementForm,
        "tk-agreement.docx",
        series=None,
        extras=labour_values.agreement_extras,
        provides=labour_values.AGREEMENT_PROVIDES,
        bulk=Bulk(
            "tk-agreements",
            "Дополнительные соглашения к трудовым договорам — всем наставникам-работникам",
            labour_values.agreement_items,
            labour_values.agreement_common,
            person=("employee", "id"),
        ),
    ),
    Kind(
        "mentor-report",
        "Отчёт наставника о реализации персонализированной программы наставничества",
        feedback.MentorReportForm,
        "mentor-report.docx",
        series=None,
        roles=SCHOOL,
        extras=feedback_values.report_extras,
        provides=feedback_values.REPORT_PROVIDES,
    ),
    Kind(
        "questionnaire",
        "Анкета удовлетворённости участника программы наставничества",
        feedback.QuestionnaireForm,
        "questionnaire.docx",
        series=None,
        roles=SCHOOL,
        extras=feedback_values.questionnaire_extras,
        provides=feedback_values.QUESTIONNAIRE_PROVIDES,
    ),
)

_BY_SLUG = {kind.slug: kind for kind in KINDS}


def get(slug: str) -> Kind:
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise NotFound(f"Нет такого вида документа: «{slug}».") from None


def district_requirements() -> tuple[district.Required, ...]:
    """The documents every school registers within the academic year, by their deadline."""
    required = [
        district.Required(kind.slug, kind.title, *kind.required_in_year)
        for kind in KINDS
        if kind.required_in_year is not None
    ]
    return tuple(sorted(required, key=lambda item: (item.month < 9, item.month, item.day)))


def disclosure_requirements() -> tuple[disclosure.Required, ...]:
    """Which kinds fill which line of the disclosure page."""
    return tuple(
        disclosure.Required(kind.slug, shown) for kind in KINDS for shown in kind.disclosed_as
    )


def planners() -> dict[str, deadlines.Events]:
    """Kind -> the reader of the dated events its documents plan (the start page's reminders)."""
    return {kind.slug: kind.events for kind in KINDS if kind.events is not None}
