"""What every result document is drawn from: the generic result context and its labelled lines.

Kept apart from ``results.py`` (the template registry) so that the templates and the
application form can import these shapes without importing every template.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from portal import dates
from portal.domain.models.applications import Decision

#: the decisions a result states: the domain's own, not spelled again here
DECISIONS = tuple(d.value for d in Decision)


@dataclass(frozen=True)
class Line:
    """One labelled value, printed as "label: value" (the label in Kazakh or Russian)."""

    label_kk: str
    label_ru: str
    value: str


def _d(value: date) -> str:
    """Format a date the way Kazakh official documents print it."""
    return dates.day(value)


@dataclass(frozen=True)
class OrderRef:
    """The order a result is, or is an excerpt from: its number and date in the provider's register, and whose.

    The number is printed as the register gives it (the plain sequence number within the provider's
    year, e.g. "12"); the date tells the year. ``issuer_kk``/``issuer_ru`` name whose order it is, in
    the genitive, the head's position with the provider's name: "«…» мемлекеттік мекемесі басшысының" /
    "руководителя ГУ «…»".
    """

    number: str
    issued_on: date
    excerpt: bool
    issuer_kk: str
    issuer_ru: str

    @property
    def number_kk(self) -> str:
        """Return "24.11.2026 жылғы № 12": the order's date and number in Kazakh."""
        return f"{_d(self.issued_on)} жылғы № {self.number}"

    @property
    def number_ru(self) -> str:
        """Return "№ 12 от 24.11.2026": the order's number and date in Russian."""
        return f"№ {self.number} от {_d(self.issued_on)}"

    @property
    def source_kk(self) -> str:
        """Return whose order an excerpt is from, in Kazakh: "<issuer> 24.11.2026 жылғы № 12 бұйрығынан"."""
        return f"{self.issuer_kk} {self.number_kk} бұйрығынан"

    @property
    def source_ru(self) -> str:
        """Return whose order an excerpt is from, in Russian, to follow "Выписка из приказа": "<issuer> № 12 от …"."""
        return f"{self.issuer_ru} {self.number_ru}"


@dataclass(frozen=True)
class CitedGround:
    """A refusal ground as printed: its wording and the paragraph that sets it, in Kazakh and Russian."""

    text_kk: str
    text_ru: str
    citation_kk: str
    citation_ru: str


@dataclass(frozen=True)
class ResultContext:
    """Everything a result template may print about one request and its decision."""

    template: str
    result_number: str
    registration_number: str
    decision: str
    service_name_kk: str
    service_name_ru: str
    result_title_kk: str
    result_title_ru: str
    granted_kk: str
    granted_ru: str
    subflow_kk: str | None
    subflow_ru: str | None
    provider_name_kk: str
    provider_name_ru: str
    provider_address: str
    applicant_name: str
    applicant_iin: str
    form: Mapping[str, str]
    request_lines: tuple[Line, ...]
    result_lines: tuple[Line, ...]
    documents: tuple[Line, ...]
    refusal_grounds: str | None
    signer_name: str
    signer_role_kk: str
    signer_role_ru: str
    issued_on: date
    #: the order this result is (or is an excerpt from); None for a result that is not an order
    order: OrderRef | None = None
    #: the catalog grounds the refusal chose; `refusal_grounds` then holds the explanation
    refusal_reasons: tuple[CitedGround, ...] = ()
    #: how to appeal a refusal, printed under its grounds
    appeal_kk: str = ""
    appeal_ru: str = ""

    def __post_init__(self) -> None:
        """Reject a decision no template can print, and a refusal without grounds."""
        if self.decision not in DECISIONS:
            raise ValueError(f"decision must be one of {DECISIONS}, got {self.decision!r}")
        if self.decision == Decision.refused and not (self.refusal_grounds or "").strip():
            raise ValueError("a reasoned refusal must state its grounds")

    @property
    def refused(self) -> bool:
        """Return whether the document is a reasoned refusal."""
        return self.decision == Decision.refused
