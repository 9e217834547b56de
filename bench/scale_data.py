"""The back-office scale benchmark's data: N requests in a realistic mix, generated in Python, loaded by COPY.

Every request follows its service's real process graph (portal/domain/catalog) on its provider's real
working calendar: its steps, audit rows and notifications are those `workflow.transition` would have
written had the staff worked it at the times drawn. Most requests are completed; some wait in each open
stage (those submitted in the last weeks); a few stalled at a step long ago and are overdue. About 19%
go to one department (petropavl), as measured in production. Times are on a fixed day (NOW): the
bench pins the application's clock there, so a database loaded once stays valid on later runs.
"""
from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import demo
from portal.domain import calendar
from portal.domain.accounts import hash_password
from portal.domain.audit_trail import GENESIS, canonical_details, entry_hash
from portal.domain.catalog import SERVICES, service_on
from portal.domain.catalog.process import Process
from portal.domain.catalog.spec import REGISTRY_LINK, Field, ServiceSpec
from portal.domain.consent import CONSENT_ACTION, CONSENT_VERSION
from portal.domain.identity import CONFIRMED
from portal.domain.models import Person, Provider
from portal.domain.models.people import search_key
from portal.domain.validators import make_iin

#: the day the data is "now": a Monday morning (the bench pins the app's clock here)
NOW = datetime(2026, 11, 23, 10, 0)
#: how far back submissions go
HISTORY_DAYS = 730
#: the big department and its share of all requests (production: 193,955 of 1M)
BIG = "petropavl"
BIG_SHARE = 0.19
#: (service, share) of the requests outside the big department; the big one gets the department services
SERVICE_MIX = (("external_study", 0.45), ("teacher_attestation", 0.25), ("tvet_certificate", 0.18),
               ("tvet_transfer", 0.12))
BIG_MIX = (("external_study", 0.7), ("teacher_attestation", 0.3))
#: a request's staff ran one step past its normative time / left a step unworked (it is still open)
LATE_SHARE, STALLED_SHARE = 0.08, 0.012
REFUSED_SHARE = 0.1
#: executors added to the big department (it also has the demo's two)
EXTRA_EXECUTORS = 6
#: requests per applicant, on average; applicant 0 is the cabinet's, with CABINET_REQUESTS of them
REQUESTS_PER_APPLICANT = 2
CABINET_REQUESTS = 5
#: password of every generated applicant (the cabinet page signs one in)
APPLICANT_PASSWORD = "bench-applicant-2026"
#: submissions are drawn on a grid of this many minutes, each request shifted within its cell
SLOT_MINUTES = 240
LOADER_VERSION = 3

SURNAMES = ("Ахметов", "Омаров", "Сейітов", "Жұмабеков", "Нұрланов", "Қасымов", "Байжанов", "Сағындықов",
            "Ким", "Иванов", "Петренко", "Смағұлов", "Әбілқасымов", "Мұқанов", "Есенов", "Төлеуов")
GIVEN = ("Ерлан", "Айгүл", "Дана", "Асхат", "Гүлнар", "Мадина", "Арман", "Нұрлан", "Әсел", "Тимур", "Ольга",
         "Сәуле", "Бауыржан", "Динара", "Игорь", "Жанар")
PATRONYMIC = ("Серікұлы", "Маратқызы", "Қайратұлы", "Бекқызы", "Асқарұлы", "Викторовна", "Ерболқызы",
              "Төлеуұлы", "Болатұлы", "Мұратқызы", None)


@dataclass
class Org:
    """A provider and the staff who act on its requests."""

    id: int
    code: str
    kind: str
    hours: calendar.WorkingHours
    clerk: int
    head: int
    executors: list[int]
    name: str


@dataclass(frozen=True)
class Event:
    """One regulated step of a request's chain: when it opened, was due and (if ever) was done."""

    index: int
    action: str
    role: str
    normative: str
    source: str
    target: str
    started: datetime
    due: datetime
    completed: datetime | None
    decides: bool
    issues: bool
    assigns: bool
    notify: str | None
    inputs: tuple[Field, ...]


@dataclass(frozen=True)
class Chain:
    """A request's whole run along its process's main path, from a submission slot."""

    start: datetime
    deadline: datetime
    events: tuple[Event, ...]


_CHAINS: dict[tuple[int, calendar.WorkingHours, datetime, int], Chain] = {}


def chain(process: Process, hours: calendar.WorkingHours, slot: datetime, variant: int) -> Chain:
    """Return the run of a request submitted at `slot`: variant 0 on time, 1 late at one step, 2+k stalled at step k."""
    key = (id(process), hours, slot, variant)  # processes are catalog constants, alive for the run
    if key not in _CHAINS:
        _CHAINS[key] = _chain(process, hours, slot, variant)
    return _CHAINS[key]


