"""The audit chain: what it records, that it verifies, that it detects edits and deletions, and what the citizen sees."""
from __future__ import annotations

import base64
import importlib
import re
from datetime import date

import pytest
from flask import Flask
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from portal import demo
from portal.domain import audit_trail
from portal.domain.models import Application, AuditEntry, Person, Provider
from portal.domain.validators import make_iin
from tests.conftest import account, sign_in, staff_client
from tests.eds_helpers import signer, signing_time_for
from tests.factories import submitted_request
from tests.web.test_backoffice import work_through
from tests.web.test_eds import eds_sign_in

MIGRATION = importlib.import_module("portal.migrations.versions.0015_audit_chain")
OTHER_IIN = make_iin(date(1991, 3, 8), "F", 777)


def entries(app: Flask, **where: object) -> list[AuditEntry]:
    """Return the chain's entries, filtered by column values, in chain order."""
    with app.extensions["portal"].sessions() as s:
        query = select(AuditEntry).order_by(AuditEntry.seq)
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        return list(s.scalars(query))


def verdict(app: Flask) -> audit_trail.Verdict:
    """Walk the chain in small batches (so the keyset paging is exercised too)."""
    with app.extensions["portal"].sessions() as s:
        return audit_trail.verify(s, batch=3)


def person_id(app: Flask, iin: str) -> int:
    with app.extensions["portal"].sessions() as s:
        return s.scalar(select(Person.id).where(Person.iin == iin))


