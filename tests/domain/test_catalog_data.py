"""Check the three catalog entries (seeds 000-003) and the demo providers against the regulations."""
from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import sys
import types
from pathlib import Path

import pytest

import portal.domain
from portal.demo_providers import DEMO_PROVIDERS

try:
    import portal.domain.catalog  # noqa: F401
except (ImportError, TypeError):  # pragma: no cover - until the package stops importing the older draft
    # Load the entries' modules without running the package's __init__ (it still imports others.py).
    _package = types.ModuleType("portal.domain.catalog")
    _package.__path__ = [str(Path(portal.domain.__file__).parent / "catalog")]
    sys.modules["portal.domain.catalog"] = _package

from portal.domain.catalog import teacher_attestation, tvet_certificate, tvet_transfer  # noqa: E402
from portal.domain.catalog.spec import Duration, ServiceSpec, Transition as Step  # noqa: E402
from portal.domain.models import ProviderKind, Role  # noqa: E402

LOCALES = ("kk", "ru", "en")
STAFF = {Role.office_clerk, Role.head, Role.executor}
CHANNELS = {"portal", "state_corporation", "provider_office"}
FIELD_KINDS = {"text", "longtext", "iin", "date", "choice", "grade", "year"}

SERVICES = {
    "tvet_certificate": tvet_certificate.SERVICE,
    "tvet_transfer": tvet_transfer.SERVICE,
    "teacher_attestation": teacher_attestation.SERVICE,
}

M = lambda n: Duration(minutes=n)  # noqa: E731
WD = lambda n: Duration(working_days=n)  # noqa: E731

#: the durations of every flow, exactly as the regulations (and the digest) state them
DURATIONS = {
    ("tvet_certificate", None): (M(15), M(30), WD(1), M(20), M(20)),
    ("tvet_transfer", "transfer"): (M(15), WD(1), WD(15), WD(1), M(15)),
    ("tvet_transfer", "readmission"): (M(15), WD(1), WD(5), WD(1), M(15)),
    ("teacher_attestation", None): (M(20), M(20)),
}

PARAMS = pytest.mark.parametrize("service", SERVICES.values(), ids=SERVICES.keys())


def texts(service: ServiceSpec) -> Iterator[tuple[str, Mapping[str, str]]]:
    """Yield (where, text mapping) for every text the service shows to people."""
    yield "name", service.name
    yield "description", service.description
    yield "applicant", service.applicant
    yield "result.title", service.result.title
    yield "result.granted", service.result.granted
    for ground in service.refusal_grounds:
        yield f"refusal ground {ground.code}", ground.text
        yield f"refusal ground {ground.code} citation", ground.citation
    yield "appeal", service.appeal
    fields = list(service.fields)
    for _, steps in service.all_flows():
        for step in steps:
            yield f"step {step.action}", step.title
            fields.extend(step.inputs)
    for sub in service.subflows:
        yield f"subflow {sub.value}", sub.title
    for f in fields:
        yield f"field {f.name}", f.title
        if f.hint is not None:
            yield f"field {f.name} hint", f.hint
        for c in f.choices:
            yield f"field {f.name} choice {c.value}", c.title
    for d in service.documents:
        yield f"document {d.code}", d.title


def flows(service: ServiceSpec) -> list[tuple[str | None, tuple[Step, ...]]]:
    """Return every flow, the default one included when the service has sub-flows."""
    found = list(service.all_flows())
    if service.subflows:
        found.append(("default", service.steps))
    return found


@PARAMS
def test_loads_with_its_code(service: ServiceSpec) -> None:
    assert service.code in SERVICES
    assert SERVICES[service.code] is service
    assert service.number_prefix == {"tvet_certificate": "TVC", "tvet_transfer": "TRF",
                                     "teacher_attestation": "ATT"}[service.code]
    assert service.source
    assert service.result.template


