"""The shapes a service's regulation takes as data: fields, documents, steps, sub-flows, result."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import TYPE_CHECKING, Any, Mapping

from portal.domain.catalog.process import Duration, Process, Text, Transition

if TYPE_CHECKING:
    from portal.domain.catalog.centre import CentrePath

#: the channel value of a request filed at a State Corporation centre
CENTRE_CHANNEL = "state_corporation"
#: how the handbook names the State Corporation's path
CENTRE_PATH_TITLE: Text = {"kk": "Мемлекеттік корпорация арқылы", "ru": "Через Государственную корпорацию",
                           "en": "Through the State Corporation"}

__all__ = ["Duration", "Process", "Text", "Transition"]


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
    choice (one of `choices`), grade (1-11), year (four digits). `registry_of` names an IIN field whose
    person the individuals' registry fills this field from (a person_name gets their name, a date their
    birth date): the applicant does not type it.
    """

    name: str
    kind: str
    title: Text
    required: bool = True
    choices: tuple[Choice, ...] = ()
    hint: Text | None = None
    registry_of: str | None = None
    #: a tighter limit than the kind's (MAX_LENGTH), where the regulation sets one
    max_chars: int | None = None

    def __post_init__(self) -> None:
        """Refuse a kind without a length limit: every value the portal keeps is bounded."""
        if self.kind not in MAX_LENGTH:
            raise ValueError(f"field {self.name!r}: unknown kind {self.kind!r}")
        if self.registry_of and self.kind not in ("person_name", "date"):
            raise ValueError(f"field {self.name!r}: the registry fills only a person_name or a date")

    @property
    def typed(self) -> bool:
        """Tell whether the applicant types this field (rather than the registry filling it)."""
        return self.registry_of is None

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


#: the form key that keeps what the individuals' registry said of the applicant's link to the person
#: they apply for: "confirmed" (parent or guardian), "unconfirmed" (neither) or "unknown" (no such person)
REGISTRY_LINK = "registry_link"


