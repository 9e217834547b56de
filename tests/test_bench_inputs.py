"""The benchmarks' inputs stay valid as the documents' rules tighten (CI runs them after the suite)."""

import json
from datetime import date, datetime

from flask import Flask
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, func, select, text as sql
from sqlalchemy.engine import Engine

from bench import scale_data, sign_results
from portal import clock
from portal.documents.render import render_excerpt
from portal.domain.db import Base
from portal.domain import audit_trail
from portal.domain.models import Application, AuditChainHead, AuditEntry
from portal.domain.workflow import process_of
from tests.conftest import staff_client


def test_the_signing_benchmark_builds_and_renders_its_excerpts() -> None:
    """Every tenth benchmark excerpt is a refusal; the others cite a registered order."""
    docs = sign_results.excerpts(10)
    assert [d.decision for d in docs].count("refused") == 1
    assert all((d.order is None) == (d.decision == "refused") for d in docs)
    assert render_excerpt(docs[0]).startswith(b"%PDF")
    assert render_excerpt(docs[9]).startswith(b"%PDF")


def _insert(engine: Engine, tables: dict[str, scale_data.Table]) -> None:
    """Insert the loader's COPY text through SQLAlchemy, so that SQLite takes it too."""
    with engine.begin() as conn:
        for name in ("people", "memberships", "registry_persons", "applications", "step_records",
                     "audit_entries", "notifications", "attachments", "result_documents"):
            table, text = Base.metadata.tables[name], tables[name].take()
            rows = []
            for line in text.splitlines():
                row = {}
                for column, raw in zip(tables[name].columns, line.split("\t")):
                    kind = table.c[column].type
                    value: object = None if raw == "\\N" else raw
                    if value is not None:
                        if isinstance(kind, DateTime):
                            value = datetime.fromisoformat(raw)
                        elif isinstance(kind, Date):
                            value = date.fromisoformat(raw)
                        elif isinstance(kind, Boolean):
                            value = raw == "t"
                        elif isinstance(kind, Integer):
                            value = int(raw)
                        elif isinstance(kind, JSON):
                            value = json.loads(raw)
                    row[column] = value
                rows.append(row)
            if rows:
                conn.execute(table.insert(), rows)
            if conn.dialect.name == "postgresql":  # rows given their ids: the next insert's id follows them, as the loader does
                conn.execute(sql(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                  f"(SELECT coalesce(max(id), 1) FROM {name}))"))


def test_the_scale_benchmark_loads_requests_the_back_office_shows(app: Flask, engine: Engine) -> None:
    """The loader's requests follow their process graphs and show in the big department's queue."""
    first = {}
    with engine.connect() as conn:
        for name in scale_data.TABLES:
            first[name] = (conn.scalar(select(func.max(Base.metadata.tables[name].c.id))) or 0) + 1
    tables = {t: scale_data.Table(t, cols, first[t]) for t, cols in scale_data.TABLES.items()}
    names: dict[int, str] = {}
    with app.extensions["portal"].sessions() as session:
        orgs = scale_data.demo_orgs(session, tables, names)
        session.commit()
    applicants = scale_data.add_applicants(150, tables, set())
    assert list(scale_data.requests(300, 7, orgs, applicants, tables, names))[-1] == 300
    _insert(engine, tables)
    with engine.begin() as conn:  # the head of the chain, as the loader leaves it
        last = conn.execute(select(AuditEntry.seq, AuditEntry.hash, AuditEntry.id).order_by(AuditEntry.seq.desc())
                            .limit(1)).one()
        conn.execute(AuditChainHead.__table__.delete())
        conn.execute(AuditChainHead.__table__.insert().values(id=1, seq=last.seq, hash=last.hash,
                                                               last_entry_id=last.id))

    with app.extensions["portal"].sessions() as session:
        assert audit_trail.verify(session).ok  # the loader chains its audit rows as record() does
        apps = session.scalars(select(Application).where(Application.id >= first["applications"])).all()
        assert len(apps) == 300
        big = [a for a in apps if a.provider.code == scale_data.BIG]
        assert 0.1 < len(big) / len(apps) < 0.5
        stages = {a.stage for a in apps}
        assert "completed" in stages and len(stages) >= 3, stages
        for a in apps:
            process = process_of(a)
            open_steps = [s for s in a.steps if s.completed_at is None]
            assert a.audit[-1].to_status == a.stage and a.audit[0].action == "consent"
            if process.is_final(a.stage):
                assert not open_steps and a.completed_at is not None and a.result is not None
            else:
                assert [s.step for s in open_steps] == [process.step_of(a.stage).action], a.number
            assert all(s.completed_at <= scale_data.NOW for s in a.steps if s.completed_at)
        waiting = sorted((a for a in big if a.stage != "completed"), key=lambda a: (a.deadline_at, a.id))
        shown = [a.number for a in sorted(big, key=lambda a: (a.deadline_at, a.id))[:50]]
    with clock.pinned(scale_data.NOW):
        head = staff_client(app, "head")
        page = head.get("/backoffice/?tab=all").get_data(as_text=True)
        assert shown and all(number in page for number in shown[:10])
        card = head.get(f"/backoffice/requests/{waiting[0].id}").get_data(as_text=True)
        assert waiting[0].number in card