@PARAMS
def test_every_text_has_all_locales(service: ServiceSpec) -> None:
    for where, text in texts(service):
        for locale in LOCALES:
            assert (text.get(locale) or "").strip(), f"{service.code}: {where} lacks {locale}"


@PARAMS
def test_channels_kinds_and_fields(service: ServiceSpec) -> None:
    assert "portal" in service.channels
    assert set(service.channels) <= CHANNELS
    assert service.provider_kinds and set(service.provider_kinds) <= {k.value for k in ProviderKind}
    names = [f.name for f in service.fields]
    assert len(names) == len(set(names))
    for _, steps in service.all_flows():
        for step in steps:
            for f in (*service.fields, *step.inputs):
                assert f.kind in FIELD_KINDS, f.name
                assert bool(f.choices) == (f.kind == "choice"), f.name
    codes = [d.code for d in service.documents]
    assert len(codes) == len(set(codes))
    assert service.refusal_grounds


@PARAMS
def test_flows_chain_from_submitted_to_completed(service: ServiceSpec) -> None:
    for value, steps in flows(service):
        assert steps, (service.code, value)
        assert steps[0].source == "submitted"
        assert steps[-1].target == "completed"
        for before, after in zip(steps, steps[1:]):
            assert before.target == after.source, (service.code, value, after.action)
        statuses = [s.source for s in steps]
        assert len(statuses) == len(set(statuses)), (service.code, value)
        actions = [s.action for s in steps]
        assert len(actions) == len(set(actions)), (service.code, value)


@PARAMS
def test_roles_decision_and_result(service: ServiceSpec) -> None:
    for value, steps in flows(service):
        assert {s.role for s in steps} <= STAFF, (service.code, value)
        issuing = [i for i, s in enumerate(steps) if s.effect == "issue_result"]
        deciding = [i for i, s in enumerate(steps) if s.decides]
        assert len(issuing) == 1, (service.code, value)
        assert len(deciding) == 1, (service.code, value)
        assert issuing[0] >= deciding[0], (service.code, value)
        assert all(s.effect in (None, "issue_result") for s in steps)
        for i, step in enumerate(steps):
            if step.assigns_executor:
                # the executor is picked before any executor step
                assert all(s.role != Role.executor for s in steps[:i])


@pytest.mark.parametrize(("code", "value"), DURATIONS.keys())
def test_durations_match_the_regulation(code: str, value: str | None) -> None:
    service = SERVICES[code]
    steps = dict(service.all_flows())[value]
    assert tuple(s.duration for s in steps) == DURATIONS[(code, value)]


@PARAMS
def test_deadline_covers_the_steps(service: ServiceSpec) -> None:
    for sub in service.subflows or ():
        assert _covers(sub.process.deadline, sub.process.main_path()), sub.value
    assert _covers(service.deadline, service.steps)


def _covers(deadline: Duration, steps: tuple[Step, ...]) -> bool:
    """Return True when the deadline is at least the sum of the steps (minutes rounded up to a day)."""
    days = sum(s.duration.working_days for s in steps)
    minutes = sum(s.duration.minutes for s in steps)
    if deadline.working_days:
        return deadline.working_days >= days + (1 if minutes else 0)
    return days == 0 and deadline.minutes >= minutes


def test_the_stated_deadlines() -> None:
    assert tvet_certificate.SERVICE.deadline == WD(2)
    assert {s.value: s.process.deadline for s in tvet_transfer.SERVICE.subflows} == {
        "transfer": WD(18), "readmission": WD(8)}
    assert teacher_attestation.SERVICE.deadline == M(40)


@PARAMS
def test_document_conditions_refer_to_fields_and_values(service: ServiceSpec) -> None:
    for doc in service.documents:
        cond = doc.required_when
        if cond is None:
            continue
        spec = service.field(cond.field)
        assert spec is not None, (doc.code, cond.field)
        if cond.before is not None:
            assert spec.kind == "date", doc.code
        else:
            assert cond.equals, doc.code
            assert spec.kind == "choice", doc.code
            for value in cond.equals:
                assert spec.choice(value) is not None, (doc.code, value)