@dataclass(frozen=True)
class Representation:
    """The applicant may act for another person (a child) as their legal representative.

    The registry is asked whether the applicant is that person's parent or guardian; when it does not
    say so, the regulation still admits a representative "with documents confirming the representation":
    `document` names the document then required (its condition: REGISTRY_LINK equals "unconfirmed").
    """

    #: the form field holding the represented person's IIN
    iin_field: str
    #: the code of the document confirming the representation
    document: str


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
class Subflow:
    """A variant of a service chosen by a form field's value, with its own process and deadline."""

    value: str
    title: Text
    process: Process


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
    #: "order" when the granted result is the provider's order itself, "excerpt" when it is an excerpt
    #: from that order; either takes a number from the provider's order register. None: not an order.
    order: str | None = None

    def __post_init__(self) -> None:
        """Refuse an order form the templates cannot print."""
        if self.order not in (None, "order", "excerpt"):
            raise ValueError(f"result {self.template!r}: order must be None, 'order' or 'excerpt'")


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
    fields: tuple[Field, ...]
    documents: tuple[DocumentSpec, ...]
    #: the process graph the provider (and later the State Corporation) works the request through
    process: Process
    result: ResultSpec
    orderable: bool = True
    #: the grounds an executor chooses from when refusing, each with its citation
    refusal_grounds: tuple[RefusalGround, ...] = ()
    #: how the applicant appeals a refusal (to whom, and where that is set); printed on the refusal
    appeal: Text = field(default_factory=dict)
    #: a short plain name for lists and search; the official `name` stays on the service's page and documents
    short_name: Text = field(default_factory=dict)
    #: the form field whose value picks a sub-flow, and the sub-flows; empty when there is one flow
    subflow_field: str | None = None
    subflows: tuple[Subflow, ...] = ()
    source: str = ""
    #: the State Corporation's steps around the provider's process, for a service it files (None: it files none)
    centre: "CentrePath | None" = None
    #: whom the applicant may act for, checked in the individuals' registry; None: only for themselves
    representation: Representation | None = None
    #: the catalog version of this wording, and the first filing day it applies to
    version: int = 1
    valid_from: date = date(2000, 1, 1)

    @property
    def provider_kind(self) -> str:
        """Return the first provider kind (the catalog card names it)."""
        return self.provider_kinds[0]

    def __post_init__(self) -> None:
        """Refuse a representation the form cannot carry: its IIN field and its document must exist."""
        rep = self.representation
        if rep is not None:
            iin = self.field(rep.iin_field)
            doc = self.document(rep.document)
            if iin is None or iin.kind != "iin" or not iin.typed:
                raise ValueError(f"service {self.code!r}: the represented person's IIN field {rep.iin_field!r}")
            if doc is None or doc.required_when != Condition(REGISTRY_LINK, equals=("unconfirmed",)):
                raise ValueError(f"service {self.code!r}: document {rep.document!r} must be required when the "
                                 "registry does not confirm the representation")
        for f in self.fields:
            source = self.field(f.registry_of) if f.registry_of else None
            if f.registry_of and (source is None or source.kind != "iin"):
                raise ValueError(f"field {f.name!r}: {f.registry_of!r} is no IIN field of the service")

    @property
    def typed_fields(self) -> tuple[Field, ...]:
        """Return the fields the applicant types (the registry fills the others)."""
        return tuple(f for f in self.fields if f.typed)

    def field(self, name: str) -> Field | None:
        """Return the form field with this name, if any."""
        return next((f for f in self.fields if f.name == name), None)

    def subflow(self, form: Mapping[str, Any]) -> Subflow | None:
        """Return the sub-flow the form chose, if the service has sub-flows."""
        if not self.subflow_field:
            return None
        return next((s for s in self.subflows if s.value == form.get(self.subflow_field)), None)

    def process_for(self, form: Mapping[str, Any], channel: str = "portal") -> Process:
        """Return the process graph that applies to a request with this form, filed through this channel."""
        sub = self.subflow(form)
        process = sub.process if sub else self.process
        if channel == CENTRE_CHANNEL and self.centre is not None:
            return self._centre_processes[sub.value if sub else None]
        return process

    @cached_property
    def _centre_processes(self) -> dict[str | None, Process]:
        """Return each (sub-)flow wrapped in the State Corporation's steps, built once."""
        from portal.domain.catalog.centre import through_centre
        assert self.centre is not None
        return {value: through_centre(process, self.centre) for value, process in self.all_processes()}

    def handbook_processes(self) -> tuple[tuple[str | None, Process], ...]:
        """Return every process the handbook publishes: each (sub-)flow, then each through the State Corporation."""
        centre = tuple((f"{value}-{CENTRE_CHANNEL}" if value else CENTRE_CHANNEL, process)
                       for value, process in self._centre_processes.items()) if self.centre else ()
        return self.all_processes() + centre

    def handbook_title(self, flow: str | None) -> Text | None:
        """Return the title of a published process: its sub-flow's, and the State Corporation's path."""
        value = flow.removesuffix(CENTRE_CHANNEL).rstrip("-") or None if flow else None
        sub = next((s.title for s in self.subflows if s.value == value), None)
        if not (flow and flow.endswith(CENTRE_CHANNEL)):
            return sub
        return {k: f"{sub[k]}: {v}" if sub else v for k, v in CENTRE_PATH_TITLE.items()}

    def all_processes(self) -> tuple[tuple[str | None, Process], ...]:
        """Return every (sub-flow value, process) of the service."""
        return tuple((s.value, s.process) for s in self.subflows) or ((None, self.process),)

    @property
    def deadline(self) -> Duration:
        """Return the overall deadline of the main process (a sub-flow may set its own)."""
        return self.process.deadline

    @property
    def steps(self) -> tuple[Transition, ...]:
        """Return the main process's regulated steps, in order."""
        return self.process.main_path()

    def flow(self, form: Mapping[str, Any]) -> tuple[tuple[Transition, ...], Duration]:
        """Return the regulated steps and the overall deadline that apply to this request."""
        process = self.process_for(form)
        return process.main_path(), process.deadline

    def all_flows(self) -> tuple[tuple[str | None, tuple[Transition, ...]], ...]:
        """Return every (sub-flow value, regulated steps) of the service."""
        return tuple((value, process.main_path()) for value, process in self.all_processes())

    def action_title(self, action: str) -> Text | None:
        """Return the catalog's title of a transition in any process (for people who read the timeline)."""
        return next((t.title for _, p in self.handbook_processes() for t in p.transitions if t.action == action), None)

    def required_documents(self, form: Mapping[str, Any]) -> list[DocumentSpec]:
        """Return the documents the form requires."""
        return [d for d in self.documents if d.required_for(form)]

    def refusal_ground(self, code: str) -> RefusalGround | None:
        """Return the refusal ground with this code, if any."""
        return next((g for g in self.refusal_grounds if g.code == code), None)

    @property
    def title(self) -> Text:
        """Return the short plain name, or the official one where none is given."""
        return self.short_name or self.name

    def matches(self, query: str, language: str) -> bool:
        """Tell whether every word of a search appears in the service's names or description in a language."""
        text = " ".join(t.get(language) or t.get("kk", "") for t in (self.title, self.name, self.description)).casefold()
        return all(word in text for word in query.casefold().split())

    def document(self, code: str) -> DocumentSpec | None:
        """Return the document spec with this code, if any."""
        return next((d for d in self.documents if d.code == code), None)

    def choice_title(self, name: str, value: str) -> Text | None:
        """Return the title of a choice field's value, if any."""
        spec = self.field(name)
        choice = spec.choice(value) if spec else None
        return choice.title if choice else None
