"""How long the dashboard's figures take at scale on PostgreSQL: a provider's year and the region's.

Fills a schema of its own (dashboard_bench) with N requests spread over 20 providers and three years, each
with four completed steps of spread-out durations (a thousand distinct values per step, so that the
rollup's bands fill as real data would); requests received more than 20 days before NOW are completed
but one in 500, which is stuck open, so that what is open now is a month's work, as at a real provider.
Then counts the months into the rollup (as `flask dashboard-rollup` does) and times
`portal.domain.dashboard.figures` for one provider and the region, with the number of queries each view
costs. Measured on a busy 2-core machine (PostgreSQL 15), warm, median of six:
    10k: a provider's year 13 ms, the region's 18 ms (8 queries); before the rollup 8-11 ms and 60-72 ms
    1M:  a provider's year 16 ms, the region's 34 ms (8 queries); before the rollup 515 ms and 5.8 s
    counting all 36 months into the rollup: 1.4 s at 10k, 48-63 s at 1M (the daily run counts one month)
What is left grows with the current work, not with the history: today's events and the open requests.
Usage: python -m bench.dashboard postgresql://root@127.0.0.1:5432/test [N=1000000]
(drop the schema afterwards: DROP SCHEMA dashboard_bench CASCADE)
"""
from __future__ import annotations

import statistics
import sys
import time
from datetime import datetime

from sqlalchemy import event, select, text

from portal.domain import dashboard, dashboard_rollup
from portal.domain.db import make_engine, make_session_factory
from portal.domain.migrate import upgrade
from portal.domain.models import Provider

SCHEMA = "dashboard_bench"
NOW = datetime(2026, 11, 23, 10)
#: bumped whenever FILL changes, so that a schema filled by an older FILL is filled again
DATA_VERSION = 2
#: warm runs per view; the median is printed
RUNS = 7

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
       1, 'portal', 1 + g % 20, CASE WHEN done IS NULL THEN 'in_execution' ELSE 'completed' END, 1, '{{}}',
       ts, ts + interval '15 days', done, ts, ts, 1, '{{}}'
FROM (SELECT g, ts, CASE WHEN g % 500 = 0 OR ts + (g % 20) * interval '1 day' > '{NOW:%Y-%m-%d %H:%M}' THEN NULL
                         ELSE ts + (g % 20) * interval '1 day' END AS done
      FROM (SELECT g, timestamp '2023-12-01' + (g::float / :n) * interval '1088 days' AS ts
            FROM generate_series(1, :n) g) t) s;
INSERT INTO step_records (application_id, step, role, normative, started_at, due_at, completed_at, late)
SELECT a.id, s.step, s.role, s.norm, a.submitted_at, a.submitted_at + interval '1 hour',
       a.submitted_at + s.k * ((a.id::bigint * 7919) % 1000 + 1) / 200.0 * interval '1 hour', (a.id % 5 = 0)
FROM applications a CROSS JOIN (VALUES (1, 'register', 'office_clerk', '15m'), (2, 'assign', 'head', '20m'),
                                       (3, 'draft_result', 'executor', '14wd'), (4, 'approve', 'head', '20m')) AS s(k, step, role, norm)
WHERE a.submitted_at + s.k * ((a.id::bigint * 7919) % 1000 + 1) / 200.0 * interval '1 hour' < '{NOW:%Y-%m-%d %H:%M}';
CREATE TABLE bench_data (version int);
INSERT INTO bench_data VALUES ({DATA_VERSION});
ANALYZE;
"""


def _fill(url: str, n: int) -> None:
    """Fill the bench schema with n requests unless it holds them already (from this FILL)."""
    admin = make_engine(url)
    with admin.begin() as conn:
        filled = conn.scalar(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": f"{SCHEMA}.bench_data"}) and \
            conn.scalar(text(f"SELECT max(version) FROM {SCHEMA}.bench_data")) == DATA_VERSION and \
            conn.scalar(text(f"SELECT max(id) FROM {SCHEMA}.applications")) == n
        if not filled:  # a second run on the same n reuses the rows
            conn.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            conn.execute(text(f"CREATE SCHEMA {SCHEMA}"))
    admin.dispose()
    engine = make_engine(f"{url}?options=-csearch_path%3D{SCHEMA}")
    upgrade(engine)  # the newest schema, on rows filled by an older one too
    if not filled:
        started = time.perf_counter()
        with engine.begin() as conn:
            for statement in FILL.split(";\n"):
                if statement.strip():
                    conn.execute(text(statement), {"n": n})
        print(f"filled {n} requests and their steps in {time.perf_counter() - started:.1f} s")
    engine.dispose()


def main(url: str, n: int) -> None:
    """Fill the bench schema with n requests (once), count the rollup, and time the views of a provider and the region."""
    url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    _fill(url, n)
    engine = make_engine(f"{url}?options=-csearch_path%3D{SCHEMA}")
    sessions = make_session_factory(engine)
    started = time.perf_counter()
    counted = dashboard_rollup.rollup_job(sessions, NOW, force=True)
    print(f"rollup of {len(counted)} months (flask dashboard-rollup --force): {time.perf_counter() - started:.1f} s")
    # counting every month again left each old row dead: tidy up as autovacuum soon would (the daily run
    # replaces one month's rows, which autovacuum keeps up with)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE dashboard_fills, dashboard_months, dashboard_step_months"))
    queries: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: queries.append(args[2]))
    period = dashboard.period_of(None, None, NOW)
    with sessions() as session:
        provider = session.scalar(select(Provider).where(Provider.code == "p7"))
        for label, who in (("one provider, 12 months", provider), ("the region, 12 months", None)):
            took = []
            for _ in range(RUNS):  # the first run warms the caches
                queries.clear()
                started = time.perf_counter()
                d = dashboard.figures(session, provider=who, period=period, now=NOW)
                took.append(time.perf_counter() - started)
            print(f"{label}: {statistics.median(took[1:]) * 1000:.1f} ms (median of {RUNS - 1}), {len(queries)} "
                  f"queries, {d.totals().received} received, {d.open_totals().overdue} overdue now")
    engine.dispose()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
