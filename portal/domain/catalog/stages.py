"""The stages the provider-side regulations share, and the graph of their five-step chain with its side moves."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.domain.catalog.process import Actor, Duration, Process, PublicStatus, Stage, Text, Transition
from portal.domain.models.people import Role

SUBMITTED = Stage("submitted", {"kk": "Жіберілді, тіркеуді күтуде", "ru": "Подана, ожидает регистрации",
                                "en": "Submitted, awaiting registration"}, PublicStatus.submitted)
REGISTERED = Stage("registered", {"kk": "Тіркелді, қаралуда", "ru": "Зарегистрирована, на рассмотрении",
                                  "en": "Registered, under review"}, PublicStatus.in_progress)
IN_EXECUTION = Stage("in_execution", {"kk": "Жауапты орындаушыда", "ru": "У ответственного исполнителя",
                                      "en": "With the executor"}, PublicStatus.in_progress)
AWAITING_APPROVAL = Stage("awaiting_approval", {
    "kk": "Нәтиженің жобасы дайын, қол қоюды күтуде", "ru": "Проект результата готов, ожидает подписания",
    "en": "Result drafted, awaiting signature"}, PublicStatus.in_progress)
SIGNED = Stage("signed", {"kk": "Нәтижеге қол қойылды, жіберілуде", "ru": "Результат подписан, направляется заявителю",
                          "en": "Result signed, being sent"}, PublicStatus.in_progress)
COMPLETED = Stage("completed", {"kk": "Орындалды", "ru": "Исполнена", "en": "Completed"}, None)


@dataclass(frozen=True)
class Norm:
    """A regulated step's normative time and its wording in the regulation."""

    duration: Duration
    title: Text


_REASSIGN = {"kk": "Басқа жауапты орындаушыны тағайындау", "ru": "Назначение другого ответственного исполнителя",
             "en": "Assign another executor"}
_HAND_BACK = {"kk": "Өтінішті басқа орындаушыға беру үшін басшыға қайтару",
              "ru": "Возврат заявки руководителю для передачи другому исполнителю",
              "en": "Return the request to the head for another executor"}
_RETURN_DRAFT = {"kk": "Нәтиженің жобасын пысықтауға қайтару", "ru": "Возврат проекта результата на доработку",
                 "en": "Return the draft result for rework"}


def provider_chain(*, register: Norm, assign: Norm, draft: Norm, approve: Norm, send: Norm, deadline: Duration,
                   draft_action: str = "draft_result", draft_inputs: tuple[Any, ...] = ()) -> Process:
    """Return the office-head-executor-head-office chain, with the head's and the executor's side moves.

    The head may reassign the request or return the draft for rework, and the assigned executor may
    hand the request back to the head for another executor: each reopens the step it returns to with
    its full normative time, as the regulation's step times apply to whoever works the step.
    """
    P = Role
    return Process(
        stages=(SUBMITTED, REGISTERED, IN_EXECUTION, AWAITING_APPROVAL, SIGNED, COMPLETED),
        transitions=(
            Transition("register", "submitted", "registered", P.office_clerk, register.duration, register.title,
                       notify="registered"),
            Transition("assign", "registered", "in_execution", P.head, assign.duration, assign.title,
                       assigns_executor=True, notify="in_execution"),
            Transition(draft_action, "in_execution", "awaiting_approval", P.executor, draft.duration, draft.title,
                       actor=Actor.assignee, decides=True, inputs=draft_inputs),
            Transition("approve", "awaiting_approval", "signed", P.head, approve.duration, approve.title,
                       effect="issue_result"),
            Transition("send", "signed", "completed", P.office_clerk, send.duration, send.title,
                       notify="result_ready"),
            # side moves: not in the regulation's list of steps, but what its roles do within them
            Transition("reassign", "in_execution", "in_execution", P.head, assign.duration, _REASSIGN,
                       assigns_executor=True, notify="executor_changed"),
            Transition("hand_back", "in_execution", "registered", P.executor, draft.duration, _HAND_BACK,
                       actor=Actor.assignee, comment=True, releases_executor=True),
            Transition("return_draft", "awaiting_approval", "in_execution", P.head, approve.duration, _RETURN_DRAFT,
                       comment=True, amends_decision=True, notify="draft_returned"),
        ),
        deadline=deadline,
    )
