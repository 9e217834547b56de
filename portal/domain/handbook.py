"""The handbook of business processes, drawn from the graph the engine runs: lanes, steps, flows and their places.

One pure layout serves both the swimlane diagram on the service page and the BPMN 2.0 export, so the
published handbook and the downloadable model cannot show different processes. A stage with several
ways out becomes an exclusive gateway whose default flow is the regulated step; a final stage becomes
an end event; the applicant's lane holds the start (the request is submitted) and the ends.
"""
from __future__ import annotations

from dataclasses import dataclass
from portal.domain.catalog.process import Process, Stage, Transition

#: the lane of the person who submits the request and receives the result
APPLICANT = "applicant"
#: lanes in the order the regulations name their actors; a role not listed here follows them
LANE_ORDER = ("applicant", "operator", "office_clerk", "head", "executor")

# geometry, in pixels (BPMN DI and SVG alike)
LABEL_W = 120  # the band on the left that names each lane
MARGIN = 24
TASK_W = 168
TASK_H = 96
GATEWAY = 50
EVENT = 36
GAP = 48  # between columns: room for the elbows of the flows
ROW_PAD = 24  # above and below a row's tallest node
TRACK = 14  # one returning flow's track below the lanes
MIN_ROW = 96  # room for a lane's name on two lines


@dataclass(frozen=True)
class Box:
    """A rectangle: top-left corner, width and height."""

    x: int
    y: int
    w: int
    h: int

    @property
    def cx(self) -> int:
        """Return the horizontal centre."""
        return self.x + self.w // 2

    @property
    def cy(self) -> int:
        """Return the vertical centre."""
        return self.y + self.h // 2

    @property
    def right(self) -> int:
        """Return the right edge."""
        return self.x + self.w

    @property
    def bottom(self) -> int:
        """Return the bottom edge."""
        return self.y + self.h


@dataclass(frozen=True)
class Lane:
    """One actor's band of the diagram."""

    role: str
    box: Box


@dataclass(frozen=True)
class Node:
    """A BPMN flow node: the start event, a user task (one transition), a gateway (a stage's choice) or an end event."""

    id: str
    kind: str  # "start", "task", "gateway" or "end"
    lane: str
    box: Box
    #: the stage a gateway or an event stands for; a task's source stage
    stage: str
    transition: Transition | None = None


@dataclass(frozen=True)
class Flow:
    """A sequence flow; out of a gateway it carries the action it leads to (None for the default, regulated one)."""

    id: str
    source: str
    target: str
    points: tuple[tuple[int, int], ...]
    condition: str | None = None
    #: a flow that goes back to an earlier stage (drawn along a track below the lanes)
    returning: bool = False


@dataclass(frozen=True)
class Swimlanes:
    """The laid-out process: lanes top to bottom, flow nodes and flows, and the size of the whole drawing."""

    process: Process
    lanes: tuple[Lane, ...]
    nodes: tuple[Node, ...]
    flows: tuple[Flow, ...]
    width: int
    height: int

    def node(self, node_id: str) -> Node:
        """Return the flow node with this id (KeyError for an unknown one)."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def tasks(self) -> tuple[Node, ...]:
        """Return the user tasks, one per transition, in the order they are laid out."""
        return tuple(n for n in self.nodes if n.kind == "task")

    def outgoing(self, node_id: str) -> tuple[Flow, ...]:
        """Return the flows leaving a node, the default (regulated) one first."""
        return tuple(f for f in self.flows if f.source == node_id)

    def incoming(self, node_id: str) -> tuple[Flow, ...]:
        """Return the flows entering a node."""
        return tuple(f for f in self.flows if f.target == node_id)


def task_id(move: Transition) -> str:
    """Return the BPMN id of a transition's user task (an action may leave several stages)."""
    return f"Task_{move.source}_{move.action}"


def lane_roles(process: Process) -> tuple[str, ...]:
    """Return the lanes of a process: the applicant, then every role that takes a transition, in the usual order."""
    roles = {APPLICANT} | {str(t.role) for t in process.transitions}
    known = [r for r in LANE_ORDER if r in roles]
    return tuple(known + sorted(roles - set(known)))


def reachable_stages(process: Process) -> tuple[Stage, ...]:
    """Return the stages a request can reach from the start: the regulated chain first, then the others."""
    order = [process.start] + [t.target for t in process.main_path()]
    seen: list[str] = []
    queue = list(dict.fromkeys(order))
    while queue:
        code = queue.pop(0)
        if code in seen:
            continue
        seen.append(code)
        queue.extend(t.target for t in process.ways_out(code) if t.target not in seen)
    return tuple(process.stage(code) for code in seen)


def _entry(process: Process, stage: str) -> str:
    """Return the id of the node a flow into a stage enters: its gateway, its one task or its end event."""
    ways = process.ways_out(stage)
    if not ways:
        return f"End_{stage}"
    return f"Gateway_{stage}" if len(ways) > 1 else task_id(ways[0])


@dataclass
class _Place:
    """A node's cell before coordinates are known."""

    id: str
    kind: str
    lane: str
    stage: str
    column: int
    row: int = 0
    transition: Transition | None = None


