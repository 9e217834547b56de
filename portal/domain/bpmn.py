"""The handbook's process as BPMN 2.0 XML, with diagram coordinates, for bpmn.io, Camunda Modeler and BPMN engines.

Each transition is a user task in its role's lane; a stage with several ways out is an exclusive gateway
whose default flow is the regulated step and whose other flows carry `action == '<action>'`, so an
engine that sets `action` when a task completes walks the same graph the portal enforces.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from portal.domain.catalog.process import Duration, Process
from portal.domain.catalog.spec import ServiceSpec
from portal.domain.handbook import Node, Swimlanes, swimlanes

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: the portal's own attributes on a task: its action, role, actor scope, normative duration and calendar
PORTAL = "urn:edu-portal:bpmn:1"
NAMESPACES = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "xsi": XSI, "portal": PORTAL}

#: the lanes' names in the export (the page translates them; a BPMN file is read by tools and engines)
ROLE_NAMES = {"applicant": "Applicant", "office_clerk": "Office clerk", "head": "Head", "executor": "Executor",
              "operator": "State Corporation operator"}
#: the width of the participant's own name band at the pool's left, as BPMN tools draw it
POOL_LABEL = 30

for _prefix, _uri in NAMESPACES.items():
    ET.register_namespace(_prefix, _uri)


def role_name(role: str) -> str:
    """Return a lane's English name."""
    return ROLE_NAMES.get(role, role.replace("_", " ").capitalize())


def duration_words(duration: Duration) -> str:
    """Return a normative duration in English words, e.g. "3 working days" or "15 minutes"."""
    if duration.working_days:
        n = duration.working_days
        return f"{n} working day" + ("s" if n != 1 else "")
    n = duration.minutes
    return f"{n} working minute" + ("s" if n != 1 else "")


def condition(action: str) -> str:
    """Return the gateway condition that picks the flow to an action's task."""
    return f"action == '{action}'"


def _q(ns: str, tag: str) -> str:
    """Return a qualified tag name."""
    return f"{{{ns}}}{tag}"


def _sub(parent: ET.Element, tag: str, ns: str = BPMN, **attrs: str) -> ET.Element:
    """Append a child element with string attributes."""
    return ET.SubElement(parent, _q(ns, tag), {k: str(v) for k, v in attrs.items()})


def process_id(service: ServiceSpec, subflow: str | None) -> str:
    """Return the BPMN process id of a service's (sub-)flow in one catalog version."""
    return f"Process_{service.code}_v{service.version}" + (f"_{subflow}" if subflow else "")


def _flow_node(process_el: ET.Element, layout: Swimlanes, node: Node) -> None:
    """Write one flow node with its incoming and outgoing flows."""
    stage = layout.process.stage(node.stage)
    if node.kind == "start":
        el = _sub(process_el, "startEvent", id=node.id, name="Request submitted")
    elif node.kind == "end":
        el = _sub(process_el, "endEvent", id=node.id, name=stage.title["en"])
    elif node.kind == "gateway":
        default = next(f.id for f in layout.outgoing(node.id) if f.condition is None)
        el = _sub(process_el, "exclusiveGateway", id=node.id, name=stage.title["en"], default=default)
    else:
        move = node.transition
        assert move is not None
        el = _sub(process_el, "userTask", id=node.id, name=move.title["en"], **{
            _q(PORTAL, "action"): move.action, _q(PORTAL, "role"): str(move.role),
            _q(PORTAL, "actor"): str(move.actor), _q(PORTAL, "duration"): move.duration.code,
            _q(PORTAL, "calendar"): move.calendar})
        doc = _sub(el, "documentation")
        doc.text = f"Normative duration: {duration_words(move.duration)} ({role_name(str(move.role))})."
    for flow in layout.incoming(node.id):
        _sub(el, "incoming").text = flow.id
    for flow in layout.outgoing(node.id):
        _sub(el, "outgoing").text = flow.id


def _bounds(parent: ET.Element, x: int, y: int, w: int, h: int) -> None:
    """Write a shape's bounds."""
    _sub(parent, "Bounds", DC, x=x, y=y, width=w, height=h)


def bpmn_xml(process: Process, service: ServiceSpec, subflow: str | None = None) -> bytes:
    """Return a service's (sub-)flow as a BPMN 2.0 document: one pool, a lane per role, tasks, gateways, DI."""
    layout = swimlanes(process)
    pid = process_id(service, subflow)
    sub = next((s for s in service.subflows if s.value == subflow), None)
    title = service.name["en"] + (f" — {sub.title['en']}" if sub else "")
    root = ET.Element(_q(BPMN, "definitions"), {
        "id": f"Definitions_{pid}", "targetNamespace": f"urn:edu-portal:services:{service.code}",
        "exporter": "edu-portal handbook", "exporterVersion": "1"})
    collaboration = _sub(root, "collaboration", id="Collaboration_1")
    _sub(collaboration, "participant", id="Participant_1", name=title, processRef=pid)
    process_el = _sub(root, "process", id=pid, name=title, isExecutable="true")
    _sub(process_el, "documentation").text = (
        f"Handbook of business processes of the state service «{service.name['en']}» "
        f"(catalog version {service.version}). Overall deadline: {duration_words(process.deadline)}.")
    lane_set = _sub(process_el, "laneSet", id="LaneSet_1")
    for lane in layout.lanes:
        lane_el = _sub(lane_set, "lane", id=f"Lane_{lane.role}", name=role_name(lane.role))
        for node in layout.nodes:
            if node.lane == lane.role:
                _sub(lane_el, "flowNodeRef").text = node.id
    for node in layout.nodes:
        _flow_node(process_el, layout, node)
    for flow in layout.flows:
        flow_el = _sub(process_el, "sequenceFlow", id=flow.id, sourceRef=flow.source, targetRef=flow.target)
        if flow.condition is not None:
            expr = _sub(flow_el, "conditionExpression", **{_q(XSI, "type"): "bpmn:tFormalExpression"})
            expr.text = condition(flow.condition)

    diagram = _sub(root, "BPMNDiagram", BPMNDI, id="Diagram_1")
    plane = _sub(diagram, "BPMNPlane", BPMNDI, id="Plane_1", bpmnElement="Collaboration_1")
    pool = _sub(plane, "BPMNShape", BPMNDI, id="Participant_1_di", bpmnElement="Participant_1", isHorizontal="true")
    _bounds(pool, 0, 0, layout.width, layout.height)
    for lane in layout.lanes:
        shape = _sub(plane, "BPMNShape", BPMNDI, id=f"Lane_{lane.role}_di", bpmnElement=f"Lane_{lane.role}",
                     isHorizontal="true")
        _bounds(shape, POOL_LABEL, lane.box.y, lane.box.w - POOL_LABEL, lane.box.h)
    for node in layout.nodes:
        extra = {"isMarkerVisible": "true"} if node.kind == "gateway" else {}
        shape = _sub(plane, "BPMNShape", BPMNDI, id=f"{node.id}_di", bpmnElement=node.id, **extra)
        _bounds(shape, node.box.x, node.box.y, node.box.w, node.box.h)
    for flow in layout.flows:
        edge = _sub(plane, "BPMNEdge", BPMNDI, id=f"{flow.id}_di", bpmnElement=flow.id)
        for x, y in flow.points:
            _sub(edge, "waypoint", DI, x=x, y=y)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
