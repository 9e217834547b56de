"""A database from before the process graph migrates forward without losing a request, and then runs on the graph."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from portal.domain.db import make_engine
from portal.domain.migrate import upgrade
from portal.domain.models import Application
from portal.domain.progress import progress
from portal.domain.workflow import available_transitions, process_of
from tests.conftest import WORKER

SCHEMA = f"portal_migrate_forward{'_' + WORKER if WORKER else ''}"
AT = datetime(2026, 11, 20, 10, 0)

#: requests as the six-status engine left them: (id, service, status, decision)
OLD = [
    (1, "external_study", "draft", None),
    (2, "external_study", "submitted", None),
    (3, "tvet_certificate", "in_execution", None),
    (4, "tvet_transfer", "awaiting_approval", "permitted"),
    (5, "teacher_attestation", "completed", "refused"),
    (6, "tvet_certificate", "completed", "permitted"),
]


def _database(tmp_path: Path) -> str:
    """Return an empty database of this test's own (a PostgreSQL schema when the suite runs there)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        return f"sqlite:///{tmp_path / 'old.sqlite3'}"
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.dispose()
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{SCHEMA}"


def test_requests_of_the_six_status_engine_survive_and_run_on_the_graph(tmp_path: Path) -> None:
    engine = make_engine(_database(tmp_path))
    upgrade(engine, "0005")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO providers (id, code, kind, name_kk, name_ru, area_kk, address, schedule_kk, bin,"
                          " is_demo, head_signs_results) VALUES (1, 'p', 'college', 'П', 'П', 'А', 'Адрес', '', "
                          "'123456789012', true, false)"))
        conn.execute(text("INSERT INTO people (id, iin, full_name, phone, email, password_hash, role, created_at, "
                          "session_version) VALUES (1, '900101300123', 'Азамат', '', '', '!', 'applicant', :at, 0)"),
                     {"at": AT})
        for app_id, code, status, decision in OLD:
            conn.execute(text("INSERT INTO applications (id, number, service_code, applicant_id, provider_id, status,"
                              " form, decision, refusal_grounds, result_fields, created_at, updated_at, version,"
                              " deadline_at) VALUES (:id, :number, :code, 1, 1, :status, '{}', :decision, :grounds, "
                              "'{}', :at, :at, 1, :at)"),
                         {"id": app_id, "number": None if status == "draft" else f"N-{app_id}", "code": code,
                          "status": status, "decision": decision, "at": AT,
                          "grounds": "Толық емес" if decision == "refused" else None})
            if status != "draft":
                conn.execute(text("INSERT INTO step_records (application_id, step, role, normative, actor_id, "
                                  "started_at, due_at, completed_at, late) VALUES (:id, 'register', 'office_clerk', "
                                  "'15m', 1, :at, :at, :at, false)"), {"id": app_id, "at": AT})
    upgrade(engine)
    with Session(engine) as session:
        apps = {a.id: a for a in session.scalars(select(Application))}
        assert {i: (a.service_code, a.stage, a.decision) for i, a in apps.items()} == {
            i: (code, status, decision) for i, code, status, decision in OLD}
        assert {i: a.catalog_version for i, a in apps.items()} == {1: None, 2: 1, 3: 2, 4: 1, 5: 1, 6: 2}
        assert all(r.outcome == "register" for a in apps.values() for r in a.steps)
        assert [str(progress(apps[i]).status) for i in sorted(apps)] == [
            "draft", "submitted", "in_progress", "in_progress", "refused", "granted"]
        # each keeps running: the stage it waited in is a stage of its graph, with its ways out
        assert [t.action for t in process_of(apps[3]).ways_out(apps[3].stage)] == [
            "draft_result", "reassign", "hand_back"]
        assert available_transitions(apps[2], apps[2].applicant) == []
    engine.dispose()