def _places(process: Process) -> list[_Place]:
    """Put every node in a column (left to right along the stages) and a row of its lane (alternatives stack)."""
    places: list[_Place] = [_Place(f"Start_{process.start}", "start", APPLICANT, process.start, 0)]
    column = 1
    for stage in reachable_stages(process):
        ways = process.ways_out(stage.code)
        if not ways:
            places.append(_Place(f"End_{stage.code}", "end", APPLICANT, stage.code, column))
            column += 1
            continue
        if len(ways) > 1:
            places.append(_Place(f"Gateway_{stage.code}", "gateway", str(ways[0].role), stage.code, column))
            column += 1
        for move in ways:
            places.append(_Place(task_id(move), "task", str(move.role), stage.code, column, transition=move))
        column += 1
    used: dict[tuple[str, int], int] = {}
    for p in places:
        p.row = used.get((p.lane, p.column), 0)
        used[(p.lane, p.column)] = p.row + 1
    return places


_SIZE = {"start": (EVENT, EVENT), "end": (EVENT, EVENT), "gateway": (GATEWAY, GATEWAY)}


def swimlanes(process: Process, *, task_height: int = TASK_H) -> Swimlanes:
    """Lay out a process as lanes of flow nodes joined by orthogonal flows (`task_height` fits the titles)."""
    places = _places(process)
    sizes = {p.id: _SIZE.get(p.kind, (TASK_W, task_height)) for p in places}
    columns = max(p.column for p in places) + 1
    col_w = [max((sizes[p.id][0] for p in places if p.column == c), default=EVENT) + GAP for c in range(columns)]
    col_x = [LABEL_W + MARGIN + sum(col_w[:c]) for c in range(columns)]
    returning = [(s, t) for s, t in _flow_ends(process) if _column(places, t) <= _column(places, s)]

    lanes: list[Lane] = []
    top_of: dict[str, int] = {}
    row_h: dict[str, int] = {}
    y = 0
    roles = lane_roles(process)
    width = col_x[-1] + col_w[-1] + MARGIN
    for i, role in enumerate(roles):
        mine = [p for p in places if p.lane == role]
        rows = max((p.row + 1 for p in mine), default=1)
        # a lane of events only (the applicant's) needs less height than a lane of tasks
        row_h[role] = max(MIN_ROW, max((sizes[p.id][1] for p in mine), default=EVENT) + 2 * ROW_PAD)
        top_of[role] = y
        height = rows * row_h[role] + (len(returning) * TRACK + ROW_PAD if i == len(roles) - 1 and returning else 0)
        lanes.append(Lane(role, Box(0, y, width, height)))
        y += height
    boxes: dict[str, Box] = {}
    nodes: list[Node] = []
    for p in places:
        w, h = sizes[p.id]
        cx = col_x[p.column] + (col_w[p.column] - GAP) // 2
        cy = top_of[p.lane] + p.row * row_h[p.lane] + row_h[p.lane] // 2
        boxes[p.id] = Box(cx - w // 2, cy - h // 2, w, h)
        nodes.append(Node(p.id, p.kind, p.lane, boxes[p.id], p.stage, p.transition))

    flows: list[Flow] = []
    track_y = y - ROW_PAD // 2 - len(returning) * TRACK
    for n, (source, target) in enumerate(_flow_ends(process)):
        condition = None
        if source.startswith("Gateway_"):
            move = next(p.transition for p in places if p.id == target and p.transition is not None)
            if move is not process.step_of(move.source):
                condition = move.action
        back = (source, target) in returning
        if back:
            track_y += TRACK
            points = _returning_points(boxes[source], boxes[target], track_y, returning.index((source, target)))
        else:
            points = _forward_points(boxes[source], boxes[target])
        flows.append(Flow(f"Flow_{n + 1}", source, target, points, condition, back))
    return Swimlanes(process, tuple(lanes), tuple(nodes), tuple(flows), width, y)


def _flow_ends(process: Process) -> list[tuple[str, str]]:
    """Return every sequence flow as (source id, target id): start, gateway fan-outs, task to next stage."""
    ends = [(f"Start_{process.start}", _entry(process, process.start))]
    for stage in reachable_stages(process):
        ways = process.ways_out(stage.code)
        if len(ways) > 1:
            ends.extend((f"Gateway_{stage.code}", task_id(move)) for move in ways)
        ends.extend((task_id(move), _entry(process, move.target)) for move in ways)
    return ends


def _column(places: list[_Place], node_id: str) -> int:
    """Return the column of a placed node."""
    return next(p.column for p in places if p.id == node_id)


def _forward_points(s: Box, t: Box) -> tuple[tuple[int, int], ...]:
    """Route a flow to a later column: out of the right side, an elbow in the gap, into the left side."""
    if s.cy == t.cy:
        return ((s.right, s.cy), (t.x, t.cy))
    elbow = s.right + GAP // 2
    return ((s.right, s.cy), (elbow, s.cy), (elbow, t.cy), (t.x, t.cy))


def _returning_points(s: Box, t: Box, track: int, index: int) -> tuple[tuple[int, int], ...]:
    """Route a flow back to an earlier stage: down the gap after the source, along its track, up into the target."""
    side = s.right + 8 + (index % 3) * 6
    return ((s.right, s.cy), (side, s.cy), (side, track), (t.cx, track), (t.cx, t.bottom))


def steps_table(process: Process) -> tuple[Transition, ...]:
    """Return every transition in the handbook's reading order: stage by stage, the regulated step first."""
    return tuple(move for stage in reachable_stages(process) for move in process.ways_out(stage.code))

