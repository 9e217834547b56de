"""The published BPMN of every service, sub-flow and catalog version, run in an independent engine (SpiffWorkflow).

Each walk follows the regulated chain, or takes one side move once and then the chain: at every stage the
choices Spiff offers (the ready user task, or the exclusive gateway's branches, default first) must be the
transitions our engine offers from that stage, in the same order, each in its role's lane; the walk must end
in the end event of the final stage our engine reaches. So the handbook cannot drift from the portal.
"""
from __future__ import annotations

from collections import deque
from io import BytesIO

import pytest
from lxml import etree
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser, BpmnValidator
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.util.task import TaskState

from portal.domain.bpmn import BPMN, BPMNDI, DC, bpmn_xml, process_id
from portal.domain.catalog import VERSIONS
from portal.domain.catalog.process import Process, Transition
from portal.domain.catalog.spec import ServiceSpec
from portal.domain.handbook import lane_roles, task_id
from portal.domain.catalog.spec import CENTRE_CHANNEL
from portal.domain.models import Application, Membership, Person, Role
from portal.domain.workflow import available_transitions

GRAPHS = [(spec, value, process) for versions in VERSIONS.values() for spec in versions
          for value, process in spec.handbook_processes()]
IDS = [f"{s.code}-v{s.version}-{v or 'main'}" for s, v, _ in GRAPHS]
MAX_STEPS = 30
#: what the lanes must be called, written out here so that a renamed lane in the export fails the test
LANE_NAMES = {"applicant": "Applicant", "office_clerk": "Office clerk", "head": "Head", "executor": "Executor",
              "operator": "State Corporation operator"}


def engine_offers(spec: ServiceSpec, value: str | None, process: Process, stage: str) -> list[Transition]:
    """Return what our engine lets the provider's staff take from a stage, every role together, regulated first."""
    centre = bool(value and value.endswith(CENTRE_CHANNEL))
    subflow = (value or "").removesuffix(CENTRE_CHANNEL).rstrip("-") or None
    form = {spec.subflow_field: subflow} if spec.subflow_field else {}
    # one organisation plays both the provider and the centre: each role's members see only their own moves
    request = Application(service_code=spec.code, catalog_version=spec.version, form=form, stage=stage,
                          provider_id=1, centre_id=1, executor_id=None,
                          channel=CENTRE_CHANNEL if centre else "portal")
    offered: list[Transition] = []
    for n, role in enumerate(r for r in lane_roles(process) if r != "applicant"):
        offered += available_transitions(request, Person(id=100 + n, membership=Membership(role=Role(role),
                                                                                            organisation_id=1)))
    order = [t.action for t in process.ways_out(stage)]
    return sorted(offered, key=lambda t: order.index(t.action))


def walks(process: Process) -> list[list[Transition]]:
    """Return the regulated chain, and for each side move a shortest way to it, the move, then the chain to the end."""
    chain = list(process.main_path())
    result = [chain]
    for move in process.transitions:
        if move is process.step_of(move.source):
            continue
        path = _shortest_path_to(process, move)
        stage = move.target
        while (step := process.step_of(stage)) is not None and len(path) < MAX_STEPS:
            path.append(step)
            stage = step.target
        result.append(path)
    return result


def _shortest_path_to(process: Process, move: Transition) -> list[Transition]:
    """Return the shortest list of transitions from the start that ends with `move`."""
    queue: deque[tuple[str, list[Transition]]] = deque([(process.start, [])])
    seen = {process.start}
    while queue:
        stage, path = queue.popleft()
        if stage == move.source:
            return [*path, move]
        for t in process.ways_out(stage):
            if t.target not in seen:
                seen.add(t.target)
                queue.append((t.target, [*path, t]))
    raise AssertionError(f"{move.action} is unreachable from the start")


def spiff_workflow(spec: ServiceSpec, value: str | None, process: Process) -> BpmnWorkflow:
    """Parse the exported BPMN with Spiff's schema validation and start a workflow of it."""
    parser = BpmnParser(validator=BpmnValidator())
    parser.add_bpmn_str(bpmn_xml(process, spec, value))
    return BpmnWorkflow(parser.get_spec(process_id(spec, value)))


def run_engine_tasks(wf: BpmnWorkflow) -> object | None:
    """Run Spiff's automatic tasks until a gateway must choose or people must act; return that gateway, if any."""
    while (task := wf.get_next_task(state=TaskState.READY, manual=False)) is not None:
        if isinstance(task.task_spec, ExclusiveGateway):
            return task
        task.run()
    return None


def gateway_branches(gateway: object) -> list[str]:
    """Return the ids of the user tasks a Spiff gateway may lead to, its default branch first."""
    spec = gateway.task_spec  # type: ignore[attr-defined]
    conditional = [target for cond, target in spec.cond_task_specs if cond is not None]
    return [spec.default_task_spec, *conditional]