class TriggersOff:
    """Drop the append-only triggers, as an attacker with rights on the database would, and put them back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __enter__(self) -> TriggersOff:
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_append_only"))
            else:
                conn.execute(text("DROP TRIGGER audit_entries_no_update"))
                conn.execute(text("DROP TRIGGER audit_entries_no_delete"))
        return self

    def __exit__(self, *_exc: object) -> None:
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_append_only"))
            else:
                for statement in MIGRATION.SQLITE_TRIGGERS:
                    conn.execute(text(statement))


@pytest.fixture
def worked(app: Flask, citizen) -> int:  # type: ignore[no-untyped-def]
    """Return a request submitted, registered, assigned, drafted and approved; its card opened by the head."""
    app_id = submitted_request(app, citizen)
    work_through(app, app_id, {"decision": "permitted"}, until="approve")
    return app_id


def test_a_realistic_flow_leaves_an_intact_chain(app, worked, engine):
    found = entries(app)
    assert [e.seq for e in found] == list(range(1, len(found) + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(found, found[1:])) and found[0].prev_hash == audit_trail.GENESIS
    kinds = {e.kind for e in found}
    assert kinds == {"sign_in", "state_change"}, kinds
    assert [e.action for e in found if e.kind == "state_change"] == [
        "consent", "submit", "register", "assign", "draft_result", "approve"]
    result = verdict(app)
    assert result.ok and result.count == len(found), result
    out = app.test_cli_runner().invoke(args=["audit-verify", "--batch", "2"])
    assert out.exit_code == 0 and out.output.strip() == f"OK: {len(found)} entries, chain intact"


def test_the_triggers_refuse_update_and_delete(app, worked, engine):
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_entries SET action = 'nothing' WHERE seq = 2"))
    with pytest.raises(DBAPIError, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    assert entries(app, seq=2)[0].action != "nothing" and verdict(app).ok


def test_an_edited_entry_is_found(app, worked, engine):
    victim = entries(app, action="draft_result")[0]
    with TriggersOff(engine), engine.begin() as conn:
        conn.execute(text("UPDATE audit_entries SET to_status = 'completed' WHERE seq = :seq"), {"seq": victim.seq})
    result = verdict(app)
    assert not result.ok and result.reason == "edited" and result.broken_seq == victim.seq
    assert result.count == victim.seq - 1
    out = app.test_cli_runner().invoke(args=["audit-verify"])
    assert out.exit_code == 1 and f"entry {victim.seq} was edited" in out.output


def test_a_deleted_entry_is_found(app, worked, engine):
    victim = entries(app, action="assign")[0]
    with TriggersOff(engine), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = :seq"), {"seq": victim.seq})
    result = verdict(app)
    assert not result.ok and result.reason == "deleted" and result.broken_seq == victim.seq, result
    out = app.test_cli_runner().invoke(args=["audit-verify"])
    assert out.exit_code == 1 and f"entry {victim.seq} is missing (deleted)" in out.output


def test_a_cut_tail_and_a_renumbered_deletion_are_found(app, worked, engine):
    last = entries(app)[-1]
    with TriggersOff(engine), engine.begin() as conn:
        conn.execute(text("UPDATE audit_chain_head SET last_entry_id = NULL"))
        conn.execute(text("DELETE FROM audit_entries WHERE seq = :seq"), {"seq": last.seq})
    result = verdict(app)
    assert not result.ok and result.reason == "deleted" and result.broken_seq == last.seq, result
    # closing the gap by renumbering the later entries edits them: seq is hashed too
    with TriggersOff(engine), engine.begin() as conn:
        conn.execute(text("UPDATE audit_chain_head SET seq = seq - 2"))
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
        conn.execute(text("UPDATE audit_entries SET seq = seq - 1 WHERE seq > 3"))
    result = verdict(app)
    assert not result.ok and result.reason == "edited" and result.broken_seq == 3, result


def test_sign_ins_are_audited(app):
    client = app.test_client()
    citizen_id = person_id(app, demo.CITIZEN.iin)
    r = client.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": "not the password"}, environ_base={
        "REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"})
    assert r.status_code == 401
    client.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password},
                environ_base={"REMOTE_ADDR": "203.0.113.7"})
    client.post("/auth/sign-out")
    r, _ = eds_sign_in(client, signer(app, demo.CITIZEN.iin, auth=True))
    assert r.status_code == 200
    # a wrong password for an IIN with no account leaves nothing (there is nobody to tell)
    app.test_client().post("/auth/sign-in", data={"iin": OTHER_IIN, "password": "whatever-1"})
    # the citizen's own key, but over something else than the challenge
    stranger = app.test_client()
    stranger.post("/auth/eds/challenge", json={})
    cms = signer(app, demo.CITIZEN.iin, auth=True).create_cms(b"not the challenge", attached=True,
                                                               signing_time=signing_time_for(app))
    r = stranger.post("/auth/eds/sign-in", json={"cms": base64.b64encode(cms).decode()})
    assert r.status_code == 422 and r.get_json()["code"] == "content_mismatch"
    found = entries(app, kind="sign_in")
    assert [(e.action, e.actor_id, e.subject_id, e.details) for e in found] == [
        ("sign_in_failed", None, citizen_id, {"method": "password", "source": "2001:db8:1:2::/64"}),
        ("sign_in", citizen_id, citizen_id, {"method": "password", "source": "203.0.113.7"}),
        ("sign_in", citizen_id, citizen_id, {"method": "eds", "source": "127.0.0.1"}),
        ("sign_in_failed", None, citizen_id, {"method": "eds", "source": "127.0.0.1", "reason": "content_mismatch"}),
    ]
    head = account("head")
    staff_client(app, "head")
    staff = entries(app, kind="sign_in", actor_id=person_id(app, head.iin))
    assert len(staff) == 1 and staff[0].organisation_id is not None
    assert verdict(app).ok


def viewed_section(html: str) -> str:
    """Return the "Who viewed your data" section of the citizen's request page."""
    match = re.search(r'<section id="viewed">(.*?)</section>', html, re.S)
    assert match, "no viewed section"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1)))


