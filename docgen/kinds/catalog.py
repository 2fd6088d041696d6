"""KINDS: one declaration per document kind.

Adding a kind = a schema in docgen/forms/, a template in docgen/templates/docx/, a sample in
samples/<slug>.json and one line here.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import NotFound
from docgen.kinds.consents import schema as consents
from docgen.kinds.orders import curator as curator_order
from docgen.kinds.orders import schema as orders
from docgen.kinds.orders import values as order_values
from docgen.kinds.programmes import schema as programmes
from docgen.kinds.programmes import values as programme_values
from docgen.kinds.reports import schema as reports

SAMPLES_DIR = Path(__file__).parents[2] / "samples"

SCHOOL = frozenset({"director", "curator", "methodologist", "admin"})
DIRECTOR = frozenset({"director", "curator", "admin"})
MUNICIPAL = frozenset({"municipal", "admin"})
HEAD = frozenset({"director", "admin"})

# Registration journals a kind may use: code -> (title, default number pattern).
SERIES = {
    "orders": ("Приказы по основной деятельности", "{n}-од"),
}

# Names every template may use besides its schema's fields (see context.build).
COMMON_VARIABLES = frozenset({"org", "doc", "signer", "acts", "today", "n", "acquaint_all"})

# Extra template values a kind computes from its input and the registry (pairs, indicators…).
Extras = Callable[[Mapping[str, Any], Any], Mapping[str, Any]]


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    schema: type
    template: str
    series: str | None = "orders"
    roles: frozenset[str] = DIRECTOR
    extras: Extras | None = None
    before_register: Callable[[Any, Mapping[str, Any], Any], None] | None = None
    """A check run before a document of the kind is registered (e.g. consents of a pairs order)."""
    on_register: Callable[[Any, Mapping[str, Any], Any], None] | None = None
    """Registry updates made in the registration's own transaction (e.g. pairs remember their order)."""
    acquaint_fields: tuple[str, ...] = ()
    """Input fields whose people sign the familiarisation sheet before `acquaint`."""
    provides: frozenset[str] = field(default_factory=frozenset)
    """Template names the extras add, besides the schema's fields."""

    def document_title(self, data: Mapping[str, Any]) -> str:
        return data.get("title") or self.title

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


KINDS: tuple[Kind, ...] = (
    Kind(
        "curator-order",
        "Приказ о назначении куратора внедрения целевой модели наставничества",
        curator_order.CuratorOrderForm,
        "curator-order.docx",
        roles=HEAD,
        acquaint_fields=("curator",),
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
    ),
    Kind(
        "council-order",
        "Приказ о создании Совета наставников",
        orders.CouncilOrderForm,
        "council-order.docx",
        roles=HEAD,
        extras=order_values.council_extras,
        provides=order_values.COUNCIL_PROVIDES,
    ),
    Kind(
        "approval-order",
        "Приказ об утверждении документа",
        orders.ApprovalOrderForm,
        "approval-order.docx",
        roles=HEAD,
        acquaint_fields=("website",),
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
        extras=consents.consent_extras,
        provides=consents.PROVIDES,
    ),
    Kind(
        "consent-dissemination",
        "Согласие на обработку персональных данных, разрешённых для распространения",
        consents.DisseminationForm,
        "consent-dissemination.docx",
        series=None,
        extras=consents.dissemination_extras,
        provides=consents.PROVIDES,
    ),
    Kind(
        "monitoring-report",
        "Отчёт о реализации целевой модели наставничества",
        reports.MonitoringReportForm,
        "monitoring-report.docx",
        series=None,
        roles=DIRECTOR | MUNICIPAL,
        extras=reports.report_extras,
        provides=reports.REPORT_PROVIDES,
    ),
    Kind(
        "disclosure",
        "Информация о внедрении и реализации целевой модели наставничества",
        reports.DisclosureForm,
        "disclosure.docx",
        series=None,
        extras=reports.disclosure_extras,
        provides=reports.DISCLOSURE_PROVIDES,
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
    ),
)

_BY_SLUG = {kind.slug: kind for kind in KINDS}


def get(slug: str) -> Kind:
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise NotFound(f"Нет такого вида документа: «{slug}».") from None