def test_transfer_subflows_follow_the_request_kind() -> None:
    service = tvet_transfer.SERVICE
    kind = service.field(service.subflow_field or "")
    assert kind is not None and kind.kind == "choice"
    assert {c.value for c in kind.choices} == {s.value for s in service.subflows} == {"transfer", "readmission"}
    assert service.steps == service.subflow({"request_kind": "transfer"}).process.main_path()  # type: ignore[union-attr]
    assert service.deadline == service.flow({"request_kind": "transfer"})[1]
    readmission_steps, deadline = service.flow({"request_kind": "readmission"})
    assert deadline == WD(8)
    assert readmission_steps[2].duration == WD(5)


def test_tvet_certificate_executor_fills_the_record() -> None:
    draft = next(s for s in tvet_certificate.SERVICE.steps if s.decides)
    assert draft.role == Role.executor
    assert {f.name: f.kind for f in draft.inputs} == {
        "speciality": "text", "study_from": "date", "study_to": "date",
        "completed": "longtext", "expulsion_order": "text"}
    fields = {f.name: (f.kind, f.required) for f in tvet_certificate.SERVICE.fields}
    assert fields == {"speciality": ("text", True), "admission_year": ("year", True),
                      "leaving_year": ("year", True), "comment": ("longtext", False)}


def test_attestation_has_no_head_and_needs_the_category_certificate_to_confirm() -> None:
    service = teacher_attestation.SERVICE
    assert {s.role for s in service.steps} == {Role.office_clerk, Role.executor}
    assert not any(s.assigns_executor for s in service.steps)
    form: dict[str, Any] = {"purpose": "confirm"}
    codes_confirm = {d.code for d in service.required_documents(form)}
    codes_assign = {d.code for d in service.required_documents({"purpose": "assign"})}
    assert codes_confirm - codes_assign == {"category_certificate"}


# --- demo providers -----------------------------------------------------------------------------

def test_demo_provider_codes_are_unique() -> None:
    codes = [p.code for p in DEMO_PROVIDERS]
    assert len(codes) == len(set(codes))
    assert all(len(c) <= 40 for c in codes)


def test_demo_provider_bins() -> None:
    bins = [p.bin for p in DEMO_PROVIDERS]
    assert len(bins) == len(set(bins))
    for value in bins:
        assert len(value) == 12 and value.isdigit() and value.startswith("99"), value


def test_demo_providers_have_the_three_roles() -> None:
    for p in DEMO_PROVIDERS:
        roles = [r for r, _ in p.staff]
        assert sorted(roles) == sorted(r.value for r in STAFF), p.code
        for _, name in p.staff:
            assert len(name.split()) == 3, (p.code, name)


def test_demo_providers_cover_every_kind_the_services_need() -> None:
    kinds = {p.kind for p in DEMO_PROVIDERS}
    assert kinds <= {k.value for k in ProviderKind}
    assert {"college", "school", "regional_department"} <= kinds
    assert sum(p.kind == "college" for p in DEMO_PROVIDERS) == 2
    assert sum(p.kind == "school" for p in DEMO_PROVIDERS) == 2


def test_demo_provider_hours_are_valid() -> None:
    from datetime import time

    from portal.domain.calendar import WorkingHours

    for p in DEMO_PROVIDERS:
        WorkingHours(opens=time.fromisoformat(p.opens), closes=time.fromisoformat(p.closes),
                     lunch_from=time.fromisoformat(p.lunch_from) if p.lunch_from else None,
                     lunch_to=time.fromisoformat(p.lunch_to) if p.lunch_to else None)
        assert p.name_kk and p.name_ru and p.address.startswith("Солтүстік Қазақстан облысы, Петропавл")
        assert p.schedule_kk