def ready_user_tasks(wf: BpmnWorkflow) -> list:
    """Return the user tasks Spiff has ready."""
    return wf.get_tasks(state=TaskState.READY, manual=True)


@pytest.mark.parametrize("spec,value,process", GRAPHS, ids=IDS)
def test_spiff_walks_the_same_paths_roles_and_order(spec, value, process):
    for path in walks(process):
        wf = spiff_workflow(spec, value, process)
        stage = process.start
        for move in path:
            offered = engine_offers(spec, value, process, stage)
            assert move in offered
            gateway = run_engine_tasks(wf)
            if gateway is not None:  # several ways out: Spiff's branches are our offers, regulated one first
                assert gateway_branches(gateway) == [task_id(t) for t in offered], (stage, path)
                gateway.set_data(action=move.action)  # type: ignore[attr-defined]
                gateway.run()  # type: ignore[attr-defined]
                assert run_engine_tasks(wf) is None
            else:  # one way out: the task Spiff has ready is the one our engine offers
                assert [t.task_spec.bpmn_id for t in ready_user_tasks(wf)] == [task_id(t) for t in offered], stage
            ready = ready_user_tasks(wf)
            assert [t.task_spec.bpmn_id for t in ready] == [task_id(move)], (stage, move.action)
            task = ready[0]
            assert task.task_spec.bpmn_name == move.title["en"]
            assert task.task_spec.lane == LANE_NAMES[move.role]
            task.run()
            stage = move.target
        assert process.is_final(stage)
        assert run_engine_tasks(wf) is None and ready_user_tasks(wf) == []
        assert wf.is_completed(), path
        ended = {t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.COMPLETED)}
        assert f"End_{stage}" in ended


@pytest.mark.parametrize("spec,value,process", GRAPHS, ids=IDS)
def test_every_transition_is_walked_and_the_lanes_are_our_roles(spec, value, process):
    walked = {(t.source, t.action) for path in walks(process) for t in path}
    assert walked == {(t.source, t.action) for t in process.transitions}
    wf = spiff_workflow(spec, value, process)
    user_tasks = {s.bpmn_id: s for s in wf.spec.task_specs.values() if s.manual}
    assert set(user_tasks) == {task_id(t) for t in process.transitions}
    for move in process.transitions:
        assert user_tasks[task_id(move)].lane == LANE_NAMES[move.role]
    lanes = {s.lane for s in wf.spec.task_specs.values() if getattr(s, "lane", None)}
    assert lanes == {LANE_NAMES[r] for r in lane_roles(process)}


@pytest.mark.parametrize("spec,value,process", GRAPHS, ids=IDS)
def test_the_export_has_a_pool_lanes_durations_and_a_drawing(spec, value, process):
    doc = etree.parse(BytesIO(bpmn_xml(process, spec, value)))
    ns = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC}
    assert len(doc.findall("bpmn:collaboration/bpmn:participant", ns)) == 1
    lanes = doc.findall("bpmn:process/bpmn:laneSet/bpmn:lane", ns)
    assert [lane.get("name") for lane in lanes] == [LANE_NAMES[r] for r in lane_roles(process)]
    for move in process.transitions:
        task = doc.find(f"bpmn:process/bpmn:userTask[@id='{task_id(move)}']", ns)
        assert task is not None and task.get("name") == move.title["en"]
        assert task.get("{urn:edu-portal:bpmn:1}duration") == move.duration.code
        words = task.findtext("bpmn:documentation", namespaces=ns)
        n = move.duration.working_days or move.duration.minutes
        assert f"{n} working {'day' if move.duration.working_days else 'minute'}" in words
    finals = {s.code for s in process.stages if process.is_final(s.code)}
    ends = {e.get("id") for e in doc.findall("bpmn:process/bpmn:endEvent", ns)}
    assert ends and ends <= {f"End_{code}" for code in finals}
    elements = {e.get("id") for e in doc.find("bpmn:process", ns) if e.get("id")} | {"Participant_1"}
    elements |= {lane.get("id") for lane in lanes}
    shapes = {s.get("bpmnElement") for s in doc.iter(f"{{{BPMNDI}}}BPMNShape")}
    edges = {e.get("bpmnElement") for e in doc.iter(f"{{{BPMNDI}}}BPMNEdge")}
    flows = {f.get("id") for f in doc.findall("bpmn:process/bpmn:sequenceFlow", ns)}
    assert edges == flows and shapes == elements - flows - {"LaneSet_1"}
    for shape in doc.iter(f"{{{BPMNDI}}}BPMNShape"):
        bounds = shape.find("dc:Bounds", ns)
        assert bounds is not None and int(bounds.get("width")) > 0 and int(bounds.get("height")) > 0