def _chain(process: Process, hours: calendar.WorkingHours, slot: datetime, variant: int) -> Chain:
    """Compute a chain (see `chain`)."""
    start = calendar.clock_start(slot, hours)
    deadline = process.deadline.after(start, hours)
    path = process.main_path()
    late_at = min(2, len(path) - 1)
    events, at, started = [], start, start
    for i, t in enumerate(path):
        due = t.duration.after(at, hours)
        if variant >= 2 and i == variant - 2:
            completed = None
        else:
            window = due - started
            completed = started + window * (1.4 if variant == 1 and i == late_at else 0.35)
        events.append(Event(i, t.action, str(t.role), t.duration.code, t.source, t.target, started, due, completed,
                            t.decides, t.issues_result, t.assigns_executor, t.notify, t.inputs))
        if completed is None:
            break
        at, started = completed, calendar.next_opening(completed, hours)
    return Chain(start, deadline, tuple(events))


def sample_value(f: Field) -> str:
    """Return a valid value of a field the applicant types or a step's actor supplies."""
    return {"date": "2024-06-30", "grade": "8", "year": "2023", "person_name": "Сейітов Нұрлан Болатұлы",
            "longtext": "Бірінші және екінші курстар толық аяқталды.",
            "choice": f.choices[0].value if f.choices else ""}.get(f.kind, "Тест мәні / Тестовое значение")


@dataclass(frozen=True)
class Template:
    """What every request of one (service version, sub-flow) shares: the form's shape, documents, process."""

    spec: ServiceSpec
    process: Process
    form_json: str  # with @CHILD_IIN@, @CHILD_NAME@, @CHILD_BIRTH@ to replace
    documents: tuple[str, ...]
    refusal_codes: str
    refusal_text: str
    #: the process has a step assigning the executor (with the head's resolution)
    assigns: bool


@lru_cache(maxsize=None)
def template(code: str, version: int, subflow: str | None) -> Template:
    """Return the shared part of the requests of one service version and sub-flow."""
    spec = next(s for s in _versions(code) if s.version == version)
    form: dict[str, Any] = {}
    for f in spec.fields:
        if f.registry_of:
            form[f.name] = "@CHILD_BIRTH@" if f.kind == "date" else "@CHILD_NAME@"
        elif f.kind == "iin":
            form[f.name] = "@CHILD_IIN@"
        elif f.name == spec.subflow_field and subflow:
            form[f.name] = subflow
        else:
            form[f.name] = sample_value(f)
    if spec.representation is not None:
        form[REGISTRY_LINK] = CONFIRMED
    ground = spec.refusal_grounds[0] if spec.refusal_grounds else None
    return Template(spec, spec.process_for(form), json.dumps(form, ensure_ascii=False),
                    tuple(d.code for d in spec.required_documents(form)),
                    json.dumps([ground.code] if ground else []),
                    "Құжаттар толық емес / Пакет документов неполный",
                    any(t.assigns_executor for t in spec.process_for(form).main_path()))


def _versions(code: str) -> tuple[ServiceSpec, ...]:
    """Return every wording of a service."""
    from portal.domain.catalog import VERSIONS
    return VERSIONS[code]