def test_a_staff_view_is_audited_and_shown_to_the_citizen_only(app, citizen):
    app_id = submitted_request(app, citizen)
    citizen.get("/lang/en")
    before = viewed_section(citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True))
    assert "No member of staff has opened your data yet." in before
    clerk = account("office_clerk")
    staff = staff_client(app, "office_clerk")
    assert staff.get(f"/backoffice/requests/{app_id}").status_code == 200
    scan = entries(app, kind="state_change", action="submit")[0]
    with app.extensions["portal"].sessions() as s:
        attachment_id = s.get(Application, app_id).attachments[0].id
    assert staff.get(f"/backoffice/requests/{app_id}/attachments/{attachment_id}").status_code == 200
    assert staff.get(f"/backoffice/requests/{app_id}/application.pdf").status_code == 200
    views = entries(app, kind="view")
    assert [(v.action, v.application_id, v.subject_id, v.represented_iin) for v in views] == [
        ("view_card", app_id, scan.subject_id, demo.CHILD["child_iin"]),
        ("view_attachment", app_id, scan.subject_id, demo.CHILD["child_iin"]),
        ("view_application", app_id, scan.subject_id, demo.CHILD["child_iin"]),
    ]
    assert all(v.actor_id == person_id(app, clerk.iin) and v.details["role"] == "office_clerk" for v in views)
    # the citizen's own look at their request is not listed
    citizen.get(f"/cabinet/requests/{app_id}/application.pdf")
    assert len(entries(app, kind="view")) == 3
    shown = viewed_section(citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True))
    assert shown.count(clerk.full_name) == 3 and shown.count("Office clerk") == 3
    assert "The request card with your data" in shown and "A scanned document (scan.pdf)" in shown
    assert "The signed application" in shown and shown.count("Education Department of Petropavl City") == 3
    # another citizen sees neither the request nor who opened it
    other = app.test_client()
    other.post("/auth/register", data={"consent": "y", "iin": OTHER_IIN, "full_name": "Әлиева Сәуле Бекқызы",
                                       "phone": "8 701 234 56 78", "email": "saule@example.kz",
                                       "password": "long-enough-1", "password_again": "long-enough-1"})
    page = other.get(f"/cabinet/requests/{app_id}")
    assert page.status_code == 404 and clerk.full_name not in page.get_data(as_text=True)
    assert verdict(app).ok


def test_the_viewings_are_listed_a_page_at_a_time(app, citizen):
    app_id = submitted_request(app, citizen)
    staff = staff_client(app, "head")
    for _ in range(audit_trail.VIEWINGS_PAGE + 3):
        assert staff.get(f"/backoffice/requests/{app_id}").status_code == 200
    first = citizen.get(f"/cabinet/requests/{app_id}").get_data(as_text=True)
    seqs = [int(s) for s in re.findall(r'<tr data-seq="(\d+)"', first)]
    assert len(seqs) == audit_trail.VIEWINGS_PAGE and seqs == sorted(seqs, reverse=True)
    more = re.search(r'href="([^"]*viewed_before=(\d+))[^"]*"', first)
    assert more and int(more.group(2)) == seqs[-1]
    second = citizen.get(f"/cabinet/requests/{app_id}?viewed_before={seqs[-1]}").get_data(as_text=True)
    rest = [int(s) for s in re.findall(r'<tr data-seq="(\d+)"', second)]
    assert len(rest) == 3 and max(rest) < seqs[-1] and "viewed_before=" not in second


def test_the_desk_card_view_is_audited(app):
    desk = sign_in(app.test_client(), demo.OPERATOR)
    with app.extensions["portal"].sessions() as s:
        provider = s.scalar(select(Provider.id).where(Provider.code == "petropavl"))
    filed = desk.post("/desk/", data={"service_code": "external_study", "provider_id": str(provider),
                                      "applicant_iin": demo.CITIZEN.iin})
    assert filed.status_code == 302
    assert desk.get(filed.headers["Location"]).status_code == 200
    app_id = int(filed.headers["Location"].rstrip("/").split("/")[-1])
    views = entries(app, kind="view")
    operator = person_id(app, demo.OPERATOR.iin)
    assert [(v.action, v.actor_id, v.application_id, v.subject_id, v.details["role"]) for v in views] == [
        ("view_card", operator, app_id, person_id(app, demo.CITIZEN.iin), "operator")]
    with app.extensions["portal"].sessions() as s:
        assert views[0].organisation_id == s.get(Person, operator).provider_id
    assert verdict(app).ok


def test_a_wiped_chain_starts_again_and_the_head_counts(app, engine):
    with app.extensions["portal"].sessions() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == 0
    staff_client(app, "head")
    assert verdict(app).ok and verdict(app).count == 1


