"""The shapes a service's regulation takes as data."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Mapping

from portal.domain import calendar
from portal.domain.models import Role, Status

Text = Mapping[str, str]  # locale -> text, for kk, ru and en


@dataclass(frozen=True)
class Duration:
    """A normative duration: working minutes or working days on the provider's calendar."""

    minutes: int = 0
    working_days: int = 0

    @property
    def code(self) -> str:
        """Return a compact form such as 15m or 14wd."""
        return f"{self.working_days}wd" if self.working_days else f"{self.minutes}m"

    def after(self, start: datetime) -> datetime:
        """Return when this duration, started at `start`, runs out on the working calendar."""
        if self.working_days:
            return calendar.add_working_days(start, self.working_days)
        return calendar.add_working_minutes(start, self.minutes)


@dataclass(frozen=True)
class Step:
    """One step of the provider's work: who does what, from which status to which, how fast."""

    action: str
    role: Role
    from_status: Status
    to_status: Status
    duration: Duration
    title: Text
    #: name of a side effect the engine runs inside the same transaction
    effect: str | None = None


@dataclass(frozen=True)
class Condition:
    """When a document is required: a form field has one of the values, or a date is before a bound."""

    field: str
    equals: tuple[str, ...] = ()
    before: date | None = None

    def holds(self, form: Mapping[str, Any]) -> bool:
        """Return True when the form meets this condition."""
        value = form.get(self.field)
        if self.before is not None:
            try:
                return bool(value) and date.fromisoformat(str(value)) < self.before
            except ValueError:
                return False
        return value in self.equals


@dataclass(frozen=True)
class DocumentSpec:
    """A document the applicant attaches; required always or under a condition."""

    code: str
    title: Text
    required_when: Condition | None = None
    #: False for documents that only the State Corporation's channel takes on paper
    uploadable: bool = True

    def required_for(self, form: Mapping[str, Any]) -> bool:
        """Return True when this document is required for the given form."""
        return self.uploadable and (self.required_when is None or self.required_when.holds(form))


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice field."""

    value: str
    title: Text


@dataclass(frozen=True)
class ServiceSpec:
    """One state service as its regulation prescribes it."""

    code: str
    number_prefix: str
    name: Text
    description: Text
    provider_kind: str
    channels: tuple[str, ...]
    applicant: Text
    deadline: Duration
    documents: tuple[DocumentSpec, ...]
    steps: tuple[Step, ...]
    result: Text
    orderable: bool = False
    grounds: tuple[Choice, ...] = ()
    refusal_grounds: tuple[Text, ...] = ()
    source: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    def step_for(self, action: str) -> Step | None:
        """Return the step with this action, if any."""
        return next((s for s in self.steps if s.action == action), None)

    def step_from(self, status: Status) -> Step | None:
        """Return the step that starts from this status, if any."""
        return next((s for s in self.steps if s.from_status == status), None)

    def required_documents(self, form: Mapping[str, Any]) -> list[DocumentSpec]:
        """Return the documents the form requires."""
        return [d for d in self.documents if d.required_for(form)]

    def document(self, code: str) -> DocumentSpec | None:
        """Return the document spec with this code, if any."""
        return next((d for d in self.documents if d.code == code), None)

    def ground(self, value: str) -> Choice | None:
        """Return the ground with this value, if any."""
        return next((g for g in self.grounds if g.value == value), None)