def _esc(value: Any) -> str:
    """Return a value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return text


class Table:
    """Rows of one table in COPY text format, with the next id to give."""

    def __init__(self, name: str, columns: tuple[str, ...], first_id: int) -> None:
        self.name, self.columns, self.next_id = name, columns, first_id
        self.buffer = io.StringIO()
        self.rows = 0

    def add(self, *values: Any) -> int:
        """Append a row (its id first, given here) and return the id."""
        ident = self.next_id
        self.next_id += 1
        self.buffer.write(str(ident) + "\t" + "\t".join(map(_esc, values)) + "\n")
        self.rows += 1
        return ident

    def line(self, row: str) -> int:
        """Append a row already in COPY text (without its id, given here) and return the id."""
        ident = self.next_id
        self.next_id += 1
        self.buffer.write(f"{ident}\t{row}\n")
        self.rows += 1
        return ident

    def take(self) -> str:
        """Return the rows gathered since the last take, and forget them."""
        text = self.buffer.getvalue()
        self.buffer = io.StringIO()
        return text


TABLES: dict[str, tuple[str, ...]] = {
    "people": ("id", "iin", "full_name", "search_name", "phone", "email", "password_hash", "created_at",
               "session_version"),
    "memberships": ("id", "person_id", "organisation_id", "role"),
    "registry_persons": ("id", "iin", "surname", "given_name", "patronymic", "birth_date", "source"),
    "applications": ("id", "number", "service_code", "applicant_id", "channel", "filed_by_id", "provider_id", "stage",
                     "catalog_version", "form", "submitted_at", "clock_started_at", "deadline_at", "executor_id",
                     "resolution", "decision", "refusal_grounds", "refusal_codes", "result_fields", "completed_at",
                     "consent_given_at", "consent_version", "consent_by_id", "created_at", "updated_at", "version"),
    "step_records": ("id", "application_id", "step", "role", "normative", "actor_id", "started_at", "due_at",
                     "completed_at", "late", "outcome", "provider_id"),
    "audit_entries": ("id", "seq", "kind", "application_id", "actor_id", "subject_id", "organisation_id", "action",
                      "from_status", "to_status", "at", "details", "prev_hash", "hash"),
    "notifications": ("id", "application_id", "recipient_id", "code", "params", "created_at"),
    "attachments": ("id", "application_id", "kind", "original_name", "content_type", "size", "sha256",
                    "uploaded_at"),
    "result_documents": ("id", "application_id", "number", "decision", "sha256", "size", "signer_label",
                         "signed_at"),
}


_canonical: dict[str, dict[str, Any]] = {}


def audit_entry(audit: Table, app_id: int, actor: int, subject: int, org_id: int | None, action: str, source: str,
                target: str, at: datetime, details: str) -> None:
    """Append a state change to the audit chain as audit_trail.record would: its seq, its hash, the previous one."""
    seq = audit.next_id
    parsed = _canonical.get(details)
    if parsed is None:
        parsed = _canonical[details] = canonical_details(json.loads(details))
    fields = {"seq": seq, "kind": "state_change", "application_id": app_id, "actor_id": actor, "subject_id": subject,
              "represented_iin": None, "organisation_id": org_id, "action": action, "from_status": source,
              "to_status": target, "at": at, "details": parsed}
    prev = getattr(audit, "prev_hash", GENESIS)
    audit.prev_hash = entry_hash(fields, prev)  # type: ignore[attr-defined]
    org = "\\N" if org_id is None else org_id
    audit.line(f"{seq}\tstate_change\t{app_id}\t{actor}\t{subject}\t{org}\t{action}\t{source}\t{target}\t{at}"
               f"\t{details}\t{prev}\t{audit.prev_hash}")  # type: ignore[attr-defined]


def demo_orgs(session: Session, tables: dict[str, Table], names: dict[int, str]) -> dict[str, Org]:
    """Load the demo providers and staff (the ORM, a few rows), add executors to the big department; fill names."""
    demo.load(session, NOW)
    session.flush()
    providers = {p.code: p for p in session.scalars(select(Provider)) if not p.is_centre}
    staff: dict[int, dict[str, list[int]]] = {}
    for person in session.scalars(select(Person).join(Person.membership)):
        staff.setdefault(person.provider_id, {}).setdefault(str(person.role), []).append(person.id)
        names[person.id] = person.full_name
    password = hash_password("bench-staff-2026")
    serial = iter(range(4000, 10000, 10))

    def member(org_id: int, role: str) -> int:
        """Add a bench staff member of an organisation."""
        k = next(serial)
        iin = make_iin(date(1970 + k % 30, 1 + k % 12, 3), "F" if k % 20 else "M", k)
        name = f"{SURNAMES[k % 16]} {GIVEN[k // 10 % 16]} {PATRONYMIC[k % 10]}"
        person = tables["people"].add(iin, name, search_key(name), "+77010000000", f"{iin}@bench.invalid", password,
                                      NOW, 0)
        tables["memberships"].add(person, org_id, role)
        names[person] = name
        return person

    orgs = {}
    for code, p in providers.items():
        roles = staff.get(p.id, {})
        if not roles.get("executor"):  # a department of seed 004 the demo gives no staff
            roles = {r: [member(p.id, r)] for r in ("office_clerk", "head", "executor")}
        orgs[code] = Org(p.id, code, str(p.kind), p.hours, roles["office_clerk"][0], roles["head"][0],
                         list(roles["executor"]), p.name_kk)
    orgs[BIG].executors += [member(orgs[BIG].id, "executor") for _ in range(EXTRA_EXECUTORS)]
    return orgs


def _pick(rng: random.Random, mix: tuple[tuple[str, float], ...]) -> str:
    """Return a code drawn by its share."""
    r, acc = rng.random(), 0.0
    for code, share in mix:
        acc += share
        if r < acc:
            return code
    return mix[-1][0]


@dataclass
class Applicants:
    """The generated applicants: their person ids and IINs, by index."""

    ids: list[int] = field(default_factory=list)
    iins: list[str] = field(default_factory=list)


def add_applicants(count: int, tables: dict[str, Table], taken: set[str]) -> Applicants:
    """Add `count` applicants with unique IINs, as people and as the individuals' registry knows them."""
    out = Applicants()
    password = hash_password(APPLICANT_PASSWORD)
    base = date(1960, 1, 1)
    for k in range(count):
        born = base + timedelta(days=k % 14600)
        sex = "M" if k % 2 else "F"
        iin = make_iin(born, sex, 5000 + (k // 14600) * 10)
        while iin in taken:  # a checksum bump ran into a neighbour: take the next serial
            iin = make_iin(born, sex, int(iin[7:11]) + 1)
        taken.add(iin)
        surname, given, patronymic = SURNAMES[k % 16], GIVEN[(k // 16) % 16], PATRONYMIC[(k // 256) % 11]
        full = " ".join(x for x in (surname, given, patronymic) if x)
        out.ids.append(tables["people"].add(iin, full, search_key(full), "+77010000000", "", password,
                                            NOW - timedelta(days=800), 0))
        out.iins.append(iin)
        tables["registry_persons"].add(iin, surname, given, patronymic, born, "stand-in")
    return out


def _n(value: Any) -> Any:
    """Return COPY's NULL for None, else the value."""
    return "\\N" if value is None else value


def requests(n: int, seed: int, orgs: dict[str, Org], applicants: Applicants,
             tables: dict[str, Table], names: dict[int, str]) -> Iterator[int]:
    """Add n requests with their steps, audit, notifications, scans and results; yield after each 10,000.

    Rows are written as COPY text directly (f-strings, cached JSON): this loop runs a million times.
    """
    rng = random.Random(seed)
    big = orgs[BIG]
    by_kind: dict[str, list[Org]] = {}
    for org in orgs.values():
        if org.code != BIG:
            by_kind.setdefault(org.kind, []).append(org)
    candidates = {code: [o for k in SERVICES[code].provider_kinds for o in by_kind.get(k, ())]
                  for code, _ in SERVICE_MIX}
    apps, steps, audit, notes = (tables[t] for t in ("applications", "step_records", "audit_entries", "notifications"))
    scans, results = tables["attachments"], tables["result_documents"]
    slots = HISTORY_DAYS * 24 * 60 // SLOT_MINUTES
    children = [make_iin(date(2008 + k % 8, 1 + k % 12, 1 + k % 28), "M" if k % 2 else "F", 5000 + k // 168)
                for k in range(5000)]
    details_json: dict[tuple, str] = {}
    fields_json: dict[tuple, str] = {}
    consent_json = json.dumps({"consent_version": CONSENT_VERSION})
    resolution = "Қарап, шешім дайындаңыз."
    for i in range(n):
        applicant = 0 if i < CABINET_REQUESTS else 1 + rng.randrange(len(applicants.ids) - 1)
        if i < CABINET_REQUESTS or rng.random() < BIG_SHARE:
            org, code = big, _pick(rng, BIG_MIX)
        else:
            code = _pick(rng, SERVICE_MIX)
            org = rng.choice(candidates[code])
        submitted = NOW - timedelta(minutes=rng.randrange(1, slots * SLOT_MINUTES))
        slot = submitted.replace(minute=0, second=0, microsecond=0)
        slot -= timedelta(hours=slot.hour % (SLOT_MINUTES // 60))
        shift = submitted - slot
        spec = service_on(code, submitted.date())
        sub = rng.choice(spec.subflows).value if spec.subflows else None
        tpl = template(code, spec.version, sub)
        r = rng.random()
        if r < STALLED_SHARE:
            variant = 2 + rng.randrange(len(tpl.process.main_path()))
        else:
            variant = 1 if r < STALLED_SHARE + LATE_SHARE else 0
        run = chain(tpl.process, org.hours, slot, variant)
        app_id = apps.next_id
        applicant_id = applicants.ids[applicant]
        number = f"{spec.number_prefix}-{submitted:%Y}-{app_id:06d}"
        number_json = f'{{"number": "{number}"}}'
        executor = decision = completed_at = None
        stage, updated, version, done_steps = tpl.process.start, submitted, 1, 0
        audit_entry(audit, app_id, applicant_id, applicant_id, None, CONSENT_ACTION, "draft", "draft",
                    submitted - timedelta(minutes=1), consent_json)
        audit_entry(audit, app_id, applicant_id, applicant_id, None, "submit", "draft", tpl.process.start, submitted,
                    number_json)
        notes.line(f'{app_id}\t{applicant_id}\tsubmitted\t{{"number": "{number}", "deadline": '
                   f'"{(run.deadline + shift).isoformat()}"}}\t{submitted}')
        for e in run.events:
            started, due = e.started + shift, e.due + shift
            done = e.completed + shift if e.completed is not None else None
            if done is None or done > NOW:
                steps.line(f"{app_id}\t{e.action}\t{e.role}\t{e.normative}\t\\N\t{started}\t{due}\t\\N\tf\t\\N"
                           f"\t{org.id}")
                break
            if e.role == "office_clerk":
                actor = org.clerk
            elif e.role == "head":
                actor = org.head
            else:
                actor = executor if executor is not None else rng.choice(org.executors)
            if e.assigns:
                executor = rng.choice(org.executors)
            elif e.role == "executor" and executor is None:
                executor = actor
            if e.decides:
                decision = "refused" if rng.random() < REFUSED_SHARE else "permitted"
            late = done > due
            key = (id(e), executor if e.assigns else None, decision if e.decides else None, late)
            details = details_json.get(key)
            if details is None:
                d: dict[str, Any] = {}
                if e.assigns:
                    d.update(executor_id=executor, executor=names.get(executor, ""), resolution=resolution)
                if e.decides:
                    refused = decision == "refused"
                    d.update(decision=decision, refusal_grounds=tpl.refusal_text if refused else None,
                             refusal_codes=json.loads(tpl.refusal_codes) if refused else None)
                if e.inputs:
                    d["inputs"] = {f.name: sample_value(f) for f in e.inputs}
                d["late"] = late
                details = details_json[key] = json.dumps(d, ensure_ascii=False)
            steps.line(f"{app_id}\t{e.action}\t{e.role}\t{e.normative}\t{actor}\t{started}\t{due}\t{done}"
                       f"\t{'t' if late else 'f'}\t{e.action}\t{org.id}")
            audit_entry(audit, app_id, actor, applicant_id, org.id, e.action, e.source, e.target, done, details)
            if e.issues:
                results.line(f"{app_id}\tB{app_id:011d}\t{decision or 'permitted'}\t{app_id:064x}\t48000"
                             f"\t{org.name}\t{done}")
            if e.notify:
                code_ = "result_refused" if e.notify == "result_ready" and decision == "refused" else e.notify
                notes.line(f"{app_id}\t{applicant_id}\t{code_}\t{number_json}\t{done}")
            stage, updated, version, done_steps = e.target, done, version + 1, done_steps + 1
            if e.index == len(run.events) - 1 and tpl.process.is_final(e.target):
                completed_at = done
        key = (id(run), done_steps)
        result_fields = fields_json.get(key)
        if result_fields is None:
            values = {f.name: sample_value(f) for e in run.events[:done_steps] for f in e.inputs}
            result_fields = fields_json[key] = json.dumps(values, ensure_ascii=False)
        child = children[i % len(children)]
        form = (tpl.form_json.replace("@CHILD_IIN@", child).replace("@CHILD_NAME@", "Сейітов Нұрсұлтан Ерланұлы")
                .replace("@CHILD_BIRTH@", f"20{child[:2]}-{child[2:4]}-{child[4:6]}"))
        uploaded = submitted - timedelta(minutes=5)
        for kind in tpl.documents:
            scans.line(f"{app_id}\t{kind}\t{kind}.pdf\tapplication/pdf\t180000\t{app_id:060x}{len(kind):04x}"
                       f"\t{uploaded}")
        refused = decision == "refused"
        apps.line(f"{number}\t{code}\t{applicant_id}\tportal\t{applicant_id}\t{org.id}\t{stage}\t{spec.version}"
                  f"\t{form}\t{submitted}\t{run.start + shift}\t{run.deadline + shift}\t{_n(executor)}"
                  f"\t{resolution if executor is not None and tpl.assigns else chr(92) + 'N'}\t{_n(decision)}"
                  f"\t{tpl.refusal_text if refused else chr(92) + 'N'}"
                  f"\t{tpl.refusal_codes if refused else chr(92) + 'N'}"
                  f"\t{result_fields}\t{_n(completed_at)}\t{submitted - timedelta(minutes=1)}\t{CONSENT_VERSION}"
                  f"\t{applicant_id}\t{submitted - timedelta(minutes=30)}\t{updated}\t{version}")
        if (i + 1) % 10000 == 0:
            yield i + 1
    yield n