def test_existing_entries_migrate_into_the_chain(tmp_path):
    """A database at 0011 keeps its audit rows through 0012, chained in their order, whose data they are filled in."""
    import json

    from sqlalchemy.orm import Session

    from portal.demo_registry import CHILD_IIN
    from portal.domain.db import make_engine
    from portal.domain.migrate import upgrade
    from tests.test_migrate_forward import AT, _database

    engine = make_engine(_database(tmp_path))
    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO providers (id, code, kind, name_kk, name_ru, area_kk, address, schedule_kk, bin,"
                          " is_demo, head_signs_results) VALUES (1, 'p', 'education_department', 'П', 'П', 'А', "
                          "'Адрес', '', '123456789012', true, false)"))
        for pid, iin, role, provider in ((1, "900101300123", "applicant", None), (2, "750630301019", "head", 1)):
            conn.execute(text("INSERT INTO people (id, iin, full_name, phone, email, password_hash, role, provider_id,"
                              " created_at, session_version) VALUES (:id, :iin, 'Азамат', '', '', '!', :role, :p, "
                              ":at, 0)"), {"id": pid, "iin": iin, "role": role, "p": provider, "at": AT})
        form = json.dumps({"child_iin": CHILD_IIN, "registry_link": "confirmed"})
        conn.execute(text("INSERT INTO applications (id, number, service_code, applicant_id, provider_id, status, form,"
                          " result_fields, created_at, updated_at, version, deadline_at) VALUES (1, 'N-1', "
                          "'external_study', 1, 1, 'in_execution', :form, '{}', :at, :at, 1, :at)"),
                     {"form": form, "at": AT})
    upgrade(engine, "0011_consent")
    old = [(1, "submit", "draft", "submitted", {"number": "N-1"}), (2, "register", "submitted", "registered", {}),
           (2, "assign", "registered", "in_execution", {"executor": "Ерлан", "resolution": "Қарау"})]
    with engine.begin() as conn:
        for actor, action, source, target, details in old:
            conn.execute(text("INSERT INTO audit_entries (application_id, actor_id, action, from_status, to_status, "
                              "at, details) VALUES (1, :actor, :action, :source, :target, :at, :details)"),
                         {"actor": actor, "action": action, "source": source, "target": target, "at": AT,
                          "details": json.dumps(details)})
    upgrade(engine)
    with Session(engine) as session:
        rows = list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
        assert [(e.seq, e.kind, e.action, e.actor_id, e.details) for e in rows] == [
            (i + 1, "state_change", action, actor, details) for i, (actor, action, _, _, details) in enumerate(old)]
        assert {(e.application_id, e.subject_id, e.represented_iin) for e in rows} == {(1, 1, CHILD_IIN)}
        assert [e.organisation_id for e in rows] == [None, 1, 1]
        assert audit_trail.verify(session, batch=2) == audit_trail.Verdict(True, 3, message="OK: 3 entries, chain intact")
        # the chain goes on from the migrated rows
        head = session.get(Person, 2)
        entry = audit_trail.record(session, kind="admin", action="membership_changed", actor=head, at=AT,
                                   subject=session.get(Person, 1), details={"role": "executor"})
        assert entry.seq == 4 and entry.prev_hash == rows[-1].hash and entry.organisation_id == 1
        session.commit()
        assert audit_trail.verify(session).ok
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text("UPDATE audit_entries SET action = 'x' WHERE seq = 1"))
    engine.dispose()


def test_concurrent_appends_never_fork_the_chain(app):
    """Several connections appending at once queue on the chain's head: one chain, no gaps, no forks."""
    import threading

    from tests.conftest import MONDAY_10

    sessions = app.extensions["portal"].sessions
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def append(worker: int) -> None:
        try:
            start.wait()
            for i in range(10):
                with sessions() as s:
                    audit_trail.record(s, kind="admin", action="test_append", actor=None, at=MONDAY_10,
                                       details={"worker": worker, "i": i})
                    s.commit()
        except BaseException as err:  # noqa: BLE001 — reported below
            errors.append(err)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    found = entries(app, kind="admin")
    assert len(found) == 40 and [e.seq for e in entries(app)] == list(range(1, len(entries(app)) + 1))
    assert sorted((e.details["worker"], e.details["i"]) for e in found) == [(w, i) for w in range(4) for i in range(10)]
    assert verdict(app).ok


def test_a_deletion_hidden_by_rehashing_the_next_entry_is_found(app, worked, engine):
    """An attacker who deletes entry 3 and renumbers and re-hashes entry 4 still leaves its prev_hash behind."""
    fourth = entries(app, seq=4)[0]
    fields = {name: getattr(fourth, name) for name in audit_trail.HASHED}
    fields["seq"] = 3
    forged = audit_trail.entry_hash(fields, fourth.prev_hash)
    with TriggersOff(engine), engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_entries WHERE seq = 3"))
        conn.execute(text("UPDATE audit_entries SET seq = 3, hash = :hash WHERE seq = 4"), {"hash": forged})
    result = verdict(app)
    assert not result.ok and result.reason == "deleted" and result.broken_seq == 3, result
    assert "prev_hash mismatch" in result.message
