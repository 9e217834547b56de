"""A regulation's process as data: named stages and the transitions between them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Mapping

from portal.domain import calendar
from portal.domain.models.people import Role

if TYPE_CHECKING:
    from portal.domain.catalog.spec import Field

Text = Mapping[str, str]  # locale -> text, for kk, ru and en

#: the stage of a request the applicant has not submitted yet; every process starts after it
DRAFT = "draft"


class PublicStatus(StrEnum):
    """What the applicant is told about a request: a few states, whatever the provider's stages."""

    draft = "draft"
    submitted = "submitted"
    in_progress = "in_progress"
    returned = "returned"
    granted = "granted"
    refused = "refused"
    #: closed without an outcome: never filed (e.g. the applicant would not consent at the centre)
    closed = "closed"

    @property
    def title(self) -> Text:
        """Return the translated title of this status."""
        return _PUBLIC_TITLES[self]

    @property
    def finished(self) -> bool:
        """Tell whether the request has reached its outcome."""
        return self in (PublicStatus.granted, PublicStatus.refused, PublicStatus.closed)


_PUBLIC_TITLES: dict[PublicStatus, Text] = {
    PublicStatus.draft: {"kk": "Жоба", "ru": "Черновик", "en": "Draft"},
    PublicStatus.submitted: {"kk": "Жіберілді", "ru": "Подана", "en": "Submitted"},
    PublicStatus.in_progress: {"kk": "Қаралуда", "ru": "На рассмотрении", "en": "In progress"},
    PublicStatus.returned: {"kk": "Пысықтауға қайтарылды", "ru": "Возвращена на доработку",
                            "en": "Returned for rework"},
    PublicStatus.granted: {"kk": "Берілді", "ru": "Оказана", "en": "Granted"},
    PublicStatus.refused: {"kk": "Дәлелді бас тарту", "ru": "Мотивированный отказ", "en": "Refused"},
    PublicStatus.closed: {"kk": "Нәтижесіз жабылды", "ru": "Закрыта без результата", "en": "Closed without a result"},
}


class Actor(StrEnum):
    """Which members of the role may take a transition."""

    #: any member of the request's provider holding the role
    provider = "provider"
    #: the executor assigned to the request (any executor of the provider while none is assigned)
    assignee = "assignee"


@dataclass(frozen=True)
class Duration:
    """A normative duration: working minutes or working days on an organisation's calendar."""

    minutes: int = 0
    working_days: int = 0

    @property
    def code(self) -> str:
        """Return a compact form such as 15m or 14wd."""
        return f"{self.working_days}wd" if self.working_days else f"{self.minutes}m"

    def after(self, start: datetime, hours: calendar.WorkingHours = calendar.DEFAULT_HOURS) -> datetime:
        """Return when this duration, started at `start`, runs out on the given working calendar."""
        if self.working_days:
            return calendar.add_working_days(start, self.working_days, hours)
        return calendar.add_working_minutes(start, self.minutes, hours)


@dataclass(frozen=True)
class Stage:
    """A named place a request waits in; `public` is what the applicant sees (None: the decision's outcome)."""

    code: str
    title: Text
    public: PublicStatus | None


@dataclass(frozen=True)
class Transition:
    """One move of the process: who may take it, from which stage to which, how long its stage's step may take.

    The first transition out of a stage is the regulated step; its duration is the normative time of the
    step the stage waits for. Other ways out (a return, a hand-back) close that step and open the
    target stage's step with its full normative time again; the overall deadline never moves.
    What the actor supplies: `assigns_executor` (an executor of the provider and a resolution),
    `decides` (grant or reasoned refusal), `amends_decision` (may change the drafted decision),
    `comment` (why, required), `inputs` (values kept for the result); `releases_executor` unassigns.
    `effect` runs in the same transaction ("issue_result" renders and signs the result); `notify` is
    the notification code the applicant gets.
    """

    action: str
    source: str
    target: str
    role: Role
    duration: Duration
    title: Text
    actor: Actor = Actor.provider
    #: whose working calendar the duration runs on
    calendar: str = "provider"
    assigns_executor: bool = False
    decides: bool = False
    amends_decision: bool = False
    comment: bool = False
    releases_executor: bool = False
    inputs: tuple["Field", ...] = ()
    effect: str | None = None
    notify: str | None = None
    #: the step is due this many hours before the service's deadline at the latest (seed 003's delivery rule)
    deliver_before_deadline_hours: int = 0

    @property
    def issues_result(self) -> bool:
        """Tell whether taking this transition renders and signs the result."""
        return self.effect == "issue_result"


@dataclass(frozen=True)
class Process:
    """A process graph: stages, transitions, the first stage after submission and the overall deadline."""

    stages: tuple[Stage, ...]
    transitions: tuple[Transition, ...]
    deadline: Duration
    start: str = "submitted"

    def __post_init__(self) -> None:
        """Refuse a graph whose transitions name unknown stages or repeat an action out of one stage."""
        codes = {s.code for s in self.stages}
        if self.start not in codes:
            raise ValueError(f"unknown start stage {self.start!r}")
        seen: set[tuple[str, str]] = set()
        for t in self.transitions:
            if t.source not in codes or t.target not in codes:
                raise ValueError(f"transition {t.action!r} names an unknown stage")
            if (t.source, t.action) in seen:
                raise ValueError(f"action {t.action!r} leaves stage {t.source!r} twice")
            seen.add((t.source, t.action))

    def stage(self, code: str) -> Stage:
        """Return the stage with this code (KeyError for an unknown one)."""
        for s in self.stages:
            if s.code == code:
                return s
        raise KeyError(code)

    def ways_out(self, stage: str) -> tuple[Transition, ...]:
        """Return the transitions leaving a stage, the regulated step first."""
        return tuple(t for t in self.transitions if t.source == stage)

    def step_of(self, stage: str) -> Transition | None:
        """Return the regulated step a stage waits for (its first way out); None for a final stage."""
        return next(iter(self.ways_out(stage)), None)

    def is_final(self, stage: str) -> bool:
        """Tell whether a stage has no way out."""
        return not self.ways_out(stage)

    def main_path(self) -> tuple[Transition, ...]:
        """Return the regulated steps from the start to a final stage, following each stage's first way out."""
        path, stage, seen = [], self.start, set()
        while (step := self.step_of(stage)) is not None and stage not in seen:
            seen.add(stage)
            path.append(step)
            stage = step.target
        return tuple(path)

    def transition(self, action: str) -> Transition | None:
        """Return the first transition with this action, from any stage."""
        return next((t for t in self.transitions if t.action == action), None)
