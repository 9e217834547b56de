"""How long the dashboard's figures take at scale on PostgreSQL: a provider's year and the region's.

Fills a schema of its own (dashboard_bench) with N requests spread over 20 providers and three years, each
with four completed steps, then times `portal.domain.dashboard.figures` and prints the plans' top lines.
Usage: python -m bench.dashboard postgresql://root@127.0.0.1:5432/test [N=1000000]
(drop the schema afterwards: DROP SCHEMA dashboard_bench CASCADE)
"""
from __future__ import annotations

import sys
import time
from datetime import datetime

from sqlalchemy import select, text

from portal.domain import dashboard
from portal.domain.db import make_engine
from portal.domain.migrate import upgrade
from portal.domain.models import Provider
from portal.domain.db import make_session_factory

SCHEMA = "dashboard_bench"
NOW = datetime(2026, 11, 23, 10)

FILL = f"""
INSERT INTO people (id, iin, full_name, phone, email, password_hash, created_at, session_version)
VALUES (1, '860412412345', 'Bench', '', '', 'x', '2026-01-01', 0);
INSERT INTO providers (id, code, kind, name_kk, name_ru, area_kk, address, schedule_kk, bin, opens, closes,
                       lunch_from, lunch_to, weekdays, head_signs_results, is_demo)
SELECT g, 'p' || g, 'education_department', 'P' || g, 'P' || g, '', '', '', '990000000000', '09:00', '18:30',
       '13:00', '14:30', '01234', false, true FROM generate_series(1, 20) g;
INSERT INTO applications (id, number, service_code, applicant_id, channel, provider_id, stage, catalog_version,
                          form, submitted_at, deadline_at, completed_at, created_at, updated_at, version, result_fields)
SELECT g, 'B-' || g, (ARRAY['external_study','tvet_certificate','tvet_transfer','teacher_attestation'])[1 + g % 4],
       1, 'portal', 1 + g % 20, CASE WHEN g % 3 = 0 THEN 'in_execution' ELSE 'completed' END, 1, '{{}}',
       ts, ts + interval '15 days', CASE WHEN g % 3 = 0 THEN NULL ELSE ts + (g % 20) * interval '1 day' END,
       ts, ts, 1, '{{}}'
FROM (SELECT g, timestamp '2023-12-01' + (g::float / :n) * interval '1095 days' AS ts
      FROM generate_series(1, :n) g) s;
INSERT INTO step_records (application_id, step, role, normative, started_at, due_at, completed_at, late)
SELECT a.id, s.step, s.role, s.norm, a.submitted_at, a.submitted_at + interval '1 hour',
       a.submitted_at + ((a.id % 7) + s.k) * interval '1 hour', (a.id % 5 = 0)
FROM applications a CROSS JOIN (VALUES (1, 'register', 'office_clerk', '15m'), (2, 'assign', 'head', '20m'),
                                       (3, 'draft_result', 'executor', '14wd'), (4, 'approve', 'head', '20m')) AS s(k, step, role, norm);
ANALYZE;
"""


def main(url: str, n: int) -> None:
    """Fill the bench schema with n requests (once) and time the figures of one provider and of the region."""
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    admin = make_engine(url)
    with admin.begin() as conn:
        filled = conn.scalar(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": f"{SCHEMA}.step_records"}) and \
            conn.scalar(text(f"SELECT max(id) FROM {SCHEMA}.applications")) == n
        if not filled:  # a second run on the same n reuses the rows
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.dispose()
    engine = make_engine(f"{url}?options=-csearch_path%3D{SCHEMA}")
    if not filled:
        upgrade(engine)
        started = time.perf_counter()
        with engine.begin() as conn:
            for statement in FILL.split(";\n"):
                if statement.strip():
                    conn.execute(text(statement), {"n": n})
        print(f"filled {n} requests and {4 * n} steps in {time.perf_counter() - started:.1f} s")
    sessions = make_session_factory(engine)
    period = dashboard.period_of(None, None, NOW)
    with sessions() as session:
        provider = session.scalar(select(Provider).where(Provider.code == "p7"))
        for label, who in (("one provider, 12 months", provider), ("the region, 12 months", None)):
            for _ in range(2):  # the second run is the warm one
                started = time.perf_counter()
                d = dashboard.figures(session, provider=who, period=period, now=NOW)
                took = time.perf_counter() - started
            print(f"{label}: {took * 1000:.0f} ms, {d.totals().received} requests received")
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
