"""The shapes a service's regulation takes as data: fields, documents, steps, sub-flows, result."""
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

    def after(self, start: datetime, hours: calendar.WorkingHours = calendar.DEFAULT_HOURS) -> datetime:
        """Return when this duration, started at `start`, runs out on the provider's working calendar."""
        if self.working_days:
            return calendar.add_working_days(start, self.working_days, hours)
        return calendar.add_working_minutes(start, self.minutes, hours)


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice field."""

    value: str
    title: Text


#: the longest value each kind of field takes, in characters: the form, the browser and the domain
#: all stop there (a PDF and a database row stay small whatever is posted)
MAX_LENGTH: Mapping[str, int] = {
    "text": 300,
    "longtext": 4000,
    "person_name": 200,
    "iin": 12,
    "date": 10,
    "choice": 60,
    "grade": 2,
    "year": 4,
}


@dataclass(frozen=True)
class Field:
    """A field of the request form, or an input a step's actor supplies.

    kinds: text, longtext, person_name (at least surname and name), iin (validated IIN), date (ISO),
    choice (one of `choices`), grade (1-11), year (four digits). `birth_date_of` names an IIN field whose birth date this date must equal.
    """

    name: str
    kind: str
    title: Text
    required: bool = True
    choices: tuple[Choice, ...] = ()
    hint: Text | None = None
    birth_date_of: str | None = None
    #: a tighter limit than the kind's (MAX_LENGTH), where the regulation sets one
    max_chars: int | None = None

    def __post_init__(self) -> None:
        """Refuse a kind without a length limit: every value the portal keeps is bounded."""
        if self.kind not in MAX_LENGTH:
            raise ValueError(f"field {self.name!r}: unknown kind {self.kind!r}")

    @property
    def max_length(self) -> int:
        """Return the longest value this field takes, in characters."""
        return min(self.max_chars or MAX_LENGTH[self.kind], MAX_LENGTH[self.kind])

    def choice(self, value: str) -> Choice | None:
        """Return the choice with this value, if any."""
        return next((c for c in self.choices if c.value == value), None)


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
    #: False for a document only the paper channel takes (not uploaded on the portal)
    uploadable: bool = True

    def required_for(self, form: Mapping[str, Any]) -> bool:
        """Return True when this document is required for the given form."""
        return self.uploadable and (self.required_when is None or self.required_when.holds(form))


@dataclass(frozen=True)
class Step:
    """One step of the provider's work: who does what, from which status to which, how fast.

    `assigns_executor`: the actor picks an executor of the provider; `decides`: the actor drafts
    the decision (permitted/refused, a refusal states its grounds); `inputs`: further values the
    actor supplies, kept for the result; `effect`: a side effect run in the same transaction
    ("issue_result" renders and signs the result).
    """

    action: str
    role: Role
    from_status: Status
    to_status: Status
    duration: Duration
    title: Text
    effect: str | None = None
    assigns_executor: bool = False
    decides: bool = False
    inputs: tuple[Field, ...] = ()


@dataclass(frozen=True)
class Subflow:
    """A variant of a service chosen by a form field's value, with its own steps and deadline."""

    value: str
    title: Text
    steps: tuple[Step, ...]
    deadline: Duration


@dataclass(frozen=True)
class RefusalGround:
    """A ground on which the provider may refuse the service, citing the paragraph that sets it."""

    #: stable code kept on the request (never renamed once requests carry it)
    code: str
    #: the ground as the regulation words it
    text: Text
    #: where it is set, e.g. "Standard, para. 9" / "Стандарт, п. 9" / "Стандарттың 9-тармағы"
    citation: Text


@dataclass(frozen=True)
class ResultSpec:
    """The result document: its name, its template, and the words for each decision."""

    title: Text
    template: str
    #: what a permission/acceptance is called in this service (e.g. "Order on transfer")
    granted: Text = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceSpec:
    """One state service as its regulation prescribes it."""

    code: str
    number_prefix: str
    name: Text
    description: Text
    provider_kinds: tuple[str, ...]
    channels: tuple[str, ...]
    applicant: Text
    deadline: Duration
    fields: tuple[Field, ...]
    documents: tuple[DocumentSpec, ...]
    steps: tuple[Step, ...]
    result: ResultSpec
    orderable: bool = True
    #: the grounds an executor chooses from when refusing, each with its citation
    refusal_grounds: tuple[RefusalGround, ...] = ()
    #: how the applicant appeals a refusal (to whom, and where that is set); printed on the refusal
    appeal: Text = field(default_factory=dict)
    #: the form field whose value picks a sub-flow, and the sub-flows; empty when there is one flow
    subflow_field: str | None = None
    subflows: tuple[Subflow, ...] = ()
    source: str = ""

    @property
    def provider_kind(self) -> str:
        """Return the first provider kind (the catalog card names it)."""
        return self.provider_kinds[0]

    def field(self, name: str) -> Field | None:
        """Return the form field with this name, if any."""
        return next((f for f in self.fields if f.name == name), None)

    def subflow(self, form: Mapping[str, Any]) -> Subflow | None:
        """Return the sub-flow the form chose, if the service has sub-flows."""
        if not self.subflow_field:
            return None
        return next((s for s in self.subflows if s.value == form.get(self.subflow_field)), None)

    def flow(self, form: Mapping[str, Any]) -> tuple[tuple[Step, ...], Duration]:
        """Return the steps and the overall deadline that apply to this request."""
        sub = self.subflow(form)
        return (sub.steps, sub.deadline) if sub else (self.steps, self.deadline)

    def all_flows(self) -> tuple[tuple[str | None, tuple[Step, ...]], ...]:
        """Return every (sub-flow value, steps) of the service."""
        return tuple((s.value, s.steps) for s in self.subflows) or ((None, self.steps),)

    def step_from(self, status: Status, form: Mapping[str, Any]) -> Step | None:
        """Return the step that starts from this status in this request's flow, if any."""
        return next((s for s in self.flow(form)[0] if s.from_status == status), None)

    def step_title(self, action: str) -> Text | None:
        """Return the catalog's title of a step in any flow (for people who read the timeline)."""
        return next((s.title for _, steps in self.all_flows() for s in steps if s.action == action), None)

    def required_documents(self, form: Mapping[str, Any]) -> list[DocumentSpec]:
        """Return the documents the form requires."""
        return [d for d in self.documents if d.required_for(form)]

    def refusal_ground(self, code: str) -> RefusalGround | None:
        """Return the refusal ground with this code, if any."""
        return next((g for g in self.refusal_grounds if g.code == code), None)

    def document(self, code: str) -> DocumentSpec | None:
        """Return the document spec with this code, if any."""
        return next((d for d in self.documents if d.code == code), None)

    def choice_title(self, name: str, value: str) -> Text | None:
        """Return the title of a choice field's value, if any."""
        spec = self.field(name)
        choice = spec.choice(value) if spec else None
        return choice.title if choice else None
