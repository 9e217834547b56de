"""What the service page draws of the handbook: each (sub-)flow's swimlanes with its titles wrapped to fit."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass

from portal.domain.catalog.process import Process, Text, Transition
from portal.domain.catalog.spec import ServiceSpec
from portal.domain.handbook import TASK_H, Swimlanes, steps_table, swimlanes, task_id
from portal.web import localized

#: characters per line of a task's title in the diagram (an 11 px font in a 168 px box)
LINE_CHARS = 22
LINE_H = 14
#: room in a task box besides its title lines: the duration line and the padding
TASK_EXTRA = 40


@dataclass(frozen=True)
class Diagram:
    """One (sub-)flow as the page shows it: the layout, each task's title lines, and the steps as a table."""

    subflow: str | None
    title: Text | None
    process: Process
    layout: Swimlanes
    lines: dict[str, list[str]]
    steps: tuple[Transition, ...]


def wrap(text: str) -> list[str]:
    """Break a title into lines that fit a task box."""
    return textwrap.wrap(text, LINE_CHARS, break_long_words=True) or [""]


def diagrams(service: ServiceSpec) -> list[Diagram]:
    """Return the diagram of every (sub-)flow of a service, in the interface language."""
    result = []
    for value, process in service.handbook_processes():
        lines = {task_id(t): wrap(localized(t.title)) for t in process.transitions}
        height = max(TASK_H, max(len(v) for v in lines.values()) * LINE_H + TASK_EXTRA)
        result.append(Diagram(value, service.handbook_title(value), process,
                              swimlanes(process, task_height=height), lines, steps_table(process)))
    return result
